"""Making tensors: torch.tensor, zeros/ones/full/eye/arange/linspace, the *_like family and
the random ones (rand, randn, randint, randperm) drawn from the seeded default generator."""
import math

import numpy as np

from . import dtypes
from .checks_tensor import check_arange, check_eye, check_fill_value, check_linspace, check_sizes
from .random import rng
from .tensor import CPU, Tensor, as_array, check_device


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
    Python floats become the default dtype (float32 unless torch.set_default_dtype), ints
    int64, bools bool; NumPy arrays and tensors keep their dtype."""
    arr = as_array(data, None if dtype is None else dtypes.to_numpy_dtype(dtype))
    if dtype is None and arr.dtype.kind == "f" and dtypes.default_float() != np.float32 \
            and _python_floats(data):
        arr = as_array(data, dtypes.default_float())  # as_array rounded them to float32
    return _new(np.array(arr, copy=True), None, device, requires_grad)


def _python_floats(data):
    """True when ``data``'s floats are Python's (not a NumPy array's or a tensor's dtype)."""
    if isinstance(data, (list, tuple)):
        return all(_python_floats(x) for x in data)
    return not isinstance(data, (Tensor, np.ndarray, np.generic))


def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor: like tensor() but shares a NumPy array's memory when it can."""
    if isinstance(data, Tensor) and dtype is None:
        return data
    if dtype is None and dtypes.default_float() != np.float32 and _python_floats(data) \
            and as_array(data).dtype.kind == "f":
        dtype = dtypes.get_default_dtype()  # Python floats: the default dtype
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
    """The dtype asked for, or the default floating dtype (float32 unless changed)."""
    return dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)


def zeros(*size, dtype=None, device=None, requires_grad=False, **size_kw):
    """torch.zeros(2, 3) (or a tuple, or size=...): zeros of the default dtype (float32)
    unless dtype says otherwise."""
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
                 dtypes.int64 if isinstance(fill_value, int) else dtypes.get_default_dtype())
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
    """torch.arange(start=0, end, step=1): ints give int64, any float gives the default dtype
    (float32). There are ceil((end - start) / step) numbers, element i being start + i*step
    worked out in double precision and rounded as torch's CPU kernel rounds it."""
    if end is None:
        start, end = 0, start
    values = [getattr(v, "item", lambda: v)() for v in (start, end, step)]
    check_arange(*values)
    if dtype is not None:
        out = np.dtype(dtypes.to_numpy_dtype(dtype))
    else:
        out = np.dtype(np.int64) if all(isinstance(v, int) for v in values) \
            else dtypes.default_float()
    start, end, step = values
    if out.kind == "f":
        count = max(math.ceil((float(end) - float(start)) / float(step)), 0)
        arr = _float_range(float(start), float(step), count, out)
    else:  # integer dtypes step with the arguments cut to integers, as torch does
        count = math.ceil((float(end) - float(start)) / float(step))
        start, end, step = int(start), int(end), int(step)
        if out == np.int64:  # torch counts int64 ranges in integers: ceil((end-start)/step)
            if step == 0:
                raise ValueError("step must be nonzero (cut to an integer for int64, the "
                                 "step is 0)")
            count = -((start - end) // step)
        arr = (start + step * np.arange(max(count, 0), dtype=np.int64)).astype(out)
    return _new(arr, None, device, requires_grad)


def _float_range(start, step, count, out):
    """torch's CPU arange: the output is filled in groups of 32 bytes (8 float32, 4 float64);
    a group's first number is start + step*first (one rounding: the kernel uses a fused
    multiply-add), rounded to the dtype, and the others add k*step to it (again fused); the
    tail that does not fill two groups is computed number by number. (Outputs of 32768
    numbers or more are split between threads in torch and may differ in the last bit.)"""
    i = np.arange(count, dtype=np.float64)
    if count == 0 or out.itemsize not in (4, 8):  # float16: no exact model, plain double arithmetic
        return (start + step * i).astype(out)
    group = 32 // out.itemsize
    vectorised = count - count % (2 * group)
    first = np.where(i < vectorised, i - i % group, i)
    base = _fused_multiply_add(step, first, start).astype(out).astype(np.float64)
    return _fused_multiply_add(i - first, step, base).astype(out)


def _fused_multiply_add(a, b, c):
    """a*b + c rounded once (what a CPU's fma instruction computes), with NumPy doubles:
    a*b and c + a*b are split exactly into value + error (Dekker, Knuth), the errors are
    summed rounding to odd, and the last addition rounds to nearest (Boldo & Melquiond)."""
    product, product_error = _two_product(np.asarray(a, np.float64), np.asarray(b, np.float64))
    high, low = _two_sum(np.asarray(c, np.float64), product)
    error, residue = _two_sum(low, product_error)
    inexact_even = (residue != 0) & (error.view(np.int64) & 1 == 0)
    if inexact_even.any():  # round to odd: step to the odd neighbour on the residue's side
        error[inexact_even] = np.nextafter(error[inexact_even],
                                           np.copysign(np.inf, residue[inexact_even]))
    return high + error


def _two_sum(a, b):
    """a + b = s + e exactly, s being the rounded sum."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _two_product(a, b):
    """a * b = p + e exactly: each factor is split into two 26-bit halves whose products
    are exact (Veltkamp's constant 2**27 + 1)."""
    p = a * b
    a_high, a_low = _halves(a)
    b_high, b_low = _halves(b)
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def _halves(x):
    t = 134217729.0 * x
    high = t - (t - x)
    return high, x - high


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


def set_default_device(device):
    """torch.set_default_device: where new tensors are made. Only 'cpu' (or None) exists in
    this engine; 'cuda' is refused with the message that says where CUDA lives."""
    check_device(device)


def get_default_device():
    """torch.get_default_device(): always device(type='cpu') here."""
    return CPU


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
