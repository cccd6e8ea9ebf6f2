"""Property tests: hypothesis draws broadcastable shapes, dims and data; every draw must agree
with torch, forward and backward (the profile in conftest.py keeps the example count small)."""
import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from parity import check_parity, torch  # noqa: E402,F401

BINARY = {
    "add": lambda torch, a, b: a + b,
    "sub": lambda torch, a, b: a - b,
    "mul": lambda torch, a, b: a * b,
    "div": lambda torch, a, b: a / (b.abs() + 0.5),
    "pow": lambda torch, a, b: a.abs() ** b,
    "maximum": lambda torch, a, b: torch.maximum(a, b),
    "where": lambda torch, a, b: torch.where(a > b, a, b * 2),
    "chain": lambda torch, a, b: (a * b + a).sigmoid() - b.tanh(),
}

broadcastable_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                        min_side=1, max_side=4)


@pytest.mark.parametrize("op", sorted(BINARY))
@given(shapes=broadcastable_pairs, seed=st.integers(0, 2 ** 16))
def test_binary_ops_on_broadcastable_shapes(op, shapes, seed):
    check_parity(BINARY[op], list(shapes.input_shapes), seed=seed, rtol=1e-4, atol=1e-5)


@st.composite
def shape_and_dim(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    ndim = len(shape)
    as_tuple = draw(st.booleans())
    if as_tuple:
        dims = draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim,
                             unique_by=lambda d: d % ndim))
        return shape, tuple(dims)
    return shape, draw(st.integers(-ndim, ndim - 1))


@pytest.mark.parametrize("op", ["sum", "mean"])
@given(case=shape_and_dim(), keepdim=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_sum_mean_over_any_dims(op, case, keepdim, seed):
    shape, dim = case
    check_parity(lambda torch, a: getattr(a, op)(dim, keepdim=keepdim), [shape], seed=seed,
                 rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", ["max", "min"])
@given(case=shape_and_dim(), keepdim=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_max_min_along_any_dim(op, case, keepdim, seed):
    shape, dim = case
    dim = dim[0] if isinstance(dim, tuple) else dim
    check_parity(lambda torch, a: getattr(a, op)(dim, keepdim=keepdim), [shape], seed=seed)


@given(case=shape_and_dim(), seed=st.integers(0, 2 ** 16))
def test_softmax_family_along_any_dim(case, seed):
    shape, dim = case
    dim = dim[0] if isinstance(dim, tuple) else dim
    check_parity(lambda torch, a: [a.softmax(dim), a.log_softmax(dim)], [shape], seed=seed,
                 rtol=1e-4, atol=1e-5)


@given(shapes=hnp.mutually_broadcastable_shapes(signature="(m,n),(n,p)->(m,p)",
                                                max_dims=2, max_side=4),
       seed=st.integers(0, 2 ** 16))
def test_matmul_with_broadcast_batches(shapes, seed):
    check_parity(lambda torch, a, b: a @ b, list(shapes.input_shapes), seed=seed, rtol=1e-4,
                 atol=1e-5, check_grad_fn=False)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4),
       seed=st.integers(0, 2 ** 16), data=st.data())
def test_permute_then_reshape(shape, seed, data):
    order = data.draw(st.permutations(range(len(shape))))
    check_parity(lambda torch, a: a.permute(*order).reshape(-1), [shape], seed=seed)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
       data=st.data())
def test_basic_indexing_with_slices(shape, data):
    key = tuple(data.draw(st.one_of(
        st.integers(-n, n - 1),
        st.builds(slice, st.none() | st.integers(-n, n), st.none() | st.integers(-n, n),
                  st.none() | st.integers(1, 3)))) for n in shape)
    check_parity(lambda torch, a: a[key], [shape])
