"""RMSprop (torch.optim.RMSprop, the same update and numbers).

Divide each step by a running root-mean-square of the recent gradients, so that every
coordinate moves at about the same speed whatever the size of its gradients. For each
parameter p with gradient g, one step does

    g = -g                                        if maximize
    g = g + weight_decay * p                      L2 penalty
    v = alpha * v + (1 - alpha) * g * g           running mean of g^2 ("square_avg")
    m = m + (1 - alpha) * (g - m)                 if centered: running mean of g ("grad_avg")
    d = sqrt(v - m * m) + eps                     centered: the running standard deviation
    d = sqrt(v) + eps                             otherwise
    buf = momentum * buf + g / d                  if momentum > 0 ("momentum_buffer")
    p = p - lr * buf                              with momentum
    p = p - lr * g / d                            without
"""
import numpy as np

from .optimizer import (Optimizer, as_float, check_lr, check_nonnegative,
                        check_not_differentiable)


class RMSprop(Optimizer):
    """torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0,
    momentum=0, centered=False, capturable=False, foreach=None, maximize=False).
    ``capturable`` and ``foreach`` are accepted and change nothing here (GPU kernels)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_lr(lr)
        check_nonnegative(eps, "epsilon", "eps must be >= 0")
        check_nonnegative(momentum, "momentum", "momentum must be >= 0")
        check_nonnegative(weight_decay, "weight_decay")
        check_nonnegative(alpha, "alpha", "alpha, the decay of the running mean of g², must "
                          "be >= 0")
        check_not_differentiable(differentiable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Move every parameter that has a gradient one step; returns closure()'s loss."""
        return self._update_each(closure)

    def _update(self, p, group):
        lr, alpha, eps = as_float(group["lr"], "lr"), group["alpha"], group["eps"]
        momentum = group["momentum"]
        buffers = ("square_avg",) + (("momentum_buffer",) if momentum > 0 else ()) \
            + (("grad_avg",) if group["centered"] else ())
        state = self._state_of(p, *buffers)
        param = p._data
        tmp, avg = self._buffer(param, "tmp"), self._buffer(param, "avg")

        state["step"]._data += 1
        grad = self._gradient(p, group, tmp)                               # -g if maximize, + wd*p

        square_avg = state["square_avg"]._data
        square_avg *= alpha
        square_avg += np.multiply(np.multiply(grad, 1 - alpha, out=tmp), grad, out=tmp)
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            _lerp(grad_avg, grad, 1 - alpha, tmp)                          # m += (1-a)(g-m)
            np.subtract(square_avg, np.multiply(grad_avg, grad_avg, out=tmp), out=avg)
            np.sqrt(avg, out=avg)                                          # sqrt(v - m²)
        else:
            np.sqrt(square_avg, out=avg)
        avg += eps

        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += np.divide(grad, avg, out=tmp)                           # buf = m*buf + g/d
            param += np.multiply(buf, -lr, out=tmp)                        # p -= lr * buf
        else:
            param += np.multiply(np.divide(grad, avg, out=tmp), -lr, out=tmp)  # p -= lr*g/d


def _lerp(start, end, weight, tmp):
    """start += weight * (end - start), in place, the way torch.lerp_ rounds it (from the
    nearer end: for weight >= 0.5 it counts back from ``end``)."""
    if weight < 0.5:
        start += np.multiply(np.subtract(end, start, out=tmp), weight, out=tmp)
    else:
        np.subtract(end, np.multiply(np.subtract(end, start, out=tmp), 1 - weight, out=tmp),
                    out=start)
