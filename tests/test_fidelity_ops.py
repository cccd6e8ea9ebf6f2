"""Fidelity at the edges: each test runs the same code on tinygrad_edu and on real torch and
asks for the same values, dtypes, gradients (nan and inf included) or errors.

Regressions of: masked backward that multiplied by the mask (inf · 0 = nan where torch gives
0), every target ignored, activation dtypes, gradients of x**y / max / BCE at their edges,
loss argument errors, F.linear with 0 out_features, mixed-dtype matrix products."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import checks

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
FLOATS = pytest.mark.parametrize("dtype", ["float32", "float64"])


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def run(engine, fn, values, dtype):
    """fn(engine, *leaves) and each leaf's gradient after out.sum().backward()."""
    leaves = [engine.tensor(v, dtype=getattr(engine, dtype), requires_grad=True)
              for v in values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(engine, *leaves)
        out.sum().backward()
    return out, [x.grad for x in leaves]


def assert_same(ours, theirs, what):
    assert str(ours.dtype) == str(theirs.dtype), f"{what}: {ours.dtype} != torch's {theirs.dtype}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape"
    a, b = _np(ours), _np(theirs)
    rtol = 1e-5 if b.dtype == np.float32 else 1e-10
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol, equal_nan=True,
                               err_msg=f"{what} differs from torch")


def same(fn, *values, dtype="float32"):
    """Same output and same gradients (nan where torch has nan, 0 where it has 0)."""
    out, grads = run(tinygrad_edu, fn, values, dtype)
    t_out, t_grads = run(torch, fn, values, dtype)
    assert_same(out, t_out, "output")
    for k, (g, tg) in enumerate(zip(grads, t_grads)):
        if tg is None:
            assert g is None or not np.any(_np(g)), f"grad {k}: torch gives None"
        else:
            assert g is not None, f"grad {k}: torch gives {tg}"
            assert_same(g, tg, f"grad {k}")


def raised(fn, engine):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as info:
            fn(engine)
    return info.value


def same_error(fn):
    """The same exception type, and our message begins with torch's (a hint may follow)."""
    ours, theirs = raised(fn, tinygrad_edu), raised(fn, torch)
    assert type(ours) is type(theirs), f"we raise {ours!r}, torch raises {theirs!r}"
    assert str(ours).startswith(str(theirs)), f"\n ours:  {ours}\n torch: {theirs}"
    return str(ours)


def same_value(fn):
    """Both compute (no error): same value and dtype."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = fn(tinygrad_edu), fn(torch)
    assert_same(ours, theirs, "output")


def F(e):
    return e.nn.functional


def long(e, v):
    return e.tensor(v, dtype=e.int64)


# -- 1. masked backward selects g, never multiplies it by 0 ----------------------------------
MASKED = {
    "sqrt(clamp(min=0))": (lambda e, x: e.sqrt(e.clamp(x, min=0)), [[-1.0, 0.0, 1.0]]),
    "sqrt(-clamp(max=0))": (lambda e, x: e.sqrt(-e.clamp(x, max=0)), [[-1.0, 0.0, 1.0]]),
    "log(clamp(min, max))": (lambda e, x: e.log(e.clamp(x, min=0, max=2) - 2 * (x > 1)),
                             [[-1.0, 0.5, 3.0]]),
    "log(relu)": (lambda e, x: e.log(e.relu(x)), [[-1.0, 0.0, 1.0]]),
    "sqrt(F.relu)": (lambda e, x: e.sqrt(F(e).relu(x)), [[-1.0, 0.0, 2.0]]),
    "relu(nan)": (lambda e, x: e.relu(x), [[NAN, -1.0, 1.0]]),
    "clamp(nan)": (lambda e, x: e.clamp(x, min=0), [[NAN, -1.0, 1.0]]),
    "min() with nan": (lambda e, x: x.min(), [[1.0, NAN, 3.0]]),
    "max() with two nan": (lambda e, x: x.max(), [[1.0, NAN, NAN]]),
    "log(max() - 3)": (lambda e, x: e.log(x.max() - 3), [[1.0, 3.0, 2.0]]),
    "max(dim) with nan": (lambda e, x: x.max(0)[0], [[1.0, NAN, 3.0]]),
    "log(where)": (lambda e, x: e.log(e.where(x > 0, x, e.zeros(3))), [[-1.0, 0.0, 1.0]]),
    "sqrt(ce none), ignored row": (
        lambda e, x: e.sqrt(F(e).cross_entropy(x, long(e, [0, -100]), reduction="none")),
        [[[1.0, 2.0], [3.0, 4.0]]]),
    "sqrt(ce none), ignored image pixels": (
        lambda e, x: e.sqrt(F(e).cross_entropy(x, long(e, [[0, -100, 1]]), reduction="none")),
        [[[[1.0, 2.0, 0.5], [3.0, 4.0, 0.5]]]]),
    "sqrt(nll none), ignored row": (
        lambda e, x: e.sqrt(F(e).nll_loss(x, long(e, [1, -100]), reduction="none") + 2),
        [[[-1.0, -2.0], [-3.0, -4.0]]]),
    "sqrt(ce none, weight), ignored row": (
        lambda e, x: e.sqrt(F(e).cross_entropy(x, long(e, [0, -100]), reduction="none",
                                               weight=e.tensor([1.0, 2.0], dtype=x.dtype))),
        [[[1.0, 2.0], [3.0, 4.0]]]),
    "sqrt(ce none, label smoothing), ignored row": (
        lambda e, x: e.sqrt(F(e).cross_entropy(x, long(e, [0, -100]), reduction="none",
                                               label_smoothing=0.1)),
        [[[1.0, 2.0], [3.0, 4.0]]]),
    "ce, ignored row with a -inf score": (
        lambda e, x: F(e).cross_entropy(x, long(e, [1, -100]), reduction="none"),
        [[[1.0, 2.0], [-INF, 4.0]]]),
    "nll mean, ignored row with a -inf": (
        lambda e, x: F(e).nll_loss(x, long(e, [1, -100]), weight=e.ones(2, dtype=x.dtype)),
        [[[1.0, 2.0], [-INF, 4.0]]]),
}


@FLOATS
@pytest.mark.parametrize("name", list(MASKED))
def test_masked_backward_gives_torchs_zeros_not_nan(name, dtype):
    fn, values = MASKED[name]
    same(fn, *values, dtype=dtype)


@FLOATS
@pytest.mark.parametrize("op", ["maximum", "minimum", "max", "min"])
def test_maximum_and_minimum_with_nan_send_g_to_both_inputs_like_torch(op, dtype):
    same(lambda e, a, b: getattr(e, op)(a, b),
         [NAN, 1.0, NAN, 2.0, 3.0, -1.0], [1.0, NAN, NAN, 2.0, -1.0, 3.0], dtype=dtype)


# -- 2. every target ignored: forward nan (mean), gradient 0 ---------------------------------
IGNORED = {
    "ce mean": lambda e, x: F(e).cross_entropy(x, long(e, [-100, -100])),
    "ce sum": lambda e, x: F(e).cross_entropy(x, long(e, [-100, -100]), reduction="sum"),
    "ce none": lambda e, x: F(e).cross_entropy(x, long(e, [-100, -100]), reduction="none"),
    "nll mean": lambda e, x: F(e).nll_loss(x, long(e, [-100, -100])),
    "nll sum": lambda e, x: F(e).nll_loss(x, long(e, [-100, -100]), reduction="sum"),
    "ce mean, weight": lambda e, x: F(e).cross_entropy(
        x, long(e, [-100, -100]), weight=e.tensor([1.0, 2.0], dtype=x.dtype)),
    "nll mean, weight": lambda e, x: F(e).nll_loss(
        x, long(e, [-100, -100]), weight=e.tensor([1.0, 2.0], dtype=x.dtype)),
    "ce mean, ignore_index=1": lambda e, x: F(e).cross_entropy(x, long(e, [1, 1]),
                                                               ignore_index=1),
    "ce mean, label smoothing": lambda e, x: F(e).cross_entropy(
        x, long(e, [-100, -100]), label_smoothing=0.1),
    "CrossEntropyLoss": lambda e, x: e.nn.CrossEntropyLoss()(x, long(e, [-100, -100])),
    "NLLLoss": lambda e, x: e.nn.NLLLoss()(x, long(e, [-100, -100])),
    "ce, 1-D input": lambda e, x: F(e).cross_entropy(x[0], long(e, -100)),
    "ce, weights summing to 0": lambda e, x: F(e).cross_entropy(  # torch: nan gradient here
        x, long(e, [0, 0]), weight=e.tensor([0.0, 1.0], dtype=x.dtype)),
    "nll, weights summing to 0": lambda e, x: F(e).nll_loss(
        x, long(e, [0, 0]), weight=e.tensor([0.0, 1.0], dtype=x.dtype)),
}


@FLOATS
@pytest.mark.parametrize("name", list(IGNORED))
def test_every_target_ignored_matches_torch(name, dtype):
    same(IGNORED[name], [[1.0, 2.0], [3.0, 4.0]], dtype=dtype)


def test_every_target_ignored_gives_nan_loss_and_zero_gradient():
    x = tinygrad_edu.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no NumPy RuntimeWarning on the way
        loss = tinygrad_edu.nn.functional.cross_entropy(x, tinygrad_edu.tensor([-100, -100]))
        loss.backward()
    assert np.isnan(loss.item())
    assert np.array_equal(x.grad.numpy(), np.zeros((2, 2), np.float32))


# -- 3. activation dtypes --------------------------------------------------------------------
ACTIVATIONS = {
    "F.sigmoid": lambda e, x: F(e).sigmoid(x),
    "nn.Sigmoid": lambda e, x: e.nn.Sigmoid()(x),
    "F.tanh": lambda e, x: F(e).tanh(x),
    "nn.Tanh": lambda e, x: e.nn.Tanh()(x),
    "F.relu": lambda e, x: F(e).relu(x),
    "nn.ReLU": lambda e, x: e.nn.ReLU()(x),
}
INPUTS = {"int64": [1, -2, 0], "int32": [1, -2, 0], "uint8": [1, 2, 0],
          "bool": [True, False, True], "float16": [1.0, -2.0, 0.5], "float64": [1.0, -2.0, 0.5]}


@pytest.mark.parametrize("dtype", list(INPUTS))
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_dtypes_match_torch(name, dtype):
    def call(e):
        return ACTIVATIONS[name](e, e.tensor(INPUTS[dtype], dtype=getattr(e, dtype)))
    if "relu" in name.lower() and dtype == "bool":
        assert same_error(call).startswith("Boolean inputs not supported for relu")
    else:
        same_value(call)


SOFTMAX_ERRORS = {
    "F.softmax(int, 0)": lambda e: F(e).softmax(long(e, [1, 2]), 0),
    "F.softmax(bool, 0)": lambda e: F(e).softmax(e.tensor([True, False]), 0),
    "F.log_softmax(int, 0)": lambda e: F(e).log_softmax(long(e, [1, 2]), 0),
    "F.softmax(int matrix, 0)": lambda e: F(e).softmax(long(e, [[1, 2], [3, 4]]), 0),
    "F.log_softmax(int matrix, -1)": lambda e: F(e).log_softmax(long(e, [[1, 2], [3, 4]]), -1),
    "F.softmax(int32, 1)": lambda e: F(e).softmax(e.tensor([[1, 2]], dtype=e.int32), 1),
    "F.softmax(uint8 column, 0)": lambda e: F(e).softmax(e.tensor([[1], [2]], dtype=e.uint8), 0),
    "F.softmax(0-d int, 0)": lambda e: F(e).softmax(long(e, 3), 0),
    "nn.Softmax(0)(int)": lambda e: e.nn.Softmax(0)(long(e, [1, 2])),
    "nn.LogSoftmax(1)(bool)": lambda e: e.nn.LogSoftmax(1)(e.tensor([[True, False]])),
    "F.softmax(int), dim out of range": lambda e: F(e).softmax(long(e, [[1, 2]]), 2),
    "F.cross_entropy(int logits)": lambda e: F(e).cross_entropy(long(e, [[1, 2]]),
                                                                long(e, [0])),
    "F.cross_entropy(int image logits)": lambda e: F(e).cross_entropy(
        e.zeros(2, 3, 4, dtype=e.int64), e.zeros(2, 4, dtype=e.int64)),
}


@pytest.mark.parametrize("name", list(SOFTMAX_ERRORS))
def test_softmax_of_integers_raises_like_torch(name):
    same_error(SOFTMAX_ERRORS[name])


def test_softmax_of_integers_with_dtype_computes_like_torch():
    same_value(lambda e: F(e).softmax(long(e, [1, 2]), 0, dtype=e.float32))
    same_value(lambda e: F(e).log_softmax(long(e, [[1, 2], [3, 5]]), 1, dtype=e.float64))


# -- 4. gradients at the edges of x**y, max, BCE ---------------------------------------------
@FLOATS
def test_tensor_power_at_zero_base_and_zero_exponent(dtype):
    base = [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, -1.0, -1.0, 0.0]
    expo = [0.0, 1.0, 2.0, -1.0, 0.5, 0.0, 0.5, 2.0, -0.5]
    same(lambda e, a, b: a ** b, base, expo, dtype=dtype)
    same(lambda e, a, b: e.pow(a, b), base, expo, dtype=dtype)


@FLOATS
@pytest.mark.parametrize("c", [0.0, 2.0, 1.0, -2.0])
def test_number_to_a_tensor_power(c, dtype):
    same(lambda e, b: c ** b, [0.0, 1.0, 2.0, -1.0, 0.5, -0.5], dtype=dtype)


@FLOATS
@pytest.mark.parametrize("n", [0.0, 0, 1.0, 2, 0.5, -1.0])
def test_tensor_to_a_number_power(n, dtype):
    same(lambda e, a: a ** n, [0.0, 1.0, 2.0, 0.25], dtype=dtype)


@FLOATS
def test_power_zero_gives_zero_gradient_even_for_an_inf_upstream(dtype):
    same(lambda e, a: e.log(a ** 0 - 1), [0.0, 1.0, 2.0], dtype=dtype)


@FLOATS
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_gradients_at_probability_0_and_1(reduction, dtype):
    p = [0.0, 1.0, 0.0, 1.0, 0.5, 0.25, 0.0, 1.0]
    y = [0.0, 1.0, 1.0, 0.0, 0.3, 1.0, 0.5, 0.5]
    same(lambda e, x, t: F(e).binary_cross_entropy(x, t, reduction=reduction), p, y,
         dtype=dtype)


@FLOATS
def test_bce_gradients_at_the_edges_with_a_weight(dtype):
    same(lambda e, x, t: F(e).binary_cross_entropy(
        x, t, weight=e.tensor([2.0, 0.5, 0.0, 1.0], dtype=x.dtype)),
         [0.0, 1.0, 0.0, 0.5], [0.5, 0.5, 0.2, 1.0], dtype=dtype)


def test_bce_target_gradient_is_plus_minus_inf_at_the_edges():
    x = tinygrad_edu.tensor([0.0, 1.0], requires_grad=True)
    y = tinygrad_edu.tensor([0.5, 0.5], requires_grad=True)
    tinygrad_edu.nn.functional.binary_cross_entropy(x, y, reduction="sum").backward()
    assert y.grad.tolist() == [INF, -INF]


# -- 5. loss argument errors -----------------------------------------------------------------
def _bce(x, y, **kw):
    return lambda e: F(e).binary_cross_entropy(e.tensor(x), e.tensor(y), **{
        k: (e.tensor(v) if isinstance(v, list) else e.ones(*v)) for k, v in kw.items()})


BCE_ERRORS = {
    "nan input": _bce([NAN, 0.5], [0.0, 1.0]),
    "inf input": _bce([INF, 0.5], [0.0, 1.0]),
    "nan target": _bce([0.2, 0.5], [NAN, 1.0]),
    "target above 1": _bce([0.2, 0.7], [2.0, 1.0]),
    "target below 0": _bce([0.2, 0.7], [0.0, -1.0]),
    "bad target before bad input": _bce([0.5, 2.0], [3.0, 0.0]),
    "bad input before bad target": _bce([2.0, 0.5], [0.0, 3.0]),
    "weight broadcasts larger": _bce([0.2, 0.7], [0.0, 1.0], weight=(3, 2)),
    "weight (1, 2) on (2,)": _bce([0.2, 0.7], [0.0, 1.0], weight=(1, 2)),
    "weight that does not broadcast": _bce([0.2, 0.7], [0.0, 1.0], weight=(3,)),
    "weight that does not broadcast, bad input": _bce([2.0, 0.7], [0.0, 1.0], weight=(3,)),
    "bad input before a weight too large": _bce([2.0, 0.7], [0.0, 1.0], weight=(3, 2)),
}


@pytest.mark.parametrize("name", list(BCE_ERRORS))
def test_bce_argument_errors_match_torch(name):
    same_error(BCE_ERRORS[name])


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_bce_weight_too_large_raises_at_forward_even_with_grad(reduction):
    def call(e):
        x = e.tensor([0.2, 0.7], requires_grad=True)
        return F(e).binary_cross_entropy(x, e.tensor([0.0, 1.0]), weight=e.ones(3, 2),
                                         reduction=reduction)
    assert "doesn't match the broadcast shape [3, 2]" in same_error(call)


def test_bce_losses_that_are_allowed_still_compute():
    same_value(_bce([0.2, 0.7], [0.0, 1.0], weight=[2.0]))
    same_value(lambda e: F(e).binary_cross_entropy(e.full((2, 2), 0.5), e.ones(2, 2),
                                                   weight=e.ones(2, 1)))
    same_value(lambda e: F(e).binary_cross_entropy(e.ones(0), e.ones(0)))


def _class_loss(name, xs, ts, tdtype="int64", **kw):
    def call(e):
        fn = F(e).cross_entropy if name == "ce" else F(e).nll_loss
        return fn(e.zeros(xs), e.zeros(ts, dtype=getattr(e, tdtype)), **kw)
    return call


TARGET_SHAPES = [((3,), ()), ((3,), (1,)), ((3,), (2,)), ((3,), (1, 1)), ((2, 3), ()),
                 ((2, 3), (2,)), ((2, 3), (2, 1)), ((2, 3), (1, 2)), ((2, 3), (3,)),
                 ((2, 3), (2, 3)), ((2, 3, 4), (2, 4)), ((2, 3, 4), (2, 1)), ((2, 3, 4), (2,)),
                 ((2, 3, 4), (8,)), ((2, 3, 4), (2, 4, 1)), ((2, 3, 4, 5), (2, 4, 5)),
                 ((2, 3, 4, 5), (2, 4)), ((2, 3, 4, 5), (2, 4, 6)), ((2, 3, 4, 5), (2, 20)),
                 ((2, 3, 4, 5), (3, 4, 5)), ((2, 3, 4, 5, 6), (2, 4, 5, 6)),
                 ((2, 3, 4, 5, 6), (2, 4, 5)), ((0, 3), (0,)), ((2, 0), (2,))]


@pytest.mark.parametrize("tdtype", ["int64", "float32", "int32", "uint8"])
@pytest.mark.parametrize("loss", ["ce", "nll"])
@pytest.mark.parametrize("xs,ts", TARGET_SHAPES, ids=str)
def test_class_target_shapes_and_dtypes_like_torch(xs, ts, loss, tdtype):
    for reduction in ("none", "mean"):
        call = _class_loss(loss, xs, ts, tdtype, reduction=reduction)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                call(torch)
        except Exception:
            same_error(call)
        else:
            same_value(call)


def test_n_by_1_class_targets_raise_like_torch():
    x, t = [[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]], [[0], [1]]
    message = same_error(lambda e: F(e).cross_entropy(e.tensor(x), long(e, t)))
    assert message.startswith("0D or 1D target tensor expected, multi-target not supported")
    assert "view(-1)" in message
    same_error(lambda e: e.nn.CrossEntropyLoss()(e.tensor(x), long(e, t)))
    same_error(lambda e: e.nn.NLLLoss()(e.tensor(x), long(e, t)))


def test_float_one_hot_of_the_wrong_shape_gets_torchs_message_not_use_long():
    x = [[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]]
    for y in ([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]]):
        message = same_error(lambda e: F(e).cross_entropy(e.tensor(x), e.tensor(y)))
        assert "long()" not in message
    same_error(lambda e: F(e).cross_entropy(e.tensor(x), e.tensor([[1.0, 0.0, 0.0]])))


CLASS_ERRORS = {
    "out of bounds": lambda e: F(e).cross_entropy(e.zeros(2, 3), long(e, [0, 3])),
    "negative": lambda e: F(e).cross_entropy(e.zeros(2, 3), long(e, [0, -1])),
    "out of bounds, image": lambda e: F(e).nll_loss(e.zeros(2, 3, 4, 5),
                                                    e.full((2, 4, 5), 7, dtype=e.int64)),
    "weight of the wrong size": lambda e: F(e).cross_entropy(e.zeros(2, 3), long(e, [0, 1]),
                                                            weight=e.ones(2)),
    "weight of the wrong size, image": lambda e: F(e).nll_loss(
        e.zeros(2, 3, 4, 5), e.zeros(2, 4, 5, dtype=e.int64), weight=e.ones(2)),
    "weight 2-D": lambda e: F(e).nll_loss(e.zeros(2, 3), long(e, [0, 1]), weight=e.ones(1, 3)),
    "weight int": lambda e: F(e).nll_loss(e.zeros(2, 3), long(e, [0, 1]),
                                          weight=e.ones(3, dtype=e.int64)),
    "weight float64": lambda e: F(e).nll_loss(e.zeros(2, 3), long(e, [0, 1]),
                                              weight=e.ones(3, dtype=e.float64)),
    "int probabilities": lambda e: F(e).cross_entropy(e.zeros(2, 3),
                                                      e.zeros(2, 3, dtype=e.int64)),
    "bool probabilities": lambda e: F(e).cross_entropy(e.zeros(2, 3), e.zeros(2, 3) > 1),
    "probabilities with ignore_index": lambda e: F(e).cross_entropy(
        e.zeros(2, 3), e.zeros(2, 3), ignore_index=0),
    "probabilities, weight of the wrong size": lambda e: F(e).cross_entropy(
        e.zeros(2, 3), e.zeros(2, 3), weight=e.ones(2)),
    "label smoothing, (N, 1) target": lambda e: F(e).cross_entropy(
        e.zeros(2, 3), long(e, [[0], [1]]), label_smoothing=0.1),
    "label smoothing, float target": lambda e: F(e).cross_entropy(
        e.zeros(2, 3), e.zeros(2), label_smoothing=0.1),
    "label smoothing, out of bounds": lambda e: F(e).cross_entropy(
        e.zeros(2, 3), long(e, [0, 3]), label_smoothing=0.1),
    "nll of a 0-d input": lambda e: F(e).nll_loss(e.tensor(1.0), long(e, 0)),
}


@pytest.mark.parametrize("name", list(CLASS_ERRORS))
def test_class_loss_errors_match_torch(name):
    same_error(CLASS_ERRORS[name])


def test_class_losses_that_are_allowed_still_compute():
    same_value(lambda e: F(e).cross_entropy(e.zeros(2, 3), e.zeros(2, 3), ignore_index=-1))
    same_value(lambda e: F(e).cross_entropy(e.zeros(2, 3), e.tensor([0, 1], dtype=e.uint8)))
    same_value(lambda e: F(e).cross_entropy(e.zeros(3), long(e, [1]), reduction="none"))


# -- 6. F.linear with 0 out_features (or 0 in_features) --------------------------------------
@pytest.mark.parametrize("x_shape,out_f,in_f", [((2, 3, 4), 0, 4), ((3,), 0, 3), ((3,), 2, 3),
                                                ((2, 3, 0), 2, 0), ((0, 3), 2, 3),
                                                ((2, 0, 3), 2, 3), ((5, 4), 0, 4)])
def test_linear_backward_with_empty_dims(x_shape, out_f, in_f):
    def fn(e):  # built from shapes: tensor() of nested empty lists would lose them
        x = e.full(x_shape, 1.5, requires_grad=True)
        w = e.full((out_f, in_f), 0.5, requires_grad=True)
        b = e.full((out_f,), 2.0, requires_grad=True)
        out = F(e).linear(x, w, b)
        (out * 3).sum().backward()
        return out, x.grad, w.grad, b.grad
    for ours, theirs in zip(fn(tinygrad_edu), fn(torch)):
        assert_same(ours, theirs, "linear")


# -- 7. mixed-dtype matrix products ----------------------------------------------------------
MATMUL_SHAPES = [((2,), (2,)), ((1, 2), (2,)), ((2,), (2, 1)), ((1, 2), (2, 1)),
                 ((3, 1, 2), (2,)), ((3, 1, 2), (2, 1)), ((1, 2), (3, 2, 1)),
                 ((2,), (3, 2, 1)), ((3, 1, 2), (3, 2, 1)), ((2, 2, 1, 2), (2, 1)),
                 ((2,), (3,)), ((1, 2), (3, 1))]
MATMUL_DTYPES = [("int64", "float32"), ("float64", "float32"), ("float32", "float64"),
                 ("float32", "int64"), ("int32", "int64"), ("float16", "float32")]


def _matmul(sa, sb, da, db, a_grad=False):
    def call(e):
        a = e.ones(*sa, dtype=getattr(e, da))
        if a_grad:
            a.requires_grad_(True)
        b = e.ones(*sb, dtype=getattr(e, db))
        if e is torch:
            return a @ b
        checks.check_matmul_dtypes(a, b)   # the check tensor_math.__matmul__ calls
        checks.check_matmul(a.shape, b.shape)
        return a @ b
    return call


@pytest.mark.parametrize("da,db", MATMUL_DTYPES, ids=str)
@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES, ids=str)
def test_check_matmul_dtypes_raises_torchs_message(sa, sb, da, db):
    same_error(_matmul(sa, sb, da, db))


@pytest.mark.parametrize("sa,sb", [((1, 2), (3, 2, 1)), ((2,), (3, 2, 1)), ((2, 2), (3, 2, 2))],
                         ids=str)
def test_check_matmul_dtypes_when_torch_folds_a_product_that_requires_grad(sa, sb):
    same_error(_matmul(sa, sb, "float64", "float32", a_grad=True))


def test_check_matmul_dtypes_lets_one_dtype_through():
    for dtype in ("int64", "float32", "float64", "int32"):
        x = tinygrad_edu.ones(2, 2, dtype=getattr(tinygrad_edu, dtype))
        checks.check_matmul_dtypes(x, x)


@pytest.mark.parametrize("code", ["e.tensor([[1, 2]]) @ e.tensor([[1.], [2.]])",
                                  "e.ones(2, 2, dtype=e.float64) @ e.ones(2, 2)",
                                  "e.matmul(e.ones(3), e.ones(3, dtype=e.int64))"])
def test_mixed_dtype_matmul_raises_like_torch(code):
    same_error(lambda e: eval(code, {"e": e}))
