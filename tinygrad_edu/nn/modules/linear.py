"""Linear (the fully connected layer) and Identity."""
import math

import numpy as np

from ... import dtypes
from ...tensor import Tensor, check_device
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


def _new_parameter(shape, device, dtype):
    """An uninitialised (zero) parameter of ``shape``; reset_parameters fills it."""
    check_device(device)
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    return Parameter(Tensor._make(np.zeros(shape, np_dtype), False, None))


class Linear(Module):
    """torch.nn.Linear(in_features, out_features, bias=True): y = x @ Wᵀ + b with
    W of shape (out_features, in_features). torch's default init: W and b uniform in
    ±1/√in_features (kaiming_uniform with a=√5), drawn from the default generator."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = _new_parameter((out_features, in_features), device, dtype)
        if bias:
            self.bias = _new_parameter((out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """torch.nn.Identity: returns its input (a placeholder layer); ignores its arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input
