"""Shape operations and indexing. They move numbers around without changing them, so
backward moves g back: reshape it back, transpose it back, scatter it back."""
import numpy as np

from ..autograd.function import Function
from ._util import unbroadcast


class Reshape(Function):  # view / reshape / flatten / squeeze / unsqueeze
    label = "RESHAPE"
    formula = "∂reshape(a)/∂a = g reshaped to a's shape"

    @staticmethod
    def forward(ctx, a, shape, torch_name="ViewBackward0"):
        ctx.shape = a.shape
        ctx.torch_name = torch_name
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Permute(Function):  # permute / transpose / t / .T
    label = "PERMUTE"
    formula = "∂permute(a)/∂a = g permuted back"

    @staticmethod
    def forward(ctx, a, dims, torch_name="PermuteBackward0"):
        ctx.inverse = tuple(np.argsort(dims))
        ctx.torch_name = torch_name
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(ctx.inverse)


class Expand(Function):
    label = "EXPAND"
    formula = "∂expand(a)/∂a = g summed over the copied axes"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return unbroadcast(g, ctx.shape)


def _is_advanced(key):
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (np.ndarray, list)) for k in parts)


class Index(Function):  # a[key]
    label = "INDEX"
    formula = "∂a[i]/∂a = g placed back at positions i (summed where i repeats), 0 elsewhere"

    @staticmethod
    def forward(ctx, a, key):
        ctx.key, ctx.shape = key, a.shape
        ctx.advanced = _is_advanced(key)
        ctx.torch_name = ("IndexBackward0" if ctx.advanced else
                          "SelectBackward0" if isinstance(key, int) else "SliceBackward0")
        out = a[key]
        return out if isinstance(out, np.ndarray) else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape, dtype=g.dtype)
        if ctx.advanced:
            np.add.at(grad, ctx.key, g)  # repeated indices add up
        else:
            grad[ctx.key] = g
        return grad, None


class Cat(Function):
    label = "CAT"
    formula = "∂cat(a, b)/∂a = the slice of g that came from a"

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in arrays]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.split(g, np.cumsum(ctx.sizes)[:-1], axis=ctx.dim))


class Stack(Function):
    label = "STACK"
    formula = "∂stack(a, b)/∂a = g[..., i, ...] for the i-th input"

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.moveaxis(g, ctx.dim, 0))


class Where(Function):
    label = "WHERE"
    formula = "∂where(c, a, b)/∂a = g where c, else 0   ∂/∂b = g where not c"

    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.condition = condition
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        return np.asarray(np.where(condition, a, b))

    @staticmethod
    def backward(ctx, g):
        c = ctx.condition
        sa, sb = ctx.shapes
        ga = unbroadcast(np.where(c, g, 0), sa) if ctx.needs_input_grad[1] else None
        gb = unbroadcast(np.where(c, 0, g), sb) if ctx.needs_input_grad[2] else None
        return None, ga, gb
