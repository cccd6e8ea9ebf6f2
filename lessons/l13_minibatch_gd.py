"""Lesson 13 — mini-batch gradient descent (course 000 §5).

The network and optimizer of lesson 12, now fed by the three utilities of mini-batch
training: a ``Dataset`` wraps the table, ``random_split`` cuts it 70/30, and a
``DataLoader`` serves shuffled batches of 128. 500 epochs; the loss recorded per
mini-batch is noisy, because each batch sees only part of the data."""
import numpy as np

from . import common
from .data import diabetes_path


def run(torch, device, say, opts):
    nn = torch.nn
    Dataset = torch.utils.data.Dataset
    DataLoader, random_split = opts.loader, opts.split   # compare: one order for both engines
    torch.manual_seed(opts.seed)
    say("Mini-batch training needs three utilities: Dataset wraps the data, random_split "
        "divides it into training and test sets, DataLoader serves the batches.",
        zh="使用小批量梯度下降时，必须使用 3 个 PyTorch 内置的实用工具（utils）：Dataset 用于封装数据集；"
           "DataLoader 用于加载数据不同的批次；random_split 用于划分训练集与测试集。")

    class MyData(Dataset):
        def __init__(self, filepath):
            arr = np.loadtxt(filepath, delimiter=",", dtype=np.float32)
            ts = torch.tensor(arr)
            self.X = ts[:, :-1]
            self.Y = ts[:, -1].reshape((-1, 1))
            self.len = ts.shape[0]

        def __getitem__(self, index):
            return self.X[index], self.Y[index]

        def __len__(self):
            return self.len

    Data = MyData(diabetes_path())
    train_size = int(len(Data) * 0.7)
    test_size = len(Data) - train_size
    train_Data, test_Data = random_split(Data, [train_size, test_size])
    train_loader = DataLoader(dataset=train_Data, shuffle=True, batch_size=128)
    test_loader = DataLoader(dataset=test_Data, shuffle=False, batch_size=64)
    say.result(f"train {len(train_Data)} samples in {len(train_loader)} batches of <= 128; "
               f"test {len(test_Data)} samples",
               f"训练集 {len(train_Data)} 个样本，{len(train_loader)} 个批次（每批至多 128）；"
               f"测试集 {len(test_Data)} 个样本")

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
    loss_fn = nn.BCELoss(reduction="mean")
    learning_rate = 0.005
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)

    say("Each epoch now makes several updates, one per mini-batch. The loss is recorded "
        "for every batch: it jumps up and down, because each batch is a different small "
        "part of the data — the curve is not a smooth descent.",
        zh="现在每个 epoch 更新多次，每个小批次一次。每个批次都记录损失：小批量时针对局部进行向前向后，"
           "所以出来的损失曲线上下跳动，不是平滑下降的。")
    epochs = 30 if opts.quick else 500
    losses = []
    for epoch in range(epochs):
        for (x, y) in train_loader:
            x, y = x.to(device), y.to(device)
            Pred = model(x)
            loss = loss_fn(Pred, y)
            losses.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        opts.end_epoch(epoch, epochs, losses)
    epoch_losses = common.epoch_means(losses, len(train_loader))
    noise = float(np.std(np.diff(losses[-len(train_loader) * 10:])))
    say.result(f"{len(losses)} mini-batch steps; loss {losses[0]:.4f} -> {losses[-1]:.4f}; "
               f"batch-to-batch jitter (std) over the last 10 epochs {noise:.4f}",
               f"共 {len(losses)} 个小批量步；损失 {losses[0]:.4f} -> {losses[-1]:.4f}；"
               f"最后 10 个 epoch 批次间的抖动（标准差）{noise:.4f}")

    correct = 0
    total = 0
    with torch.no_grad():
        for (x, y) in test_loader:
            x, y = x.to(device), y.to(device)
            Pred = model(x)
            Pred[Pred >= 0.5] = 1
            Pred[Pred < 0.5] = 0
            correct += torch.sum((Pred == y).all(1)).item()
            total += y.size(0)
    accuracy = 100 * correct / total
    say.result(f"test accuracy: {accuracy:.2f} %", f"测试集精准度: {accuracy:.2f} %")
    common.plot_losses(opts, "l13_loss.png", losses, xlabel="mini-batch",
                       what="loss per mini-batch")
    return {"metrics": {"test accuracy": accuracy, "last epoch loss": epoch_losses[-1],
                        "batch jitter": noise},
            "losses": epoch_losses, "batch_losses": losses,
            "summary": f"test accuracy {accuracy:.2f} % after {epochs} epochs of "
                       f"{len(train_loader)} mini-batches",
            "summary_zh": f"训练 {epochs} 轮（每轮 {len(train_loader)} 个小批量）后测试集精准度 "
                          f"{accuracy:.2f} %"}
