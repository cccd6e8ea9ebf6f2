"""Activations and the softmax family, each with its local derivative."""
from ..autograd.function import Function
from ._util import array_module


def stable_sigmoid(x):
    """1/(1+e⁻ˣ) without overflow: for x < 0 use eˣ/(1+eˣ) instead."""
    xp = array_module(x)
    e = xp.exp(-xp.abs(x))  # always in (0, 1]: no overflow
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


class Sigmoid(Function):
    label = "SIGMOID"
    formula = "∂σ(a)/∂a = g·σ(a)·(1-σ(a))"

    @staticmethod
    def forward(ctx, a):
        s = stable_sigmoid(a)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, g):
        (s,) = ctx.saved
        return g * s * (1 - s)


class Relu(Function):
    label = "RELU"
    formula = "∂relu(a)/∂a = g where a > 0, else 0"

    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        # max(a, 0) taken against an array of zeros: NumPy vectorises the array-array
        # maximum, not the array-scalar one (3x slower on a layer of activations)
        out = xp.maximum(a, xp.zeros(a.shape, a.dtype))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return g * (out > 0)


class Tanh(Function):
    label = "TANH"
    formula = "∂tanh(a)/∂a = g·(1-tanh²(a))"

    @staticmethod
    def forward(ctx, a):
        t = array_module(a).tanh(a)
        ctx.save_for_backward(t)
        return t

    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved
        return g * (1 - t * t)


class Softmax(Function):
    label = "SOFTMAX"
    formula = "∂softmax/∂a = s·(g - Σ g·s)"

    @staticmethod
    def forward(ctx, a, *, dim):
        xp = array_module(a)
        e = xp.exp(a - a.max(axis=dim, keepdims=True))  # shift by the max: e ≤ 1, no overflow
        s = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(s)
        ctx.dim = dim
        return s

    @staticmethod
    def backward(ctx, g):
        (s,) = ctx.saved
        return s * (g - (g * s).sum(axis=ctx.dim, keepdims=True))


class LogSoftmax(Function):
    label = "LOG_SOFTMAX"
    formula = "∂log_softmax/∂a = g - softmax·Σg"

    @staticmethod
    def forward(ctx, a, *, dim):
        out = log_softmax_array(a, dim)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        xp = array_module(out)
        return g - xp.exp(out) * g.sum(axis=ctx.dim, keepdims=True)


def log_softmax_array(a, dim):
    """log softmax = a - max - log Σ exp(a - max)  (log-sum-exp: stable for any a)."""
    xp = array_module(a)
    shifted = a - a.max(axis=dim, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
