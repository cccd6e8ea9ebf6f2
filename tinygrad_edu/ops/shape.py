"""Shape operations and indexing. They move numbers around without changing them, so
backward moves g back: reshape it back, transpose it back, scatter it back."""
import numpy as np

from ..autograd.function import Function, Math
from .layout import laid_out, row_order
from ._util import unbroadcast


class Reshape(Function):  # view / reshape / flatten / squeeze / unsqueeze
    label = "RESHAPE"
    math = Math.of("out = a with a new shape      (the same numbers, in the same order)",
                   "∂out/∂a = 1      (each number only moves)",
                   "∂L/∂a = g, reshaped back to a's shape")

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Permute(Function):  # permute / transpose / t / .T
    label = "PERMUTE"
    math = Math.of("out = a with its dims reordered",
                   "∂out/∂a = 1      (each number only moves)",
                   "∂L/∂a = g, with its dims put back in a's order")

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        # out's axis i is a's axis dims[i], so a's axis d is out's axis i where dims[i] = d:
        # the inverse permutation (in Python: np.argsort of a tuple costs more than the op)
        inverse = sorted(range(len(ctx.dims)), key=ctx.dims.__getitem__)
        return g.transpose(inverse)


class Expand(Function):
    label = "EXPAND"
    math = Math.of("out = a, copied along its size-1 dims",
                   "∂out/∂a = 1 for each copy",
                   "∂L/∂a = g, summed over the copies")

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return unbroadcast(g, ctx.shape)


class Repeat(Function):
    label = "REPEAT"
    math = Math.of("out = a, tiled along each dim",
                   "∂out/∂a = 1 for each copy",
                   "∂L/∂a = g, summed over the copies")

    @staticmethod
    def forward(ctx, a, sizes):
        shape = (1,) * (len(sizes) - a.ndim) + a.shape
        ctx.shape, ctx.tiled = a.shape, shape
        return np.tile(a.reshape(shape), sizes)

    @staticmethod
    def backward(ctx, g):
        # view g as (copies₀, n₀, copies₁, n₁, ...) and add up the copies
        split = [k for pair in zip(np.array(g.shape) // ctx.tiled, ctx.tiled) for k in pair]
        return g.reshape(split).sum(axis=tuple(range(0, len(split), 2))).reshape(ctx.shape)


def _is_advanced(key):
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (np.ndarray, list)) for k in parts)


class Index(Function):  # a[key]
    label = "INDEX"
    math = Math.of("out = a[i]",
                   "∂out/∂a = 1 at the positions i, else 0",
                   "∂L/∂a = g placed at the positions i (added where i repeats), 0 elsewhere")

    @staticmethod
    def forward(ctx, a, key):
        ctx.key, ctx.shape = key, a.shape
        ctx.advanced = _is_advanced(key)
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
    math = Math.of("out = cat(a₀, a₁, …) along dim",
                   "∂out/∂aₖ = 1 on aₖ's slice of out, else 0",
                   "∂L/∂aₖ = the slice of g that came from aₖ")

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
    math = Math.of("out = stack(a₀, a₁, …) along a new dim",
                   "∂out/∂aₖ = 1 at index k of the new dim, else 0",
                   "∂L/∂aₖ = g at index k of the new dim")

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.moveaxis(g, ctx.dim, 0))


class Where(Function):
    label = "WHERE"
    math = Math.of("out = where(c, a, b)      (a where c is True, else b)",
                   ("∂out/∂a = 1 where c, else 0", "∂out/∂b = 1 where not c, else 0"),
                   ("∂L/∂a = g where c, else 0", "∂L/∂b = g where not c, else 0"))

    @staticmethod
    def forward(ctx, condition, a, b, contiguous=False):
        ctx.condition = condition
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        out = np.asarray(np.where(condition, a, b))
        if contiguous:                         # masked_fill: torch fills a contiguous copy
            return row_order(out)
        return laid_out(out, condition, a, b)  # torch.where: the condition's layout leads

    @staticmethod
    def backward(ctx, g):
        c = ctx.condition
        sa, sb = ctx.shapes
        ga = unbroadcast(np.where(c, g, 0), sa) if ctx.needs_input_grad[1] else None
        gb = unbroadcast(np.where(c, 0, g), sb) if ctx.needs_input_grad[2] else None
        return None, ga, gb
