"""Collation: turning a list of samples into one batch (torch's default_collate).

    tensors            -> stacked along a new first dimension
    NumPy arrays       -> a tensor of the stacked arrays (same dtype)
    NumPy scalars      -> a 1-D tensor (same dtype)
    Python floats      -> a float64 tensor;  ints -> int64;  bools -> bool  (as torch)
    strings, bytes     -> left as a list
    dicts              -> a dict with each key's values collated
    tuples / lists     -> transposed, each position collated (a tuple gives a list)
    named tuples       -> the same named tuple with each field collated
"""
import collections.abc
import copy
import re

import numpy as np

from ...ops.shape import Stack
from ...tensor import Tensor

_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists;"
          " found {}")
_STRING_OR_OBJECT = re.compile(r"[SaUO]")


def _tensor(array):
    return Tensor._make(array, False, None)


def _stack_tensors(batch):
    shapes = [t._data.shape for t in batch]
    for i, shape in enumerate(shapes):
        if shape != shapes[0]:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shapes[0])} at entry 0 and {list(shape)} at entry {i} "
                               f"(the samples of one batch must have the same shape)")
    if any(t._requires_grad for t in batch):
        return Stack.apply(*batch, dim=0)  # keeps the graph, as torch.stack does
    return _tensor(np.stack([t._data for t in batch]))


def default_collate(batch):
    """torch.utils.data.default_collate: a list of samples -> one batch."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if type(elem).__module__ == "numpy" and not isinstance(elem, (np.str_, np.bytes_)):
        if isinstance(elem, np.ndarray):
            if _STRING_OR_OBJECT.search(elem.dtype.str) is not None:
                raise TypeError(_ERROR.format(elem.dtype))
            return _stack_tensors([_tensor(np.asarray(b)) for b in batch])
        if elem.shape == ():  # a NumPy scalar such as np.float32(1.5)
            return _tensor(np.asarray(batch))
    if isinstance(elem, bool):
        return _tensor(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, float):
        return _tensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, int):
        return _tensor(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        except (TypeError, AttributeError):
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return transposed  # torch gives a list here too
        try:
            return type(elem)(transposed)
        except TypeError:
            return transposed
    raise TypeError(_ERROR.format(type(elem)))


def default_convert(data):
    """torch.utils.data.default_convert: NumPy arrays -> tensors, inside containers too;
    used instead of collation when a DataLoader has ``batch_size=None``."""
    if isinstance(data, Tensor):
        return data
    if type(data).__module__ == "numpy" and not isinstance(data, (np.str_, np.bytes_)):
        if isinstance(data, np.ndarray) and _STRING_OR_OBJECT.search(data.dtype.str):
            return data
        return _tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        try:
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        except (TypeError, AttributeError):
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
