"""The Tensor's methods that build the graph: operators, math, activations, reductions,
comparisons (shapes and indexing are in ``tensor_shape.py``). Each one checks its arguments
and calls one Function from ``ops/`` (where forward and backward live): x.sigmoid() is
``Sigmoid.apply(x)``. The torch.xxx functions at the end of this file are these same methods
(torch.sigmoid(x) is x.sigmoid())."""
import functools

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the module: Tensor is looked up when called
from .checks import broadcasting, check_dims, check_matmul
from .ops import activation_ops as A
from .ops import elementwise as E
from .ops import linalg as L
from .ops import reduce as R
from .ops import shape as S
from .ops.grad_fn_names import renamed


def accepts_axis(fn):
    """torch also accepts NumPy's name ``axis=`` for ``dim=`` (the course writes both)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        return fn(*args, **kwargs)
    return wrapper


def _promote(a, b):
    """torch's type promotion before a binary op. ``a`` is a Tensor; ``b`` a Tensor or a
    number. Floats win over ints; a 0-d tensor does not widen a dimensioned one of the same
    kind; an int tensor meeting a Python float becomes float32 (NumPy would say float64)."""
    da = a._data.dtype
    if isinstance(b, TensorMath):
        db = b._data.dtype
        if da == db:
            return a, b
        if (da.kind == "f") == (db.kind == "f") and (a._data.ndim == 0) != (b._data.ndim == 0):
            target = db if a._data.ndim == 0 else da
        else:
            target = dtypes.result_dtype(da, db)
        return (a if da == target else a._cast(target)), (b if db == target else b._cast(target))
    if isinstance(b, np.generic):
        b = b.item()
    if isinstance(b, np.ndarray):
        return _promote(a, a._make(b, False, None))
    if isinstance(b, float) and da.kind != "f":
        return a._cast(np.float32), b
    if isinstance(b, int) and not isinstance(b, bool) and da.kind == "b":
        return a._cast(np.int64), b
    if not isinstance(b, (int, float, bool)):
        raise TypeError(f"unsupported operand type for a tensor operation: {type(b).__name__}")
    return a, b


def _true_div_ready(a, b):
    """Division always gives floats: 3 / 2 = 1.5 even for int64 tensors."""
    a, b = _promote(a, b)
    if a._data.dtype.kind != "f":
        a = a._cast(np.float32)
        if isinstance(b, TensorMath):
            b = b._cast(np.float32)
    return a, b


class TensorMath:
    __slots__ = ()

    # -- arithmetic: + - * / ** and their reflected forms ----------------------------------
    def __add__(self, other):
        return broadcasting(E.Add, *_promote(self, other))

    __radd__ = __add__

    def __sub__(self, other):
        return broadcasting(E.Sub, *_promote(self, other))

    def __rsub__(self, other):  # number - tensor
        return E.RSub.apply(*_promote(self, other))

    def __mul__(self, other):
        return broadcasting(E.Mul, *_promote(self, other))

    __rmul__ = __mul__

    def __truediv__(self, other):
        return broadcasting(E.Div, *_true_div_ready(self, other))

    def __rtruediv__(self, other):  # number / tensor
        return E.RDiv.apply(*_true_div_ready(self, other))

    def __pow__(self, exponent):
        a, b = _promote(self, exponent)
        return broadcasting(E.PowTensor, a, b) if isinstance(b, TensorMath) else E.Pow.apply(a, b)

    def __rpow__(self, base):  # number ** tensor
        a, base = _promote(self, base)
        return E.RPow.apply(a, base)

    def __mod__(self, other):
        return broadcasting(E.Remainder, *_promote(self, other))

    def __rmod__(self, other):  # number % tensor
        b, a = _promote(self, other)
        return E.Remainder.apply(a, b)

    def __floordiv__(self, other):  # floor(a / b): piecewise constant, so no gradient
        a, b = _promote(self, other)
        return self._make(np.asarray(np.floor_divide(a._data, getattr(b, "_data", b))), False,
                          None)

    def __rfloordiv__(self, other):
        b, a = _promote(self, other)
        return self._make(np.asarray(np.floor_divide(a, b._data)), False, None)

    def remainder(self, other):
        return self % other

    def floor_divide(self, other):
        return self // other

    def __neg__(self):
        return E.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __matmul__(self, other):
        if not isinstance(other, TensorMath):
            return NotImplemented  # Python then says: unsupported operand type(s) for @
        check_matmul(self._data.shape, other._data.shape)
        return L.MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return self._make(np.asarray(other), False, None) @ self

    def add(self, other, alpha=1):
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, alpha=1):
        return self - (other * alpha if alpha != 1 else other)

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def pow(self, exponent):
        return self ** exponent

    def neg(self):
        return -self

    def matmul(self, other):
        return self @ other

    def mm(self, other):
        if self._data.ndim != 2 or other._data.ndim != 2:
            raise RuntimeError(f"mm expects two matrices (2-D), got {self._data.ndim}-D and "
                               f"{other._data.ndim}-D; use matmul (@) for other shapes")
        return self @ other

    # -- elementwise math and activations ---------------------------------------------------
    def _floating(self):
        """exp, log, sigmoid, ... of an integer tensor give float32, as in torch."""
        return self if self._data.dtype.kind == "f" else self._cast(np.float32)

    def exp(self):
        return E.Exp.apply(self._floating())

    def log(self):
        return E.Log.apply(self._floating())

    def sqrt(self):
        return E.Sqrt.apply(self._floating())

    def abs(self):
        return E.Abs.apply(self)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return E.Clamp.apply(self, min=min, max=max)

    clip = clamp

    def sigmoid(self):
        return A.Sigmoid.apply(self._floating())

    def relu(self):
        return A.Relu.apply(self)

    def tanh(self):
        return A.Tanh.apply(self._floating())

    @accepts_axis
    def softmax(self, dim):
        return A.Softmax.apply(self._floating(), dim=self._dim(dim))

    @accepts_axis
    def log_softmax(self, dim):
        return A.LogSoftmax.apply(self._floating(), dim=self._dim(dim))

    # -- reductions -------------------------------------------------------------------------
    @accepts_axis
    def sum(self, dim=None, keepdim=False):
        x = self if self._data.dtype.kind == "f" else self._cast(np.int64)  # ints sum as int64
        check_dims(dim, self._data.ndim)
        return R.Sum.apply(x, dim=dim, keepdim=keepdim)

    @accepts_axis
    def mean(self, dim=None, keepdim=False):
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either "
                               f"a floating point or complex dtype. Got: {self.dtype}")
        check_dims(dim, self._data.ndim)
        return R.Mean.apply(self, dim=dim, keepdim=keepdim)

    @accepts_axis
    def var(self, dim=None, unbiased=True, keepdim=False, correction=None):
        check_dims(dim, self._data.ndim)
        n_corr = (1 if unbiased else 0) if correction is None else correction
        n = self._data.size if dim is None else int(np.prod(
            [self._data.shape[d] for d in R._axes(dim, self._data.ndim)]))
        centred = self - self.mean(dim, keepdim=True)
        return (centred * centred).sum(dim, keepdim=keepdim) / max(n - n_corr, 0)

    @accepts_axis
    def std(self, dim=None, unbiased=True, keepdim=False, correction=None):
        return self.var(dim, unbiased, keepdim, correction).sqrt()

    @accepts_axis
    def max(self, dim=None, keepdim=False):
        """max() -> the largest element; max(dim) -> (values, indices), as torch returns."""
        if isinstance(dim, TensorMath):
            return maximum(self, dim)
        return self._minmax(R.MaxAll, R.MaxDim, np.argmax, dim, keepdim, "max")

    @accepts_axis
    def min(self, dim=None, keepdim=False):
        if isinstance(dim, TensorMath):
            return minimum(self, dim)
        return self._minmax(R.MinAll, R.MinDim, np.argmin, dim, keepdim, "min")

    def _minmax(self, whole, along, arg, dim, keepdim, name):
        if dim is None:
            if self._data.size == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                                   f"input.numel() == 0. Specify the reduction dim with the "
                                   f"'dim' argument.")
            return whole.apply(self)
        dim = self._dim(dim)
        values = along.apply(self, dim=dim, keepdim=keepdim)
        indices = self._make(np.asarray(_arg(self._data, arg, dim, keepdim)), False, None)
        return MinMaxResult(name, values, indices)

    @accepts_axis
    def argmax(self, dim=None, keepdim=False):
        dim = None if dim is None else self._dim(dim)
        return self._make(np.asarray(_arg(self._data, np.argmax, dim, keepdim)), False, None)

    @accepts_axis
    def argmin(self, dim=None, keepdim=False):
        dim = None if dim is None else self._dim(dim)
        return self._make(np.asarray(_arg(self._data, np.argmin, dim, keepdim)), False, None)

    @accepts_axis
    def all(self, dim=None, keepdim=False):
        return self._make(np.asarray(self._data.all(axis=dim, keepdims=keepdim)), False, None)

    @accepts_axis
    def any(self, dim=None, keepdim=False):
        return self._make(np.asarray(self._data.any(axis=dim, keepdims=keepdim)), False, None)

    # -- comparisons and logic: no gradient, bool results -----------------------------------
    def _compare(self, other, op):
        other = other._data if isinstance(other, TensorMath) else other
        return self._make(np.asarray(op(self._data, other)), False, None)

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __and__(self, other):
        return self._compare(other, np.bitwise_and)

    def __or__(self, other):
        return self._compare(other, np.bitwise_or)

    def __xor__(self, other):
        return self._compare(other, np.bitwise_xor)

    def __invert__(self):
        if self._data.dtype.kind == "f":
            raise TypeError("~ (bitwise not) is only for bool and integer tensors")
        return self._make(np.asarray(~self._data), False, None)

    def equal(self, other):
        return self._data.shape == other._data.shape and bool((self._data == other._data).all())

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return bool(np.allclose(self._data, getattr(other, "_data", other), rtol, atol, equal_nan))

    def masked_fill(self, mask, value):
        """torch's masked_fill: ``value`` where ``mask`` is True (no gradient there)."""
        out = where(mask, self._make(np.asarray(value, self._data.dtype), False, None), self)
        return renamed(out, "MaskedFillBackward0")


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


def where(condition, x, y):
    """torch.where(c, x, y): x where c is True, else y (gradient flows to x and y)."""
    cond = condition._data if isinstance(condition, TensorMath) else np.asarray(condition)
    return broadcasting(S.Where, cond, x, y)


def maximum(a, b):
    """torch.maximum: the larger of a and b, element by element."""
    return broadcasting(E.Maximum, *_promote(a, b))


def minimum(a, b):
    """torch.minimum: the smaller of a and b, element by element."""
    return broadcasting(E.Minimum, *_promote(a, b))


# -- torch.add(x, 2), torch.add(2, x), ...: as functions the first argument may be a number --
def _as_tensor(x):
    return x if isinstance(x, TensorMath) else _tensor.Tensor._make(np.asarray(x), False, None)


def add(input, other, alpha=1):
    return _as_tensor(input).add(other, alpha=alpha)


def sub(input, other, alpha=1):
    return _as_tensor(input).sub(other, alpha=alpha)


def mul(input, other):
    return _as_tensor(input) * other


def div(input, other):
    return _as_tensor(input) / other


def power(input, exponent):  # torch.pow (named so as not to hide Python's pow in this file)
    return _as_tensor(input) ** exponent


def remainder(input, other):
    return _as_tensor(input) % other


def floor_divide(input, other):
    return _as_tensor(input) // other
