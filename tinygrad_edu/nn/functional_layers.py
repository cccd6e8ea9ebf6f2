"""More of torch.nn.functional: the layers of the language-model and normalisation lessons
(embedding, layer_norm, batch_norm, gelu, leaky_relu, pad, l1_loss). Each one checks its
arguments with torch's messages and calls one Function from ``tinygrad_edu/ops``."""
import numpy as np

from .. import checks, checks_nn
from ..ops import layer_ops as L
from ..ops import norm_ops as N
from ._reduction import get_reduction

__all__ = ["embedding", "layer_norm", "batch_norm", "gelu", "leaky_relu", "pad", "l1_loss"]

# torch's names of a tensor type in its argument-type messages
_TENSOR_TYPES = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
                 "float16": "torch.HalfTensor", "int16": "torch.ShortTensor",
                 "int8": "torch.CharTensor", "uint8": "torch.ByteTensor", "bool": "CPUBoolType"}


def _int_tuple(values, function, argument):
    """A shape or a pad list as a tuple of ints, or torch's TypeError."""
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{function}(): argument '{argument}' (position 2) must be tuple of "
                        f"ints, not {type(values).__name__}")
    for k, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{function}(): argument '{argument}' (position 2) must be tuple of "
                            f"ints, but found element of type {type(v).__name__} at pos {k}")
    return tuple(int(v) for v in values)


def _same_dtype(x, *others):
    """torch's CPU normalisation kernels take parameters of the input's float type only."""
    for t in others:
        if t is not None and t._data.dtype != x.dtype:
            if x.dtype == np.float32:
                raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of "
                                   "Float (convert the parameters, e.g. layer.float())")
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype. "
                               "(convert the input or the layer, e.g. x.float())")


def _array(t):
    return None if t is None else t._data


# -- embedding ---------------------------------------------------------------------------------
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """torch.nn.functional.embedding: row ``input[i]`` of ``weight`` for every index (a table
    lookup, the same as ``one_hot(input) @ weight`` but without the product). The row
    ``padding_idx`` gets no gradient; with ``max_norm`` the rows looked up are first scaled
    down, in place, to a ``norm_type``-norm of at most max_norm."""
    rows = weight.shape[0] if weight.dim() > 0 else 0
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= rows
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        name = _TENSOR_TYPES.get(idx.dtype.name, idx.dtype.name)
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {name} instead (while "
                           f"checking arguments for embedding)")
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        if not weight._data.size:  # torch's kernel words it so for an empty weight
            bad = idx[(idx < 0) | (idx >= rows)].reshape(-1)[0]
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} "
                               f"axis_dim={rows}")
        raise IndexError("index out of range in self")
    if sparse:
        raise NotImplementedError("sparse=True (sparse gradients) is not available in "
                                  "tinygrad_edu: use sparse=False, the gradient is then dense")
    if max_norm is not None:
        _renorm_rows(weight._data, idx, max_norm, norm_type)
    return L.Embedding.apply(weight, indices=idx, padding_idx=padding_idx,
                             scale_grad_by_freq=scale_grad_by_freq)


def _renorm_rows(table, idx, max_norm, norm_type):
    """Scale each looked-up row whose norm exceeds max_norm down to max_norm, in place and
    outside the graph (torch's embedding_renorm_)."""
    rows = np.unique(idx)
    norms = (np.abs(table[rows]) ** norm_type).sum(axis=1) ** (1 / norm_type)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    table[rows] *= scale[:, None].astype(table.dtype)


# -- normalisation -----------------------------------------------------------------------------
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.layer_norm: standardise each sample over its last dims (those of
    ``normalized_shape``: mean 0, variance 1, the biased variance), then ·weight + bias."""
    shape = _int_tuple(normalized_shape, "layer_norm", "normalized_shape")
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(shape)}")
    if input.dim() < len(shape) or tuple(input.shape[input.dim() - len(shape):]) != shape:
        expected = ", ".join(str(n) for n in shape)
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {expected}], but got input of size{list(input.shape)}")
    _same_dtype(input._data, weight, bias)  # told before the missing int kernel, as torch
    checks_nn.check_kernel_dtype("LayerNormKernelImpl", input._data.dtype)
    return N.LayerNorm.apply(input, weight, bias, ndim=len(shape), eps=eps)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """torch.nn.functional.batch_norm: standardise each channel (axis 1) over the batch, then
    ·weight + bias. In training the batch's mean and variance are used, and the running
    averages (when given) are updated in place: (1 − momentum)·running + momentum·batch, with
    the unbiased variance. Otherwise running_mean and running_var are used."""
    shape = tuple(input.shape)
    if training and int(np.prod(shape[:1] + shape[2:])) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {checks.size(shape)}")
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be "
                         "None")
    if not training:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
    channels = shape[1] if len(shape) > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    if len(shape) < 2:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got "
                         "1) (batch_norm needs (N, C, ...) input: channels along dim 1)")
    checks_nn.check_kernel_dtype("batch_norm", input._data.dtype)
    _same_dtype(input._data, weight, bias, running_mean, running_var)
    if input.numel() == 0:   # nothing to normalise, no statistics to learn from: torch's
        out = input.clone()  # graph of an empty batch
        out = out if weight is None else out * weight[0]
        return out if bias is None else out + bias[0]
    if training:
        mean, var = N.batch_statistics(input._data)
        if running_mean is not None:
            n = input._data.size // channels
            N.update_running_stats(running_mean._data, running_var._data, mean, var, n,
                                   momentum)
    else:
        mean, var = running_mean._data, running_var._data
    return N.BatchNorm.apply(input, weight, bias, mean=mean, var=var, training=training,
                             eps=eps)


# -- activations -------------------------------------------------------------------------------
def gelu(input, *, approximate="none"):
    """torch.nn.functional.gelu: x·Φ(x), Φ the standard normal CDF (the activation of GPT and
    BERT); approximate='tanh' uses Φ(x) ≈ ½(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    checks_nn.check_kernel_dtype("GeluKernelImpl", input._data.dtype)
    return L.Gelu.apply(input, approximate=approximate)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """torch.nn.functional.leaky_relu: x for x > 0, negative_slope·x otherwise. (``inplace``
    gives the same numbers in a new tensor, as relu does here.)"""
    checks_nn.check_kernel_dtype("leaky_relu_cpu", input._data.dtype)
    return L.LeakyRelu.apply(input, negative_slope=negative_slope)


# -- padding -----------------------------------------------------------------------------------
def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad, constant mode: ``pad`` = (left, right) of the last dim, then
    (top, bottom) of the one before, ...; a negative pad crops. value defaults to 0."""
    pads = _int_tuple(pad, "pad", "pad")
    if mode != "constant":
        if value is not None:
            raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
        if mode in ("reflect", "replicate", "circular"):
            raise NotImplementedError(f"padding mode '{mode}' is not available in tinygrad_edu: "
                                      f"only 'constant' is")
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    ndim = input.dim()
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) > 2 * ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pads)} and input of "
                           f"dimension {ndim}")
    pairs = [(0, 0)] * ndim   # pads name the last dim first
    for k in range(len(pads) // 2):
        pairs[ndim - 1 - k] = (pads[2 * k], pads[2 * k + 1])
    for n, (before, after) in zip(input.shape, pairs):
        if n + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    return L.ConstantPadNd.apply(input, pads=tuple(pairs), value=0 if value is None else value)


# -- losses ------------------------------------------------------------------------------------
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """torch.nn.functional.l1_loss: the mean (or sum) of |input − target|. Composed as in
    torch: |x − y| (AbsBackward0), then mean (MeanBackward0) or sum (SumBackward0)."""
    if tuple(target.shape) != tuple(input.shape):
        checks_nn.warn_mse_broadcast(tuple(input.shape), tuple(target.shape))
    reduction = get_reduction(size_average, reduce, reduction)
    errors = (input - target).abs()
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        errors = errors * weight
        if reduction == "mean":
            return errors.sum() / weight.sum()
    if reduction == "none":
        return errors
    return errors.sum() if reduction == "sum" else errors.mean()
