"""SGD: stochastic gradient descent, with momentum, dampening, Nesterov and weight decay
(torch.optim.SGD, the same update rule and the same numbers).

For each parameter p with gradient g, one step does

    g = -g                               if maximize (climb instead of descend)
    g = g + weight_decay * p             L2 penalty (weight_decay/2 * |p|^2 added to the loss)
    if momentum != 0:
        buf = g                          on the first step (a copy)
        buf = momentum * buf + (1 - dampening) * g     on every later step
        g = g + momentum * buf           if nesterov (look ahead along the velocity)
        g = buf                          otherwise
    p = p - lr * g
"""
import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, as_float


class SGD(Optimizer):
    """torch.optim.SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
    nesterov=False, *, maximize=False). ``foreach``/``fused`` are accepted and change
    nothing here (they choose how PyTorch launches its kernels, not the math)."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if as_float(lr, "lr") < 0.0:
            raise ValueError(f"Invalid learning rate: {lr} (the learning rate is the size of "
                             "the step down the gradient: it must be >= 0)")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum} (momentum must be >= 0)")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay} (must be >= 0)")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        if differentiable:
            raise NotImplementedError("differentiable=True (gradients through the optimizer "
                                      "step) is not supported by tinygrad_edu")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Move every parameter that has a gradient one step; returns closure()'s loss."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr = as_float(group["lr"], "lr")
            momentum, dampening = group["momentum"], group["dampening"]
            weight_decay, nesterov = group["weight_decay"], group["nesterov"]
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, lr, momentum, dampening, weight_decay, nesterov,
                                 group["maximize"])
        return loss

    def _update(self, p, lr, momentum, dampening, weight_decay, nesterov, maximize):
        param, d_p = p._data, p.grad._data  # .grad is read, never written
        if maximize or weight_decay != 0:
            direction = self._buffer(param, "d_p")
            if maximize:
                np.negative(d_p, out=direction)                  # g = -g
            else:
                direction[...] = d_p
            if weight_decay != 0:
                decay = np.multiply(param, weight_decay, out=self._buffer(param, "tmp"))
                direction += decay                               # g = g + wd * p
            d_p = direction
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:                                      # buf = g (first step)
                buf = state["momentum_buffer"] = Tensor._make(np.array(d_p, copy=True),
                                                              False, None)
            else:                                                # buf = m*buf + (1-d)*g
                b = buf._data
                b *= momentum
                if dampening == 0:
                    b += d_p
                else:
                    b += np.multiply(d_p, 1 - dampening, out=self._buffer(param, "tmp"))
            if nesterov:                                         # g = g + m*buf
                look_ahead = np.multiply(buf._data, momentum, out=self._buffer(param, "tmp"))
                d_p = np.add(d_p, look_ahead, out=look_ahead)
            else:
                d_p = buf._data                                  # g = buf
        step = np.multiply(d_p, -lr, out=self._buffer(param, "tmp"))
        param += step                                            # p = p - lr*g
