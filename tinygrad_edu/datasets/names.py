"""The names list of the language-model lessons (shipped): 32,033 first names, one a line,
lower-case a–z (the U.S. Social Security Administration's baby names for 2018, as collected
for character-level language-model teaching)."""
import gzip
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def names_path():
    """Where the shipped ``names.txt.gz`` lies."""
    return os.path.join(_HERE, "names.txt.gz")


def load_names():
    """The 32,033 names, as a list of strings in the file's order."""
    with gzip.open(names_path(), "rt", encoding="ascii") as f:
        return f.read().split()


def char_vocabulary(words):
    """makemore's vocabulary: '.' (start and end of a name) is 0, then 'a'..'z' are 1..26.
    Returns (stoi, itos)."""
    chars = sorted(set("".join(words)))
    stoi = {c: i + 1 for i, c in enumerate(chars)}
    stoi["."] = 0
    return stoi, {i: c for c, i in stoi.items()}


def context_windows(words, stoi, block_size=3):
    """The MLP language model's data set: for each character of each name (and the end),
    the ``block_size`` characters before it (padded with '.') and the character itself.
    Returns (X, Y) as lists of index lists / indices."""
    xs, ys = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            xs.append(list(context))
            ys.append(ix)
            context = context[1:] + [ix]
    return xs, ys
