"""Powers: a ** n (n a number), a ** b (b a tensor), c ** a (c a number). As in
elementwise.py, a binary op's backward sums the gradient back to each input's shape with
``unbroadcast``; a plain number gets no gradient."""
import numpy as np

from ..autograd.function import Function, Math
from ._util import unbroadcast
from .layout import laid_out, row_order


class Pow(Function):  # tensor ** number
    label = "POW"
    math = Math.of("out = aⁿ", "∂out/∂a = n·aⁿ⁻¹", "∂L/∂a = g · n·aⁿ⁻¹")

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return power(a, n)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        n = ctx.n
        if n == 0 and not isinstance(n, bool):  # a⁰ = 1: no slope (zeros even where g is
            return np.zeros_like(g), None          # inf or nan; torch's test skips False)
        with np.errstate(divide="ignore", invalid="ignore"):
            return g * (n * power(a, n - 1)), None


def power(a, n):
    """aⁿ for a Python number n. An integer n beyond float32's exact integers (|n| > 2²⁴)
    would round to an even float32 and lose the sign of a negative base: torch keeps the
    exponent a double, so such powers are taken in float64."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # as torch: inf, nan
        if isinstance(n, int) and abs(n) > 2 ** 24 and a.dtype == np.float32:
            return (a.astype(np.float64) ** n).astype(np.float32)
        return a ** n


class PowTensor(Function):  # a ** b where b is a tensor (a a tensor or a number)
    label = "POW"
    math = Math.of("out = aᵇ",
                   ("∂out/∂a = b·aᵇ⁻¹      (0 where b = 0)",
                    "∂out/∂b = out·ln a      (0 where a = 0 and b ≥ 0)"),
                   ("∂L/∂a = g · b·aᵇ⁻¹      (0 where b = 0)",
                    "∂L/∂b = g · out·ln a      (0 where a = 0 and b ≥ 0)"))

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 = inf, as in torch
            out = np.asarray(a ** b)
        # (−∞)ᵇ with b not an integer: numpy gives nan, torch's C pow +∞ (b > 0) or +0
        if out.dtype.kind == "f" and np.isneginf(a).any():
            wild = np.isneginf(a) & np.isfinite(b) & (np.floor(b) != b)
            out = np.where(wild, np.where(b > 0, np.inf, 0.0).astype(out.dtype), out)
        out = laid_out(out, a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved
        ga = gb = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if ctx.needs_input_grad[0]:  # where b = 0, out = 1 has no slope: 0 (even at a = 0)
                ga = unbroadcast(np.where(b == 0, 0, g * b * a ** (b - 1)), a.shape)
            if ctx.needs_input_grad[1]:
                # where a = 0 and b ≥ 0 the slope of b ↦ 0ᵇ is taken as 0, as torch does
                # (for b < 0, out·ln a = ∞·(−∞) = −∞)
                gb = unbroadcast(g * np.where((a == 0) & (b >= 0), 0, out * np.log(a)),
                                 b.shape)
        return ga, gb


class RPow(Function):  # number ** tensor
    label = "POW"
    math = Math.of("out = cᵃ", "∂out/∂a = out·ln c", "∂L/∂a = g · out·ln c")

    @staticmethod
    def forward(ctx, a, c):
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 = inf, as in torch
            out = row_order((c ** a).astype(a.dtype, copy=False))
        ctx.save_for_backward(out)
        ctx.c = c
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            if ctx.c == 0:  # 0ᵃ: the slope is taken as 0 where a ≥ 0 (out = 0 or 1), as torch
                # does; where a < 0, out·ln 0 = ∞·(−∞) = −∞
                return g * np.where(out <= 1, 0, out * -np.inf).astype(out.dtype, copy=False), None
            return g * out * np.log(ctx.c), None
