"""Matrix products: the MM node of every linear layer, and Linear (x @ Wᵀ + b fused)."""
import math

import numpy as np

from ..autograd.function import Function, Math
from ._util import unbroadcast


def transposed_product(a, b):
    """aᵀ @ b for matrices a (K, M) and b (K, N). For one row (K = 1: a batch of one) the
    product is an outer product, each element one multiplication, no sums; NumPy's einsum
    writes it fastest (exact, the same numbers): 2048×2048 18.6 ms with sgemm, 2.8 ms with a
    broadcast multiply, 1.2 ms with einsum; 64×784 161 → 14 → 10 µs (docs/benchmarks.md,
    "Wide layers"). Under about a thousand elements the matmul is as fast, so it stays."""
    if len(a) == 1 and a.shape[1] * b.shape[1] >= 1024:
        return np.einsum("ki,kj->ij", a, b)
    return a.T @ b


class MatMul(Function):
    label = "MM"
    math = Math.of("out = A @ B      (outᵢⱼ = Σₖ Aᵢₖ·Bₖⱼ)",
                   ("∂outᵢⱼ/∂Aᵢₖ = Bₖⱼ", "∂outᵢⱼ/∂Bₖⱼ = Aᵢₖ"),
                   ("∂L/∂A = g @ Bᵀ", "∂L/∂B = Aᵀ @ g"))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        # a vector is a one-row matrix (A) or a one-column matrix (B) ...
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if b.ndim == 1:  # ... so g gets back the axes the vectors lost: the column's ...
            g = np.expand_dims(g, -1)
        if a.ndim == 1:  # ... then the row's
            g = np.expand_dims(g, -2)
        ga = gb = None
        if ctx.needs_input_grad[0]:   # g @ Bᵀ, summed over broadcast batch dims
            ga = unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:   # Aᵀ @ g
            at_g = (transposed_product(a2, g) if a2.ndim == 2 and g.ndim == 2
                    else np.swapaxes(a2, -1, -2) @ g)
            gb = unbroadcast(at_g, b2.shape).reshape(b.shape)
        return ga, gb


class Linear(Function):
    """A linear layer's x @ Wᵀ + b in one node (torch's addmm). x holds one sample per row."""
    label = "LINEAR"
    math = Math.of("out = x @ Wᵀ + b",
                   ("∂outₙⱼ/∂xₙₖ = Wⱼₖ", "∂outₙⱼ/∂Wⱼₖ = xₙₖ", "∂outₙⱼ/∂bⱼ = 1"),
                   ("∂L/∂x = g @ W", "∂L/∂W = gᵀ @ x", "∂L/∂b = Σₙ gₙ      (summed over the rows)"))

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.save_for_backward(x, weight)
        # a batch of any shape (B, T, in) is one matrix of B·T rows: one sgemm, as torch's
        # addmm, instead of NumPy's one small product per batch entry (3.8x faster on
        # 32x16x64 @ 64x192, measured: docs/benchmarks.md, Round 2)
        out = _rows(x) @ weight.T
        if bias is not None:
            out += bias
        return out.reshape(*x.shape[:-1], out.shape[-1])

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved
        need_x, need_w, need_b = (ctx.needs_input_grad + (False,))[:3]
        g, rows = _rows(g), _rows(x)   # every sample is a row, as in forward
        gx = (g @ weight).reshape(x.shape) if need_x else None
        gw = transposed_product(g, rows) if need_w else None
        gb = g.sum(axis=0) if need_b else None
        return gx, gw, gb


def _rows(a):
    """A vector (k,) or a stack (…, k) as one (rows, k) matrix (a view when its rows lie one
    after the other; the count is given: -1 cannot be inferred from 0 elements)."""
    if a.ndim == 2:
        return a
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])
