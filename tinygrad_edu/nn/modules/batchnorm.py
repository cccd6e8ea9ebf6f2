"""BatchNorm1d and BatchNorm2d: normalise each channel over the batch, and keep running
averages of its mean and variance for evaluation."""
import numpy as np

from ... import dtypes
from ...tensor import Tensor, check_device
from .. import functional as F
from .. import init
from .linear import _new_parameter
from .module import Module


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share. Parameters ``weight`` (starts at 1) and
    ``bias`` (starts at 0) when ``affine``; buffers ``running_mean`` (0), ``running_var`` (1)
    and ``num_batches_tracked`` (an int64 count) when ``track_running_stats``."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        check_device(device)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = _new_parameter((num_features,), device, dtype)
            if bias:
                self.bias = _new_parameter((num_features,), device, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            floats = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
            self.register_buffer("running_mean", Tensor._make(np.zeros(num_features, floats),
                                                              False, None))
            self.register_buffer("running_var", Tensor._make(np.ones(num_features, floats),
                                                             False, None))
            self.register_buffer("num_batches_tracked",
                                 Tensor._make(np.array(0, np.int64), False, None))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:   # a plain average of every batch seen so far
                momentum = 1.0 / float(self.num_batches_tracked)
        # the batch's statistics in training, and in eval when there are no running ones
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        # running statistics are read in eval, and updated in training only when tracked
        use_running = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_running else None,
                            self.running_var if use_running else None, self.weight, self.bias,
                            use_batch, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """torch.nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True,
    track_running_stats=True): for (N, C) features or (N, C, L) sequences. In train() mode
    each channel is standardised with the batch's mean and variance, and the running
    averages move towards them (momentum=None: the plain average of all batches); in eval()
    mode the running averages are used instead."""

    def _check_input_dim(self, input):
        if input.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """torch.nn.BatchNorm2d: BatchNorm1d for (N, C, H, W) images: each channel standardised
    over the batch and all its pixels."""

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")
