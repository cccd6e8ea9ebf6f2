"""The fast paths of the speed work (docs/benchmarks.md, round 2) give the numbers of the plain
forms they replace, and torch's, on the shapes where they differ from the common case: a
Linear over a stack that is folded into rows (contiguous or not, empty, no features), the
outer product of a batch of one, GELU's Φ in float16 and at the signs' edges, and the
inverse permutation of Permute's backward."""
import itertools
import math

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.nn import functional as F
from tinygrad_edu.ops.layer_ops import normal_cdf
from tinygrad_edu.ops.linalg import transposed_product


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


STACKS = {   # name: (input as numpy makes it, in_features)
    "3-D": lambda r: r.standard_normal((2, 3, 4)),
    "4-D": lambda r: r.standard_normal((2, 2, 3, 4)),
    "transposed stack": lambda r: r.standard_normal((3, 2, 4)).transpose(1, 0, 2),
    "every other row": lambda r: r.standard_normal((2, 6, 4))[:, ::2],
    "empty batch": lambda r: np.zeros((0, 3, 4)),
    "vector": lambda r: r.standard_normal(4),
}


@pytest.mark.parametrize("name", STACKS)
@pytest.mark.parametrize("bias", [True, False])
def test_linear_over_a_stack_matches_torch(torch, name, bias):
    r = np.random.default_rng(0)
    x = STACKS[name](r).astype(np.float32)
    w, b = r.standard_normal((5, 4)).astype(np.float32), r.standard_normal(5).astype(np.float32)
    ours, theirs = [], []
    for engine, out in ((tinygrad_edu, ours), (torch, theirs)):
        xs, ws = engine.tensor(x.copy(), requires_grad=True), engine.tensor(w, requires_grad=True)
        bs = engine.tensor(b, requires_grad=True) if bias else None
        y = engine.nn.functional.linear(xs, ws, bs)
        (y * engine.tensor(np.arange(y.numel(), dtype=np.float32).reshape(tuple(y.shape)))
         ).sum().backward()
        out += [y, xs.grad, ws.grad] + ([bs.grad] if bias else [])
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_linear_with_no_input_features_matches_torch(torch):
    """in_features = 0: every output is the bias, and W's gradient is empty."""
    x = np.zeros((2, 3, 0), np.float32)
    w, b = np.zeros((5, 0), np.float32), np.arange(5, dtype=np.float32)
    ours = F.linear(tinygrad_edu.tensor(x), tinygrad_edu.tensor(w), tinygrad_edu.tensor(b))
    theirs = torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("m, n", [(1, 1), (3, 5), (64, 784), (512, 512), (700, 3)])
def test_outer_product_of_a_batch_of_one_is_exact(m, n):
    """With K = 1 each element of aᵀ @ b is one product, no sums: exactly a[0, i]·b[0, j]."""
    r = np.random.default_rng(1)
    for dtype in (np.float32, np.float64):
        a, b = r.standard_normal((1, m)).astype(dtype), r.standard_normal((1, n)).astype(dtype)
        out = transposed_product(a, b)
        assert out.shape == (m, n) and out.dtype == dtype
        np.testing.assert_array_equal(out, a[0][:, None] * b[0][None, :])


def test_weight_gradient_of_a_batch_of_one_matches_torch(torch):
    r = np.random.default_rng(2)
    x, w = r.standard_normal((1, 300)).astype(np.float32), r.standard_normal((40, 300))
    grads = []
    for engine in (tinygrad_edu, torch):
        ws = engine.tensor(w.astype(np.float32), requires_grad=True)
        (engine.tensor(x) @ ws.T).tanh().sum().backward()
        grads.append(ws.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-6)


def test_normal_cdf_in_float16_is_float32s_rounded_once():
    x = np.linspace(-12, 12, 4001).astype(np.float16)
    out = normal_cdf(x)
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out, normal_cdf(x.astype(np.float32)).astype(np.float16))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normal_cdf_at_the_edges(dtype):
    """Φ(±0) = ½ (either sign), Φ(−∞) = +0, Φ(∞) = 1, nan stays nan; below the cancel
    point (where torch's ½(1 + erf) is exactly 0) +0, just above it the tail."""
    cut = -5.6 if dtype == np.float32 else -8.4
    x = np.array([0.0, -0.0, -np.inf, np.inf, np.nan, cut, -1.0, 1.0], dtype)
    out = normal_cdf(x)
    np.testing.assert_allclose(out[:2], 0.5, rtol=1e-7)
    assert out[2] == 0 and not np.signbit(out[2]) and out[3] == 1 and np.isnan(out[4])
    assert out[5] == 0 and not np.signbit(out[5])
    exact = [0.5 * math.erfc(v / math.sqrt(2)) for v in (1.0, -1.0)]
    np.testing.assert_allclose(out[6:], exact, rtol=1e-6)


def test_permute_backward_puts_every_axis_back(torch):
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5)).astype(np.float32)
    weights = np.arange(120, dtype=np.float32)
    for dims in itertools.permutations(range(4)):
        grads = []
        for engine in (tinygrad_edu, torch):
            xs = engine.tensor(x, requires_grad=True)
            y = xs.permute(*dims)
            (y * engine.tensor(weights.reshape(tuple(y.shape)))).sum().backward()
            grads.append(xs.grad.numpy())
        np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("shape", [(), (1,), (2, 3)])
def test_gelu_of_any_rank_matches_torch(torch, approximate, shape):
    """A 0-d input too: NumPy turns 0-d results into scalars, which in-place steps refuse."""
    x = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    out = []
    for engine in (tinygrad_edu, torch):
        xs = engine.tensor(x, requires_grad=True)
        y = engine.nn.functional.gelu(xs, approximate=approximate)
        (y * 3).sum().backward()
        out.append((y.detach().numpy(), xs.grad.numpy()))
    for ours, theirs in zip(*out):
        assert np.shape(ours) == np.shape(theirs)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
