"""Lesson 09 — many inputs: the diabetes data (course 001 §8).

759 patients, 8 features each, and whether the disease progressed (0/1). The model maps
the 8-dimensional input down to 1 step by step, 8 -> 6 -> 4 -> 1, with a sigmoid after
each linear layer; BCELoss (mean), SGD lr 0.01, the whole data set in every step."""
from . import common, data


def run(torch, device, say, opts):
    nn = torch.nn
    torch.manual_seed(opts.seed)
    say("1. The data: np.loadtxt reads diabetes.csv.gz; all columns but the last are the "
        "8 features (x_data, N x 8), the last column in brackets, xy[:, [-1]], keeps a "
        "matrix N x 1 (y_data).",
        zh="1. 准备数据：np.loadtxt 读取 diabetes.csv.gz；除最后一列外的所有列是 8 个特征（x_data，N × 8），"
           "最后一列用中括号 xy[:, [-1]] 取出，仍是 N × 1 的矩阵（y_data）。")
    xy = data.diabetes()
    x_data = torch.from_numpy(xy[:, :-1]).to(device)
    y_data = torch.from_numpy(xy[:, [-1]]).to(device)
    ones = y_data.mean().item()
    say.result(f"x_data {tuple(x_data.shape)}, y_data {tuple(y_data.shape)}; "
               f"{100 * ones:.0f} % of the labels are 1",
               f"x_data {tuple(x_data.shape)}，y_data {tuple(y_data.shape)}；"
               f"{100 * ones:.0f} % 的标签为 1")

    say("2. The model: each Linear is a matrix mapping an N-dimensional space to an "
        "M-dimensional one; the sigmoid between them makes the whole map non-linear.",
        zh="2. 构造模型：每个 Linear 都是把 N 维空间映射到 M 维空间的矩阵变换；中间的 sigmoid "
           "使整个映射成为非线性的空间变换。八维降六维、六维降四维、四维降一维。")

    class Model(nn.Module):
        def __init__(self):
            super(Model, self).__init__()
            self.linear1 = nn.Linear(8, 6)
            self.linear2 = nn.Linear(6, 4)
            self.linear3 = nn.Linear(4, 1)
            self.sigmoid = nn.Sigmoid()

        def forward(self, x):
            x = self.sigmoid(self.linear1(x))
            x = self.sigmoid(self.linear2(x))
            x = self.sigmoid(self.linear3(x))
            return x

    model = opts.same_weights(Model().to(device))
    say.result(f"{model}")
    say("3. Loss and optimizer: BCELoss averaged over the samples (size_average=True in "
        "the course, reduction='mean' now), SGD with lr 0.01.",
        zh="3. 构造损失和优化器：BCELoss 求均值（课程写作 size_average=True，现在是 reduction='mean'），"
           "SGD，学习率 0.01。")
    criterion = nn.BCELoss(reduction="mean")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    if opts.graph:
        common.draw_backward(say, opts, model, criterion, x_data[:4], y_data[:4],
                             "l09_diabetes")

    say("4. Training: every epoch is one forward and one backward pass over all 759 "
        "samples. With lr 0.01 the loss falls slowly.",
        zh="4. 训练：每一轮用全部 759 个样本做一次前馈和一次反馈。学习率 0.01 时损失下降得很慢。")
    losses = []
    for epoch in range(100):
        # forward
        y_pred = model(x_data)
        loss = criterion(y_pred, y_data)
        losses.append(loss.item())
        if epoch % 10 == 0 or epoch == 99:   # the course prints every epoch
            say.result(f"{epoch} {loss.item():.6f}")
        # backward
        optimizer.zero_grad()
        loss.backward()
        # update
        optimizer.step()
        opts.end_epoch(epoch, 100, losses)
    with torch.no_grad():
        accuracy = ((model(x_data) >= 0.5).float() == y_data).float().mean().item()
    say("To try another activation, change only self.sigmoid (nn.ReLU(), nn.Tanh(), ...); "
        "keep a sigmoid on the last layer, whose output must be a probability.",
        zh="想换激活函数，只改 self.sigmoid 这里即可（nn.ReLU()、nn.Tanh() 等）；最后一层仍用 sigmoid，"
           "因为它的输出要当作概率。")
    common.plot_losses(opts, "l09_loss.png", losses)
    return {"metrics": {"first loss": losses[0], "last loss": losses[-1],
                        "share of 1 labels": ones, "train accuracy": accuracy},
            "losses": losses,
            "summary": f"BCE loss {losses[0]:.3f} -> {losses[-1]:.3f} in {len(losses)} epochs; "
                       f"{100 * ones:.0f} % of labels are 1",
            "summary_zh": f"BCE 损失 {len(losses)} 轮内从 {losses[0]:.3f} 降到 {losses[-1]:.3f}；"
                          f"{100 * ones:.0f} % 的标签为 1"}
