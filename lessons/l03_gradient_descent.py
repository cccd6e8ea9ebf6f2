"""Lesson 03 — gradient descent by hand (course 001 §4.3).

The cost (the MSE over all samples) and its derivative are written out, no autograd:
``cost = mean((x*w - y)^2)``, ``d cost / dw = mean(2 * x * (x*w - y))``, and each epoch
moves w against the gradient: ``w -= alpha * gradient``."""
from . import common


def run(torch, device, say, opts):
    x_data = torch.tensor([1.0, 2.0, 3.0], device=device)
    y_data = torch.tensor([2.0, 4.0, 6.0], device=device)
    say("Start from a guess, w = 1.0, with learning rate alpha = 0.01.",
        zh="设定初始权重（猜测）w = 1.0，学习率 alpha = 0.01。")
    w = torch.tensor(1.0, device=device)
    alpha = 0.01

    def forward(x):
        return x * w

    def cost(xs, ys):
        # cost = 1/N * sum (x*w - y)^2
        y_pred = forward(xs)
        return ((y_pred - ys) ** 2).mean()

    def gradient(xs, ys):
        # d cost / dw = 1/N * sum 2 * x * (x*w - y)
        return (2 * xs * (xs * w - ys)).mean()

    before = forward(4.0).item()
    say.result(f"Predict (before training) 4 {before:g}")
    say("Each epoch: the cost over all three samples, its gradient, and one step "
        "downhill: w = w - alpha * gradient. A negative derivative means the cost falls "
        "as w grows, so w grows.",
        zh="每一轮：计算全部样本的 cost 和梯度，然后沿梯度的反方向走一步：w = w - alpha * 梯度。"
           "导数为负说明 w 增大时 cost 减小，所以 w 增大。")
    cost_lst = []
    for epoch in range(100):
        cost_val = cost(x_data, y_data)
        grad_val = gradient(x_data, y_data)
        w = w - alpha * grad_val
        cost_lst.append(cost_val.item())
        if epoch % 10 == 0 or epoch == 99:   # the course prints every epoch
            say.result(f"Epoch: {epoch} w= {w.item():.5f} loss= {cost_val.item():.6f}")
        opts.end_epoch(epoch, 100, cost_lst)
    after = forward(4.0).item()
    say("The cost has to fall and level off (converge). If it grows instead, the "
        "learning rate is too large: lower it.",
        zh="训练的结果一定是收敛的；如果发散了，说明学习率大了，降低一点学习率。")
    say.result(f"Predict (after training) 4 {after:.5f}")
    common.plot_losses(opts, "l03_cost.png", cost_lst, ylabel="cost", what="cost curve")
    return {"metrics": {"w": w.item(), "predict(4)": after},
            "losses": cost_lst,
            "summary": f"w = {w.item():.5f}, predict(4) = {after:.5f}",
            "summary_zh": f"w = {w.item():.5f}，predict(4) = {after:.5f}"}
