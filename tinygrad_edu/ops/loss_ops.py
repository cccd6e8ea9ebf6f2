"""Loss functions, each fused into one node with its own backward (as torch does): one
MSE / BCE / CE node in the graph instead of a dozen elementary ones.

A loss first computes one number per element (or per row), then reduces them:
'mean' divides the sum by n, 'sum' keeps it (n = 1 in the formulas), 'none' returns them
all (and g holds one number per element). Arguments are checked in nn/functional.py."""
import numpy as np

from ..autograd.function import Function, Math
from ._util import unbroadcast
from .activation_ops import log_softmax_array, stable_sigmoid


def _log_softmax(x, dim):
    """ln softmax(x) along dim; over 0 classes there is nothing to normalise."""
    return log_softmax_array(x, dim) if x.shape[dim] else x.copy()


def _reduce(loss, reduction, n=None):
    """'none': every loss; 'sum': their total; 'mean': the total / n (default: their count)."""
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "sum":
        return np.asarray(total)
    with np.errstate(invalid="ignore", divide="ignore"):  # nothing to average: 0/0 = nan
        return np.asarray(total / (loss.size if n is None else n))


def _per_element(g, reduction, n):
    """∂L/∂(each element's loss): g/n under 'mean', g under 'sum' and 'none'."""
    return g / n if reduction == "mean" else g


class MSELoss(Function):
    """Mean squared error: the regression loss."""
    label = "MSE"
    math = Math.of("out = Σ (x − y)² / n      (n = x.numel() for 'mean', 1 for 'sum')",
                   ("∂out/∂x = 2(x − y) / n", "∂out/∂y = −2(x − y) / n"),
                   ("∂L/∂x = g · 2(x − y) / n", "∂L/∂y = −g · 2(x − y) / n"))

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        d = x - y
        ctx.save_for_backward(d)
        ctx.reduction, ctx.shapes = reduction, (x.shape, y.shape)  # they may broadcast
        return _reduce(d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        (d,) = ctx.saved
        x_shape, y_shape = ctx.shapes
        gd = _per_element(g, ctx.reduction, d.size) * 2 * d
        return (unbroadcast(gd, x_shape),
                unbroadcast(-gd, y_shape) if ctx.needs_input_grad[1] else None)


_EPSILON = float(np.float32(1e-12))  # torch's: a C++ float, also in float64 (9.99999996e-13)


class BCELoss(Function):
    """Binary cross-entropy of probabilities x in [0, 1] (after a sigmoid) and targets y."""
    label = "BCE"
    math = Math.of("out = −Σ [y·ln x + (1 − y)·ln(1 − x)] / n",
                   ("∂out/∂x = (x − y) / (x(1 − x)) / n", "∂out/∂y = (ln(1 − x) − ln x) / n"),
                   ("∂L/∂x = g · (x − y) / (x(1 − x)) / n", "∂L/∂y = g · (ln(1 − x) − ln x) / n"))

    @staticmethod
    def forward(ctx, x, y, weight=None, reduction="mean"):
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)       # torch clamps each log at -100
            log_1mx = np.maximum(np.log(1 - x), -100)
        loss = (y - 1) * log_1mx - y * log_x          # torch's order: 0, not −0, at x = y
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, y, log_x, log_1mx)
        ctx.weight, ctx.reduction = weight, reduction
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y, log_x, log_1mx = ctx.saved
        g = _per_element(g, ctx.reduction, x.size)
        if ctx.weight is not None:
            g = g * ctx.weight
        gx = g * (x - y) / np.maximum((1 - x) * x, _EPSILON)
        gy = None
        if ctx.needs_input_grad[1]:  # −logit(x) = ln(1 − x) − ln x, unclamped: ±inf at x = 0, 1
            with np.errstate(divide="ignore"):
                gy = g * -np.log(x / (1 - x))
        return gx, gy


class BCEWithLogitsLoss(Function):
    """Sigmoid and binary cross-entropy in one stable step, on raw scores x (logits)."""
    label = "BCE_LOGITS"
    math = Math.of("out = −Σ [y·ln σ(x) + (1 − y)·ln(1 − σ(x))] / n",
                   ("∂out/∂x = (σ(x) − y) / n", "∂out/∂y = −x / n"),
                   ("∂L/∂x = g · (σ(x) − y) / n", "∂L/∂y = −g · x / n"))

    @staticmethod
    def forward(ctx, x, y, weight=None, pos_weight=None, reduction="mean"):
        # ln(1+e⁻ˣ) written so that no exp overflows: max(-x, 0) + ln(1 + e^-|x|)
        softplus_neg = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
        if pos_weight is None:
            loss = (1 - y) * x + softplus_neg
        else:
            loss = (1 - y) * x + (1 + (pos_weight - 1) * y) * softplus_neg
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, y, softplus_neg)
        ctx.weights, ctx.reduction = (weight, pos_weight), reduction
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y, softplus_neg = ctx.saved
        weight, pos_weight = ctx.weights
        g = _per_element(g, ctx.reduction, x.size)
        s = stable_sigmoid(x)
        if pos_weight is None:
            dx, dy = s - y, -x
        else:  # pos_weight scales the y = 1 part of the loss: with t = pos_weight·y,
            t = pos_weight * y      # (1 + t − y)·σ(x) − t, summed in torch's order
            dx = (t + 1 - y) * s - t
            dy = -x + (pos_weight - 1) * softplus_neg
        if weight is not None:
            g = g * weight
        return g * dx, (g * dy if ctx.needs_input_grad[1] else None)


# -- losses over class scores: one row of C scores per sample --------------------------------
def class_rows(x):
    """(N, C) stays; (C,) is one row; image-shaped (N, C, d1, ...) -> (N·d1·..., C): one row
    of class scores per pixel."""
    if x.ndim <= 2:
        return x.reshape(x.shape[0] if x.ndim == 2 else 1, x.shape[-1])  # C may be 0
    rows = x.shape[0] * int(np.prod(x.shape[2:]))
    return np.moveaxis(x, 1, -1).reshape(rows, x.shape[1])


def rows_back(grad, shape):
    """The inverse of class_rows: a gradient of rows back to the input's shape."""
    if len(shape) <= 2:
        return grad.reshape(shape)
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return np.moveaxis(grad.reshape(moved), -1, 1)


def row_weights(t, weight, ignore_index, dtype):
    """Each row's weight: its class's weight (1 without class weights), 0 for ignored rows.
    None when every row counts once: the plain formula needs no weights."""
    keep = t != ignore_index
    if weight is None and keep.all():
        return None
    if weight is None or weight.size == 0:   # no classes: then every row is ignored
        return keep.astype(dtype)
    return weight[np.where(keep, t, 0)] * keep


def _targets(target, ignore_index):
    """The class of each row; an ignored row points at class 0 (its weight is 0)."""
    t = target.reshape(-1)
    return np.where(t != ignore_index, t, 0) if (t == ignore_index).any() else t


def ignored_rows(target, ignore_index):
    """Which rows are ignored (a boolean per row), or None when none is."""
    ignored = target.reshape(-1) == ignore_index
    return ignored if ignored.any() else None


def negative_log_likelihood(logp, target, weight, ignore_index, reduction):
    """−logp[i, yᵢ] of each row (times the row's weight), reduced; with (t, w, n) for
    backward: each row's class, the row weights (None: all 1) and the mean's divisor n."""
    t = _targets(target, ignore_index)
    if logp.shape[1]:
        loss = -logp[np.arange(len(t)), t]
    else:  # 0 classes: every target is ignored (checked before), there is nothing to pick
        loss = np.zeros(len(t), logp.dtype)
    w = row_weights(target.reshape(-1), weight, ignore_index, logp.dtype)
    if w is not None:
        with np.errstate(invalid="ignore"):   # an ignored row's −inf · 0: replaced below
            loss = loss * w
        ignored = ignored_rows(target, ignore_index)
        if ignored is not None:   # an ignored row adds 0, even where its score is -inf
            loss = np.where(ignored, 0, loss)
    n = len(t) if w is None else w.sum()   # with weights the mean divides by their total
    out = loss.reshape(target.shape) if reduction == "none" else _reduce(loss, reduction, n)
    return out, t, w, n


class CrossEntropyLoss(Function):
    """Cross-entropy of class scores x (logits) against class indices y: softmax and the
    negative log-likelihood fused into one stable node, as torch does."""
    label = "CE"
    math = Math.of("out = −Σᵢ ln softmax(xᵢ)[yᵢ] / n      (n = number of rows for 'mean')",
                   "∂out/∂x = (softmax(x) − one_hot(y)) / n",
                   "∂L/∂x = g · (softmax(x) − one_hot(y)) / n")

    @staticmethod
    def forward(ctx, x, target, weight=None, ignore_index=-100, reduction="mean"):
        logp = _log_softmax(class_rows(x), 1)          # ln softmax(x), one row per sample
        out, t, w, n = negative_log_likelihood(logp, target, weight, ignore_index, reduction)
        ctx.save_for_backward(logp, t, w)
        ctx.info = (x.shape, reduction, n)
        ctx.ignored = ignored_rows(target, ignore_index)
        return out

    @staticmethod
    def backward(ctx, g):
        logp, t, w = ctx.saved
        shape, reduction, n = ctx.info
        grad = np.exp(logp)                            # softmax(x)
        if grad.shape[1]:
            grad[np.arange(len(t)), t] -= 1            # softmax(x) − one_hot(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            if reduction == "none":                    # one g per row
                grad *= g.reshape(-1, 1)
            else:                                      # one g for all: g / n under 'mean'
                grad *= _per_element(g, reduction, n)
            # additions: class weights and ignore_index scale each row ...
            if w is not None:
                grad *= w[:, None]
        if ctx.ignored is not None:   # ... an ignored row gets 0·softmax(x), not g·...: its g
            with np.errstate(invalid="ignore"):   # may be inf or nan (g / n is inf when all
                grad[ctx.ignored] = np.exp(logp[ctx.ignored]) * 0  # are ignored); nan stays
        # ... and image-shaped inputs get their rows put back to (N, C, d1, ...)
        return rows_back(grad.astype(logp.dtype, copy=False), shape), None


class NLLLoss(Function):
    """Negative log-likelihood: x already holds log-probabilities (after log_softmax)."""
    label = "NLL"
    math = Math.of("out = −Σᵢ x[i, yᵢ] / n      (n = number of rows for 'mean')",
                   "∂out/∂x = −one_hot(y) / n",
                   "∂L/∂x = −g · one_hot(y) / n")

    @staticmethod
    def forward(ctx, x, target, weight=None, ignore_index=-100, reduction="mean"):
        x2 = class_rows(x)                             # x holds ln p already
        out, t, w, n = negative_log_likelihood(x2, target, weight, ignore_index, reduction)
        ctx.save_for_backward(t, w)
        ctx.info = (x.shape, x2.shape, x.dtype, reduction, n)
        ctx.ignored = ignored_rows(target, ignore_index)
        return out

    @staticmethod
    def backward(ctx, g):
        t, w = ctx.saved
        shape, rows_shape, dtype, reduction, n = ctx.info
        with np.errstate(divide="ignore", invalid="ignore"):
            g_rows = g.reshape(-1) if reduction == "none" else _per_element(g, reduction, n)
            if w is not None:                          # class weights
                g_rows = g_rows * w
        grad = np.zeros(rows_shape, dtype)
        if grad.shape[1]:
            grad[np.arange(len(t)), t] = -g_rows       # −g at each row's target class
        if ctx.ignored is not None:                    # ignored rows: 0 (set, not scaled:
            grad[ctx.ignored] = 0                      # their g may be inf or nan)
        return rows_back(grad, shape), None


class SoftCrossEntropyLoss(Function):
    """Cross-entropy against class probabilities y (one row of C per sample) instead of
    class indices."""
    label = "CE"
    math = Math.of("out = −Σᵢ Σⱼ yᵢⱼ · ln softmax(xᵢ)ⱼ / n",
                   ("∂out/∂x = (softmax(x)·Σⱼyⱼ − y) / n", "∂out/∂y = −ln softmax(x) / n"),
                   ("∂L/∂x = g · (softmax(x)·Σⱼyⱼ − y) / n", "∂L/∂y = −g · ln softmax(x) / n"))

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        dim = 1 if x.ndim > 1 else 0
        logp = _log_softmax(x, dim)
        ctx.save_for_backward(logp, y)
        # the mean divides by x.numel() / C: the number of rows, and 0/0 = nan for 0 classes
        n = x.size // x.shape[dim] if x.shape[dim] else np.nan
        ctx.info = (dim, reduction, n)
        if reduction == "none":
            return -(y * logp).sum(axis=dim)
        return -_reduce(y * logp, reduction, n)   # negated after the sum, as torch: −0.0

    @staticmethod
    def backward(ctx, g):
        logp, y = ctx.saved
        dim, reduction, n = ctx.info
        g = _per_element(g, reduction, n)
        if reduction == "none":
            g = np.expand_dims(g, dim)
        grad = g * (np.exp(logp) * y.sum(axis=dim, keepdims=True) - y)
        gy = -g * logp if ctx.needs_input_grad[1] else None
        return grad, gy
