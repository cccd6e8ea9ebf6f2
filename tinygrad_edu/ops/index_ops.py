"""Gathering, scattering, sorting and rolling: gather, scatter, index_select, sort, topk,
tril/triu, roll, split/unbind pieces, bmm (and, at the end, the counting of sort's order and
of histograms, which have no gradient). They pick numbers out or put them in: backward
sends g back to where each number came from (adding where one number was picked twice)."""
import numpy as np

from ..autograd.function import Function, Math
from .layout import like, row_order
from .linalg import MatMul

# torch's grad_fn name where it is not <ClassName>Backward0 (read by grad_fn_names.py)
TORCH_NAMES = {}


def positions(index, dim):
    """Where each entry of ``index`` points in the tensor it indexes: its own coordinates,
    with the index's value in place of the coordinate along ``dim`` (as a NumPy key)."""
    at = list(np.indices(index.shape, sparse=True))
    at[dim] = index
    return tuple(at)


def leading(index, shape):
    """The key of the block of an array of ``shape`` that starts at 0 and has the index's
    size along every dim: the entries of src that scatter reads."""
    return tuple(slice(n) for n in index.shape) + (slice(None),) * (len(shape) - index.ndim)


class Gather(Function):
    label = "GATHER"
    math = Math.of("out = a picked at index along dim:  out[i, j] = a[index[i, j], j]  (dim 0)",
                   "∂out/∂a = 1 at each picked position, else 0",
                   "∂L/∂a = g added into the picked positions (a scatter-add of g), 0 elsewhere")

    @staticmethod
    def forward(ctx, a, index, dim=0):
        # a 0-d tensor (or index) is read as one number in a 1-d one, as torch reads it
        picks = np.atleast_1d(index)
        ctx.shape, ctx.picks, ctx.at = a.shape, picks.shape, positions(picks, dim)
        return np.atleast_1d(a)[ctx.at].reshape(index.shape)

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape or (1,), dtype=g.dtype)
        np.add.at(grad, ctx.at, g.reshape(ctx.picks))  # repeats add up
        return grad.reshape(ctx.shape), None


class Scatter(Function):
    label = "SCATTER"
    math = Math.of("out = a, then out[index[i, j], j] = src[i, j]      (dim 0)",
                   ("∂out/∂a = 0 at the positions written, else 1",
                    "∂out/∂src = 1 at the position each used entry of src went to"),
                   ("∂L/∂a = g, with 0 at the positions written",
                    "∂L/∂src = g read back at the positions written (a gather of g)"))

    @staticmethod
    def forward(ctx, a, index, src, dim=0):
        index = np.atleast_1d(index)
        out = np.array(np.atleast_1d(a))  # a copy: out of place
        ctx.shape, ctx.at = a.shape, positions(index, dim)
        if isinstance(src, np.ndarray):  # else a number (ScatterValue)
            ctx.src_shape, ctx.used = src.shape, leading(index, np.atleast_1d(src).shape)
            src = np.atleast_1d(src)[ctx.used]
        out[ctx.at] = src
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, g):
        g = np.atleast_1d(g)
        ga = gsrc = None
        if ctx.needs_input_grad[0]:
            ga = np.array(g)
            ga[ctx.at] = 0
            ga = ga.reshape(ctx.shape)
        if ctx.needs_input_grad[2]:
            gsrc = np.zeros(ctx.src_shape or (1,), dtype=g.dtype)
            gsrc[ctx.used] = g[ctx.at]
            gsrc = gsrc.reshape(ctx.src_shape)
        return ga, None, gsrc


class ScatterValue(Scatter):  # scatter(dim, index, value=number): only a gets a gradient
    math = Math.of("out = a, then out[index[i, j], j] = value      (dim 0)",
                   "∂out/∂a = 0 at the positions written, else 1",
                   "∂L/∂a = g, with 0 at the positions written")


class ScatterAdd(Function):
    label = "SCATTER_ADD"
    math = Math.of("out = a, then out[index[i, j], j] += src[i, j]      (dim 0)",
                   ("∂out/∂a = 1", "∂out/∂src = 1 at the position each used entry went to"),
                   ("∂L/∂a = g", "∂L/∂src = g read at the positions added to (a gather of g)"))

    @staticmethod
    def forward(ctx, a, index, src, dim=0):
        index, ctx.src_shape = np.atleast_1d(index), src.shape
        src = np.atleast_1d(src)
        out = np.array(np.atleast_1d(a))
        ctx.at, ctx.used = positions(index, dim), leading(index, src.shape)
        np.add.at(out, ctx.at, src[ctx.used])  # repeated positions add up
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, g):
        gsrc = None
        if ctx.needs_input_grad[2]:
            gsrc = np.zeros(ctx.src_shape or (1,), dtype=g.dtype)
            gsrc[ctx.used] = np.atleast_1d(g)[ctx.at]
            gsrc = gsrc.reshape(ctx.src_shape)
        return g, None, gsrc


class IndexSelect(Function):
    label = "INDEX_SELECT"
    math = Math.of("out = a[…, index, …]      (whole slices of a along dim, in index's order)",
                   "∂out/∂a = 1 at each selected slice, else 0",
                   "∂L/∂a = g added back into the selected slices (repeats add up), 0 elsewhere")

    @staticmethod
    def forward(ctx, a, index, dim=0):
        ctx.shape, ctx.index, ctx.dim = a.shape, index.reshape(-1), dim
        out = np.take(np.atleast_1d(a), ctx.index, axis=dim)
        return out.reshape(()) if a.ndim == 0 else out

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape or (1,), dtype=g.dtype)
        np.add.at(np.moveaxis(grad, ctx.dim, 0), ctx.index,
                  np.moveaxis(np.atleast_1d(g), ctx.dim, 0))
        return grad.reshape(ctx.shape), None


class IndexAdd(Function):
    label = "INDEX_ADD"
    math = Math.of("out = a, then out[…, index[k], …] += alpha · src[…, k, …]      (along dim)",
                   ("∂out/∂a = 1", "∂out/∂src = alpha at the slice each went to"),
                   ("∂L/∂a = g", "∂L/∂src = alpha · g read at the slices added to"))

    @staticmethod
    def forward(ctx, a, index, src, dim=0, alpha=1):
        ctx.index, ctx.dim, ctx.alpha, ctx.src_shape = index.reshape(-1), dim, alpha, src.shape
        out = np.array(np.atleast_1d(a))
        src = np.atleast_1d(src)
        np.add.at(np.moveaxis(out, dim, 0), ctx.index,
                  np.moveaxis(src * alpha if alpha != 1 else src, dim, 0))
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, g):
        gsrc = None
        if ctx.needs_input_grad[2]:
            gsrc = np.take(np.atleast_1d(g), ctx.index, axis=ctx.dim)
            gsrc = (gsrc * ctx.alpha if ctx.alpha != 1 else gsrc).reshape(ctx.src_shape)
        return g, None, gsrc


class Sort(Function):
    """The order (the indices, an output too) is found by the caller, once; forward reads
    the values in that order."""
    label = "SORT"
    math = Math.of("out = a sorted along dim      (out = a[order], order = argsort(a))",
                   "∂out/∂a = 1 where each number came from (a permutation)",
                   "∂L/∂a = g sent back through the order: ∂L/∂a[order] = g")

    @staticmethod
    def forward(ctx, a, order, dim=-1):
        ctx.shape, ctx.order, ctx.dim = a.shape, np.atleast_1d(order), dim
        out = np.take_along_axis(np.atleast_1d(a), ctx.order, dim).reshape(order.shape)
        return like(out, a)   # sort keeps a's layout

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape or (1,), dtype=g.dtype)
        np.put_along_axis(grad, ctx.order, np.atleast_1d(g), ctx.dim)
        return grad.reshape(ctx.shape), None


class Topk(Sort):
    label = "TOPK"
    math = Math.of("out = the k largest (or smallest) numbers of a along dim, in order",
                   "∂out/∂a = 1 at each number picked, else 0",
                   "∂L/∂a = g at the positions picked, 0 elsewhere")

    @staticmethod
    def forward(ctx, a, order, dim=-1):   # a fresh tensor in row order, whatever a's layout
        return row_order(Sort.forward(ctx, a, order, dim))


class Tril(Function):
    label = "TRIL"
    math = Math.of("out = a on and below the diagonal (j ≤ i + diagonal), 0 above",
                   "∂out/∂a = 1 on and below the diagonal, else 0",
                   "∂L/∂a = g on and below the diagonal, 0 above")
    part = staticmethod(np.tril)  # the triangle kept (Triu keeps the upper one)

    @staticmethod
    def forward(ctx, a, diagonal=0):
        ctx.diagonal = diagonal
        return row_order(ctx.part(a, diagonal))

    @staticmethod
    def backward(ctx, g):
        return ctx.part(g, ctx.diagonal)


class Triu(Tril):
    label = "TRIU"
    math = Math.of("out = a on and above the diagonal (j ≥ i + diagonal), 0 below",
                   "∂out/∂a = 1 on and above the diagonal, else 0",
                   "∂L/∂a = g on and above the diagonal, 0 below")
    part = staticmethod(np.triu)


class Roll(Function):
    label = "ROLL"
    math = Math.of("out = a shifted along dims, what falls off one end coming back at the other",
                   "∂out/∂a = 1      (each number only moves)",
                   "∂L/∂a = g rolled back by −shifts")

    @staticmethod
    def forward(ctx, a, shifts, dims=None):  # shifts: a tuple, one per dim (one if dims=None)
        ctx.shifts, ctx.dims = shifts, dims
        return row_order(np.roll(a, shifts, axis=dims))

    @staticmethod
    def backward(ctx, g):
        return np.roll(g, tuple(-s for s in ctx.shifts), axis=ctx.dims)


class Split(Function):  # one piece of split / chunk: each piece is its own node here
    label = "SPLIT"
    math = Math.of("out = a[…, start:stop, …]      (one piece of a along dim)",
                   "∂out/∂a = 1 on the piece's slice of a, else 0",
                   "∂L/∂a = g on the piece's slice, 0 elsewhere")

    @staticmethod
    def forward(ctx, a, start, stop, dim=0):
        ctx.shape, ctx.key = a.shape, (slice(None),) * dim + (slice(start, stop),)
        return a[ctx.key]

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape, dtype=g.dtype)
        grad[ctx.key] = g
        return grad


class Unbind(Split):  # one slice of unbind: each slice is its own node here
    label = "UNBIND"
    math = Math.of("out = a[…, i, …]      (the i-th slice of a along dim, that dim removed)",
                   "∂out/∂a = 1 on slice i, else 0",
                   "∂L/∂a = g on slice i, 0 elsewhere")

    @staticmethod
    def forward(ctx, a, i, dim=0):  # backward is Split's: g goes back to the key's place
        ctx.shape, ctx.key = a.shape, (slice(None),) * dim + (i,)
        return a[ctx.key]


class Bmm(MatMul):  # forward and backward are MatMul's (with equal batch dims, nothing to sum)
    label = "BMM"
    math = Math.of("out = A @ B, one product per batch entry n:  outₙᵢⱼ = Σₖ Aₙᵢₖ·Bₙₖⱼ",
                   ("∂outₙᵢⱼ/∂Aₙᵢₖ = Bₙₖⱼ", "∂outₙᵢⱼ/∂Bₙₖⱼ = Aₙᵢₖ"),
                   ("∂L/∂A = g @ Bᵀ      (per batch)", "∂L/∂B = Aᵀ @ g      (per batch)"))
    name_from = None  # always BmmBackward0, not matmul's names by shape


# -- the counting of the ops without a gradient: sort's order, histograms ----------------------
def order(data, dim, descending):
    """The indices that sort ``data`` along dim (int64), equal numbers kept in their order
    (nan counts as the largest)."""
    if data.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return like(np.argsort(data, axis=dim, kind="stable").astype(np.int64, copy=False), data)
    # descending and stable: sort the reversed numbers ascending, then read that backwards
    back = np.argsort(np.flip(data, dim), axis=dim, kind="stable")
    return like((data.shape[dim] - 1 - np.flip(back, dim)).astype(np.int64, copy=False), data)


def histc_counts(x, bins, lo, hi):
    """torch.histc's counts: bin = ⌊(x − lo)·bins / (hi − lo)⌋, in x's precision as torch
    computes it; numbers outside [lo, hi] (and nan) are left out."""
    kind = x.dtype.type
    lo, hi = kind(lo), kind(hi)
    x = x.ravel()
    x = x[(x >= lo) & (x <= hi)]
    pos = ((x - lo) * kind(bins) / (hi - lo)).astype(np.int64)
    pos[pos == bins] = bins - 1  # the last bin holds its right edge too
    return np.bincount(pos, minlength=bins).astype(x.dtype)


def histogram_counts(x, edges, weight=None, density=False):
    """torch.histogram's counts (or summed weights) between the given edges: a bin holds
    its left edge, the last one its right edge too."""
    x = x.ravel()
    inside = (x >= edges[0]) & (x <= edges[-1])
    pos = np.searchsorted(edges, x[inside], side="right") - 1
    pos[pos == len(edges) - 1] -= 1
    weight = None if weight is None else weight.ravel()[inside]
    hist = np.bincount(pos, weight, minlength=len(edges) - 1).astype(x.dtype)
    if density:
        hist = hist / hist.sum() / np.diff(edges)
    return hist.astype(x.dtype, copy=False)


TORCH_NAMES.update({ScatterValue: "ScatterBackward1"})
