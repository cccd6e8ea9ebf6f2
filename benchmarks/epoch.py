"""(d) One epoch of lesson 15 on the shipped MNIST sample: 4,000 training digits, batch 64,
shuffled by a DataLoader, the 784-512-256-128-64-10 MLP, SGD lr 0.01 momentum 0.5."""
import os

import numpy as np

from . import cases, floor

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "tinygrad_edu", "datasets", "mnist_5k.npz")


def load_train():
    with np.load(SAMPLE, allow_pickle=False) as f:
        images, labels = f["images"][:4000], f["labels"][:4000]
    x = ((images.astype(np.float32) / 255 - 0.1307) / 0.3081)[:, None]
    return x, labels.astype(np.int64)


class EpochCase:
    name = "one epoch of lesson 15 (4,000 digits, batch 64)"

    def steps(self, engines):
        x, y = load_train()
        out, reference = {}, None
        for name, torch in engines.items():
            torch.manual_seed(0)
            model = cases.mlp(torch, cases.MLP_SIZES)
            if reference is None:
                reference = model
            else:
                cases.copy_weights(reference, torch, model)
            out[name] = _epoch(torch, model, x, y)
        params = [p.detach().cpu().numpy().copy() for p in reference.parameters()]
        net = floor.MLP(params[0::2], params[1::2], 0.01, 0.5)
        flat = x.reshape(len(x), -1)
        rng = np.random.default_rng(0)

        def numpy_epoch():
            order = rng.permutation(len(flat))
            for i in range(0, len(order), 64):
                idx = order[i:i + 64]
                net.step(flat[idx], y[idx])
        out["numpy"] = numpy_epoch
        return out


def _epoch(torch, model, x, y):
    data = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
    loader = torch.utils.data.DataLoader(data, batch_size=64, shuffle=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    loss_fn = torch.nn.CrossEntropyLoss()

    def run():
        for images, labels in loader:
            opt.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            opt.step()
    return run


def lesson15_epoch_case():
    return EpochCase()
