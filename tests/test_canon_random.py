"""torch.normal and torch.multinomial (forms, shapes, dtypes, errors, reproducibility,
distribution), the default dtype and device, arange's exact values, and RandomSampler's
lazy draws. Random streams differ from torch's, so numbers are compared only where they
are deterministic."""
import time
import tracemalloc

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

torch = pytest.importorskip("torch")


def _same_error(fn):
    """fn(engine) raises the same exception type in both engines, and our message starts
    with torch's (ours may add a hint after it)."""
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(theirs.type) as ours:
        fn(tinygrad_edu)
    expected = str(theirs.value).splitlines()[0].split(" - ")[0]
    assert str(ours.value).startswith(expected), (str(ours.value), expected)


# -- torch.normal ------------------------------------------------------------------------------
NORMAL_FORMS = [
    lambda t: t.normal(t.tensor([0.0, 1.0]), t.tensor([1.0, 2.0])),
    lambda t: t.normal(t.tensor([[0.0], [1.0]]), t.tensor([1.0, 2.0, 3.0])),
    lambda t: t.normal(t.tensor([1.0, 2.0], dtype=t.float64), 2.0),
    lambda t: t.normal(t.tensor([1.0, 2.0])),
    lambda t: t.normal(0.0, t.tensor([[1.0, 2.0]], dtype=t.float64)),
    lambda t: t.normal(t.tensor([1.0]), t.tensor([1.0], dtype=t.float64)),  # mean's dtype
    lambda t: t.normal(0, 0.01, (2, 1)),
    lambda t: t.normal(0, 1, size=[3]),
    lambda t: t.normal(2.0, 3.0, t.Size([2, 3]), dtype=t.float64),
    lambda t: t.normal(mean=0.0, std=1.0, size=(4,), generator=t.Generator().manual_seed(1)),
    lambda t: t.normal(t.tensor(1.0), t.tensor(2.0)),
]


@pytest.mark.parametrize("form", range(len(NORMAL_FORMS)))
def test_normal_forms_give_torchs_shape_and_dtype(form):
    ours, theirs = NORMAL_FORMS[form](tinygrad_edu), NORMAL_FORMS[form](torch)
    assert ours.shape == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    assert not ours.requires_grad


def test_normal_as_d2l_calls_it_makes_a_trainable_leaf():
    w = tinygrad_edu.normal(0, 0.01, (2, 1), requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None
    assert w.shape == (2, 1) and w.dtype == tinygrad_edu.float32
    (w * 2).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[2.0], [2.0]])


@pytest.mark.parametrize("call", [
    lambda t: t.normal(0, -1.0, (2,)),
    lambda t: t.normal(0, float("nan"), (2,)),
    lambda t: t.normal(t.tensor([0.0]), t.tensor([-1.0])),
    lambda t: t.normal(t.tensor([0.0]), -1.0),
    lambda t: t.normal(0.0, t.tensor([1.0, -1.0])),
    lambda t: t.normal(t.tensor([1, 2]), 1.0),
    lambda t: t.normal(0, 1, (2,), dtype=t.int32),
    lambda t: t.normal(0, 1),
    lambda t: t.normal(0, 1, 3),
    lambda t: t.normal(t.tensor([1.0]), 1.0, (2,)),
    lambda t: t.normal(t.tensor([0.0, 1.0]), t.tensor([1.0, 2.0, 3.0])),
    lambda t: t.normal(0, 1, (-1,)),
])
def test_normal_errors_match_torch(call):
    _same_error(call)


def test_normal_draws_have_the_asked_mean_and_std():
    g = tinygrad_edu.Generator().manual_seed(0)
    x = tinygrad_edu.normal(3.0, 2.0, (200_000,), generator=g).numpy()
    assert abs(x.mean() - 3.0) < 0.03 and abs(x.std() - 2.0) < 0.03
    mean = tinygrad_edu.tensor([[0.0, 10.0, -5.0]])
    std = tinygrad_edu.tensor([[1.0], [0.1], [0.0]]).expand(3, 3).repeat(20_000, 1)
    y = tinygrad_edu.normal(mean, std, generator=g).numpy().reshape(20_000, 3, 3)
    np.testing.assert_allclose(y.mean(axis=0), np.broadcast_to(mean.numpy(), (3, 3)), atol=0.03)
    np.testing.assert_allclose(y.std(axis=0), np.broadcast_to(std.numpy()[:3], (3, 3)), atol=0.03)
    assert (y[:, 2] == mean.numpy()[0]).all()  # std 0: exactly the mean


def test_normal_is_reproducible_with_a_seeded_generator():
    def draw(seed):
        g = tinygrad_edu.Generator().manual_seed(seed)
        return (tinygrad_edu.normal(0.0, 1.0, (5,), generator=g).numpy(),
                tinygrad_edu.normal(tinygrad_edu.zeros(5), 1.0, generator=g).numpy())
    first, again, other = draw(7), draw(7), draw(8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    tinygrad_edu.manual_seed(3)
    a = tinygrad_edu.normal(0, 1, (4,))
    tinygrad_edu.manual_seed(3)
    np.testing.assert_array_equal(a.numpy(), tinygrad_edu.normal(0, 1, (4,)).numpy())


# -- torch.multinomial -------------------------------------------------------------------------
@pytest.mark.parametrize("weights, n, replacement", [
    ([0.2, 0.3, 0.5], 2, False), ([0.2, 0.3, 0.5], 7, True), ([[1.0, 2.0], [3.0, 0.0]], 1, False),
    ([[1.0, 2.0, 3.0]] * 4, 3, False), ([[1.0, 2.0, 3.0]] * 4, 10, True)])
def test_multinomial_shape_and_dtype_match_torch(weights, n, replacement):
    ours = tinygrad_edu.multinomial(tinygrad_edu.tensor(weights), n, replacement)
    theirs = torch.multinomial(torch.tensor(weights), n, replacement)
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)


@pytest.mark.parametrize("call", [
    lambda t: t.multinomial(t.tensor([1.0, 0.0, 0.0]), 4),
    lambda t: t.multinomial(t.tensor([1.0, -1.0, 0.0]), 1),
    lambda t: t.multinomial(t.tensor([1.0, float("inf")]), 1, True),
    lambda t: t.multinomial(t.tensor([1.0, float("nan")]), 1),
    lambda t: t.multinomial(t.tensor([[1.0, 1.0], [0.0, 0.0]]), 1),
    lambda t: t.multinomial(t.tensor([0.0, 0.0]), 3, True),
    lambda t: t.multinomial(t.tensor(1.0), 1),
    lambda t: t.multinomial(t.tensor([[[1.0]]]), 1),
    lambda t: t.multinomial(t.tensor([1, 2]), 1),
    lambda t: t.multinomial(t.tensor([1.0, 2.0]), 0),
    lambda t: t.multinomial(t.tensor([1.0, 2.0]), 1.5),
    lambda t: t.multinomial(t.tensor([1.0, 2.0]), True),
])
def test_multinomial_errors_match_torch(call):
    _same_error(call)


def test_multinomial_with_replacement_draws_in_proportion_to_the_weights():
    g = tinygrad_edu.Generator().manual_seed(0)
    weights = np.array([0.1, 0.0, 0.3, 0.6, 0.0])
    drawn = tinygrad_edu.multinomial(tinygrad_edu.tensor(weights * 7), 200_000, True,
                                     generator=g).numpy()
    np.testing.assert_allclose(np.bincount(drawn, minlength=5) / drawn.size, weights, atol=0.005)
    rows = tinygrad_edu.tensor([[1.0, 1.0, 2.0], [0.0, 5.0, 5.0], [0.0, 0.0, 1e-30]])
    drawn = tinygrad_edu.multinomial(rows, 100_000, replacement=True, generator=g).numpy()
    for row, expected in zip(drawn, ([0.25, 0.25, 0.5], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0])):
        np.testing.assert_allclose(np.bincount(row, minlength=3) / row.size, expected, atol=0.01)


def test_multinomial_without_replacement_never_repeats_and_follows_the_weights():
    g = tinygrad_edu.Generator().manual_seed(1)
    weights = np.array([0.2, 0.0, 0.1, 0.7])
    rows = tinygrad_edu.tensor(np.tile(weights, (50_000, 1)))
    drawn = tinygrad_edu.multinomial(rows, 4, generator=g).numpy()
    assert (np.sort(drawn, axis=1) == np.arange(4)).all()  # each row a permutation
    np.testing.assert_allclose(np.bincount(drawn[:, 0], minlength=4) / len(drawn), weights,
                               atol=0.01)
    # the second draw: P(second = j) = sum_i p_i * p_j / (1 - p_i)
    second = sum(weights[i] * np.where(np.arange(4) == i, 0, weights) / (1 - weights[i])
                 for i in range(4))
    np.testing.assert_allclose(np.bincount(drawn[:, 1], minlength=4) / len(drawn), second,
                               atol=0.01)
    assert (drawn[:, 3] == 1).all()  # the zero-weight category only once the others are out
    sample = tinygrad_edu.multinomial(tinygrad_edu.tensor([0.0, 3.0, 0.0, 1.0]), 4).tolist()
    assert sorted(sample[:2]) == [1, 3] and sorted(sample[2:]) == [0, 2]


def test_multinomial_is_reproducible_with_a_seeded_generator():
    p = tinygrad_edu.tensor([[0.1, 0.2, 0.7]] * 3)

    def draw(seed, replacement):
        g = tinygrad_edu.Generator().manual_seed(seed)
        return tinygrad_edu.multinomial(p, 3, replacement, generator=g).numpy()
    for replacement in (True, False):
        np.testing.assert_array_equal(draw(2147483647, replacement), draw(2147483647, replacement))
    assert any(not np.array_equal(draw(1, True), draw(s, True)) for s in (2, 3, 4))


# -- default dtype and device ------------------------------------------------------------------
@pytest.fixture
def float64_default():
    tinygrad_edu.set_default_dtype(tinygrad_edu.float64)
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        tinygrad_edu.set_default_dtype(tinygrad_edu.float32)
        torch.set_default_dtype(torch.float32)


DEFAULT_DTYPE_CALLS = [
    lambda t: t.tensor([1.0]), lambda t: t.tensor(0.1), lambda t: t.tensor([[1, 2.5]]),
    lambda t: t.tensor([1, 2]), lambda t: t.tensor([True]), lambda t: t.zeros(2),
    lambda t: t.ones(2, 3), lambda t: t.rand(2), lambda t: t.randn(2), lambda t: t.empty(2),
    lambda t: t.eye(2), lambda t: t.arange(0.0, 3.0), lambda t: t.arange(0, 3, 0.5),
    lambda t: t.arange(5), lambda t: t.linspace(0, 1, 5), lambda t: t.full((2,), 1.5),
    lambda t: t.full((2,), 7), lambda t: t.normal(0, 1, (2,)),
    lambda t: t.zeros(2, dtype=t.float32),
    lambda t: t.tensor([1, 2]) * 1.5, lambda t: t.tensor([True, False]) + 0.5,
    lambda t: t.tensor([1.0], dtype=t.float32) * 1.5, lambda t: t.tensor(np.ones(2, np.float32)),
    lambda t: t.tensor([t.tensor(1.0, dtype=t.float32)]), lambda t: t.FloatTensor([1.0]),
    lambda t: t.as_tensor([0.1, 2]), lambda t: t.as_tensor(np.ones(2, np.float32)),
    lambda t: t.zeros_like(t.tensor([1], dtype=t.float32)),
]


@pytest.mark.parametrize("call", range(len(DEFAULT_DTYPE_CALLS)))
def test_float64_default_dtype_matches_torch(float64_default, call):
    ours, theirs = DEFAULT_DTYPE_CALLS[call](tinygrad_edu), DEFAULT_DTYPE_CALLS[call](torch)
    assert str(ours.dtype) == str(theirs.dtype)
    if call not in (7, 8, 9, 17):  # random or uninitialised
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_default_dtype_is_float32_again_after_the_fixture():
    assert tinygrad_edu.get_default_dtype() == tinygrad_edu.float32
    assert tinygrad_edu.tensor([0.1]).dtype == tinygrad_edu.float32
    assert (tinygrad_edu.tensor([1, 2]) * 1.5).dtype == tinygrad_edu.float32


def test_get_default_dtype_and_refusals_match_torch(float64_default):
    assert str(tinygrad_edu.get_default_dtype()) == str(torch.get_default_dtype())
    for bad in ("int64", "float", "float64"):
        _same_error(lambda t: t.set_default_dtype(getattr(t, bad) if bad == "int64" else bad))
    _same_error(lambda t: t.set_default_dtype(float))


def test_default_device_is_the_cpu():
    tinygrad_edu.set_default_device("cpu")
    tinygrad_edu.set_default_device(None)
    tinygrad_edu.set_default_device(tinygrad_edu.device("cpu"))
    assert tinygrad_edu.get_default_device() == tinygrad_edu.device("cpu")
    assert str(tinygrad_edu.get_default_device()) == str(torch.get_default_device())
    with pytest.raises(RuntimeError, match="CPU only") as error:
        tinygrad_edu.set_default_device("cuda")
    with pytest.raises(RuntimeError) as cuda_error:
        tinygrad_edu.zeros(1, device="cuda")
    assert str(error.value) == str(cuda_error.value)


# -- arange ------------------------------------------------------------------------------------
ARANGE_SETS = [(-8, 8, 0.1), (0, 1, 0.1), (0.3, 17.9, 0.7), (-3.3, 100, 0.013), (1, 1000, 1.1),
               (0, 300, 0.01), (1e6, 1e6 + 5, 0.001), (5, -3, -0.37), (0.1, 0.7, 0.1),
               (0, 10, 1 / 3), (2, 7.5, 1), (-1e-3, 1e-3, 1e-5), (0, 1, 0.3)]


@pytest.mark.parametrize("start, end, step", ARANGE_SETS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_arange_equals_torch_bit_for_bit(start, end, step, dtype):
    capability = torch.backends.cpu.get_cpu_capability()
    if capability not in ("AVX2", "AVX512"):
        pytest.skip(f"torch's {capability} kernel rounds without a fused multiply-add")
    ours = tinygrad_edu.arange(start, end, step, dtype=getattr(tinygrad_edu, dtype)).numpy()
    theirs = torch.arange(start, end, step, dtype=getattr(torch, dtype)).numpy()
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours.view(np.uint8), theirs.view(np.uint8))


@pytest.mark.parametrize("args, kwargs", [
    ((5,), {}), ((0, 5.5), {}), ((-8, 8, 0.1), {}), ((0, 1, 1 / 3), {}), ((10, 0, -3), {}),
    ((0.5, 5, 1.5), {"dtype": "int32"}), ((0, 5.5), {"dtype": "int64"}),
    ((300,), {"dtype": "uint8"}), ((0, 1, 0.25), {"dtype": "float64"}), ((1, 0, 0.3), {}),
    ((0, 5, 0.5), {"dtype": "int64"}), ((0, 5, 0.5), {"dtype": "int32"}),
    ((0, 1, float("inf")), {})])
def test_arange_length_dtype_and_errors_match_torch(args, kwargs):
    def call(t):
        return t.arange(*args, **{k: getattr(t, v) for k, v in kwargs.items()})
    try:
        theirs = call(torch)
    except Exception:
        return _same_error(call)
    ours = call(tinygrad_edu)
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


# -- RandomSampler -----------------------------------------------------------------------------
def test_random_sampler_with_replacement_draws_lazily():
    sampler = RandomSampler(range(10), replacement=True, num_samples=int(1e10))
    assert len(sampler) == int(1e10)
    tracemalloc.start()
    begin = time.perf_counter()
    positions = iter(sampler)
    first = [next(positions) for _ in range(100)]
    elapsed = time.perf_counter() - begin
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 1_000_000
    assert all(type(i) is int and 0 <= i < 10 for i in first)


def test_a_dataloader_over_a_huge_sampler_starts_at_once():
    data = TensorDataset(tinygrad_edu.arange(10.0))
    sampler = RandomSampler(data, replacement=True, num_samples=int(1e10))
    loader = DataLoader(data, batch_size=7, sampler=sampler)
    assert len(loader) == -(-int(1e10) // 7)
    batches = iter(loader)
    for _ in range(10):  # batches of 7 cut across the draws of 32
        (batch,) = next(batches)
        assert batch.shape == (7,)


def test_random_sampler_without_replacement_wraps_around_as_torch_does():
    g = tinygrad_edu.Generator().manual_seed(0)
    order = list(RandomSampler(range(5), num_samples=13, generator=g))
    assert len(order) == 13
    for start in (0, 5):  # each full round is a permutation, then a partial one
        assert sorted(order[start:start + 5]) == list(range(5))
    assert len(set(order[10:])) == 3
    theirs = torch.utils.data.RandomSampler(range(5), num_samples=13)
    assert len(theirs) == len(order)
    batches = list(BatchSampler(RandomSampler(range(5), num_samples=13, generator=g), 4, False))
    assert [len(b) for b in batches] == [4, 4, 4, 1]


def test_random_sampler_is_reproducible_and_each_epoch_differs():
    def epochs(seed):
        sampler = RandomSampler(range(50), replacement=True, num_samples=70,
                                generator=tinygrad_edu.Generator().manual_seed(seed))
        return list(sampler), list(sampler)
    first, again = epochs(5), epochs(5)
    assert first == again and first[0] != first[1]
    sampler = RandomSampler(range(50), replacement=True, num_samples=70,
                            generator=tinygrad_edu.Generator().manual_seed(5))
    loader = DataLoader(TensorDataset(tinygrad_edu.arange(50)), batch_size=9, sampler=sampler)
    assert [int(i) for (batch,) in loader for i in batch] == first[0]  # the same draws
