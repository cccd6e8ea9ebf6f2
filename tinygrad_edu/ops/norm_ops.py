"""Normalisation layers: layer_norm and batch_norm, forward and backward.

Both standardise x over a group of n numbers, then scale and shift it:

    x̂ = (x − μ) / √(σ² + ε),    out = x̂·w + b

with μ the mean and σ² the biased variance (divided by n) of the group. Layer norm's groups
are the last dims of each sample; batch norm's are the channels (every axis but axis 1: the
batch, and the positions of a sequence or an image). Their backward is one formula too:
with ĝ = g·w,

    ∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + ε)

where the two subtracted terms are the paths through μ and σ², which depend on every x of
the group. Arguments are checked in nn/functional_layers.py."""
import numpy as np

from ..autograd.function import Function, Math
from .layout import row_order

# torch's grad_fn name where it is not <ClassName>Backward0 (read by grad_fn_names.py)
TORCH_NAMES = {}


def standardize(x, axes, eps):
    """(x̂, 1/√(σ² + ε)) over ``axes`` (kept as size-1 dims, ready to broadcast)."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)   # biased: divided by n
    inv_std = 1 / np.sqrt(var + eps)
    return centred * inv_std, inv_std


def standardize_backward(g_hat, x_hat, inv_std, axes):
    """∂L/∂x of x̂ = (x − μ)/√(σ² + ε), given ĝ = ∂L/∂x̂: the direct path, minus the paths
    through the group's mean and variance."""
    return inv_std * (g_hat - g_hat.mean(axis=axes, keepdims=True)
                      - x_hat * (g_hat * x_hat).mean(axis=axes, keepdims=True))


class LayerNorm(Function):
    """Layer normalisation: each sample standardised over its last dims (those of
    ``normalized_shape``), then scaled by w and shifted by b, elementwise."""
    label = "LAYER_NORM"
    math = Math.of("out = x̂·w + b,  x̂ = (x − μ)/√(σ² + ε)      (μ, σ²: mean and variance of "
                   "each sample's last dims, n numbers)",
                   ("∂outᵢ/∂xⱼ = wᵢ·(δᵢⱼ − 1/n − x̂ᵢ·x̂ⱼ/n) / √(σ² + ε)",
                    "∂out/∂w = x̂", "∂out/∂b = 1"),
                   ("∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + ε)      (ĝ = g·w)",
                    "∂L/∂w = Σ g·x̂      (Σ over the samples)",
                    "∂L/∂b = Σ g"))

    @staticmethod
    def forward(ctx, x, weight, bias, *, ndim, eps):
        axes = tuple(range(x.ndim - ndim, x.ndim))           # the normalized dims
        x_hat, inv_std = standardize(x, axes, eps)
        out = x_hat if weight is None else x_hat * weight
        if bias is not None:
            out = out + bias
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.axes = axes
        return row_order(out)

    @staticmethod
    def backward(ctx, g):
        x_hat, inv_std, weight = ctx.saved
        samples = tuple(range(x_hat.ndim - len(ctx.axes)))   # the dims w and b are shared by
        need_x, need_w, need_b = ctx.needs_input_grad
        g_hat = g if weight is None else g * weight
        gx = standardize_backward(g_hat, x_hat, inv_std, ctx.axes) if need_x else None
        gw = (g * x_hat).sum(axis=samples) if need_w else None
        gb = g.sum(axis=samples) if need_b else None
        return gx, gw, gb


def channel_axes(x):
    """The axes batch norm averages over: all but the channel axis 1."""
    return (0,) + tuple(range(2, x.ndim))


def batch_statistics(x):
    """μ and the biased σ² of each channel of the batch (one number per channel)."""
    axes = channel_axes(x)
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    return mean.reshape(-1), (centred * centred).mean(axis=axes).reshape(-1)


def update_running_stats(running_mean, running_var, mean, var, n, momentum):
    """The running averages that eval uses, moved towards the batch's in place, m = momentum:
    running ← (1 − m)·running + m·batch, with the unbiased variance σ²·n/(n − 1)."""
    running_mean[...] = (1 - momentum) * running_mean + momentum * mean
    running_var[...] = (1 - momentum) * running_var + momentum * var * (n / (n - 1))


class BatchNorm(Function):
    """Batch normalisation: each channel standardised over the batch (and over the positions
    of a sequence or an image), then scaled by w and shifted by b, per channel.

    μ and σ² come in as options: in training the batch's own (batch_statistics, which the
    caller also feeds to update_running_stats), so they depend on x and the backward takes
    the paths through them; in eval the running averages, constants: ∂L/∂x = ĝ/√(σ² + ε)."""
    label = "BATCH_NORM"
    math = Math.of("out = x̂·w + b,  x̂ = (x − μ)/√(σ² + ε)      (μ, σ² per channel, over its n "
                   "numbers in the batch; in eval the running averages)",
                   ("∂outᵢ/∂xⱼ = w·(δᵢⱼ − 1/n − x̂ᵢ·x̂ⱼ/n) / √(σ² + ε)      (eval: w·δᵢⱼ / "
                    "√(σ² + ε))",
                    "∂out/∂w = x̂", "∂out/∂b = 1"),
                   ("∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + ε)      (ĝ = g·w; eval: "
                    "ĝ / √(σ² + ε))",
                    "∂L/∂w = Σ g·x̂      (Σ over all but the channel axis)",
                    "∂L/∂b = Σ g"))

    @staticmethod
    def forward(ctx, x, weight, bias, *, mean, var, training, eps):
        channel = (1, -1) + (1,) * (x.ndim - 2)              # a per-channel vector's shape
        inv_std = 1 / np.sqrt(var.reshape(channel) + eps)
        x_hat = (x - mean.reshape(channel)) * inv_std
        weight = None if weight is None else weight.reshape(channel)
        out = x_hat if weight is None else x_hat * weight
        if bias is not None:
            out = out + bias.reshape(channel)
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.training = training
        return out

    @staticmethod
    def backward(ctx, g):
        x_hat, inv_std, weight = ctx.saved
        axes = channel_axes(x_hat)
        need_x, need_w, need_b = ctx.needs_input_grad
        g_hat = g if weight is None else g * weight
        gx = None
        if need_x:
            gx = (standardize_backward(g_hat, x_hat, inv_std, axes) if ctx.training
                  else g_hat * inv_std)
        gw = (g * x_hat).sum(axis=axes) if need_w else None
        gb = g.sum(axis=axes) if need_b else None
        return gx, gw, gb


TORCH_NAMES.update({LayerNorm: "NativeLayerNormBackward0", BatchNorm: "NativeBatchNormBackward0"})
