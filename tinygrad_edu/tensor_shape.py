"""The Tensor's shape methods: reshape/view/flatten/squeeze/unsqueeze, permute/transpose/t,
expand/repeat, indexing (``x[...]``), and torch.cat / torch.stack. They move numbers around
without changing them; their Functions live in ``ops/shape.py``."""
import math

import numpy as np

from . import dtypes
from .checks import check_cat, check_stack, index_error, reshaped
from .ops import shape as S
from .ops.grad_fn_names import renamed
from .tensor_math import accepts_axis


def _shape_args(args):
    """Accept both reshape(2, 3) and reshape((2, 3))."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(int(a) for a in args)


class TensorShape:
    __slots__ = ()

    # -- reshaping -----------------------------------------------------------------------------
    def reshape(self, *shape):
        return reshaped(S.Reshape, self, _shape_args(shape))

    def view(self, *shape):
        """Like reshape, but never copies: refuses (as torch does) when the numbers are not
        laid out so that the new shape can look at them in place (e.g. after .t())."""
        if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
            raise NotImplementedError("view(dtype) is not supported; use .to(dtype)")
        return reshaped(S.Reshape, self, _shape_args(shape), view=True)

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        start, end = self._dim(start_dim), self._dim(end_dim)
        if start == end:  # nothing to flatten: torch returns the tensor itself
            return self
        new = shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:]
        return S.Reshape.apply(self, new)

    def squeeze(self, dim=None):
        shape = self._data.shape
        if dim is None:
            new = tuple(n for n in shape if n != 1)
            return renamed(S.Reshape.apply(self, new), "SqueezeBackward0")
        dims = {self._dim(d) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
        new = tuple(n for i, n in enumerate(shape) if not (i in dims and n == 1))
        return renamed(S.Reshape.apply(self, new), "SqueezeBackward1")

    def unsqueeze(self, dim):
        n = self._data.ndim + 1
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}]"
                             f", but got {dim})")
        dim %= n
        new = self._data.shape[:dim] + (1,) + self._data.shape[dim:]
        return renamed(S.Reshape.apply(self, new), "UnsqueezeBackward0")

    def permute(self, *dims):
        dims = _shape_args(dims)
        if len(dims) != self._data.ndim:
            raise RuntimeError(f"permute(): number of dimensions in the tensor input does not "
                               f"match the length of the desired ordering of dimensions i.e. "
                               f"input.dim() = {self._data.ndim} is not equal to len(dims) = "
                               f"{len(dims)}")
        dims = tuple(self._dim(d) for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return S.Permute.apply(self, dims)

    def transpose(self, dim0, dim1):
        dims = list(range(self._data.ndim))
        i, j = self._dim(dim0), self._dim(dim1)
        dims[i], dims[j] = dims[j], dims[i]
        return renamed(S.Permute.apply(self, tuple(dims)), "TransposeBackward0")

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self._data.ndim}D")
        dims = (1, 0) if self._data.ndim == 2 else tuple(range(self._data.ndim))
        return renamed(S.Permute.apply(self, dims), "TBackward0")

    @property
    def T(self):
        return S.Permute.apply(self, tuple(reversed(range(self._data.ndim))))

    def expand(self, *shape):
        shape, own = _shape_args(shape), self._data.shape
        offset = len(shape) - len(own)
        if offset < 0:
            raise RuntimeError(f"expand: the number of sizes provided ({len(shape)}) must be "
                               f"greater or equal to the number of dimensions in the tensor "
                               f"({len(own)})")
        full = tuple(own[i - offset] if n == -1 else n for i, n in enumerate(shape))
        for i in reversed(range(len(own))):  # only size-1 dims can be copied along
            if own[i] != 1 and own[i] != full[i + offset]:
                raise RuntimeError(
                    f"The expanded size of the tensor ({full[i + offset]}) must match the "
                    f"existing size ({own[i]}) at non-singleton dimension {i + offset}.  "
                    f"Target sizes: {list(shape)}.  Tensor sizes: {list(own)}")
        return S.Expand.apply(self, full)

    def expand_as(self, other):
        return self.expand(other.shape)

    def repeat(self, *sizes):
        sizes = _shape_args(sizes)
        if len(sizes) < self._data.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                               "number of dimensions of tensor")
        return S.Repeat.apply(self, sizes)

    def __getitem__(self, key):
        try:
            return S.Index.apply(self, index_key(key))
        except IndexError as error:
            raise index_error(error, self._data.ndim) from None


def _same_dtype(tensors):
    """cat/stack of mixed dtypes: promote all to one, as torch does."""
    target = tensors[0]._data.dtype
    for t in tensors[1:]:
        target = dtypes.result_dtype(target, t._data.dtype)
    return [t if t._data.dtype == target else t._cast(target) for t in tensors]


@accepts_axis
def cat(tensors, dim=0):
    """torch.cat: join tensors along an existing dim."""
    tensors = _same_dtype(list(tensors))
    dim = tensors[0]._dim(dim)
    check_cat([t._data for t in tensors], dim)
    return S.Cat.apply(*tensors, dim=dim)


@accepts_axis
def stack(tensors, dim=0):
    """torch.stack: join tensors along a new dim."""
    tensors = _same_dtype(list(tensors))
    n = tensors[0]._data.ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}]"
                         f", but got {dim})")
    check_stack([t._data for t in tensors])
    return S.Stack.apply(*tensors, dim=dim % n)


def index_key(key):
    """A torch index (ints, slices, None, ..., bool masks, int lists or tensors) -> NumPy's."""
    if isinstance(key, tuple):
        return tuple(_index_part(k) for k in key)
    return _index_part(key)


def _index_part(k):
    if isinstance(k, TensorShape):
        return k._data if k._data.ndim else k._data.item()
    if isinstance(k, list):
        return np.asarray([x.item() if isinstance(x, TensorShape) else x for x in k])
    return k
