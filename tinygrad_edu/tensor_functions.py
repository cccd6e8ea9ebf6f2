"""More of the Tensor's math, the families the PyTorch tutorials, d2l and the Zero to Hero
lectures use: trigonometric and hyperbolic functions, logarithms in other bases, rounding,
signs, the predicates isnan/isinf/isfinite, the reductions prod, logsumexp, cumsum, dot and
norm, and the matrix-vector product mv. Each method checks its arguments and calls one Function
from ``ops/math_ops.py`` or ``ops/reduce_math.py`` (where forward and backward live): x.sin()
is ``Sin.apply(x)`` (mv is ``A @ v``, the MatMul of ``ops/linalg.py``)."""
import math

import numpy as np

from .checks import scalar_name
from .ops import math_ops as M
from .ops import reduce_math as R
from .ops.grad_fn_names import renamed
from . import tensor as _tensor  # the module: Tensor is looked up when called
from .tensor_math import accepts_axis

# the torch.xxx functions that are these methods (bound in __init__.py: torch.sin is Tensor.sin);
# gt ... ne and clone are methods of tensor_math.py / tensor_inplace.py (torch.eq is bound there)
TORCH_FUNCTIONS = (
    "sin", "cos", "tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh",
    "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
    "log10", "log2", "log1p", "expm1",
    "sign", "floor", "ceil", "round", "trunc", "fix",
    "isnan", "isinf", "isfinite",
    "gt", "lt", "ge", "le", "ne", "clone",
    "prod", "logsumexp", "cumsum", "dot", "mv", "norm",
)

_UNSET = object()  # an argument not given (torch picks another overload without it)


def _is_tensor(x):
    return hasattr(x, "_data")


def _not_tensor(name, argument, x):
    return TypeError(f"{name}(): argument '{argument}' (position 1) must be Tensor, not "
                     f"{type(x).__name__}")


def _quietly(function, x):
    """Outside its domain (log of 0 or of a negative, asin of 2) torch gives -inf or nan
    without a word; NumPy would warn, so its warnings are off for these calls."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return function.apply(x)


class TensorFunctions:
    __slots__ = ()

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        """x.multinomial(n): n draws of indices, each with probability ∝ x (torch.multinomial)."""
        from .random import multinomial  # (random imports the Tensor)
        return multinomial(self, num_samples, replacement, generator=generator)

    # -- trigonometric and hyperbolic: integer and bool tensors give float32, as in torch -----
    def sin(self):
        return M.Sin.apply(self._floating())

    def cos(self):
        return M.Cos.apply(self._floating())

    def tan(self):
        return M.Tan.apply(self._floating())

    def sinh(self):
        return M.Sinh.apply(self._floating())

    def cosh(self):
        return M.Cosh.apply(self._floating())

    def asin(self):
        return _quietly(M.Asin, self._floating())

    def acos(self):
        return _quietly(M.Acos, self._floating())

    def atan(self):
        return M.Atan.apply(self._floating())

    def asinh(self):
        return M.Asinh.apply(self._floating())

    def acosh(self):
        return _quietly(M.Acosh, self._floating())

    def atanh(self):
        return _quietly(M.Atanh, self._floating())

    arcsin, arccos, arctan = asin, acos, atan  # NumPy's names, which torch accepts too
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    # -- logarithms ------------------------------------------------------------------------
    def log10(self):
        return _quietly(M.Log10, self._floating())

    def log2(self):
        return _quietly(M.Log2, self._floating())

    def log1p(self):
        """ln(1 + x), exact for tiny x (torch.log1p)."""
        return _quietly(M.Log1p, self._floating())

    def expm1(self):
        """eˣ − 1, exact for tiny x (torch.expm1)."""
        return M.Expm1.apply(self._floating())

    # -- signs and rounding: zero gradients; integers stay integers -------------------------
    def sign(self):
        if self._data.dtype.kind == "b":  # a bool is its own sign
            return self._make(self._data.copy(), False, None)
        return M.Sign.apply(self)

    def floor(self):
        return self._rounded(M.Floor, "floor")

    def ceil(self):
        return self._rounded(M.Ceil, "ceil")

    def trunc(self):
        return self._rounded(M.Trunc, "trunc")

    fix = trunc

    def round(self, decimals=None):
        """torch.round: halves go to the even neighbour (2.5 -> 2.); ``decimals=2`` rounds to
        hundredths."""
        if decimals is None:
            return self._rounded(M.Round, "round")
        if self._data.dtype.kind != "f":  # torch's kernel for decimals= is for floats only
            kernel = "round_cpu" if decimals else "round_vml_cpu"
            raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                      f"'{scalar_name(self._data.dtype)}'")
        return renamed(M.Round.apply(self, decimals=int(decimals)), "RoundBackward1")

    def _rounded(self, function, name):
        kind = self._data.dtype.kind
        if kind == "b":
            raise NotImplementedError(f"\"{name}_vml_cpu\" not implemented for 'Bool'")
        if kind in "iu":  # already whole numbers: the same values, in a new tensor
            return self._make(self._data.copy(), False, None)
        return function.apply(self)

    # -- predicates: bool results, outside the graph ----------------------------------------
    def isnan(self):
        return self._make(np.isnan(self._data), False, None)

    def isinf(self):
        return self._make(np.isinf(self._data), False, None)

    def isfinite(self):
        return self._make(np.isfinite(self._data), False, None)

    # -- reductions ------------------------------------------------------------------------
    def _accumulating(self, dtype):
        """prod / cumsum compute in ``dtype`` when given; integers and bools in int64."""
        if dtype is not None:
            return self.to(dtype)
        return self if self._data.dtype.kind == "f" else self._cast(np.int64)

    @accepts_axis
    def prod(self, dim=_UNSET, keepdim=False, *, dtype=None):
        """torch.prod: x.prod() of every element, x.prod(dim) along one dim."""
        if dim is not _UNSET and (dim is None or not isinstance(dim, (int, np.integer))):
            raise TypeError(f"prod() received an invalid combination of arguments - got "
                            f"(dim={type(dim).__name__}), but expected one of:\n"
                            f" * (*, torch.dtype dtype = None)\n"
                            f" * (int dim, bool keepdim = False, *, torch.dtype dtype = None)\n")
        x = self._accumulating(dtype)
        if dim is _UNSET:
            return R.Prod.apply(x)
        return renamed(R.Prod.apply(x, dim=x._dim(dim), keepdim=keepdim), "ProdBackward1")

    @accepts_axis
    def logsumexp(self, dim, keepdim=False):
        """torch.logsumexp: ln Σ exp(x) along dim (an int or a tuple), without overflow."""
        x = self._floating()
        return R.LogSumExp.apply(x, dim=x._reduce_dims(dim), keepdim=keepdim)

    @accepts_axis
    def cumsum(self, dim, *, dtype=None):
        """torch.cumsum: the running sum along dim (int64 for integer and bool tensors)."""
        x = self._accumulating(dtype)
        return R.CumSum.apply(x, dim=x._dim(dim))

    def dot(self, tensor):
        """torch.dot: Σ aᵢbᵢ of two 1-D tensors of one length and one dtype."""
        if not _is_tensor(tensor):
            raise _not_tensor("dot", "tensor", tensor)
        a, b = self._data, tensor._data
        if a.ndim != 1 or b.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors "
                               f"(torch.dot takes two vectors; use @ or torch.matmul for "
                               f"matrices)")
        if a.dtype != b.dtype:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                               f"{scalar_name(a.dtype)} and {scalar_name(b.dtype)}")
        if a.shape != b.shape:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.size}] and src "
                               f"[{b.size}] to have the same number of elements, but got "
                               f"{a.size} and {b.size} elements respectively")
        if a.dtype.kind == "b":
            raise NotImplementedError("\"dot\" not implemented for 'Bool'")
        return R.Dot.apply(self, tensor)

    def mv(self, vec):
        """torch.mv: the matrix-vector product A·v of a 2-D and a 1-D tensor of one dtype, with
        no broadcasting (the product itself is A @ v, MvBackward0 in the graph)."""
        if not _is_tensor(vec):
            raise _not_tensor("mv", "vec", vec)
        a, v = self._data, vec._data
        if a.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        if a.ndim != 2 or v.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
        if a.shape[1] != v.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat "
                               f"({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})")
        if a.dtype != v.dtype:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                               f"{scalar_name(v.dtype)}, {scalar_name(a.dtype)}, and "
                               f"{scalar_name(v.dtype)}")
        if a.dtype.kind == "b":
            if not a.size:  # an empty product: torch answers without its bool kernel
                return self._make(np.zeros(a.shape[0], bool), False, None)
            raise NotImplementedError("\"addmv_impl_cpu\" not implemented for 'Bool'")
        return self @ vec

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """torch.norm: the vector norm of order p over dim (every element when None):
        'fro' and 2 the Euclidean length √Σx², 1 Σ|x|, inf max|x|, -inf min|x|, 0 the count
        of nonzeros, any other p (Σ|x|ᵖ)^(1/p)."""
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex "
                               f"tensor as input. Got {scalar_name(self._data.dtype)}")
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind != "f":
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or "
                               f"complex, but got {scalar_name(x._data.dtype)}")
        dims = None if dim is None else (dim,) if isinstance(dim, (int, np.integer)) else dim
        if isinstance(p, str):
            p = _vector_order(p, dims, x._data.ndim)
        p = 2 if p is None else p
        dims = None if dims is None else x._reduce_dims(tuple(dims))
        if math.isinf(p):
            _check_inf_norm(x._data.shape, dims)
            return R.NormMax.apply(x, p=p, dim=dims, keepdim=keepdim)
        return R.Norm.apply(x, p=p, dim=dims, keepdim=keepdim)

    def type_as(self, other):
        """x.type_as(y): x converted to y's dtype (x itself when it already has it)."""
        if not _is_tensor(other):
            raise _not_tensor("type_as", "other", other)
        return self.to(other.dtype)

    # -- f"{x}" and f"{x:.2f}" --------------------------------------------------------------
    def __format__(self, format_spec):
        """A 0-d tensor formats as its Python number (f"{loss:.4f}"); any other tensor only
        with an empty spec (its printed form), as in torch."""
        if self._data.ndim == 0:
            return self._data.item().__format__(format_spec)
        return object.__format__(self, format_spec)


def _vector_order(p, dims, ndim):
    """torch.norm's p='fro' over at most two dims is the vector 2-norm; the matrix norms
    ('nuc', 'fro' over more dims) are not computed here."""
    if p == "fro" and (dims is None or len(dims) <= 2):
        return 2
    if p == "nuc":
        if ndim < 2:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                               "dimensions.")
        raise NotImplementedError("the nuclear norm (p='nuc', the sum of singular values) is "
                                  "not computed by tinygrad_edu")
    if p == "fro":
        got = " ".join(str(d) for d in dims)
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {got}")
    raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")


def _check_inf_norm(shape, dims):
    """max |x| and min |x| need at least one element to pick from."""
    if dims is None:
        if 0 in shape:
            raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty "
                               "tensor because the operation does not have an identity")
        return
    for d in dims if len(shape) else ():
        if shape[d] == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the inf norm on the "
                               f"dimension {d}because this dimension is empty and the "
                               f"operation does not have an identity")


# -- torch.add(x, 2), torch.add(2, x), ...: as functions the first argument may be a number --
def _as_tensor(x):
    return x if isinstance(x, TensorFunctions) else _tensor.Tensor._make(np.asarray(x), False, None)


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
