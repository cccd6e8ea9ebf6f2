"""Lesson 01 — tensors (course 004 §1–2): make tensors, read shape/dtype/device, and let a
toy Dataset and DataLoader cut [1..6] into shuffled batches of 2."""
import numpy as np


def run(torch, device, say, opts):
    torch.manual_seed(opts.seed)
    Dataset = torch.utils.data.Dataset
    DataLoader = opts.loader   # torch's DataLoader (in compare: one shuffle order for both)

    say("A tensor is an array of numbers with a shape, a dtype and a device. "
        "We make one from a Python list.",
        zh="张量（Tensor）就是一个带形状（shape）、数据类型（dtype）和存储设备（device）的多维数组。"
           "先用 Python 列表直接创建。")
    data = [[1, 2], [3, 4]]
    tensor_x = torch.tensor(data, device=device)
    show(say, "torch.tensor(data)", tensor_x)

    say("From a NumPy array: torch.from_numpy shares the array's memory and keeps its "
        "dtype (int64 here).",
        zh="通过 NumPy 数组创建：torch.from_numpy 与数组共享内存，并保留它的数据类型（这里是 int64）。")
    np_data = np.array(data)
    tensor_np = torch.from_numpy(np_data)
    show(say, "torch.from_numpy(np_data)", tensor_np)

    say("From another tensor: ones_like copies the shape and dtype; rand_like copies the "
        "shape, and dtype=torch.float asks for floats (random numbers in [0, 1)).",
        zh="从张量本身创建：ones_like 创建形状相同的全 1 张量；rand_like 创建形状相同的随机张量，"
           "dtype=torch.float 表示浮点数（[0, 1) 之间的随机数）。")
    tensor_ones = torch.ones_like(tensor_x)
    show(say, "torch.ones_like(tensor_x)", tensor_ones)
    tensor_rand = torch.rand_like(tensor_x, dtype=torch.float)
    show(say, "torch.rand_like(tensor_x, dtype=torch.float)", tensor_rand)

    say("A Dataset says what the data is (__len__) and how to read one sample "
        "(__getitem__).",
        zh="Dataset 定义数据是什么（__len__ 返回样本数量），以及怎么读取一条数据（__getitem__）。")

    class Mydataset(Dataset):
        def __init__(self):
            self.data = [1, 2, 3, 4, 5]

        def __len__(self):
            return len(self.data)

        def __getitem__(self, index):
            return self.data[index]

    dataset = Mydataset()
    say.result(f"dataset.data = {dataset.data}, len(dataset) = {len(dataset)}, "
               f"dataset[2] = {dataset[2]}")

    say("A DataLoader takes batches from a Dataset; shuffle=True draws a new order every "
        "epoch, and every sample comes exactly once per epoch.",
        zh="DataLoader 负责按批次取数据、打乱数据：shuffle=True 每一轮都重新打乱，"
           "每个样本每一轮恰好出现一次。")

    class MyDataset(Dataset):
        def __init__(self):
            self.data = [1, 2, 3, 4, 5, 6]

        def __len__(self):
            return len(self.data)

        def __getitem__(self, idx):
            return self.data[idx]

    dataloader = DataLoader(MyDataset(), batch_size=2, shuffle=True)
    epochs = []
    for epoch in range(2):
        batches = [batch for batch in dataloader]
        for batch in batches:
            say.result(f"epoch {epoch}: {batch}")
        epochs.append([b.tolist() for b in batches])
    every_once = all(sorted(v for b in e for v in b) == [1, 2, 3, 4, 5, 6] for e in epochs)
    say.result(f"every sample seen once per epoch: {every_once}",
               f"每一轮每个样本恰好出现一次：{every_once}")

    return {
        "shapes": {"tensor_x": list(tensor_x.shape), "tensor_rand": list(tensor_rand.shape)},
        "dtypes": {"tensor_x": str(tensor_x.dtype), "tensor_np": str(tensor_np.dtype),
                   "tensor_ones": str(tensor_ones.dtype), "tensor_rand": str(tensor_rand.dtype)},
        "batches": epochs,
        "every_sample_once": every_once,
        "metrics": {"sum of tensor_x": float(tensor_x.sum().item())},
        "summary": f"tensor_x: shape {tuple(tensor_x.shape)}, dtype {tensor_x.dtype}; "
                   f"DataLoader: {len(epochs[0])} batches of 2 per epoch",
        "summary_zh": f"tensor_x：形状 {tuple(tensor_x.shape)}，类型 {tensor_x.dtype}；"
                      f"DataLoader：每轮 {len(epochs[0])} 个批次，每批 2 个",
    }


def show(say, expression, t):
    say.result(f"{expression} =\n{t}\n  shape: {t.shape}  dtype: {t.dtype}  "
               f"device: {t.device}")
