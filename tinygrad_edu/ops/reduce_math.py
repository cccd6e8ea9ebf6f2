"""Reductions of the canon: prod, logsumexp, cumsum, dot and the vector norms, each with the
gradient torch gives (zeros in a product, ±∞ in a log-sum-exp, the zero vector of a norm).
Their torch names are listed in math_ops.TORCH_NAMES, which grad_fn_names.py reads."""
import numpy as np

from ..autograd.function import Function, Math
from .elementwise import sgn
from .reduce import _axes


def _expand(g, axes, keepdim):
    """Give a reduced gradient its reduced axes back (size 1), to broadcast against a."""
    return g if keepdim else np.expand_dims(g, axes)


def _reduced(ctx, a, out, axes, keepdim):
    """Keep a and out (its reduced axes still there, size 1) for backward; hand out back as
    the call asked for it."""
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
        ctx.save_for_backward(a)
        ctx.info = (axes, keepdim)
        return np.asarray(a.prod(axis=axes, keepdims=keepdim, dtype=a.dtype))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        axes, keepdim = ctx.info
        zero = a == 0
        zeros = zero.sum(axis=axes, keepdims=True)          # how many zeros each slice holds
        nonzero = np.where(zero, 1, a)
        rest = nonzero.prod(axis=axes, keepdims=True)       # the product of the nonzero ones
        # no zero: the others multiply to rest / aᵢ; one zero: to rest at the zero and to 0
        # elsewhere (their product holds the zero); two zeros or more: to 0 everywhere
        others = np.where(zeros == 0, rest / nonzero, np.where(zero & (zeros == 1), rest, 0))
        return _expand(g, axes, keepdim) * others


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
        return a.copy() if a.ndim == 0 else np.cumsum(a, axis=dim, dtype=a.dtype)

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
        with np.errstate(divide="ignore"):  # p < 0 with a zero: |0|ᵖ = ∞, and out = 0
            if p == 2:
                out = np.sqrt((a * a).sum(axis=axes, keepdims=True))
            elif p == 1:
                out = np.abs(a).sum(axis=axes, keepdims=True)
            elif p == 0:
                out = (a != 0).sum(axis=axes, keepdims=True).astype(a.dtype)
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
        with np.errstate(divide="ignore", invalid="ignore"):  # masked below, where a = 0
            if p == 2:
                local = a / out
            elif p == 1:
                local = sgn(a)
            else:
                local = np.sign(a) * np.abs(a) ** (p - 1) * out ** (1 - p)
            return np.where(a == 0, 0, _expand(g, axes, keepdim) * local).astype(a.dtype)


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
        hits = np.abs(a) == out
        ties = hits.sum(axis=axes, keepdims=True)
        share = _expand(g, axes, keepdim) * sgn(a) / np.maximum(ties, 1)
        return np.where(hits, share, 0).astype(a.dtype, copy=False)


# torch's grad_fn name where it is not <ClassName>Backward0 (merged into math_ops.TORCH_NAMES;
# the Tensor methods rename prod(dim) to ProdBackward1)
TORCH_NAMES = {
    LogSumExp: "LogsumexpBackward0", CumSum: "CumsumBackward0",
    Norm: "LinalgVectorNormBackward0", NormMax: "LinalgVectorNormBackward0",
}
