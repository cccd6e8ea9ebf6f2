"""Lesson 05 — autograd and the computational graph (course 001 §5, 004 §3).

Every operation on a tensor with ``requires_grad=True`` is recorded; ``.backward()``
walks the recorded graph from the end back to the leaves and applies the chain rule:
each node multiplies the gradient arriving from above by its own local derivative."""
from . import common, graphs


def run(torch, device, say, opts):
    x = torch.tensor(2.0, requires_grad=True, device=device)
    y = x ** 2 + 3 * x + 1
    built = graphs.operations(opts.step_backward(y, names={"x": x, "y": y}))
    say(f"Make x = 2 with requires_grad=True: from now on every operation on x is "
        f"recorded in a computational graph. y = x**2 + 3x + 1 is built from "
        f"{graphs.listing(built)} nodes.",
        zh=f"创建一个值为 2、需要梯度的张量 x：之后对 x 的每一步运算都被记录进计算图。"
           f"y = x² + 3x + 1 由 {graphs.listing(built, 'zh')} 节点构成。")
    say.result(f"y = {y!r}", f"y 的值: {y!r}")
    say("y.backward() runs the chain rule backwards: dy/dx = 2x + 3 = 7 at x = 2.",
        zh="y.backward() 反向传播，用链式法则计算 dy/dx = 2x + 3，在 x = 2 处等于 7。")
    y.backward()
    dx = x.grad.item()
    say.result(f"x.grad = {x.grad!r}", f"x 的梯度: {x.grad!r}")

    say("A neuron: y = w*x + b with w = 1.0, b = 0.5, x = 2.0, and the loss (y - 3)^2. "
        "Forward: y = 2.5, loss = 0.25.",
        zh="神经网络中的一个神经元：y = w*x + b，w = 1.0，b = 0.5，x = 2.0，损失 (y - 3)²。"
           "前向传播：y = 2.5，loss = 0.25。")
    w, b, loss, names = neuron(torch, device)
    frames = opts.step_backward(loss, names=names, params={"w": w, "b": b})
    say("Backward: d loss / dy = 2(y - 3) = -1; through MUL, dy/dw = x = 2, so "
        "w.grad = -1 * 2 = -2; through ADD, dy/db = 1, so b.grad = -1.",
        zh="反向传播：d loss/dy = 2(y - 3) = -1；经过 MUL，dy/dw = x = 2，所以 w.grad = -2；"
           "经过 ADD，dy/db = 1，所以 b.grad = -1。")
    order = " → ".join(frames.order)
    say.frames(frames,
               f"loss.backward() node by node, in the engine's order {order}: each frame "
               f"shows the upstream gradient g, the node's local derivative, and the "
               f"gradient it hands to each input (chain rule: g times the local derivative).",
               zh=f"loss.backward() 逐个节点进行，顺序与引擎相同：{order}。每一帧显示上游梯度 g、"
                  f"该节点的局部梯度，以及按链式法则（g 乘以局部梯度）传给每个输入的梯度。")
    if opts.graph:
        draw(say, opts, loss, frames, names, {"w": w, "b": b})
    loss.backward()
    w_grad, b_grad = w.grad.item(), b.grad.item()
    say.result(f"w.grad: {w.grad!r}   b.grad: {b.grad!r}",
               f"w的梯度: {w.grad!r}   b的梯度: {b.grad!r}")

    say("Training y = x * w with autograd: l.backward() fills w.grad; the update works on "
        "w.data (the numbers, outside the graph); then w.grad.data.zero_(), because "
        "backward ADDS to .grad.",
        zh="用自动求导训练 y = x * w：l.backward() 求出 w.grad；更新权重时对 w.data 操作（数值，"
           "而不是计算图里的张量）；然后 w.grad.data.zero_()，因为 backward 计算的梯度会被累加。")
    predict4, losses = train_linear(torch, device, say, opts)

    say("Gradient descent on y = x**2 from x = 5 with learning rate 0.1. The update "
        "x -= lr * x.grad runs under torch.no_grad(): it must not itself become part of "
        "the graph.",
        zh="梯度下降法找 y = x² 的最小值：从 x = 5 出发，学习率 0.1。更新 x -= lr * x.grad 要放在 "
           "torch.no_grad() 里：更新时不追踪梯度，否则下一次求导会按这个式子计算微分。")
    x = torch.tensor(5.0, requires_grad=True, device=device)
    learning_rate = 0.1
    for epoch in range(10):
        y = x ** 2
        y.backward()
        with torch.no_grad():
            x -= learning_rate * x.grad      # x_new = x_old - lr * dy/dx
        x.grad.zero_()
        say.result(f"step {epoch + 1}: x = {x.item():.5f}, y = {y.item():.3f}",
                   f"第{epoch + 1}次: x = {x.item():.5f}, y = {y.item():.3f}")
    x_final = x.item()
    common.plot_losses(opts, "l05_loss.png", losses, logy=True,
                       what="loss curve (y = x * w)")
    if not opts.graph:
        ops = graphs.listing(graphs.operations(frames))
        ops_zh = graphs.listing(graphs.operations(frames), "zh")
        say(f"Run with --graph to draw the neuron's computational graph ({ops}) and save "
            f"its backward pass, node by node, as a web page.",
            zh=f"加上 --graph 可以画出这个神经元的计算图（{ops_zh}），并把逐个节点的反向传播保存为网页。")
    return {"metrics": {"dx": dx, "w.grad": w_grad, "b.grad": b_grad,
                        "x after 10 steps": x_final, "predict(4)": predict4},
            "losses": losses,
            "summary": f"dx = {dx:g}; w.grad {w_grad:g}, b.grad {b_grad:g}; "
                       f"x after 10 steps {x_final:.5f}; predict(4) = {predict4:.4f}",
            "summary_zh": f"dx = {dx:g}；w 的梯度 {w_grad:g}，b 的梯度 {b_grad:g}；"
                          f"10 步后 x = {x_final:.5f}；predict(4) = {predict4:.4f}"}


def neuron(torch, device):
    """w*x + b and its loss (y - 3)^2: the leaves w and b, the loss, and the names of the
    tensors for the drawing."""
    w = torch.tensor(1.0, requires_grad=True, device=device)
    b = torch.tensor(0.5, requires_grad=True, device=device)
    x = torch.tensor(2.0, device=device)
    y = w * x + b
    loss = (y - 3.0) ** 2
    return w, b, loss, {"x": x, "y": y, "loss": loss}


def draw(say, opts, loss, frames, names, params):
    """--graph: the neuron's graph as a picture, and its backward pass frame by frame as
    a web page. What the narration says about the picture is read from it."""
    svg = opts.save_graph(loss, "l05_neuron_graph", names=names, params=params)
    html = opts.save_stepper(frames, "l05_neuron_backward")
    say(f"The computational graph is in {svg}. In the picture "
        f"{graphs.picture(svg)}. Open {html} in a browser to step "
        f"through backward: each frame shows the upstream gradient, the local derivative "
        f"and their product.",
        zh=f"计算图写在 {svg}。图中{graphs.picture(svg, 'zh')}。"
           f"用浏览器打开 {html} 单步查看反向传播：每一帧显示上游梯度、局部梯度和它们的乘积"
           f"（链式法则）。")


def train_linear(torch, device, say, opts):
    """The course's y = x * w trained with l.backward() and w.data updates. The course
    prints ``grad:`` for every sample of every epoch; the lesson prints it in the epochs
    whose progress line it prints."""
    x_data = [1.0, 2.0, 3.0]
    y_data = [2.0, 4.0, 6.0]
    w = torch.Tensor([1.0]).to(device)
    w.requires_grad = True
    alpha = 0.01

    def forward(x):
        return x * w

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) ** 2

    say.result(f"Predict (before training) 4 {forward(4)!r}")
    losses = []
    for epoch in range(100):
        for x, y in zip(x_data, y_data):
            l = loss(x, y)
            l.backward()
            if epoch % 20 == 0 or epoch == 99:   # the course prints every epoch
                say.result(f"\tgrad: {x} {y} {w.grad.item()}")
            w.data = w.data - alpha * w.grad.data
            w.grad.data.zero_()
        losses.append(l.item())
        if epoch % 20 == 0 or epoch == 99:
            say.result(f"progress: {epoch} {l.item():.6f}")
        opts.end_epoch(epoch, 100, losses)
    predict = forward(4).item()
    say.result(f"predict (after training) 4 {predict:.4f}")
    return predict, losses
