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


def broadcasting(function, *args):
    """function.apply(*args), with NumPy's broadcasting error told in torch's words (the
    shapes are only compared when NumPy has already refused them: free when they fit)."""
    try:
        return function.apply(*args)
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


def check_bce(x, y):
    if x.shape != y.shape:
        raise ValueError(f"Using a target size ({size(y.shape)}) that is different to the "
                         f"input size ({size(x.shape)}) is deprecated. Please ensure they "
                         f"have the same size.")
    if x.size and (x.min() < 0 or x.max() > 1):
        raise RuntimeError("all elements of input should be between 0 and 1 (BCELoss takes "
                           "probabilities: apply sigmoid first, or use BCEWithLogitsLoss)")


def check_same_size(x, y):
    if x.shape != y.shape:
        raise ValueError(f"Target size ({size(y.shape)}) must be the same as input size "
                         f"({size(x.shape)})")


def check_class_targets(x, target, ignore_index):
    """Class indices: one per row of class scores, each in 0..C-1 (or ignore_index)."""
    if target.dtype.kind not in "iu":
        raise RuntimeError(f"expected scalar type Long but found {target.dtype} (class-index "
                           f"targets must be integers: use .long())")
    rows = x.size // x.shape[1] if x.ndim >= 2 else 1
    t = target.reshape(-1)
    if rows != t.shape[0]:
        raise ValueError(f"Expected input batch_size ({rows}) to match target "
                         f"batch_size ({t.shape[0]}).")
    n_classes = x.shape[1] if x.ndim >= 2 else x.shape[0]
    bad = t[(t != ignore_index) & ((t < 0) | (t >= n_classes))]
    if bad.size:
        raise IndexError(f"Target {bad[0]} is out of bounds. There are {n_classes} classes "
                         f"(valid targets are 0..{n_classes - 1})")


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
