"""Lesson 15 — handwritten digits with a DNN (course 000 §6, 002 §6).

``nn.Flatten`` + 784-512-256-128-64-10 with ReLU, ``CrossEntropyLoss``, SGD lr 0.01 with
momentum 0.5, batches of 64. The course trains 5 epochs on the 60,000 MNIST digits
(97.07 % / 96.66 % on the test set). Here the data are the shipped 5,000-digit sample
(4,000 train / 1,000 test), so the network gets the same number of steps instead:
5 x 938 ≈ 4,700 steps ≈ 75 epochs of 63 batches."""
from . import common
from .data import mnist_tensors

FULL_MNIST_STEPS = 5 * 938   # the course: 5 epochs of 938 batches of 64


def run(torch, device, say, opts):
    nn = torch.nn
    TensorDataset = torch.utils.data.TensorDataset
    DataLoader = opts.loader   # torch's DataLoader (in compare: one shuffle order for both)
    torch.manual_seed(opts.seed)
    say("The data: the MNIST sample shipped with tinygrad_edu (no download), normalised "
        "as transforms.Normalize(0.1307, 0.3081) does. Each image is a 28x28 array, the "
        "label a digit 0-9 (not one-hot: CrossEntropyLoss takes the index).",
        zh="制作数据集：使用 tinygrad_edu 随包附带的 MNIST 样本（无需下载），按 transforms.Normalize(0.1307, "
           "0.3081) 标准化。每个样本是 28×28 的二维数组，输出是 0 至 9 的整数，不是独热编码。")
    # the shipped sample stands in for datasets.MNIST(root=..., train=True/False,
    # download=True, transform=transform)
    x_train, y_train, x_test, y_test = mnist_tensors(torch, limit=640 if opts.quick else None)
    train_Data = TensorDataset(x_train, y_train)
    test_Data = TensorDataset(x_test, y_test)
    train_loader = DataLoader(train_Data, shuffle=True, batch_size=64)
    test_loader = DataLoader(test_Data, shuffle=False, batch_size=64)
    epochs = 2 if opts.quick else round(FULL_MNIST_STEPS / len(train_loader))
    say.result(f"train {len(train_Data)} digits ({len(train_loader)} batches of 64), test "
               f"{len(test_Data)}; {epochs} epochs ≈ the course's {FULL_MNIST_STEPS} steps"
               if not opts.quick else
               f"--quick: train {len(train_Data)} digits, test {len(test_Data)}, {epochs} "
               f"epochs",
               f"训练集 {len(train_Data)} 张（{len(train_loader)} 个批次），测试集 {len(test_Data)} 张；"
               f"训练 {epochs} 轮")

    class DNN(nn.Module):
        def __init__(self):
            super(DNN, self).__init__()
            self.net = nn.Sequential(
                nn.Flatten(),
                nn.Linear(784, 512), nn.ReLU(),
                nn.Linear(512, 256), nn.ReLU(),
                nn.Linear(256, 128), nn.ReLU(),
                nn.Linear(128, 64), nn.ReLU(),
                nn.Linear(64, 10),
            )

        def forward(self, x):
            y = self.net(x)
            return y

    model = opts.same_weights(DNN().to(device))
    say.result(f"{model}")
    say("CrossEntropyLoss has the softmax built in; momentum=0.5 gives the gradient "
        "descent inertia, like a ball rolling on the ground.",
        zh="损失函数 CrossEntropyLoss 自带 softmax 激活函数；momentum（动量）使梯度下降有了力与惯性，"
           "就像小球在地面上滚动一样。")
    loss_fn = nn.CrossEntropyLoss()
    learning_rate = 0.01
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.5)
    if opts.graph:
        x, y = common.first_samples(torch, train_Data, 4, device)
        common.draw_backward(say, opts, model, loss_fn, x, y, "l15_mnist_dnn",
                             depth=common.LAYERS)

    losses = []
    for epoch in range(epochs):
        for (x, y) in train_loader:
            x, y = x.to(device), y.to(device)
            Pred = model(x)
            loss = loss_fn(Pred, y)
            losses.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        opts.end_epoch(epoch, epochs, losses, every=10)

    say("Testing: torch.max(Pred.data, dim=1) gives each row's largest value and its "
        "position; the position is the predicted digit, compared with y directly (both are "
        "1-D, so no .all(1)).",
        zh="测试网络：torch.max(Pred.data, dim=1) 找出 Pred 每一行里的最大值及其位置；位置就是预测的数字，"
           "可以直接与 y 比较（二者都是一阶张量，所以结尾不加 .all(1)）。")
    correct = 0
    total = 0
    with torch.no_grad():
        for (x, y) in test_loader:
            x, y = x.to(device), y.to(device)
            Pred = model(x)
            _, predicted = torch.max(Pred.data, dim=1)
            correct += torch.sum((predicted == y)).item()
            total += y.size(0)
    accuracy = 100 * correct / total
    say.result(f"test accuracy: {accuracy:.2f} %", f"测试集精准度: {accuracy:.2f} %")
    common.plot_losses(opts, "l15_loss.png", losses, xlabel="mini-batch",
                       what="loss per mini-batch")
    return common.mnist_result(accuracy, losses, len(train_loader), epochs)
