"""Parity with torch beyond the case table (cases.py, run by test_cases_parity.py, lists the
reshapes, transposes, expands and the indexing with gradients): indexing int tensors, cat and
stack along every dim, in-place updates where torch allows them, views sharing memory."""
import numpy as np
import pytest

from parity import check_parity, to_numpy, torch  # noqa: F401

import tinygrad_edu


def test_indexing_int_tensors_without_gradients():
    x = np.arange(12).reshape(3, 4)
    check_parity(lambda torch, a: [a[1], a[:, ::2], a[a > 5], a[[0, 0]]], [x])


# -- cat and stack ---------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, -1, 2, -3])
def test_cat(dim):
    shapes = {0: [(1, 3, 4), (2, 3, 4)], -3: [(1, 3, 4), (2, 3, 4)],
              1: [(2, 1, 4), (2, 3, 4)], -1: [(2, 3, 1), (2, 3, 4)], 2: [(2, 3, 2), (2, 3, 4)]}
    check_parity(lambda torch, a, b: torch.cat([a, b, a], dim=dim), shapes[dim])
    check_parity(lambda torch, a, b: torch.cat((a, b), dim), shapes[dim])


@pytest.mark.parametrize("dim", [0, 1, 2, 3, -1, -4])
def test_stack(dim):
    check_parity(lambda torch, a, b: torch.stack([a, b, a], dim=dim), [(2, 3, 4), (2, 3, 4)])


def test_cat_of_mixed_dtypes_promotes():
    check_parity(lambda torch, a, b: torch.cat([a, b]), [(2,), np.array([1, 2])])
    check_parity(lambda torch, a, b: torch.cat([a, b]), [(2,), np.array([1.0], np.float64)])


# -- __setitem__ and in-place updates, where torch allows them --------------------------------

def _both(fn, x):
    """Run an in-place update on both engines from the same numbers; compare the results."""
    ours = fn(tinygrad_edu, tinygrad_edu.tensor(x.copy()))
    theirs = fn(torch, torch.tensor(x.copy()))
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-6)
    return ours, theirs


X = np.array([[0.2, 0.7, 0.5], [0.9, 0.1, 0.4]], np.float32)


@pytest.mark.parametrize("name, update", [
    ("threshold with a mask", lambda torch, p: _set(p, p >= 0.5, 1)),
    ("mask to zero", lambda torch, p: _set(p, p < 0.5, 0)),
    ("column", lambda torch, p: _set(p, (slice(None), 1), 1)),
    ("column list", lambda torch, p: _set(p, (slice(None), [0, 2]), -1)),
    ("int tensor index", lambda torch, p: _set(p, (slice(None), torch.tensor([2, 0])), 5)),
    ("row from a tensor", lambda torch, p: _set(p, 0, torch.tensor([1.0, 2.0, 3.0]))),
    ("broadcast row", lambda torch, p: _set(p, slice(None), torch.tensor([1.0, 2.0, 3.0]))),
    ("element", lambda torch, p: _set(p, (1, 2), 7.5)),
    ("element from 0-d tensor", lambda torch, p: _set(p, (1, 2), torch.tensor(7.5))),
    ("slice with step", lambda torch, p: _set(p, (slice(None), slice(None, None, 2)), 0)),
    ("ellipsis", lambda torch, p: _set(p, Ellipsis, 3)),
    ("int list rows", lambda torch, p: _set(p, [1, 0], torch.tensor([[1.0, 1, 1], [2, 2, 2]]))),
    ("0-d bool tensor index", lambda torch, p: _set(p, torch.tensor(True), 0.0)),
    ("iadd", lambda torch, p: _iadd(p, 1)),
    ("isub tensor", lambda torch, p: _isub(p, p * 0.5)),
    ("imul", lambda torch, p: _imul(p, 3)),
    ("idiv", lambda torch, p: _idiv(p, 4)),
    ("add_", lambda torch, p: p.add_(torch.ones(3), alpha=2)),
    ("sub_", lambda torch, p: p.sub_(0.5)),
    ("mul_", lambda torch, p: p.mul_(p)),
    ("div_", lambda torch, p: p.div_(2)),
    ("zero_", lambda torch, p: p.zero_()),
    ("fill_", lambda torch, p: p.fill_(0.25)),
    ("copy_", lambda torch, p: p.copy_(torch.ones(2, 3))),
    ("clamp_", lambda torch, p: p.clamp_(0.3, 0.6)),
    ("in-place through a view", lambda torch, p: _via_view(p)),
], ids=lambda x: x if isinstance(x, str) else "")
def test_setitem_and_in_place_updates(name, update):
    _both(update, X)


def _set(p, key, value):
    p[key] = value
    return p


def _iadd(p, v):
    p += v
    return p


def _isub(p, v):
    p -= v
    return p


def _imul(p, v):
    p *= v
    return p


def _idiv(p, v):
    p /= v
    return p


def _via_view(p):
    row = p[0]
    row[1] = 100.0
    col = p[:, 2]
    col += 1
    return p


def test_in_place_keeps_the_same_tensor_object():
    for engine in (tinygrad_edu, torch):
        p = engine.tensor(X.copy())
        before = p
        p += 1
        p *= 2
        p[p > 2] = 0
        assert p is before


def test_in_place_update_of_int_tensor():
    ours, theirs = _both(lambda torch, p: _set(_iadd(p, 2), p > 3, 0), np.arange(6))
    assert str(ours.dtype) == str(theirs.dtype) == "torch.int64"


def test_setitem_casts_the_value_to_the_tensor_dtype():
    for engine in (tinygrad_edu, torch):
        y = engine.zeros(3, dtype=engine.long)
        y[1] = 2.7
        assert y.tolist() == [0, 2, 0]


def test_weight_update_under_no_grad_like_the_course():
    def sgd_step(torch, x):
        w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
        loss = ((x @ w) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            w[w < 0] = 0.0
        w.grad.zero_()
        return w, w.grad, w.requires_grad, w.is_leaf
    ours = sgd_step(tinygrad_edu, tinygrad_edu.tensor(X))
    theirs = sgd_step(torch, torch.tensor(X))
    np.testing.assert_allclose(to_numpy(ours[0]), to_numpy(theirs[0]), rtol=1e-6)
    np.testing.assert_array_equal(to_numpy(ours[1]), to_numpy(theirs[1]))
    assert ours[2:] == theirs[2:] == (True, True)


def test_weight_update_through_data_like_the_course():
    def step(torch):
        w = torch.tensor([1.0], requires_grad=True)
        for x, y in [(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)]:
            loss = (x * w - y) ** 2
            loss.backward()
            w.data = w.data - 0.01 * w.grad.data
            w.grad.data.zero_()
        return w
    ours, theirs = step(tinygrad_edu), step(torch)
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-6)
    assert ours.requires_grad and ours.is_leaf and ours.grad.tolist() == [0.0]


def test_data_in_place_update_leaves_the_graph_alone():
    for engine in (tinygrad_edu, torch):
        w = engine.tensor([1.0, 2.0], requires_grad=True)
        w.data -= 0.5
        w.data.mul_(2)
        assert w.tolist() == [1.0, 3.0] and w.requires_grad and w.grad_fn is None


def test_views_share_memory_with_their_base():
    for engine in (tinygrad_edu, torch):
        x = engine.zeros(2, 3)
        with engine.no_grad():
            x.view(-1)[4] = 1.0
            x[1][0] = 2.0
            x.t()[2, 0] = 3.0
        assert x.tolist() == [[0.0, 0.0, 3.0], [2.0, 1.0, 0.0]]


def test_non_contiguous_views_report_it():
    for engine in (tinygrad_edu, torch):
        x = engine.zeros(3, 4)
        assert x.is_contiguous() and not x.t().is_contiguous()
        assert not x[:, ::2].is_contiguous() and x.t().contiguous().is_contiguous()
