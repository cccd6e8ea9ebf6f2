"""utils.data: DataLoader invariants, collation equal to torch's default_collate,
random_split sizes equal to torch's, reproducible shuffling."""
import collections

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.utils.data import (
    BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler,
    SequentialSampler, Subset, SubsetRandomSampler, TensorDataset, default_collate,
    default_convert, random_split)


class Squares(Dataset):
    """A hand-written map-style dataset (the slow path: one __getitem__ per sample)."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return tinygrad_edu.tensor([float(i), float(i * i)]), i

    def __len__(self):
        return self.n


def _tensor_dataset(n=10):
    x = tinygrad_edu.arange(n * 3, dtype=tinygrad_edu.float32).reshape(n, 3)
    return TensorDataset(x, tinygrad_edu.arange(n))


def _labels_seen(loader):
    return np.concatenate([y.numpy() for _, y in loader])


@pytest.mark.parametrize("make", [_tensor_dataset, Squares], ids=["TensorDataset", "custom"])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True),
                                                  (4, False), (10, False), (32, False)])
def test_every_sample_exactly_once_per_epoch(make, shuffle, batch_size, drop_last):
    n = 10
    loader = DataLoader(make(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    expected_batches = n // batch_size if drop_last else -(-n // batch_size)
    assert len(loader) == expected_batches
    for _ in range(2):
        batches = list(loader)
        assert len(batches) == expected_batches
        sizes = [len(y) for _, y in batches]
        assert all(s == batch_size for s in sizes[:-1])
        seen = np.concatenate([y.numpy() for _, y in batches]) if batches else np.array([])
        if drop_last:
            assert len(seen) == expected_batches * batch_size
            assert len(set(seen.tolist())) == len(seen)
        else:
            assert sorted(seen.tolist()) == list(range(n))
            assert sizes[-1] == (n % batch_size or batch_size)
        if not shuffle:
            assert seen.tolist() == list(range(len(seen)))


def test_batches_carry_the_right_rows_and_dtypes():
    ds = _tensor_dataset(7)
    for x, y in DataLoader(ds, batch_size=3, shuffle=True):
        assert x.dtype == tinygrad_edu.float32 and y.dtype == tinygrad_edu.int64
        np.testing.assert_array_equal(x.numpy(), ds.tensors[0].numpy()[y.numpy()])
    x, y = next(iter(DataLoader(Squares(5), batch_size=5)))
    assert x.shape == (5, 2) and y.dtype == tinygrad_edu.int64
    np.testing.assert_array_equal(x.numpy()[:, 1], np.arange(5) ** 2)


def test_fast_and_slow_paths_give_the_same_batches_for_the_same_seed():
    ds = _tensor_dataset(23)

    def per_sample(batch):  # a collate_fn that is not the default disables the fast path
        return default_collate(batch)
    tinygrad_edu.manual_seed(5)
    fast = [(x.numpy(), y.numpy()) for x, y in DataLoader(ds, batch_size=4, shuffle=True)]
    tinygrad_edu.manual_seed(5)
    slow = [(x.numpy(), y.numpy()) for x, y in DataLoader(ds, batch_size=4, shuffle=True,
                                                          collate_fn=per_sample)]
    assert len(fast) == len(slow)
    for (fx, fy), (sx, sy) in zip(fast, slow):
        np.testing.assert_array_equal(fx, sx)
        np.testing.assert_array_equal(fy, sy)


def test_fast_path_through_nested_subsets_of_a_tensor_dataset():
    ds = _tensor_dataset(20)
    train, _ = random_split(ds, [0.75, 0.25], generator=tinygrad_edu.Generator().manual_seed(1))
    inner = Subset(train, [4, 0, 2, 9])
    batches = list(DataLoader(inner, batch_size=3))
    expected = [train.indices[i] for i in [4, 0, 2, 9]]
    assert np.concatenate([y.numpy() for _, y in batches]).tolist() == expected
    np.testing.assert_array_equal(batches[0][0].numpy(), ds.tensors[0].numpy()[expected[:3]])


def test_shuffle_is_reproducible_with_manual_seed_or_a_generator():
    ds = _tensor_dataset(50)
    tinygrad_edu.manual_seed(3)
    first = _labels_seen(DataLoader(ds, batch_size=8, shuffle=True))
    second_epoch_differs = _labels_seen(DataLoader(ds, batch_size=8, shuffle=True))
    tinygrad_edu.manual_seed(3)
    again = _labels_seen(DataLoader(ds, batch_size=8, shuffle=True))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second_epoch_differs)
    runs = [_labels_seen(DataLoader(ds, batch_size=8, shuffle=True,
                                    generator=tinygrad_edu.Generator().manual_seed(42)))
            for _ in range(2)]
    np.testing.assert_array_equal(*runs)


def test_loader_attributes_and_in_process_workers():
    ds = _tensor_dataset(9)
    calls = []
    loader = DataLoader(ds, batch_size=4, num_workers=2, worker_init_fn=calls.append,
                        pin_memory=True)
    assert loader.dataset is ds and loader.batch_size == 4 and len(loader) == 3
    assert isinstance(loader.sampler, SequentialSampler)
    iterator = iter(loader)
    assert len(iterator) == 3 and calls == [0]
    assert _labels_seen(iterator).tolist() == list(range(9))
    with pytest.raises(ValueError, match="should not be set after"):
        loader.batch_size = 2


def test_batch_size_none_yields_converted_single_samples():
    ds = _tensor_dataset(3)
    samples = list(DataLoader(ds, batch_size=None))
    assert len(samples) == 3 and isinstance(samples[0], list)
    assert samples[1][1].item() == 1 and samples[1][1].shape == ()


def test_samplers_and_batch_sampler():
    ds = _tensor_dataset(10)
    sampler = SubsetRandomSampler([1, 3, 5, 7])
    assert sorted(sampler) == [1, 3, 5, 7] and len(sampler) == 4
    loader = DataLoader(ds, batch_size=3, sampler=sampler)
    assert sorted(_labels_seen(loader).tolist()) == [1, 3, 5, 7]
    batches = BatchSampler(SequentialSampler(range(10)), 4, drop_last=False)
    assert list(batches) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(batches) == 3
    loader = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(ds), 5, True))
    assert [y.tolist() for _, y in loader] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    drawn = list(RandomSampler(range(5), replacement=True, num_samples=12))
    assert len(drawn) == 12 and set(drawn) <= set(range(5))
    over = list(RandomSampler(range(4), num_samples=10))
    assert len(over) == 10 and all(over.count(i) >= 2 for i in range(4))


def test_a_custom_sampler_with_any_keys():
    class Letters(Dataset):
        def __getitem__(self, key):
            return {"key": key, "code": float(ord(key))}

        def __len__(self):
            return 3

    class KeySampler:
        def __iter__(self):
            return iter("cab")

        def __len__(self):
            return 3
    batches = list(DataLoader(Letters(), batch_size=2, sampler=KeySampler()))
    assert batches[0]["key"] == ["c", "a"]
    assert batches[0]["code"].dtype == tinygrad_edu.float64
    assert batches[1]["code"].tolist() == [98.0]


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5],
                                                                         [6]]
    assert len(list(DataLoader(Stream(), batch_size=3, drop_last=True))) == 2
    with pytest.raises(ValueError, match="IterableDataset"):
        DataLoader(Stream(), shuffle=True)


def test_loader_argument_errors_match_torch():
    ds = _tensor_dataset(4)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=SequentialSampler(ds), shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_size=2, batch_sampler=[[0, 1]])
    with pytest.raises(ValueError, match="positive integer"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(ValueError, match="drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)


def test_datasets_basics():
    ds = _tensor_dataset(4)
    x, y = ds[2]
    assert x.tolist() == [6.0, 7.0, 8.0] and y.item() == 2
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(tinygrad_edu.zeros(3, 2), tinygrad_edu.zeros(4))
    with pytest.raises(NotImplementedError):
        Dataset()[0]
    both = ds + Squares(3)
    assert isinstance(both, ConcatDataset) and len(both) == 7
    assert both[5][1] == 1 and both[-1][1] == 2 and both[3][1].item() == 3


def test_requires_grad_samples_keep_their_graph():
    w = tinygrad_edu.ones(4, 2, requires_grad=True)
    (x,) = next(iter(DataLoader(TensorDataset(w), batch_size=4)))
    x.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.ones((4, 2)))


@pytest.mark.parametrize("n,lengths", [(759, [0.7, 0.3]), (10, [0.5, 0.3, 0.2]),
                                       (7, [0.34, 0.33, 0.33]), (10000, [0.7, 0.3]),
                                       (11, [0.1] * 10), (30, [21, 9]), (5, [1.0, 0.0])])
def test_random_split_sizes_equal_torch(n, lengths):
    torch = pytest.importorskip("torch")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = random_split(range(n), lengths)
        theirs = torch.utils.data.random_split(range(n), lengths)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    everything = sorted(i for s in ours for i in s.indices)
    assert everything == list(range(n))


def test_random_split_errors_and_reproducibility():
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0"):
        random_split(range(10), [-0.5, 1.5])
    a = random_split(range(20), [10, 10], generator=tinygrad_edu.Generator().manual_seed(7))
    b = random_split(range(20), [10, 10], generator=tinygrad_edu.Generator().manual_seed(7))
    assert a[0].indices == b[0].indices
    tinygrad_edu.manual_seed(1)
    c = random_split(range(20), [10, 10])
    tinygrad_edu.manual_seed(1)
    d = random_split(range(20), [10, 10])
    assert c[1].indices == d[1].indices and sorted(c[0].indices + c[1].indices) == list(range(20))


# -- collate: the same dtype, shape and structure as torch's default_collate ---------------
Point = collections.namedtuple("Point", "x y")
COLLATE_CASES = {
    "ints": [1, 2, 3],
    "floats": [1.0, 2.5],
    "bools": [True, False],
    "numpy float32 scalars": [np.float32(1.5), np.float32(2)],
    "numpy int32 scalars": [np.int32(1), np.int32(2)],
    "numpy arrays": [np.zeros((2, 3), np.float64), np.ones((2, 3), np.float64)],
    "uint8 arrays": [np.zeros(4, np.uint8), np.full(4, 7, np.uint8)],
    "tuples": [(1, 2.0), (3, 4.0)],
    "lists": [[1, 2], [3, 4]],
    "dicts": [{"a": 1, "b": np.zeros(2, np.float32)}, {"a": 2, "b": np.ones(2, np.float32)}],
    "nested": [({"x": [1.0, 2.0]}, 3), ({"x": [3.0, 4.0]}, 5)],
    "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
    "strings": ["a", "b"],
    "tensors": "tensors",
}


def _to_torch_batch(torch, batch):
    return [(torch.tensor([1.0, 2.0]), torch.tensor(3)), (torch.tensor([4.0, 5.0]),
                                                         torch.tensor(6))]


def _ours_batch(batch):
    return [(tinygrad_edu.tensor([1.0, 2.0]), tinygrad_edu.tensor(3)),
            (tinygrad_edu.tensor([4.0, 5.0]), tinygrad_edu.tensor(6))]


def _compare(ours, theirs, torch):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tinygrad_edu.Tensor), (ours, theirs)
        assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _compare(ours[k], theirs[k], torch)
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _compare(a, b, torch)
    else:
        assert ours == theirs


@pytest.mark.parametrize("name", list(COLLATE_CASES))
def test_default_collate_matches_torch(name):
    torch = pytest.importorskip("torch")
    batch = COLLATE_CASES[name]
    if batch == "tensors":
        ours, theirs = default_collate(_ours_batch(batch)), \
            torch.utils.data.default_collate(_to_torch_batch(torch, batch))
    else:
        ours, theirs = default_collate(batch), torch.utils.data.default_collate(batch)
    _compare(ours, theirs, torch)


@pytest.mark.parametrize("data", [np.arange(3), (np.float32(2.0), 1), {"k": np.ones(2)}, "s"])
def test_default_convert_matches_torch(data):
    torch = pytest.importorskip("torch")
    _compare(default_convert(data), torch.utils.data.default_convert(data), torch)


def test_collate_errors_match_torch():
    with pytest.raises(TypeError, match="batch must contain tensors"):
        default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([tinygrad_edu.zeros(2), tinygrad_edu.zeros(3)])

