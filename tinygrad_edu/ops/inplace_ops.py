"""The operation an assignment records: ``x[i] = v`` on a tensor in a graph (and x.copy_(v),
x.fill_(c), x.zero_()). The new x is the old one with the positions i replaced by v."""
import numpy as np

from ..autograd.function import Function, Math
from ._util import unbroadcast


def is_advanced(key):
    """Does the key pick positions by index arrays (x[[0, 2]], x[mask]) rather than slices?"""
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (np.ndarray, list)) for k in parts)


class IndexPut(Function):  # out = a, then out[key] = v
    label = "INDEX_PUT"
    math = Math.of("out = a, with out[i] = v",
                   ("∂out/∂a = 0 at the positions i, else 1",
                    "∂out/∂v = 1 at the positions i"),
                   ("∂L/∂a = g with 0 at the positions i",
                    "∂L/∂v = g[i], summed back to v's shape"))

    @staticmethod
    def forward(ctx, a, v, key):
        out = a.copy()
        out[key] = v
        ctx.key, ctx.v_shape = key, np.shape(v)
        return out

    @staticmethod
    def backward(ctx, g):
        ga = g.copy()
        ga[ctx.key] = 0
        return ga, unbroadcast(np.asarray(g[ctx.key]), ctx.v_shape), None
