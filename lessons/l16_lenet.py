"""Lesson 16 — LeNet-5 (course 002 CNN §2).

Convolutions keep the image two-dimensional: C1 conv 6@5x5 (padding 2) - tanh - S2 average
pool 2 - C3 conv 16@5x5 - tanh - S4 average pool 2 - C5 conv 120@5x5 - tanh - F6 84 -
tanh - 10 outputs. SGD lr 0.9, batches of 256. The course trains 5 epochs on full MNIST
(97.94 %); on the shipped 5,000-digit sample the network gets the same number of steps,
5 x 235 ≈ 1,175 steps ≈ 73 epochs of 16 batches."""
from . import common
from .data import mnist_tensors

FULL_MNIST_STEPS = 5 * 235   # the course: 5 epochs of 235 batches of 256


def run(torch, device, say, opts):
    nn = torch.nn
    TensorDataset = torch.utils.data.TensorDataset
    DataLoader = opts.loader   # torch's DataLoader (in compare: one shuffle order for both)
    torch.manual_seed(opts.seed)
    say("A convolution slides a small kernel over the image and sums the element-wise "
        "products; output size OH = (H + 2P - FH) / S + 1. Pooling takes one number per "
        "2x2 window (here the average) and halves H and W, leaving the channels alone.",
        zh="卷积运算：卷积核在图像上滑动，逐元素乘积后再相加；输出尺寸 OH = (H + 2P - FH) / S + 1。"
           "汇聚从 2×2 窗口中取一个值（这里是平均值），把 H、W 减半，不改变通道数 C。")

    class CNN(nn.Module):
        def __init__(self):
            super(CNN, self).__init__()
            self.net = nn.Sequential(
                nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Tanh(),
                nn.AvgPool2d(kernel_size=2, stride=2),
                nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(),
                nn.AvgPool2d(kernel_size=2, stride=2),
                nn.Conv2d(16, 120, kernel_size=5), nn.Tanh(),
                nn.Flatten(),
                nn.Linear(120, 84), nn.Tanh(),
                nn.Linear(84, 10),
            )

        def forward(self, x):
            y = self.net(x)
            return y

    say("Look at the structure: push one random 1x1x28x28 image through the layers one by "
        "one and print each output's shape.",
        zh="查看网络结构：把一张随机的 1×1×28×28 图像逐层送入网络，打印每一层输出的形状。")
    X = torch.rand(size=(1, 1, 28, 28))
    shape_table = []
    for layer in CNN().net:
        X = layer(X)
        line = f"{layer.__class__.__name__} output shape: \t {X.shape}"
        shape_table.append(line)
        say.result(line)

    # the shipped sample stands in for datasets.MNIST(root=..., train=True/False,
    # download=True, transform=transform)
    x_train, y_train, x_test, y_test = mnist_tensors(torch, limit=512 if opts.quick else None)
    train_Data = TensorDataset(x_train, y_train)
    test_Data = TensorDataset(x_test, y_test)
    train_loader = DataLoader(train_Data, shuffle=True, batch_size=256)
    test_loader = DataLoader(test_Data, shuffle=False, batch_size=256)
    epochs = 2 if opts.quick else round(FULL_MNIST_STEPS / len(train_loader))
    say("Training on the MNIST sample (4,000 digits) with the course's lr 0.9 and batch 256: "
        f"{epochs} epochs give the course's number of steps.",
        zh=f"在 MNIST 样本（4,000 张）上训练，学习率 0.9、batch 256 与课程相同：{epochs} 轮与课程的步数相当。")
    model = opts.same_weights(CNN().to(device))
    loss_fn = nn.CrossEntropyLoss()
    learning_rate = 0.9
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    if opts.graph:
        x, y = common.first_samples(torch, train_Data, 2, device)
        common.draw_backward(say, opts, model, loss_fn, x, y, "l16_lenet",
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
    common.plot_losses(opts, "l16_loss.png", losses, xlabel="mini-batch",
                       what="loss per mini-batch")
    return common.mnist_result(accuracy, losses, len(train_loader), epochs,
                               shape_table=shape_table)
