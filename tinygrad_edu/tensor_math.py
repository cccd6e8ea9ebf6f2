"""The Tensor's methods that build the graph: operators, math, activations, comparisons
(reductions are in ``tensor_reduce.py``, shapes and indexing in ``tensor_shape.py``). Each
one checks its arguments and calls one Function from ``ops/`` (where forward and backward
live): x.sigmoid() is ``Sigmoid.apply(x)``. torch.sigmoid is this same method (bound in
__init__.py); the forms whose first argument may be a number (torch.add(2, x)) are at the end
of tensor_functions.py."""
import functools

import numpy as np

from . import dtypes
from . import tensor as _tensor  # the module: Tensor is looked up when called
from .checks import (broadcasting, check_broadcast, check_matmul, check_matmul_dtypes,
                     check_softmax_dtype)
from .checks_tensor import (check_allclose, check_alpha, check_bitwise, check_fill_value,
                            check_int_divisor, check_int_power, check_mask, check_not_bool,
                            check_sub, check_tensor_argument, check_where_condition)
from .ops import activation_ops as A
from .ops import elementwise as E
from .ops import linalg as L
from .ops import power_ops as P
from .ops import shape as S
from .ops.grad_fn_names import renamed


def accepts_axis(fn):
    """torch also accepts NumPy's names ``axis=`` for ``dim=`` and ``keepdims=`` for
    ``keepdim=`` (the course and d2l write both)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)
    return wrapper


def _promote(a, b):
    """torch's type promotion before a binary op (dtypes.result_type says how). ``a`` is a
    Tensor; ``b`` a Tensor or a number: bool tensor / 0-d int64 tensor is int64 (then float),
    int tensor + Python float is float32 (NumPy would say float64)."""
    if isinstance(b, np.generic):
        b = b.item()
    if isinstance(b, np.ndarray):
        b = a._make(b, False, None)
    if isinstance(b, TensorMath):
        if a._data.dtype == b._data.dtype:
            return a, b
        target = dtypes.result_type(a._data, b._data)
        return _to(a, target), _to(b, target)
    return _to(a, dtypes.result_type(a._data, b)), b


def _to(t, np_dtype):
    return t if t._data.dtype == np_dtype else t._cast(np_dtype)


def _data(x):
    return x._data if isinstance(x, TensorMath) else x


def _true_div_ready(a, b):
    """Division always gives floats: 3 / 2 = 1.5 even for int64 tensors."""
    a, b = _promote(a, b)
    if a._data.dtype.kind != "f":
        a = a._cast(dtypes.default_float())
        if isinstance(b, TensorMath):
            b = b._cast(dtypes.default_float())
    return a, b


def _int_power(base, exponent, np_dtype):
    """Integer powers as torch computes them (no gradient: integer tensors have none). A
    negative exponent gives 1/baseⁿ cut to an integer: 1 for 1, ±1 for -1, else 0 (NumPy
    refuses)."""
    check_broadcast(np.shape(base), np.shape(exponent))
    base, exponent = np.broadcast_arrays(np.asarray(base, np_dtype), np.asarray(exponent))
    negative = exponent < 0
    out = np.power(base, np.where(negative, 0, exponent))
    if negative.any():
        odd = exponent % 2 != 0
        small = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0))
        out = np.where(negative, small, out)
    return _tensor.Tensor._make(np.asarray(out, np_dtype), False, None)


class TensorMath:
    __slots__ = ()

    # -- arithmetic: + - * / ** and their reflected forms ----------------------------------
    def __add__(self, other):
        return broadcasting(E.Add, *_promote(self, other))

    __radd__ = __add__

    def __sub__(self, other):
        check_sub(self._data, _data(other))
        return broadcasting(E.Sub, *_promote(self, other))

    def __rsub__(self, other):  # number - tensor
        check_sub(_data(other), self._data)
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
        kind = a._data.dtype.kind
        if isinstance(b, TensorMath):
            check_broadcast(a._data.shape, b._data.shape)
            check_not_bool("pow", a._data.dtype)
            if kind in "iu":
                return _int_power(a._data, b._data, a._data.dtype)
            return broadcasting(P.PowTensor, a, b)
        if kind == "b":  # bool ** True is the tensor, bool ** False all True (torch's rule)
            return a._make(np.array(a._data if b else np.ones_like(a._data)), False, None)
        if kind in "iu":
            check_int_power(b)
        return P.Pow.apply(a, b)

    def __rpow__(self, base):  # number ** tensor
        a, base = _promote(self, base)
        check_not_bool("pow", a._data.dtype)
        if a._data.dtype.kind in "iu":
            return _int_power(base, a._data, a._data.dtype)
        return P.RPow.apply(a, base)

    def __mod__(self, other):
        a, b = _promote(self, other)
        check_broadcast(a._data.shape, np.shape(_data(b)))
        check_not_bool("remainder", a._data.dtype)
        check_int_divisor(_data(b), a._data.dtype, a._data)
        with np.errstate(divide="ignore", invalid="ignore"):  # float % 0 is nan, silently
            return broadcasting(E.Remainder, a, b)

    def __rmod__(self, other):  # number % tensor
        b, a = _promote(self, other)
        check_not_bool("remainder", b._data.dtype)
        check_int_divisor(b._data, b._data.dtype, a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return E.Remainder.apply(a, b)

    def __floordiv__(self, other):  # floor(a / b): piecewise constant, so no gradient
        a, b = _promote(self, other)
        return a._floor_divide(a._data, _data(b))

    def __rfloordiv__(self, other):
        b, a = _promote(self, other)
        return b._floor_divide(a, b._data)

    def _floor_divide(self, a, b):
        check_broadcast(np.shape(a), np.shape(b))
        check_not_bool("floor_divide", self._data.dtype)
        check_int_divisor(b, self._data.dtype, a)
        with np.errstate(divide="ignore", invalid="ignore"):  # float // 0 is ±inf or nan
            return self._make(np.asarray(np.floor_divide(a, b)), False, None)

    remainder, floor_divide = __mod__, __floordiv__

    def __neg__(self):
        check_not_bool("neg", self._data.dtype)
        return E.Neg.apply(self)

    def __pos__(self):
        check_not_bool("pos", self._data.dtype)
        return self

    def __abs__(self):
        return self.abs()

    def __matmul__(self, other):
        if not isinstance(other, TensorMath):
            return NotImplemented  # Python then says: unsupported operand type(s) for @
        empty_dtype = check_matmul_dtypes(self, other)
        check_matmul(self._data.shape, other._data.shape)
        if empty_dtype is not None:  # an empty batched product of two dtypes: torch gives b's
            return self._cast(empty_dtype) @ other._cast(empty_dtype)
        return L.MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return self._make(np.asarray(other), False, None) @ self

    def add(self, other, alpha=1):
        return self + self._scaled(other, alpha)

    def sub(self, other, alpha=1):
        check_sub(self._data, _data(other))
        return self - self._scaled(other, alpha)

    def _scaled(self, other, alpha):
        """alpha · other for add/sub: alpha must fit the result's dtype (no 0.5 for ints)."""
        target = dtypes.result_type(self._data, _data(other))
        check_alpha(alpha, target)
        if target.kind == "b":
            alpha = bool(alpha)
        return other if alpha == 1 else other * alpha

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
        return self if self._data.dtype.kind == "f" else self._cast(dtypes.default_float())

    def exp(self):
        return E.Exp.apply(self._floating())

    def log(self):
        return E.Log.apply(self._floating())

    def sqrt(self):
        return E.Sqrt.apply(self._floating())

    def abs(self):
        check_not_bool("abs", self._data.dtype)
        return E.Abs.apply(self)

    def clamp(self, min=None, max=None):
        """Bounds and tensor promote as torch does: an int tensor clamped to 1.5 is float32."""
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        target = dtypes.result_type(self._data, *(_data(b) for b in (min, max) if b is not None))
        lo, hi = (np.asarray(b._data, target) if isinstance(b, TensorMath) else b
                  for b in (min, max))
        return E.Clamp.apply(_to(self, target), min=lo, max=hi)

    clip = clamp

    def sigmoid(self):
        return A.Sigmoid.apply(self._floating())

    def relu(self):
        check_not_bool("relu", self._data.dtype)
        return A.Relu.apply(self)

    def tanh(self):
        return A.Tanh.apply(self._floating())

    @accepts_axis
    def softmax(self, dim, dtype=None):
        return self._softmax(A.Softmax, "softmax", dim, dtype)

    @accepts_axis
    def log_softmax(self, dim, dtype=None):
        return self._softmax(A.LogSoftmax, "log_softmax", dim, dtype)

    def _softmax(self, function, name, dim, dtype):
        x = self if dtype is None else self.to(dtype)
        dim, shape = x._dim(dim), x._data.shape
        if x._data.size == 0:  # nothing to normalise: the empty tensor (dtype kept), as torch gives
            torch_name = "SoftmaxBackward0" if name == "softmax" else "LogSoftmaxBackward0"
            return renamed(S.Reshape.apply(x, shape), torch_name)
        check_softmax_dtype(name, x._data.dtype, dim, len(shape), x._data.size)
        return function.apply(x, dim=dim)

    # -- comparisons and logic: no gradient, bool results -----------------------------------
    def _compare(self, other, op):
        other = other._data if isinstance(other, TensorMath) else other
        try:
            out = op(self._data, other)
        except ValueError:
            check_broadcast(self._data.shape, np.shape(other))  # torch's words
            raise
        return self._make(np.asarray(out), False, None)

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

    def _bitwise(self, other, op, name):
        a, b = _promote(self, other)
        check_broadcast(a._data.shape, np.shape(_data(b)))
        check_bitwise(name, a._data.dtype)
        return a._compare(b, op)

    def __and__(self, other):
        return self._bitwise(other, np.bitwise_and, "bitwise_and")

    def __or__(self, other):
        return self._bitwise(other, np.bitwise_or, "bitwise_or")

    def __xor__(self, other):
        return self._bitwise(other, np.bitwise_xor, "bitwise_xor")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        check_bitwise("invert", self._data.dtype)
        return self._make(np.asarray(~self._data), False, None)

    def equal(self, other):
        return self._data.shape == other._data.shape and bool((self._data == other._data).all())

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        check_allclose(self, other)
        return bool(np.allclose(self._data, other._data, rtol, atol, equal_nan))

    def masked_fill(self, mask, value):
        """torch's masked_fill: ``value`` where ``mask`` is True (no gradient there)."""
        mask = _data(mask) if isinstance(mask, TensorMath) else np.asarray(mask)
        check_mask(mask.dtype)
        check_fill_value(value, self._data.dtype)
        cond = check_where_condition(mask)
        fill = self._make(np.asarray(value).astype(self._data.dtype), False, None)
        out = broadcasting(S.Where, cond, fill, self, contiguous=True)  # a contiguous copy
        return renamed(out, "MaskedFillBackward0")


def where(condition, input=None, other=None):
    """torch.where(c, x, y): x where c is True, else y (gradient flows to x and y); x and y
    promote as in arithmetic (where(c, 1.0, 0.0) is float32). torch.where(c) alone: the
    positions where c is True, one index tensor per dim."""
    cond = condition._data if isinstance(condition, TensorMath) else np.asarray(condition)
    if input is None and other is None:
        return tuple(_tensor.Tensor._make(i, False, None) for i in np.nonzero(cond))
    cond = check_where_condition(cond)
    target = dtypes.result_type(_data(input), _data(other))
    x, y = (_to(v, target) if isinstance(v, TensorMath) else np.asarray(v, target)
            for v in (input, other))
    return broadcasting(S.Where, cond, x, y)


def maximum(a, b):
    """torch.maximum: the larger of a and b, element by element."""
    check_tensor_argument("maximum", b)
    return broadcasting(E.Maximum, *_promote(a, b))


def minimum(a, b):
    """torch.minimum: the smaller of a and b, element by element."""
    check_tensor_argument("minimum", b)
    return broadcasting(E.Minimum, *_promote(a, b))
