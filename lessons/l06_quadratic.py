"""Lesson 06 — a quadratic model (course 001 §5.3).

``y_hat = w1 * x**2 + w2 * x + b``, all three parameters 1.0 at the start, trained one
sample at a time with autograd (lr 0.01, 100 epochs) on data that lie on y = 2x. The
model is the wrong shape for the data, so predict(4) stays near 8.5, not 8. The course
prints ``grad:`` for every sample of every epoch; the lesson prints it in the epochs whose
``Epoch:`` line it prints."""
from . import common, graphs


def run(torch, device, say, opts):
    x_data = [1.0, 2.0, 3.0]
    y_data = [2.0, 4.0, 6.0]
    say("Three parameters, each a tensor with requires_grad=True, all starting at 1.0.",
        zh="三个参数 w1、w2、b，都是需要梯度的张量，初始值都是 1.0。")
    w1 = torch.Tensor([1.0]).to(device)
    w1.requires_grad = True
    w2 = torch.Tensor([1.0]).to(device)
    w2.requires_grad = True
    b = torch.Tensor([1.0]).to(device)
    b.requires_grad = True
    alpha = 0.01

    def forward(x):
        return w1 * x ** 2 + w2 * x + b

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) ** 2

    say.result(f"Predict (before training) 4 {forward(4).item():g}")
    if opts.graph:
        l = loss(2.0, 4.0)
        params = {"w1": w1, "w2": w2, "b": b}
        svg, html, frames = opts.save_backward(l, "l06_quadratic", params=params,
                                               names={"l": l})
        say(f"The computational graph of one sample's loss (x = 2, y = 4) is in {svg}. In "
            f"the picture {graphs.picture(svg)}. {html} steps "
            f"through its backward pass. Three leaves receive a gradient: "
            f"w1.grad = 2(y_hat - y) x^2, w2.grad = 2(y_hat - y) x, b.grad = 2(y_hat - y).",
            zh=f"单个样本（x = 2，y = 4）损失的计算图在 {svg}。图中"
               f"{graphs.picture(svg, 'zh')}。{html} 逐步展示反向传播。"
               f"三个叶子节点都得到梯度：w1.grad = 2(y_hat - y) x²，w2.grad = 2(y_hat - y) x，"
               f"b.grad = 2(y_hat - y)。")
    say("Each sample: forward, l.backward(), then every parameter steps against its "
        "gradient (on .data) and its gradient is zeroed.",
        zh="每个样本：前馈计算 loss，l.backward() 反馈求梯度，然后用梯度更新每个参数（对 .data 操作），"
           "再把梯度清零。")
    losses = []
    for epoch in range(100):
        for x, y in zip(x_data, y_data):
            l = loss(x, y)
            l.backward()
            if epoch % 20 == 0 or epoch == 99:   # the course prints every epoch
                say.result(f"\tgrad: {x} {y} {w1.grad.item()} {w2.grad.item()} "
                           f"{b.grad.item()}")
            w1.data = w1.data - alpha * w1.grad.data
            w2.data = w2.data - alpha * w2.grad.data
            b.data = b.data - alpha * b.grad.data
            w1.grad.data.zero_()
            w2.grad.data.zero_()
            b.grad.data.zero_()
        losses.append(l.item())
        if epoch % 20 == 0 or epoch == 99:
            say.result(f"Epoch: {epoch} {l.item():.6f}")
        opts.end_epoch(epoch, 100, losses)
    predict = forward(4).item()
    say.result(f"predict (after training) 4 {predict:.4f}")
    say("About 8.5, not 8: the data come from a straight line and the model is a "
        "parabola, so it cannot fit them exactly — the model does not suit the data.",
        zh="x = 4 时 y ≈ 8.5，与正确值 8 相差较大：数据集本身是一次函数，模型是二次函数，"
           "模型本身就不适合这个数据集。")
    params = {"w1": w1.item(), "w2": w2.item(), "b": b.item()}
    common.plot_losses(opts, "l06_loss.png", losses)
    return {"metrics": dict(params, **{"predict(4)": predict}), "losses": losses,
            "summary": f"predict(4) = {predict:.4f} (w1 {params['w1']:.4f}, "
                       f"w2 {params['w2']:.4f}, b {params['b']:.4f})",
            "summary_zh": f"predict(4) = {predict:.4f}（w1 {params['w1']:.4f}，"
                          f"w2 {params['w2']:.4f}，b {params['b']:.4f}）"}
