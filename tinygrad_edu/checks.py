"""Argument checks, with torch's error messages (and a hint in the learner's terms).

They run at the boundary (the Tensor methods, the torch.xxx functions, nn.functional)
before a Function is applied, so that ops/ holds only the math."""
import functools

import numpy as np

_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half", "int64": "long"}


def size(shape):
    return "torch.Size([" + ", ".join(str(s) for s in shape) + "])"


def _dims(shape):
    return "x".join(str(n) for n in shape)


# -- broadcasting ------------------------------------------------------------------------------
def broadcast_error(shapes):
    """torch's message for shapes that do not broadcast together (None when they do).
    Broadcasting lines the shapes up from the right; along each dim the sizes must be equal
    or 1 (a size-1 dim is copied along)."""
    ndim = max((len(s) for s in shapes), default=0)
    for i in range(1, ndim + 1):  # from the last dim, as torch reports the first clash
        sizes = [s[-i] for s in shapes if len(s) >= i and s[-i] != 1]
        clash = [n for n in sizes if n != sizes[0]]
        if clash:
            listed = ", ".join("[" + ", ".join(str(n) for n in s) + "]" for s in shapes)
            return (f"The size of tensor a ({sizes[0]}) must match the size of tensor b "
                    f"({clash[0]}) at non-singleton dimension {ndim - i} (shapes {listed} cannot "
                    f"be broadcast together: lined up from the right, each dim needs equal sizes "
                    f"or a 1)")
    return None


def check_broadcast(*shapes):
    message = broadcast_error(shapes)
    if message is not None:
        raise RuntimeError(message)


def broadcasting(function, *args, **options):
    """function.apply(*args), with NumPy's broadcasting error told in torch's words (the
    shapes are only compared when NumPy has already refused them: free when they fit)."""
    try:
        return function.apply(*args, **options)
    except ValueError as error:
        shapes = [a.shape for a in args if hasattr(a, "shape")]
        message = broadcast_error(shapes)
        if message is None or "broadcast" not in str(error):
            raise
        raise RuntimeError(message) from None


# -- matrix products ---------------------------------------------------------------------------
def check_matmul(a_shape, b_shape):
    """Raise torch's message, naming both shapes, when a @ b is impossible."""
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(a_shape)}D and {len(b_shape)}D")
    inner_a = a_shape[-1]
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if inner_a != inner_b:
        if len(a_shape) == 2 and len(b_shape) == 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({_dims(a_shape)} and {_dims(b_shape)})")
        raise RuntimeError(f"shapes cannot be multiplied: ({_dims(a_shape)}) @ ({_dims(b_shape)})"
                           f": the last dim of the first ({inner_a}) must equal the "
                           f"{'only' if len(b_shape) == 1 else 'second-to-last'} dim of the "
                           f"second ({inner_b})")
    if len(a_shape) > 2 and len(b_shape) > 2 and a_shape[:-2] != b_shape[:-2]:
        check_broadcast(a_shape[:-2], b_shape[:-2])  # the batch dims broadcast


def check_linear(x_shape, w_shape):
    """x @ Wᵀ needs x's last dim to be W's in_features (torch names the flattened x)."""
    if len(x_shape) == 0 or len(w_shape) == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{len(x_shape)}D and {len(w_shape)}D")
    if tuple(x_shape[-1:]) != tuple(w_shape[1:]):
        rows = (int(np.prod(x_shape[:-1])),) + tuple(x_shape[-1:])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({_dims(rows)} and {_dims(w_shape[::-1])})")


# -- shapes and indexing -----------------------------------------------------------------------
def reshaped(function, tensor, shape, view=False):
    """function.apply(tensor, shape) (a RESHAPE), refused in torch's words when the sizes do
    not fit, or, for view, when the new shape could only be a copy of the numbers."""
    a = tensor._data
    try:
        out = function.apply(tensor, shape)
    except ValueError:
        raise RuntimeError(f"shape '[{', '.join(str(n) for n in shape)}]' is invalid for "
                           f"input of size {a.size}") from None
    if view and a.size and not np.may_share_memory(out._data, a):
        raise RuntimeError("view size is not compatible with input tensor's size and "
                           "stride (at least one dimension spans across two contiguous "
                           "subspaces). Use .reshape(...) instead.")
    return out


def index_error(error, ndim):
    """NumPy's IndexError in torch's words: tensors have dimensions, not axes."""
    text = str(error)
    if text.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {ndim}")
    return IndexError(text.replace(" for axis ", " for dimension ").replace("array", "tensor"))


def check_cat(arrays, dim):
    """Say which tensor does not fit, in torch's words."""
    first = arrays[0].shape
    for k, x in enumerate(arrays):
        if x.ndim != len(first):
            raise RuntimeError(f"Tensors must have same number of dimensions: got "
                               f"{len(first)} and {x.ndim}")
        for d, (n, m) in enumerate(zip(first, x.shape)):
            if d != dim and n != m:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected "
                    f"size {n} but got size {m} for tensor number {k} in the list.")


def check_stack(arrays):
    for k, x in enumerate(arrays):
        if x.shape != arrays[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(arrays[0].shape)} at entry 0 and {list(x.shape)} at "
                               f"entry {k}")


# -- dims, convolution and pooling ---------------------------------------------------------------
def check_dims(dim, ndim):
    """Each dim in range: -ndim ≤ d < ndim (a 0-d tensor accepts 0 and -1)."""
    if dim is None:
        return
    n = max(ndim, 1)
    for d in (dim if isinstance(dim, (tuple, list)) else (dim,)):
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-n}, {n - 1}], but got {d})")


# -- dtypes: torch's names, softmax on integers, mixed-dtype matrix products ------------------
_SCALAR = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
           "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
           "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
        "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool"}


@functools.lru_cache(maxsize=None)   # dtype.name is slow: a 3×4 @ 4×5 product 19.6 → 11.2 µs
def scalar_name(dtype):
    """torch's ScalarType name of a NumPy dtype: float32 -> Float, int64 -> Long."""
    return _SCALAR.get(np.dtype(dtype).name, np.dtype(dtype).name)


def check_softmax_dtype(name, dtype, dim, ndim, numel):
    """torch has no softmax / log_softmax kernel for integers or bools (pass dtype=, or
    convert with .float() first). name: 'softmax' or 'log_softmax'; dim already checked."""
    if np.dtype(dtype).kind in "fc" or numel == 0:
        return
    last = ndim == 0 or dim % ndim == ndim - 1
    kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
    raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(dtype)}\'')


def mm_message(a_dtype, b_dtype):
    """torch's message for a 2-D product of two dtypes."""
    names = [_CPP.get(np.dtype(d).name, np.dtype(d).name) for d in (a_dtype, b_dtype)]
    return "expected m1 and m2 to have the same dtype, but got: {} != {}".format(*names)


def _rows_fold(x):
    """Whether a stack (…, n, k) can be seen as one (rows, k) matrix without copying: its
    leading dims are laid out one after the other (not a broadcast or a transposed stack).
    A new axis of size 1 (x[None], unsqueeze) has stride 0 in numpy; torch gives it the
    stride that continues the layout, so it is read that way."""
    strides = [st // x.itemsize for st in x.strides]
    for i in reversed(range(x.ndim - 1)):
        if x.shape[i] == 1 and strides[i] == 0:
            strides[i] = strides[i + 1] * x.shape[i + 1]
    return all(strides[i] == strides[i + 1] * x.shape[i + 1] for i in range(x.ndim - 2))


def _folds(x, y, a_grad, b_grad):
    """Whether torch's matmul of a stack (3-D or more) and a vector or matrix folds the
    stack into one matrix of rows (then mm or mv) instead of broadcasting a bmm: when the
    smaller operand needs a gradient, or the stack is empty, or its rows lie one after the
    other (no copy); never for a matrix on the left of a stack."""
    larger = x.ndim >= y.ndim
    stack, small = (x, y.ndim) if larger else (np.swapaxes(y, -1, -2), x.ndim)
    if not (stack.ndim >= 3 and 1 <= small <= 2):
        return False
    if b_grad if larger else a_grad:
        return True
    if x.ndim == 2:
        return False
    return not stack.size or _rows_fold(stack)


def check_matmul_dtypes(a, b):
    """torch multiplies matrices of one dtype only: int @ float, float64 @ float32, ... raise,
    with the message of the kernel torch picks for those shapes; and it has no bool kernels
    (NotImplementedError), though products with nothing to compute (an empty operand) skip
    the kernel. a, b: Tensors (or arrays). Shape mistakes are told first (check_matmul),
    except for two vectors, as torch does. Returns the dtype of an empty batched product of
    two dtypes (torch computes it, in b's dtype), else None."""
    x, y = getattr(a, "_data", a), getattr(b, "_data", b)
    if x.dtype == y.dtype and x.dtype.kind != "b" and x.ndim + y.ndim > 2:
        check_matmul(x.shape, y.shape)   # one dtype, not bool: only the shapes can be wrong
        return None                      # (the common case; the names below cost ~16 µs)
    A, B = scalar_name(x.dtype), scalar_name(y.dtype)
    hint = " (convert one of them, e.g. with .float())"
    bool_hint = " (matrix products of masks are not computed: convert first, e.g. x.int())"
    same = x.dtype == y.dtype
    if x.ndim == 1 and y.ndim == 1:
        if not same:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {A} "
                               f"and {B}{hint}")
        if x.dtype.kind == "b":
            if x.size != y.size:  # told before the missing kernel, as torch does
                check_matmul(x.shape, y.shape)
            raise NotImplementedError(f"\"dot\" not implemented for 'Bool'{bool_hint}")
        return None
    check_matmul(x.shape, y.shape)
    empty = x.size == 0 or y.size == 0
    grad = getattr(a, "_requires_grad", False)
    # which kernel torch picks: bmm, or addmm / addmv when it folds the stack into rows
    bmm = (x.ndim >= 3 or y.ndim >= 3) and not _folds(x, y, grad,
                                                      getattr(b, "_requires_grad", False))
    if (x.ndim == 3 and y.ndim == 3 and y.shape[0] == 1 and x.shape[0] != 1 and not same
            and getattr(b, "_requires_grad", False)):   # torch drops b's batch of 1: mm
        raise RuntimeError(mm_message(x.dtype, y.dtype) + hint)
    if bmm:
        if empty:
            if same:
                return None
            if y.dtype.kind not in "fc" and (grad or getattr(b, "_requires_grad", False)):
                raise RuntimeError(f"Autograd not support dtype: {B} (the empty product takes "
                                   f"the second operand's dtype, which cannot require grad)")
            return y.dtype
        if x.dtype.kind == "b":
            raise NotImplementedError(f"\"bmm\" not implemented for 'Bool'{bool_hint}")
        if not same:
            raise RuntimeError(f"expected scalar type {A} but found {B}{hint}")
        return None
    ca, cb = _CPP.get(x.dtype.name, x.dtype.name), _CPP.get(y.dtype.name, y.dtype.name)
    mv = "addmv input tensors must have the same dtype, but got {0}, {1}, and {0}" + hint
    mm = "expected m1 and m2 to have the same dtype, but got: {} != {}" + hint
    if not same:
        if y.ndim >= 3:  # folded: bᵀ @ aᵀ
            raise RuntimeError(mv.format(A, B) if x.ndim == 1 else mm.format(cb, ca))
        if y.ndim == 1:   # a matrix (or a stack folded into one) times a vector: mv
            raise RuntimeError(mv.format(B, A))
        raise RuntimeError(mm.format(ca, cb))
    if x.dtype.kind == "b" and not empty:
        kernel = "addmv_impl_cpu" if 1 in (x.ndim, y.ndim) else "addmm_impl_cpu_"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'{bool_hint}")
    return None
