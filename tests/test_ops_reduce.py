"""Parity with torch: sum, mean, max, min, argmax, argmin, var, std over every kind of dim
(sweeps of dims and keepdim; the case table, cases.py, holds one case of each operation)."""
import numpy as np
import pytest

from parity import check_parity, torch  # noqa: F401

DIMS = [None, 0, 1, 2, -1, -2, -3, (0, 2), (-1, 0), (0, 1, 2)]


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS, ids=str)
@pytest.mark.parametrize("op", ["sum", "mean"])
def test_sum_and_mean(op, dim, keepdim):
    if dim is None:
        fn = lambda torch, a: getattr(a, op)()  # noqa: E731
        if keepdim:
            pytest.skip("keepdim needs a dim")
    else:
        fn = lambda torch, a: getattr(torch, op)(a, dim, keepdim=keepdim)  # noqa: E731
    check_parity(fn, [(2, 3, 4)])


@pytest.mark.parametrize("op", ["sum", "mean"])
def test_reduce_keyword_forms(op):
    check_parity(lambda torch, a: getattr(a, op)(dim=1, keepdim=True), [(3, 4)])
    check_parity(lambda torch, a: getattr(a, op)(dim=-1), [(3, 4)])
    check_parity(lambda torch, a: getattr(a, op)(0), [(3, 4)])


@pytest.mark.parametrize("shape", [(), (1,), (5,), (1, 1)], ids=str)
def test_reductions_of_tiny_shapes(shape):
    check_parity(lambda torch, a: [a.sum(), a.mean(), a.max(), a.min()], [shape])


def test_reduce_a_0d_tensor_along_dim_0():
    check_parity(lambda torch, a: [a.sum(0), a.mean(-1), a.sum(0, keepdim=True)], [()])
    check_parity(lambda torch, a: a.max(0), [()])


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_along_dim_return_values_and_indices(op, dim, keepdim):
    ours, theirs = check_parity(lambda torch, a: getattr(torch, op)(a, dim, keepdim=keepdim),
                                [(2, 3, 4)])
    values, indices = ours
    assert ours.values is values and ours.indices is indices
    assert str(indices.dtype) == "torch.int64"


def test_max_dim_result_has_torch_names_and_repr_fields():
    ours, theirs = check_parity(lambda torch, a: a.max(dim=1), [(2, 3)])
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    assert "values=" in repr(ours) and "indices=" in repr(ours)
    assert repr(ours).startswith("torch.return_types.max(")


def test_max_dim_as_the_course_uses_it_for_predictions():
    check_parity(lambda torch, a: torch.max(a.data, 1)[1], [(5, 10)])
    check_parity(lambda torch, a: torch.max(a, dim=1).values.sum(), [(5, 10)])


def test_max_of_all_elements_shares_the_gradient_among_ties():
    x = np.array([[1.0, 3.0], [3.0, 2.0]], np.float32)
    check_parity(lambda torch, a: a.max(), [x])
    check_parity(lambda torch, a: a.min(), [-x])


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_argmax_argmin(op, dim, keepdim):
    if dim is None and keepdim:
        check_parity(lambda torch, a: getattr(a, op)(keepdim=True), [(3, 4)])
    else:
        check_parity(lambda torch, a: getattr(torch, op)(a, dim=dim, keepdim=keepdim), [(3, 4)])


def test_argmax_of_ties_picks_the_first():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], np.float32)
    check_parity(lambda torch, a: [a.argmax(1), a.argmin(0), a.argmax()], [x])


@pytest.mark.parametrize("unbiased", [True, False])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std(op, dim, unbiased):
    if dim is None:
        fn = lambda torch, a: getattr(a, op)(unbiased=unbiased)  # noqa: E731
    else:
        fn = lambda torch, a: getattr(a, op)(dim, unbiased=unbiased, keepdim=True)  # noqa: E731
    check_parity(fn, [(3, 4)], check_grad_fn=False)  # ours is a small graph, torch one node


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_])
def test_integer_reductions(dtype):
    x = np.array([[1, 0, 3], [4, 5, 0]]).astype(dtype)
    check_parity(lambda torch, a: [a.sum(), a.sum(1), a.max(), a.min(0)], [x])
    if dtype is not np.bool_:  # torch has no argmax for bool
        check_parity(lambda torch, a: [a.argmax(1), a.argmin()], [x])


def test_reduce_a_non_contiguous_view():
    check_parity(lambda torch, a: [a.t().sum(0), a.t().mean(1), a[:, ::2].max(1)], [(4, 6)])
