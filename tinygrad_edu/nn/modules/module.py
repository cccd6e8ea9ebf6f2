"""nn.Module: the base class of every layer and every model.

A Module keeps three ordered tables, filled by plain attribute assignment:
    _parameters  name -> Parameter   (self.weight = nn.Parameter(...))
    _buffers     name -> Tensor      (register_buffer: state that is saved but not learned)
    _modules     name -> Module      (self.fc1 = nn.Linear(...))
Everything else (parameters(), state_dict(), train(), to(), repr) walks these tables,
children in the order they were assigned, which is why the names come out as 'net.0.weight'.
A parameter or buffer is also kept as a plain attribute of the same name, so that reading
``self.weight`` in forward is an ordinary attribute lookup (``__getattr__``, the slow path
through the tables, is then only needed for child modules).
"""
from collections import OrderedDict

import numpy as np

from ... import dtypes
from ...tensor import Tensor, check_device
from ..parameter import Parameter
from . import state
from ...utils.hooks import RemovableHandle


def _addindent(text, spaces):
    """Indent every line but the first (how a child's repr nests inside its parent's)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line if line.strip() else ""
                                       for line in lines[1:])


def _check_name(name, kind):
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')


class Module:
    """torch.nn.Module: subclass it, create layers in ``__init__`` (after
    ``super().__init__()``) and say how they connect in ``forward``; call the model like a
    function, ``model(x)``, which runs ``forward(x)``."""

    def __init__(self):
        set_ = object.__setattr__  # bypass our __setattr__: the tables do not exist yet
        set_(self, "training", True)
        set_(self, "_parameters", {})
        set_(self, "_buffers", {})
        set_(self, "_non_persistent_buffers_set", set())
        set_(self, "_modules", {})
        set_(self, "_forward_pre_hooks", OrderedDict())
        set_(self, "_forward_hooks", OrderedDict())

    def forward(self, *inputs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  f'"forward" function')

    def __call__(self, *args, **kwargs):
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    def register_forward_pre_hook(self, hook):
        """hook(module, args) runs before forward; it may return replacement args."""
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    def register_forward_hook(self, hook):
        """hook(module, args, output) runs after forward; it may return a new output."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    # -- registration by attribute assignment ----------------------------------------------
    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call "
                                     "(call super().__init__() first in your __init__)")
            self._forget(name, keep="_parameters")  # a re-assigned parameter keeps its place
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                f"(torch.nn.Parameter or None expected)")
            params[name] = d[name] = None
        elif isinstance(value, Module):
            if d.get("_modules") is None:
                raise AttributeError("cannot assign module before Module.__init__() call "
                                     "(call super().__init__() first in your __init__)")
            self._forget(name, keep="_modules")
            d["_modules"][name] = value
        elif d.get("_modules") is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                f"(torch.nn.Module or None expected)")
            d["_modules"][name] = None
        elif d.get("_buffers") is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                f"(torch.Tensor or None expected)")
            d["_buffers"][name] = d[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name, keep=None):
        """Remove ``name`` from every table (but ``keep``, where it is registered again in the
        same place, as torch keeps the order of parameters()) before it is registered anew."""
        d = self.__dict__
        d.pop(name, None)
        for table in ("_parameters", "_buffers", "_modules"):
            if table != keep:
                d[table].pop(name, None)
        d["_non_persistent_buffers_set"].discard(name)

    def __getattr__(self, name):  # only called when normal lookup fails
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if name in d.get(table, ()):
                del d[table][name]
                d["_non_persistent_buffers_set"].discard(name)
                d.pop(name, None)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = list(dir(type(self))) + list(self.__dict__)
        keys += list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(k for k in set(keys) if not k[0].isdigit())

    def register_parameter(self, name, param):
        """Add a parameter under ``name`` (what ``self.name = nn.Parameter(...)`` does)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            f"(torch.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                             f"parameters must be created explicitly. To express '{name}' as a "
                             f"function of another Tensor, compute the value in the forward() "
                             f"method.")
        self._parameters[name] = self.__dict__[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Keep a tensor that is part of the module's state but not learned (it is moved by
        ``to()`` and saved in ``state_dict()`` unless ``persistent=False``)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            f"(torch Tensor or None required)")
        self._buffers[name] = self.__dict__[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name`` (what ``self.name = module`` does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        _check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        """``model.get_submodule('net.0')``: follow a dotted name down the tree."""
        module = self
        for item in target.split(".") if target else []:
            if item not in module._modules:
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = module._modules[item]
        return module

    # -- walking the tree --------------------------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and every module below it, depth first."""
        memo = set() if memo is None else memo
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name,
                                                remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def _named_members(self, table, prefix, recurse, remove_duplicate=True):
        seen = set()  # ids: a tensor shared by two layers is listed once
        walk = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                if recurse else [(prefix, self)])
        for module_prefix, module in walk:
            for name, value in getattr(module, table).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, parameter) pairs with torch's dotted names: 'net.0.weight', 'net.0.bias'..."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every learnable tensor, in registration order (what the optimizer receives)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self, fn):
        """Call ``fn(module)`` on every child (recursively), then on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ------------------------------------------------------------------
    def train(self, mode=True):
        """Training mode (Dropout drops); ``train(False)`` is ``eval()``."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        """Evaluation mode: Dropout passes its input through unchanged."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of the last backward (they accumulate otherwise)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._data[...] = 0

    # -- dtype and device ----------------------------------------------------------------------
    def to(self, *args, **kwargs):
        """``model.to('cpu')``, ``model.to(torch.float64)``: converts the floating-point
        parameters and buffers in place (the Parameter objects stay the same)."""
        target = None
        for a in list(args) + [kwargs.get("device"), kwargs.get("dtype")]:
            if isinstance(a, Tensor):
                target = a.dtype
            elif isinstance(a, dtypes.dtype):
                target = a
            elif a is not None:
                check_device(a)
        if target is not None:
            if not target.is_floating_point:
                raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, "
                                f"but got desired dtype={target}")
            self._cast_floats(target.np)
        return self

    def _cast_floats(self, np_dtype):
        for module in self.modules():
            for p in module._parameters.values():
                if p is not None and p._data.dtype.kind == "f" and p._data.dtype != np_dtype:
                    p._data = p._data.astype(np_dtype)
                    if p.grad is not None:
                        p.grad._data = p.grad._data.astype(np_dtype)
            for name, b in module._buffers.items():
                if b is not None and b._data.dtype.kind == "f" and b._data.dtype != np_dtype:
                    module._buffers[name] = module.__dict__[name] = Tensor._make(
                        b._data.astype(np_dtype), False, None)
        return self

    def float(self):
        return self._cast_floats(np.float32)

    def double(self):
        return self._cast_floats(np.float64)

    def half(self):
        return self._cast_floats(np.float16)

    def cpu(self):
        return self

    def cuda(self, device=None):
        check_device("cuda" if device is None else f"cuda:{device}" if isinstance(device, int)
                     else device)
        return self

    # -- saving and loading (the walk itself is in state.py) -----------------------------------
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict name -> tensor of every parameter and persistent buffer, detached
        (sharing memory with the model), in torch's key order: what ``torch.save`` stores."""
        return state.state_dict(self, destination, prefix, keep_vars)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy the values of ``state_dict`` into this model's parameters and buffers, in
        place. Values may be tensors of this engine, NumPy arrays, or anything NumPy can read
        (e.g. a CPU torch state dict). With ``strict`` every key must match; returns
        ``_IncompatibleKeys(missing_keys, unexpected_keys)``."""
        return state.load_state_dict(self, state_dict, strict, assign)

    # -- printing -----------------------------------------------------------------------------
    def extra_repr(self):
        """The text inside this module's parentheses, e.g. 'in_features=3, out_features=5,
        bias=True'. Layers override it; it is '' for a plain container."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    return type(obj).__qualname__ if module == "builtins" else f"{module}.{type(obj).__qualname__}"

