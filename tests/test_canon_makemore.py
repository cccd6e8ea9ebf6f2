"""The patterns of the makemore lectures ("Neural Networks: Zero to Hero") and of makemore.py,
written here in our own code, each run unchanged on both engines: every pattern is a function
of the engine (named ``torch`` inside, as a student's script would call it), called once with
``tinygrad_edu`` and once with real torch, from the same inputs. Random weights are drawn by
torch and copied into ours; minibatches are picked once with NumPy and used by both.
Values and gradients are compared with ``np.testing.assert_allclose``."""
import math
import random

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.datasets import char_vocabulary, context_windows, load_names

torch = pytest.importorskip("torch")

ENGINES = {"ours": tinygrad_edu, "torch": torch}


def numbers(t):
    """A tensor of either engine (or a plain value / list of them) as a NumPy array."""
    if isinstance(t, (torch.Tensor, tinygrad_edu.Tensor)):
        return t.detach().numpy()
    if isinstance(t, (list, tuple)):
        return np.asarray([numbers(x) for x in t])
    return np.asarray(t)


def agree(ours, theirs, rtol=1e-5, atol=1e-6, what=""):
    np.testing.assert_allclose(numbers(ours), numbers(theirs), rtol=rtol, atol=atol,
                               err_msg=what)


def both(pattern, *args, **kwargs):
    """Run ``pattern(engine, *args)`` on ours and on torch; returns (ours, theirs)."""
    return pattern(tinygrad_edu, *args, **kwargs), pattern(torch, *args, **kwargs)


def agree_all(ours, theirs, rtol=1e-5, atol=1e-6):
    """Two dicts of results (same keys) agree entry by entry."""
    assert list(ours) == list(theirs)
    for key in theirs:
        agree(ours[key], theirs[key], rtol=rtol, atol=atol, what=key)


def torch_draws(seed, *shapes):
    """Arrays drawn by torch's generator (float32): the weights both engines start from."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=g).numpy() for shape in shapes]


@pytest.fixture(scope="module", autouse=True)
def torch_on_one_thread():
    """These models are tiny: torch's worker threads only wait on each other (and on a busy
    machine a lot), so torch runs on one thread here, as ours does."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def words():
    return load_names()


@pytest.fixture(scope="module")
def vocab(words):
    return char_vocabulary(words)


def bigram_pairs(words, stoi):
    """Every (previous character, next character) index pair, '.' around each name."""
    pairs = []
    for w in words:
        chars = ["."] + list(w) + ["."]
        pairs.extend((stoi[a], stoi[b]) for a, b in zip(chars, chars[1:]))
    return pairs


# -- micrograd: one neuron, on scalar tensors --------------------------------------------------
def neuron_on_scalars(torch):
    """micrograd's neuron written with torch scalars in float64: n = x1·w1 + x2·w2 + b,
    o = tanh(n), o.backward(), then the gradient of every leaf."""
    start = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    leaves = {}
    for name, value in start.items():
        leaf = torch.Tensor([value]).double()
        leaf.requires_grad = True
        leaves[name] = leaf
    x1, x2, w1, w2, b = leaves.values()
    n = x1 * w1 + x2 * w2 + b
    o = torch.tanh(n)
    o.backward()
    result = {"o": o.data.item(), "o.dtype": str(o.dtype)}
    result.update({f"{name}.grad": leaf.grad.item() for name, leaf in leaves.items()})
    return result


def test_micrograd_neuron_on_float64_scalars():
    ours, theirs = both(neuron_on_scalars)
    assert ours.pop("o.dtype") == theirs.pop("o.dtype") == "torch.float64"
    agree_all(ours, theirs, rtol=1e-12, atol=1e-15)
    assert ours["o"] == pytest.approx(math.sqrt(0.5), abs=1e-7)  # the lecture's 0.7071
    assert ours["x1.grad"] == pytest.approx(-1.5, abs=1e-6)


# -- bigram counts -----------------------------------------------------------------------------
def count_bigrams_in_a_loop(torch, pairs):
    """The count table filled one bigram at a time, as the lecture does."""
    N = torch.zeros((27, 27), dtype=torch.int32)
    for ix1, ix2 in pairs:
        N[ix1, ix2] += 1
    return N


def bigram_counts_model(torch, pairs):
    N = count_bigrams_in_a_loop(torch, pairs)
    P = (N + 1).float()
    wrong = P / P.sum(1)   # (27,) broadcasts as a row: divides columns, not rows
    P /= P.sum(1, keepdims=True)
    log_likelihood = 0.0
    for ix1, ix2 in pairs[:50]:   # the lecture's loop over log-probabilities
        log_likelihood += torch.log(P[ix1, ix2])
    xs = torch.tensor([a for a, _ in pairs])
    ys = torch.tensor([b for _, b in pairs])
    return {"N": N, "N.dtype": str(N.dtype), "P": P, "wrong": wrong,
            "row sums": P.sum(1), "loop nll": -log_likelihood / 50,
            "nll": -P[xs, ys].log().mean()}


def test_bigram_counts_loop_then_normalised_rows(words, vocab):
    pairs = bigram_pairs(words[:1000], vocab[0])
    ours, theirs = both(bigram_counts_model, pairs)
    assert ours.pop("N.dtype") == theirs.pop("N.dtype") == "torch.int32"
    counts = np.zeros((27, 27), dtype=np.int32)
    np.add.at(counts, tuple(np.array(pairs).T), 1)
    np.testing.assert_array_equal(numbers(ours["N"]), counts)
    agree_all(ours, theirs)
    agree(ours["row sums"], np.ones(27), what="each row of P sums to 1")
    assert not np.allclose(numbers(ours["wrong"]).sum(1), 1.0)   # the broadcasting pitfall


def full_bigram_nll(torch, xs_array, ys_array):
    """The whole data set at once: counts as one-hot(prev)ᵀ @ one-hot(next), add-one
    smoothing, the mean negative log-likelihood of every bigram."""
    F = torch.nn.functional
    xs, ys = torch.from_numpy(xs_array), torch.from_numpy(ys_array)
    N = F.one_hot(xs, num_classes=27).T.float() @ F.one_hot(ys, num_classes=27).float()
    P = N + 1
    P /= P.sum(1, keepdims=True)
    return {"N": N, "nll": -torch.log(P[xs, ys]).mean(), "n": xs.nelement()}


def test_bigram_counts_mean_nll_over_the_whole_data_set(words, vocab):
    pairs = np.array(bigram_pairs(words, vocab[0]), dtype=np.int64)
    ours, theirs = both(full_bigram_nll, pairs[:, 0].copy(), pairs[:, 1].copy())
    assert ours["n"] == theirs["n"] == 228146
    agree(ours["N"], theirs["N"], rtol=0, atol=0)
    agree(ours["nll"], theirs["nll"])
    # 2.4546 is the exact mean (float64: 2.454577). The lecture prints 2.4544 because its
    # loop adds 228,146 log-probabilities one by one into a float32 scalar, which drifts by
    # ~50 out of ~560,000; that loop gives 2.4544 on both engines too (see the report).
    assert round(ours["nll"].item(), 4) == round(theirs["nll"].item(), 4) == 2.4546


def sample_names_from_counts(torch, pairs, seed, how_many=5):
    """Sampling names one character at a time from the rows of P with a seeded generator."""
    N = torch.zeros((27, 27), dtype=torch.int32)
    for ix1, ix2 in pairs:
        N[ix1, ix2] += 1
    P = (N + 1).float()
    P /= P.sum(1, keepdims=True)
    g = torch.Generator().manual_seed(seed)
    names = []
    for _ in range(how_many):
        ix, out = 0, []
        while len(out) < 30:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(ix)
            if ix == 0:
                break
        names.append(out)
    return names


@pytest.mark.parametrize("engine", ["ours", "torch"])
def test_bigram_sampling_with_a_seeded_generator(words, vocab, engine):
    pairs = bigram_pairs(words[:200], vocab[0])
    first = sample_names_from_counts(ENGINES[engine], pairs, 2147483647)
    again = sample_names_from_counts(ENGINES[engine], pairs, 2147483647)
    assert first == again   # the same seed, the same names (engines' streams differ)
    for name in first:
        assert all(isinstance(ix, int) and 0 <= ix < 27 for ix in name)
        assert name[-1] == 0 or len(name) == 30


# -- the neural bigram: one-hot @ W, softmax by hand, gradient descent on W.data ---------------
def neural_bigram_steps(torch, xs_array, ys_array, W0, steps=5):
    F = torch.nn.functional
    xs, ys = torch.tensor(xs_array), torch.tensor(ys_array)
    W = torch.tensor(W0, requires_grad=True)
    num = xs.nelement()
    losses = []
    for _ in range(steps):
        xenc = F.one_hot(xs, num_classes=27).float()
        logits = xenc @ W   # log-counts
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
        losses.append(loss.item())
        W.grad = None
        loss.backward()
        W.data += -50 * W.grad
    return {"losses": losses, "W": W, "probs": probs}


def test_neural_bigram_gradient_descent_on_w_data(words, vocab):
    pairs = np.array(bigram_pairs(words[:1000], vocab[0]))
    (W0,) = torch_draws(2147483647, (27, 27))
    ours, theirs = both(neural_bigram_steps, pairs[:, 0], pairs[:, 1], W0)
    agree_all(ours, theirs)
    assert ours["losses"][-1] < ours["losses"][0]


# -- the MLP language model: embedding table C, tanh hidden layer, cross-entropy ---------------
def mlp_language_model_steps(torch, X_array, Y_array, batches, weights):
    F = torch.nn.functional
    Xtr, Ytr = torch.tensor(X_array), torch.tensor(Y_array)
    C, W1, b1, W2, b2 = (torch.tensor(w) for w in weights)
    parameters = [C, W1, b1, W2, b2]
    for p in parameters:
        p.requires_grad = True
    lre = torch.linspace(-3, 0, 1000)
    lrs = 10 ** lre   # the learning-rate sweep's candidates
    losses = []
    for i, ix_array in enumerate(batches):
        ix = torch.from_numpy(ix_array)
        emb = C[Xtr[ix]]   # (32, 3, 10)
        h = torch.tanh(emb.view(-1, 30) @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Ytr[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < len(batches) // 2 else 0.01   # step decay
        for p in parameters:
            p.data += -lr * p.grad
        losses.append(loss.item())
    with torch.no_grad():   # the loss on the whole training split
        h = torch.tanh(C[Xtr].view(-1, 30) @ W1 + b1)
        full = F.cross_entropy(h @ W2 + b2, Ytr)
    result = {"losses": losses, "full loss": full, "lrs": lrs,
              "parameters": sum(p.nelement() for p in parameters)}
    result.update({name: p for name, p in zip(["C", "W1", "b1", "W2", "b2"], parameters)})
    result.update({name + ".grad": p.grad for name, p in zip(["C", "W1"], parameters)})
    return result


def split_words(words):
    shuffled = list(words)
    random.Random(42).shuffle(shuffled)
    n1, n2 = int(0.8 * len(shuffled)), int(0.9 * len(shuffled))
    return shuffled[:n1], shuffled[n1:n2], shuffled[n2:]


def test_mlp_language_model_minibatch_steps_with_lr_decay(words, vocab):
    train, _, _ = split_words(words[:4000])
    X, Y = context_windows(train, vocab[0], block_size=3)
    X, Y = np.array(X), np.array(Y)
    batches = list(np.random.default_rng(0).integers(0, len(X), (10, 32)))
    weights = torch_draws(2147483647, (27, 10), (30, 200), (200,), (200, 27), (27,))
    ours, theirs = both(mlp_language_model_steps, X, Y, batches, weights)
    assert ours.pop("parameters") == theirs.pop("parameters") == 11897
    agree_all(ours, theirs, rtol=1e-4, atol=1e-5)   # ten steps: rounding compounds


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


# -- makemore.py's Transformer, char-level and small -------------------------------------------
def transformer_model(torch, vocab_size=27, block_size=8, n_embd=32, n_head=4, n_layer=2):
    """A GPT as makemore.py builds it. Block 0's MLP uses the hand-written GELU (the tanh
    approximation), block 1's uses nn.GELU() (the exact one, with erf)."""
    nn, F = torch.nn, torch.nn.functional

    class NewGELU(nn.Module):
        def forward(self, x):
            return 0.5 * x * (1.0 + torch.tanh(
                math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            assert n_embd % n_head == 0
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)   # queries, keys, values at once
            self.c_proj = nn.Linear(n_embd, n_embd)
            mask = torch.tril(torch.ones(block_size, block_size))
            self.register_buffer("bias", mask.view(1, 1, block_size, block_size))

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            q = q.view(B, T, n_head, C // n_head).transpose(1, 2)   # (B, heads, T, hs)
            k = k.view(B, T, n_head, C // n_head).transpose(1, 2)
            v = v.view(B, T, n_head, C // n_head).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
            y = y.transpose(1, 2).contiguous().view(B, T, C)   # heads side by side again
            return self.c_proj(y)

    class Block(nn.Module):
        def __init__(self, act):
            super().__init__()
            self.ln_1 = nn.LayerNorm(n_embd)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(n_embd)
            self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(n_embd, 4 * n_embd),
                                          c_proj=nn.Linear(4 * n_embd, n_embd), act=act))
            m = self.mlp
            self.mlpf = lambda x: m.c_proj(m.act(m.c_fc(x)))

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlpf(self.ln_2(x))

    class Transformer(nn.Module):
        def __init__(self):
            super().__init__()
            acts = [NewGELU(), nn.GELU()]
            self.transformer = nn.ModuleDict(dict(
                wte=nn.Embedding(vocab_size, n_embd),
                wpe=nn.Embedding(block_size, n_embd),
                h=nn.ModuleList([Block(acts[i % 2]) for i in range(n_layer)]),
                ln_f=nn.LayerNorm(n_embd)))
            self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

        def get_block_size(self):
            return block_size

        def forward(self, idx, targets=None):
            b, t = idx.size()
            assert t <= block_size
            pos = torch.arange(0, t, dtype=torch.long).unsqueeze(0)   # (1, t)
            x = self.transformer.wte(idx) + self.transformer.wpe(pos)
            for block in self.transformer.h:
                x = block(x)
            logits = self.lm_head(self.transformer.ln_f(x))
            loss = None
            if targets is not None:   # -1 marks the padding after a name's end
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                       ignore_index=-1)
            return logits, loss

    return Transformer()


def name_examples(words, stoi, block_size=8):
    """makemore's CharDataset: x starts with the '.' token, y is x shifted by one, and the
    positions after a name's end are -1 in y (ignored by the loss)."""
    short = [w for w in words if len(w) < block_size][:2000]
    X = np.zeros((len(short), block_size), dtype=np.int64)
    Y = np.zeros((len(short), block_size), dtype=np.int64)
    for i, w in enumerate(short):
        ix = [stoi[ch] for ch in w]
        X[i, 1:1 + len(ix)] = ix
        Y[i, :len(ix)] = ix
        Y[i, len(ix) + 1:] = -1
    return X, Y


def transformer_training(torch, X_array, Y_array, batches, state=None):
    model = transformer_model(torch)
    if state is not None:
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
    initial = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01,
                                  betas=(0.9, 0.99), eps=1e-8)
    X, Y = torch.from_numpy(X_array), torch.from_numpy(Y_array)
    losses = []
    for batch in batches:
        ix = torch.from_numpy(batch)
        logits, loss = model(X[ix], Y[ix])
        model.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    result = {"losses": losses, "logits": logits,
              "parameters": sum(p.numel() for p in model.parameters())}
    result.update(model.state_dict())
    return model, initial, result


@pytest.fixture(scope="module")
def trained_transformers(words, vocab):
    X, Y = name_examples(words, vocab[0])
    batches = list(np.random.default_rng(5).integers(0, len(X), (5, 32)))
    torch.manual_seed(1337)
    theirs_model, initial, theirs = transformer_training(torch, X, Y, batches)
    ours_model, _, ours = transformer_training(tinygrad_edu, X, Y, batches, state=initial)
    return (ours_model, ours), (theirs_model, theirs)


def test_makemore_transformer_adamw_steps_equal_torch(trained_transformers):
    (_, ours), (_, theirs) = trained_transformers
    assert ours.pop("parameters") == theirs.pop("parameters")
    assert "transformer.h.0.attn.bias" in ours   # the causal mask is a persistent buffer
    # The keys' bias gets no gradient: q·(k + b) shifts a query's scores by the same q·b, and
    # softmax ignores shifts. Its gradient is rounding noise (~1e-9, different in each
    # engine), which Adam divides by its own size: updates of up to ~lr, in both engines.
    n_embd, steps, lr = 32, 5, 5e-4
    for i in range(2):
        key = f"transformer.h.{i}.attn.c_attn.bias"
        b_ours, b_theirs = numbers(ours.pop(key)), numbers(theirs.pop(key))
        queries, keys, values = slice(0, n_embd), slice(n_embd, 2 * n_embd), slice(2 * n_embd, None)
        for part in (queries, values):
            agree(b_ours[part], b_theirs[part], rtol=1e-5, atol=1e-6, what=key)
        agree(b_ours[keys], b_theirs[keys], rtol=0, atol=2 * steps * lr, what=key + " (keys)")
    agree_all(ours, theirs, rtol=1e-5, atol=1e-6)


def generate(torch, model, idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None):
    """makemore's sampler: crop to the block size, scale the last logits by 1/temperature,
    optionally keep only the top k, then sample (or take the most likely)."""
    F = torch.nn.functional
    with torch.no_grad():
        for _ in range(max_new_tokens):
            block_size = model.get_block_size()
            idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
            logits, _ = model(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, top_k)
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            if do_sample:
                idx_next = torch.multinomial(probs, num_samples=1)
            else:
                _, idx_next = torch.topk(probs, k=1, dim=-1)
            idx = torch.cat((idx, idx_next), dim=1)
    return idx


def test_makemore_transformer_sampling_with_temperature(trained_transformers):
    (ours_model, _), (theirs_model, _) = trained_transformers
    for engine, model in ((tinygrad_edu, ours_model), (torch, theirs_model)):
        model.eval()
        start = engine.zeros(6, 1, dtype=engine.long)
        engine.manual_seed(7)
        sampled = generate(engine, model, start, 10, temperature=0.8, do_sample=True, top_k=5)
        engine.manual_seed(7)
        again = generate(engine, model, start, 10, temperature=0.8, do_sample=True, top_k=5)
        assert sampled.shape == (6, 11) and str(sampled.dtype) == "torch.int64"
        values = sampled.numpy()
        assert ((values >= 0) & (values < 27)).all()
        np.testing.assert_array_equal(values, again.numpy())   # seeded: reproducible
    greedy = [generate(engine, model, engine.zeros(2, 1, dtype=engine.long), 10).numpy()
              for engine, model in ((tinygrad_edu, ours_model), (torch, theirs_model))]
    np.testing.assert_array_equal(*greedy)   # no sampling: the same most likely names


def makemore_data_pipeline(torch, words, stoi, model, path):
    """makemore.py around the model: a Dataset that encodes names on the fly, an endless
    loader (a RandomSampler with replacement and 10¹⁰ samples), the evaluation loop over a
    DataLoader, and the checkpoint saved and loaded back."""
    from importlib import import_module
    data = import_module(torch.__name__ + ".utils.data")   # torch.utils.data

    class CharDataset(data.Dataset):
        def __init__(self, words, max_word_length=7):
            self.words, self.max_word_length = words, max_word_length

        def __len__(self):
            return len(self.words)

        def __getitem__(self, i):
            ix = torch.tensor([stoi[ch] for ch in self.words[i]], dtype=torch.long)
            x = torch.zeros(self.max_word_length + 1, dtype=torch.long)
            y = torch.zeros(self.max_word_length + 1, dtype=torch.long)
            x[1:1 + len(ix)] = ix
            y[:len(ix)] = ix
            y[len(ix) + 1:] = -1   # no loss after the end token
            return x, y

    dataset = CharDataset(words)
    sampler = data.RandomSampler(dataset, replacement=True, num_samples=int(1e10))
    batches = iter(data.DataLoader(dataset, sampler=sampler, batch_size=16))
    drawn = [next(batches) for _ in range(3)]

    model.eval()
    with torch.no_grad():
        losses = [model(X, Y)[1].item()
                  for X, Y in data.DataLoader(dataset, shuffle=False, batch_size=50)]
    mean_loss = torch.tensor(losses).mean().item()
    model.train()
    torch.save(model.state_dict(), path)
    model.load_state_dict(torch.load(path))
    return drawn, dataset[0], mean_loss


def test_makemore_dataset_endless_loader_evaluate_and_checkpoint(trained_transformers, words,
                                                                 vocab, tmp_path):
    (ours_model, _), (theirs_model, _) = trained_transformers
    short = [w for w in words if len(w) < 8][:200]
    ours = makemore_data_pipeline(tinygrad_edu, short, vocab[0], ours_model, tmp_path / "o")
    theirs = makemore_data_pipeline(torch, short, vocab[0], theirs_model, tmp_path / "t")
    for X, Y in ours[0]:
        assert X.shape == Y.shape == (16, 8) and str(X.dtype) == "torch.int64"
        np.testing.assert_array_equal(X.numpy()[:, 1:][Y.numpy()[:, :-1] >= 0],
                                      Y.numpy()[:, :-1][Y.numpy()[:, :-1] >= 0])
    agree(ours[1], theirs[1], rtol=0, atol=0, what="one encoded example")
    assert ours[2] == pytest.approx(theirs[2], rel=1e-5)
    agree(ours_model.lm_head.weight, theirs_model.lm_head.weight)
