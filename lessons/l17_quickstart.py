"""Lesson 17 — the PyTorch quick-start (course 003).

The official tutorial's program: data loaders, a device, a ``NeuralNetwork`` class
(Flatten + 784-512-512-10 with ReLU), ``CrossEntropyLoss``, SGD lr 1e-3, batches of 64,
``train()`` and ``test()`` functions with ``model.train()`` / ``model.eval()``; then save
the ``state_dict``, load it into a new model and predict one sample's class name.

The tutorial downloads FashionMNIST. Nothing is downloaded here: the lesson runs on the
MNIST sample shipped with tinygrad_edu, and says so."""
from . import common, data

TUTORIAL_STEPS = 5 * 938   # 5 epochs of 938 batches of 64 (60,000 images)
MNIST_CLASSES = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
                 "6 - six", "7 - seven", "8 - eight", "9 - nine"]


def run(torch, device, say, opts):
    nn = torch.nn
    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
    torch.manual_seed(opts.seed)
    say("The tutorial downloads FashionMNIST (ten kinds of clothes). Offline, this lesson "
        "uses the MNIST sample shipped with the package: the same 28x28 grey images, ten "
        "classes — the digits.",
        zh="快速入门程序从网上下载 FashionMNIST 数据集（十类服饰图像）。这里不联网，改用随包附带的 "
           "MNIST 样本：同样是 28×28 的灰度图、十个类别——数字 0 到 9。")
    say.result("data: the shipped MNIST sample (FashionMNIST would need a download)",
               "数据：随包附带的 MNIST 样本（FashionMNIST 需要下载）")
    limit = 640 if opts.quick else None
    x_train, y_train, x_test, y_test = data.mnist_tensors(torch, "cpu", limit=limit,
                                                          normalize=False)
    training_data, test_data = TensorDataset(x_train, y_train), TensorDataset(x_test, y_test)
    classes = MNIST_CLASSES

    batch_size = 64
    train_dataloader = DataLoader(training_data, batch_size=batch_size)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)
    for X, y in test_dataloader:
        say.result(f"Shape of X [N, C, H, W]: {X.shape}")
        say.result(f"Shape of y: {y.shape} {y.dtype}")
        break
    say.result(f"Using {device} device")

    say("The model: a class derived from nn.Module; __init__ defines the layers, forward "
        "says how data flows through them. nn.Flatten turns each 28x28 image into 784 "
        "numbers; Linear computes y = x A^T + b.",
        zh="定义模型：从 nn.Module 继承的类，__init__ 定义网络层，forward 指定数据如何通过网络。"
           "nn.Flatten 把 28×28 的图像展平为 784 个数；Linear 计算 y = xA^T + b。")

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512),
                nn.ReLU(),
                nn.Linear(512, 512),
                nn.ReLU(),
                nn.Linear(512, 10),
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    model = opts.same_weights(NeuralNetwork().to(device))
    say.result(f"{model}")
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    if opts.graph:
        x, y = common.first_samples(torch, training_data, 4, device)
        common.draw_backward(say, opts, model, loss_fn, x, y, "l17_quickstart",
                             depth=2)   # 1 is flatten and linear_relu_stack: its layers

    train_losses = []

    def train(dataloader, model, loss_fn, optimizer, shown=True):
        size = len(dataloader.dataset)
        model.train()
        total = 0.0
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            total += loss.item()
            if batch % 100 == 0 and shown:
                loss, current = loss.item(), (batch + 1) * len(X)
                say.result(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")
        train_losses.append(total / (batch + 1))

    def test(dataloader, model, loss_fn, shown=True):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        if shown:
            say.result(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, "
                       f"Avg loss: {test_loss:>8f} \n")
        return 100 * correct, test_loss

    say("train() puts the model in training mode and runs one epoch: predict, loss, "
        "backward, step, zero_grad. test() switches to evaluation mode and, without "
        "gradients, measures accuracy and average loss.",
        zh="train() 把模型设为训练模式并训练一轮：预测、求损失、反向传播、更新参数、梯度清零。"
           "test() 设为测试模式，不计算梯度，只求模型的精度和平均损失。")
    epochs = 2 if opts.quick else round(TUTORIAL_STEPS / len(train_dataloader))
    say(f"The tutorial trains 5 epochs of 938 batches on 60,000 images. The sample has "
        f"{len(training_data)} images ({len(train_dataloader)} batches), so this lesson gives "
        f"it the same number of steps: {epochs} epochs (printed every 15).",
        zh=f"教程在 60,000 张图像上训练 5 轮，每轮 938 个批次。样本只有 {len(training_data)} 张"
           f"（{len(train_dataloader)} 个批次），所以这里给它相同的步数：{epochs} 轮（每 15 轮打印一次）。")
    test_losses, accuracies = [], []
    for t in range(epochs):
        shown = t % 15 == 0 or t == epochs - 1
        if shown:
            say.result(f"Epoch {t+1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer, shown)
        accuracy, test_loss = test(test_dataloader, model, loss_fn, shown)
        accuracies.append(accuracy)
        test_losses.append(test_loss)
        opts.end_epoch(t, epochs, train_losses)
    say.result("Done!")
    falls = all(b < a for a, b in zip(test_losses, test_losses[1:]))
    common.plot_losses(opts, "l17_loss.png", {"train": train_losses, "test": test_losses},
                       what="loss curves")
    common.plot_accuracy(opts, "l17_accuracy.png", accuracies)
    say.result(f"test loss fell every epoch: {falls}", f"测试损失每一轮都在下降：{falls}")

    say("Save the learned parameters (the state_dict), build a new NeuralNetwork, load "
        "them, and classify the first test image.",
        zh="保存模型参数（state_dict），新建一个 NeuralNetwork 并加载参数，然后对第一张测试图像分类。")
    path = opts.output("l17_model.pth", "model state_dict")
    torch.save(model.state_dict(), str(path))
    say.result(f"Saved PyTorch Model State to {path}")
    model = NeuralNetwork().to(device)
    model.load_state_dict(torch.load(str(path)))
    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
    say.result(f'Predicted: "{predicted}", Actual: "{actual}"')
    return {"metrics": {"test accuracy": accuracies[-1], "last test loss": test_losses[-1],
                        "loss falls each epoch": float(falls)},
            "losses": test_losses, "train_losses": train_losses,
            "prediction": (predicted, actual),
            "summary": f"test loss {test_losses[0]:.4f} -> {test_losses[-1]:.4f} (falls each "
                       f"epoch: {falls}); accuracy {accuracies[-1]:.1f} %; "
                       f'first test image: predicted "{predicted}", actual "{actual}"',
            "summary_zh": f"测试损失 {test_losses[0]:.4f} -> {test_losses[-1]:.4f}（每轮都下降："
                          f"{falls}）；精准度 {accuracies[-1]:.1f} %；第一张测试图像：预测"
                          f"“{predicted}”，实际“{actual}”"}
