"""Parity with torch: the fused loss Functions (MSE, BCE, BCE with logits, cross-entropy, NLL)
with every reduction, weights, ignore_index and (N, C, d) inputs.

``torch.nn.functional`` of this package is written elsewhere, so the tinygrad_edu side calls
the loss Functions directly through the small adapters below; the torch side calls
``torch.nn.functional``."""
import numpy as np
import pytest

from parity import check_parity, fixed, torch  # noqa: F401

import tinygrad_edu
from tinygrad_edu.ops import loss as L


def _ours(engine):
    return engine is tinygrad_edu


def mse(engine, x, y, reduction="mean"):
    if _ours(engine):
        return L.MSELoss.apply(x, y, reduction=reduction)
    return engine.nn.functional.mse_loss(x, y, reduction=reduction)


def bce(engine, x, y, weight=None, reduction="mean"):
    if _ours(engine):
        return L.BCELoss.apply(x, y, weight=weight, reduction=reduction)
    return engine.nn.functional.binary_cross_entropy(x, y, weight=weight, reduction=reduction)


def bce_with_logits(engine, x, y, weight=None, pos_weight=None, reduction="mean"):
    if _ours(engine):
        return L.BCEWithLogitsLoss.apply(x, y, weight=weight, pos_weight=pos_weight,
                                         reduction=reduction)
    return engine.nn.functional.binary_cross_entropy_with_logits(
        x, y, weight=weight, pos_weight=pos_weight, reduction=reduction)


def cross_entropy(engine, x, target, weight=None, ignore_index=-100, reduction="mean"):
    if _ours(engine):
        if target.is_floating_point():
            return L.SoftCrossEntropyLoss.apply(x, target, reduction=reduction)
        return L.CrossEntropyLoss.apply(x, target, weight=weight, ignore_index=ignore_index,
                                        reduction=reduction)
    return engine.nn.functional.cross_entropy(x, target, weight=weight,
                                              ignore_index=ignore_index, reduction=reduction)


def nll_loss(engine, x, target, weight=None, ignore_index=-100, reduction="mean"):
    if _ours(engine):
        return L.NLLLoss.apply(x, target, weight=weight, ignore_index=ignore_index,
                               reduction=reduction)
    return engine.nn.functional.nll_loss(x, target, weight=weight, ignore_index=ignore_index,
                                         reduction=reduction)


REDUCTIONS = ["mean", "sum", "none"]
LABELS = np.array([2, 0, 1, 2, 2])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse(reduction, dtype):
    check_parity(lambda torch, x, y: mse(torch, x, y, reduction), [(4, 3), (4, 3)], dtype=dtype)


def test_mse_like_the_course():
    x = np.array([[1.0], [2.0], [3.0]], np.float32)
    y = np.array([[2.0], [4.0], [6.0]], np.float32)
    check_parity(lambda torch, w, x, y: mse(torch, x * w, y, "sum"), [np.ones(1, np.float32),
                                                                        x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_of_mismatched_shapes_broadcasts_and_warns_like_torch(reduction):
    with pytest.warns(UserWarning, match="target size"):
        check_parity(lambda torch, x, y: mse(torch, x, y, reduction), [(4, 1), (4,)])


def test_unknown_reduction_is_refused():
    x = tinygrad_edu.ones(3)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        L.MSELoss.apply(x, x, reduction="avg")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce(reduction, dtype):
    check_parity(lambda torch, p, y: bce(torch, p, y, reduction=reduction), [(4, 3), (4, 3)],
                 low=0.05, high=0.95, dtype=dtype)


def test_bce_with_hard_labels_and_a_sigmoid_in_front():
    y = np.array([[0.0], [0.0], [1.0]], np.float32)
    check_parity(lambda torch, z, y: bce(torch, torch.sigmoid(z), y), [(3, 1), y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_weight(reduction):
    w = np.array([0.5, 2.0, 1.0], np.float32)
    check_parity(lambda torch, p, y, w: bce(torch, p, y, w, reduction), [(4, 3), (4, 3), fixed(w)],
                 low=0.05, high=0.95)


def test_bce_clamps_its_log_at_minus_100_like_torch():
    p = np.array([0.0, 1.0, 1e-45, 1.0 - 1e-7, 0.5], np.float32)
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0], np.float32)
    for reduction in REDUCTIONS:
        check_parity(lambda torch, p, y: bce(torch, p, y, reduction=reduction), [p, y],
                     grad=False)
    # the gradient at p = 0 or 1 is huge in both; compare it where it is finite
    q = np.array([1e-3, 0.999, 0.5], np.float32)
    check_parity(lambda torch, p, y: bce(torch, p, y), [q, y[:3]], rtol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits(reduction, dtype):
    check_parity(lambda torch, z, y: bce_with_logits(torch, z, y, reduction=reduction),
                 [(4, 3), (4, 3)], dtype=dtype)


def test_bce_with_logits_is_stable_for_huge_logits():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], np.float32)
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0], np.float32)
    for reduction in REDUCTIONS:
        check_parity(lambda torch, z, y: bce_with_logits(torch, z, y, reduction=reduction), [z, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_weight_and_pos_weight(reduction):
    w = np.array([0.5, 2.0, 1.0], np.float32)
    pw = np.array([3.0, 0.5, 1.0], np.float32)
    check_parity(lambda torch, z, y, w, pw: bce_with_logits(torch, z, y, w, pw, reduction),
                 [(4, 3), (4, 3), fixed(w), fixed(pw)])
    check_parity(lambda torch, z, y, pw: bce_with_logits(torch, z, y, pos_weight=pw,
                                                         reduction=reduction),
                 [(4, 3), (4, 3), fixed(pw)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_indices(reduction, dtype):
    check_parity(lambda torch, x, t: cross_entropy(torch, x, t, reduction=reduction),
                 [(5, 3), LABELS], dtype=dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_weight(reduction):
    w = np.array([0.2, 1.0, 3.0], np.float32)
    check_parity(lambda torch, x, t, w: cross_entropy(torch, x, t, weight=w, reduction=reduction),
                 [(5, 3), LABELS, fixed(w)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_ignore_index(reduction):
    t = np.array([2, -100, 1, 2, -100])
    check_parity(lambda torch, x, t: cross_entropy(torch, x, t, reduction=reduction),
                 [(5, 3), t])
    t = np.array([2, 0, 1, 0, 0])
    check_parity(lambda torch, x, t: cross_entropy(torch, x, t, ignore_index=0,
                                                   reduction=reduction), [(5, 3), t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_weight_and_ignore_index(reduction):
    w = np.array([0.2, 1.0, 3.0], np.float32)
    t = np.array([2, 1, 1, 2, 0])
    check_parity(lambda torch, x, t, w: cross_entropy(torch, x, t, w, ignore_index=1,
                                                      reduction=reduction), [(5, 3), t, fixed(w)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 3, 4, 2)], ids=str)
def test_cross_entropy_of_n_c_d_inputs(shape, reduction):
    rng = np.random.default_rng(3)
    target = rng.integers(0, shape[1], (shape[0],) + shape[2:])
    target.flat[1] = -100
    check_parity(lambda torch, x, t: cross_entropy(torch, x, t, reduction=reduction),
                 [shape, target])
    w = np.array([1.0, 0.5, 2.0], np.float32)
    check_parity(lambda torch, x, t, w: cross_entropy(torch, x, t, w, reduction=reduction),
                 [shape, target, fixed(w)])


def test_cross_entropy_of_one_sample_without_batch_dim():
    check_parity(lambda torch, x, t: cross_entropy(torch, x, t), [(4,), np.array(2)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probability_targets(reduction):
    probs = np.random.default_rng(1).dirichlet(np.ones(3), 5).astype(np.float32)
    check_parity(lambda torch, x, p: cross_entropy(torch, x, p, reduction=reduction),
                 [(5, 3), probs])


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]], np.float32)
    check_parity(lambda torch, x, t: cross_entropy(torch, x, t), [x, np.array([1, 2])])


def test_cross_entropy_after_a_linear_layer_like_mnist():
    check_parity(lambda torch, x, w, b, t: cross_entropy(torch, x @ w.t() + b, t),
                 [(6, 8), (10, 8), (10,), np.array([3, 1, 4, 1, 5, 9])])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    check_parity(lambda torch, x, t: nll_loss(torch, torch.log_softmax(x, 1), t,
                                              reduction=reduction), [(5, 3), LABELS])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_with_weight_and_ignore_index(reduction):
    w = np.array([0.2, 1.0, 3.0], np.float32)
    t = np.array([2, 0, -100, 2, 1])
    check_parity(lambda torch, x, t, w: nll_loss(torch, x, t, w, reduction=reduction),
                 [(5, 3), t, fixed(w)])


def test_nll_loss_of_n_c_d_inputs():
    target = np.random.default_rng(5).integers(0, 3, (2, 4, 2))
    check_parity(lambda torch, x, t: nll_loss(torch, x, t), [(2, 3, 4, 2), target])


def test_losses_accept_int_targets_of_int32():
    t = LABELS.astype(np.int64)
    check_parity(lambda torch, x, t: cross_entropy(torch, x, t), [(5, 3), t])


def test_loss_grad_fn_names_match_torch():
    for fn, inputs, kwargs in [
        (mse, [(3,), (3,)], {}), (bce, [(3,), (3,)], dict(low=0.1, high=0.9)),
        (bce_with_logits, [(3,), (3,)], {}), (cross_entropy, [(2, 3), np.array([0, 2])], {}),
        (nll_loss, [(2, 3), np.array([0, 2])], {}),
    ]:
        check_parity(fn, inputs, **kwargs)
