"""The names data of lessons 23–25, prepared as makemore does: the 32,033 names shuffled
with Python's ``random.seed(42)``, then 80 % for training, 10 % for validation (dev) and
10 % for testing. The shuffle is plain Python, so both engines get the same split."""
import random

from tinygrad_edu.datasets import char_vocabulary, context_windows, load_names


def split_names(seed=42):
    """``(words, stoi, itos, (train, dev, test))``: the names, the vocabulary ('.' is 0,
    'a'..'z' are 1..26) and the three lists of names."""
    words = load_names()
    stoi, itos = char_vocabulary(words)
    shuffled = list(words)
    random.Random(seed).shuffle(shuffled)   # makemore: random.seed(42); random.shuffle(words)
    n1, n2 = int(0.8 * len(shuffled)), int(0.9 * len(shuffled))
    return words, stoi, itos, (shuffled[:n1], shuffled[n1:n2], shuffled[n2:])


def build_dataset(torch, words, stoi, block_size):
    """``(X, Y)``: each character of each name (and the closing '.') with the
    ``block_size`` characters before it, as int64 tensors of the lesson's engine."""
    xs, ys = context_windows(words, stoi, block_size)
    return torch.tensor(xs), torch.tensor(ys)


def same_parameters(opts, torch, parameters, name):
    """In ``compare``, give each tensor of ``parameters`` the numbers the first engine
    drew (``opts.same``, one entry per tensor); in a plain run nothing changes."""
    for i, p in enumerate(parameters):
        value = opts.same(f"{name} {i}", lambda: p.detach().clone())
        with torch.no_grad():
            p.copy_(value)
    return parameters
