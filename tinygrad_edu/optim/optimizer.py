"""Optimizer: the base class of SGD and Adam (torch.optim.Optimizer).

An optimizer holds

    param_groups   a list of dicts: {"params": [tensors...], "lr": ..., other settings}
                   (every setting the group does not give is filled from the defaults)
    state          per-parameter memory, e.g. SGD's momentum buffer: {param: {...}}

``step()`` reads each parameter's ``.grad`` and changes the parameter's numbers in place;
``zero_grad()`` forgets the gradients so the next backward does not add to them.
The update itself never touches ``.grad`` and never builds a graph: it works on the raw
arrays (``p._data``), the way ``torch.no_grad()`` + in-place ops do in PyTorch.
"""
import warnings
from collections import defaultdict

import numpy as np

from ..autograd import grad_mode
from ..tensor import Tensor


class _Required:
    """A default that the user must give (torch.optim.optimizer.required)."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    """torch.optim.Optimizer(params, defaults).

    ``params`` is an iterable of tensors (e.g. ``model.parameters()``), of
    ``(name, tensor)`` pairs (``model.named_parameters()``), or of dicts, each a group
    with its own settings: ``[{"params": a}, {"params": b, "lr": 0.1}]``."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._scratch = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {params.type()} (write [w] for a "
                            "single tensor, or pass model.parameters())")
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list (is the model empty? its "
                             "layers must be attributes set in __init__, e.g. "
                             "self.linear = nn.Linear(1, 1))")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(dict(group))

    def add_param_group(self, param_group):
        """Add a group of parameters with its own settings (e.g. a new layer to fine-tune)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        params = list(params)
        if params and all(isinstance(p, tuple) and len(p) == 2 for p in params):
            param_group["param_names"] = [name for name, _ in params]  # named_parameters()
            params = [p for _, p in params]
        param_group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__module__}.{type(p).__qualname__}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor (this tensor was computed "
                                 "from others; give the optimizer the tensors you created with "
                                 "requires_grad=True, e.g. model.parameters())")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = [id(p) for p in params]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "each would be updated twice per step", stacklevel=3)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- gradients ------------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget the gradients: ``p.grad = None`` (default) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.grad_fn, p.grad._requires_grad = None, False
                    p.grad._data[...] = 0

    def step(self, closure=None):
        raise NotImplementedError(f"{type(self).__name__} must define step()")

    def _run_closure(self, closure):
        """torch: the closure re-evaluates the model (with grad on) and returns the loss."""
        if closure is None:
            return None
        with grad_mode.enable_grad():
            return closure()

    def _update_each(self, closure):
        """The step() of the optimizers whose update reads its settings from the group: run
        ``self._update(p, group)`` for every parameter that has a gradient; returns closure()'s
        loss."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, group)
        return loss

    def _state_of(self, p, *buffers, start=0):
        """p's state; when it is still empty (p's first step, as torch) it starts with the
        step count (a float32 0-d tensor) at 0 and each named buffer shaped like p, filled
        with ``start``."""
        state = self.state[p]
        if len(state) == 0:
            state["step"] = Tensor._make(np.array(0.0, dtype=np.float32), False, None)
            for name in buffers:
                state[name] = Tensor._make(np.full_like(p._data, start), False, None)
        return state

    def _gradient(self, p, group, tmp, l2=True):
        """The g the update follows: p's gradient, negated if maximize, plus weight_decay · p
        (the L2 penalty) unless ``l2`` is False; in scratch arrays, .grad is never written."""
        param, grad, weight_decay = p._data, p.grad._data, group["weight_decay"]
        if group["maximize"]:
            grad = np.negative(grad, out=self._buffer(param, "g"))        # g = -g
        if l2 and weight_decay != 0:
            decayed = np.multiply(param, weight_decay, out=tmp)
            grad = np.add(grad, decayed, out=self._buffer(param, "g"))  # g + wd*p
        return grad

    def _buffer(self, array, slot):
        """A scratch array shaped like ``array``, reused across steps (no allocation per step)."""
        key = (array.shape, array.dtype, slot)
        buf = self._scratch.get(key)
        if buf is None:
            buf = self._scratch[key] = np.empty(array.shape, array.dtype)
        return buf

    # -- saving and restoring -------------------------------------------------------------
    def state_dict(self):
        """torch's format: ``{"state": {0: {...}, 1: {...}}, "param_groups": [{..., "params":
        [0, 1]}]}``: parameters are numbered in the order the groups list them."""
        index, packed_groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            packed_groups.append(packed)
        packed_state = {(index[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        """Restore what ``state_dict()`` returned (copies it: the dict is not kept)."""
        state_dict = _copy(state_dict)
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups "
                             f"({len(saved_groups)} saved, {len(self.param_groups)} here)")
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group "
                                 f"({len(saved['params'])} saved, {len(group['params'])} here)")
        id_map = {old: p for group, saved in zip(self.param_groups, saved_groups)
                  for old, p in zip(saved["params"], group["params"])}
        self.state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                p = id_map[key]
                self.state[p] = {k: _cast_state(k, v, p) for k, v in value.items()}
            else:
                self.state[key] = value
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new = dict(saved)
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                new["param_names"] = group["param_names"]
            new_groups.append(new)
        self.param_groups = new_groups

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key not in ("params", "param_names"):
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def _copy(obj):
    """A deep copy of a state dict (tensors get their own arrays)."""
    if isinstance(obj, Tensor):
        return Tensor._make(np.array(obj._data, copy=True), False, None)
    if isinstance(obj, dict):
        return type(obj)((k, _copy(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return [_copy(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_copy(v) for v in obj)
    return obj


def _cast_state(key, value, param):
    """State tensors follow the parameter's dtype; the step counter stays as it is (torch)."""
    if key != "step" and isinstance(value, Tensor) and param._data.dtype.kind == "f" \
            and value._data.dtype.kind == "f" and value._data.dtype != param._data.dtype:
        return Tensor._make(value._data.astype(param._data.dtype), False, None)
    return value


def as_float(value, name):
    """A hyper-parameter as a Python float (torch also accepts a one-element tensor)."""
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"Tensor {name} must be 1-element")
        return float(value.item())
    return value


# -- torch's checks of the settings, in the order each optimizer makes them ----------------
def check_lr(lr):
    if not 0.0 <= as_float(lr, "lr"):
        raise ValueError(f"Invalid learning rate: {lr} (the learning rate is the size of "
                         "the step: it must be >= 0)")


def check_nonnegative(value, name, why="must be >= 0"):
    if not 0.0 <= value:
        raise ValueError(f"Invalid {name} value: {value} ({why})")


def check_not_differentiable(differentiable):
    if differentiable:
        raise NotImplementedError("differentiable=True (gradients through the optimizer "
                                  "step) is not supported by tinygrad_edu")
