"""torch.nn.functional: every layer as a plain function (``F.relu(x)``, ``F.conv2d(x, w)``,
``F.cross_entropy(logits, labels)``). Each one checks its arguments with torch's messages
and calls one Function from ``tinygrad_edu/ops`` (where forward and backward live)."""
import warnings

import numpy as np

from .. import checks, checks_nn, checks_tensor
from ..ops import activation_ops as A
from ..ops import conv_ops as C
from ..ops import linalg as L
from ..ops import loss_ops as LS
from ..ops.grad_fn_names import renamed
from ..tensor import Tensor
from ._reduction import get_reduction

_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                 "int32": "Int", "uint8": "Byte", "bool": "Bool"}


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


# -- activations -----------------------------------------------------------------------------
def relu(input, inplace=False):
    """torch.nn.functional.relu: max(x, 0). (``inplace`` gives the same numbers in a new
    tensor: this engine does not rewrite tensors that are part of a graph.)"""
    checks_tensor.check_not_bool("relu", input._data.dtype)
    return A.Relu.apply(input)


def sigmoid(input):
    """torch.nn.functional.sigmoid: 1 / (1 + e⁻ˣ). Integers and bools give float32."""
    return A.Sigmoid.apply(_floating(input))


def tanh(input):
    """torch.nn.functional.tanh. Integers and bools give float32."""
    return A.Tanh.apply(_floating(input))


def _floating(input):
    """An integer or bool tensor as float32 (torch's default float), as sigmoid and tanh
    compute; a float tensor keeps its dtype."""
    return input if input._data.dtype.kind == "f" else input.float()


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  f"to include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """torch.nn.functional.softmax: eˣ / Σeˣ along ``dim`` (each slice sums to 1)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim(), _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(dim)  # integers and bools raise there, as in torch


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """torch.nn.functional.log_softmax: x - log Σeˣ along ``dim`` (computed stably)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim(), _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(dim)


# -- linear and convolution --------------------------------------------------------------------
def linear(input, weight, bias=None):
    """torch.nn.functional.linear: y = x @ Wᵀ + b, one fused node (torch's AddmmBackward0)."""
    checks_nn.check_linear_dims(input.dim(), weight.dim())
    if bias is not None and checks_nn.check_linear_dtypes(input._data, weight._data,
                                                          bias._data):
        out = input.matmul(weight.t())   # torch's unfused path: the product, then the bias
        return out + bias.to(out.dtype)  # added in place (so in the product's dtype)
    if input._data.dtype != weight._data.dtype:
        names = {"float32": "float", "float64": "double", "int64": "long int"}
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{names.get(input._data.dtype.name, input._data.dtype.name)} != "
                           f"{names.get(weight._data.dtype.name, weight._data.dtype.name)} "
                           f"(convert the input, e.g. x.float())")
    checks.check_linear(input._data.shape, weight._data.shape)
    if bias is None:
        checks.check_matmul_dtypes(input, weight.detach().t())
    else:
        checks_nn.check_linear_bias(input._data.shape, weight._data.shape, bias._data.shape)
    return L.Linear.apply(input, weight, bias)


def _conv_padding(padding, weight, stride, dilation):
    """padding as ((top, bottom), (left, right)); 'valid' = none, 'same' = keep the size."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding != "same":
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             f"{{'valid', 'same'}}")
        if stride != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        total = [dilation[a] * (weight.shape[2 + a] - 1) for a in (0, 1)]
        return tuple((t // 2, t - t // 2) for t in total)  # an odd extra pixel goes last
    ph, pw = _pair(padding)
    return ((ph, ph), (pw, pw))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv2d: slide each (in_channels/groups)×kh×kw kernel over the
    image. input (N, C, H, W) or (C, H, W); weight (out_channels, C/groups, kh, kw)."""
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                           f"input of size: {list(input.shape)}")
    if weight.dim() != 4:
        raise RuntimeError(f"conv2d expects a 4-D weight (out_channels, in_channels/groups, kh, "
                           f"kw), got size {list(weight.shape)}")
    stride, dilation = _pair(stride), _pair(dilation)
    pads = _conv_padding(padding, weight, stride, dilation)
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    checks_nn.check_conv(x._data, weight._data, None if bias is None else bias._data, pads,
                         dilation, groups)
    if x._data.size and weight._data.size:
        checks_nn.check_kernel_dtype("slow_conv2d_cpu", x._data.dtype, "fiu")
    out = C.Conv2d.apply(x, weight, bias, stride=stride, padding=pads, dilation=dilation,
                         groups=groups)
    return out if batched else out.squeeze(0)


# -- pooling -----------------------------------------------------------------------------------
def _pool_args(input, kernel_size, stride, padding, dilation, name):
    if input.dim() not in (3, 4) or 0 in input.shape[-3:]:   # a batch of 0 images is fine
        raise RuntimeError(f"non-empty 3D or 4D (batch mode) tensor expected for input "
                           f"({name} got size {list(input.shape)})")
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding, dilation = _pair(padding), _pair(dilation)
    for p, k, d in zip(padding, kernel, dilation):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    return kernel, stride, padding, dilation


def _pool_checked(input, k, s, p, d, ceil_mode):
    checks_nn.check_pool_output(input._data.shape, k, s, p, d, ceil_mode)
    return input


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """torch.nn.functional.max_pool2d: the largest value of each window (stride defaults to
    the kernel size: windows side by side)."""
    k, s, p, d = _pool_args(input, kernel_size, stride, padding, dilation, "max_pool2d")
    _pool_checked(input, k, s, p, d, ceil_mode)   # torch checks the sizes first
    checks_nn.check_kernel_dtype("max_pool2d", input._data.dtype, "fiu")
    out = C.MaxPool2d.apply(input, kernel_size=k, stride=s, padding=p, dilation=d,
                            ceil_mode=ceil_mode)
    if not return_indices:
        return out
    _, arg, _ = C.max_pool2d_array(input._data, k, s, p, d, ceil_mode)
    return out, Tensor._make(C.max_pool2d_indices(arg, input.shape, k, s, p, d), False, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """torch.nn.functional.avg_pool2d: the mean of each window."""
    k, s, p, _ = _pool_args(input, kernel_size, stride, padding, 1, "avg_pool2d")
    _pool_checked(input, k, s, p, (1, 1), ceil_mode)   # torch checks the sizes first
    checks_nn.check_kernel_dtype("avg_pool2d", input._data.dtype, "f,int64")
    return C.AvgPool2d.apply(input, kernel_size=k, stride=s, padding=p, ceil_mode=ceil_mode,
                             count_include_pad=count_include_pad,
                             divisor_override=divisor_override)


def dropout(input, p=0.5, training=True, inplace=False):
    """torch.nn.functional.dropout: in training, zero each element with probability p and
    scale the rest by 1/(1-p); otherwise return the input unchanged."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    return C.Dropout.apply(input, p=p)


def one_hot(tensor, num_classes=-1):
    """torch.nn.functional.one_hot: class indices -> rows of 0s with a 1 at the class."""
    labels = tensor._data
    if labels.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if labels.size == 0 and num_classes in (-1, 0):
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and labels.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if labels.size and labels.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._make((labels[..., None] == np.arange(num_classes)).astype(np.int64), False,
                        None)


# -- losses ------------------------------------------------------------------------------------
def _array(t):
    return None if t is None else t._data


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """torch.nn.functional.mse_loss: mean (or sum) of (input - target)²."""
    reduction = get_reduction(size_average, reduce, reduction)
    if input._data.dtype.kind != "f" and target._data.dtype.kind != "f":
        checks.check_broadcast(input._data.shape, target._data.shape)
        checks_nn.check_kernel_dtype("mse_cpu", np.promote_types(input._data.dtype,
                                                               target._data.dtype))
    if input._data.dtype.kind != "f":  # int input, float target: torch promotes to the float
        input = input.to(target.dtype)
    if target._data.dtype.kind != "f":
        target = target.to(input.dtype)
    if weight is None:
        checks_nn.warn_mse_broadcast(input._data.shape, target._data.shape)
        return checks.broadcasting(LS.MSELoss, input, target, reduction=reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = (input - target) ** 2 * weight
    if reduction == "none":
        return weighted
    return weighted.sum() if reduction == "sum" else weighted.sum() / weight.sum()


def _float_target(input, target, name):
    if target._data.dtype != input._data.dtype:
        raise RuntimeError(f"Found dtype {_SCALAR_NAMES.get(target._data.dtype.name)} but "
                           f"expected {_SCALAR_NAMES.get(input._data.dtype.name)} ({name} "
                           f"needs targets of the input's float type: use y.float())")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """torch.nn.functional.binary_cross_entropy: -[y·ln p + (1-y)·ln(1-p)] for
    probabilities p in [0, 1] (apply sigmoid first)."""
    reduction = get_reduction(size_average, reduce, reduction)
    checks_nn.check_bce_shape(input._data, target._data)   # torch: shapes before dtypes
    _float_target(input, target, "binary_cross_entropy")
    checks_nn.check_bce(input._data, target._data, _array(weight))
    return LS.BCELoss.apply(input, target, weight=_array(weight), reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """torch.nn.functional.binary_cross_entropy_with_logits: sigmoid + BCE in one stable
    step, on raw scores (logits)."""
    reduction = get_reduction(size_average, reduce, reduction)
    checks_nn.check_same_size(input._data, target._data)
    checks_nn.check_kernel_dtype("log_sigmoid_cpu", input._data.dtype)
    _float_target(input, target, "binary_cross_entropy_with_logits")
    return LS.BCEWithLogitsLoss.apply(input, target, weight=_array(weight),
                                      pos_weight=_array(pos_weight), reduction=reduction)


def _class_target(input, target):
    """A 1-element target of a 1-D input (one sample) is that sample's class: 0-d, as in
    torch (reduction='none' then gives a 0-d loss)."""
    if input._data.ndim == 1 and target._data.ndim == 1:
        return Tensor._make(target._data.reshape(()), False, None)
    return target


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """torch.nn.functional.nll_loss: -input[i, target[i]] (input holds log-probabilities,
    e.g. from log_softmax)."""
    reduction = get_reduction(size_average, reduce, reduction)
    checks_nn.check_class_targets(input._data, target._data, ignore_index, _array(weight))
    checks_nn.check_kernel_dtype("nll_loss_out_frame", input._data.dtype)
    return LS.NLLLoss.apply(input, _class_target(input, target), weight=_array(weight),
                            ignore_index=ignore_index, reduction=reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """torch.nn.functional.cross_entropy: log_softmax + nll_loss in one fused, stable node.
    ``target`` holds class indices (N,) or, with the input's shape, class probabilities."""
    reduction = get_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x = input._data
    if x.shape == target._data.shape:  # class probabilities, one row per sample
        checks_nn.check_probability_targets(x, target._data, ignore_index, _array(weight))
        checks.check_softmax_dtype("log_softmax", x.dtype, 1 if x.ndim > 1 else 0, x.ndim,
                                   x.size)
        n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + (label_smoothing / n_classes if n_classes
                                                       else float("inf"))
        if weight is None:
            checks_nn.check_soft_targets(input._data, target._data)
            return LS.SoftCrossEntropyLoss.apply(input, target, reduction=reduction)
        else:  # -Σ_c w_c·y_c·log p_c per row
            dim = 1 if input.dim() > 1 else 0
            rows = (input.log_softmax(dim) * target * _class_view(weight, input)).sum(dim)
            n = input.numel() / input.shape[dim] if input.shape[dim] else float("nan")
            out = (-rows if reduction == "none" else -rows.sum() if reduction == "sum"
                   else -rows.sum() / n)   # n: the samples (0 classes: 0/0, as torch)
        return renamed(out, "DivBackward1" if reduction == "mean" else "NegBackward0")
    checks.check_softmax_dtype("log_softmax", x.dtype, 1 if x.ndim > 1 else 0, x.ndim, x.size)
    checks_nn.check_class_targets(x, target._data, ignore_index, _array(weight))
    target = _class_target(input, target)
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    if label_smoothing == 0:
        return LS.CrossEntropyLoss.apply(input, target, weight=_array(weight),
                                         ignore_index=ignore_index, reduction=reduction)
    # label smoothing: (1-ε)·NLL + ε/C · Σ_c -log p_c   (torch's formula, ignored rows skipped)
    dim = 1 if input.dim() > 1 else 0
    logp = input.log_softmax(dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    per_class = logp if weight is None else logp * _class_view(weight, input)
    keep = Tensor._make((target._data != ignore_index).astype(input._data.dtype), False, None)
    ignored = Tensor._make(target._data == ignore_index, False, None)
    smooth = (-per_class.sum(dim)).masked_fill(ignored, 0.0)  # as torch: 0 (and no gradient)
    if reduction == "mean":
        if weight is None:
            denominator = keep.sum()
        else:
            safe = np.where(target._data != ignore_index, target._data, 0)
            denominator = float((weight._data[safe] * keep._data).sum()) if weight.numel() else 0.0
        smooth = smooth.sum() / denominator
    elif reduction == "sum":
        smooth = smooth.sum()
    share = label_smoothing / n_classes if n_classes else float("inf")  # 0 classes: 0·∞ = nan
    return (1 - label_smoothing) * nll + smooth * share


def _class_view(weight, input):
    """Class weights shaped to broadcast along the class axis of ``input``."""
    return weight.reshape((-1,) + (1,) * (input.dim() - 2)) if input.dim() > 1 else weight



from .functional_layers import *  # noqa: E402,F401,F403  (embedding, layer_norm, gelu, ...)
