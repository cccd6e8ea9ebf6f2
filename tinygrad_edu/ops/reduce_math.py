"""Reductions of the canon: prod, logsumexp, cumsum, dot and the vector norms, each with the
gradient torch gives (zeros in a product, ±∞ in a log-sum-exp, the zero vector of a norm).
Their torch names are listed in math_ops.TORCH_NAMES, which grad_fn_names.py reads."""
import math

import numpy as np

from ..autograd.function import Function, Math
from .elementwise import sgn
from .layout import row_order
from .reduce import _axes


def _expand(g, axes, keepdim):
    """Give a reduced gradient its reduced axes back (size 1), to broadcast against a."""
    return g if keepdim else np.expand_dims(g, axes)


def _reduced(ctx, a, out, axes, keepdim):
    """Keep a and out (its reduced axes still there, size 1) for backward; hand out back as
    the call asked for it."""
    out = row_order(out)
    ctx.save_for_backward(a, out)
    ctx.info = (axes, keepdim)
    return out if keepdim else out.squeeze(axes)


def _saved(ctx):
    """What _reduced kept: a, out, axes, keepdim."""
    (a, out), (axes, keepdim) = ctx.saved, ctx.info
    return a, out, axes, keepdim


class Prod(Function):
    label = "PROD"
    math = Math.of("out = Π a      (over dim; over every element when dim is None)",
                   "∂out/∂aᵢ = Π of the other elements      (= out / aᵢ where no element is 0)",
                   "∂L/∂aᵢ = g · Π of the other elements")

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        with np.errstate(invalid="ignore", over="ignore"):  # 0·∞ = nan, as in torch
            out = np.asarray(a.prod(axis=axes, keepdims=True, dtype=a.dtype))
        ctx.whole = dim is None
        return _reduced(ctx, a, out, axes, keepdim)

    @staticmethod
    def backward(ctx, g):
        a, out, axes, keepdim = _saved(ctx)
        g = _expand(g, axes, keepdim)
        if a.ndim == 0:           # one number: out = a
            return g
        zeros = int((a == 0).sum())
        if not zeros:             # no zero anywhere: the others multiply to out / aᵢ
            return g * (out / a)
        if not ctx.whole:         # a zero: no division; the others are
            return g * _products_around(a, axes[0])    # (product before i)·(product after i)
        if zeros > 1:             # every element: two zeros make every product of others 0
            return np.zeros_like(a * g)
        return g * _products_around(a.reshape(-1), 0).reshape(a.shape)


def _products_around(a, axis):
    """For each element along axis, the product of all the others, without dividing:
    (cumulative product of those before it)·(cumulative product of those after it)."""
    ones = np.ones_like(np.take(a, [0], axis=axis))
    before = np.cumprod(np.concatenate([ones, a], axis=axis), axis=axis)
    after = np.flip(np.cumprod(np.concatenate([ones, np.flip(a, axis)], axis=axis),
                               axis=axis), axis)
    n = a.shape[axis]
    return np.take(before, range(n), axis=axis) * np.take(after, range(1, n + 1), axis=axis)


class LogSumExp(Function):
    label = "LOGSUMEXP"
    math = Math.of("out = ln Σ eᵃ = m + ln Σ eᵃ⁻ᵐ      (Σ over dim; m = max a, so no eˣ "
                   "overflows)",
                   "∂out/∂aᵢ = eᵃⁱ⁻ᵒᵘᵗ = softmax(a)ᵢ",
                   "∂L/∂a = g · eᵃ⁻ᵒᵘᵗ")

    @staticmethod
    def forward(ctx, a, dim, keepdim=False):
        axes = _axes(dim, a.ndim)
        m = np.max(a, axis=axes, keepdims=True, initial=-np.inf)
        m = np.where(np.isinf(m), 0, m).astype(a.dtype, copy=False)  # no ∞ − ∞ = nan from m
        with np.errstate(divide="ignore"):                           # ln 0 = −∞: all −∞
            out = np.log(np.exp(a - m).sum(axis=axes, keepdims=True)) + m
        return _reduced(ctx, a, out, axes, keepdim)

    @staticmethod
    def backward(ctx, g):
        a, out, axes, keepdim = _saved(ctx)
        with np.errstate(invalid="ignore"):  # a slice of ±∞: ∞ − ∞ = nan, as torch gives
            return _expand(g, axes, keepdim) * np.exp(a - out)


class CumSum(Function):
    label = "CUMSUM"
    math = Math.of("out = running sum of a along dim: outᵢ = Σⱼ≤ᵢ aⱼ",
                   "∂outᵢ/∂aⱼ = 1 where j ≤ i, else 0",
                   "∂L/∂aⱼ = Σᵢ≥ⱼ gᵢ      (the running sum of g taken from the end)")

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return a.copy() if a.ndim == 0 else row_order(np.cumsum(a, axis=dim, dtype=a.dtype))

    @staticmethod
    def backward(ctx, g):
        if g.ndim == 0:
            return g
        d = ctx.dim
        return np.flip(np.cumsum(np.flip(g, d), axis=d), d)


class Dot(Function):
    label = "DOT"
    math = Math.of("out = a · b = Σ aᵢbᵢ      (two vectors of one length)",
                   ("∂out/∂a = b", "∂out/∂b = a"),
                   ("∂L/∂a = g · b", "∂L/∂b = g · a"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.asarray(np.dot(a, b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return (g * b if ctx.needs_input_grad[0] else None,
                g * a if ctx.needs_input_grad[1] else None)


class Norm(Function):  # a vector norm of finite order p (p = 2 is the Euclidean length)
    label = "NORM"
    math = Math.of("out = ‖a‖ₚ = (Σ |a|ᵖ)^(1/p)      (over dim; p = 2: √Σ a², p = 1: Σ |a|, "
                   "p = 0: how many a ≠ 0)",
                   "∂out/∂a = sign(a)·|a|ᵖ⁻¹ / outᵖ⁻¹      (p = 2: a / out, p = 1: sign(a); "
                   "0 where a = 0; none for p = 0)",
                   "∂L/∂a = g · sign(a)·|a|ᵖ⁻¹ / outᵖ⁻¹      (0 where a = 0)")

    @staticmethod
    def forward(ctx, a, p, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        count = math.prod(a.shape[i] for i in axes)  # numbers in each norm
        with np.errstate(divide="ignore", over="ignore", under="ignore"):  # p < 0 and a 0:
            if p == 0:                                                   # |0|ᵖ = ∞, out = 0
                out = (a != 0).sum(axis=axes, keepdims=True).astype(a.dtype)
            elif count == 1:   # one number: |a| itself, as torch (no a² to over/underflow)
                out = np.abs(a)
            elif p == 2:
                out = np.sqrt((a * a).sum(axis=axes, keepdims=True))
            elif p == 1:
                out = np.abs(a).sum(axis=axes, keepdims=True)
            else:
                out = ((np.abs(a) ** p).sum(axis=axes, keepdims=True) ** (1 / p)).astype(
                    a.dtype, copy=False)
        ctx.p = p
        return _reduced(ctx, a, out, axes, keepdim)

    @staticmethod
    def backward(ctx, g):
        a, out, axes, keepdim = _saved(ctx)
        p = ctx.p
        if p == 0:  # a count is flat: torch passes no gradient back
            return None
        g = _expand(g, axes, keepdim)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 1:
                return (sgn(a) * g).astype(a.dtype, copy=False)
            if p < 1:   # |a|ᵖ⁻¹ is ∞ at a = 0: taken as 0 there
                local = np.where(a == 0, 0, sgn(a) * np.abs(a) ** (p - 1))
                return (local * g * out ** (1 - p)).astype(a.dtype, copy=False)
            # where out = 0 every a is 0: the gradient is 0 (the slope of ‖a‖ at 0 has no
            # limit); the 0 goes into g / outᵖ⁻¹, so a nan or inf still spreads through a
            scale = np.where(out == 0, 0, g / out ** (p - 1))
            local = a if p == 2 else sgn(a) * np.abs(a) ** (p - 1)
            return (local * scale).astype(a.dtype, copy=False)


class NormMax(Function):  # the norms of order p = ∞ (largest |a|) and p = −∞ (smallest |a|)
    label = "NORM"
    math = Math.of("out = max |a|      (p = ∞; p = −∞: min |a|; over dim)",
                   "∂out/∂a = sign(a)/k where |a| = out (k elements tie for it), else 0",
                   "∂L/∂a = g · sign(a)/k where |a| = out, else 0")

    @staticmethod
    def forward(ctx, a, p, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        size = np.abs(a)
        out = (size.max if p > 0 else size.min)(axis=axes, keepdims=True)
        return _reduced(ctx, a, out, axes, keepdim)

    @staticmethod
    def backward(ctx, g):
        a, out, axes, keepdim = _saved(ctx)
        size = np.abs(a)
        hits = (size == out) | np.isnan(size)          # a nan is the max (torch's choice)
        ties = hits.sum(axis=axes, keepdims=True).astype(a.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = _expand(g, axes, keepdim) / ties
            return (sgn(a) * (share * hits)).astype(a.dtype, copy=False)


# torch's grad_fn name where it is not <ClassName>Backward0 (merged into math_ops.TORCH_NAMES;
# the Tensor methods rename prod(dim) to ProdBackward1)
TORCH_NAMES = {
    LogSumExp: "LogsumexpBackward0", CumSum: "CumsumBackward0",
    Norm: "LinalgVectorNormBackward0", NormMax: "LinalgVectorNormBackward0",
}
