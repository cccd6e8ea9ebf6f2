"""The other layers of the language-model lessons: embedding, gelu, leaky_relu, pad.
(l1_loss is |x − y| then a mean or a sum, as in torch: nn/functional_layers.py.)
Arguments are checked in nn/functional_layers.py."""
import math

import numpy as np
from numpy.polynomial import chebyshev

from ..autograd.function import Function, Math

# torch's grad_fn name where it is not <ClassName>Backward0 (read by grad_fn_names.py)
TORCH_NAMES = {}


class Embedding(Function):
    """A lookup table: row idx of the weight W for every index idx (a character, a token)."""
    label = "EMBEDDING"
    math = Math.of("out = W[idx]      (the row idx of W, for every index)",
                   "∂out[i]/∂W[r] = 1 where idx[i] = r, else 0",
                   "∂L/∂W[r] = Σ g[i] over the i with idx[i] = r      (0 for the padding row)")

    @staticmethod
    def forward(ctx, weight, *, indices, padding_idx=None, scale_grad_by_freq=False):
        ctx.save_for_backward(indices)
        ctx.shape, ctx.padding_idx, ctx.by_freq = weight.shape, padding_idx, scale_grad_by_freq
        return weight[indices]

    @staticmethod
    def backward(ctx, g):
        (indices,) = ctx.saved
        rows, dim = ctx.shape
        flat = indices.reshape(-1).astype(np.intp, copy=False)
        # a row used k times gets the sum of its k gradients: count each cell (row, column)
        # of W, weighted by g. One bincount over the cells beats np.add.at(grad, flat, g)
        # 1.7x on 32x3 lookups into 27x10 and 4.4x on 64x8 into 65x64 (NumPy 2.4)
        cells = (flat[:, None] * dim + np.arange(dim)).reshape(-1)
        grad = np.bincount(cells, weights=g.reshape(-1), minlength=rows * dim)
        grad = grad.reshape(rows, dim).astype(g.dtype, copy=False)
        if ctx.by_freq:   # each row's sum divided by how often the batch used it
            grad /= np.maximum(np.bincount(flat, minlength=rows), 1)[:, None]
        if ctx.padding_idx is not None:
            grad[ctx.padding_idx] = 0
        return grad


# -- GELU: a·Φ(a), Φ the standard normal CDF -------------------------------------------------
def _erfc_scaled_tail_polynomial(degree=24, k=3.0):
    """Coefficients (lowest first) of the polynomial P in t = 1 − 2k/(z + k) ∈ [−1, 1) with
    P(t) ≈ erfc(z)·e^(z²) for z ≥ 0: a smooth function, from 1 at z = 0 down to
    ~1/(z√π). Fitted once at import, at Chebyshev points, to math.erfc (NumPy has no erf);
    tests/test_canon_layers.py checks Φ from it against math.erfc."""
    nodes = np.cos(np.pi * (np.arange(degree + 1) + 0.5) / (degree + 1))
    values = []
    for t in nodes:
        z = k * (1 + t) / (1 - t)
        if z < 10:
            values.append(math.erfc(z) * math.exp(z * z))
        else:   # e^(z²) overflows: the asymptotic series (1 − 1/(2z²) + 3/(2z²)² − …)/(z√π)
            term = total = 1.0
            for j in range(1, 30):
                term *= -(2 * j - 1) / (2 * z * z)
                total += term
            values.append(total / (z * math.sqrt(math.pi)))
    return chebyshev.cheb2poly(chebyshev.chebfit(nodes, values, degree))


# highest power first, for Horner's rule: degree 24 is float64's rounding (Φ within 1e-14),
# degree 12 is float32's (within 5e-9) at half the work. The float32 coefficients are float32
# numbers: a float64 one would make each `tail += c` a float64 pass (3x slower, NumPy 2)
_TAIL = {np.dtype(np.float64): _erfc_scaled_tail_polynomial(24)[::-1],
         np.dtype(np.float32): _erfc_scaled_tail_polynomial(12)[::-1].astype(np.float32)}
_BLOCK = 1 << 15   # elements per pass: the Horner steps then stay in the CPU's cache
#                    (2x faster on a 32x64x1536 float32 GELU, measured on NumPy 2.4)


def normal_cdf(a):
    """Φ(a) = ½·erfc(−a/√2), in a's dtype: ½·erfc(|a|/√2) for a < 0, one minus that above.
    Large arrays go through in blocks (a loop over blocks, not over elements)."""
    if a.dtype not in _TAIL:   # float16: computed in float32 and rounded once, as torch does
        return normal_cdf(a.astype(np.float32)).astype(a.dtype)
    flat = a.reshape(-1)       # (1-D: a 0-d array would turn into a NumPy scalar below)
    if a.size <= _BLOCK:
        return _normal_cdf_block(flat).reshape(a.shape)
    out = np.empty_like(flat)
    for start in range(0, flat.size, _BLOCK):
        out[start:start + _BLOCK] = _normal_cdf_block(flat[start:start + _BLOCK])
    return out.reshape(a.shape)


def _normal_cdf_block(a):
    coefficients = _TAIL[a.dtype]
    # each step below works in place on z, t or tail: ~20 passes over the block, not ~40
    z = np.abs(a)
    z *= 1 / math.sqrt(2)
    t = z + 3
    np.divide(-6, t, out=t)
    t += 1                              # t = 1 − 6/(z + 3) = (z − 3)/(z + 3), also at z = ∞
    tail = t * coefficients[0]
    tail += coefficients[1]
    for c in coefficients[2:]:
        tail *= t
        tail += c
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)                    # e^(−z²): underflows to 0, never overflows
    z *= 0.5
    tail *= z                           # ½·erfc(|a|/√2)
    # torch computes ½·(1 + erf(a/√2)), which cancels to exactly 0 once erf rounds to −1
    # (past a ≈ −5.4 in float32, −8.3 in float64): 0 there too, so gelu is −0.0 as in torch.
    # 1 − 2·tail rounds to 1 exactly when tail ≤ ¼ of the gap below 1 (2⁻²⁶ in float32);
    # zeroing such a tail leaves 1 − tail (the a ≥ 0 side) unchanged. (× a mask, not
    # np.where: a branch per element is slow on random signs, 500 µs on 131,072 numbers)
    tail *= tail > np.finfo(tail.dtype).epsneg / 4
    # Φ = tail where a is negative, 1 − tail elsewhere: (1 − [sign bit]) − (tail with a's sign)
    np.copysign(tail, a, out=tail)
    return np.logical_not(np.signbit(a)) - tail


_TANH_K = math.sqrt(2 / math.pi)


class Gelu(Function):
    """GELU: a scaled by the probability Φ(a) that a standard normal number is below a.
    approximate='tanh' uses Φ(a) ≈ ½(1 + tanh(√(2/π)(a + 0.044715a³)))."""
    label = "GELU"
    math = Math.of("out = a·Φ(a)      (Φ: the standard normal CDF, or its tanh approximation)",
                   "∂out/∂a = Φ(a) + a·Φ′(a)      (Φ′(a) = e^(−a²/2)/√(2π))",
                   "∂L/∂a = g · (Φ(a) + a·Φ′(a))")

    @staticmethod
    def forward(ctx, a, *, approximate="none"):
        if approximate == "tanh":
            cdf = 0.5 * (1 + np.tanh(_TANH_K * (a + 0.044715 * a * a * a)))
        else:
            cdf = normal_cdf(a)
        ctx.save_for_backward(a, cdf)
        ctx.approximate = approximate
        return a * cdf

    @staticmethod
    def backward(ctx, g):
        a, cdf = ctx.saved
        if ctx.approximate == "tanh":   # d/da ½(1 + tanh u) = ½(1 − tanh²u)·du/da
            tanh_u = 2 * cdf - 1
            pdf = 0.5 * (1 - tanh_u * tanh_u) * _TANH_K * (1 + 3 * 0.044715 * a * a)
            return g * (cdf + a * pdf)
        # Φ′(a) = e^(−a²/2)/√(2π), then Φ + a·Φ′, then · g, on one array in place: the same
        # numbers as g * (cdf + a * pdf), 1.2x faster on 32x16x256
        d = np.multiply(a, a, out=np.empty_like(a))   # (out=: an array even when 0-d)
        d *= -0.5
        np.exp(d, out=d)
        d *= 1 / math.sqrt(2 * math.pi)
        d *= a
        d += cdf
        d *= g
        return d


class LeakyRelu(Function):
    """Leaky ReLU: a above 0; below, a small slope s·a instead of 0, so it keeps a gradient."""
    label = "LEAKY_RELU"
    math = Math.of("out = a where a > 0, else s·a      (s = negative_slope)",
                   "∂out/∂a = 1 where a > 0, else s",
                   "∂L/∂a = g where a > 0, else s·g")

    @staticmethod
    def forward(ctx, a, *, negative_slope=0.01):
        positive = a > 0
        ctx.save_for_backward(positive)
        ctx.slope = negative_slope
        return np.where(positive, a, a * negative_slope)

    @staticmethod
    def backward(ctx, g):
        (positive,) = ctx.saved
        return np.where(positive, g, g * ctx.slope)


def pad_slices(shape, pads):
    """Where a sits before and after padding: (its slice of a, the slice of out it fills, out's
    shape), for pads = one (before, after) pair per dim; a negative pad cuts that many away."""
    kept, placed, out_shape = [], [], []
    for n, (before, after) in zip(shape, pads):
        cut, start = max(-before, 0), max(before, 0)
        length = n - cut - max(-after, 0)
        kept.append(slice(cut, cut + length))
        placed.append(slice(start, start + length))
        out_shape.append(start + length + max(after, 0))
    return tuple(kept), tuple(placed), tuple(out_shape)


class ConstantPadNd(Function):
    """Constant padding: a surrounded by ``value`` (or cropped, where a pad is negative)."""
    label = "PAD"
    math = Math.of("out = a with `value` added around it (a negative pad cuts a instead)",
                   "∂out/∂a = 1 where out holds an element of a, else 0",
                   "∂L/∂a = the slice of g where a sits      (0 where a was cut away)")

    @staticmethod
    def forward(ctx, a, *, pads, value=0):
        kept, placed, out_shape = pad_slices(a.shape, pads)
        out = np.full(out_shape, value, a.dtype)
        out[placed] = a[kept]
        ctx.slices, ctx.shape = (kept, placed), a.shape
        return out

    @staticmethod
    def backward(ctx, g):
        kept, placed = ctx.slices
        grad = np.zeros(ctx.shape, g.dtype)
        grad[kept] = g[placed]
        return grad
