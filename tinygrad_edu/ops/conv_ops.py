"""The CNN's operations: convolution, max and average pooling, dropout.

Convolution by im2col: every kh×kw window of the padded input is laid out as one column of
a matrix, built from a strided *view* of the input (numpy's as_strided: no Python loop over
pixels or images); a matrix product with the flattened kernels then gives the output
pixels of every image, a slice of ~1 MB of columns at a time (the whole column matrix never
exists; backward builds the slices again from x). Backward is the same two products
transposed, then col2im adds each column back onto the window it came from (a loop over
the kh·kw kernel offsets only). Pooling loops over the kh·kw offsets too, each step a
whole-array operation. NumPy's speed depends on the innermost axis of what it copies or
adds: the longer its runs, the faster; so for images with short output rows im2col and
col2im put the batch there.
"""
import math

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
        geometry = (padding, (kh, kw), stride, dilation, (oh, ow), _batch_last(n, ow))
        view = _windows(x, *geometry)
        pixels = view.shape[3:]  # (n, y, x), or (y, x, n) for short output rows
        kernels = weight.reshape(groups, o // groups, cg * kh * kw)
        out = np.empty((groups, o // groups) + pixels, np.result_type(x, weight))
        for part, cols in _column_slices(view, groups):  # one matmul per slice of the pixels
            out[:, :, part] = (kernels @ cols).reshape(out[:, :, part].shape)
        out = out.reshape((o,) + pixels)
        if bias is not None:
            out += bias[:, None, None, None]
        # x, not the columns: backward builds them again, a slice at a time (see _column_slices)
        ctx.save_for_backward(x, weight)
        ctx.geometry = (geometry, groups)
        to_nchw = (3, 0, 1, 2) if geometry[-1] else (1, 0, 2, 3)
        return np.ascontiguousarray(out.transpose(to_nchw))

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved
        geometry, groups = ctx.geometry
        padding, _, stride, dilation, (oh, ow), batch_last = geometry
        n, c = x.shape[:2]
        o, cg, kh, kw = weight.shape
        need_x, need_w, need_b = (tuple(ctx.needs_input_grad) + (False,) * 3)[:3]
        # g as (O, pixels), the pixels in the columns' order
        g_cols = np.ascontiguousarray(g.transpose(1, 2, 3, 0) if batch_last
                                      else g.transpose(1, 0, 2, 3))
        g2 = g_cols.reshape((groups, o // groups) + g_cols.shape[1:])
        gx = gw = gb = None
        if need_w:  # ∂L/∂W = g · colsᵀ, summed over every pixel, slice by slice
            gw = np.zeros((groups, o // groups, cg * kh * kw), np.result_type(g, x))
            for part, cols in _column_slices(_windows(x, *geometry), groups):
                gw += g2[:, :, part].reshape(groups, o // groups, -1) @ cols.transpose(0, 2, 1)
            gw = gw.reshape(weight.shape)
        if need_b:
            gb = g_cols.reshape(o, -1).sum(axis=1)
        if need_x:  # ∂L/∂x = col2im(Wᵀ · g): the column gradient of a slice of pixels at a
            # time, each of its kh·kw rows of windows added back where the windows lie in x
            kernels_t = weight.reshape(groups, o // groups, cg * kh * kw).transpose(0, 2, 1)
            gp = np.zeros(_padded_shape(x.shape, padding, batch_last), g.dtype)
            windows = _window_view(gp, c, n, *geometry[1:], writeable=True)
            for part in _pixel_slices(windows):
                share = kernels_t @ g2[:, :, part].reshape(groups, o // groups, -1)
                share = share.reshape(windows[:, :, :, part].shape)
                for i in range(kh):
                    for j in range(kw):  # for one offset no two windows share a pixel
                        windows[:, i, j, part] += share[:, i, j]
            gp = gp.transpose(3, 0, 1, 2) if batch_last else gp
            gx = np.ascontiguousarray(_crop(gp, x.shape, padding[0][0], padding[1][0]))
        return gx, gw, gb


def _padded_shape(shape, padding, batch_last):
    """The shape of the padded input as the windows see it: (N, C, H, W) or (C, H, W, N)."""
    n, c, h, w = shape
    h, w = h + sum(padding[0]), w + sum(padding[1])
    return (c, h, w, n) if batch_last else (n, c, h, w)


def _windows(x, padding, kernel, stride, dilation, out_hw, batch_last):
    """im2col as a strided view of the padded x, nothing copied but the padding (and, when
    batch_last, x as (C, H, W, N))."""
    xp = pad2d(x, padding)
    if batch_last:
        xp = np.ascontiguousarray(xp.transpose(1, 2, 3, 0))
    return _window_view(xp, x.shape[1], x.shape[0], kernel, stride, dilation, out_hw,
                        batch_last)


def _window_view(xp, c, n, kernel, stride, dilation, out_hw, batch_last, writeable=False):
    """view[c, i, j, pixel] = xp[n, c, y·s + i·d, x·s + j·d], the pixels in the order
    (n, y, x), or (y, x, n) when batch_last (xp laid out (C, H, W, N))."""
    if batch_last:
        s_c, s_h, s_w, s_n = xp.strides
        pixels, pixel_steps = tuple(out_hw) + (n,), (s_h * stride[0], s_w * stride[1], s_n)
    else:
        s_n, s_c, s_h, s_w = xp.strides
        pixels, pixel_steps = (n,) + tuple(out_hw), (s_n, s_h * stride[0], s_w * stride[1])
    return as_strided(xp, (c,) + tuple(kernel) + pixels,
                      (s_c, s_h * dilation[0], s_w * dilation[1]) + pixel_steps,
                      writeable=writeable)


COLUMN_SLICE_BYTES = 1 << 20  # the size of a core's L2 cache here (AMD EPYC: 1 MiB)


def _pixel_slices(view, size=COLUMN_SLICE_BYTES):
    """Slices of the first pixel axis of an im2col view whose columns take about `size` bytes."""
    c, kh, kw, first, *rest = view.shape
    step = max(1, size // max(c * kh * kw * math.prod(rest) * view.itemsize, 1))
    return [slice(start, min(start + step, first)) for start in range(0, first, step)]


def _column_slices(view, groups, size=COLUMN_SLICE_BYTES):
    """The im2col columns a slice of the first pixel axis at a time: yields (slice, cols),
    cols of shape (groups, C/groups·kh·kw, the slice's pixels), contiguous, about `size`
    bytes. Forward and backward each build the slices they need and drop them at once (and
    backward's column gradient too), so Conv2d saves x, not the columns. Measured on the
    CIFAR CNN (one thread, glibc's default malloc) against whole columns saved for backward
    and a column gradient made one kernel offset at a time: peak step memory at batch 256
    294 → 205 MiB (torch 208); step time new / old 0.85 at batch 256, 0.85 for LeNet at
    batch 256 (paired, ±0.07): a slice is reused while it is in cache where the whole
    matrix came from fresh pages, and the column gradient is one product (K = O) per slice
    instead of kh·kw thin ones (docs/benchmarks.md, round 2, item 7)."""
    c, kh, kw, _, *rest = view.shape
    for part in _pixel_slices(view, size):
        cols = np.ascontiguousarray(view[:, :, :, part])
        yield part, cols.reshape(groups, c // groups * kh * kw,
                                 (part.stop - part.start) * math.prod(rest))


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
