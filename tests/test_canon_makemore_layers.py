"""Part 2 (hand-written layers, backprop by hand, torch.nn): the patterns of the makemore
lectures ("Neural Networks: Zero to Hero") and of makemore.py, written here in our own code,
each run unchanged on both engines: every pattern is a function of the engine (named
``torch`` inside, as a student's script would call it), called once with ``tinygrad_edu``
and once with real torch, from the same inputs. Random weights are drawn by torch and copied
into ours; minibatches are picked once with NumPy and used by both. Values and gradients are
compared with ``np.testing.assert_allclose``."""
import random

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.datasets import context_windows
from makemore_shared import (  # noqa: F401  (torch_on_one_thread, words, vocab: fixtures)
    agree_all, both, split_words, torch, torch_draws, torch_on_one_thread, vocab, words)


# -- the lectures' hand-written layers (activations & BatchNorm; WaveNet) ----------------------
def lecture_layers(torch, g):
    """The layers a student writes in the lectures, as plain classes over the given engine,
    drawing their weights from the generator g. Each keeps its last output in ``.out``."""

    class Linear:
        def __init__(self, fan_in, fan_out, bias=True):
            self.weight = torch.randn((fan_in, fan_out), generator=g) / fan_in ** 0.5
            self.bias = torch.zeros(fan_out) if bias else None

        def __call__(self, x):
            self.out = x @ self.weight
            if self.bias is not None:
                self.out += self.bias   # in place, on a tensor of the graph
            return self.out

        def parameters(self):
            return [self.weight] + ([] if self.bias is None else [self.bias])

    class BatchNorm1d:
        def __init__(self, dim, eps=1e-5, momentum=0.1):
            self.eps, self.momentum, self.training = eps, momentum, True
            self.gamma, self.beta = torch.ones(dim), torch.zeros(dim)   # trained
            self.running_mean, self.running_var = torch.zeros(dim), torch.ones(dim)   # buffers

        def __call__(self, x):
            if self.training:   # (N, C) normalises over dim 0; (N, L, C) over dims 0 and 1
                dims = 0 if x.ndim == 2 else (0, 1)
                mean, var = x.mean(dims, keepdim=True), x.var(dims, keepdim=True)
            else:
                mean, var = self.running_mean, self.running_var
            self.out = self.gamma * ((x - mean) / torch.sqrt(var + self.eps)) + self.beta
            if self.training:
                with torch.no_grad():
                    m = self.momentum
                    self.running_mean = (1 - m) * self.running_mean + m * mean
                    self.running_var = (1 - m) * self.running_var + m * var
            return self.out

        def parameters(self):
            return [self.gamma, self.beta]

    class Tanh:
        def __call__(self, x):
            self.out = torch.tanh(x)
            return self.out

        def parameters(self):
            return []

    class Embedding:
        def __init__(self, num_embeddings, embedding_dim):
            self.weight = torch.randn((num_embeddings, embedding_dim), generator=g)

        def __call__(self, IX):
            self.out = self.weight[IX]
            return self.out

        def parameters(self):
            return [self.weight]

    class FlattenConsecutive:
        """(B, T, C) -> (B, T/n, C·n): n neighbouring characters side by side."""
        def __init__(self, n):
            self.n = n

        def __call__(self, x):
            B, T, C = x.shape
            x = x.view(B, T // self.n, C * self.n)
            if x.shape[1] == 1:
                x = x.squeeze(1)
            self.out = x
            return self.out

        def parameters(self):
            return []

    class Sequential:
        def __init__(self, layers):
            self.layers = layers

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            self.out = x
            return self.out

        def parameters(self):
            return [p for layer in self.layers for p in layer.parameters()]

    return Linear, BatchNorm1d, Tanh, Embedding, FlattenConsecutive, Sequential


def start_from(torch, parameters, start):
    """Overwrite freshly drawn parameters with the shared starting values (torch's draws)."""
    if start is not None:
        with torch.no_grad():
            for p, value in zip(parameters, start):
                p.copy_(torch.from_numpy(value.copy()))
    return [p.detach().numpy().copy() for p in parameters]


def deep_tanh_net_with_batchnorm(torch, X_array, Y_array, batches, start=None):
    F = torch.nn.functional
    g = torch.Generator().manual_seed(2147483647)
    Linear, BatchNorm1d, Tanh, _, _, _ = lecture_layers(torch, g)
    C = torch.randn((27, 10), generator=g)
    layers = [Linear(30, 64), Tanh(),
              Linear(64, 64, bias=False), BatchNorm1d(64), Tanh(),
              Linear(64, 27, bias=False), BatchNorm1d(27)]
    with torch.no_grad():
        layers[-1].gamma *= 0.1   # a less confident last layer
        for layer in layers[:-1]:
            if isinstance(layer, Linear):
                layer.weight *= 5 / 3   # tanh's gain
    parameters = [C] + [p for layer in layers for p in layer.parameters()]
    initial = start_from(torch, parameters, start)
    for p in parameters:
        p.requires_grad = True
    Xtr, Ytr = torch.tensor(X_array), torch.tensor(Y_array)
    losses, ud = [], []
    for batch in batches:
        ix = torch.from_numpy(batch)
        Xb, Yb = Xtr[ix], Ytr[ix]
        emb = C[Xb]
        x = emb.view(emb.shape[0], -1)
        for layer in layers:
            x = layer(x)
        loss = F.cross_entropy(x, Yb)
        for layer in layers:
            layer.out.retain_grad()
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1
        for p in parameters:
            p.data += -lr * p.grad
        losses.append(loss.item())
        with torch.no_grad():   # the update-to-data ratio, on a log scale
            ud.append([((lr * p.grad).std() / p.data.std()).log10().item() for p in parameters])
    result = {"losses": losses, "update/data": ud}
    for i, layer in enumerate(layers):   # the lecture's diagnostics of the last step
        t = layer.out
        if isinstance(layer, Tanh):
            hy, hx = torch.histogram(t, density=True)
            result[f"tanh {i}"] = [t.mean().item(), t.std().item(),
                                   ((t.abs() > 0.97).float().mean() * 100).item()]
            result[f"tanh {i} histogram"] = hy
            result[f"tanh {i} bins"] = hx
        result[f"layer {i} out.grad"] = t.grad
    result["grad/data"] = [(p.grad.std() / p.std()).item() for p in parameters if p.ndim == 2]
    result.update({f"parameter {i}": p for i, p in enumerate(parameters)})
    result["running_var"] = layers[3].running_var

    @torch.no_grad()
    def split_loss(X, Y):
        x = C[X].view(X.shape[0], -1)
        for layer in layers:
            x = layer(x)
        return F.cross_entropy(x, Y).item()

    for layer in layers:
        layer.training = False
    result["eval loss"] = split_loss(Xtr[:500], Ytr[:500])
    return initial, result


def test_activations_lecture_linear_with_inplace_bias_and_handwritten_batchnorm(words, vocab):
    train, _, _ = split_words(words[:3000])
    X, Y = (np.array(a) for a in context_windows(train, vocab[0], block_size=3))
    batches = list(np.random.default_rng(1).integers(0, len(X), (4, 32)))
    initial, theirs = deep_tanh_net_with_batchnorm(torch, X, Y, batches)
    _, ours = deep_tanh_net_with_batchnorm(tinygrad_edu, X, Y, batches, start=initial)
    agree_all(ours, theirs)


def wavenet_steps(torch, X_array, Y_array, batches, start=None):
    F = torch.nn.functional
    g = torch.Generator().manual_seed(42)
    Linear, BatchNorm1d, Tanh, Embedding, FlattenConsecutive, Sequential = \
        lecture_layers(torch, g)
    n_embd, n_hidden = 8, 24
    model = Sequential([
        Embedding(27, n_embd),
        FlattenConsecutive(2), Linear(2 * n_embd, n_hidden, bias=False), BatchNorm1d(n_hidden),
        Tanh(),
        FlattenConsecutive(2), Linear(2 * n_hidden, n_hidden, bias=False),
        BatchNorm1d(n_hidden), Tanh(),
        FlattenConsecutive(2), Linear(2 * n_hidden, n_hidden, bias=False),
        BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, 27),
    ])
    with torch.no_grad():
        model.layers[-1].weight *= 0.1
    parameters = model.parameters()
    initial = start_from(torch, parameters, start)
    for p in parameters:
        p.requires_grad = True
    Xtr, Ytr = torch.tensor(X_array), torch.tensor(Y_array)
    lossi = []
    for batch in batches:
        ix = torch.from_numpy(batch)
        logits = model(Xtr[ix])
        loss = F.cross_entropy(logits, Ytr[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        for p in parameters:
            p.data += -0.1 * p.grad
        lossi.append(loss.log10().item())
    result = {"shapes": [tuple(layer.out.shape) for layer in model.layers],
              "smoothed loss": torch.tensor(lossi).view(-1, 2).mean(1),
              "running_mean": model.layers[3].running_mean,
              "running_var": model.layers[7].running_var}
    result.update({f"parameter {i}": p for i, p in enumerate(parameters)})
    for layer in model.layers:
        if isinstance(layer, BatchNorm1d):
            layer.training = False
    with torch.no_grad():
        result["eval logits"] = model(Xtr[:64])
    return initial, result


def test_wavenet_hierarchical_model_with_flatten_consecutive(words, vocab):
    X, Y = (np.array(a) for a in context_windows(words[:2000], vocab[0], block_size=8))
    batches = list(np.random.default_rng(2).integers(0, len(X), (4, 32)))
    initial, theirs = wavenet_steps(torch, X, Y, batches)
    _, ours = wavenet_steps(tinygrad_edu, X, Y, batches, start=initial)
    assert ours.pop("shapes") == theirs.pop("shapes") == [
        (32, 8, 8), (32, 4, 16), (32, 4, 24), (32, 4, 24), (32, 4, 24), (32, 2, 48),
        (32, 2, 24), (32, 2, 24), (32, 2, 24), (32, 48), (32, 24), (32, 24), (32, 24), (32, 27)]
    agree_all(ours, theirs)


# -- the manual backprop exercise: autograd, then every gradient derived by hand ----------------
def cmp(torch, dt, t):
    """The exercise's check of a hand-derived gradient against autograd's."""
    exact = torch.all(dt == t.grad).item()
    approximate = torch.allclose(dt, t.grad)
    maxdiff = (dt - t.grad).abs().max().item()
    return exact, approximate, maxdiff


def backprop_by_hand(torch, Xb_array, Yb_array, weights):
    F = torch.nn.functional
    Xb, Yb = torch.tensor(Xb_array), torch.tensor(Yb_array)
    C, W1, b1, W2, b2, bngain, bnbias = (torch.tensor(w) for w in weights)
    parameters = [C, W1, b1, W2, b2, bngain, bnbias]
    for p in parameters:
        p.requires_grad = True
    n = Xb.shape[0]

    # forward, one small step at a time, so that each step has a gradient to derive
    emb = C[Xb]
    embcat = emb.view(emb.shape[0], -1)
    hprebn = embcat @ W1 + b1
    bnmeani = 1 / n * hprebn.sum(0, keepdim=True)
    bndiff = hprebn - bnmeani
    bndiff2 = bndiff ** 2
    bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdim=True)   # Bessel's correction
    bnvar_inv = (bnvar + 1e-5) ** -0.5
    bnraw = bndiff * bnvar_inv
    hpreact = bngain * bnraw + bnbias
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2
    logit_maxes = logits.max(1, keepdim=True).values
    norm_logits = logits - logit_maxes   # for numerical stability
    counts = norm_logits.exp()
    counts_sum = counts.sum(1, keepdims=True)
    counts_sum_inv = counts_sum ** -1
    probs = counts * counts_sum_inv
    logprobs = probs.log()
    loss = -logprobs[range(n), Yb].mean()
    steps = dict(logprobs=logprobs, probs=probs, counts_sum_inv=counts_sum_inv,
                 counts_sum=counts_sum, counts=counts, norm_logits=norm_logits,
                 logit_maxes=logit_maxes, logits=logits, h=h, hpreact=hpreact, bnraw=bnraw,
                 bnvar_inv=bnvar_inv, bnvar=bnvar, bndiff2=bndiff2, bndiff=bndiff,
                 bnmeani=bnmeani, hprebn=hprebn, embcat=embcat, emb=emb)
    for p in parameters:
        p.grad = None
    for t in steps.values():
        t.retain_grad()
    loss.backward()

    # backward by hand, in the reverse order of the forward
    d = {}
    d["logprobs"] = torch.zeros_like(logprobs)
    d["logprobs"][range(n), Yb] = -1.0 / n
    d["probs"] = (1.0 / probs) * d["logprobs"]
    d["counts_sum_inv"] = (counts * d["probs"]).sum(1, keepdim=True)
    dcounts = counts_sum_inv * d["probs"]
    d["counts_sum"] = (-counts_sum ** -2) * d["counts_sum_inv"]
    dcounts += torch.ones_like(counts) * d["counts_sum"]
    d["counts"] = dcounts
    d["norm_logits"] = counts * d["counts"]
    d["logit_maxes"] = (-d["norm_logits"]).sum(1, keepdim=True)
    dlogits = d["norm_logits"].clone()
    dlogits += F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * d["logit_maxes"]
    d["logits"] = dlogits
    d["h"] = d["logits"] @ W2.T
    d["W2"] = h.T @ d["logits"]
    d["b2"] = d["logits"].sum(0)
    d["hpreact"] = (1.0 - h ** 2) * d["h"]
    d["bngain"] = (bnraw * d["hpreact"]).sum(0, keepdim=True)
    d["bnbias"] = d["hpreact"].sum(0, keepdim=True)
    d["bnraw"] = bngain * d["hpreact"]
    d["bnvar_inv"] = (bndiff * d["bnraw"]).sum(0, keepdim=True)
    d["bnvar"] = (-0.5 * (bnvar + 1e-5) ** -1.5) * d["bnvar_inv"]
    d["bndiff2"] = (1.0 / (n - 1)) * torch.ones_like(bndiff2) * d["bnvar"]
    dbndiff = bnvar_inv * d["bnraw"]
    dbndiff += (2 * bndiff) * d["bndiff2"]
    d["bndiff"] = dbndiff
    d["bnmeani"] = (-d["bndiff"]).sum(0, keepdim=True)
    dhprebn = d["bndiff"].clone()
    dhprebn += 1.0 / n * (torch.ones_like(hprebn) * d["bnmeani"])
    d["hprebn"] = dhprebn
    d["embcat"] = d["hprebn"] @ W1.T
    d["W1"] = embcat.T @ d["hprebn"]
    d["b1"] = d["hprebn"].sum(0)
    d["emb"] = d["embcat"].view(emb.shape)
    dC = torch.zeros_like(C)
    for k in range(Xb.shape[0]):   # each row of C receives the rows of demb that used it
        for j in range(Xb.shape[1]):
            ix = Xb[k, j]
            dC[ix] += d["emb"][k, j]
    d["C"] = dC

    # the shortcuts: cross-entropy and batch norm differentiated as a whole
    loss_fast = F.cross_entropy(logits, Yb)
    dlogits_fast = F.softmax(logits, 1)
    dlogits_fast[range(n), Yb] -= 1
    dlogits_fast /= n
    dhprebn_fast = bngain * bnvar_inv / n * (
        n * d["hpreact"] - d["hpreact"].sum(0)
        - n / (n - 1) * bnraw * (d["hpreact"] * bnraw).sum(0))

    leaves = dict(C=C, W1=W1, b1=b1, W2=W2, b2=b2, bngain=bngain, bnbias=bnbias)
    every = {**steps, **leaves}
    checks = {name: cmp(torch, d[name], every[name]) for name in d}
    checks["logits (fast)"] = cmp(torch, dlogits_fast, logits)
    checks["hprebn (fast)"] = cmp(torch, dhprebn_fast, hprebn)
    result = {"loss": loss.item(), "loss_fast": loss_fast.item(),
              "dlogits_fast": dlogits_fast, "dhprebn_fast": dhprebn_fast}
    result.update({f"autograd {name}": t.grad for name, t in every.items()})
    result.update({f"by hand {name}": value for name, value in d.items()})
    return checks, result


def test_manual_backprop_exercise_gradients_equal_autograd(words, vocab):
    X, Y = (np.array(a) for a in context_windows(words[:500], vocab[0], block_size=3))
    ix = np.random.default_rng(3).integers(0, len(X), 32)
    # the exercise's initialisation: small, non-zero everywhere, so no gradient hides
    C, W1, b1, W2, b2, g, b = torch_draws(42, (27, 10), (30, 64), (64,), (64, 27), (27,),
                                          (1, 64), (1, 64))
    weights = [C, W1 * (5 / 3) / 30 ** 0.5, b1 * 0.1, W2 * 0.1, b2 * 0.1, g * 0.1 + 1.0,
               b * 0.1]
    (ours_checks, ours), (theirs_checks, theirs) = both(backprop_by_hand, X[ix], Y[ix], weights)
    assert list(ours_checks) == list(theirs_checks)
    for name in theirs_checks:
        for engine, checks in (("ours", ours_checks), ("torch", theirs_checks)):
            exact, approximate, maxdiff = checks[name]
            assert isinstance(exact, bool) and isinstance(approximate, bool), (engine, name)
            assert approximate and maxdiff < 1e-6, (engine, name, checks[name])
    assert ours["loss"] == pytest.approx(ours["loss_fast"], rel=1e-6)
    agree_all(ours, theirs)


# -- the same MLP with torch.nn: Embedding, Linear, BatchNorm1d, Tanh, Sequential, SGD ---------
def torch_nn_mlp_steps(torch, X_array, Y_array, batches, state=None):
    nn, F = torch.nn, torch.nn.functional
    model = nn.Sequential(
        nn.Embedding(27, 10), nn.Flatten(),
        nn.Linear(30, 64, bias=False), nn.BatchNorm1d(64), nn.Tanh(),
        nn.Linear(64, 27),
    )
    if state is not None:   # start from torch's weights
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
    initial = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    Xtr, Ytr = torch.tensor(X_array), torch.tensor(Y_array)
    losses = []
    model.train()
    for batch in batches:
        ix = torch.from_numpy(batch)
        loss = F.cross_entropy(model(Xtr[ix]), Ytr[ix])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()   # BatchNorm now uses its running statistics
    with torch.no_grad():
        eval_logits = model(Xtr[:100])
    result = {"losses": losses, "eval logits": eval_logits}
    result.update(model.state_dict())
    return initial, result


def test_torch_nn_mlp_with_batchnorm_train_then_eval_and_sgd(words, vocab):
    X, Y = (np.array(a) for a in context_windows(words[:1000], vocab[0], block_size=3))
    batches = list(np.random.default_rng(4).integers(0, len(X), (5, 32)))
    torch.manual_seed(0)
    initial, theirs = torch_nn_mlp_steps(torch, X, Y, batches)
    _, ours = torch_nn_mlp_steps(tinygrad_edu, X, Y, batches, state=initial)
    assert int(ours["3.num_batches_tracked"]) == 5
    agree_all(ours, theirs)
