"""Datasets: a dataset answers two questions, ``len(ds)`` and ``ds[i]`` (one sample).

torch.utils.data's Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset and
random_split, with the same behaviour (random_split draws from the default generator, or
from the one you give, so ``manual_seed`` makes the split reproducible).
"""
import bisect
import math
import warnings

import numpy as np

from ...random import default_generator, rng
from ...tensor import Tensor


class Dataset:
    """torch.utils.data.Dataset: subclass it and define ``__getitem__`` (and ``__len__``)."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__ "
                                  "(return the sample at position index).")

    def __add__(self, other):
        return ConcatDataset([self, other])

    def __class_getitem__(cls, item):  # Dataset[int] in type hints, as torch allows
        return cls


class IterableDataset(Dataset):
    """torch.utils.data.IterableDataset: a stream of samples (define ``__iter__``)."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __getitem__(self, index):
        raise TypeError("an IterableDataset has no positions: iterate over it instead")


class TensorDataset(Dataset):
    """torch.utils.data.TensorDataset(*tensors): sample i is ``(t[i] for t in tensors)``.
    All tensors must have the same first dimension (the number of samples)."""

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        for t in tensors:
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset takes tensors, got {type(t).__name__} "
                                "(wrap NumPy arrays with torch.from_numpy)")
        sizes = [t.size(0) if t.dim() else None for t in tensors]
        if None in sizes or len(set(sizes)) != 1:
            raise ValueError(f"Size mismatch between tensors: every tensor needs the same "
                             f"first dimension (one row per sample), got "
                             f"{[tuple(t.shape) for t in tensors]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)


class Subset(Dataset):
    """torch.utils.data.Subset(dataset, indices): the samples of ``dataset`` at ``indices``."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """torch.utils.data.ConcatDataset(datasets): the datasets one after the other."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


def random_split(dataset, lengths, generator=default_generator):
    """torch.utils.data.random_split: shuffle the indices, cut them into ``lengths``.

    ``lengths`` are sizes (``[700, 300]``) or fractions that sum to 1 (``[0.7, 0.3]``):
    each fraction gets floor(n * fraction) samples and the remainder is dealt out one by
    one, round-robin from the first split, exactly as torch does."""
    lengths = list(lengths)
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(int(math.floor(n * frac)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. "
                              f"This might result in an empty dataset.")
    if sum(lengths) != n:
        raise ValueError(f"Sum of input lengths does not equal the length of the input dataset! "
                         f"(the lengths {lengths} add up to {sum(lengths)}, the dataset has {n} "
                         f"samples)")
    indices = rng(generator).permutation(sum(lengths)).tolist()
    splits, offset = [], 0
    for length in lengths:
        splits.append(Subset(dataset, indices[offset:offset + length]))
        offset += length
    return splits
