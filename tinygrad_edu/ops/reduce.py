"""Reductions: sum, mean, max, min. Backward spreads g back over the reduced axes."""
import numpy as np

from ..autograd.function import Function, Math
from ._util import select


def _axes(dim, ndim):
    """torch's dim (None, an int or a tuple, negatives allowed) as a tuple of NumPy axes."""
    if dim is None or ndim == 0:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(d % ndim for d in dims)


def contiguous(x):
    """A reduction's result laid out row by row, as torch allocates it (NumPy keeps the
    input's layout: a transposed input would give a result that .view() refuses)."""
    x = np.asarray(x)
    return x if x.flags.c_contiguous else x.copy()


def _spread(g, shape, axes, keepdim):
    """Give g back the reduced axes (size 1) so it broadcasts against the input."""
    if not keepdim and shape:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


class Sum(Function):
    label = "SUM"
    math = Math.of("out = Σ a      (over dim; over every element when dim is None)",
                   "∂out/∂aᵢ = 1",
                   "∂L/∂a = g, copied to every element that was summed")

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        ctx.info = (a.shape, axes, keepdim)
        return contiguous(a.sum(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        return _spread(g, *ctx.info)


class Mean(Function):
    label = "MEAN"
    math = Math.of("out = Σ a / n      (n = the number of elements averaged: the size of dim, "
                   "or a.numel())",
                   "∂out/∂aᵢ = 1/n",
                   "∂L/∂a = g / n, copied to every element that was averaged")

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        ctx.info = (a.shape, axes, keepdim)
        ctx.n = int(np.prod([a.shape[i] for i in axes])) if a.ndim else 1
        return contiguous(a.mean(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        return _spread(g / ctx.n, *ctx.info)


class MaxAll(Function):  # max() of every element
    label = "MAX"
    math = Math.of("out = max(a)      (the largest element)",
                   "∂out/∂aᵢ = 1/k where aᵢ = out (k elements tie for it), else 0",
                   "∂L/∂a = g / k at the maximum, 0 elsewhere")
    pick = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, a):
        out = np.asarray(cls.pick(a))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved
        hits = np.isnan(a) if np.isnan(out) else a == out  # a nan is the max (and min) of all
        return select(hits, g / int(hits.sum()))


class MinAll(MaxAll):
    label = "MIN"
    math = Math.of("out = min(a)      (the smallest element)",
                   "∂out/∂aᵢ = 1/k where aᵢ = out (k elements tie for it), else 0",
                   "∂L/∂a = g / k at the minimum, 0 elsewhere")
    pick = staticmethod(np.min)


class MaxDim(Function):  # values of max(dim); the indices are returned by the caller
    label = "MAX"
    math = Math.of("out = max(a, dim)      (the largest element of each slice along dim)",
                   "∂out/∂a = 1 at each slice's arg-max, else 0",
                   "∂L/∂a = g at each slice's arg-max, 0 elsewhere")
    arg = staticmethod(np.argmax)

    @classmethod
    def forward(cls, ctx, a, dim, keepdim=False):
        if a.ndim == 0:  # a single number: it is its own max (dim must be 0 or -1)
            ctx.info = (a.shape, None, keepdim)
            ctx.indices = np.asarray(0)
            return a.copy()
        (axis,) = _axes(dim, a.ndim)
        idx = np.expand_dims(cls.arg(a, axis=axis), axis)
        values = np.take_along_axis(a, idx, axis)
        ctx.info = (a.shape, axis, keepdim)
        ctx.indices = idx if keepdim else idx.squeeze(axis)
        return contiguous(values if keepdim else values.squeeze(axis))

    @staticmethod
    def backward(ctx, g):
        shape, axis, keepdim = ctx.info
        if axis is None:
            return g
        grad = np.zeros(shape, dtype=g.dtype)
        idx = ctx.indices if keepdim else np.expand_dims(ctx.indices, axis)
        np.put_along_axis(grad, idx, g if keepdim else np.expand_dims(g, axis), axis)
        return grad


class MinDim(MaxDim):
    label = "MIN"
    math = Math.of("out = min(a, dim)      (the smallest element of each slice along dim)",
                   "∂out/∂a = 1 at each slice's arg-min, else 0",
                   "∂L/∂a = g at each slice's arg-min, 0 elsewhere")
    arg = staticmethod(np.argmin)
