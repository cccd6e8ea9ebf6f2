"""The CNN's operations: convolution, max and average pooling, dropout.

Convolution by im2col: every kh×kw window of the padded input is laid out as one column of
a matrix, built from a strided *view* of the input (numpy's as_strided: no Python loop over
pixels or images); one matrix product with the flattened kernels then gives every output
pixel of every image at once. Backward is the same two matrix products transposed, then
col2im adds each column back onto the window it came from (a loop over the kh·kw kernel
offsets only). Pooling loops over the kh·kw offsets too, each step a whole-array operation.
NumPy's speed depends on the innermost axis of what it copies or adds: the longer its runs,
the faster; so col2im (and im2col, for images with short output rows) put the batch there.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Function, Math
from ..random import rng



def out_size(size, kernel, stride, pad_total, dilation=1, ceil_mode=False):
    """How many windows fit: floor((size + pads - dilation·(kernel-1) - 1) / stride) + 1.
    With ceil_mode a last, partial window counts too, if it starts inside input or padding."""
    span = size + pad_total - dilation * (kernel - 1) - 1
    n = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (n - 1) * stride >= size + pad_total // 2:
        n -= 1
    return n


def pad2d(x, padding, value=0):
    """Pad the last two axes: padding = ((top, bottom), (left, right))."""
    if not any(padding[0]) and not any(padding[1]):
        return x
    (top, bottom), (left, right) = padding
    h, w = x.shape[-2:]
    out = np.full(x.shape[:-2] + (top + h + bottom, left + w + right), value, x.dtype)
    out[..., top:top + h, left:left + w] = x  # the image in the middle of the border
    return out


def _offsets(kernel, dilation, stride, out_hw):
    """For each kernel offset (i, j): the slices of the padded input that offset sees in
    every window at once (row i·d, i·d + s, i·d + 2s, ...)."""
    (kh, kw), (dh, dw), (sh, sw), (oh, ow) = kernel, dilation, stride, out_hw
    for i in range(kh):
        for j in range(kw):
            yield (i * kw + j, (..., slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                                slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)))


def _windows_disjoint(kernel, stride, dilation):
    """True when no input position lies in two windows (stride ≥ the window's extent): then
    backward can write each window's gradient instead of adding it."""
    return all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))


def _crop(gp, shape, top, left):
    """Cut the padding off a padded gradient."""
    return gp[..., top:top + shape[-2], left:left + shape[-1]]


class Conv2d(Function):
    label = "CONV"
    math = Math.of("out = W ⋆ x + b      (each output pixel: Σ over its window of W·x, plus b; "
                   "im2col lays the windows out as the columns of cols, so out = W @ cols + b)",
                   ("∂out/∂cols = W      (each window's pixels, through the kernel)",
                    "∂out/∂W = cols      (the windows of x)", "∂out/∂b = 1"),
                   ("∂L/∂x = col2im(Wᵀ @ g)      (each window's share added back onto x)",
                    "∂L/∂W = g @ colsᵀ", "∂L/∂b = Σ g      (over the batch and every pixel)"))

    @staticmethod
    def forward(ctx, x, weight, bias=None, stride=(1, 1), padding=((0, 0), (0, 0)),
                dilation=(1, 1), groups=1):
        n, c, h, w = x.shape
        o, cg, kh, kw = weight.shape
        oh = out_size(h, kh, stride[0], sum(padding[0]), dilation[0])
        ow = out_size(w, kw, stride[1], sum(padding[1]), dilation[1])
        xp = pad2d(x, padding)
        # the pixels (columns) in the order (n, y, x), or (y, x, n) for short output rows:
        # NumPy copies fastest along a long innermost axis, so then the batch goes last
        batch_last = _batch_last(n, ow)
        if batch_last:
            xp = np.ascontiguousarray(xp.transpose(1, 2, 3, 0))  # (C, H, W, N)
            s_c, s_h, s_w, s_n = xp.strides
            pixels, pixel_steps = (oh, ow, n), (s_h * stride[0], s_w * stride[1], s_n)
        else:
            s_n, s_c, s_h, s_w = xp.strides
            pixels, pixel_steps = (n, oh, ow), (s_n, s_h * stride[0], s_w * stride[1])
        # the view cols[c, i, j, pixel] = x[n, c, y·s + i·d, x·s + j·d]: no copy yet
        view = as_strided(xp, (c, kh, kw) + pixels,
                          (s_c, s_h * dilation[0], s_w * dilation[1]) + pixel_steps,
                          writeable=False)
        cols = np.ascontiguousarray(view).reshape(groups, cg * kh * kw, n * oh * ow)
        kernels = weight.reshape(groups, o // groups, cg * kh * kw)
        out = (kernels @ cols).reshape(o, n * oh * ow)  # one matmul: every pixel, every image
        if bias is not None:
            out += bias[:, None]
        ctx.save_for_backward(cols, weight)
        ctx.geometry = (x.shape, padding, stride, dilation, groups, (oh, ow), batch_last)
        to_nchw = (3, 0, 1, 2) if batch_last else (1, 0, 2, 3)
        return np.ascontiguousarray(out.reshape((o,) + pixels).transpose(to_nchw))

    @staticmethod
    def backward(ctx, g):
        cols, weight = ctx.saved
        shape, padding, stride, dilation, groups, (oh, ow), batch_last = ctx.geometry
        n, c, h, w = shape
        o, cg, kh, kw = weight.shape
        need_x, need_w, need_b = (tuple(ctx.needs_input_grad) + (False,) * 3)[:3]
        # g as (O, pixels), the pixels in the columns' order
        g_last = np.ascontiguousarray(g.transpose(1, 2, 3, 0)) if batch_last or need_x else None
        g2 = g_last if batch_last else np.ascontiguousarray(g.transpose(1, 0, 2, 3))
        g2 = g2.reshape(groups, o // groups, -1)
        gx = gw = gb = None
        if need_w:  # ∂L/∂W = g · colsᵀ, summed over every pixel of every image
            gw = (g2 @ cols.transpose(0, 2, 1)).reshape(weight.shape)
        if need_b:
            gb = g2.reshape(o, -1).sum(axis=1)
        if need_x:  # columns of ∂L/∂x: Wᵀ · g, then col2im puts each back on its window
            # one kernel offset at a time: its (C, pixels) share of Wᵀ · g is made and added
            # at once, so the whole column gradient (C·kh·kw, pixels) never exists: the CIFAR
            # CNN's 32→64 layer at batch 256 held 75 MB there (docs/benchmarks.md, "Memory")
            per_offset = weight.reshape(groups, o // groups, cg, kh * kw)
            g_last = g_last.reshape(groups, o // groups, -1)
            # laid out (C, H, W, N) while adding: the batch is the innermost axis, so each
            # of the kh·kw additions runs over long rows
            gp = np.zeros((c, h + sum(padding[0]), w + sum(padding[1]), n), g.dtype)
            for k, (_, rows, cols_) in _offsets((kh, kw), dilation, stride, (oh, ow)):
                share = per_offset[..., k].transpose(0, 2, 1) @ g_last
                gp[:, rows, cols_] += share.reshape(c, oh, ow, n)
            top, left = padding[0][0], padding[1][0]
            gx = np.ascontiguousarray(gp[:, top:top + h, left:left + w].transpose(3, 0, 1, 2))
        return gx, gw, gb


def _batch_last(n, ow):
    """Order the pixels (y, x, n) when the output rows are shorter than the batch (and
    short: under 16 pixels): then the copies run along the batch instead of along a row."""
    return ow < 16 and n > ow


def _pool_geometry(x, kernel, stride, padding, dilation, ceil_mode):
    """Output size and the padding (right/bottom may grow for ceil_mode) of a pooling."""
    h, w = x.shape[-2:]
    oh = out_size(h, kernel[0], stride[0], 2 * padding[0], dilation[0], ceil_mode)
    ow = out_size(w, kernel[1], stride[1], 2 * padding[1], dilation[1], ceil_mode)
    need_h = (oh - 1) * stride[0] + dilation[0] * (kernel[0] - 1) + 1  # rows the windows span
    need_w = (ow - 1) * stride[1] + dilation[1] * (kernel[1] - 1) + 1
    pads = ((padding[0], max(need_h - h - padding[0], 0)),
            (padding[1], max(need_w - w - padding[1], 0)))
    return (oh, ow), pads


class MaxPool2d(Function):
    label = "MAXPOOL"
    math = Math.of("out = the max of each window of x",
                   "∂out/∂x = 1 at each window's max, else 0",
                   "∂L/∂x = g at each window's max (added where windows overlap), 0 elsewhere")

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding=(0, 0), dilation=(1, 1), ceil_mode=False):
        out, _, pads = window_max(x, kernel_size, stride, padding, dilation, ceil_mode)
        # backward finds each max again by equality: it keeps x and a copy of out (the
        # size of the int32 offsets it kept before; the caller may change out in place)
        ctx.save_for_backward(x, out.copy())
        ctx.geometry = (pads, kernel_size, stride, dilation)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved
        pads, kernel, stride, dilation = ctx.geometry
        xp = pad2d(x, pads, _lowest(x.dtype))
        gp = np.zeros(xp.shape, g.dtype)
        disjoint = _windows_disjoint(kernel, stride, dilation)
        # g · hit is exact while g is finite (an inf · 0 would give nan where torch gives 0)
        finite = np.isfinite(g.sum())
        # measured against the old np.where(offset == k, g, 0) per offset (CIFAR CNN's
        # 256×32×32×32 pooling, one thread, loaded machine): 67 → 65 ms, with no offsets
        # computed in forward (164 → 26 ms there, see window_max)
        for i, (_, window, hit) in enumerate(_max_positions(xp, out, kernel, stride, dilation)):
            share = np.multiply(g, hit) if finite else np.where(hit, g, 0)
            if disjoint and i < kernel[0] * kernel[1]:
                gp[window] = share  # each input position is in one window: written once
            else:  # overlapping windows (or a NaN max, found later): gradients add
                gp[window] += share
        return _crop(gp, x.shape, pads[0][0], pads[1][0])


def _lowest(dtype):
    """The value padding gets in max pooling: it never wins a window."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def window_max(x, kernel, stride, padding=(0, 0), dilation=(1, 1), ceil_mode=False):
    """Each window's maximum, as np.maximum of the kh·kw strided views (one per kernel
    offset; NaN wins, as in torch). Returns (out, padded x, paddings). Measured against
    tracking each window's arg-max in forward (np.copyto(where=) per offset): 256×32×32×32,
    k 2: 164 → 26 ms (torch 1 thread: 109 ms), on a loaded machine."""
    (oh, ow), pads = _pool_geometry(x, kernel, stride, padding, dilation, ceil_mode)
    xp = pad2d(x, pads, _lowest(x.dtype))
    views = [xp[window] for _, window in _offsets(kernel, dilation, stride, (oh, ow))]
    out = views[0].copy() if len(views) == 1 else np.maximum(views[0], views[1])
    for v in views[2:]:
        np.maximum(out, v, out=out)
    return out, xp, pads


def _max_positions(xp, out, kernel, stride, dilation):
    """Where each window's max sits, by equality with it: yields (offset k, window slices,
    mask of the windows whose max is at offset k). On ties the first offset in row-major
    order wins, as in torch; a NaN max goes to the window's last NaN, as in torch."""
    left = np.ones(out.shape, bool)  # windows whose max is not found yet
    offsets = list(_offsets(kernel, dilation, stride, out.shape[-2:]))
    for k, window in offsets:
        hit = np.equal(xp[window], out)
        hit &= left
        left ^= hit
        yield k, window, hit
    if left.any():  # only a NaN max is equal to nothing: the last NaN of its window
        for k, window in reversed(offsets):
            hit = np.isnan(xp[window]) & left
            left ^= hit
            yield k, window, hit


def max_pool2d_array(x, kernel, stride, padding=(0, 0), dilation=(1, 1), ceil_mode=False):
    """Each window's maximum and which kernel offset held it (the first one on ties; NaN
    wins, as in torch). Returns (out, offset_index, paddings)."""
    out, xp, pads = window_max(x, kernel, stride, padding, dilation, ceil_mode)
    arg = np.zeros(out.shape, np.int32)
    for k, _, hit in _max_positions(xp, out, kernel, stride, dilation):
        np.copyto(arg, k, where=hit)
    return out, arg, pads


def max_pool2d_indices(arg, shape, kernel, stride, padding, dilation):
    """torch's return_indices: the flat position (row·W + col) in the input of each max."""
    oh, ow = arg.shape[-2:]
    rows = (np.arange(oh) * stride[0] - padding[0])[:, None] + (arg // kernel[1]) * dilation[0]
    cols = (np.arange(ow) * stride[1] - padding[1])[None, :] + (arg % kernel[1]) * dilation[1]
    return (rows * shape[-1] + cols).astype(np.int64)


class AvgPool2d(Function):
    label = "AVGPOOL"
    math = Math.of("out = Σ window / k      (the mean of each window; k = its size)",
                   "∂out/∂x = 1/k at each position of the window",
                   "∂L/∂x = g / k, spread over the window (added where windows overlap)")

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding=(0, 0), ceil_mode=False,
                count_include_pad=True, divisor_override=None):
        (oh, ow), pads = _pool_geometry(x, kernel_size, stride, padding, (1, 1), ceil_mode)
        xp = pad2d(x, pads)
        total = np.zeros(x.shape[:-2] + (oh, ow), x.dtype)
        for _, window in _offsets(kernel_size, (1, 1), stride, (oh, ow)):
            total += xp[window]
        if divisor_override:
            divisor = np.asarray(divisor_override, x.dtype)
        else:  # how many positions each window averages: torch counts the zero padding
            h, w = x.shape[-2:]   # unless count_include_pad=False, never ceil_mode's overhang
            lo = (-padding[0], -padding[1]) if count_include_pad else (0, 0)
            hi = (h + padding[0], w + padding[1]) if count_include_pad else (h, w)
            counts = [np.minimum(np.arange(n) * s - p + k, top) - np.maximum(
                np.arange(n) * s - p, bottom) for n, s, p, k, bottom, top in zip(
                    (oh, ow), stride, padding, kernel_size, lo, hi)]
            divisor = np.outer(counts[0], counts[1]).astype(x.dtype)
        ctx.geometry = (x.shape, pads, kernel_size, stride, divisor)
        if x.dtype.kind != "f":  # integer images: torch's integer division (toward zero),
            q = np.floor_divide(total, divisor)  # exact, with no float rounding of huge sums
            inexact = (q * divisor != total) & ((total < 0) != (divisor < 0))
            return (q + inexact).astype(x.dtype)
        return total / divisor

    @staticmethod
    def backward(ctx, g):
        shape, pads, kernel, stride, divisor = ctx.geometry
        share = g / divisor  # each window position receives an equal share
        gp = np.zeros(shape[:-2] + (shape[-2] + sum(pads[0]), shape[-1] + sum(pads[1])), g.dtype)
        disjoint = _windows_disjoint(kernel, stride, (1, 1))
        for _, window in _offsets(kernel, (1, 1), stride, g.shape[-2:]):
            if disjoint:
                gp[window] = share
            else:  # overlapping windows: a position gets a share from each of them
                gp[window] += share
        return _crop(gp, shape, pads[0][0], pads[1][0])


class Dropout(Function):
    label = "DROPOUT"
    math = Math.of("out = x · m / (1 − p)      (m: 1 with probability 1 − p, else 0)",
                   "∂out/∂x = m / (1 − p)",
                   "∂L/∂x = g · m / (1 − p)")

    @staticmethod
    def forward(ctx, x, p=0.5, generator=None):
        keep = rng(generator).random(x.shape, dtype=np.float32) >= p  # kept with prob. 1-p
        scale = 0.0 if p == 1 else 1.0 / (1.0 - p)  # keeps the expected value: E[y] = x
        mask = keep.astype(x.dtype) * x.dtype.type(scale)
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, g):
        (mask,) = ctx.saved
        return g * mask
