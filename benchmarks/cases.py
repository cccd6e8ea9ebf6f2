"""The benchmarked training steps, written once against the torch API so the same code runs
on tinygrad_edu and on real torch, plus the NumPy floor built from the same initial weights."""
import numpy as np

from . import floor, models

MLP_SIZES = (784, 512, 256, 128, 64, 10)
DNN_SIZES = (3, 5, 5, 5, 3)


def mlp(torch, sizes):
    layers = [torch.nn.Flatten()]
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def lenet(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Tanh(), nn.AvgPool2d(kernel_size=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.AvgPool2d(kernel_size=2),
        nn.Conv2d(16, 120, kernel_size=5), nn.Tanh(), nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))


def copy_weights(src_model, dst_torch, dst_model):
    """Load src's parameters (any engine) into dst (any engine) through NumPy."""
    state = {k: dst_torch.tensor(v.detach().cpu().numpy().copy())
             for k, v in src_model.state_dict().items()}
    dst_model.load_state_dict(state)


def make_step(torch, model, loss_fn, lr, momentum, x, y):
    """One training step: zero_grad, forward, loss, backward, SGD update."""
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


class Case:
    """A benchmark: builds a step for each engine from the same weights and data.
    floor_kind: "mlp", "lenet" or None (no hand-written floor); rounds: (repeats, inner)
    for a slow step, or None for the defaults."""

    def __init__(self, name, build_model, loss, lr, momentum, make_data, floor_kind,
                 rounds=None):
        self.name, self.build_model, self.loss = name, build_model, loss
        self.lr, self.momentum, self.make_data, self.floor_kind = lr, momentum, make_data, floor_kind
        self.rounds = rounds

    def steps(self, engines):
        """{'edu': step, 'torch': step, 'numpy': step} sharing initial weights and data."""
        x, y = self.make_data()
        reference = None
        out = {}
        for name, torch in engines.items():
            torch.manual_seed(0)
            model = self.build_model(torch)
            if reference is None:
                reference = model
            else:
                copy_weights(reference, torch, model)
            loss_fn = torch.nn.CrossEntropyLoss() if self.loss == "ce" else torch.nn.MSELoss()
            tx = torch.tensor(x)
            ty = torch.tensor(y)
            out[name] = make_step(torch, model, loss_fn, self.lr, self.momentum, tx, ty)
        if self.floor_kind:
            params = [p.detach().cpu().numpy().copy() for p in reference.parameters()]
            out["numpy"] = self._floor(params, x, y)
        return out

    def _floor(self, params, x, y):
        if self.floor_kind == "lenet":
            net = floor.LeNet(params, self.lr)
            return lambda: net.step(x, y)
        weights, biases = params[0::2], params[1::2]
        net = floor.MLP(weights, biases, self.lr, self.momentum, self.loss)
        flat = x.reshape(len(x), -1)
        return lambda: net.step(flat, y)


def _mnist_batch(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    return x, rng.integers(0, 10, n).astype(np.int64)


def _dnn_batch(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3), dtype=np.float32)
    s = x.sum(axis=1)
    y = np.zeros((n, 3), np.float32)
    y[np.arange(n), (s > 1).astype(int) + (s > 2).astype(int)] = 1
    return x, y


def all_cases():
    return [
        Case("MLP 784-512-256-128-64-10, batch 64", lambda t: mlp(t, MLP_SIZES), "ce", 0.01, 0.5,
             lambda: _mnist_batch(64), "mlp"),
        Case("MLP 784-512-256-128-64-10, batch 256", lambda t: mlp(t, MLP_SIZES), "ce", 0.01,
             0.5, lambda: _mnist_batch(256), "mlp"),
        Case("DNN 3-5-5-5-3, batch 1", lambda t: mlp(t, DNN_SIZES), "mse", 0.01, 0.0,
             lambda: _dnn_batch(1), "mlp"),
        Case("DNN 3-5-5-5-3, batch 7000", lambda t: mlp(t, DNN_SIZES), "mse", 0.01, 0.0,
             lambda: _dnn_batch(7000), "mlp"),
        Case("LeNet-5, batch 256", lenet, "ce", 0.9, 0.0, lambda: _mnist_batch(256), "lenet"),
    ] + round_two_cases()


def round_two_cases():
    """The cases of issue 13: CIFAR-like CNN, wide MLP at batch 1, char-level LM, Transformer."""
    wide = [Case(f"wide MLP 784-{w}-{w}-10, batch 1", lambda t, w=w: mlp(t, (784, w, w, 10)),
                 "ce", 0.01, 0.5, lambda: _mnist_batch(1), "mlp") for w in (512, 1024, 2048)]
    cnn = [Case(f"CIFAR CNN 3-32-64, batch {n}", models.cifar_cnn, "ce", 0.01, 0.9,
                lambda n=n: models.cifar_batch(n), None, rounds=(11, 1)) for n in (64, 256)]
    return cnn + wide + [models.CharLM(), models.Transformer()]
