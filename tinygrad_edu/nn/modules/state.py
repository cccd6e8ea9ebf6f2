"""Module.state_dict / load_state_dict: walk the module tree, parameters then persistent
buffers of each module, then its children with 'child_name.' prepended, exactly torch's
key order ('net.0.weight', 'net.0.bias', 'net.2.weight', ...)."""
import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: the keys it did not find and the keys it did not use."""
    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _local_state(module):
    """This module's own (name, tensor) pairs that belong in a state dict."""
    persistent = ((k, v) for k, v in module._buffers.items()
                  if k not in module._non_persistent_buffers_set)
    return {k: v for k, v in itertools.chain(module._parameters.items(), persistent)
            if v is not None}


def state_dict(module, destination=None, prefix="", keep_vars=False):
    """torch.nn.Module.state_dict."""
    if destination is None:
        destination = OrderedDict()
    for name, value in _local_state(module).items():
        destination[prefix + name] = value if keep_vars else value.detach()
    for name, child in module._modules.items():
        if child is not None:
            state_dict(child, destination, prefix + name + ".", keep_vars)
    return destination


def load_state_dict(module, state, strict=True, assign=False):
    """torch.nn.Module.load_state_dict: torch's checks and torch's messages."""
    if not isinstance(state, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state)}.")
    missing, unexpected, errors = [], [], []
    _load(module, dict(state), "", missing, unexpected, errors, assign)
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                ", ".join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                ", ".join(f'"{k}"' for k in missing)))
    if errors:
        raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
            type(module).__name__, "\n\t".join(errors)))
    return _IncompatibleKeys(missing, unexpected)


def _load(module, state, prefix, missing, unexpected, errors, assign):
    local = _local_state(module)
    for name, current in local.items():
        key = prefix + name
        if key not in state:
            missing.append(key)
            continue
        value = state[key]
        if not (isinstance(value, Tensor) or hasattr(value, "__array__")):
            errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or '
                          f'Tensor-like object from checkpoint but received {type(value)}')
            continue
        array = value._data if isinstance(value, Tensor) else np.asarray(value)
        if current._data.ndim == 0 and array.shape == (1,):
            array = array[0]
        if array.shape != current._data.shape:
            errors.append(f"size mismatch for {key}: copying a param with shape "
                          f"{_size(array.shape)} from checkpoint, the shape in current model is "
                          f"{_size(current._data.shape)}.")
            continue
        if assign:  # take the checkpoint's array itself (shared, not copied)
            current._data = np.asarray(array)
        else:
            with no_grad():
                current.copy_(array)  # in place: the optimizer still holds the same tensors
    for key in state:
        head = key[len(prefix):].split(".", 1)
        if (head[0] not in module._modules) if len(head) > 1 else (head[0] not in local):
            unexpected.append(key)
    for name, child in module._modules.items():
        if child is not None:
            child_prefix = prefix + name + "."
            _load(child, {k: v for k, v in state.items() if k.startswith(child_prefix)},
                  child_prefix, missing, unexpected, errors, assign)


def _size(shape):
    return "torch.Size([" + ", ".join(str(s) for s in shape) + "])"
