"""Lesson 18 — two small nets (course 004 §4.1–4.2).

``SimpleNN``, one Linear(1, 1), learns y = 2x (MSE, SGD lr 0.01, 1000 epochs): w -> 2,
b -> 0. One neuron is one linear function, so it can only fit a line. ``TwoLayerNN``,
1-10-1 with a ReLU in between, learns the curve y = x² on 100 points in [-3, 3]: ten
neurons are ten pieces of line, and the ReLU joins them into a bent one (Adam lr 0.01,
2000 epochs)."""
from . import common


def run(torch, device, say, opts):
    nn, optim = torch.nn, torch.optim
    torch.manual_seed(opts.seed)
    say("The whole flow of a network: define the structure (nn.Module), forward, the loss "
        "(MSELoss), the optimizer (SGD), the training loop (gradient descent).",
        zh="整个神经网络的流程：定义模型结构（nn.Module）、前向传播（forward）、损失函数（MSELoss）、"
           "优化器（SGD）、训练循环（梯度下降）。")

    class SimpleNN(nn.Module):
        def __init__(self):
            super(SimpleNN, self).__init__()
            self.fc1 = nn.Linear(1, 1)

        def forward(self, x):
            return self.fc1(x)

    model = opts.same_weights(SimpleNN().to(device), "SimpleNN weights")
    say.result(f"{model}")
    x_data = torch.tensor([[1.0], [2.0], [3.0]], device=device)
    y_data = torch.tensor([[2.0], [4.0], [6.0]], device=device)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    if opts.graph:
        common.draw_backward(say, opts, model, criterion, x_data, y_data, "l18_simple_nn",
                             depth=common.LAYERS)

    simple_losses = []
    for epoch in range(1000):
        model.train()

        # forward
        y_pred = model(x_data)

        # the loss
        loss = criterion(y_pred, y_data)
        simple_losses.append(loss.item())

        # backward
        optimizer.zero_grad()
        loss.backward()

        # update the parameters
        optimizer.step()

        if epoch % 100 == 0:
            say.result(f"Epoch {epoch}, Loss: {loss.item()} w: {model.fc1.weight.data!r} "
                       f"b: {model.fc1.bias.data!r}")
        opts.end_epoch(epoch, 1000, simple_losses, desc="SimpleNN")
    w, b = model.fc1.weight.item(), model.fc1.bias.item()
    say("w creeps towards 2 and b towards 0: one neuron is one straight line, and the "
        "data lie on one.",
        zh="可以观察到，参数 w 逐渐靠近 2，参数 b 逐渐靠近 0：一个神经元就是一个线性函数，而数据恰好在一条直线上。")

    say("y = x² is not a line. A hidden layer of 10 neurons with a ReLU, max(0, x), gives "
        "10 line pieces that bend where each neuron switches on: together they can follow "
        "the curve.",
        zh="y = x² 不是直线。10 个神经元的隐藏层加上 ReLU 激活函数 max(0, x)：多个神经元相当于多个线性函数的融合，"
           "可以把曲线化为多段直线，从而表达非线性函数。")

    class TwoLayerNN(nn.Module):
        def __init__(self):
            super(TwoLayerNN, self).__init__()
            self.fc1 = nn.Linear(1, 10)
            self.relu = nn.ReLU()
            self.fc2 = nn.Linear(10, 1)

        def forward(self, x):
            x = self.fc1(x)
            x = self.relu(x)
            x = self.fc2(x)
            return x

    torch.manual_seed(opts.seed)   # the course's second program starts afresh
    model = opts.same_weights(TwoLayerNN().to(device), "TwoLayerNN weights")
    x_data = torch.linspace(-3, 3, 100).unsqueeze(1).to(device)
    y_data = x_data.pow(2)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    if opts.graph:   # four of the 100 points: x = -3, -1, 1, 3
        common.draw_backward(say, opts, model, criterion, x_data[::33], y_data[::33],
                             "l18_two_layer_nn", depth=common.LAYERS)

    two_layer_losses = []
    for epoch in range(2000):
        y_pred = model(x_data)
        loss = criterion(y_pred, y_data)
        two_layer_losses.append(loss.item())

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        if epoch % 200 == 0:
            say.result(f"Epoch {epoch}, Loss: {loss.item()}")
        opts.end_epoch(epoch, 2000, two_layer_losses, desc="TwoLayerNN")
    with torch.no_grad():
        final = criterion(model(x_data), y_data).item()
    say.result(f"SimpleNN: w = {w:.4f}, b = {b:.4f}, loss {simple_losses[-1]:.6f}; "
               f"TwoLayerNN: loss {final:.4f}",
               f"SimpleNN：w = {w:.4f}，b = {b:.4f}，损失 {simple_losses[-1]:.6f}；"
               f"TwoLayerNN：损失 {final:.4f}")
    common.plot_losses(opts, "l18_loss.png",
                       {"SimpleNN": simple_losses, "TwoLayerNN": two_layer_losses},
                       logy=True, what="loss curves")
    return {"metrics": {"SimpleNN w": w, "SimpleNN b": b,
                        "SimpleNN loss": simple_losses[-1], "TwoLayerNN loss": final},
            "losses": two_layer_losses, "simple_losses": simple_losses,
            "summary": f"SimpleNN w = {w:.4f}, b = {b:.4f} (loss {simple_losses[-1]:.5f}); "
                       f"TwoLayerNN loss {final:.4f}",
            "summary_zh": f"SimpleNN w = {w:.4f}，b = {b:.4f}（损失 {simple_losses[-1]:.5f}）；"
                          f"TwoLayerNN 损失 {final:.4f}"}
