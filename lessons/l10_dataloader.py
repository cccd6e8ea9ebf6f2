"""Lesson 10 — Dataset and DataLoader (course 001 §9, 000 §5).

The diabetes data again, now in mini-batches: a ``Dataset`` subclass says how many
samples there are and how to read one; a ``DataLoader`` shuffles them and serves
batches of 32. One epoch = every sample once; one iteration = one batch."""
import numpy as np

from . import common
from .data import diabetes_path


def run(torch, device, say, opts):
    nn = torch.nn
    Dataset = torch.utils.data.Dataset
    DataLoader = opts.loader   # torch's DataLoader (in compare: one shuffle order for both)
    torch.manual_seed(opts.seed)
    say("Terms: an epoch is one forward and backward pass of ALL training samples; the "
        "batch size is the number of samples in one pass; iterations = passes per epoch.",
        zh="术语：epoch 是所有训练样本的一次前向传递和一次反向传递；batch-size 是一次传递中的样本数；"
           "iterations 是每个 epoch 的传递次数。")

    say("Dataset is an abstract class: our DiabetesDataset inherits from it and defines "
        "__getitem__ (dataset[index]) and __len__ (len(dataset)).",
        zh="Dataset 是一个抽象类，DiabetesDataset 继承自它：__getitem__ 让 dataset[index] 可用，"
           "__len__ 返回数据集的长度。")

    class DiabetesDataset(Dataset):
        def __init__(self, filepath):
            xy = np.loadtxt(filepath, delimiter=",", dtype=np.float32)
            self.len = xy.shape[0]
            self.x_data = torch.from_numpy(xy[:, :-1])
            self.y_data = torch.from_numpy(xy[:, [-1]])

        def __getitem__(self, index):
            return self.x_data[index], self.y_data[index]

        def __len__(self):
            return self.len

    dataset = DiabetesDataset(diabetes_path())
    say("DataLoader(dataset=dataset, batch_size=32, shuffle=True): shuffle mixes the order, "
        "the loader groups it. (On Windows, worker processes need the training code under "
        "if __name__ == '__main__':, the course explains; here num_workers=0.)",
        zh="DataLoader(dataset=dataset, batch_size=32, shuffle=True)：Shuffle 是打乱顺序，Loader 是分组。"
           "（Windows 下多进程用 spawn 而不是 fork，所以训练代码要包在 if __name__ == '__main__': 里；"
           "这里 num_workers=0。）")
    train_loader = DataLoader(dataset=dataset, batch_size=32, shuffle=True, num_workers=0)
    n_batches = len(train_loader)
    seen_once = every_sample_once(torch, train_loader, dataset)
    say.result(f"{len(dataset)} samples, batch_size 32: {n_batches} iterations per epoch; "
               f"every sample seen once per epoch: {seen_once}",
               f"{len(dataset)} 个样本，batch_size 32：每个 epoch {n_batches} 次迭代；"
               f"每个样本每轮恰好出现一次：{seen_once}")

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
    criterion = nn.BCELoss(reduction="mean")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    say("The training loop has two levels: epochs outside, mini-batches inside; each "
        "inner iteration is one mini-batch step: forward, backward, update.",
        zh="训练循环有两层：外层是 epoch，内层每次迭代执行一个 mini-batch：前馈、反馈、更新。")
    epochs = 10 if opts.quick else 100
    losses = []
    for epoch in range(epochs):
        for i, data in enumerate(train_loader, 0):
            # 1. the mini-batch
            inputs, labels = data
            inputs, labels = inputs.to(device), labels.to(device)
            # 2. forward
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            losses.append(loss.item())   # the course prints it: print(epoch, i, loss.item())
            # 3. backward
            optimizer.zero_grad()
            loss.backward()
            # 4. update
            optimizer.step()
        opts.end_epoch(epoch, epochs, losses, every=10, line=lambda epoch, loss: (
            f"epoch {epoch}: mean loss {loss:.6f} over {n_batches} batches",
            f"第 {epoch} 轮：{n_batches} 个批次的平均损失 {loss:.6f}"))
    epoch_losses = common.epoch_means(losses, n_batches)
    say(f"{epochs} epochs of {n_batches} mini-batches made {epochs * n_batches} updates; "
        f"lesson 09 made one update per epoch. More, noisier steps: the loss falls faster "
        f"per epoch.",
        zh=f"{epochs} 个 epoch，每个 {n_batches} 个 mini-batch，共更新 {epochs * n_batches} 次；"
           f"第 09 课每个 epoch 只更新一次。步数更多、更嘈杂，每个 epoch 损失下降得更快。")
    common.plot_losses(opts, "l10_loss.png", losses, xlabel="iteration",
                       what="loss per mini-batch")
    return {"metrics": {"batches per epoch": n_batches, "first epoch loss": epoch_losses[0],
                        "last epoch loss": epoch_losses[-1],
                        "every sample once": float(seen_once)},
            "losses": epoch_losses, "batch_losses": losses,
            "summary": f"{n_batches} batches per epoch, every sample once: {seen_once}; "
                       f"loss {epoch_losses[0]:.3f} -> {epoch_losses[-1]:.3f}",
            "summary_zh": f"每轮 {n_batches} 个批次，每个样本恰好一次：{seen_once}；"
                          f"损失 {epoch_losses[0]:.3f} -> {epoch_losses[-1]:.3f}"}


def every_sample_once(torch, loader, dataset):
    """Does one epoch of the loader deliver each row of the data set exactly once?"""
    rows = np.concatenate([x.cpu().numpy() for x, _ in loader])
    every = dataset.x_data.cpu().numpy()
    if rows.shape != every.shape:
        return False
    order = lambda a: a[np.lexsort(a.T[::-1])]
    return bool(np.array_equal(order(rows), order(every)))
