"""nn loss modules (and their functional forms) against real torch: every reduction, the legacy
size_average/reduce arguments, class weights, ignore_index, label smoothing, probability
targets; values, gradients of input (and target where torch has one) and grad_fn names. The
functional losses on every kind of input are cases of the table (cases.py)."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import nn
from parity import check_parity, fixed

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
PROBS = rng.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
LABELS01 = rng.integers(0, 2, (4, 3)).astype(np.float32)
CLASSES = np.array([2, 0, 4, 1, 4, 3], dtype=np.int64)
CLASS_W = rng.uniform(0.5, 2.0, 5).astype(np.float32)
SOFT = rng.dirichlet(np.ones(5), 6).astype(np.float32)

REDUCTIONS = [dict(), dict(reduction="mean"), dict(reduction="sum"), dict(reduction="none")]
LEGACY = [dict(size_average=False), dict(size_average=True), dict(reduce=False),
          dict(size_average=False, reduce=True), dict(size_average=True, reduce=False)]


def quiet(make):
    """Build a loss module, silencing the legacy-argument warning (tested on its own)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


@pytest.mark.parametrize("kwargs", REDUCTIONS + LEGACY)
def test_mse_loss_matches_torch(kwargs):
    check_parity(lambda t, x, y: quiet(lambda: t.nn.MSELoss(**kwargs))(x, y), [(4, 3), (4, 3)])


def test_mse_loss_course_example_size_average_false_is_a_sum():
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        criterion = nn.MSELoss(size_average=False)
    y_pred = tinygrad_edu.tensor([[2.0], [4.0], [5.0]], requires_grad=True)
    loss = criterion(y_pred, tinygrad_edu.tensor([[2.0], [4.0], [6.0]]))
    assert loss.item() == 1.0 and loss.grad_fn.name() == "MseLossBackward0"


def test_mse_loss_integer_target_matches_torch():
    check_parity(lambda t, x, y: t.nn.MSELoss()(x, y),
                 [(3, 2), fixed(np.array([[1, 0], [2, 1], [0, 0]]))])


@pytest.mark.parametrize("kwargs", REDUCTIONS + LEGACY)
def test_bce_loss_matches_torch(kwargs):
    check_parity(lambda t, p, y: quiet(lambda: t.nn.BCELoss(**kwargs))(p, y),
                 [PROBS, fixed(LABELS01)])


@pytest.mark.parametrize("weight", [np.float32([0.5, 2.0, 1.0]), np.float32(3.0) * PROBS])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_weighted_bce_loss_matches_torch(weight, reduction):
    check_parity(lambda t, p, y, w: t.nn.BCELoss(weight=w, reduction=reduction)(p, y),
                 [PROBS, fixed(LABELS01), fixed(weight)])


@pytest.mark.parametrize("kwargs", REDUCTIONS + LEGACY[:2])
def test_bce_with_logits_matches_torch(kwargs):
    check_parity(lambda t, x, y: quiet(lambda: t.nn.BCEWithLogitsLoss(**kwargs))(x, y),
                 [(4, 3), fixed(LABELS01)])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_weight_and_pos_weight_match_torch(reduction):
    check_parity(lambda t, x, y, w, pw: t.nn.BCEWithLogitsLoss(weight=w, pos_weight=pw,
                                                               reduction=reduction)(x, y),
                 [(4, 3), fixed(LABELS01), fixed(np.float32([1.0, 0.5, 2.0])),
                  fixed(np.float32([3.0, 1.0, 0.2]))])


@pytest.mark.parametrize("kwargs", REDUCTIONS + LEGACY)
def test_cross_entropy_matches_torch(kwargs):
    check_parity(lambda t, x, y: quiet(lambda: t.nn.CrossEntropyLoss(**kwargs))(x, y),
                 [(6, 5), CLASSES])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("options", [
    dict(weight=True), dict(ignore_index=4), dict(weight=True, ignore_index=4),
    dict(label_smoothing=0.1), dict(label_smoothing=0.2, weight=True),
    dict(label_smoothing=0.3, ignore_index=4), dict(label_smoothing=0.1, ignore_index=0,
                                                    weight=True),
])
def test_cross_entropy_options_match_torch(options, reduction):
    options = dict(options)
    use_weight = options.pop("weight", False)

    def loss(t, x, y, w):
        return t.nn.CrossEntropyLoss(weight=w if use_weight else None, reduction=reduction,
                                     **options)(x, y)
    check_parity(loss, [(6, 5), CLASSES, fixed(CLASS_W)])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("options", [dict(), dict(weight=True), dict(label_smoothing=0.25),
                                     dict(label_smoothing=0.1, weight=True)])
def test_cross_entropy_with_probability_targets_matches_torch(options, reduction):
    options = dict(options)
    use_weight = options.pop("weight", False)

    def loss(t, x, y, w):
        return t.nn.functional.cross_entropy(x, y, weight=w if use_weight else None,
                                             reduction=reduction, **options)
    check_parity(loss, [(6, 5), fixed(SOFT), fixed(CLASS_W)])


def test_cross_entropy_course_example():
    """seed 001 §10: y = [0], scores [0.2, 0.1, -0.1] -> loss 0.9729 (numpy: 0.9729)."""
    loss = nn.CrossEntropyLoss()(tinygrad_edu.tensor([[0.2, 0.1, -0.1]]),
                                 tinygrad_edu.LongTensor([0]))
    assert loss.item() == pytest.approx(0.97291, abs=1e-4)


@pytest.mark.parametrize("kwargs", REDUCTIONS + LEGACY[:3] + [
    dict(weight=True), dict(ignore_index=2), dict(weight=True, reduction="sum")])
def test_nll_loss_matches_torch(kwargs):
    kwargs = dict(kwargs)
    use_weight = kwargs.pop("weight", False)

    def loss(t, x, y, w):
        logp = t.nn.functional.log_softmax(x, dim=1)
        return quiet(lambda: t.nn.NLLLoss(weight=w if use_weight else None, **kwargs))(logp, y)
    check_parity(loss, [(6, 5), CLASSES, fixed(CLASS_W)])


def test_log_softmax_plus_nll_equals_cross_entropy():
    x = tinygrad_edu.randn(6, 5)
    y = tinygrad_edu.from_numpy(CLASSES)
    a = nn.NLLLoss()(nn.LogSoftmax(dim=1)(x), y).item()
    assert a == pytest.approx(nn.CrossEntropyLoss()(x, y).item(), rel=1e-6)


@pytest.mark.parametrize("call,error,match", [
    (lambda: nn.BCELoss()(tinygrad_edu.rand(3), tinygrad_edu.tensor([1, 0, 1])),
     RuntimeError, "Found dtype Long but expected Float"),
    (lambda: nn.BCEWithLogitsLoss()(tinygrad_edu.rand(3), tinygrad_edu.tensor([1, 0, 1])),
     RuntimeError, "Found dtype Long but expected Float"),
    (lambda: nn.CrossEntropyLoss()(tinygrad_edu.rand(3, 5), tinygrad_edu.tensor([1., 2., 3.])),
     RuntimeError, "expected target dtype to be Long or Byte, but got Float"),
    (lambda: nn.BCELoss()(tinygrad_edu.tensor([1.5]), tinygrad_edu.tensor([1.0])),
     RuntimeError, "between 0 and 1"),
    (lambda: nn.MSELoss(reduction="avg"), ValueError, "avg is not a valid value for reduction"),
    (lambda: nn.CrossEntropyLoss()(tinygrad_edu.rand(2, 3), tinygrad_edu.tensor([0, 3])),
     IndexError, "out of bounds"),
])
def test_loss_errors_teach(call, error, match):
    with pytest.raises(error, match=match):
        call()
