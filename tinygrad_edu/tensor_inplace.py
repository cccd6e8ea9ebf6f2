"""The Tensor's in-place updates: ``w -= lr * w.grad``, ``w.grad.zero_()``, ``x[mask] = 1``,
``uniform_``/``normal_`` initialisers, and ``clone``. They write into the same array, so every
view of it sees the change; autograd forbids them where they would falsify a gradient."""
import numpy as np

from . import dtypes
from .autograd import grad_mode
from .ops.elementwise import Cast
from .checks_tensor import check_fill_value
from .checks import index_error
from .random import rng
from .tensor_shape import index_key


_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}  # bool < integers < floats
_TORCH_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool"}


class TensorInPlace:
    __slots__ = ()

    def clone(self):
        out = Cast.apply(self, self._data.dtype)  # a differentiable copy
        if out.grad_fn is not None:
            out.grad_fn.torch_name, out.grad_fn.label = "CloneBackward0", "CLONE"
        return out

    def _check_inplace(self):
        """In-place changes are allowed only where autograd cannot be fooled by them."""
        if self._requires_grad and grad_mode.is_grad_enabled():
            if self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                   "in-place operation. Wrap the update in `with torch.no_grad():`"
                                   " or change w.data instead.")
            raise RuntimeError("in-place operations on tensors that are part of a graph are not "
                               "supported by tinygrad_edu; write y = f(x) instead of changing x")

    def _inplace_from(self, compute):
        """x.op_(...): ``compute(x)`` gives the new value as a Tensor (out of place: x.scatter
        for x.scatter_), which is then written into x itself."""
        new = compute(self)
        if new._requires_grad and grad_mode.is_grad_enabled():
            self._check_inplace()
        return self._update(new._data, new._data)

    def _inplace(self, value):
        self._check_inplace()
        value = value._data if isinstance(value, TensorInPlace) else value
        self._data[...] = value
        return self

    def __setitem__(self, key, value):
        self._check_inplace()
        value = value._data if isinstance(value, TensorInPlace) else value
        try:
            self._data[index_key(key, self._data.shape)] = value
        except IndexError as error:
            raise index_error(error, self._data.ndim) from None

    def zero_(self):
        return self._inplace(0)

    def fill_(self, value):
        check_fill_value(value, self._data.dtype)
        return self._inplace(value)

    def copy_(self, src):
        return self._inplace(src)

    def add_(self, other, alpha=1):
        other = other._data if isinstance(other, TensorInPlace) else other
        return self._update(self._data + (other * alpha if alpha != 1 else other), other)

    def sub_(self, other, alpha=1):
        other = other._data if isinstance(other, TensorInPlace) else other
        return self._update(self._data - (other * alpha if alpha != 1 else other), other)

    def mul_(self, other):
        other = getattr(other, "_data", other)
        return self._update(self._data * other, other)

    def div_(self, other):
        other = getattr(other, "_data", other)
        return self._update(self._data / other, other)

    def _update(self, result, other):
        """Write an arithmetic result back in place, refusing (as torch does) a result of a
        wider kind: an integer tensor cannot hold x += 1.5 without cutting the numbers."""
        result = np.asarray(result)
        if _RANK[result.dtype.kind] > _RANK[self._data.dtype.kind]:
            if isinstance(other, np.ndarray):  # torch's promotion, not NumPy's
                name = _TORCH_NAMES[dtypes.result_dtype(self._data.dtype, other.dtype).name]
            else:  # a Python number: torch's default types
                name = {"f": "Float", "i": "Long", "u": "Long"}[result.dtype.kind]
            raise RuntimeError(f"result type {name} can't be cast to the desired output type "
                               f"{_TORCH_NAMES.get(self._data.dtype.name)}")
        return self._inplace(result)

    def clamp_(self, min=None, max=None):
        return self._inplace(np.clip(self._data, min, max))

    def uniform_(self, a=0.0, b=1.0, generator=None):
        return self._inplace(rng(generator).uniform(a, b, self._data.shape))

    def normal_(self, mean=0.0, std=1.0, generator=None):
        return self._inplace(rng(generator).normal(mean, std, self._data.shape))

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)
