"""The Tensor's gathering, scattering, sorting and splitting: gather/scatter/scatter_add,
index_select/index_add, sort/argsort/topk, split/chunk/unbind, tril/triu, roll, bmm (the
counting ones, histc/histogram and torch.meshgrid, are in tensor_counting.py). Each method
checks its arguments with torch's messages and calls one Function from ``ops/index_ops.py``
(where forward and backward live); the x.op_() forms compute x.op() and write it into x."""
import numpy as np

from .checks import check_matmul_dtypes, scalar_name
from .ops import index_ops as I
from .ops.grad_fn_names import renamed
from .ops.layout import row_order
from .tensor_reduce import MinMaxResult

# the torch.xxx functions that are these methods (bound in __init__.py: torch.gather is
# Tensor.gather)
TORCH_FUNCTIONS = ("gather", "scatter", "scatter_add", "index_select", "index_add", "sort",
                   "argsort", "topk", "tril", "triu", "roll", "split", "chunk", "unbind", "bmm")

_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))


class TensorIndex:
    __slots__ = ()

    # -- gathering and scattering along a dim ----------------------------------------------
    def gather(self, dim, index, *, sparse_grad=False):
        """torch.gather: out[i][j] = self[index[i][j]][j] (dim 0): index picks along dim."""
        index = _index_tensor("gather", index, "gather(): Expected dtype int32/int64 for index")
        dim = self._dim(dim)
        _check_positions(self, index, dim, "input")
        return I.Gather.apply(self, index, dim=dim)

    def scatter(self, dim, index, src=None, value=None):
        """torch.scatter (out of place): a copy of self with out[index[i][j]][j] = src[i][j]
        (dim 0), or = value."""
        index = _index_tensor("scatter", index, "scatter(): Expected dtype int32/int64 for index")
        dim = self._dim(dim)
        if isinstance(src, TensorIndex):
            _check_positions(self, index, dim, "self", src)
            return I.Scatter.apply(self, index, src, dim=dim)
        value = src if value is None else value
        if value is None:
            raise TypeError("scatter() missing 1 required argument: 'src' (a tensor) or "
                            "'value' (a number)")
        _check_positions(self, index, dim, "self")
        value = self._data.dtype.type(value.item() if hasattr(value, "item") else value)
        return I.ScatterValue.apply(self, index, value, dim=dim)

    def scatter_add(self, dim, index, src):
        """torch.scatter_add: a copy of self with out[index[i][j]][j] += src[i][j] (dim 0);
        positions named twice add up."""
        index = _index_tensor("scatter", index, "scatter(): Expected dtype int32/int64 for index")
        dim = self._dim(dim)
        if not isinstance(src, TensorIndex):
            raise TypeError(f"scatter_add(): argument 'src' must be Tensor, not "
                            f"{type(src).__name__}")
        _check_positions(self, index, dim, "self", src)
        return I.ScatterAdd.apply(self, index, src, dim=dim)

    def index_select(self, dim, index):
        """torch.index_select: the slices of self along dim listed in index (a vector)."""
        index = _index_tensor("index_select", index,
                              "index_select(): Expected dtype int32 or int64 for index")
        dim = self._dim(dim)
        if index._data.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        if self._data.ndim == 0 and index._data.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got "
                               f"{index._data.size} value(s)")
        picks, size = index._data.reshape(-1), (self._data.shape[dim] if self._data.ndim else 1)
        if size == 0 and picks.size and self._data.ndim > 1:
            raise RuntimeError("index_select(): self indexing axis dim should be positive "
                               "(the dim is empty: there is nothing to select)")
        outside = (picks < 0) | (picks >= size)
        if outside.any():
            # torch's kernel for dim 1, or for an empty matrix, words it so
            if self._data.ndim > 1 and (dim == 1 or not self._data.size):
                raise RuntimeError(f"INDICES element is out of DATA bounds, id="
                                   f"{picks[outside][0]} axis_dim={size}")
            raise IndexError("index out of range in self")
        return I.IndexSelect.apply(self, index, dim=dim)

    def index_add(self, dim, index, source, *, alpha=1):
        """torch.index_add: a copy of self with out[index[k]] += alpha · source[k] along dim."""
        index = _index_tensor("index_add_", index, None)
        if index._data.dtype not in _INDEX_DTYPES:
            raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                               f"{scalar_name(index._data.dtype)}")
        dim = self._dim(dim)
        if source._data.dtype != self._data.dtype:
            raise RuntimeError(f"index_add_(): self ({scalar_name(self._data.dtype)}) and source "
                               f"({scalar_name(source._data.dtype)}) must have the same scalar "
                               f"type")
        n = source._data.shape[dim] if source._data.ndim else 1
        if index._data.ndim > 1 or index._data.size != n:
            raise RuntimeError(f"index_add_(): Number of indices ({index._data.size}) should be "
                               f"equal to source.size(dim): ({n}), for dim: {dim}")
        own, theirs = list(self._data.shape), list(source._data.shape)
        if own[:dim] + own[dim + 1:] != theirs[:dim] + theirs[dim + 1:]:
            raise RuntimeError(f"index_add_(): source {theirs} must have the sizes of self {own} "
                               f"apart from dimension {dim}")
        _check_bounds(index._data, dim, self._data.shape[dim] if self._data.ndim else 1)
        return I.IndexAdd.apply(self, index, source, dim=dim, alpha=alpha)

    # -- the in-place forms: compute x.op(...), then write it into x -------------------------
    def scatter_(self, dim, index, src=None, value=None):
        """Tensor.scatter_: scatter into self."""
        return self._inplace_from(lambda x: x.scatter(dim, index, src, value), src)

    def scatter_add_(self, dim, index, src):
        """Tensor.scatter_add_: add src into self at the positions index names."""
        return self._inplace_from(lambda x: x.scatter_add(dim, index, src), src)

    def index_add_(self, dim, index, source, *, alpha=1):
        """Tensor.index_add_: add alpha · source into the slices of self index names."""
        return self._inplace_from(lambda x: x.index_add(dim, index, source, alpha=alpha),
                                  source)

    def masked_fill_(self, mask, value):
        """Tensor.masked_fill_: value where mask is True, in self."""
        return self._inplace_from(lambda x: x.masked_fill(mask, value))

    # -- sorting ---------------------------------------------------------------------------
    def sort(self, dim=-1, descending=False, *, stable=False):
        """torch.sort -> (values, indices). Equal numbers keep their order (torch promises it
        with stable=True); nan counts as the largest number."""
        dim = self._dim(dim)
        order = I.order(self._data, dim, descending)
        values = I.Sort.apply(self, order, dim=dim)
        if stable:
            renamed(values, "SortBackward1")
        return MinMaxResult("sort", values, self._make(order, False, None))

    def argsort(self, dim=-1, descending=False, *, stable=False):
        """torch.argsort: the indices that sort self along dim (sort(...).indices)."""
        return self._make(I.order(self._data, self._dim(dim), descending), False, None)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """torch.topk -> (values, indices) of the k largest (or smallest) along dim. With
        sorted=False torch leaves the order open; here they come sorted anyway."""
        if self._data.dtype == np.bool_:
            raise RuntimeError("topk does not support bool dtypes on CPU")
        dim = self._dim(dim)
        n = self._data.shape[dim] if self._data.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError(f"selected index k out of range (k = {k}, but dim {dim} has "
                               f"{n} numbers)")
        order = I.order(self._data, dim, largest)
        if self._data.ndim:   # the first k, in row order (a fresh tensor in torch)
            order = row_order(order[(slice(None),) * dim + (slice(0, k),)])
        values = I.Topk.apply(self, order, dim=dim)
        return MinMaxResult("topk", values, self._make(order, False, None))

    # -- triangles and rolls ---------------------------------------------------------------
    def tril(self, diagonal=0):
        """torch.tril: the lower triangle of the last two dims (j ≤ i + diagonal), 0 above;
        torch.tril(torch.ones(T, T)) is the causal mask of attention."""
        _check_matrix("tril", self)
        return I.Tril.apply(self, diagonal=int(diagonal))

    def triu(self, diagonal=0):
        """torch.triu: the upper triangle of the last two dims (j ≥ i + diagonal), 0 below."""
        _check_matrix("triu", self)
        return I.Triu.apply(self, diagonal=int(diagonal))

    def roll(self, shifts, dims=None):
        """torch.roll: shift along dims, what falls off one end coming back at the other;
        with dims=None, of the flattened tensor (keeping its shape)."""
        shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
        if not shifts:
            raise RuntimeError("`shifts` required")
        if dims is None:
            if len(shifts) != 1:
                raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                                   f"dims:0")
            return I.Roll.apply(self, tuple(int(s) for s in shifts), dims=None)
        dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        if not self._data.size:  # nothing to move: torch checks no dim
            return I.Roll.apply(self, (0,), dims=None)
        if not self._data.ndim:
            raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
        dims = tuple(self._dim(d) for d in dims)
        return I.Roll.apply(self, tuple(int(s) for s in shifts), dims=dims)

    # -- splitting into pieces (each a view, whose gradient flows back into self) -----------
    def split(self, split_size_or_sections=None, dim=0, *, split_size=None):
        """torch.split: pieces of split_size along dim (the last one smaller), or pieces of
        the listed sizes."""
        sizes = split_size_or_sections if split_size is None else split_size
        if not self._data.ndim:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        dim = self._dim(dim)
        n = self._data.shape[dim]
        if isinstance(sizes, (list, tuple)):
            sizes = [int(s) for s in sizes]
            if any(s < 0 for s in sizes):
                raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                                   f"entries, but got split_sizes={sizes}")
            if sum(sizes) != n:
                raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                                   f"(input tensor's size at dimension {dim}), but got "
                                   f"split_sizes={sizes}")
            return self._pieces(sizes, dim, "SplitWithSizesBackward0")
        size = int(sizes)
        if size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={size}")
        if size == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [min(size, n - start) for start in range(0, n, size)] if n else [0]
        return self._pieces(sizes, dim, "SplitBackward0")

    def chunk(self, chunks, dim=0):
        """torch.chunk: split into `chunks` pieces of ceil(n / chunks) (so maybe fewer)."""
        if not isinstance(chunks, int):
            raise TypeError(f"chunk(): argument 'chunks' (position 1) must be int, not "
                            f"{type(chunks).__name__}")
        if not self._data.ndim:
            raise RuntimeError("chunk expects at least a 1-dimensional tensor")
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        dim = self._dim(dim)
        n = self._data.shape[dim]
        if n == 0:  # torch gives `chunks` empty pieces here
            return self._pieces([0] * chunks, dim, "SplitWithSizesBackward0")
        return self.split(-(-n // chunks), dim)

    def _pieces(self, sizes, dim, torch_name):
        ends = np.cumsum(sizes).tolist()
        return tuple(renamed(I.Split.apply(self, end - size, end, dim=dim), torch_name)
                     for size, end in zip(sizes, ends))

    def unbind(self, dim=0):
        """torch.unbind: the slices along dim, that dim removed (x.unbind(0) is tuple(x))."""
        if not self._data.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        dim = self._dim(dim)
        return tuple(I.Unbind.apply(self, i, dim=dim) for i in range(self._data.shape[dim]))

    # -- a batch of matrix products --------------------------------------------------------
    def bmm(self, mat2):
        """torch.bmm: (b, n, m) @ (b, m, p) -> (b, n, p), one product per batch entry."""
        if not isinstance(mat2, TensorIndex):
            raise TypeError(f"bmm(): argument 'mat2' (position 2) must be Tensor, not "
                            f"{type(mat2).__name__}")
        a, b = self._data.shape, mat2._data.shape
        shapes = f" (batch1 is {list(a)}, batch2 is {list(b)}: bmm multiplies (b, n, m) by " \
                 f"(b, m, p))"
        for name, shape in (("batch1", a), ("batch2", b)):
            if len(shape) != 3:
                raise RuntimeError(f"{name} must be a 3D tensor{shapes}")
        if b[:2] != (a[0], a[2]):
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{a[0]}, {a[2]}] but got: [{b[0]}, {b[1]}].{shapes}")
        empty_dtype = check_matmul_dtypes(self, mat2)
        if empty_dtype is not None:  # an empty product of two dtypes: torch gives mat2's
            return self._cast(empty_dtype).bmm(mat2._cast(empty_dtype))
        return I.Bmm.apply(self, mat2)

    # -- counting: histograms (no gradient) --------------------------------------------------
def _index_tensor(name, index, message):
    if not isinstance(index, TensorIndex):
        raise TypeError(f"{name}(): argument 'index' (position 2) must be Tensor, not "
                        f"{type(index).__name__}")
    if message is not None and index._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError(message + " (index holds positions: make it with torch.tensor of "
                                     "ints, or convert with .long())")
    return index


def _check_positions(self, index, dim, what, src=None):
    """gather and scatter: index has self's number of dims (and src's), is no larger than
    self apart from dim (nor than src), and its numbers are positions along dim."""
    ndim = max(index._data.ndim, 1)
    if ndim != max(self._data.ndim, 1):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} "
                           f"tensor")
    if src is not None:
        n = max(src._data.ndim, 1)
        if n < ndim:  # torch asks src for a dim it lacks
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, "
                             f"{n - 1}], but got {n})")
        if n != ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as src "
                               "tensor")
        if src._data.dtype != self._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if not index._data.size:
        return
    own, idx = self._data.shape, index._data.shape
    theirs = idx if src is None else src._data.shape
    for d, n in enumerate(idx):
        if (d != dim and n > own[d]) or n > theirs[d]:
            message = (f"index {list(idx)} to be no larger than self {list(own)} apart from "
                       f"dimension {dim}")
            if what == "input":
                raise RuntimeError(f"Size does not match at dimension {d} expected {message}")
            if src is not None:
                message += f" and to be no larger size than src {list(theirs)}"
            raise RuntimeError(f"Expected {message}")
    _check_bounds(index._data, dim, own[dim] if own else 1)


def _check_bounds(index, dim, size):
    outside = (index < 0) | (index >= size)
    if outside.any():
        raise RuntimeError(f"index {index[outside].flat[0]} is out of bounds for dimension "
                           f"{dim} with size {size}")


def _check_matrix(name, t):
    if t._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def _floats_only(t, kernel):
    if t._data.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{scalar_name(t._data.dtype)}' (convert first: x.float())")
    return t._data
