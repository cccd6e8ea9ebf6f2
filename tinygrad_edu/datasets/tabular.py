"""The course's small tables: the diabetes data (shipped) and the DNN lesson's synthetic
three-class data (generated from a seed)."""
import os

import numpy as np

from ..utils.data import TensorDataset

_HERE = os.path.dirname(os.path.abspath(__file__))


def diabetes_path():
    """Where the shipped ``diabetes.csv.gz`` lies; the course reads it with
    ``np.loadtxt(path, delimiter=',', dtype=np.float32)``."""
    return os.path.join(_HERE, "diabetes.csv.gz")


def _engine_tensors(arrays, engine):
    return arrays if engine is None else tuple(engine.from_numpy(a) for a in arrays)


def load_diabetes(engine=None):
    """The diabetes table as ``(x, y)``: x float32 (759, 8), features scaled to [-1, 1];
    y float32 (759, 1), 1 = diabetes within five years (65 % of the rows).

    NumPy arrays by default; pass an engine (``tinygrad_edu`` or the lesson's ``torch``) to
    get its tensors instead (``engine.from_numpy``)."""
    table = np.loadtxt(diabetes_path(), delimiter=",", dtype=np.float32)
    return _engine_tensors((np.ascontiguousarray(table[:, :-1]), table[:, -1:].copy()), engine)


class DiabetesDataset(TensorDataset):
    """The course's ``DiabetesDataset(Dataset)``: ``ds[i]`` is ``(x_data[i], y_data[i])``,
    ``len(ds)`` is 759. ``filepath`` defaults to the shipped table (any CSV laid out the
    same way works: features, then the label in the last column)."""

    def __init__(self, filepath=None):
        from .. import from_numpy
        xy = np.loadtxt(filepath or diabetes_path(), delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = from_numpy(np.ascontiguousarray(xy[:, :-1]))
        self.y_data = from_numpy(xy[:, [-1]])
        super().__init__(self.x_data, self.y_data)

    def __len__(self):
        return self.len


def make_dnn_data(n=10000, seed=0, engine=None):
    """The DNN lesson's data (course 000 §3): ``(x, y)`` with x float32 (n, 3), three
    features uniform in [0, 1), and y float32 (n, 3) one-hot: column 0 when the features sum
    to < 1, column 1 when the sum is in (1, 2), column 2 when it is > 2.

    Drawn with NumPy from ``seed`` (the same seed, the same data on every engine). Returns
    tinygrad_edu tensors, or ``engine``'s tensors when given (e.g. the lesson's ``torch``)."""
    x = np.random.default_rng(seed).random((n, 3), dtype=np.float32)
    s = x.sum(axis=1, keepdims=True)
    y = np.concatenate([s < 1, (1 < s) & (s < 2), s > 2], axis=1).astype(np.float32)
    if engine is None:
        import tinygrad_edu as engine
    return _engine_tensors((x, y), engine)
