"""The Tensor's counting and grids: histc and histogram (how many values fall in each bin),
and torch.meshgrid (coordinate grids). None of them is differentiable except meshgrid, an
expand of each input."""
import math
import warnings
from collections import namedtuple

import numpy as np

from .checks import _CPP
from .ops import index_ops as I
from .tensor_index import _floats_only

TORCH_FUNCTIONS = ("histc", "histogram")


class TensorCounting:
    __slots__ = ()

    def histc(self, bins=100, min=0, max=0):
        """torch.histc: counts in `bins` equal bins over [min, max] (the data's own range when
        min == max); numbers outside are left out."""
        x = _floats_only(self, "histogram_cpu")
        if not isinstance(bins, int):
            raise TypeError(f"histc(): argument 'bins' must be int, not {type(bins).__name__}")
        lo, hi = float(min), float(max)
        if lo == hi and x.size:
            lo, hi = float(x.min()), float(x.max())
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
        if not lo < hi:
            raise RuntimeError("torch.histc: max must be larger than min")
        _check_bins(bins)
        return self._make(I.histc_counts(x, bins, lo, hi), False, None)

    def histogram(self, bins=100, *, range=None, weight=None, density=False):
        """torch.histogram -> (hist, bin_edges): `bins` equal bins (over `range`, else the
        data's own range), or the bin edges given as a tensor."""
        x = _floats_only(self, "histogramdd")
        if isinstance(bins, TensorCounting):
            edges = _given_edges(bins, x.dtype)
        else:
            from .creation import linspace  # (creation imports the Tensor)
            lo, hi = _outer_edges(x, range)
            _check_bins(bins)
            edges = linspace(lo, hi, bins + 1, dtype=self.dtype)._data
        w = None
        if weight is not None:
            w = weight._data
            if w.dtype != x.dtype:
                raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor "
                                   f"and weight tensor should have the same dtype, but got input("
                                   f"{_CPP[x.dtype.name]}), and weight({_CPP[w.dtype.name]})")
            if w.shape != x.shape:
                raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should "
                                   f"have the same shape as the input tensor excluding its "
                                   f"innermost dimension, but got input with shape "
                                   f"[{x.size}, 1] and weight with shape {list(w.shape)}")
        hist = I.histogram_counts(x, edges, w, density)
        return HistogramResult(self._make(hist, False, None),
                               self._make(np.array(edges), False, None))


class HistogramResult(namedtuple("histogram", ["hist", "bin_edges"])):
    """What torch.histogram returns: a (hist, bin_edges) pair with those names."""
    __slots__ = ()

    def __repr__(self):
        return f"torch.return_types.histogram(\nhist={self[0]!r},\nbin_edges={self[1]!r})"


def meshgrid(*tensors, indexing=None):
    """torch.meshgrid: for 1-D tensors of sizes n₀, n₁, …, grids of shape (n₀, n₁, …) (with
    indexing='ij'), where grid k holds tensor k's numbers along dim k. indexing='xy' swaps
    the first two dims (x along columns, as in plotting). Gradients flow back (each grid is
    an expanded view)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f'received: {indexing}')
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: a tensor of shape {list(t._data.shape)}")
    if len({t._data.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:  # tensor 0 runs along dim 1, tensor 1 along 0
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for t, axis in zip(tensors, axes):
        shape[axis] = t._data.size
    return tuple(t.reshape([-1 if d == axis else 1 for d in range(len(shape))]).expand(shape)
                 for t, axis in zip(tensors, axes))


# -- checks, with torch's messages -------------------------------------------------------------
def _check_bins(bins):
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")


def _outer_edges(x, range):
    """histogram's first and last edge: the range given, else the data's (0 and 1 for no
    data); an empty range is widened by ½ each way."""
    if range is not None:
        lo, hi = (float(v) for v in range)
    elif x.size:
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 1.0
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not "
                           f"finite")
    if lo > hi:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} "
                           f"max {hi:g} for dimension 0")
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def _given_edges(bins, dtype):
    edges = bins._data
    if edges.dtype != dtype:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the "
                           f"same dtype, but got input with dtype {_CPP[dtype.name]} and bins "
                           f"for dimension 0 with dtype {_CPP.get(edges.dtype.name)}")
    if edges.ndim != 1:
        raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got "
                           f"{edges.ndim} dimensions in the bins tensor for dimension 0")
    if not edges.size:
        raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 element, but "
                           "got 0 elements in the bins tensor for dimension 0")
    return edges
