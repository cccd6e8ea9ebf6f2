"""Lesson 02 — a linear model found by exhaustive search (course 001 §3.3).

``y = x * w`` on x = [1, 2, 3], y = [2, 4, 6]: try every w in 0.0, 0.1, ..., 4.0 and keep
the one with the smallest mean squared error; then ``y = x * w + b`` (data on y = 3x + 2)
over a grid of (w, b), the loss surface in 3-D."""
import numpy as np


def run(torch, device, say, opts):
    say("The data: three points on the line y = 2x. The model y_hat = x * w has one "
        "parameter, w. We do not know it, so we try many values.",
        zh="准备训练集：三个落在直线 y = 2x 上的点。线性模型 y_hat = x * w 只有一个参数 w，"
           "我们不知道它是多少，于是逐个尝试。")
    x_data = torch.tensor([1.0, 2.0, 3.0], device=device)
    y_data = torch.tensor([2.0, 4.0, 6.0], device=device)

    def forward(x, w):
        return x * w

    def loss(x, y, w):
        y_pred = forward(x, w)
        return (y_pred - y) * (y_pred - y)

    say("For each w the loss of one sample is (y_hat - y)^2; the mean over the three "
        "samples is the MSE. We evaluate all 41 values of w at once: a column of w times "
        "a row of x.",
        zh="对每个 w，单个样本的损失是 (y_hat - y)^2，三个样本取平均就是 MSE（均方误差）。"
           "这里把 41 个 w 排成一列、x 排成一行，一次算完所有组合。")
    w_list = torch.tensor(np.arange(0.0, 4.1, 0.1), dtype=torch.float32, device=device)
    mse_list = loss(x_data, y_data, w_list.reshape(-1, 1)).mean(dim=1)
    for w, mse in zip(w_list.tolist()[::5], mse_list.tolist()[::5]):
        say.result(f"w= {w:.1f}  MSE= {mse:.4f}")
    best = int(torch.argmin(mse_list).item())
    w_best, mse_best = w_list[best].item(), mse_list[best].item()
    say.result(f"smallest MSE = {mse_best:.4f} at w = {w_best:.1f}",
               f"最小的 MSE = {mse_best:.4f}，此时 w = {w_best:.1f}")

    say("With two parameters, y = x * w + b (the data now lie on y = 3x + 2), the search "
        "runs over a grid of (w, b) pairs: the MSE becomes a surface over the plane.",
        zh="两个参数时，y = x * w + b（数据改为落在 y = 3x + 2 上），就要在 (w, b) 的网格上搜索："
           "MSE 变成平面上方的一张曲面。")
    y2_data = torch.tensor([5.0, 8.0, 11.0], device=device)
    W = np.arange(0.0, 4.1, 0.1)
    w_grid, b_grid = np.meshgrid(W, W)
    w_t = torch.tensor(w_grid, dtype=torch.float32, device=device).reshape(-1, 1)
    b_t = torch.tensor(b_grid, dtype=torch.float32, device=device).reshape(-1, 1)
    surface = ((x_data * w_t + b_t - y2_data) ** 2).mean(dim=1)
    k = int(torch.argmin(surface).item())
    w2, b2, mse2 = w_t[k, 0].item(), b_t[k, 0].item(), surface[k].item()
    say.result(f"y = x*w + b: smallest MSE = {mse2:.4f} at w = {w2:.1f}, b = {b2:.1f}",
               f"y = x*w + b：最小的 MSE = {mse2:.4f}，此时 w = {w2:.1f}，b = {b2:.1f}")

    if opts.plot:
        from viz import plots
        opts.save_plot(plots.mse_vs_w, "l02_mse_vs_w.png", w_list.cpu().numpy(),
                       mse_list.cpu().numpy(), what="MSE vs w")
        opts.save_plot(plots.loss_surface, "l02_loss_surface.png", w_grid, b_grid,
                       surface.cpu().numpy().reshape(w_grid.shape), what="loss surface")
    return {
        "metrics": {"best w": w_best, "min MSE": mse_best, "best w (w, b model)": w2,
                    "best b (w, b model)": b2, "min MSE (w, b model)": mse2},
        "losses": mse_list.tolist(),
        "summary": f"minimum MSE {mse_best:g} at w = {w_best:.1f}; "
                   f"with a bias: {mse2:g} at w = {w2:.1f}, b = {b2:.1f}",
        "summary_zh": f"w = {w_best:.1f} 时 MSE 最小，为 {mse_best:g}；"
                      f"加上偏置：w = {w2:.1f}，b = {b2:.1f} 时为 {mse2:g}",
    }
