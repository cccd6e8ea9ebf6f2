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
        # plain NumPy on the arrays: the update builds no graph; .grad is read, never written
        d_p = p.grad._data
        if maximize:
            d_p = -d_p                                           # g = -g
        if weight_decay != 0:
            d_p = d_p + weight_decay * p._data                   # g = g + wd * p
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:                                      # buf = g (first step)
                buf = state["momentum_buffer"] = Tensor._make(d_p.copy(), False, None)
            else:                                                # buf = m*buf + (1-d)*g
                b = buf._data
                b *= momentum
                b += d_p if dampening == 0 else (1 - dampening) * d_p
            if nesterov:
                d_p = d_p + momentum * buf._data                 # g = g + m*buf
            else:
                d_p = buf._data                                  # g = buf
        p._data -= lr * d_p                                      # p = p - lr*g (in place)
