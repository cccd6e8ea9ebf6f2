"""The Tensor's in-place updates: ``w -= lr * w.grad``, ``w.grad.zero_()``, ``x[mask] = 1``,
``out += b``, ``uniform_``/``normal_`` initialisers, and ``clone``. They write into the same
array, so every view of it sees the change.

Inside a graph (grad mode on, and the tensor or an operand requires grad) an in-place change
is recorded as torch records it: ``out += b`` becomes an ADD node whose first input is
``out`` as it was; ``out`` keeps that earlier version and counts the change in
``out._version``. Backward then refuses, with torch's error, a node that saved something
changed since (see autograd/versions.py). A leaf that requires grad may only change under
``torch.no_grad()``, as in torch."""
import numpy as np

from . import dtypes
from .autograd import grad_mode
from .ops.elementwise import Cast
from .ops.inplace_ops import IndexPut, is_advanced
from .ops import shape as S
from .ops.grad_fn_names import renamed
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

    # -- the one way every in-place change goes ----------------------------------------------
    def _inplace_from(self, compute, *operands):
        """x.op_(...): ``compute(x)`` gives the new value as a Tensor (out of place: x + b for
        x += b), which is then written into x itself. ``operands`` are the other inputs (to
        know whether the change is part of a graph)."""
        if not self._in_graph(*operands):
            self._write(compute(self)._data, operands)   # outside any graph: a plain write
            return self
        if self.grad_fn is None and self._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad is being used in an "
                               "in-place operation. Wrap the update in `with torch.no_grad():`"
                               " or change w.data instead.")
        view_of = self._view_of()
        before = self._make(self._data.copy(), self._requires_grad, self.grad_fn)  # x as it was
        before._version = self._version
        new = compute(before)
        if new._data.dtype != self._data.dtype:
            self._write(new._data, operands)             # refuses a wider result (int += 0.5)
            new = new._cast(self._data.dtype)
        else:
            self._write(new._data, operands)
        if self.grad_fn is not None and self.grad_fn.changed_output is None:
            self.grad_fn.changed_output = (self, before._version)  # its output is changed now
        self._older = {**(self._older or {}), before._version: before}
        self.grad_fn, self._requires_grad = new.grad_fn, True
        if view_of is not None:   # v = x[0]; v += 1 changed x too: x's graph must say so
            base, key = view_of
            base._inplace_from(lambda b: IndexPut.apply(b, self, key), self)
        return self

    def _view_of(self):
        """(x, key) when this tensor is a view x[key] of a tensor in a graph; None otherwise."""
        node = self.grad_fn
        if node is None or not node.inputs or node.inputs[0] is None:
            return None
        base = node.inputs[0]
        if not np.may_share_memory(self._data, base._data):
            return None
        if isinstance(node, S.Index) and not is_advanced(node.options.get("key", node.args[1])):
            return base, node.args[1]
        raise RuntimeError(
            "this tensor is a view (a reshape, transpose or similar) of another tensor in the "
            "graph, and tinygrad_edu follows in-place changes through x[...] views only. Change "
            "the original tensor, or make a new one: y = y + ... instead of y += ...")

    def _write(self, result, operands=()):
        """Write an arithmetic result into this tensor's array, refusing (as torch does) a
        result of a wider kind: an integer tensor cannot hold x += 1.5 without cutting it."""
        result = np.asarray(result)
        if _RANK[result.dtype.kind] > _RANK[self._data.dtype.kind]:
            other = next((getattr(o, "_data", o) for o in operands), None)
            if isinstance(other, np.ndarray):  # torch's promotion, not NumPy's
                name = _TORCH_NAMES[dtypes.result_dtype(self._data.dtype, other.dtype).name]
            else:  # a Python number: torch's default types
                name = {"f": "Float", "i": "Long", "u": "Long"}[result.dtype.kind]
            raise RuntimeError(f"result type {name} can't be cast to the desired output type "
                               f"{_TORCH_NAMES.get(self._data.dtype.name)}")
        self._data[...] = result
        self._version += 1

    # -- the in-place methods ------------------------------------------------------------------
    # Each gives _inplace_from the out-of-place form for a graph; outside one (an optimizer's
    # step, counting into a table) the array is written directly: no copy, no node.
    def _in_graph(self, *operands):
        return grad_mode._state["enabled"] and (self._requires_grad or any(
            getattr(o, "_requires_grad", False) for o in operands))

    def __setitem__(self, key, value):
        try:
            key = index_key(key, self._data.shape)
            if self._in_graph(value):
                self._inplace_from(lambda x: IndexPut.apply(x, value, key), value)
            else:
                self._data[key] = getattr(value, "_data", value)
                self._version += 1
        except IndexError as error:
            raise index_error(error, self._data.ndim) from None

    def zero_(self):
        return self._filled(0, "ZeroBackward0")

    def fill_(self, value):
        check_fill_value(value, self._data.dtype)
        return self._filled(value, "FillBackward3" if hasattr(value, "_data") else "FillBackward2")

    def _filled(self, value, torch_name):
        """Every element set to one value: an assignment x[...] = value, under torch's name."""
        return self._inplace_from(lambda x: renamed(IndexPut.apply(x, value, ...), torch_name),
                                  value)

    def copy_(self, src):
        return self._inplace_from(lambda x: IndexPut.apply(x, src, ...), src)

    def add_(self, other, alpha=1):
        if self._in_graph(other):
            return self._inplace_from(lambda x: x.add(other, alpha=alpha), other)
        other = getattr(other, "_data", other)
        self._write(self._data + (other * alpha if alpha != 1 else other), (other,))
        return self

    def sub_(self, other, alpha=1):
        if self._in_graph(other):
            return self._inplace_from(lambda x: x.sub(other, alpha=alpha), other)
        other = getattr(other, "_data", other)
        self._write(self._data - (other * alpha if alpha != 1 else other), (other,))
        return self

    def mul_(self, other):
        if self._in_graph(other):
            return self._inplace_from(lambda x: x * other, other)
        other = getattr(other, "_data", other)
        self._write(self._data * other, (other,))
        return self

    def div_(self, other):
        if self._in_graph(other):
            return self._inplace_from(lambda x: x / other, other)
        other = getattr(other, "_data", other)
        self._write(self._data / other, (other,))
        return self

    def clamp_(self, min=None, max=None):
        return self._inplace_from(lambda x: x.clamp(min, max), min, max)

    def uniform_(self, a=0.0, b=1.0, generator=None):
        return self._fill_random(rng(generator).uniform(a, b, self._data.shape),
                                 "UniformBackward0")

    def normal_(self, mean=0.0, std=1.0, generator=None):
        return self._fill_random(rng(generator).normal(mean, std, self._data.shape),
                                 "NormalBackward0")

    def _fill_random(self, values, torch_name):
        return self._inplace_from(lambda x: renamed(IndexPut.apply(x, values, ...), torch_name))

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)
