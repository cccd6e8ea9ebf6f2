"""utils.data properties (hypothesis): every epoch covers the dataset once, for any size,
batch size, drop_last and shuffle; random_split's fraction sizes equal torch's."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.utils.data import DataLoader, TensorDataset, random_split

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


@hypothesis.given(n=st.integers(1, 60), batch_size=st.integers(1, 70), drop_last=st.booleans(),
                  shuffle=st.booleans(), seed=st.integers(0, 2 ** 31))
def test_property_every_epoch_covers_the_dataset(n, batch_size, drop_last, shuffle, seed):
    loader = DataLoader(TensorDataset(tinygrad_edu.arange(n)), batch_size=batch_size,
                        shuffle=shuffle, drop_last=drop_last,
                        generator=tinygrad_edu.Generator().manual_seed(seed))
    batches = [y.numpy() for (y,) in loader]
    assert len(batches) == len(loader)
    seen = np.concatenate(batches).tolist() if batches else []
    assert len(seen) == len(set(seen))  # no sample twice
    assert len(seen) == (n - n % batch_size if drop_last else n)
    assert all(len(b) == batch_size for b in batches[:-1])


@hypothesis.given(n=st.integers(0, 500),
                  weights=st.lists(st.integers(1, 20), min_size=1, max_size=6))
def test_property_random_split_fraction_sizes_equal_torch(n, weights):
    torch = pytest.importorskip("torch")
    fractions = [w / sum(weights) for w in weights]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = [len(s) for s in torch.utils.data.random_split(range(n), fractions)]
        except ValueError:
            with pytest.raises(ValueError):
                random_split(range(n), fractions)
            return
        ours = random_split(range(n), fractions)
    assert [len(s) for s in ours] == expected
    assert sorted(i for s in ours for i in s.indices) == list(range(n))
