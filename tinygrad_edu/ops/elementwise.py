"""Elementwise arithmetic. Binary ops broadcast; backward sums the gradient back to each
input's shape with ``unbroadcast``. An input may be a plain Python number (no gradient)."""
import numpy as np

from ..autograd.function import Function
from ._util import unbroadcast, array_module


def _shape(x):
    return x.shape if isinstance(x, np.ndarray) else None


class Add(Function):
    label = "ADD"
    formula = "∂(a+b)/∂a = g   ∂(a+b)/∂b = g"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return a + b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return (unbroadcast(g, sa) if sa is not None else None,
                unbroadcast(g, sb) if sb is not None else None)


class Sub(Function):
    label = "SUB"
    formula = "∂(a-b)/∂a = g   ∂(a-b)/∂b = -g"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return a - b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return (unbroadcast(g, sa) if sa is not None else None,
                unbroadcast(-g, sb) if sb is not None else None)


class RSub(Function):  # number - tensor
    label = "SUB"
    formula = "∂(c-a)/∂a = -g"
    torch_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, c):
        return c - a

    @staticmethod
    def backward(ctx, g):
        return -g, None


class Mul(Function):
    label = "MUL"
    formula = "∂(a·b)/∂a = g·b   ∂(a·b)/∂b = g·a"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        ga = unbroadcast(g * b, a.shape) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(g * a, b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    label = "DIV"
    formula = "∂(a/b)/∂a = g/b   ∂(a/b)/∂b = -g·a/b²"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        ga = unbroadcast(g / b, a.shape) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(-g * a / (b * b), b.shape) if ctx.needs_input_grad[1] else None
        return ga, gb


class RDiv(Function):  # number / tensor
    label = "DIV"
    formula = "∂(c/a)/∂a = -g·c/a²"
    torch_name = "MulBackward0"  # torch computes c / a as reciprocal(a) * c

    @staticmethod
    def forward(ctx, a, c):
        ctx.save_for_backward(a)
        ctx.c = c
        return c / a

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return -g * ctx.c / (a * a), None


class Pow(Function):  # tensor ** number
    label = "POW"
    formula = "∂(aⁿ)/∂a = g·n·aⁿ⁻¹"

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return a ** n

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        n = ctx.n
        if n == 0:
            return g * 0, None
        return g * (n * a ** (n - 1)), None


class PowTensor(Function):  # a ** b where b is a tensor (a a tensor or a number)
    label = "POW"
    formula = "∂(aᵇ)/∂a = g·b·aᵇ⁻¹   ∂(aᵇ)/∂b = g·aᵇ·ln a"
    torch_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        out = a ** b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved
        xp = array_module(out)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = unbroadcast(g * b * a ** (b - 1), a.shape)
        if ctx.needs_input_grad[1]:
            # where a == 0 the derivative b ↦ 0ᵇ is taken as 0, as torch does
            log_a = xp.log(xp.where(a == 0, 1, a))
            gb = unbroadcast(g * out * log_a, b.shape)
        return ga, gb


class RPow(Function):  # number ** tensor
    label = "POW"
    formula = "∂(cᵃ)/∂a = g·cᵃ·ln c"
    torch_name = "PowBackward2"

    @staticmethod
    def forward(ctx, a, c):
        out = (c ** a).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        ctx.c = c
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        if ctx.c == 0:  # 0ᵃ: torch takes the derivative as 0
            return g * 0, None
        return g * out * np.log(ctx.c), None


class Remainder(Function):  # a % b (the sign of b, like Python's and torch's)
    label = "MOD"
    formula = "∂(a mod b)/∂a = g   ∂(a mod b)/∂b = -g·floor(a/b)"

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        ctx.save_for_backward(a, b)
        ctx.torch_name = "RemainderBackward1" if isinstance(b, np.ndarray) else "RemainderBackward0"
        return xp.asarray(xp.remainder(a, b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        ga = unbroadcast(g, _shape(a)) if ctx.needs_input_grad[0] else None
        gb = (unbroadcast(-g * array_module(g).floor(a / b), b.shape)
              if ctx.needs_input_grad[1] else None)
        return ga, gb


class Neg(Function):
    label = "NEG"
    formula = "∂(-a)/∂a = -g"

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


class Exp(Function):
    label = "EXP"
    formula = "∂eᵃ/∂a = g·eᵃ"

    @staticmethod
    def forward(ctx, a):
        out = array_module(a).exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return g * out


class Log(Function):
    label = "LOG"
    formula = "∂ln a/∂a = g/a"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return array_module(a).log(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / a


class Sqrt(Function):
    label = "SQRT"
    formula = "∂√a/∂a = g/(2√a)"

    @staticmethod
    def forward(ctx, a):
        out = array_module(a).sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return g / (2 * out)


class Abs(Function):
    label = "ABS"
    formula = "∂|a|/∂a = g·sign(a)"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return array_module(a).abs(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g * array_module(a).sign(a)


class Clamp(Function):
    label = "CLAMP"
    formula = "∂clamp(a)/∂a = g where min ≤ a ≤ max, else 0"
    torch_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, min=None, max=None):
        ctx.save_for_backward(a)
        ctx.bounds = (min, max)
        return array_module(a).clip(a, min, max)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        lo, hi = ctx.bounds
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            inside &= a >= lo
        if hi is not None:
            inside &= a <= hi
        return g * inside


class Maximum(Function):  # torch.maximum(a, b), torch.max(a, b)
    label = "MAX"
    formula = "∂max(a,b)/∂a = g where a > b, g/2 where a = b, else 0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return _split_by_winner(g, a > b, a == b, a.shape, b.shape, ctx.needs_input_grad)


class Minimum(Function):  # torch.minimum(a, b), torch.min(a, b)
    label = "MIN"
    formula = "∂min(a,b)/∂a = g where a < b, g/2 where a = b, else 0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return _split_by_winner(g, a < b, a == b, a.shape, b.shape, ctx.needs_input_grad)


def _split_by_winner(g, a_wins, tie, a_shape, b_shape, needs):
    """g goes to the input that won; on a tie each gets half (as torch does)."""
    half = g * 0.5
    ga = unbroadcast(np.where(a_wins, g, np.where(tie, half, 0)), a_shape) if needs[0] else None
    gb = (unbroadcast(np.where(a_wins, 0, np.where(tie, half, g)), b_shape)
          if needs[1] else None)
    return ga, gb


class Cast(Function):
    label = "CAST"
    formula = "∂cast(a)/∂a = cast back(g)"
    torch_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype, order="K"):
        ctx.dtype = a.dtype
        return a.astype(dtype, order=order)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.dtype), None
