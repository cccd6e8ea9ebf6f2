"""Samplers decide the ORDER in which a DataLoader visits a dataset's positions, and a
BatchSampler cuts that order into batches (torch.utils.data.sampler).

Each epoch a sampler produces its whole order at once as an index array (``_index_array``)
so the DataLoader can cut batches with slices instead of a Python loop per sample;
iterating a sampler still yields plain ints, as in torch.
"""
import numpy as np

from ...random import rng


class Sampler:
    """torch.utils.data.Sampler: iterate to get dataset positions."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError

    def _index_array(self):
        return np.fromiter(iter(self), dtype=np.int64)


class SequentialSampler(Sampler):
    """0, 1, 2, ..., len(data_source) - 1 (what ``shuffle=False`` uses)."""

    def __init__(self, data_source):
        self.data_source = data_source

    def _index_array(self):
        return np.arange(len(self.data_source), dtype=np.int64)

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random order every epoch (what ``shuffle=True`` uses); each position exactly
    once, or, with ``replacement=True``, ``num_samples`` draws that may repeat.  The
    numbers come from ``generator`` or from tinygrad_edu's default generator."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _index_array(self):
        n, gen = len(self.data_source), rng(self.generator)
        if self.replacement:
            return gen.integers(0, n, self.num_samples, dtype=np.int64)
        whole, rest = divmod(self.num_samples, n)
        parts = [gen.permutation(n) for _ in range(whole)] + [gen.permutation(n)[:rest]]
        return np.concatenate(parts).astype(np.int64, copy=False)

    def __iter__(self):
        return iter(self._index_array().tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given positions, in a new random order every epoch."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def _index_array(self):
        order = rng(self.generator).permutation(len(self.indices))
        return np.asarray(self.indices, dtype=np.int64)[order]

    def __iter__(self):
        return iter(self._index_array().tolist())

    def __len__(self):
        return len(self.indices)


class BatchSampler(Sampler):
    """torch.utils.data.BatchSampler(sampler, batch_size, drop_last): lists of positions.
    The last batch is smaller when the data does not divide evenly, unless drop_last."""

    def __init__(self, sampler, batch_size, drop_last):
        if (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def _index_batches(self):
        """This epoch's batches as index arrays (one draw of the sampler, then slices)."""
        if not isinstance(self.sampler, Sampler):  # any iterable of positions
            for batch in self._chunks():
                yield np.asarray(batch, dtype=np.int64)
            return
        order = self.sampler._index_array()
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            yield order[start:start + self.batch_size]

    def _chunks(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __iter__(self):
        if isinstance(self.sampler, (SequentialSampler, RandomSampler, SubsetRandomSampler)):
            for batch in self._index_batches():
                yield batch.tolist()
        else:  # a sampler of your own may yield any keys your dataset understands
            yield from self._chunks()

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
