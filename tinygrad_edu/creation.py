"""Making tensors: torch.tensor, zeros/ones/full/eye/arange/linspace, the *_like family and
the random ones (rand, randn, randint, randperm) drawn from the seeded default generator."""
import math

import numpy as np

from . import dtypes
from .checks_tensor import check_arange, check_eye, check_fill_value, check_linspace, check_sizes
from .random import rng
from .tensor import Tensor, as_array, check_device


def _new(array, dtype=None, device=None, requires_grad=False):
    check_device(device)
    if dtype is not None:
        array = array.astype(dtypes.to_numpy_dtype(dtype), copy=False)
    t = Tensor._make(array, False, None)
    if requires_grad:
        t.requires_grad = True  # checks the dtype can have gradients
    return t


def tensor(data, dtype=None, device=None, requires_grad=False):
    """torch.tensor: copy ``data`` (numbers, nested lists, a NumPy array) into a new leaf.
    Python floats become float32, ints int64, bools bool; NumPy arrays keep their dtype."""
    arr = as_array(data, None if dtype is None else dtypes.to_numpy_dtype(dtype))
    return _new(np.array(arr, copy=True), None, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor: like tensor() but shares a NumPy array's memory when it can."""
    if isinstance(data, Tensor) and dtype is None:
        return data
    return _new(as_array(data, None if dtype is None else dtypes.to_numpy_dtype(dtype)), None,
                device)


def from_numpy(array):
    """torch.from_numpy: a tensor sharing the array's memory (change one, see it in both)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)  # refuses dtypes torch does not have
    return Tensor._make(array, False, None)


def _size(size, size_kw=None, name="empty"):
    """torch accepts zeros(2, 3), zeros((2, 3)), zeros([2, 3]) and zeros(size=(2, 3))."""
    if size_kw is not None:
        if size:
            raise TypeError("give the size either as arguments or as size=, not both")
        size = (size_kw,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    shape = tuple(int(n) for n in size)
    check_sizes(name, shape)
    return shape


def _float(dtype):
    return np.float32 if dtype is None else dtypes.to_numpy_dtype(dtype)


def zeros(*size, dtype=None, device=None, requires_grad=False, **size_kw):
    """torch.zeros(2, 3) (or a tuple, or size=...): float32 zeros unless dtype says otherwise."""
    shape = _size(size, _only_size(size_kw, "zeros"), "zeros")
    return _new(np.zeros(shape, _float(dtype)), None, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, **size_kw):
    shape = _size(size, _only_size(size_kw, "ones"))
    return _new(np.ones(shape, _float(dtype)), None, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, **size_kw):
    """torch.empty leaves the memory uninitialised; here it is zeros (same shape and dtype)."""
    shape = _size(size, _only_size(size_kw, "empty"))
    return _new(np.zeros(shape, _float(dtype)), None, device, requires_grad)


def _only_size(kwargs, name):
    """The size= keyword (the only extra keyword these functions take), or None."""
    size = kwargs.pop("size", None)
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return size


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = (dtypes.bool if isinstance(fill_value, bool) else
                 dtypes.int64 if isinstance(fill_value, int) else dtypes.float32)
    check_fill_value(fill_value, dtypes.to_numpy_dtype(dtype))
    np_dtype = dtypes.to_numpy_dtype(dtype)
    return _new(np.full(_size((size,)), _cut(fill_value, np_dtype), np_dtype), None, device,
                requires_grad)


def _cut(value, np_dtype):
    """A number as torch writes it into an integer tensor: 2.7 -> 2, -1 -> 255 for uint8."""
    return np.asarray(value).astype(np_dtype) if np.dtype(np_dtype).kind in "iu" else value


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    check_eye(n, m)
    return _new(np.eye(n, m, dtype=_float(dtype)), None, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """torch.arange: ints give int64, any float gives float32."""
    if end is None:
        start, end = 0, start
    values = [getattr(v, "item", lambda: v)() for v in (start, end, step)]
    is_int = all(isinstance(v, int) for v in values)
    check_arange(*values)
    default = np.int64 if is_int else np.float32
    if math.isinf(values[2]):  # an infinite step: torch counts ceil((end-start)/step) = 0
        values = [0, 0, 1]
    arr = np.arange(*values, dtype=np.float64 if not is_int else np.int64).astype(default)
    return _new(arr, dtype, device, requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """torch.linspace: ``steps`` evenly spaced numbers from start to end, computed as torch
    does (the first half counted up from start, the second half down from end, the step in
    the output's precision), so that even the rounding agrees."""
    out_dtype = np.dtype(_float(dtype))
    kind = out_dtype.type if out_dtype.kind == "f" else np.float32
    check_linspace(steps)
    if steps == 1:
        return _new(np.array([start], dtype=out_dtype), None, device, requires_grad)
    step = (kind(end) - kind(start)) / kind(steps - 1)
    i = np.arange(steps)
    up = np.float64(kind(start)) + np.float64(step) * i
    down = np.float64(kind(end)) - np.float64(step) * (steps - 1 - i)
    arr = np.where(i < steps // 2, up, down).astype(out_dtype)
    return _new(arr, None, device, requires_grad)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return _new(np.zeros_like(t._data, dtype=_like(t, dtype)), None, device, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    return _new(np.ones_like(t._data, dtype=_like(t, dtype)), None, device, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    check_fill_value(fill_value, _like(t, dtype))
    return _new(np.full_like(t._data, _cut(fill_value, _like(t, dtype)), dtype=_like(t, dtype)),
                None, device, requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    return zeros_like(t, dtype, device, requires_grad)


def _like(t, dtype):
    return t._data.dtype if dtype is None else dtypes.to_numpy_dtype(dtype)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **size_kw):
    """Uniform numbers in [0, 1)."""
    shape = _size(size, _only_size(size_kw, "rand"))
    arr = rng(generator).random(shape, dtype=np.float64).astype(_float(dtype))
    return _new(arr, None, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **size_kw):
    """Standard normal numbers (mean 0, std 1)."""
    shape = _size(size, _only_size(size_kw, "randn"))
    arr = rng(generator).standard_normal(shape).astype(_float(dtype))
    return _new(arr, None, device, requires_grad)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    return rand(*t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    return randn(*t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None,
            requires_grad=False):
    """torch.randint(low=0, high, size): integers in [low, high)."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    arr = rng(generator).integers(low, high, _size((size,)), dtype=np.int64)
    return _new(arr, dtype, device, requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random ordering of 0 .. n-1."""
    return _new(rng(generator).permutation(n).astype(np.int64), dtype, device, requires_grad)


class _TypedTensorMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._data.dtype == cls.np_dtype


class FloatTensor(metaclass=_TypedTensorMeta):
    """torch.FloatTensor(data): a float32 tensor (legacy constructor)."""
    np_dtype = np.dtype(np.float32)

    def __new__(cls, *args):
        if len(args) == 1 and not isinstance(args[0], int):
            return Tensor._make(np.array(as_array(args[0], cls.np_dtype)), False, None)
        return Tensor._make(np.zeros(args, cls.np_dtype), False, None)


class DoubleTensor(FloatTensor):
    np_dtype = np.dtype(np.float64)


class LongTensor(FloatTensor):
    """torch.LongTensor(data): an int64 tensor (class labels)."""
    np_dtype = np.dtype(np.int64)


class IntTensor(FloatTensor):
    np_dtype = np.dtype(np.int32)


class BoolTensor(FloatTensor):
    np_dtype = np.dtype(np.bool_)


class ByteTensor(FloatTensor):
    np_dtype = np.dtype(np.uint8)
