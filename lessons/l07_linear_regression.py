"""Lesson 07 — linear regression with nn (course 001 §6, 004 §4.1).

The four steps of every PyTorch program: prepare the data (3 x 1 tensors), design the
model as an ``nn.Module``, build the loss and the optimizer, then train (forward,
zero_grad, backward, step). ``MSELoss(reduction='sum')`` is the course's
``MSELoss(size_average=False)``; after 100 epochs predict(4) is still off, after 1000 it
is 8."""
from . import common, graphs


def run(torch, device, say, opts):
    nn = torch.nn
    torch.manual_seed(opts.seed)
    say("1. The data as 3 x 1 tensors: PyTorch computes on mini-batches, one sample per "
        "row.",
        zh="1. 准备数据集：在 PyTorch 中，计算图采用小批量方式，因此 x 和 y 是 3 × 1 的张量。")
    x_data = torch.Tensor([[1.0], [2.0], [3.0]]).to(device)
    y_data = torch.Tensor([[2.0], [4.0], [6.0]]).to(device)

    say("2. The model is a class derived from nn.Module; nn.Linear(1, 1) holds two "
        "tensors, the weight and the bias. Calling model(x) runs forward(x).",
        zh="2. 用类设计模型：继承自 nn.Module；nn.Linear(1, 1) 包含两个张量：权重和偏差。"
           "model(x) 会调用 forward(x)（__call__ 魔法方法）。")

    class LinearModel(nn.Module):
        def __init__(self):
            super(LinearModel, self).__init__()
            self.linear = nn.Linear(1, 1)

        def forward(self, x):
            y_pred = self.linear(x)
            return y_pred

    model = opts.same_weights(LinearModel().to(device))
    say.result(f"{model}")
    w0, b0 = model.linear.weight.item(), model.linear.bias.item()
    say.result(f"initial w = {w0:.4f}, b = {b0:.4f}", f"初始 w = {w0:.4f}，b = {b0:.4f}")

    say("3. The loss: MSELoss with reduction='sum' (the course's size_average=False, the "
        "old spelling) adds the squared errors. The optimizer SGD gets model.parameters(): "
        "it finds every parameter, however large the model.",
        zh="3. 构造损失函数和优化器：MSELoss(reduction='sum')（课程里旧的写法是 size_average=False），"
           "把平方误差求和；优化器 SGD 接收 model.parameters()，不管模型多复杂都能找到所有参数，lr 是学习率。")
    criterion = nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    if opts.graph:
        draw(say, opts, model, criterion, x_data, y_data)

    say("4. Training: forward, loss, optimizer.zero_grad() (backward ADDS to .grad), "
        "loss.backward(), optimizer.step().",
        zh="4. 训练过程：前馈算 y_pred，算损失，optimizer.zero_grad() 梯度清零（.backward() "
           "计算的梯度会累加），loss.backward() 反向传播，optimizer.step() 更新所有参数。")
    x_test = torch.Tensor([[4.0]]).to(device)
    at_100 = None
    losses = []
    for epoch in range(1000):
        y_pred = model(x_data)
        loss = criterion(y_pred, y_data)
        losses.append(loss.item())
        if epoch % 100 == 0:   # the course prints every epoch
            say.result(f"{epoch} {loss.item():.6f}")

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        opts.end_epoch(epoch, 1000, losses)
        if epoch + 1 == 100:
            at_100 = report(say, model, x_test, "after 100 epochs", "训练 100 次后")
            say("After 100 epochs predict(4) is still some way from 8: not converged yet. "
                "Keep training to 1000.",
                zh="训练 100 次的预测离 8 还有距离，说明收敛得还不够好；训练 1000 次会越来越好。")
    w, b, predict = report(say, model, x_test, "after 1000 epochs", "训练 1000 次后")
    say("Besides the convergence on the training set, watch the test set too, to catch "
        "over-fitting.",
        zh="注意除了观察训练集上的收敛，也要观察测试集上的好坏，防止过拟合。")
    common.plot_losses(opts, "l07_loss.png", losses, logy=True)
    return {"metrics": {"w": w, "b": b, "predict(4)": predict,
                        "predict(4) after 100": at_100[2]},
            "losses": losses,
            "summary": f"after 1000 epochs w = {w:.4f}, b = {b:.4f}, predict(4) = "
                       f"{predict:.4f} (after 100: {at_100[2]:.4f})",
            "summary_zh": f"训练 1000 次后 w = {w:.4f}，b = {b:.4f}，predict(4) = {predict:.4f}"
                          f"（训练 100 次后：{at_100[2]:.4f}）"}


def report(say, model, x_test, when, when_zh):
    w, b = model.linear.weight.item(), model.linear.bias.item()
    y_test = model(x_test)
    say.result(f"{when}: w = {w:.6f}  b = {b:.6f}  y_pred = {y_test.data!r}",
               f"{when_zh}: w = {w:.6f}  b = {b:.6f}  y_pred = {y_test.data!r}")
    return w, b, y_test.item()


def draw(say, opts, model, criterion, x_data, y_data):
    """--graph: the graph of the loss on the three samples, before training, and its
    backward pass as a web page (the parameters' .grad are left as they were)."""
    loss = criterion(model(x_data), y_data)
    svg, html, frames = opts.save_backward(
        loss, "l07_linear", params=model,
        names={"x_data": x_data, "y_data": y_data, "loss": loss})
    order = " → ".join(frames.order)
    say(f"The computational graph of the loss on the three samples is in {svg}. In the "
        f"picture {graphs.picture(svg)}. {html} steps through "
        f"loss.backward() ({order}): the gradients end in the leaves' .grad, where "
        f"optimizer.step() finds them.",
        zh=f"三个样本上损失的计算图在 {svg}。图中{graphs.picture(svg, 'zh')}。"
           f"{html} 逐步展示 loss.backward()（{order}）：梯度最后存进叶子节点的 .grad，"
           f"optimizer.step() 就用它们更新参数。")
