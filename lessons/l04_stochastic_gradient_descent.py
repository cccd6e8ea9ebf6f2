"""Lesson 04 — stochastic gradient descent by hand (course 001 §4.5).

Instead of the gradient of the cost over all samples, take the gradient of the loss of
ONE sample, ``d loss / dw = 2 * x * (x*w - y)``, and update w after every sample."""
from . import common


def run(torch, device, say, opts):
    x_data = torch.tensor([1.0, 2.0, 3.0], device=device)
    y_data = torch.tensor([2.0, 4.0, 6.0], device=device)
    w = torch.tensor(1.0, device=device)
    alpha = 0.01

    def forward(x):
        return x * w

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) ** 2

    def gradient(x, y):
        # d loss / dw = 2 * x * (x*w - y)   (one sample, no 1/N)
        return 2 * x * (x * w - y)

    say("Stochastic gradient descent: one sample at a time. Each sample gives its own "
        "gradient and w moves right away, three updates per epoch.",
        zh="随机梯度下降：每次只拿一个样本求梯度并立即更新 w，每一轮更新三次。"
           "cost 是所有样本，随机是 N 个数据里选一个。")
    say.result(f"Predict (before training) 4 {forward(4.0).item():g}")
    losses = []
    for epoch in range(100):
        for x, y in zip(x_data, y_data):
            grad = gradient(x, y)          # the gradient of this one sample
            w = w - alpha * grad
            if epoch == 0:                 # the course prints every sample of every epoch
                say.result(f"\tgrad:  {x.item():g} {y.item():g} {grad.item():.5f}")
            l = loss(x, y)
        losses.append(l.item())
        if epoch % 10 == 0 or epoch == 99:   # the course prints every epoch
            say.result(f"progress: {epoch} w= {w.item():.5f} loss= {l.item():.6f}")
        opts.end_epoch(epoch, 100, losses)
    say("Batch and stochastic are the two ends: all samples at once, or one by one. "
        "Mini-batches (a few samples per step) are the compromise between speed and "
        "noise that the later lessons use.",
        zh="一起算和一个个去算是两个极端；在性能与时间复杂度之间取一个折中，就是 batch/mini-batch，"
           "批量的随机梯度下降，后面的课会用到。")
    after = forward(4.0).item()
    say.result(f"Predict (after training) 4 {after:.4f}")
    common.plot_losses(opts, "l04_loss.png", losses)
    return {"metrics": {"w": w.item(), "predict(4)": after}, "losses": losses,
            "summary": f"w = {w.item():.5f}, predict(4) = {after:.4f}",
            "summary_zh": f"w = {w.item():.5f}，predict(4) = {after:.4f}"}
