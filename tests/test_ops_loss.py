"""Parity with torch for the losses beyond the case table (cases.py, run by
test_cases_parity.py, lists every loss with every reduction, class weights, ignore_index,
label smoothing, probability targets and (N, C, d...) inputs): the edges, where a log is
clamped, logits are huge or shapes do not match."""
import numpy as np
import pytest

from parity import check_parity, torch  # noqa: F401

import tinygrad_edu

REDUCTIONS = ["mean", "sum", "none"]


def test_mse_like_the_course():
    x = np.array([[1.0], [2.0], [3.0]], np.float32)
    y = np.array([[2.0], [4.0], [6.0]], np.float32)
    check_parity(lambda torch, w, x, y: torch.nn.functional.mse_loss(x * w, y, reduction="sum"),
                 [np.ones(1, np.float32), x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_of_mismatched_shapes_broadcasts_and_warns_like_torch(reduction):
    with pytest.warns(UserWarning, match="target size"):
        check_parity(lambda torch, x, y: torch.nn.functional.mse_loss(x, y, reduction=reduction),
                     [(4, 1), (4,)])


def test_unknown_reduction_is_refused():
    x = tinygrad_edu.ones(3)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        tinygrad_edu.nn.functional.mse_loss(x, x, reduction="avg")


def test_bce_clamps_its_log_at_minus_100_like_torch():
    p = np.array([0.0, 1.0, 1e-45, 1.0 - 1e-7, 0.5], np.float32)
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0], np.float32)
    for reduction in REDUCTIONS:
        check_parity(lambda torch, p, y: torch.nn.functional.binary_cross_entropy(
            p, y, reduction=reduction), [p, y], grad=False)
    # the gradient at p = 0 or 1 is huge in both; compare it where it is finite
    q = np.array([1e-3, 0.999, 0.5], np.float32)
    check_parity(lambda torch, p, y: torch.nn.functional.binary_cross_entropy(p, y),
                 [q, y[:3]], rtol=1e-4)


def test_bce_with_logits_is_stable_for_huge_logits():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], np.float32)
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0], np.float32)
    for reduction in REDUCTIONS:
        check_parity(lambda torch, z, y: torch.nn.functional.binary_cross_entropy_with_logits(
            z, y, reduction=reduction), [z, y])


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]], np.float32)
    check_parity(lambda torch, x, t: torch.nn.functional.cross_entropy(x, t),
                 [x, np.array([1, 2])])
