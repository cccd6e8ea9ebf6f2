"""Argument checks of the Tensor methods and the creation functions (tensor_math.py,
tensor_reduce.py, tensor_shape.py, creation.py): dtypes, dims and sizes torch refuses, with
its messages. The shared ones (broadcasting, matmul, indexing) are in checks.py."""
import warnings

import numpy as np

from .checks import _CPP, check_broadcast, check_dims, scalar_name


# -- tensor methods: dtypes, dims and sizes torch refuses (tensor_math/reduce/shape, creation) --
_BOOL_REFUSED = {
    "neg": (RuntimeError, "Negation, the `-` operator, on a bool tensor is not supported. If "
            "you are trying to invert a mask, use the `~` or `logical_not()` operator instead."),
    "abs": (NotImplementedError, "\"abs_cpu\" not implemented for 'Bool' (a mask has no sign: "
            "convert it first, e.g. x.int())"),
    "relu": (RuntimeError, "Boolean inputs not supported for relu (convert the mask first, "
             "e.g. x.float())"),
    "argmax": (RuntimeError, "argmax(): does not support bool input (convert first, e.g. "
               "x.int().argmax(); x.nonzero() lists the True positions)"),
    "argmin": (RuntimeError, "argmin(): does not support bool input (convert first, e.g. "
               "x.int().argmin())"),
    "pow": (NotImplementedError, "\"pow\" not implemented for 'Bool' (convert first, e.g. "
            "x.int() or x.float())"),
    "pos": (RuntimeError, "The `+` operator, on a bool tensor is not supported."),
    "floor_divide": (NotImplementedError, "\"div_floor_cpu\" not implemented for 'Bool'"),
    "remainder": (NotImplementedError, "\"remainder_cpu\" not implemented for 'Bool'"),
}


def check_not_bool(op, dtype):
    """Operations torch has no bool kernel for: -x, +x, abs, relu, argmax, argmin, and bool
    ** // % bool."""
    if np.dtype(dtype).kind == "b":
        error, message = _BOOL_REFUSED[op]
        raise error(message)


def _is_bool(x):
    return isinstance(x, (bool, np.bool_)) or (isinstance(x, np.ndarray) and x.dtype == np.bool_)


def check_sub(a, b):
    """a - b with a bool operand (a tensor or True/False): torch refuses it. a, b: arrays or
    numbers."""
    if _is_bool(a) and _is_bool(b):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def check_alpha(alpha, dtype):
    """add/sub's alpha must fit the result: no 0.5 for integer results, True for bools only."""
    kind = np.dtype(dtype).kind
    if isinstance(alpha, (float, np.floating)) and kind not in "fc":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    if isinstance(alpha, (bool, np.bool_)) and kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def check_int_divisor(divisor, dtype, dividend=None):
    """Integers have no inf or nan: torch refuses integer division (// and %) by 0, when
    there is something to divide (an empty dividend: nothing; pass it to say so)."""
    if dividend is not None and np.size(dividend) == 0:
        return
    if np.dtype(dtype).kind in "iu" and np.any(np.asarray(divisor) == 0):
        raise RuntimeError("ZeroDivisionError (an integer tensor divided by 0: integers have no "
                           "inf or nan; divide floats, e.g. x.float(), to get them)")


def check_int_power(exponent):
    if isinstance(exponent, (int, np.integer)) and not isinstance(exponent, bool) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed. (use a float "
                           "exponent, x ** -1.0, or convert x first: x.float())")


def check_bitwise(name, dtype):
    """& | ^ ~ work on bools and integers only (for floats torch has no kernel)."""
    if np.dtype(dtype).kind in "fc":
        if name == "invert":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                            "tensors")
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{scalar_name(dtype)}' "
                                  f"(& | ^ combine masks: compare first, e.g. (x > 0) & (y > 0))")


def check_tensor_argument(name, other):
    if not hasattr(other, "_data"):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")


def check_where_condition(condition):
    """torch.where's condition is a bool tensor (uint8 still works, with a warning)."""
    if condition.dtype == np.bool_:
        return condition
    if condition.dtype == np.uint8:
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and "
                      "will be removed in a future version of PyTorch. Use a boolean condition "
                      "instead.", UserWarning, stacklevel=3)
        return condition.astype(np.bool_)
    raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with "
                       f"dtype {scalar_name(condition.dtype)} (a comparison gives one: "
                       f"torch.where(x > 0, a, b))")


def check_mask(dtype):
    if np.dtype(dtype) != np.bool_:
        name = _CPP.get(np.dtype(dtype).name, np.dtype(dtype).name)
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{name} (make the mask with a comparison, e.g. x > 0, or .bool())")


def check_reduce_dims(dim, ndim):
    """sum/mean/var/std's dims: each in range, none named twice (0 and -1 of a 1-D tensor are
    the same dim)."""
    check_dims(dim, ndim)
    if isinstance(dim, (tuple, list)):
        n, seen = max(ndim, 1), set()
        for d in dim:
            if d % n in seen:
                raise RuntimeError(f"dim {d % n} appears multiple times in the list of dims")
            seen.add(d % n)


def check_spread_dtype(dtype):
    if np.dtype(dtype).kind not in "fc":
        raise RuntimeError("std and var only support floating point and complex dtypes "
                           "(convert first, e.g. x.float().std())")


def warn_dof(name, dof):
    """var/std divide by n − correction: torch warns when that is not positive."""
    if dof <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                      f"than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=5)


def refuse_dim_none(name, keepdim):
    """x.max(dim=None) is an error in torch (x.max() is the largest element)."""
    hint = f"(of every element: x.{name}(); along a dim: x.{name}(dim=1))"
    if keepdim:
        raise TypeError(f"{name}(): argument 'dim' must be int, not NoneType {hint}")
    why = "      didn't match because some of the keywords were incorrect: dim\n"
    raise TypeError(f"{name}() received an invalid combination of arguments - got (dim=NoneType, "
                    f"), but expected one of:\n * ()\n{why} * (Tensor other)\n{why}"
                    f" * (int dim, bool keepdim = False)\n{hint}")


def check_picks_from(name, shape, dim):
    """argmax / max(dim) / min(dim) need an element to pick: no empty dim (or tensor)."""
    if dim is None:
        if 0 in shape:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             f"input.numel() == 0.")
    elif shape and shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


def check_flatten(start, end):
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")


def check_expand(sizes, ndim):
    """expand's sizes: -1 keeps a dim's size, so it cannot name a new leading dim."""
    for i, n in enumerate(sizes):
        if n < -1:
            raise RuntimeError(f"numel: integer multiplication overflow (expand got the size {n}: "
                               f"sizes are ≥ 0, or -1 to keep a dim's size)")
        if n == -1 and i < len(sizes) - ndim:
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                               f"non-existing dimension {i}")


def check_sizes(name, shape):
    """A new tensor's sizes must be ≥ 0."""
    for n in shape:
        if n < 0:
            if name == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: "
                               f"{list(shape)}")


def check_eye(n, m):
    for letter, k in (("n", n), ("m", m)):
        if k is not None and k < 0:
            raise RuntimeError(f"{letter} must be greater or equal to 0, got {k}")


def check_arange(start, end, step):
    if not (step > 0 or step < 0):  # 0 or nan
        raise RuntimeError("step must be nonzero")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if (end - start) / step >= 2 ** 63:
        raise RuntimeError("invalid size, possible overflow?")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign (arange "
                           "counts from start towards end: a negative step needs end < start)")


def check_linspace(steps):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")


def warn_non_leaf_grad():
    """Reading .grad of a non-leaf (w after w = w - lr * w.grad) gives None: torch warns."""
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
        ".grad attribute won't be populated during autograd.backward(). If you indeed want "
        "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
        "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
        "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
        "information. (After w = w - lr * w.grad, w is a new non-leaf: update in place "
        "under torch.no_grad(), w -= lr * w.grad, or use w.data.)", UserWarning, stacklevel=3)


def check_allclose(a, b):
    """allclose compares tensors of one dtype whose shapes broadcast. a, b: Tensors."""
    check_tensor_argument("allclose", b)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{scalar_name(a._data.dtype)} did not match "
                           f"{scalar_name(b._data.dtype)} (convert one first, e.g. y.float())")
    check_broadcast(a._data.shape, b._data.shape)


def check_cat_dims(arrays):
    for k, x in enumerate(arrays):
        if x.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {k}) cannot be "
                               f"concatenated (torch.stack makes a new dim for them)")


def check_slice_steps(parts, shape):
    """torch has no negative slice steps. It reads the key from left to right: an int out of
    range, a zero step and a negative step are reported in the order they come (index
    tensors are checked later), after a key with too many indices."""
    used = sum(k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
               for k in parts if k is not None and k is not Ellipsis and not _is_scalar_bool(k))
    if shape is not None and used > len(shape) and len(parts) > 1:
        return  # too many indices (torch checks a lone slice's step first)
    dim = 0
    for k in parts:
        if k is Ellipsis:
            dim += len(shape) - used if shape is not None else 0
        elif isinstance(k, slice):
            step = k.step
            if isinstance(step, int) and not isinstance(step, bool) and step == 0:
                raise ValueError("slice step cannot be zero")
            if isinstance(step, int) and step < 0:
                raise ValueError("step must be greater than zero (torch has no negative steps: "
                                 "use x.flip(dim), or index with a reversed list of positions)")
            dim += 1
        elif isinstance(k, int) and not isinstance(k, bool) and shape is not None and (
                dim >= len(shape) or not -shape[dim] <= k < shape[dim]):
            if dim >= len(shape):
                return  # too many indices: told by the indexing itself
            raise IndexError(f"index {k} is out of bounds for dimension {dim} with size "
                             f"{shape[dim]}")
        elif isinstance(k, np.ndarray) and k.dtype == np.bool_:
            dim += k.ndim
        elif k is not None and not _is_scalar_bool(k):
            dim += 1


def _is_scalar_bool(k):
    """True, False or a 0-d bool tensor as an index: a new axis of size 1 or 0, no dim used."""
    return isinstance(k, (bool, np.bool_)) or (isinstance(k, np.ndarray) and k.ndim == 0
                                               and k.dtype.kind == "b")


_FILL_TYPES = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t",
               "uint8": "uint8_t"}


def check_fill_value(value, dtype):
    """A number written into an integer tensor (masked_fill, full, fill_) must fit its dtype
    (torch refuses inf, nan and numbers out of range; it cuts 2.7 to 2)."""
    dtype = np.dtype(dtype)
    data = getattr(value, "_data", value)   # a 0-d tensor is its number
    if isinstance(data, np.ndarray) and data.ndim == 0:
        value = data.item()
    if dtype.kind not in "iu" or not isinstance(value, (int, float, np.number)):
        return
    info = np.iinfo(dtype)
    low = -info.max if dtype.kind == "u" else info.min  # unsigned: -1 wraps around to the max
    if not (np.isfinite(value) and low <= value <= info.max):
        raise RuntimeError(f"value cannot be converted to type {_FILL_TYPES[dtype.name]} "
                           f"without overflow")


def check_spread_overload(name, has_dim, has_unbiased, has_keepdim, has_correction):
    """torch's var/std overloads: (unbiased), (dim, unbiased, keepdim) and
    (dim=None, *, correction, keepdim): without a dim, unbiased goes alone."""
    if has_unbiased and (has_correction or (not has_dim and has_keepdim)):
        given = ", ".join(k for k, on in (("unbiased=bool", has_unbiased),
                                          ("keepdim=bool", has_keepdim),
                                          ("correction=int", has_correction)) if on)
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({given})"
                        f" (without a dim, unbiased cannot be combined with keepdim; and "
                        f"unbiased and correction are two spellings of one thing: pick one)")
