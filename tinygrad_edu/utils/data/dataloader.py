"""DataLoader: walk a dataset in (shuffled) mini-batches (torch.utils.data.DataLoader).

Each epoch the sampler draws an order of the positions 0..n-1 (every position exactly once),
the batch sampler cuts it into batches of ``batch_size`` (the last one smaller unless
``drop_last``), and each batch is fetched and collated (see ``collate.py``).

Fast path: when the dataset is a ``TensorDataset`` (or a ``Subset`` of one, e.g. from
``random_split``) and the collate function is the default one, a batch is gathered with ONE
fancy index per tensor (``x[idx]``) instead of fetching samples one by one and stacking
them: the same batch, the same order, many times faster.  Datasets that know how to fetch
a whole batch (``_batch_gatherer()``, e.g. ``datasets.MNIST`` with standard transforms)
use the same path.

``num_workers > 0`` is accepted so course code runs unchanged, but batches are made in this
process (a NumPy batch is ready long before worker processes would have started).
"""
import numpy as np

from ...tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler


def get_worker_info():
    """torch.utils.data.get_worker_info: None, as everything runs in the main process."""
    return None


class DataLoader:
    """torch.utils.data.DataLoader(dataset, batch_size=1, shuffle=False, sampler=None,
    batch_sampler=None, num_workers=0, collate_fn=None, pin_memory=False, drop_last=False,
    timeout=0, worker_init_fn=None, generator=None, *, prefetch_factor=None,
    persistent_workers=False, ...)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        elif sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self._auto_collation = batch_sampler is not None or bool(self._iterable and batch_size)
        self._default_collate = collate_fn is None
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in (
                "batch_size", "batch_sampler", "sampler", "drop_last", "dataset"):
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        if self.num_workers > 0 and self.worker_init_fn is not None:
            self.worker_init_fn(0)  # the one "worker" is this process
        return _LoaderIter(self._batches(), self)

    def _batches(self):
        if self._iterable:
            yield from self._iterable_batches()
        elif self.batch_sampler is None:  # batch_size=None: one sample at a time
            for idx in self.sampler:
                yield self.collate_fn(self.dataset[idx])
        else:
            gather = fast_gather(self.dataset) if self._default_collate else None
            if gather is not None and isinstance(self.batch_sampler, BatchSampler):
                for idx in self.batch_sampler._index_batches():
                    yield gather(idx)
            else:
                for indices in self.batch_sampler:
                    yield self.collate_fn(self._fetch(indices))

    def _fetch(self, indices):
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems(list(indices))
        return [self.dataset[i] for i in indices]

    def _iterable_batches(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)


class _LoaderIter:
    """What ``iter(loader)`` returns: an iterator that also knows its length."""

    def __init__(self, batches, loader):
        self._batches, self._loader = batches, loader

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._batches)

    def __len__(self):
        return len(self._loader)


def fast_gather(dataset):
    """A function ``index_array -> collated batch`` for datasets whose batch can be cut out
    of whole arrays at once, or None.  Subsets (e.g. from random_split) are unwrapped by
    composing their index lists."""
    index_map = None
    while type(dataset).__getitem__ is Subset.__getitem__ and isinstance(dataset, Subset):
        inner = np.asarray(dataset.indices, dtype=np.int64)
        index_map = inner if index_map is None else inner[index_map]
        dataset = dataset.dataset
    gather = None
    if (isinstance(dataset, TensorDataset)
            and type(dataset).__getitem__ is TensorDataset.__getitem__
            and not any(t._requires_grad for t in dataset.tensors)):
        arrays = [t._data for t in dataset.tensors]

        def gather(idx):  # [x[idx], y[idx]]: default_collate gives a list for tuples
            return [Tensor._make(a[idx], False, None) for a in arrays]
    elif callable(getattr(dataset, "_batch_gatherer", None)):
        gather = dataset._batch_gatherer()  # None when its transforms work per sample only
    if gather is None or index_map is None:
        return gather
    return lambda idx: gather(index_map[idx])
