"""Where the numbers of a result lie in memory. NumPy and torch agree for one input (the
result keeps its layout) and for inputs laid out alike; when a transposed input meets a
row-order one, NumPy falls back to row order and torch follows the first input. The layout
decides whether a later .view() works, so the elementwise ops give torch's."""
import numpy as np


def laid_out(out, *inputs):
    """out in the memory layout torch gives the result of an op on these inputs, so that a
    later .view() works (or refuses) as in torch. NumPy falls back to row order when the
    inputs' layouts disagree; torch orders the dims by the inputs' strides, the first input
    deciding, a later one only where the earlier ones tie (or broadcast along the dim).
    A copy only when the layouts differ: never for contiguous inputs."""
    if out.ndim < 2:
        return out
    for x in inputs:   # (a plain loop: this runs on every elementwise op, ~1 µs cheaper)
        if isinstance(x, np.ndarray) and x.ndim and not x.flags.c_contiguous:
            break
    else:
        return out     # every input in row order: so is NumPy's result, as torch's
    arrays = [x for x in inputs if isinstance(x, np.ndarray) and x.ndim]
    shape = out.shape
    fastest = _torch_dim_order(shape, arrays)
    want, step = [0] * out.ndim, 1
    for d in fastest:
        want[d], step = step, step * shape[d]
    if all(n <= 1 or st == w * out.itemsize for n, st, w in zip(shape, out.strides, want)):
        return out
    order = fastest[::-1]                         # slowest first: a row-order array of them
    laid = np.empty([shape[d] for d in order], out.dtype).transpose(np.argsort(order))
    laid[...] = out
    return laid


def row_order(out):
    """out in row order (C order): torch writes the results of softmax, cumsum, roll,
    tril/triu, layer_norm and its composite reductions (prod, norm, logsumexp) into a fresh
    contiguous tensor, whatever the input's layout. A copy only for a strided out."""
    return out if out.flags.c_contiguous else out.copy(order="C")


def like(out, a):
    """out laid out as a is (sort keeps its input's layout; numpy's gives row order)."""
    if a.ndim < 2 or a.flags.c_contiguous or out.shape != a.shape:
        return out
    laid = np.empty_like(a, dtype=out.dtype)   # a's dim order, dense
    laid[...] = out
    return laid


def _torch_dim_order(shape, arrays):
    """The dims from the fastest-moving to the slowest, as torch sorts them for a result."""
    n = len(shape)
    strides = []
    for x in arrays:   # a broadcast dim (size 1 stretched, or missing) has no say: stride 0
        pad = n - x.ndim
        strides.append([0] * pad + [0 if x.shape[i] == 1 and shape[pad + i] != 1
                                    else x.strides[i] for i in range(x.ndim)])

    def after(d0, d1):   # 1: d1 moves faster than d0; -1: it does not; 0: no input says
        for st in strides:
            if st[d0] == 0 or st[d1] == 0:
                continue
            if st[d0] != st[d1]:
                return 1 if st[d0] > st[d1] else -1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    order = list(range(n - 1, -1, -1))
    for i in range(1, n):   # an insertion sort that leaves undecided pairs as they are
        j = i
        for k in range(i - 1, -1, -1):
            verdict = after(order[k], order[j])
            if verdict > 0:
                order[k], order[j] = order[j], order[k]
                j = k
            elif verdict < 0:
                break
    return order
