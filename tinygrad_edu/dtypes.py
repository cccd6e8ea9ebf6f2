"""dtypes with PyTorch's names: ``torch.float32`` (alias ``torch.float``), ``torch.float64``
(``torch.double``), ``torch.int64`` (``torch.long``), ``torch.int32`` (``torch.int``),
``torch.uint8``, ``torch.bool``. Each wraps the NumPy dtype that stores the numbers."""
import builtins

import numpy as np


class dtype:
    """A tensor's element type, printed as ``torch.float32`` like PyTorch's ``torch.dtype``."""

    def __init__(self, name, np_dtype, is_floating_point):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = is_floating_point
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):  # dtypes are singletons
        return (_by_name, (self.name,))


float32 = dtype("float32", np.float32, True)
float64 = dtype("float64", np.float64, True)
float16 = dtype("float16", np.float16, True)
int64 = dtype("int64", np.int64, False)
int32 = dtype("int32", np.int32, False)
int16 = dtype("int16", np.int16, False)
int8 = dtype("int8", np.int8, False)
uint8 = dtype("uint8", np.uint8, False)
bool = dtype("bool", np.bool_, False)  # noqa: A001  (torch.bool)

float, double, half = float32, float64, float16  # noqa: A001
long, int, short = int64, int32, int16  # noqa: A001

ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_FROM_NUMPY = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}


def _by_name(name):
    return _NAMES[name]


# -- the default floating dtype (torch.set_default_dtype) ---------------------------------------
_default_float = float32


def set_default_dtype(d):
    """torch.set_default_dtype(d): the dtype Python floats become (torch.tensor([1.]),
    zeros, rand, arange(0., 1.), int_tensor * 1.5 ...). Only floating dtypes."""
    global _default_float
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the "
                        f"default type (got {d!r}; e.g. torch.set_default_dtype(torch.float64))")
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type (got {d})")
    _default_float = d


def get_default_dtype():
    """torch.get_default_dtype(): torch.float32 unless set_default_dtype changed it."""
    return _default_float


def default_float():
    """The NumPy dtype of the default floating dtype (float32 unless changed)."""
    return _default_float.np


def from_numpy_dtype(np_dtype):
    """The tinygrad_edu dtype that stores values as this NumPy dtype."""
    try:
        return _FROM_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(f"can't convert NumPy arrays of type {np.dtype(np_dtype)}; supported: "
                        "float64, float32, float16, int64, int32, int16, int8, uint8 and bool") from None


def to_numpy_dtype(d):
    """Accept a tinygrad_edu dtype, a NumPy dtype, or a Python type (float -> float32)."""
    if isinstance(d, dtype):
        return d.np
    if d is builtins.float:  # as in torch, Python's float means float64
        return float64.np
    if d is builtins.int:
        return int64.np
    if d is builtins.bool:
        return bool.np
    return np.dtype(d)


def result_dtype(a, b):
    """torch's type promotion for two arrays: floats win over ints, wider wins over narrower,
    and int64 / float32 give float32 (NumPy would give float64)."""
    if a == b:
        return a
    a_float, b_float = a.kind == "f", b.kind == "f"
    if a_float and not b_float:
        return a
    if b_float and not a_float:
        return b
    return np.promote_types(a, b)


# -- torch's promotion of operands of different kinds (torch.result_type) -----------------------
def _join(a, b):
    return b if a is None else a if b is None else result_dtype(a, b)


def _combine(higher, lower):
    """torch's combine_categories: the higher-priority operands' dtype wins, unless a
    lower-priority operand is of a higher category (bool < integers < floats)."""
    if higher is None or lower is None:
        return higher if lower is None else lower
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return result_dtype(higher, lower)
    return higher


def result_type(*operands):
    """The dtype torch computes ``operands`` in (arrays of tensors, or Python numbers).

    Three priorities: tensors with dimensions, then 0-d tensors, then Python numbers. A
    lower one only matters when it is of a higher category (bool < integers < floats):
    int64 tensor + 0-d float64 tensor -> float64, but float32 tensor + 0-d float64 tensor ->
    float32, and bool tensor / 0-d int64 tensor -> int64 before the division. A Python float
    counts as the default dtype (float32 unless torch.set_default_dtype), an int as int64."""
    dims = zero = number = None
    for x in operands:
        if isinstance(x, np.ndarray):
            if x.ndim:
                dims = _join(dims, x.dtype)
            else:
                zero = _join(zero, x.dtype)
        elif isinstance(x, (builtins.bool, np.bool_)):
            number = _join(number, np.dtype(np.bool_))
        elif isinstance(x, (builtins.int, np.integer)):
            number = _join(number, np.dtype(np.int64))
        elif isinstance(x, (builtins.float, np.floating)):
            number = _join(number, _default_float.np)
        else:
            raise TypeError(f"unsupported operand type for a tensor operation: "
                            f"{type(x).__name__}")
    return _combine(dims, _combine(zero, number))

