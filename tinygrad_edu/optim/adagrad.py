"""Adagrad (torch.optim.Adagrad, the same update and numbers).

Each coordinate keeps the sum of all its squared gradients so far and divides its step by
the square root of that sum: coordinates that have already moved a lot slow down. For each
parameter p with gradient g, step t = 1, 2, ... does

    g = -g                                        if maximize
    g = g + weight_decay * p                      L2 penalty
    lr_t = lr / (1 + (t - 1) * lr_decay)
    s = s + g * g                                 ("sum", starts at initial_accumulator_value)
    p = p - lr_t * g / (sqrt(s) + eps)
"""
import numpy as np

from .optimizer import (Optimizer, as_float, check_lr, check_nonnegative,
                        check_not_differentiable)


class Adagrad(Optimizer):
    """torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0,
    initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False).
    ``foreach`` and ``fused`` are accepted and change nothing here (kernel choices)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check_nonnegative(lr_decay, "lr_decay")
        check_nonnegative(weight_decay, "weight_decay")
        check_nonnegative(initial_accumulator_value, "initial_accumulator_value",
                          "the sum of squares starts there: it must be >= 0")
        check_nonnegative(eps, "epsilon", "eps must be >= 0")
        check_not_differentiable(differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:  # torch fills the state at once, not on first step
            for p in group["params"]:
                self._init_state(p)

    def step(self, closure=None):
        """Move every parameter that has a gradient one step; returns closure()'s loss."""
        return self._update_each(closure)

    def _init_state(self, p):
        return self._state_of(p, "sum", start=self.defaults["initial_accumulator_value"])

    def _update(self, p, group):
        lr, eps = as_float(group["lr"], "lr"), group["eps"]
        state = self._init_state(p)  # a group added later starts here
        param = p._data
        tmp, std = self._buffer(param, "tmp"), self._buffer(param, "std")

        state["step"]._data += 1
        t = float(state["step"]._data)
        grad = self._gradient(p, group, tmp)                               # -g if maximize, + wd*p
        lr_t = lr / (1 + (t - 1) * group["lr_decay"])

        total = state["sum"]._data
        total += np.multiply(grad, grad, out=tmp)                          # s += g²
        np.sqrt(total, out=std)
        std += eps
        param += np.multiply(np.divide(grad, std, out=tmp), -lr_t, out=tmp)  # p -= lr_t g/std
