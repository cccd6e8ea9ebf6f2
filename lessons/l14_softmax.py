"""Lesson 14 — softmax and cross-entropy (course 001 §10).

For K classes the last layer gives K numbers z; softmax turns them into probabilities
(e^z_i / sum_j e^z_j: all >= 0, summing to 1) and the cross-entropy -log p[label]
measures how wrong they are. ``CrossEntropyLoss`` contains the softmax, so the network
ends with a plain Linear. Then the MNIST network of the course, trained on the sample."""
import numpy as np

from . import common, graphs
from .data import mnist_tensors


def run(torch, device, say, opts):
    nn, F = torch.nn, torch.nn.functional
    TensorDataset = torch.utils.data.TensorDataset
    DataLoader = opts.loader   # torch's DataLoader (in compare: one shuffle order for both)
    torch.manual_seed(opts.seed)
    say("Softmax by hand in NumPy: y_pred = exp(z) / exp(z).sum(), then the cross-entropy "
        "with the one-hot label y = [1, 0, 0]: loss = (-y * log(y_pred)).sum().",
        zh="NumPy 中的交叉熵：先 softmax，y_pred = exp(z) / exp(z).sum()（用指数是因为指数幂大于 0），"
           "再与独热标签 y = [1, 0, 0] 计算 loss = (-y * log(y_pred)).sum()。")
    y = np.array([1, 0, 0])
    z = np.array([0.2, 0.1, -0.1])
    y_pred = np.exp(z) / np.exp(z).sum()
    numpy_loss = float((-y * np.log(y_pred)).sum())
    say.result(f"NumPy: softmax {np.round(y_pred, 4).tolist()}, loss {numpy_loss:.4f}",
               f"NumPy：softmax {np.round(y_pred, 4).tolist()}，loss {numpy_loss:.4f}")

    say("The framework's CrossEntropyLoss takes the raw scores z and the class index "
        "(LongTensor([0]): the label is class 0); the softmax is inside.",
        zh="PyTorch 中的交叉熵：CrossEntropyLoss 接收原始分数 z 和类别下标（LongTensor([0]) 表示第 0 类），"
           "softmax 已包含在里面。")
    criterion = nn.CrossEntropyLoss()
    y_t = torch.LongTensor([0]).to(device)
    z_t = torch.Tensor([[0.2, 0.1, -0.1]]).to(device)
    framework_loss = criterion(z_t, y_t).item()
    say.result(f"CrossEntropyLoss: {framework_loss:.4f} (NumPy {numpy_loss:.4f})")
    if opts.graph:
        z_g = torch.Tensor([[0.2, 0.1, -0.1]]).to(device).requires_grad_()
        loss = criterion(z_g, y_t)
        svg, html, frames = opts.save_backward(loss, "l14_cross_entropy", params={"z": z_g},
                                               names={"y": y_t, "loss": loss})
        say(f"The computational graph is in {svg}. In the picture "
            f"{graphs.picture(svg)}; the CE node holds log-softmax and "
            f"the pick of the label. {html} steps through backward "
            f"({' → '.join(frames.order)}): the gradient with respect to z is "
            f"softmax(z) - one_hot(label).",
            zh=f"计算图在 {svg}。图中{graphs.picture(svg, 'zh')}；"
               f"CE 节点包含了 log-softmax 和取标签对应项。{html} 逐步展示反向传播"
               f"（{' → '.join(frames.order)}）：对 z 的梯度正好是 softmax(z) - one_hot(label)。")

    say("Which prediction is better? Labels [2, 0, 1]; Y_pred1 puts the largest score on "
        "the right class in every row, Y_pred2 does not: its loss is larger.",
        zh="举个例子来比较哪个预测更好：标签 [2, 0, 1]；Y_pred1 每行最大的分数都在正确类别上，"
           "Y_pred2 没有，所以它的损失更大。")
    Y = torch.LongTensor([2, 0, 1]).to(device)
    Y_pred1 = torch.Tensor([[0.1, 0.2, 0.9], [1.1, 0.1, 0.2], [0.2, 2.1, 0.1]]).to(device)
    Y_pred2 = torch.Tensor([[0.8, 0.2, 0.3], [0.2, 0.3, 0.5], [0.2, 0.2, 0.5]]).to(device)
    l1, l2 = criterion(Y_pred1, Y).item(), criterion(Y_pred2, Y).item()
    say.result(f"Batch Loss1 = {l1:.4f}  Batch Loss2 = {l2:.4f}")

    say("MNIST: 28x28 images normalised with mean 0.1307 and std 0.3081, x.view(-1, 784) "
        "flattens N x 1 x 28 x 28 to N x 784, then 784-512-256-128-64-10 with ReLU; the "
        "last layer has no activation (CrossEntropyLoss adds the softmax). Here on the "
        "shipped sample: 4,000 training and 1,000 test digits.",
        zh="MNIST：28×28 的图像按均值 0.1307、标准差 0.3081 标准化；x.view(-1, 784) 把 N×1×28×28 "
           "变为 N×784 的矩阵，然后 784-512-256-128-64-10，每层用 relu 激活，最后一层不做激活"
           "（CrossEntropyLoss 自带 softmax）。这里用随包附带的样本：4,000 张训练、1,000 张测试。")
    batch_size = 64
    # the shipped sample, normalised as transforms.Normalize((0.1307, ), (0.3081, )) does,
    # stands in for datasets.MNIST(root='../dataset/mnist/', download=True, transform=...)
    x_train, y_train, x_test, y_test = mnist_tensors(torch, limit=640 if opts.quick else None)
    train_dataset = TensorDataset(x_train, y_train)
    train_loader = DataLoader(train_dataset,
                              shuffle=True,
                              batch_size=batch_size)

    test_dataset = TensorDataset(x_test, y_test)
    test_loader = DataLoader(test_dataset,
                             shuffle=False,
                             batch_size=batch_size)

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.l1 = nn.Linear(784, 512)
            self.l2 = nn.Linear(512, 256)
            self.l3 = nn.Linear(256, 128)
            self.l4 = nn.Linear(128, 64)
            self.l5 = nn.Linear(64, 10)

        def forward(self, x):
            x = x.view(-1, 784)
            x = F.relu(self.l1(x))
            x = F.relu(self.l2(x))
            x = F.relu(self.l3(x))
            x = F.relu(self.l4(x))
            return self.l5(x)

    model = opts.same_weights(Net().to(device))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    losses = []

    def train(epoch):
        running_loss = 0.0
        for batch_idx, data in enumerate(train_loader, 0):
            inputs, target = data
            inputs, target = inputs.to(device), target.to(device)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, target)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        losses.append(running_loss / (batch_idx + 1))
        say.result("[%d, %5d] loss: %.3f" % (epoch + 1, batch_idx + 1, losses[-1]))

    def test():
        correct = 0
        total = 0
        with torch.no_grad():
            for data in test_loader:
                images, labels = data
                images, labels = images.to(device), labels.to(device)
                outputs = model(images)
                _, predicted = torch.max(outputs.data, dim=1)
                total += labels.size(0)
                correct += (predicted == labels).sum().item()
        accuracy = 100 * correct / total
        say.result("Accuracy on test set: %d %%" % accuracy, "测试集准确率: %d %%" % accuracy)
        return accuracy

    say("train(epoch) runs one epoch and prints the mean loss; test() counts the correct "
        "predictions under torch.no_grad(): torch.max(outputs.data, dim=1) returns the "
        "largest value of each row and its index, the predicted digit.",
        zh="train(epoch) 训练一轮并输出平均损失；test() 在 torch.no_grad() 下统计预测正确的数量："
           "torch.max(outputs.data, dim=1) 返回每一行的最大值及其下标，下标就是预测的数字。")
    epochs = 1 if opts.quick else 10
    accuracies = []
    for epoch in range(epochs):
        train(epoch)
        accuracy = test()
        accuracies.append(accuracy)
        opts.end_epoch(epoch, epochs, losses)
    common.plot_losses(opts, "l14_loss.png", losses)
    common.plot_accuracy(opts, "l14_accuracy.png", accuracies)
    return {"metrics": {"numpy cross-entropy": numpy_loss,
                        "CrossEntropyLoss": framework_loss, "loss1": l1, "loss2": l2,
                        "test accuracy": accuracy},
            "losses": losses,
            "summary": f"cross-entropy {framework_loss:.4f} (NumPy {numpy_loss:.4f}); "
                       f"Loss1 {l1:.4f} < Loss2 {l2:.4f}; MNIST sample {accuracy:.1f} % "
                       f"after {epochs} epoch{'' if epochs == 1 else 's'}",
            "summary_zh": f"交叉熵 {framework_loss:.4f}（NumPy {numpy_loss:.4f}）；"
                          f"Loss1 {l1:.4f} < Loss2 {l2:.4f}；MNIST 样本训练 {epochs} 轮后 "
                          f"{accuracy:.1f} %"}
