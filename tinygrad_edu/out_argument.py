"""torch's ``out=`` keyword: ``torch.mul(a, b, out=c)`` writes the result into c.

Only the torch.xxx function forms take it (as in torch); __init__.py wraps them here."""
import functools
import warnings

import numpy as np

from .autograd import grad_mode

# the torch.xxx functions that accept out=
WITH_OUT = ("add", "sub", "mul", "div", "matmul", "mm", "bmm", "cat", "stack")


def with_out(name, fn):
    """fn with an ``out=`` keyword: the result is computed, then written into ``out``."""
    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        if result._requires_grad and grad_mode.is_grad_enabled():
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires "
                               "grad.")
        if out._data.shape != result._data.shape:
            if out._data.size:
                warnings.warn(
                    f"An output with one or more elements was resized since it had shape "
                    f"[{', '.join(map(str, out._data.shape))}], which does not match the "
                    f"required output shape [{', '.join(map(str, result._data.shape))}]. This "
                    "behavior is deprecated, and in a future PyTorch release outputs will not "
                    "be resized unless they have zero elements. You can explicitly reuse an out "
                    "tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                    UserWarning, stacklevel=2)
            out._data = np.empty(result._data.shape, out._data.dtype)
        out._write(result._data, (result,))   # refuses a float result into an int tensor
        return out
    return call
