"""Parity with torch: reshaping, transposing, expanding, indexing (with gradients), in-place
updates where torch allows them, cat and stack."""
import numpy as np
import pytest

from parity import check_parity, to_numpy, torch  # noqa: F401

import tinygrad_edu


@pytest.mark.parametrize("name, fn", [
    ("reshape", lambda torch, a: a.reshape(4, 6)),
    ("reshape tuple", lambda torch, a: a.reshape((3, -1))),
    ("torch.reshape", lambda torch, a: torch.reshape(a, (-1,))),
    ("view", lambda torch, a: a.view(2, 12)),
    ("view -1", lambda torch, a: a.view(-1, 4)),
    ("view tuple", lambda torch, a: a.view((24,))),
    ("view_as", lambda torch, a: a.view_as(torch.zeros(4, 6))),
    ("reshape_as", lambda torch, a: a.reshape_as(torch.zeros(6, 2, 2))),
    ("flatten", lambda torch, a: a.flatten()),
    ("flatten 1", lambda torch, a: a.flatten(1)),
    ("flatten 0 1", lambda torch, a: a.flatten(0, 1)),
    ("flatten -2", lambda torch, a: torch.flatten(a, start_dim=-2)),
    ("unsqueeze 0", lambda torch, a: a.unsqueeze(0)),
    ("unsqueeze -1", lambda torch, a: a.unsqueeze(-1)),
    ("unsqueeze 2", lambda torch, a: torch.unsqueeze(a, 2)),
    ("squeeze", lambda torch, a: a.unsqueeze(1).squeeze()),
    ("squeeze dim", lambda torch, a: a.unsqueeze(1).squeeze(1)),
    ("squeeze non-1 dim", lambda torch, a: a.squeeze(0)),
    ("squeeze -1", lambda torch, a: torch.squeeze(a.unsqueeze(-1), -1)),
    ("transpose", lambda torch, a: a.transpose(0, 2)),
    ("transpose neg", lambda torch, a: torch.transpose(a, -1, -2)),
    ("permute", lambda torch, a: a.permute(2, 0, 1)),
    ("permute tuple", lambda torch, a: a.permute((1, 2, 0))),
    ("torch.permute", lambda torch, a: torch.permute(a, (2, 1, 0))),
    ("permute neg", lambda torch, a: a.permute(-1, 0, 1)),
    ("t", lambda torch, a: a[0].t()),
    ("torch.t", lambda torch, a: torch.t(a[0])),
    ("T", lambda torch, a: a[0].T),
    ("t of a vector", lambda torch, a: a[0, 0].t()),
    ("expand", lambda torch, a: a[:, :1].expand(2, 3, 4)),
    ("expand -1", lambda torch, a: a[:, :, :1].expand(-1, -1, 5)),
    ("expand new dims", lambda torch, a: a[0, 0].expand(2, 3, 4)),
    ("expand_as", lambda torch, a: a[0, :, :1].expand_as(a)),
    ("repeat", lambda torch, a: a.repeat(2, 1, 3)),
    ("repeat more dims", lambda torch, a: a[0].repeat(2, 1, 2)),
    ("contiguous", lambda torch, a: a.transpose(0, 1).contiguous().view(-1)),
    ("clone", lambda torch, a: a.clone()),
    ("chain", lambda torch, a: a.permute(1, 0, 2).reshape(3, 8).t().unsqueeze(0).sum(1)),
], ids=lambda x: x if isinstance(x, str) else "")
def test_shape_ops(name, fn):
    check_parity(fn, [(2, 3, 4)])


@pytest.mark.parametrize("name, key", [
    ("int", lambda a: a[1]),
    ("negative int", lambda a: a[-1]),
    ("two ints", lambda a: a[1, 2]),
    ("three ints", lambda a: a[0, -1, 2]),
    ("chained ints", lambda a: a[1][2]),
    ("slice", lambda a: a[1:]),
    ("slice stop", lambda a: a[:2]),
    ("full slice", lambda a: a[:]),
    ("slice with step", lambda a: a[::2]),
    ("slices with steps", lambda a: a[:, 1::2, ::3]),
    ("negative slice", lambda a: a[-2:, :-1]),
    ("empty slice", lambda a: a[2:1]),
    ("column", lambda a: a[:, 1]),
    ("int and slice", lambda a: a[1, :, 2]),
    ("None", lambda a: a[None]),
    ("None inside", lambda a: a[:, None]),
    ("None and int", lambda a: a[0, None]),
    ("ellipsis", lambda a: a[..., 1]),
    ("ellipsis slice", lambda a: a[..., 1:3]),
    ("ellipsis None", lambda a: a[..., None]),
    ("int ellipsis", lambda a: a[1, ...]),
    ("bool mask", lambda a: a[a > 0]),
    ("bool mask rows", lambda a: a[a[:, 0, 0] > -10]),
    ("bool mask of 2 dims", lambda a: a[a[..., 0] > 0]),
    ("int list", lambda a: a[[0, 2]]),
    ("repeated int list", lambda a: a[[1, 1, 0, 1]]),
    ("int list on dim 1", lambda a: a[:, [3, 0, 3]]),
    ("int list and int", lambda a: a[[0, 2], 1]),
    ("int and int list", lambda a: a[1, [0, 1, 1]]),
    ("two int lists", lambda a: a[[0, 1, 2], [3, 2, 3]]),
    ("int list, slice, int list", lambda a: a[[0, 2], :, [1, 1]]),
    ("negative int list", lambda a: a[[-1, 0]]),
    ("slice and int list", lambda a: a[1:, [0, 0]]),
], ids=lambda x: x if isinstance(x, str) else "")
def test_getitem_with_gradients(name, key):
    check_parity(lambda torch, a: key(a), [(3, 4, 5)])


def test_getitem_with_int_tensors_and_repeats():
    idx = np.array([2, 0, 2, 2])
    check_parity(lambda torch, a, i: a[i], [(3, 4), idx])
    check_parity(lambda torch, a, i: a[:, i], [(3, 4), idx % 4])
    check_parity(lambda torch, a, i: a[i, i], [(3, 4), idx])
    check_parity(lambda torch, a, i: a[i.view(2, 2)], [(3, 4), idx])
    check_parity(lambda torch, a, i: a[i[0]], [(3, 4), idx])  # a 0-d int tensor: select


def test_getitem_with_bool_tensor_mask_and_labels():
    labels = np.array([0, 1, 1, 0, 1])
    check_parity(lambda torch, a, y: a[y == 1], [(5, 2), labels])
    check_parity(lambda torch, a, y: a[torch.arange(5), y], [(5, 2), labels])


def test_getitem_results_feed_further_ops():
    check_parity(lambda torch, a: (a[0] * a[1]).sum() + a[:, 1:].exp().mean(), [(3, 4)])
    check_parity(lambda torch, a: a[1:3][1].sigmoid(), [(4, 4)])


def test_indexing_a_non_contiguous_view():
    check_parity(lambda torch, a: a.t()[1:, [0, 2]], [(3, 4)])
    check_parity(lambda torch, a: a.transpose(0, 1)[::2, 1], [(3, 4)])


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


def test_cat_of_tensors_where_one_needs_no_grad():
    fixed = np.ones((2, 2), np.float32)
    check_parity(lambda torch, a: torch.cat([a, torch.tensor(fixed)], 1), [(2, 3)])
    check_parity(lambda torch, a: torch.stack([torch.tensor(fixed), a]), [(2, 2)])


def test_cat_of_mixed_dtypes_promotes():
    check_parity(lambda torch, a, b: torch.cat([a, b]), [(2,), np.array([1, 2])])
    check_parity(lambda torch, a, b: torch.cat([a, b]), [(2,), np.array([1.0], np.float64)])


def test_cat_of_a_list_comprehension():
    check_parity(lambda torch, a: torch.cat([a[i:i + 1] * i for i in range(3)]), [(3, 2)])


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
