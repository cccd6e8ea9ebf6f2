"""Spread: var and std. One node each, as in torch (VarBackward0, StdBackward0).

Both work in float64 inside, as torch does for float32 (it accumulates in double): the
std of [1e20, -1e20] is 1.41e20 even though its variance, 2e40, is too large for float32."""
import numpy as np

from ..autograd.function import Function, Math
from .reduce import _axes, _spread, contiguous


def _centred(a, dim, correction):
    """a − ā in float64, the axes averaged over, and the divisor n − c."""
    axes = _axes(dim, a.ndim)
    wide = a.astype(np.float64)
    n = int(np.prod([a.shape[i] for i in axes])) if a.ndim else 1
    mean = wide.mean(axis=axes, keepdims=True) if n else np.zeros((1,) * a.ndim)
    return wide - mean, axes, max(n - correction, 0)  # n − c ≤ 0: inf or nan, as in torch


def _variance(centred, axes, dof, keepdim):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (centred * centred).sum(axis=axes, keepdims=keepdim) / dof


def _narrow(x, dtype):
    with np.errstate(over="ignore"):  # too large for float32: inf, as torch gives
        return contiguous(np.asarray(x, dtype=dtype))   # torch's reductions: row order


class Var(Function):
    label = "VAR"
    math = Math.of("out = Σ (a − ā)² / (n − c)      (ā = the mean along dim, n = the number "
                   "of elements averaged, c = correction: 1 for the sample variance)",
                   "∂out/∂aᵢ = 2·(aᵢ − ā) / (n − c)",
                   "∂L/∂a = g · 2·(a − ā) / (n − c)")

    @staticmethod
    def forward(ctx, a, dim=None, correction=1, keepdim=False):
        centred, axes, dof = _centred(a, dim, correction)
        ctx.centred, ctx.dof, ctx.info = centred, dof, (a.shape, axes, keepdim)
        return _narrow(_variance(centred, axes, dof, keepdim), a.dtype)

    @staticmethod
    def backward(ctx, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            grad = _spread(g, *ctx.info) * (2 * ctx.centred / ctx.dof)
        return grad.astype(g.dtype, copy=False)


class Std(Function):
    label = "STD"
    math = Math.of("out = √( Σ (a − ā)² / (n − c) )      (ā = the mean along dim, n = the "
                   "number of elements averaged, c = correction: 1 for the sample std)",
                   "∂out/∂aᵢ = (aᵢ − ā) / ((n − c)·out)      (0 where out = 0: no spread)",
                   "∂L/∂a = g · (a − ā) / ((n − c)·out), 0 where out = 0")

    @staticmethod
    def forward(ctx, a, dim=None, correction=1, keepdim=False):
        centred, axes, dof = _centred(a, dim, correction)
        std = np.sqrt(_variance(centred, axes, dof, keepdim))
        ctx.centred, ctx.dof, ctx.info = centred, dof, (a.shape, axes, keepdim)
        ctx.std = std
        return _narrow(std, a.dtype)

    @staticmethod
    def backward(ctx, g):
        std = _spread(ctx.std, *ctx.info)
        with np.errstate(divide="ignore", invalid="ignore"):
            grad = _spread(g, *ctx.info) * ctx.centred / (ctx.dof * std)
        return np.where(std == 0, 0, grad).astype(g.dtype, copy=False)
