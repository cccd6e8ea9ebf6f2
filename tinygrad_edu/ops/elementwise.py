"""Elementwise arithmetic. Binary ops broadcast; backward sums the gradient back to each
input's shape with ``unbroadcast`` (the one place where broadcasting's derivative lives).
An input may be a plain Python number c or n: it gets no gradient."""
import numpy as np

from ..autograd.function import Function, Math
from ._util import select, unbroadcast
from .layout import laid_out


def _shape(x):
    return x.shape if isinstance(x, np.ndarray) else None


class Add(Function):
    label = "ADD"
    math = Math.of("out = a + b",
                   ("∂out/∂a = 1", "∂out/∂b = 1"),
                   ("∂L/∂a = g", "∂L/∂b = g"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return laid_out(a + b, a, b)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return (unbroadcast(g, sa) if sa is not None else None,
                unbroadcast(g, sb) if sb is not None else None)


class Sub(Function):
    label = "SUB"
    math = Math.of("out = a − b",
                   ("∂out/∂a = 1", "∂out/∂b = −1"),
                   ("∂L/∂a = g", "∂L/∂b = −g"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return laid_out(a - b, a, b)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return (unbroadcast(g, sa) if sa is not None else None,
                unbroadcast(-g, sb) if sb is not None else None)


class RSub(Function):  # number − tensor
    label = "SUB"
    math = Math.of("out = c − a", "∂out/∂a = −1", "∂L/∂a = −g")

    @staticmethod
    def forward(ctx, a, c):
        return c - a

    @staticmethod
    def backward(ctx, g):
        return -g, None


class Mul(Function):
    label = "MUL"
    math = Math.of("out = a · b",
                   ("∂out/∂a = b", "∂out/∂b = a"),
                   ("∂L/∂a = g · b", "∂L/∂b = g · a"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return laid_out(a * b, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        ga = unbroadcast(g * b, a.shape) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(g * a, b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    label = "DIV"
    math = Math.of("out = a / b",
                   ("∂out/∂a = 1/b", "∂out/∂b = −a/b² = −(a/b) / b"),
                   ("∂L/∂a = g / b", "∂L/∂b = −g · (a/b) / b"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):  # 1/0 = inf, 0/0 = nan (torch)
            return laid_out(a / b, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        ga = unbroadcast(g / b, a.shape) if ctx.needs_input_grad[0] else None
        # as torch: (a/b)/b, not a/b², whose b² underflows to 0 (a = 0, b = 1e-30: 0, not nan)
        gb = unbroadcast(-g * (a / b / b), b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb


class RDiv(Function):  # number / tensor
    label = "DIV"
    math = Math.of("out = c / a", "∂out/∂a = −c/a² = −c · (1/a)²",
                   "∂L/∂a = −g · c · (1/a)²")

    @staticmethod
    def forward(ctx, a, c):
        ctx.save_for_backward(a)
        ctx.c = c
        return c / a

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        r = 1 / a  # as torch, which computes c / a as (1/a) · c: −(g·c) · (1/a)²
        return -(g * ctx.c) * (r * r), None


class Remainder(Function):  # a % b (the sign of b, like Python's and torch's)
    label = "MOD"
    math = Math.of("out = a mod b = a − b·⌊a/b⌋",
                   ("∂out/∂a = 1", "∂out/∂b = −⌊a/b⌋"),
                   ("∂L/∂a = g", "∂L/∂b = −g · ⌊a/b⌋"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = np.asarray(np.remainder(a, b))
        if out.dtype.kind == "f":  # a zero result has a's sign, as in torch (numpy gives b's)
            out = np.where(out == 0, np.copysign(out, np.asarray(a).astype(out.dtype)), out)
        return laid_out(out, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        ga = unbroadcast(g, _shape(a)) if ctx.needs_input_grad[0] else None
        # ⌊a/b⌋ as torch's floor division computes it (numpy's is the same: exact for huge a)
        gb = unbroadcast(-g * np.floor_divide(a, b), b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb


class Neg(Function):
    label = "NEG"
    math = Math.of("out = −a", "∂out/∂a = −1", "∂L/∂a = −g")

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


class Exp(Function):
    label = "EXP"
    math = Math.of("out = eᵃ", "∂out/∂a = eᵃ = out", "∂L/∂a = g · out")

    @staticmethod
    def forward(ctx, a):
        with np.errstate(over="ignore"):  # e¹⁰⁰⁰ = inf, silently, as in torch
            out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return g * out


class Log(Function):
    label = "LOG"
    math = Math.of("out = ln a", "∂out/∂a = 1/a", "∂L/∂a = g / a")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):  # ln 0 = -inf, ln -1 = nan (torch)
            return np.log(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / a


class Sqrt(Function):
    label = "SQRT"
    math = Math.of("out = √a", "∂out/∂a = 1/(2√a) = 1/(2·out)", "∂L/∂a = g / (2·out)")

    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return g / (2 * out)


class Abs(Function):
    label = "ABS"
    math = Math.of("out = |a|", "∂out/∂a = sign(a)      (0 where a is nan)",
                   "∂L/∂a = g · sign(a)      (0 where a is nan)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g * sgn(a)


def sgn(a):
    """torch's sgn for real numbers: sign(a), with 0 where a is nan (numpy's sign gives nan)."""
    return np.where(np.isnan(a), np.zeros((), a.dtype), np.sign(a))


class Clamp(Function):
    label = "CLAMP"
    math = Math.of("out = min(max(a, lo), hi)",
                   "∂out/∂a = 1 where lo ≤ a ≤ hi, else 0",
                   "∂L/∂a = g where lo ≤ a ≤ hi, else 0")

    @staticmethod
    def forward(ctx, a, min=None, max=None):
        ctx.save_for_backward(a)
        ctx.bounds = (min, max)
        return np.clip(a, min, max)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        lo, hi = ctx.bounds
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            inside &= a >= lo
        if hi is not None:
            inside &= a <= hi
        return select(inside, g)


class Maximum(Function):  # torch.maximum(a, b), torch.max(a, b)
    label = "MAX"
    math = Math.of("out = max(a, b)",
                   ("∂out/∂a = 1 where a > b, ½ where a = b, 0 where a < b (1 if either is nan)",
                    "∂out/∂b = 1 where b > a, ½ where a = b, 0 where b < a (1 if either is nan)"),
                   ("∂L/∂a = g where a > b, g/2 where a = b, 0 where a < b (g if either is nan)",
                    "∂L/∂b = g where b > a, g/2 where a = b, 0 where b < a (g if either is nan)"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return laid_out(np.maximum(a, b), a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return _split_by_loser(g, a < b, a > b, a == b, a.shape, b.shape, ctx.needs_input_grad)


class Minimum(Function):  # torch.minimum(a, b), torch.min(a, b)
    label = "MIN"
    math = Math.of("out = min(a, b)",
                   ("∂out/∂a = 1 where a < b, ½ where a = b, 0 where a > b (1 if either is nan)",
                    "∂out/∂b = 1 where b < a, ½ where a = b, 0 where b > a (1 if either is nan)"),
                   ("∂L/∂a = g where a < b, g/2 where a = b, 0 where a > b (g if either is nan)",
                    "∂L/∂b = g where b < a, g/2 where a = b, 0 where b > a (g if either is nan)"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return laid_out(np.minimum(a, b), a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return _split_by_loser(g, a > b, a < b, a == b, a.shape, b.shape, ctx.needs_input_grad)


def _split_by_loser(g, a_loses, b_loses, tie, a_shape, b_shape, needs):
    """g goes to each input that did not lose: to the winner, half to each on a tie (as torch
    does), and all of g to both where a nan makes every comparison false."""
    half = g / 2
    ga = (unbroadcast(np.where(tie, half, np.where(a_loses, 0, g)), a_shape)
          if needs[0] else None)
    gb = (unbroadcast(np.where(tie, half, np.where(b_loses, 0, g)), b_shape)
          if needs[1] else None)
    return ga, gb


class Cast(Function):  # .float(), .double(), .to(dtype); also .clone() (same dtype)
    label = "CAST"
    math = Math.of("out = a, converted to another dtype",
                   "∂out/∂a = 1",
                   "∂L/∂a = g, converted back to a's dtype")

    @staticmethod
    def forward(ctx, a, dtype, order="K"):
        ctx.dtype = a.dtype
        return a.astype(dtype, order=order)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.dtype), None
