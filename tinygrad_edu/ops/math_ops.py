"""More elementwise math: trigonometric and hyperbolic functions, logarithms in other bases,
rounding and signs (the reductions prod, logsumexp, cumsum, dot and norm are in
reduce_math.py).

Each elementwise Function is the chain rule with its own derivative: ∂L/∂a = g · f′(a).
The rounding family (sign, floor, ceil, round, trunc) is flat between its jumps, so its
derivative is 0 everywhere torch computes one."""
import math

import numpy as np

from ..autograd.function import Function, Math
from .elementwise import sgn
from . import reduce_math

LN10, LN2 = math.log(10), math.log(2)


# -- trigonometric and hyperbolic functions ---------------------------------------------------
class Sin(Function):
    label = "SIN"
    math = Math.of("out = sin(a)", "∂out/∂a = cos(a)", "∂L/∂a = g · cos(a)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g * np.cos(a)


class Cos(Function):
    label = "COS"
    math = Math.of("out = cos(a)", "∂out/∂a = −sin(a)", "∂L/∂a = −g · sin(a)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g * -np.sin(a)


class Tan(Function):
    label = "TAN"
    math = Math.of("out = tan(a)", "∂out/∂a = 1/cos²(a) = 1 + out²", "∂L/∂a = g · (1 + out²)")

    @staticmethod
    def forward(ctx, a):
        out = np.tan(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return g * (1 + out * out)


class Sinh(Function):
    label = "SINH"
    math = Math.of("out = sinh(a) = (eᵃ − e⁻ᵃ)/2", "∂out/∂a = cosh(a)", "∂L/∂a = g · cosh(a)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g * np.cosh(a)


class Cosh(Function):
    label = "COSH"
    math = Math.of("out = cosh(a) = (eᵃ + e⁻ᵃ)/2", "∂out/∂a = sinh(a)", "∂L/∂a = g · sinh(a)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cosh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g * np.sinh(a)


class Asin(Function):
    label = "ASIN"
    math = Math.of("out = asin(a)      (−1 ≤ a ≤ 1)", "∂out/∂a = 1/√(1 − a²)",
                   "∂L/∂a = g / √(1 − a²)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsin(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / np.sqrt(1 - a * a)


class Acos(Function):
    label = "ACOS"
    math = Math.of("out = acos(a)      (−1 ≤ a ≤ 1)", "∂out/∂a = −1/√(1 − a²)",
                   "∂L/∂a = −g / √(1 − a²)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arccos(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return -g / np.sqrt(1 - a * a)


class Atan(Function):
    label = "ATAN"
    math = Math.of("out = atan(a)", "∂out/∂a = 1/(1 + a²)", "∂L/∂a = g / (1 + a²)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / (1 + a * a)


class Asinh(Function):
    label = "ASINH"
    math = Math.of("out = asinh(a) = ln(a + √(a² + 1))", "∂out/∂a = 1/√(a² + 1)",
                   "∂L/∂a = g / √(a² + 1)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsinh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / np.sqrt(a * a + 1)


class Acosh(Function):
    label = "ACOSH"
    math = Math.of("out = acosh(a) = ln(a + √(a² − 1))      (a ≥ 1)", "∂out/∂a = 1/√(a² − 1)",
                   "∂L/∂a = g / √(a² − 1)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arccosh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / np.sqrt(a * a - 1)


class Atanh(Function):
    label = "ATANH"
    math = Math.of("out = atanh(a) = ½ ln((1 + a)/(1 − a))      (−1 < a < 1)",
                   "∂out/∂a = 1/(1 − a²)", "∂L/∂a = g / (1 − a²)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctanh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / (1 - a * a)


# -- logarithms in other bases, and the two that stay exact near 0 ---------------------------
class Log10(Function):
    label = "LOG10"
    math = Math.of("out = log₁₀ a = ln a / ln 10", "∂out/∂a = 1/(a · ln 10)",
                   "∂L/∂a = g / (a · ln 10)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log10(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / (a * LN10)


class Log2(Function):
    label = "LOG2"
    math = Math.of("out = log₂ a = ln a / ln 2", "∂out/∂a = 1/(a · ln 2)",
                   "∂L/∂a = g / (a · ln 2)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log2(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / (a * LN2)


class Log1p(Function):  # ln(1 + a), exact even where 1 + a would round to 1
    label = "LOG1P"
    math = Math.of("out = ln(1 + a)", "∂out/∂a = 1/(1 + a)", "∂L/∂a = g / (1 + a)")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return g / (a + 1)


class Expm1(Function):  # eᵃ − 1, exact even where eᵃ is close to 1
    label = "EXPM1"
    math = Math.of("out = eᵃ − 1", "∂out/∂a = eᵃ = out + 1", "∂L/∂a = g · (out + 1)")

    @staticmethod
    def forward(ctx, a):
        out = np.expm1(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return g * (out + 1)


# -- steps: flat between their jumps, so the slope torch gives is 0 ----------------------------
FLAT = "∂out/∂a = 0      (flat between the jumps; at a jump torch takes 0 too)"
FLAT_RULE = "∂L/∂a = g · 0 = 0"


class Sign(Function):
    label = "SIGN"
    math = Math.of("out = sign(a)      (−1, 0 or 1; 0 where a is nan)", FLAT, FLAT_RULE)

    @staticmethod
    def forward(ctx, a):
        return sgn(a)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Floor(Function):
    label = "FLOOR"
    math = Math.of("out = ⌊a⌋      (the largest integer ≤ a)", FLAT, FLAT_RULE)

    @staticmethod
    def forward(ctx, a):
        return np.floor(a)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Ceil(Function):
    label = "CEIL"
    math = Math.of("out = ⌈a⌉      (the smallest integer ≥ a)", FLAT, FLAT_RULE)

    @staticmethod
    def forward(ctx, a):
        return np.ceil(a)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Round(Function):
    label = "ROUND"
    math = Math.of("out = round(a · 10ᵈ) / 10ᵈ      (d decimals; halves go to the even "
                   "neighbour)", FLAT, FLAT_RULE)

    @staticmethod
    def forward(ctx, a, decimals=0):
        return np.round(a, decimals)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Trunc(Function):
    label = "TRUNC"
    math = Math.of("out = trunc(a)      (the integer part: rounded towards 0)", FLAT, FLAT_RULE)

    @staticmethod
    def forward(ctx, a):
        return np.trunc(a)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


# torch's grad_fn name where it is not <ClassName>Backward0 (read by grad_fn_names.py; also
# those of reduce_math.py; the Tensor method renames round(decimals=) to RoundBackward1)
TORCH_NAMES = {Log1p: "Log1PBackward0", **reduce_math.TORCH_NAMES}
