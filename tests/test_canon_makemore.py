"""Part 1 (micrograd, bigrams, the MLP): the patterns of the makemore lectures ("Neural
Networks: Zero to Hero") and of makemore.py, written here in our own code, each run
unchanged on both engines: every pattern is a function of the engine (named ``torch``
inside, as a student's script would call it), called once with ``tinygrad_edu`` and once
with real torch, from the same inputs. Random weights are drawn by torch and copied into
ours; minibatches are picked once with NumPy and used by both. Values and gradients are
compared with ``np.testing.assert_allclose``."""
import math
import random

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.datasets import context_windows
from makemore_shared import (  # noqa: F401  (torch_on_one_thread, words, vocab: fixtures)
    ENGINES, agree, agree_all, bigram_pairs, both, numbers, split_words, torch, torch_draws, torch_on_one_thread, vocab, words)


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




def test_mlp_language_model_minibatch_steps_with_lr_decay(words, vocab):
    train, _, _ = split_words(words[:4000])
    X, Y = context_windows(train, vocab[0], block_size=3)
    X, Y = np.array(X), np.array(Y)
    batches = list(np.random.default_rng(0).integers(0, len(X), (10, 32)))
    weights = torch_draws(2147483647, (27, 10), (30, 200), (200,), (200, 27), (27,))
    ours, theirs = both(mlp_language_model_steps, X, Y, batches, weights)
    assert ours.pop("parameters") == theirs.pop("parameters") == 11897
    agree_all(ours, theirs, rtol=1e-4, atol=1e-5)   # ten steps: rounding compounds
