"""The Tensor's shape methods: reshape/view/flatten/squeeze/unsqueeze, permute/transpose/t,
expand/repeat, indexing (``x[...]``), and torch.cat / torch.stack. They move numbers around
without changing them; their Functions live in ``ops/shape.py``."""
import math
import warnings

import numpy as np

from . import dtypes
from .checks import check_cat, check_stack, index_error, reshaped
from .checks_tensor import check_cat_dims, check_expand, check_flatten, check_slice_steps
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
        start, end = self._dim(start_dim), self._dim(end_dim)
        if not shape:
            return self.reshape(1)
        check_flatten(start, end)
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
        if not dims:
            raise TypeError('permute() missing 1 required positional arguments: "dims"')
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
        if dims:  # a 0-d tensor accepts dims 0 and -1, and stays as it is
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
        check_expand(shape, len(own))
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
            return S.Index.apply(self, index_key(key, self._data.shape))
        except IndexError as error:
            key = _empty_pick_key(key, self._data.shape)
            if key is None:
                raise index_error(error, self._data.ndim) from None
        return S.Index.apply(self, key)


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
    tensors = _without_legacy_empties(tensors, dim)
    check_cat_dims([t._data for t in tensors])
    dim = tensors[0]._dim(dim)
    check_cat([t._data for t in tensors], dim)
    return S.Cat.apply(*tensors, dim=dim)


def _without_legacy_empties(tensors, dim):
    """torch.cat skips 1-D empty tensors (torch.zeros(0), the usual start of a loop that cats
    onto it) whatever the other shapes: each is reshaped to an empty slice of them instead,
    so that it still gets its (empty) gradient."""
    shapes = [t._data.shape for t in tensors if t._data.shape != (0,)]
    if not shapes or all(len(s) == 1 for s in shapes):
        return tensors
    d = dim % len(shapes[0]) if -len(shapes[0]) <= dim < len(shapes[0]) else 0
    empty = shapes[0][:d] + (0,) + shapes[0][d + 1:]
    return [S.Reshape.apply(t, empty) if t._data.shape == (0,) else t for t in tensors]


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


def index_key(key, shape=None):
    """A torch index (ints, slices, None, ..., bool masks, int lists or tensors) -> NumPy's.

    Given the indexed tensor's ``shape``, a key with index arrays is laid out as torch lays
    it out, which is not always NumPy's way: torch first applies the ints (each picks one
    entry of its dim and drops the dim), then the index arrays, so x[0, :, [0, 1]] of a
    (1, 2, 3) tensor is x[0][:, [0, 1]], of shape (2, 2) with the rows kept; NumPy counts
    the 0 as an index array too and puts the two picked columns first. Such a key becomes
    one index array per dim (broadcast to torch's output shape), so that forward (a[key])
    and backward (scatter g back to a[key]) use the same key."""
    if isinstance(key, list) and _sequence_as_tuple(key):
        warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated "
                      "and will be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]."
                      , UserWarning, stacklevel=3)
        key = tuple(key)
    parts = [_index_part(k) for k in (key if isinstance(key, tuple) else (key,))]
    if any(isinstance(k, slice) for k in parts):
        check_slice_steps(parts, shape)
    if shape and (any(_is_scalar_bool(k) for k in parts) or (
            any(isinstance(k, np.ndarray) for k in parts)
            and any(k is Ellipsis or isinstance(k, (int, np.integer)) for k in parts))):
        torch_key = _torch_layout(parts, tuple(shape))  # NumPy's layout may differ
        if torch_key is not None:
            return torch_key
    return tuple(parts) if isinstance(key, tuple) else parts[0]


def _empty_pick_key(key, shape):
    """torch checks index tensors' bounds while it copies the picked numbers: when there is
    nothing to copy (an empty result), an index out of range is not an error, except on a
    dim of size 0. The key with such indices clipped into range, or None (then NumPy's
    IndexError stands)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(key, list) and _sequence_as_tuple(key):
            key = tuple(key)
        parts = [_index_part(k) for k in (key if isinstance(key, tuple) else (key,))]
        used = sum(k.ndim if _is_mask(k) else 0 if k is None or k is Ellipsis else 1
                   for k in parts)
        dim, clipped = 0, []
        for k in parts:
            if k is Ellipsis:
                dim += max(len(shape) - used, 0)
            elif _is_mask(k):
                dim += k.ndim
            elif isinstance(k, np.ndarray) and k.dtype.kind in "iu" and dim < len(shape):
                if shape[dim] == 0 and k.size:
                    raise IndexError("index is out of bounds for dimension with size 0")
                k = np.clip(k, -shape[dim], shape[dim] - 1) if shape[dim] else k
                dim += 1
            elif k is not None:
                dim += 1
            clipped.append(k)
        try:
            safe = index_key(tuple(clipped) if isinstance(key, tuple) else clipped[0], shape)
            if np.empty(shape, np.bool_)[safe].size == 0:
                return safe
        except (IndexError, ValueError):
            pass
    return None


def _is_scalar_bool(k):
    return isinstance(k, (bool, np.bool_)) or (isinstance(k, np.ndarray) and k.ndim == 0
                                               and k.dtype == np.bool_)


def _sequence_as_tuple(seq):
    """torch reads x[[0, slice(None)]] or x[[[0, 1], [1, 0]]] as x[0, :], x[[0, 1], [1, 0]]."""
    return len(seq) < 32 and any(isinstance(x, (TensorShape, list, tuple, slice)) or x is None
                                 or x is Ellipsis for x in seq)


def _index_part(k):
    if isinstance(k, TensorShape):
        return k._data if k._data.ndim else k._data.item()
    if isinstance(k, list):
        arr = np.asarray([x.item() if isinstance(x, TensorShape) else x for x in k])
        return arr if arr.size else arr.astype(np.int64)  # x[[]] picks nothing
    return k


def _is_mask(k):
    return isinstance(k, np.ndarray) and k.dtype == np.bool_


def _torch_layout(parts, shape):
    """``parts`` (with index arrays) as a NumPy key that gives torch's layout, or None to
    leave the key to NumPy (which then reports what is wrong with it)."""
    if sum(k is Ellipsis for k in parts) > 1:
        return None
    used = sum(k.ndim if _is_mask(k) else 0 if k is None or k is Ellipsis or _is_scalar_bool(k)
               else 1 for k in parts)
    items, dim = [], 0  # (kind, index, the dim of the tensor it indexes)
    for k in parts:
        if _is_scalar_bool(k):  # a new dim of size 1 indexed by [0] (True) or [] (False)
            items.append(("array", np.zeros(int(bool(k)), np.intp), None))
        elif k is Ellipsis:
            items += [("slice", slice(None), d) for d in range(dim, dim + len(shape) - used)]
            dim += max(len(shape) - used, 0)
        elif k is None:
            items.append(("new", None, None))
        elif _is_mask(k):  # a mask is the index arrays of its True positions
            if k.shape != shape[dim:dim + k.ndim]:
                return None
            items += [("array", idx, dim + j) for j, idx in enumerate(np.nonzero(k))]
            dim += k.ndim
        else:
            items.append(("array" if isinstance(k, np.ndarray) else
                          "slice" if isinstance(k, slice) else "int", k, dim))
            dim += 1
    if dim > len(shape):
        return None
    items += [("slice", slice(None), d) for d in range(dim, len(shape))]
    rest = [it for it in items if it[0] in ("slice", "new")]
    torch_at = _block_position(items, ("array",))       # the ints are already applied
    phantom = any(d is None for kind, _, d in items if kind == "array")
    if torch_at == _block_position(items, ("array", "int")) and not phantom:  # NumPy agrees
        if not any(k is Ellipsis for k in parts):
            return None
        return tuple(None if kind == "new" else k for kind, k, _ in items)  # ... spelled out
    try:
        block = np.broadcast_shapes(*(k.shape for kind, k, _ in items if kind == "array"))
    except ValueError:
        return None
    ndim = len(rest) + len(block)
    key = [None] * len(shape)
    for j, (kind, k, d) in enumerate(rest):
        if kind == "slice":
            at = j if j < torch_at else j + len(block)
            key[d] = np.arange(shape[d])[k].reshape([-1 if i == at else 1 for i in range(ndim)])
    for kind, k, d in items:
        if kind == "array" and d is not None:   # (a bool's dim only shapes the block)
            k = k.reshape((1,) * (len(block) - k.ndim) + k.shape)
            key[d] = k.reshape((1,) * torch_at + k.shape + (1,) * (ndim - torch_at - len(block)))
        elif kind == "int":
            if not -shape[d] <= k < shape[d]:   # checked even when nothing is picked
                raise IndexError(f"index {k} is out of bounds for dimension {d} with size "
                                 f"{shape[d]}")
            key[d] = np.asarray(k).reshape((1,) * ndim)
    if phantom:   # a False makes the block (and the result) empty: carried by the first key
        key[0] = key[0] + np.zeros((1,) * torch_at + tuple(block) +
                                   (1,) * (ndim - torch_at - len(block)), np.intp)
    return tuple(key)


def _block_position(items, advanced):
    """Where the dims of the index arrays go: in place of the arrays when these are side by
    side, else first. ``advanced``: the kinds counted as index arrays (NumPy counts ints)."""
    kinds = [kind for kind, _, _ in items if kind in advanced or kind in ("slice", "new")]
    at = [j for j, kind in enumerate(kinds) if kind in advanced]
    if at != list(range(at[0], at[-1] + 1)):
        return 0
    return sum(1 for kind in kinds[:at[0]] if kind in ("slice", "new"))
