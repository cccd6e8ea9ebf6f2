"""Reductions: sum, mean, max, min. Backward spreads g back over the reduced axes."""
import numpy as np

from ..autograd.function import Function


def _axes(dim, ndim):
    """torch's dim (None, an int or a tuple, negatives allowed) as a tuple of NumPy axes."""
    if dim is None or ndim == 0:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})")
        out.append(d % ndim if ndim else 0)
    return tuple(out)


def _spread(g, shape, axes, keepdim):
    """Give g back the reduced axes (size 1) so it broadcasts against the input."""
    if not keepdim and shape:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


class Sum(Function):
    label = "SUM"
    formula = "∂Σa/∂a = g (copied to every element)"

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        ctx.info = (a.shape, axes, keepdim)
        ctx.torch_name = "SumBackward0" if dim is None else "SumBackward1"
        return np.asarray(a.sum(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        return _spread(g, *ctx.info)


class Mean(Function):
    label = "MEAN"
    formula = "∂mean(a)/∂a = g/n (n = number of elements averaged)"

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        ctx.info = (a.shape, axes, keepdim)
        ctx.n = int(np.prod([a.shape[i] for i in axes])) if a.ndim else 1
        ctx.torch_name = "MeanBackward0" if dim is None else "MeanBackward1"
        return np.asarray(a.mean(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        return _spread(g / ctx.n, *ctx.info)


class MaxAll(Function):  # max() of every element
    label = "MAX"
    formula = "∂max(a)/∂a = g at the maximum (shared evenly among ties), else 0"
    torch_name = "MaxBackward1"
    pick = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, a):
        if a.size == 0:
            raise RuntimeError("max(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        out = np.asarray(cls.pick(a))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved
        hits = a == out
        return g * hits / hits.sum()


class MinAll(MaxAll):
    label = "MIN"
    formula = "∂min(a)/∂a = g at the minimum (shared evenly among ties), else 0"
    torch_name = "MinBackward1"
    pick = staticmethod(np.min)


class MaxDim(Function):  # values of max(dim); the indices are returned by the caller
    label = "MAX"
    formula = "∂max(a, dim)/∂a = g at the arg-max of each slice, else 0"
    torch_name = "MaxBackward0"
    arg = staticmethod(np.argmax)

    @classmethod
    def forward(cls, ctx, a, dim, keepdim=False):
        if a.ndim == 0:  # a single number: it is its own max (dim must be 0 or -1)
            _axes(dim, 1)
            ctx.info = (a.shape, None, keepdim)
            ctx.indices = np.asarray(0)
            return a.copy()
        (axis,) = _axes(dim, a.ndim)
        idx = np.expand_dims(cls.arg(a, axis=axis), axis)
        values = np.take_along_axis(a, idx, axis)
        ctx.info = (a.shape, axis, keepdim)
        ctx.indices = idx if keepdim else idx.squeeze(axis)
        return values if keepdim else values.squeeze(axis)

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
    formula = "∂min(a, dim)/∂a = g at the arg-min of each slice, else 0"
    torch_name = "MinBackward0"
    arg = staticmethod(np.argmin)
