"""What the makemore pattern tests share (test_canon_makemore*.py): running a pattern on
both engines, comparing their numbers, torch's random draws, the names data."""
import random

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.datasets import char_vocabulary, load_names

torch = pytest.importorskip("torch")

ENGINES = {"ours": tinygrad_edu, "torch": torch}


def numbers(t):
    """A tensor of either engine (or a plain value / list of them) as a NumPy array."""
    if isinstance(t, (torch.Tensor, tinygrad_edu.Tensor)):
        return t.detach().numpy()
    if isinstance(t, (list, tuple)):
        return np.asarray([numbers(x) for x in t])
    return np.asarray(t)


def agree(ours, theirs, rtol=1e-5, atol=1e-6, what=""):
    np.testing.assert_allclose(numbers(ours), numbers(theirs), rtol=rtol, atol=atol,
                               err_msg=what)


def both(pattern, *args, **kwargs):
    """Run ``pattern(engine, *args)`` on ours and on torch; returns (ours, theirs)."""
    return pattern(tinygrad_edu, *args, **kwargs), pattern(torch, *args, **kwargs)


def agree_all(ours, theirs, rtol=1e-5, atol=1e-6):
    """Two dicts of results (same keys) agree entry by entry."""
    assert list(ours) == list(theirs)
    for key in theirs:
        agree(ours[key], theirs[key], rtol=rtol, atol=atol, what=key)


def torch_draws(seed, *shapes):
    """Arrays drawn by torch's generator (float32): the weights both engines start from."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=g).numpy() for shape in shapes]


@pytest.fixture(scope="module", autouse=True)
def torch_on_one_thread():
    """These models are tiny: torch's worker threads only wait on each other (and on a busy
    machine a lot), so torch runs on one thread here, as ours does."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def words():
    return load_names()


@pytest.fixture(scope="module")
def vocab(words):
    return char_vocabulary(words)


def bigram_pairs(words, stoi):
    """Every (previous character, next character) index pair, '.' around each name."""
    pairs = []
    for w in words:
        chars = ["."] + list(w) + ["."]
        pairs.extend((stoi[a], stoi[b]) for a, b in zip(chars, chars[1:]))
    return pairs

def split_words(words):
    shuffled = list(words)
    random.Random(42).shuffle(shuffled)
    n1, n2 = int(0.8 * len(shuffled)), int(0.9 * len(shuffled))
    return shuffled[:n1], shuffled[n1:n2], shuffled[n2:]
