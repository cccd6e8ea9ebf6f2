"""In-place changes of tensors inside a graph, with torch's rules (autograd/versions.py): each
pattern runs on both engines from the same numbers; values, grad_fn names and gradients agree,
and where torch refuses at backward we refuse with its message."""
import numpy as np
import pytest

from parity import check_parity, torch  # noqa: F401

import tinygrad_edu


def raised(fn, engine):
    try:
        fn(engine)
    except Exception as error:  # noqa: BLE001 - the test compares whatever each raises
        return error
    raise AssertionError(f"{engine.__name__} did not raise")


def same_version_error(fn):
    """Both raise RuntimeError; ours says what torch says up to 'instead.', then a hint."""
    ours, theirs = raised(fn, tinygrad_edu), raised(fn, torch)
    assert type(ours) is type(theirs) is RuntimeError
    head = str(theirs).split(" Hint:")[0]
    assert str(ours).startswith(head), f"\n ours:  {ours}\n torch: {theirs}"
    return str(ours)


# -- patterns that work ------------------------------------------------------------------------
def test_linear_layer_adds_its_bias_in_place():
    """makemore's Linear: out = x @ W; out += b (MM saved x and W, not out)."""
    def layer(torch, x, w, b):
        out = x @ w
        out += b
        return out.tanh()
    check_parity(layer, [(4, 3), (3, 5), (5,)])


def test_manual_backprop_exercise_indexed_update():
    """dlogits = softmax(logits); dlogits[range(n), Y] -= 1; dlogits /= n (no backward)."""
    labels = [0, 2, 1, 2]

    def exercise(torch, logits):
        d = torch.softmax(logits * 1.0, 1)
        d[range(4), labels] -= 1
        d /= 4
        return d.detach()
    check_parity(exercise, [(4, 3)], grad=False)


def test_assignment_into_a_slice_and_a_mask():
    def assign(torch, x, v):
        h = x * 2
        h[0] = v            # CopySlices
        h[h > 1.5] = 0.0    # IndexPutBackward0
        return h
    check_parity(assign, [(3, 4), (4,)])


def test_update_through_a_view_reaches_the_base():
    """h[0] += 1 and v = h[1]; v.mul_(x) change h itself: its gradient must follow."""
    def through_view(torch, x, y):
        h = x * 2
        h[0] += 1
        v = h[1]
        v.mul_(y)
        return h * h
    check_parity(through_view, [(3, 4), (4,)])


def test_in_place_ops_keep_the_earlier_value_for_backward():
    """y.mul_(x): MUL's gradient for x needs y as it was, not as it is."""
    def mul_in_place(torch, x, w):
        y = x * w
        y.mul_(x)
        y.clamp_(min=-1.0)
        y.sub_(w, alpha=0.5)
        return y
    check_parity(mul_in_place, [(3, 4), (3, 4)])


def test_a_tensor_without_grad_becomes_part_of_the_graph():
    def accumulate(torch, x):
        z = torch.zeros(3)
        z += x[:, 0]
        z.copy_(x[:, 1] * 2)
        return z
    check_parity(accumulate, [(3, 2)])


def test_zero_and_fill_cut_the_gradient():
    def refill(torch, x, w):
        y = x @ w
        t = y.tanh()        # TANH saved its output, not y
        y.zero_()
        y.fill_(2.0)
        return t, y
    check_parity(refill, [(3, 2), (2, 2)])


def test_versions_count_changes():
    for engine in (tinygrad_edu, torch):
        x = engine.ones(3)
        x += 1
        x[0] = 5
        x.mul_(2)
        assert x._version == 3
        w = engine.ones(2, requires_grad=True)
        with engine.no_grad():
            w -= 0.1
        assert w._version == 1


# -- patterns torch refuses at backward ----------------------------------------------------------
def test_changing_a_saved_output_fails_at_backward():
    def sigmoid_then_add(engine):
        x = engine.ones(3, 2, requires_grad=True)
        y = x.sigmoid()
        y.add_(1)
        y.sum().backward()
    message = same_version_error(sigmoid_then_add)
    assert "output 0 of Sigmoid, is at version 1; expected version 0" in message


def test_changing_a_saved_input_fails_at_backward():
    def exp_twice(engine):
        x = engine.ones(3, 2, requires_grad=True)
        y = x.exp()
        z = y * y           # MUL saved y
        y.mul_(2)
        z.sum().backward()
    same_version_error(exp_twice)


def test_changing_a_leaf_under_no_grad_before_backward():
    def step_too_early(engine):
        w = engine.ones(3, requires_grad=True)
        loss = (w * w).sum()
        with engine.no_grad():
            w.sub_(1)
        loss.backward()
    message = same_version_error(step_too_early)
    assert "[torch.FloatTensor [3]] is at version 1; expected version 0 instead." in message


def test_a_leaf_that_requires_grad_still_needs_no_grad():
    for engine in (tinygrad_edu, torch):
        w = engine.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            w += 1


def test_in_place_nodes_appear_in_the_graph():
    x = tinygrad_edu.ones(2, 2, requires_grad=True)
    out = x @ x
    out += 1
    names = [out.grad_fn.name()] + [fn.name() for fn, _ in out.grad_fn.next_functions if fn]
    assert names == ["AddBackward0", "MmBackward0"]
    assert repr(out).endswith("grad_fn=<AddBackward0>)")
    h = x * 2
    h[0] = 1.0
    assert repr(h).endswith("grad_fn=<CopySlices>)")


def test_counting_into_a_table_stays_fast_and_plain():
    """N[i, j] += 1 outside any graph writes the array directly (no node, no copy)."""
    counts = tinygrad_edu.zeros((3, 3), dtype=tinygrad_edu.int32)
    before = counts._data
    for i, j in [(0, 1), (0, 1), (2, 2)]:
        counts[i, j] += 1
    assert counts._data is before and counts.grad_fn is None
    assert np.array_equal(counts.numpy(), [[0, 2, 0], [0, 0, 0], [0, 0, 1]])
