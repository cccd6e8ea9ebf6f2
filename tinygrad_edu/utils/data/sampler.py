"""Samplers decide the ORDER in which a DataLoader visits a dataset's positions, and a
BatchSampler cuts that order into batches (torch.utils.data.sampler).

Each epoch a sampler produces its order as a stream of index arrays (``_index_chunks``), so
the DataLoader can cut batches with slices instead of a Python loop per sample, and a huge
order (RandomSampler(..., replacement=True, num_samples=10**10)) is drawn as it is used,
never held whole; iterating a sampler still yields plain ints, as in torch.
"""
import itertools

import numpy as np

from ...random import rng


class Sampler:
    """torch.utils.data.Sampler: iterate to get dataset positions."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError

    def _index_chunks(self):
        """This epoch's positions as int64 arrays, a piece at a time."""
        positions = iter(self)
        while True:
            chunk = np.fromiter(itertools.islice(positions, 4096), dtype=np.int64)
            if len(chunk) == 0:
                return
            yield chunk


def _chunks_of(sampler):
    """sampler._index_chunks(), unless a subclass redefined __iter__ below the class that
    defines _index_chunks: then the chunks are read from that __iter__."""
    mro = type(sampler).__mro__
    iter_owner = next(k for k in mro if "__iter__" in vars(k))
    chunks_owner = next(k for k in mro if "_index_chunks" in vars(k))
    if issubclass(chunks_owner, iter_owner):
        return sampler._index_chunks()
    return Sampler._index_chunks(sampler)


def _iterate(chunks):
    for chunk in chunks:
        yield from chunk.tolist()


class SequentialSampler(Sampler):
    """0, 1, 2, ..., len(data_source) - 1 (what ``shuffle=False`` uses)."""

    def __init__(self, data_source):
        self.data_source = data_source

    def _index_chunks(self):
        yield np.arange(len(self.data_source), dtype=np.int64)

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random order every epoch (what ``shuffle=True`` uses): each position exactly
    once; ``num_samples`` larger than the dataset goes round again in a new order. With
    ``replacement=True``, ``num_samples`` independent draws that may repeat, made 32 at a
    time as they are used (as torch does), so any num_samples costs no memory. The
    numbers come from ``generator`` or from tinygrad_edu's default generator."""

    _DRAWS_AT_ONCE = 32

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

    def _index_chunks(self):
        n, gen = len(self.data_source), rng(self.generator)
        if self.replacement:
            whole, rest = divmod(self.num_samples, self._DRAWS_AT_ONCE)
            for size in itertools.chain(itertools.repeat(self._DRAWS_AT_ONCE, whole), [rest]):
                yield gen.integers(0, n, size, dtype=np.int64)
            return
        whole, rest = divmod(self.num_samples, n)
        for _ in range(whole):
            yield gen.permutation(n).astype(np.int64, copy=False)
        yield gen.permutation(n)[:rest].astype(np.int64, copy=False)  # drawn even if rest=0

    def __iter__(self):
        return _iterate(self._index_chunks())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given positions, in a new random order every epoch."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def _index_chunks(self):
        order = rng(self.generator).permutation(len(self.indices))
        yield np.asarray(self.indices, dtype=np.int64)[order]

    def __iter__(self):
        return _iterate(self._index_chunks())

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
        """This epoch's batches as index arrays, cut from the sampler's chunks as they come
        (a batch may join the end of one chunk to the start of the next)."""
        if not isinstance(self.sampler, Sampler):  # any iterable of positions
            for batch in self._chunks():
                yield np.asarray(batch, dtype=np.int64)
            return
        size, pending, filled = self.batch_size, [], 0
        for chunk in _chunks_of(self.sampler):
            start = 0
            if filled:  # complete the batch begun in the previous chunk
                start = min(size - filled, len(chunk))
                pending.append(chunk[:start])
                filled += start
                if filled < size:
                    continue
                yield np.concatenate(pending)
                pending, filled = [], 0
            stop = start + (len(chunk) - start) // size * size
            for first in range(start, stop, size):
                yield chunk[first:first + size]
            if stop < len(chunk):
                pending, filled = [chunk[stop:]], len(chunk) - stop
        if filled and not self.drop_last:
            yield np.concatenate(pending)

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
        if type(self.sampler) in (SequentialSampler, RandomSampler, SubsetRandomSampler):
            for batch in self._index_batches():
                yield batch.tolist()
        else:  # a sampler of your own may yield any keys your dataset understands
            yield from self._chunks()

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
