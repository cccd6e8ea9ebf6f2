"""Lesson 12 — batch gradient descent (course 000 §4).

The diabetes table, shuffled and split 70/30 by hand; an 8-32-8-4-1 network with a
sigmoid after every layer; BCELoss, the Adam optimizer (lr 0.005), 5000 epochs, each
epoch ONE step on the whole training set; a prediction >= 0.5 counts as 1."""
from . import common, data


def run(torch, device, say, opts):
    nn = torch.nn
    torch.manual_seed(opts.seed)
    say("The data: the table as one tensor (8 features + label), shuffled with "
        "torch.randperm, the first 70 % for training and the rest for testing.",
        zh="准备数据集：整张表转为张量（8 个特征 + 标签），用 torch.randperm 打乱样本顺序，"
           "前 70% 为训练集，其余为测试集。")
    arr = data.diabetes()
    ts = torch.tensor(arr).to(device)
    train_size = int(len(ts) * 0.7)
    ts = opts.same("shuffled data", lambda: ts[torch.randperm(ts.size(0)), :])
    train_Data = ts[:train_size, :]
    test_Data = ts[train_size:, :]
    say.result(f"train {tuple(train_Data.shape)}, test {tuple(test_Data.shape)}",
               f"训练集 {tuple(train_Data.shape)}，测试集 {tuple(test_Data.shape)}")

    class DNN(nn.Module):
        def __init__(self):
            super(DNN, self).__init__()
            self.net = nn.Sequential(
                nn.Linear(8, 32), nn.Sigmoid(),
                nn.Linear(32, 8), nn.Sigmoid(),
                nn.Linear(8, 4), nn.Sigmoid(),
                nn.Linear(4, 1), nn.Sigmoid(),
            )

        def forward(self, x):
            y = self.net(x)
            return y

    model = opts.same_weights(DNN().to(device))
    say("Adam keeps, for every parameter, running averages of the gradient and of its "
        "square, and scales each step by them: a larger, steadier lr than plain SGD "
        "works.",
        zh="Adam 为每个参数记录梯度及其平方的滑动平均，并用它们调整每一步的步长，"
           "因此可以用比普通 SGD 更大、更稳的学习率。")
    loss_fn = nn.BCELoss(reduction="mean")
    learning_rate = 0.005
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)

    say("Batch gradient descent: all training samples in every forward pass, one update "
        "per epoch — smooth, but each step costs the whole data set.",
        zh="批量梯度下降（BGD）：每次前向传播都用全部训练样本，每个 epoch 更新一次——"
           "曲线平滑，但每一步都要计算整个数据集。")
    epochs = 200 if opts.quick else 5000
    losses = []
    X = train_Data[:, :-1]
    Y = train_Data[:, -1].reshape((-1, 1))
    for epoch in range(epochs):
        Pred = model(X)
        loss = loss_fn(Pred, Y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        opts.end_epoch(epoch, epochs, losses)
    say.result(f"loss {losses[0]:.4f} -> {losses[-1]:.4f} in {epochs} epochs",
               f"损失 {epochs} 轮内从 {losses[0]:.4f} 降到 {losses[-1]:.4f}")

    say("Testing: predictions >= 0.5 become 1, the others 0; a sample is right when it "
        "equals the label.",
        zh="测试网络：预测值 >= 0.5 置为 1，< 0.5 置为 0，与真实标签相同即预测正确。")
    X = test_Data[:, :-1]
    Y = test_Data[:, -1].reshape((-1, 1))
    with torch.no_grad():
        Pred = model(X)
        Pred[Pred >= 0.5] = 1
        Pred[Pred < 0.5] = 0
        correct = torch.sum((Pred == Y).all(1)).item()
        total = Y.size(0)
        accuracy = 100 * correct / total
        say.result(f"test accuracy: {accuracy:.2f} %", f"测试集精准度: {accuracy:.2f} %")
    common.plot_losses(opts, "l12_loss.png", losses)
    return {"metrics": {"test accuracy": accuracy, "last loss": losses[-1]},
            "losses": losses,
            "summary": f"test accuracy {accuracy:.2f} % after {epochs} epochs (loss "
                       f"{losses[-1]:.4f})",
            "summary_zh": f"训练 {epochs} 轮后测试集精准度 {accuracy:.2f} %（损失 {losses[-1]:.4f}）"}
