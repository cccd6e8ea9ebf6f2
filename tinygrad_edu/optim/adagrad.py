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

from ..tensor import Tensor
from .optimizer import Optimizer, as_float


class Adagrad(Optimizer):
    """torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0,
    initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False).
    ``foreach`` and ``fused`` are accepted and change nothing here (kernel choices)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        if not 0.0 <= as_float(lr, "lr"):
            raise ValueError(f"Invalid learning rate: {lr} (the learning rate is the size of "
                             "the step: it must be >= 0)")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay} (must be >= 0)")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay} (must be >= 0)")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value} (the sum of squares starts there: "
                             "it must be >= 0)")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps} (eps must be >= 0)")
        if differentiable:
            raise NotImplementedError("differentiable=True (gradients through the optimizer "
                                      "step) is not supported by tinygrad_edu")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:  # torch fills the state at once, not on first step
            for p in group["params"]:
                self._init_state(p)

    def step(self, closure=None):
        """Move every parameter that has a gradient one step; returns closure()'s loss."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, group)
        return loss

    def _init_state(self, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = Tensor._make(np.array(0.0, dtype=np.float32), False, None)
            start = self.defaults["initial_accumulator_value"]
            state["sum"] = Tensor._make(np.full_like(p._data, start), False, None)
        return state

    def _update(self, p, group):
        lr, eps, weight_decay = as_float(group["lr"], "lr"), group["eps"], group["weight_decay"]
        state = self._init_state(p)  # a group added later starts here
        param, grad = p._data, p.grad._data  # .grad is read, never written
        tmp, std = self._buffer(param, "tmp"), self._buffer(param, "std")

        state["step"]._data += 1
        t = float(state["step"]._data)
        if group["maximize"]:
            grad = np.negative(grad, out=self._buffer(param, "g"))           # g = -g
        if weight_decay != 0:
            decayed = np.multiply(param, weight_decay, out=tmp)
            grad = np.add(grad, decayed, out=self._buffer(param, "g"))       # g + wd*p
        lr_t = lr / (1 + (t - 1) * group["lr_decay"])

        total = state["sum"]._data
        total += np.multiply(grad, grad, out=tmp)                          # s += g²
        np.sqrt(total, out=std)
        std += eps
        param += np.multiply(np.divide(grad, std, out=tmp), -lr_t, out=tmp)  # p -= lr_t g/std
