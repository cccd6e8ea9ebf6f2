"""Lesson 08 — logistic regression (course 001 §7).

Hours studied x = 1, 2, 3 and pass/fail y = 0, 0, 1: a classification problem. The
linear output goes through the sigmoid, which maps any number into (0, 1) — the
probability of passing — and the loss is the binary cross-entropy."""
import numpy as np

from . import common


def run(torch, device, say, opts):
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(opts.seed)
    say("The data: 1 and 2 hours of study fail (0), 3 hours pass (1). Despite its name, "
        "logistic regression classifies: it outputs the probability of class 1.",
        zh="数据集：学习 1、2 小时不及格（0），3 小时及格（1）。逻辑回归虽然叫回归，做的是分类问题："
           "输出样本属于类别 1 的概率。")
    x_data = torch.Tensor([[1.0], [2.0], [3.0]]).to(device)
    y_data = torch.Tensor([[0], [0], [1]]).to(device)

    say("The model: Linear(1, 1), then the sigmoid 1 / (1 + e^-z), which has no "
        "parameters, so it is called in forward instead of being built in __init__.",
        zh="模型：Linear(1, 1) 之后接 sigmoid 函数 1 / (1 + e^-z)；σ 操作里没有参数，"
           "所以不需要在构造函数中初始化它，直接在 forward 里调用。")

    class LogisticRegressionModel(nn.Module):
        def __init__(self):
            super(LogisticRegressionModel, self).__init__()
            self.linear = nn.Linear(1, 1)

        def forward(self, x):
            y_pred = F.sigmoid(self.linear(x))
            return y_pred

    model = opts.same_weights(LogisticRegressionModel().to(device))
    say("The loss compares two distributions, the prediction and the label: binary "
        "cross-entropy, -(y log y_hat + (1 - y) log(1 - y_hat)), summed over the samples "
        "(BCELoss(reduction='sum'), the course's size_average=False).",
        zh="损失函数改为衡量两个分布之间差异性的交叉熵：-(y log y_hat + (1 - y) log(1 - y_hat))，"
           "对样本求和（BCELoss(reduction='sum')，课程中写作 size_average=False）。")
    criterion = nn.BCELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    if opts.graph:
        loss = criterion(model(x_data), y_data)
        svg = opts.save_graph(loss, "l08_logistic_graph", params=model)
        html = opts.save_stepper(loss, "l08_logistic_backward", params=model)
        say(f"The graph is in {svg} (Linear, SIGMOID, BCE); {html} steps through backward. "
            f"Sigmoid and BCE together give the simple gradient y_hat - y at the linear "
            f"output.",
            zh=f"计算图在 {svg}（Linear、SIGMOID、BCE）；{html} 逐步展示反向传播。"
               f"sigmoid 与 BCE 合起来，在线性层输出处的梯度正好是 y_hat - y。")
    say("Training, 1000 epochs: the same four steps as linear regression — forward, loss, "
        "zero_grad, backward, step. Only the model's sigmoid and the loss changed.",
        zh="训练 1000 次：与线性回归相同的步骤——前馈、算损失、梯度清零、反向传播、更新。"
           "变化的只有模型里的 sigmoid 和损失函数。")

    def train_step():
        y_pred = model(x_data)
        loss = criterion(y_pred, y_data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    losses = common.train(opts, say, 1000, train_step, every=100, last=False)

    say("Test: 200 points from 0 to 10 hours, x_t = torch.Tensor(x).view((200, 1)). The "
        "probability crosses 0.5 where w*x + b = 0, at x = -b / w.",
        zh="测试：0 到 10 小时取 200 个点，x_t = torch.Tensor(x).view((200, 1))。"
           "概率在 w*x + b = 0 处，即 x = -b / w 处穿过 0.5。")
    x = np.linspace(0, 10, 200)
    x_t = torch.Tensor(x).view((200, 1)).to(device)
    with torch.no_grad():
        y = model(x_t).cpu().numpy().ravel()
    w, b = model.linear.weight.item(), model.linear.bias.item()
    crossing = -b / w
    p25 = float(np.interp(2.5, x, y))
    say.result(f"w = {w:.4f}, b = {b:.4f}; P(pass) = 0.5 at {crossing:.2f} hours; "
               f"P(pass | 2.5 h) = {p25:.3f}",
               f"w = {w:.4f}，b = {b:.4f}；及格概率在 {crossing:.2f} 小时处为 0.5；"
               f"学习 2.5 小时的及格概率 = {p25:.3f}")
    if opts.plot:
        from viz import plots
        opts.save_plot(plots.pass_probability, "l08_pass_probability.png", x, y,
                       x_data=[1.0, 2.0, 3.0], y_data=[0, 0, 1], what="P(pass) vs hours")
    return {"metrics": {"w": w, "b": b, "crossing (hours)": crossing,
                        "P(pass | 2.5 h)": p25},
            "losses": losses,
            "summary": f"P(pass) crosses 0.5 at {crossing:.2f} hours (w = {w:.4f}, "
                       f"b = {b:.4f})"}
