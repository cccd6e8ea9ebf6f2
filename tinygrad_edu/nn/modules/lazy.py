"""LazyLinear: a Linear layer whose in_features is read from its first input.

As in torch, the weight and bias start as UninitializedParameter (no shape yet); the first
call gives them their shape, initialises them like Linear's, and turns the module into a
plain Linear. What differs from torch: an uninitialised parameter here is an empty
float tensor (shape (0,), numel() 0) where torch refuses to tell its shape, and its
state_dict entry is that empty tensor; load_state_dict into a module that has not run yet
does not give it its shapes (run it once on an example input first)."""
import numpy as np

from ... import dtypes
from ...autograd.grad_mode import no_grad
from ...tensor import Tensor, check_device
from ..parameter import Parameter
from .linear import Linear
from .module import Module


class UninitializedParameter(Parameter):
    """torch.nn.UninitializedParameter: a parameter whose shape is not known yet.
    ``materialize(shape)`` gives it that shape (zeros, to be initialised) and makes it a
    plain Parameter: the same object, so an optimizer that already holds it keeps working."""
    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        check_device(device)
        np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
        super().__init__(Tensor._make(np.zeros(0, np_dtype), False, None), requires_grad)

    def materialize(self, shape, device=None, dtype=None):
        np_dtype = self._data.dtype if dtype is None else dtypes.to_numpy_dtype(dtype)
        self._data = np.zeros(shape, np_dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return "<UninitializedParameter>"

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = UninitializedParameter(self._requires_grad,
                                                    dtype=self._data.dtype)
        return memo[id(self)]


class LazyLinear(Linear):
    """torch.nn.LazyLinear(out_features, bias=True): nn.Linear(in_features, out_features)
    with in_features taken from the last dim of the first input. Until then in_features is
    0 and the parameters are UninitializedParameter; after the first call the module is a
    Linear (its class changes, as in torch)."""
    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Module.__init__(self)   # not Linear's: there is no shape to create parameters with
        self.in_features, self.out_features = 0, out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def has_uninitialized_params(self):
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Give the parameters their shapes from ``input`` and initialise them as Linear's."""
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()

    def forward(self, input):
        self.initialize_parameters(input)
        self.__class__ = self.cls_to_become
        return self.forward(input)
