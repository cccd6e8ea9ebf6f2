"""The Tensor's reductions: sum, mean, var, std, max, min, argmax, argmin, all, any. Each
checks its dims and calls one Function (``ops/reduce.py``, ``ops/variance.py``); torch.sum(x)
is x.sum()."""
import math

import numpy as np

from .checks import check_dims, scalar_name
from .checks_tensor import (check_not_bool, check_picks_from, check_reduce_dims,
                            check_spread_overload, check_spread_dtype, refuse_dim_none,
                            warn_dof)
from .ops import reduce as R
from .ops.reduce import contiguous
from .ops import variance as V
from .tensor_math import accepts_axis, maximum, minimum

class _All:
    """max() / min() without a dim: of every element (dim=None is refused, as in torch)."""

    def __repr__(self):
        return "<every element>"


_UNSET = object()  # an argument not given (torch's overloads depend on it)
_ALL = _All()


class TensorReduce:
    __slots__ = ()

    def _reduce_dims(self, dim):
        """dim as the Functions take it: None, an int or a tuple. torch reads an empty tuple
        (sum(dim=())) as every dim; a dim named twice is refused."""
        check_reduce_dims(dim, self._data.ndim)
        if isinstance(dim, (tuple, list)):
            return tuple(dim) if len(dim) else tuple(range(self._data.ndim))
        return dim

    @accepts_axis
    def sum(self, dim=None, keepdim=False):
        x = self if self._data.dtype.kind == "f" else self._cast(np.int64)  # ints sum as int64
        return R.Sum.apply(x, dim=self._reduce_dims(dim), keepdim=keepdim)

    @accepts_axis
    def mean(self, dim=None, keepdim=False):
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either "
                               f"a floating point or complex dtype. Got: "
                               f"{scalar_name(self._data.dtype)}")
        return R.Mean.apply(self, dim=self._reduce_dims(dim), keepdim=keepdim)

    @accepts_axis
    def var(self, dim=_UNSET, unbiased=_UNSET, keepdim=_UNSET, correction=None):
        return self._spread(V.Var, "var", dim, unbiased, keepdim, correction)

    @accepts_axis
    def std(self, dim=_UNSET, unbiased=_UNSET, keepdim=_UNSET, correction=None):
        return self._spread(V.Std, "std", dim, unbiased, keepdim, correction)

    def _spread(self, function, name, dim, unbiased, keepdim, correction):
        """var / std: Σ (x − mean)² / (n − correction), n the number of elements averaged."""
        check_spread_overload(name, dim is not _UNSET, unbiased is not _UNSET,
                              keepdim is not _UNSET, correction is not None)
        dim = None if dim is _UNSET else dim
        unbiased = True if unbiased is _UNSET else unbiased
        keepdim = False if keepdim is _UNSET else keepdim
        check_spread_dtype(self._data.dtype)
        dim = self._reduce_dims(dim)
        correction = (1 if unbiased else 0) if correction is None else correction
        shape = self._data.shape
        n = math.prod(shape[d] for d in R._axes(dim, len(shape)))
        warn_dof(name, n - correction)
        return function.apply(self, dim=dim, correction=correction, keepdim=keepdim)

    @accepts_axis
    def max(self, dim=_ALL, keepdim=False):
        """max() -> the largest element; max(dim) -> (values, indices), as torch returns."""
        if hasattr(dim, "_data"):
            return maximum(self, dim)
        return self._minmax(R.MaxAll, R.MaxDim, np.argmax, dim, keepdim, "max")

    @accepts_axis
    def min(self, dim=_ALL, keepdim=False):
        if hasattr(dim, "_data"):
            return minimum(self, dim)
        return self._minmax(R.MinAll, R.MinDim, np.argmin, dim, keepdim, "min")

    def _minmax(self, whole, along, arg, dim, keepdim, name):
        if dim is _ALL:
            if self._data.size == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                                   f"input.numel() == 0. Specify the reduction dim with the "
                                   f"'dim' argument.")
            return whole.apply(self)
        if dim is None:
            refuse_dim_none(name, keepdim)
        dim = self._dim(dim)
        check_picks_from(name, self._data.shape, dim)
        values = along.apply(self, dim=dim, keepdim=keepdim)
        indices = self._make(np.asarray(_arg(self._data, arg, dim, keepdim)), False, None)
        return MinMaxResult(name, values, indices)

    @accepts_axis
    def argmax(self, dim=None, keepdim=False):
        return self._arg(np.argmax, "argmax", dim, keepdim)

    @accepts_axis
    def argmin(self, dim=None, keepdim=False):
        return self._arg(np.argmin, "argmin", dim, keepdim)

    def _arg(self, fn, name, dim, keepdim):
        check_not_bool(name, self._data.dtype)
        dim = None if dim is None else self._dim(dim)
        check_picks_from(name, self._data.shape, dim)
        return self._make(contiguous(_arg(self._data, fn, dim, keepdim)), False, None)

    @accepts_axis
    def all(self, dim=None, keepdim=False):
        check_dims(dim, self._data.ndim)
        axis = None if dim is None or not self._data.ndim else dim
        return self._make(contiguous(self._data.all(axis=axis, keepdims=keepdim)), False, None)

    @accepts_axis
    def any(self, dim=None, keepdim=False):
        check_dims(dim, self._data.ndim)
        axis = None if dim is None or not self._data.ndim else dim
        return self._make(contiguous(self._data.any(axis=axis, keepdims=keepdim)), False, None)


class MinMaxResult(tuple):
    """What torch.max(x, dim) returns: a (values, indices) pair with those names."""

    def __new__(cls, name, values, indices):
        self = super().__new__(cls, (values, indices))
        self.name = name
        return self

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return f"torch.return_types.{self.name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _arg(data, fn, dim, keepdim):
    """argmax/argmin as an int64 array: of the flattened tensor when dim is None."""
    if dim is None:
        index = fn(data)
        return np.reshape(index, (1,) * data.ndim) if keepdim else np.asarray(index)
    if data.ndim == 0:
        return np.asarray(0)
    return fn(data, axis=dim, keepdims=keepdim)
