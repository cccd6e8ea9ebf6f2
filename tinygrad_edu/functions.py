"""torch.xxx(tensor, ...) forms of the Tensor methods: torch.exp(x) is x.exp(), and so on."""
import functools

import numpy as np

from .tensor import Tensor
from .tensor_math import where, maximum, minimum  # noqa: F401  (re-exported)
from . import tensor_shape


def _accepts_axis(fn):
    """torch also accepts NumPy's name ``axis=`` for ``dim=`` (the course writes both)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        return fn(*args, **kwargs)
    return wrapper


cat = _accepts_axis(tensor_shape.cat)
stack = _accepts_axis(tensor_shape.stack)


def _number_safe(x):
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x), False, None)


def add(input, other, alpha=1):
    return _number_safe(input).add(other, alpha=alpha)


def sub(input, other, alpha=1):
    return _number_safe(input).sub(other, alpha=alpha)


def mul(input, other):
    return _number_safe(input) * other


def div(input, other):
    return _number_safe(input) / other


def pow(input, exponent):
    return _number_safe(input) ** exponent


def remainder(input, other):
    return _number_safe(input) % other


def floor_divide(input, other):
    return _number_safe(input) // other


def neg(input):
    return -input


def matmul(input, other):
    return input @ other


def mm(input, mat2):
    return input.mm(mat2)


def exp(input):
    return input.exp()


def log(input):
    return input.log()


def sqrt(input):
    return input.sqrt()


def abs(input):
    return input.abs()


def clamp(input, min=None, max=None):
    return input.clamp(min, max)


clip = clamp


def sigmoid(input):
    return input.sigmoid()


def relu(input):
    return input.relu()


def tanh(input):
    return input.tanh()


@_accepts_axis
def softmax(input, dim):
    return input.softmax(dim)


@_accepts_axis
def log_softmax(input, dim):
    return input.log_softmax(dim)


@_accepts_axis
def sum(input, dim=None, keepdim=False):
    return input.sum(dim, keepdim)


@_accepts_axis
def mean(input, dim=None, keepdim=False):
    return input.mean(dim, keepdim)


@_accepts_axis
def var(input, dim=None, unbiased=True, keepdim=False):
    return input.var(dim, unbiased, keepdim)


@_accepts_axis
def std(input, dim=None, unbiased=True, keepdim=False):
    return input.std(dim, unbiased, keepdim)


@_accepts_axis
def max(input, dim=None, keepdim=False):
    return input.max(dim, keepdim)


@_accepts_axis
def min(input, dim=None, keepdim=False):
    return input.min(dim, keepdim)


@_accepts_axis
def argmax(input, dim=None, keepdim=False):
    return input.argmax(dim, keepdim)


@_accepts_axis
def argmin(input, dim=None, keepdim=False):
    return input.argmin(dim, keepdim)


@_accepts_axis
def all(input, dim=None, keepdim=False):
    return input.all(dim, keepdim)


@_accepts_axis
def any(input, dim=None, keepdim=False):
    return input.any(dim, keepdim)


def eq(input, other):
    return input == other


def equal(input, other):
    return input.equal(other)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return input.allclose(other, rtol, atol, equal_nan)


def reshape(input, shape):
    return input.reshape(shape)


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def squeeze(input, dim=None):
    return input.squeeze(dim)


def unsqueeze(input, dim):
    return input.unsqueeze(dim)


def transpose(input, dim0, dim1):
    return input.transpose(dim0, dim1)


def t(input):
    return input.t()


def permute(input, dims):
    return input.permute(dims)


def numel(input):
    return input.numel()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()
