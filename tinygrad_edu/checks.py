"""Argument checks, with torch's error messages (and a hint in the learner's terms).

They run at the boundary (the Tensor methods, the torch.xxx functions, nn.functional)
before a Function is applied, so that ops/ holds only the math."""
import warnings

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


# -- losses ------------------------------------------------------------------------------------
def warn_mse_broadcast(x_shape, y_shape):
    """torch broadcasts MSE's input and target, but warns: it is usually a mistake."""
    if x_shape != y_shape:
        warnings.warn(f"Using a target size ({size(y_shape)}) that is different to the "
                      f"input size ({size(x_shape)}). This will likely lead to incorrect "
                      f"results due to broadcasting. Please ensure they have the same size.",
                      stacklevel=4)


def check_bce(x, y, weight=None):
    """binary_cross_entropy's arguments, in torch's order: the shapes, the weight (it must
    broadcast to the input's shape, no larger), then every probability in [0, 1]."""
    if x.shape != y.shape:
        raise ValueError(f"Using a target size ({size(y.shape)}) that is different to the "
                         f"input size ({size(x.shape)}) is deprecated. Please ensure they "
                         f"have the same size.")
    shape = None if weight is None else broadcast_shapes(y.shape, weight.shape)
    bad = ~((x >= 0) & (x <= 1)) | ~((y >= 0) & (y <= 1))   # nan fails both comparisons
    if bad.any():
        k = np.flatnonzero(bad)[0]  # torch checks element by element: input, then target
        if not 0 <= x.flat[k] <= 1:
            raise RuntimeError("all elements of input should be between 0 and 1 (BCELoss takes "
                               "probabilities: apply sigmoid first, or use BCEWithLogitsLoss)")
        raise RuntimeError("all elements of target should be between 0 and 1 (BCE targets are "
                           "probabilities: 0 or 1 labels, or values in between)")
    if shape is not None and tuple(shape) != tuple(x.shape):
        raise RuntimeError(f"output with shape {list(x.shape)} doesn't match the broadcast shape "
                           f"{list(shape)} (the weight may broadcast to the input's shape, not "
                           f"beyond it)")


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes: the shape all of them broadcast to, or torch's message naming
    the first argument that does not fit."""
    common = [1] * max((len(s) for s in shapes), default=0)
    for k, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == common[i]:
                continue
            if common[i] == 1:
                common[i] = shape[i]
            elif shape[i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[i]} at "
                                   f"{i}! Mismatching argument at index {k} had {size(shape)}; "
                                   f"but expected shape should be broadcastable to {common}")
    return tuple(common)


def check_same_size(x, y):
    if x.shape != y.shape:
        raise ValueError(f"Target size ({size(y.shape)}) must be the same as input size "
                         f"({size(x.shape)})")


def check_class_targets(x, target, ignore_index, weight=None):
    """Class-index targets of nll_loss / cross_entropy, checked in torch's order: one class
    per sample (the target has the input's shape without its class dim C), an integer
    dtype (Long or Byte), class weights for all C classes, each class in 0..C-1."""
    xs, ts = x.shape, target.shape
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim != 1 and xs[0] != (ts[0] if ts else 0):
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target "
                         f"batch_size ({ts[0] if ts else 0}).")
    n_classes = xs[1] if x.ndim > 1 else xs[0]
    if x.ndim <= 2:
        if target.ndim > 1:
            what = ("class-index targets hold one class per sample, shape (N,): flatten an "
                    "(N, 1) target with y.view(-1)" if x.ndim == 2 else
                    "one sample's target is one class index, shape () or (1,)")
            raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported "
                               f"({what}; class probabilities need the input's shape "
                               f"{size(xs)})")
        _check_class_dtype(target)
        if x.ndim == 1 and target.ndim == 1 and ts[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{ts[0]}")
        if weight is not None and (weight.ndim != 1 or weight.size != n_classes):
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} "
                               f"classes or no classes but got weight tensor of shape: "
                               f"{list(weight.shape)}")
    else:
        if x.ndim != 4 and ts[1:] != xs[2:]:
            raise RuntimeError(f"Expected target size {[xs[0], *xs[2:]]}, got {list(ts)}")
        if x.ndim == 4 and target.ndim != 3:
            raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got "
                               f"targets of dimension: {target.ndim}")
        _check_class_dtype(target)
        if weight is not None and weight.size != n_classes:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        if ts[1:] != xs[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(xs)} , target: {list(ts)}")
    if weight is not None and weight.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {scalar_name(x.dtype)} but found "
                           f"{scalar_name(weight.dtype)} (class weights need the input's dtype)")
    if x.ndim > 2 and target.dtype == np.uint8 and target.size:  # image-shaped: Long only
        raise RuntimeError("expected scalar type Long but found Byte (use y.long())")
    t = target.reshape(-1)
    bad = t[(t != ignore_index) & ((t < 0) | (t >= n_classes))]
    if bad.size:
        valid = f"valid targets are 0..{n_classes - 1}" if n_classes else "no valid target"
        raise IndexError(f"Target {bad[0]} is out of bounds. There are {n_classes} classes "
                         f"({valid})")


def _check_class_dtype(target):
    if target.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{scalar_name(target.dtype)} (class labels must be integers: use "
                           f"y.long())")


def check_probability_targets(x, target, ignore_index, weight=None):
    """cross_entropy with a target of the input's shape: class probabilities (floats)."""
    if target.dtype.kind != "f":
        raise RuntimeError(f"Expected floating point type for target with class probabilities, "
                           f"got {scalar_name(target.dtype)} (a target of the input's shape holds "
                           f"class probabilities; class indices have shape (N,))")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    n_classes = x.shape[0 if x.ndim == 1 else 1] if x.ndim else 1
    if weight is not None and (weight.ndim != 1 or weight.size != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                           f"{n_classes} classes or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")


def check_soft_targets(x, y):
    if x.shape != y.shape:
        raise RuntimeError(f"cross_entropy with probability targets needs input and target "
                           f"of the same shape, got {size(x.shape)} and {size(y.shape)}")


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


def check_pool_output(shape, kernel, stride, padding, dilation, ceil_mode):
    """The windows must leave at least one output pixel."""
    from .ops.conv_ops import out_size
    h, w = shape[-2:]
    oh = out_size(h, kernel[0], stride[0], 2 * padding[0], dilation[0], ceil_mode)
    ow = out_size(w, kernel[1], stride[1], 2 * padding[1], dilation[1], ceil_mode)
    if oh <= 0 or ow <= 0:
        c = shape[-3] if len(shape) >= 3 else 1
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{max(oh, 0)}x{max(ow, 0)}). Output size is too small")


# -- convolution -------------------------------------------------------------------------------
def _type(a):
    return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
            "int64": "torch.LongTensor"}.get(a.dtype.name, a.dtype.name)


def check_conv(x, weight, bias, padding, dilation, groups):
    if x.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({_type(x)}) and weight type ({_type(weight)}) should be "
                           f"the same (convert one, e.g. x.float())")
    if bias is not None and bias.dtype != x.dtype:
        raise RuntimeError(f"Input type ({_TYPE_NAMES.get(x.dtype.name, x.dtype.name)}) and bias"
                           f" type ({_TYPE_NAMES.get(bias.dtype.name, bias.dtype.name)}) should "
                           f"be the same")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size {list(weight.shape)} instead")
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
                           f"input{list(x.shape)} to have {weight.shape[1] * groups} channels, "
                           f"but got {x.shape[1]} channels instead")
    padded = [x.shape[2 + a] + sum(padding[a]) for a in (0, 1)]
    kernel = [dilation[a] * (weight.shape[2 + a] - 1) + 1 for a in (0, 1)]
    if padded[0] < kernel[0] or padded[1] < kernel[1]:
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x "
                           f"{padded[1]}). Kernel size: ({kernel[0]} x {kernel[1]}). Kernel size "
                           f"can't be greater than actual input size")


# -- dtypes: torch's names, softmax on integers, mixed-dtype matrix products ------------------
_SCALAR = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
           "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
           "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
        "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool"}


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


def check_matmul_dtypes(a, b):
    """torch multiplies matrices of one dtype only: int @ float, float64 @ float32, ... raise,
    with the message of the kernel torch picks for those shapes; and it has no bool kernels
    (NotImplementedError), though products with nothing to compute (an empty operand) skip
    the kernel. a, b: Tensors (or arrays). Shape mistakes are told first (check_matmul),
    except for two vectors, as torch does. Returns the dtype of an empty batched product of
    two dtypes (torch computes it, in b's dtype), else None."""
    x, y = getattr(a, "_data", a), getattr(b, "_data", b)
    A, B = scalar_name(x.dtype), scalar_name(y.dtype)
    hint = " (convert one of them, e.g. with .float())"
    bool_hint = " (matrix products of masks are not computed: convert first, e.g. x.int())"
    same = x.dtype == y.dtype
    if x.ndim == 1 and y.ndim == 1:
        if not same:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {A} "
                               f"and {B}{hint}")
        if x.dtype.kind == "b":
            raise NotImplementedError(f"\"dot\" not implemented for 'Bool'{bool_hint}")
        return None
    check_matmul(x.shape, y.shape)
    empty = x.size == 0 or y.size == 0
    grad = getattr(a, "_requires_grad", False)
    # which kernel torch picks: bmm for stacks on the right (unless folded: a needs a grad,
    # or a vector times an empty stack), else addmm / addmv on the folded rows
    bmm = y.ndim >= 3 and (x.ndim >= 3 or not (grad or (x.ndim == 1 and empty)))
    if bmm:
        if empty:
            return None if same else y.dtype
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
        kernel = "addmv_impl_cpu" if y.ndim == 1 else "addmm_impl_cpu_"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'{bool_hint}")
    return None


def check_linear_dtypes(x, w, bias):
    """F.linear with a bias is torch's addmm(bias, x, Wᵀ): the bias is checked against W
    first ("self and mat2"), then x against W; bools have no kernel, and an empty product
    of bools adds an int zero to the bias (Long, which cannot become Bool). x, w, bias:
    arrays."""
    if bias is None:
        return
    if bias.dtype != w.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{scalar_name(bias.dtype)} and {scalar_name(w.dtype)} (give the "
                           f"bias the weight's dtype)")
    if x.dtype != w.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{scalar_name(x.dtype)} and {scalar_name(w.dtype)} (convert the "
                           f"input, e.g. x.float())")
    if x.dtype.kind == "b":
        if x.size and w.size:
            raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool' (convert "
                                      "first, e.g. x.float())")
        if x.shape[-1] == 0 and w.shape[0] != 0 and int(np.prod(x.shape[:-1])) != 0:
            raise RuntimeError("result type Long can't be cast to the desired output type Bool")


def check_linear_bias(x_shape, w_shape, b_shape):
    """addmm expands the bias to (rows, out_features), rows = all of x's leading dims."""
    target = [int(np.prod(x_shape[:-1])), w_shape[0]]
    if len(b_shape) > 2:
        return
    for i in range(1, len(b_shape) + 1):
        if b_shape[-i] != 1 and b_shape[-i] != target[-i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[-i]}) must match the "
                               f"existing size ({b_shape[-i]}) at non-singleton dimension "
                               f"{2 - i}.  Target sizes: {list(target)}.  Tensor sizes: "
                               f"{list(b_shape)}")


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


def check_int_divisor(divisor, dtype):
    """Integers have no inf or nan: torch refuses integer division (// and %) by 0."""
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


def warn_non_leaf_grad(caller):
    """Reading .grad of a non-leaf (w after w = w - lr * w.grad) gives None: torch warns. Not
    when ``caller`` (a module name) is the engine or viz, which look at every graph tensor."""
    if not caller.startswith(("tinygrad_edu.", "viz.")):
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
    """torch has no negative slice steps; it reports index errors met first in the key."""
    used = sum(1 for k in parts if k is not None and k is not Ellipsis and not _is_scalar_bool(k))
    if shape is not None and used > len(shape) and len(parts) > 1:
        return  # too many indices (torch checks a lone slice's step first)
    if any(isinstance(k, slice) and isinstance(k.step, int) and not isinstance(k.step, bool)
           and k.step == 0 for k in parts):
        raise ValueError("slice step cannot be zero")
    dim = 0
    for k in parts:
        if k is Ellipsis:
            dim += len(shape) - used if shape is not None else 0
        elif isinstance(k, slice):
            if isinstance(k.step, int) and k.step < 0:
                raise ValueError("step must be greater than zero (torch has no negative steps: "
                                 "use x.flip(dim), or index with a reversed list of positions)")
            dim += 1
        elif isinstance(k, int) and shape is not None and (
                dim >= len(shape) or not -shape[dim] <= k < shape[dim]):
            return  # out of range: told by the indexing itself
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
    if dtype.kind not in "iu" or not isinstance(value, (int, float, np.number)):
        return
    info = np.iinfo(dtype)
    low = -info.max if dtype.kind == "u" else info.min  # unsigned: -1 wraps around to the max
    if not (np.isfinite(value) and low <= value <= info.max):
        raise RuntimeError(f"value cannot be converted to type {_FILL_TYPES[dtype.name]} "
                           f"without overflow")


# -- kernels torch has no version of for some dtypes (nn/functional.py) ------------------------
def check_kernel_dtype(kernel, dtype, allowed="f"):
    """torch's CPU kernels exist for some dtypes only: NotImplementedError '"kernel" not
    implemented for 'Long'' otherwise. allowed: numpy kinds ('f', 'fi', ...) or dtype names."""
    dtype = np.dtype(dtype)
    kinds, *names = allowed.split(",")
    if dtype.kind in kinds or dtype.name in names:
        return
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_name(dtype)}' "
                              f"(convert first, e.g. x.float())")


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
