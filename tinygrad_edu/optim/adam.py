"""Adam and AdamW (torch.optim.Adam / torch.optim.AdamW, the same update and numbers).

For each parameter p with gradient g, step t = 1, 2, ... does

    g = -g                                    if maximize
    g = g + weight_decay * p                  Adam's L2 penalty
    p = p * (1 - lr * weight_decay)           instead, for AdamW (decoupled weight decay)
    m = m + (1 - beta1) * (g - m)             running mean of g      (m = beta1*m + (1-beta1)*g)
    v = beta2 * v + (1 - beta2) * g * g       running mean of g^2
    v_max = max(v_max, v)                     if amsgrad: never let the step grow back
    p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

The two ``1 - beta^t`` factors are the bias corrections: m and v start at 0, so early on
they are too small; dividing by ``1 - beta^t`` undoes that.
"""
import numpy as np

from .optimizer import (Optimizer, as_float, check_lr, check_nonnegative,
                        check_not_differentiable)


class Adam(Optimizer):
    """torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    amsgrad=False, *, maximize=False, decoupled_weight_decay=False). ``foreach``, ``fused``
    and ``capturable`` are accepted and change nothing here (they are about GPU kernels)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        check_lr(lr)
        check_nonnegative(eps, "epsilon", "eps must be >= 0")
        betas = tuple(as_float(b, "betas") for b in betas)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta} (each beta is "
                                 "a decay rate in [0, 1))")
        check_nonnegative(weight_decay, "weight_decay")
        check_not_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Move every parameter that has a gradient one step; returns closure()'s loss."""
        return self._update_each(closure)

    def _update(self, p, group):
        lr = as_float(group["lr"], "lr")
        beta1, beta2 = group["betas"]
        weight_decay, eps, amsgrad = group["weight_decay"], group["eps"], group["amsgrad"]
        buffers = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if amsgrad else ())
        state = self._state_of(p, *buffers)
        param = p._data
        tmp, denom = self._buffer(param, "tmp"), self._buffer(param, "denom")

        state["step"]._data += 1
        t = float(state["step"]._data)
        decoupled = group["decoupled_weight_decay"]
        grad = self._gradient(p, group, tmp, l2=not decoupled)          # -g, + wd*p for Adam
        if decoupled and weight_decay != 0:
            param *= 1 - lr * weight_decay                                # AdamW: shrink p

        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += np.multiply(np.subtract(grad, m, out=tmp), 1 - beta1, out=tmp)  # m += (1-b1)(g-m)
        v *= beta2
        v += np.multiply(np.multiply(grad, 1 - beta2, out=tmp), grad, out=tmp)  # (1-b2)*g*g
        if amsgrad:
            v = np.maximum(state["max_exp_avg_sq"]._data, v, out=state["max_exp_avg_sq"]._data)

        bias_correction1 = 1 - beta1 ** t
        bias_correction2_sqrt = (1 - beta2 ** t) ** 0.5
        step_size = lr / bias_correction1
        np.sqrt(v, out=denom)
        denom /= bias_correction2_sqrt
        denom += eps                                    # sqrt(v_hat) + eps
        update = np.multiply(m, -step_size, out=tmp)
        update /= denom
        param += update                                 # p -= lr_t * m / denom


class AdamW(Adam):
    """torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
    amsgrad=False, *, maximize=False): Adam whose weight decay shrinks the parameters
    directly instead of being added to the gradient."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
