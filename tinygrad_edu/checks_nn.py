"""Argument checks of nn.functional (losses, linear, convolution, pooling), with torch's
error messages: run before a Function is applied, so that ops/ holds only the math.
The checks shared with the Tensor methods (broadcasting, matmul, dtype names) are in
checks.py."""
import warnings

import numpy as np

from .checks import _CPP, scalar_name, size


# -- losses ------------------------------------------------------------------------------------
def warn_mse_broadcast(x_shape, y_shape):
    """torch broadcasts MSE's input and target, but warns: it is usually a mistake."""
    if x_shape != y_shape:
        warnings.warn(f"Using a target size ({size(y_shape)}) that is different to the "
                      f"input size ({size(x_shape)}). This will likely lead to incorrect "
                      f"results due to broadcasting. Please ensure they have the same size.",
                      stacklevel=4)


def check_bce_shape(x, y):
    """binary_cross_entropy's first check (before the dtypes): one target per input."""
    if x.shape != y.shape:
        raise ValueError(f"Using a target size ({size(y.shape)}) that is different to the "
                         f"input size ({size(x.shape)}) is deprecated. Please ensure they "
                         f"have the same size.")


def check_bce(x, y, weight=None):
    """binary_cross_entropy's arguments, in torch's order: the shapes, (the dtypes match,
    checked by the caller) a float kernel, the weight (it must broadcast to the input's
    shape, no larger), then every probability in [0, 1]."""
    check_bce_shape(x, y)
    check_kernel_dtype("binary_cross_entropy", x.dtype)
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
        xs4, ts4 = _image_views(xs, ts, x.size, target.size)
        if ts4[1:] != xs4[2:] or ts4[0] != xs4[0]:
            raise RuntimeError(f"size mismatch (got input: {list(xs4)} , target: {list(ts4)}")
    check_kernel_dtype("nll_loss_out_frame" if x.ndim <= 2 else "nll_loss2d_forward_out_frame",
                       x.dtype)
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


def _image_views(xs, ts, x_size, t_size):
    """The shapes torch checks an image-shaped loss on: a 4-D input as it is; any other
    (N, C, d1, ...) as (N, C, 1, d1·...) and its target as (N, 1, d1·...), or, when empty,
    as (N, C, 0, 0) and (N, 0, 0). So a 0-class input with a non-empty target mismatches."""
    if len(xs) == 4:
        return tuple(xs), tuple(ts)
    n, c = xs[0], xs[1]
    x4 = (n, c, 1, x_size // max(n * c, 1)) if x_size else (n, c, 0, 0)
    t4 = (n, 1, t_size // max(n, 1)) if t_size else (n, 0, 0)
    return x4, t4


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
    if x.ndim == 0:   # the class dim of a batch is dim 1
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    n_classes = x.shape[0 if x.ndim == 1 else 1] if x.ndim else 1
    if weight is not None and (weight.ndim != 1 or weight.size != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                           f"{n_classes} classes or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")


def check_soft_targets(x, y):
    if x.shape != y.shape:
        raise RuntimeError(f"cross_entropy with probability targets needs input and target "
                           f"of the same shape, got {size(x.shape)} and {size(y.shape)}")


# -- convolution and pooling ----------------------------------------------------------------
def check_pool_output(shape, kernel, stride, padding, dilation, ceil_mode):
    """The windows must leave at least one output pixel."""
    from .ops.conv_ops import out_size
    h, w = shape[-2:]
    oh = out_size(h, kernel[0], stride[0], 2 * padding[0], dilation[0], ceil_mode)
    ow = out_size(w, kernel[1], stride[1], 2 * padding[1], dilation[1], ceil_mode)
    if oh <= 0 or ow <= 0:
        c = shape[-3] if len(shape) >= 3 else 1
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{oh}x{ow}). Output size is too small")


def _type(a):
    return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
            "int64": "torch.LongTensor"}.get(a.dtype.name, a.dtype.name)


def check_conv(x, weight, bias, padding, dilation, groups):
    """conv2d's arguments in torch's order: the bias's dtype, the shapes (groups, channels,
    kernel against the padded input), an input with nothing to slide over (only a zero
    batch or zero channels have an empty result), then the weight's dtype."""
    if bias is not None and bias.dtype != x.dtype:
        raise RuntimeError(f"Input type ({_CPP.get(x.dtype.name, x.dtype.name)}) and bias type "
                           f"({_CPP.get(bias.dtype.name, bias.dtype.name)}) should be the same")
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
    if x.size == 0 and x.shape[0] and x.shape[1]:   # an image of height or width 0
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got "
                           f"input shape: {list(x.shape)}")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({_type(x)}) and weight type ({_type(weight)}) should be "
                           f"the same (convert one, e.g. x.float())")


def check_linear_dtypes(x, w, bias):
    """F.linear with a bias is torch's addmm(bias, x, Wᵀ) for a 2-D x (or a contiguous x and
    bias, flattened to 2-D): the bias is checked against W first ("self and mat2"), then x
    against W; bools have no kernel, and an empty product of bools adds an int zero to the
    bias (Long, which cannot become Bool). Otherwise torch adds the bias afterwards, in place:
    any dtype that casts to x's. x, w, bias: arrays. Returns whether torch takes that unfused
    path (x @ Wᵀ, then + the bias in the product's dtype)."""
    check_linear_dims(x.ndim, w.ndim)
    if bias is None:
        return False
    fused = w.ndim == 2 and (x.ndim == 2 or (x.flags.c_contiguous and bias.ndim >= 1 and
                                             bias.flags.c_contiguous))
    if not fused:   # torch computes x @ Wᵀ, then adds the bias in place: it takes x's dtype
        if bias.dtype != x.dtype and not np.can_cast(bias.dtype, x.dtype, "same_kind"):
            raise RuntimeError(f"result type {scalar_name(bias.dtype)} can't be cast to the "
                               f"desired output type {scalar_name(x.dtype)}")
        return True
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
    return False


def check_linear_dims(x_ndim, w_ndim):
    """F.linear refuses a 0-d input or weight before anything else."""
    if x_ndim == 0 or w_ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{x_ndim}D and {w_ndim}D")


def check_linear_bias(x_shape, w_shape, b_shape):
    """addmm expands the bias to (rows, out_features), rows = all of x's leading dims."""
    if len(b_shape) == 1 and b_shape[0] == w_shape[0]:
        return   # a layer's own bias: the common case, checked without the arithmetic
    target = [int(np.prod(x_shape[:-1])), w_shape[0]]
    if len(b_shape) > 2:
        return
    for i in range(1, len(b_shape) + 1):
        if b_shape[-i] != 1 and b_shape[-i] != target[-i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[-i]}) must match the "
                               f"existing size ({b_shape[-i]}) at non-singleton dimension "
                               f"{2 - i}.  Target sizes: {list(target)}.  Tensor sizes: "
                               f"{list(b_shape)}")


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
