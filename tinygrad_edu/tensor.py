"""Tensor: an array of numbers plus what autograd needs.

    _data          the numbers (a NumPy ndarray)
    grad           dLoss/dThis after backward (a Tensor), or None
    requires_grad  should the graph track this tensor?
    grad_fn        the Function that produced it (None for a leaf: data or a parameter)

The methods come in five files, one concern each: this one holds the tensor itself
(construction, autograd, what it is, conversions, printing); ``tensor_math.py`` arithmetic,
activations, comparisons; ``tensor_reduce.py`` sum/mean/var/std/max/argmax...;
``tensor_shape.py`` reshaping and indexing; ``tensor_inplace.py`` the in-place updates.
"""

import numpy as np

from . import dtypes
from ._repr import format_tensor
from .arrays import as_array
from .autograd import engine
from .checks_tensor import warn_non_leaf_grad
from .device import CPU, Size, check_device, device  # noqa: F401  (re-exported)
from .ops.elementwise import Cast
from .tensor_counting import TensorCounting
from .tensor_functions import TensorFunctions
from .tensor_index import TensorIndex
from .tensor_inplace import TensorInPlace
from .tensor_math import TensorMath
from .tensor_reduce import TensorReduce
from .tensor_shape import TensorShape, index_key  # noqa: F401  (index_key: re-exported)

_UNSHOWN_DTYPES = (np.dtype(np.int64), np.dtype(np.bool_))  # and the default float dtype


class Tensor(TensorMath, TensorFunctions, TensorReduce, TensorShape, TensorIndex, TensorCounting,
             TensorInPlace):
    # _version counts the in-place changes (autograd checks it, see autograd/versions.py);
    # _older keeps, for a tensor changed in place inside a graph, its earlier versions;
    # _hooks holds the functions register_hook added
    __slots__ = ("_data", "_requires_grad", "_grad", "grad_fn", "_version", "_older", "_hooks",
                 "__weakref__")

    def __init__(self, *args):
        """The legacy constructor: ``torch.Tensor([1., 2.])`` (always the default float
        dtype, float32 unless changed) or ``torch.Tensor(2, 3)`` (a 2x3 tensor; torch leaves it
        uninitialised, here zeros)."""
        floats = dtypes.default_float()
        if len(args) == 1 and not isinstance(args[0], int):
            data = np.array(as_array(args[0], floats))  # a copy, like torch's
        elif not args:
            data = np.zeros(0, dtype=floats)  # torch.Tensor() is tensor([])
        else:
            data = np.zeros(args, dtype=floats)
        self._data, self._requires_grad, self._grad, self.grad_fn = data, False, None, None
        self._version, self._older, self._hooks = 0, None, None

    @classmethod
    def _make(cls, data, requires_grad, grad_fn):
        """Wrap an array (the fast path every operation takes)."""
        t = object.__new__(Tensor)
        if type(data) is not np.ndarray:
            data = np.asarray(data)
        t._data, t._requires_grad, t._grad, t.grad_fn = data, requires_grad, None, grad_fn
        t._version, t._older, t._hooks = 0, None, None
        return t

    # -- data, gradient and graph ----------------------------------------------------------
    @property
    def data(self):
        """The same numbers, detached from the graph (shares storage: no copy)."""
        return Tensor._make(self._data, False, None)

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else as_array(value)

    @property
    def grad(self):
        """dLoss/dThis after backward. Only leaves keep it (and non-leaves that asked with
        retain_grad()): reading it on another non-leaf gives None, with torch's warning.
        (The engine and viz, which look at every tensor of a graph, read ``_grad``.)"""
        if self._grad is None and self.grad_fn is not None and self.grad_fn.retained is None:
            warn_non_leaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = value

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None and not flag:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If "
                               "you want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        if flag and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients "
                               f"(this one is {self.dtype}: convert it first, e.g. x.float())")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        """True for tensors the user made (data, parameters); False for results of ops."""
        return self.grad_fn is None

    def retain_grad(self):
        """Keep .grad on this non-leaf tensor after backward (leaves always keep it)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            engine.retain(self)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when backward computes this tensor's gradient; a tensor it
        returns replaces the gradient. ``handle.remove()`` takes the hook off."""
        from .utils.hooks import RemovableHandle
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:        # a leaf: run before its gradient goes into .grad
            hooks = self._hooks = self._hooks if self._hooks is not None else {}
        else:                           # a result: run before its node's backward
            node = self.grad_fn
            hooks = node.hooks = node.hooks if node.hooks is not None else {}
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    @property
    def retains_grad(self):
        return self.grad_fn is not None and self.grad_fn.retained is not None

    def detach(self):
        """A new leaf sharing these numbers, cut off from the graph."""
        return Tensor._make(self._data, False, None)

    def detach_(self):
        self.grad_fn, self._requires_grad = None, False
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Run the chain rule from this tensor back to every leaf that requires grad."""
        if create_graph or inputs is not None:  # the rarer forms: torch.autograd.backward
            engine.backward(self, gradient, retain_graph, create_graph, inputs)
        else:
            engine.run_backward(self, gradient, bool(retain_graph))

    # -- what the tensor is ----------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim)]

    def _dim(self, dim):
        n = max(self._data.ndim, 1)
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}]"
                             f", but got {dim})")
        return dim % n

    def dim(self):
        return self._data.ndim

    ndim = property(dim)

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self):
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return CPU

    @property
    def is_cuda(self):
        return False

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        """Steps, in elements, between neighbours along each dim (torch's strides)."""
        steps = tuple(s // self._data.itemsize for s in self._data.strides)
        return steps if dim is None else steps[self._dim(dim)]

    # -- new tensors like this one (same dtype unless told) --------------------------------
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.zeros(*size, dtype=dtype or self.dtype, device=device,
                              requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.ones(*size, dtype=dtype or self.dtype, device=device,
                             requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.full(size, fill_value, dtype=dtype or self.dtype, device=device,
                             requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.tensor(data, dtype=dtype or self.dtype, device=device,
                               requires_grad=requires_grad)

    def is_contiguous(self):
        return bool(self._data.flags.c_contiguous)

    def contiguous(self):
        """The same numbers laid out row by row in memory (a copy only if they are not)."""
        if self._data.flags.c_contiguous:
            return self
        out = Cast.apply(self, self._data.dtype, order="C")
        if out.grad_fn is not None:
            out.grad_fn.torch_name, out.grad_fn.label = "CloneBackward0", "CLONE"
        return out

    # -- conversions -----------------------------------------------------------------------
    def to(self, *args, **kwargs):
        """``.to('cpu')``, ``.to(torch.float64)``, ``.to(other_tensor)`` like torch."""
        target = None
        for a in list(args) + [kwargs.get("device"), kwargs.get("dtype")]:
            if isinstance(a, Tensor):
                target = a._data.dtype
            elif isinstance(a, dtypes.dtype):
                target = a.np
            elif a is not None:
                check_device(a)
        return self if target is None or target == self._data.dtype else self._cast(target)

    def _cast(self, np_dtype):
        np_dtype = np.dtype(np_dtype)
        if np_dtype.kind != "f":  # integer and bool results never carry gradients
            return Tensor._make(self._data.astype(np_dtype), False, None)
        return Cast.apply(self, np_dtype)

    def type(self, dtype=None):
        if dtype is None:
            return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
                    "int64": "torch.LongTensor", "int32": "torch.IntTensor",
                    "bool": "torch.BoolTensor", "uint8": "torch.ByteTensor"}.get(
                        self._data.dtype.name, f"torch.{self._data.dtype.name}")
        if isinstance(dtype, str):
            dtype = {"torch.FloatTensor": dtypes.float32, "torch.DoubleTensor": dtypes.float64,
                     "torch.LongTensor": dtypes.int64, "torch.IntTensor": dtypes.int32}[dtype]
        return self.to(dtype)

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool)

    def cpu(self):
        return self

    def cuda(self, device=None):
        check_device("cuda")

    def numpy(self):
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def tolist(self):
        return self._data.tolist()

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               f"to Scalar (item() needs exactly one number)")
        return self._data.item()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.item())

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    # by identity, as torch's (== compares elementwise, so Python would drop the hash);
    # object's own C-level hash keeps dict/set lookups (optimizer state, graph walks) fast
    __hash__ = object.__hash__

    def __repr__(self):
        suffixes = []
        if (self._data.dtype not in _UNSHOWN_DTYPES
                and self._data.dtype != dtypes.default_float()):
            suffixes.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn=<{self.grad_fn.short_name()}>")
        elif self._requires_grad:
            suffixes.append("requires_grad=True")
        return format_tensor(self._data, suffixes)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        """copy.deepcopy: a new leaf with copied numbers (and .grad), as torch allows."""
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) not in memo:
            copy = Tensor._make(self._data.copy(), self._requires_grad, None)
            if self.grad is not None:
                copy.grad = Tensor._make(self.grad._data.copy(), False, None)
            memo[id(self)] = copy
        return memo[id(self)]

    def __reduce_ex__(self, protocol):
        raise TypeError("tinygrad_edu tensors are not pickled: use torch.save / torch.load, "
                        "which store arrays without pickle")
