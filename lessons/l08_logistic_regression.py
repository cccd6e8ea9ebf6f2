"""Lesson 08 — logistic regression (course 001 §7).

Hours studied x = 1, 2, 3 and pass/fail y = 0, 0, 1: a classification problem. The
linear output goes through the sigmoid, which maps any number into (0, 1) — the
probability of passing — and the loss is the binary cross-entropy."""
import numpy as np

from . import graphs


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
    if opts.step or opts.graph:
        backward_once(say, opts, model, criterion, x_data, y_data)
    say("Training, 1000 epochs: the same four steps as linear regression — forward, loss, "
        "zero_grad, backward, step. Only the model's sigmoid and the loss changed.",
        zh="训练 1000 次：与线性回归相同的步骤——前馈、算损失、梯度清零、反向传播、更新。"
           "变化的只有模型里的 sigmoid 和损失函数。")

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
                       f"b = {b:.4f})",
            "summary_zh": f"学习 {crossing:.2f} 小时处及格概率为 0.5（w = {w:.4f}，b = {b:.4f}）"}


def backward_once(say, opts, model, criterion, x_data, y_data):
    """Before training, one backward pass of the loss on the three samples: node by node
    in the terminal with --step, as a graph and a web page with --graph. The parameters'
    .grad are left as they were."""
    loss = criterion(model(x_data), y_data)
    names = {"x_data": x_data, "y_data": y_data, "loss": loss}
    frames = opts.step_backward(loss, params=model, names=names)
    order = " → ".join(frames.order)
    say(f"Backward, before any training: the chain rule from the loss back to the "
        f"parameters, node by node ({order}). BCE hands (y_hat - y) / (y_hat (1 - y_hat)) "
        f"to the sigmoid's output, the sigmoid multiplies by its local derivative "
        f"y_hat (1 - y_hat), so the linear output receives just y_hat - y; the weight gets "
        f"x times that, the bias the sum over the samples.",
        zh=f"训练之前先做一次反向传播：用链式法则从损失逐个节点传回参数（{order}）。"
           f"BCE 传给 sigmoid 输出的梯度是 (y_hat - y) / (y_hat (1 - y_hat))，sigmoid 再乘以"
           f"它的局部梯度 y_hat (1 - y_hat)，所以线性层输出处的梯度正好是 y_hat - y；"
           f"权重的梯度是 x 乘以它，偏置的梯度是它对样本求和。")
    say.frames(frames, f"loss.backward() node by node ({len(frames.order)} nodes):",
               zh=f"loss.backward() 逐个节点（共 {len(frames.order)} 个节点）：")
    if opts.graph:
        svg = opts.save_graph(loss, "l08_logistic_graph", params=model, names=names)
        html = opts.save_stepper(frames, "l08_logistic_backward")
        say(f"The computational graph is in {svg}. In the picture "
            f"{graphs.picture(svg)}. {html} steps through the same "
            f"backward pass in a browser.",
            zh=f"计算图在 {svg}。图中{graphs.picture(svg, 'zh')}。"
               f"用浏览器打开 {html} 可以单步查看同一次反向传播。")
