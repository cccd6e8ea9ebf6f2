"""From what a user passes (numbers, nested lists of numbers or tensors, NumPy arrays) to the
array a Tensor holds, with torch's dtype rules: Python floats become the default float dtype,
ints int64; NumPy arrays and tensors keep theirs."""
import numpy as np

from . import dtypes


def as_array(data, dtype=None):
    """Python numbers, nested lists (of numbers or tensors), NumPy arrays -> ndarray."""
    from .tensor import Tensor  # (tensor.py imports this module)
    keep = isinstance(data, (Tensor, np.ndarray, np.generic))  # their dtype is kept
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, (list, tuple)) and isinstance(_first_leaf(data), Tensor):
        arr = np.array(_unwrap(data))   # (tensors further in convert through __array__)
        keep = True
    else:
        try:
            arr = np.asarray(data)
        except ValueError:
            message = _ragged(data)
            if message is None:
                raise
            raise ValueError(f"{message}: every row of nested lists must have the same length "
                             f"to make a tensor") from None
    if dtype is not None:
        return arr.astype(dtype, copy=False)
    if arr.dtype.kind == "f" and not keep:
        return arr.astype(dtypes.default_float(), copy=False)  # Python floats: float32 (torch's)
    if arr.dtype.kind in "iu" and not keep:
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"can't make a tensor from {type(data).__name__} of {arr.dtype}")
    return arr


def _ragged(data):
    """torch's message for nested lists whose rows differ in length (None if they do not)."""
    shape, x = [], data
    while isinstance(x, (list, tuple)):  # the shape the first elements promise
        shape.append(len(x))
        x = x[0] if len(x) else None

    def check(x, dim):
        if dim == len(shape):
            return (f"expected a number at dim {dim} (got a sequence of length {len(x)})"
                    if isinstance(x, (list, tuple)) else None)
        got = len(x) if isinstance(x, (list, tuple)) else "a number"
        if got != shape[dim]:
            return f"expected sequence of length {shape[dim]} at dim {dim} (got {got})"
        return next((m for m in (check(y, dim + 1) for y in x) if m), None)
    return check(data, 0)


def _first_leaf(data):
    """The first number (or tensor) of nested lists: a look at one element, not a scan of
    all (torch.tensor of a 228,146 x 3 list of ints stays fast)."""
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _unwrap(data):
    from .tensor import Tensor
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    return data._data if isinstance(data, Tensor) else data
