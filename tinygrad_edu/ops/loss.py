"""Loss functions, each fused into one node with its own backward (as torch does):
one MSE / BCE / CE node in the graph instead of a dozen elementary ones."""
import warnings

import numpy as np

from ..autograd.function import Function
from ._util import array_module, unbroadcast
from .activation import log_softmax_array, stable_sigmoid

REDUCTIONS = ("mean", "sum", "none")


def _array(w):
    """A weight given as a Tensor (or None, or an array) as the array behind it."""
    return getattr(w, "_data", w)


def _reduce(loss, reduction, count=None):
    if reduction == "none":
        return loss
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction "
                         f"(choose 'mean', 'sum' or 'none')")
    total = loss.sum()
    if reduction == "sum":
        return np.asarray(total)
    return np.asarray(total / (loss.size if count is None else count))


def _scale(g, reduction, n):
    """The gradient of the reduction: 1 for sum, 1/n for mean, g itself for none."""
    return g if reduction != "mean" else g / n


class MSELoss(Function):
    label = "MSE"
    formula = "L = mean((x-y)²):  ∂L/∂x = g·2(x-y)/n   ∂L/∂y = -g·2(x-y)/n"
    torch_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        if x.shape != y.shape:  # torch broadcasts, but warns: it is usually a mistake
            warnings.warn(f"Using a target size ({_size(y.shape)}) that is different to the "
                          f"input size ({_size(x.shape)}). This will likely lead to incorrect "
                          f"results due to broadcasting. Please ensure they have the same size.",
                          stacklevel=3)
        d = x - y
        ctx.save_for_backward(d)
        ctx.reduction, ctx.shapes = reduction, (x.shape, y.shape)
        return _reduce(d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        (d,) = ctx.saved
        x_shape, y_shape = ctx.shapes
        gd = _scale(g, ctx.reduction, d.size) * 2 * d
        return (unbroadcast(gd, x_shape),
                unbroadcast(-gd, y_shape) if ctx.needs_input_grad[1] else None)


class BCELoss(Function):
    label = "BCE"
    formula = ("L = -[y·ln x + (1-y)·ln(1-x)]:  ∂L/∂x = g·(x-y)/(x(1-x))   "
               "∂L/∂y = g·(ln(1-x) - ln x)")
    torch_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, y, weight=None, reduction="mean"):
        if x.shape != y.shape:
            raise ValueError(f"Using a target size ({_size(y.shape)}) that is different to the "
                             f"input size ({_size(x.shape)}) is deprecated. Please ensure they "
                             f"have the same size.")
        if x.size and (x.min() < 0 or x.max() > 1):
            raise RuntimeError("all elements of input should be between 0 and 1 (BCELoss takes "
                               "probabilities: apply sigmoid first, or use BCEWithLogitsLoss)")
        xp = array_module(x)
        with np.errstate(divide="ignore"):
            log_x = xp.maximum(xp.log(x), -100)       # torch clamps each log at -100
            log_1mx = xp.maximum(xp.log(1 - x), -100)
        loss = -(y * log_x + (1 - y) * log_1mx)
        weight = _array(weight)
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, y, log_x, log_1mx)
        ctx.weight, ctx.reduction = weight, reduction
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y, log_x, log_1mx = ctx.saved
        g = _scale(g, ctx.reduction, x.size)
        if ctx.weight is not None:
            g = g * ctx.weight
        gx = g * (x - y) / np.maximum((1 - x) * x, 1e-12)  # torch's epsilon
        gy = g * (log_1mx - log_x) if ctx.needs_input_grad[1] else None
        return gx, gy


class BCEWithLogitsLoss(Function):
    label = "BCE_LOGITS"
    formula = "L = -[y·ln σ(x) + (1-y)·ln(1-σ(x))]:  ∂L/∂x = g·(σ(x) - y)"
    torch_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, y, weight=None, pos_weight=None, reduction="mean"):
        if x.shape != y.shape:
            raise ValueError(f"Target size ({_size(y.shape)}) must be the same as input size "
                             f"({_size(x.shape)})")
        xp = array_module(x)
        weight, pos_weight = _array(weight), _array(pos_weight)
        # ln(1+e⁻ˣ) written so that no exp overflows: max(-x, 0) + ln(1 + e^-|x|)
        softplus_neg = xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x)))
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
        g = _scale(g, ctx.reduction, x.size)
        s = stable_sigmoid(x)
        if pos_weight is None:
            dx = s - y
            dy = -x
        else:
            dx = (1 + (pos_weight - 1) * y) * s - pos_weight * y
            dy = -x + (pos_weight - 1) * softplus_neg
        if weight is not None:
            g = g * weight
        return g * dx, (g * dy if ctx.needs_input_grad[1] else None)


def _classes_last(x):
    """(N, C, d1, ...) -> (N·d1·..., C): cross-entropy works on rows of class scores."""
    if x.ndim <= 2:
        return x.reshape(-1, x.shape[-1])
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _classes_back(g2, shape):
    if len(shape) <= 2:
        return g2.reshape(shape)
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return np.moveaxis(g2.reshape(moved), -1, 1)


class NLLLoss(Function):
    label = "NLL"
    formula = "L = -x[i, yᵢ]:  ∂L/∂x = -g at each row's target class, 0 elsewhere"
    torch_name = "NllLossBackward0"
    from_logits = False

    @classmethod
    def forward(cls, ctx, x, target, weight=None, ignore_index=-100, reduction="mean"):
        if target.dtype.kind not in "iu":
            raise RuntimeError(f"expected scalar type Long but found {target.dtype} (class-index "
                               f"targets must be integers: use .long())")
        x2 = _classes_last(x)
        t = target.reshape(-1)
        if x2.shape[0] != t.shape[0]:
            raise ValueError(f"Expected input batch_size ({x2.shape[0]}) to match target "
                             f"batch_size ({t.shape[0]}).")
        keep = t != ignore_index
        safe_t = np.where(keep, t, 0)
        n_classes = x2.shape[1]
        if safe_t.size and (safe_t.min() < 0 or safe_t.max() >= n_classes) and keep.any():
            bad = safe_t[(safe_t < 0) | (safe_t >= n_classes)][0]
            raise IndexError(f"Target {bad} is out of bounds. There are {n_classes} classes "
                             f"(valid targets are 0..{n_classes - 1})")
        logp = log_softmax_array(x2, 1) if cls.from_logits else x2
        weight = _array(weight)
        w = keep.astype(x.dtype) if weight is None else weight[safe_t] * keep
        rows = np.arange(len(t))
        loss = -logp[rows, safe_t] * w
        count = w.sum()
        ctx.save_for_backward(logp, safe_t, w)
        ctx.info = (x.shape, reduction, count, rows)
        if x.ndim >= 3:  # torch's names for the image-shaped (N, C, d1, ...) form
            ctx.torch_name = ("ViewBackward0" if reduction == "none" and x.ndim != 4 else
                              "NllLoss2DBackward0")
        if reduction == "none":
            return loss.reshape(target.shape)
        return _reduce(loss, reduction, count)

    @classmethod
    def backward(cls, ctx, g):
        logp, t, w = ctx.saved
        shape, reduction, count, rows = ctx.info
        if reduction == "none":
            g_rows = (g.reshape(-1) * w)[:, None]
        else:  # one number for every row: (g / count) · w
            g_rows = (g / count if reduction == "mean" else g) * w[:, None]
        if cls.from_logits:  # softmax - one_hot, the famous cross-entropy gradient
            grad = np.exp(logp)
            grad[rows, t] -= 1
            grad *= g_rows
        else:
            grad = np.zeros_like(logp)
            grad[rows, t] = -g_rows[:, 0]
        return _classes_back(grad.astype(logp.dtype, copy=False), shape), None


class CrossEntropyLoss(NLLLoss):
    label = "CE"
    formula = "L = -ln softmax(x)[y]:  ∂L/∂x = g·(softmax(x) - one_hot(y))"
    from_logits = True


class SoftCrossEntropyLoss(Function):  # targets are probabilities, not class indices
    label = "CE"
    formula = "L = -Σ y·ln softmax(x):  ∂L/∂x = g·(softmax(x)·Σy - y)"

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        if x.shape != y.shape:
            raise RuntimeError(f"cross_entropy with probability targets needs input and target "
                               f"of the same shape, got {_size(x.shape)} and {_size(y.shape)}")
        dim = 1 if x.ndim > 1 else 0
        logp = log_softmax_array(x, dim)
        loss = -(y * logp).sum(axis=dim)
        ctx.save_for_backward(logp, y)
        ctx.info = (dim, reduction, loss.size)
        ctx.torch_name = "DivBackward1" if reduction == "mean" else "NegBackward0"  # torch's last op
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        logp, y = ctx.saved
        dim, reduction, n = ctx.info
        g = _scale(g, reduction, n)
        if reduction == "none":
            g = np.expand_dims(g, dim)
        grad = g * (np.exp(logp) * y.sum(axis=dim, keepdims=True) - y)
        gy = -g * logp if ctx.needs_input_grad[1] else None
        return grad, gy


def _size(shape):
    return "torch.Size([" + ", ".join(str(s) for s in shape) + "])"
