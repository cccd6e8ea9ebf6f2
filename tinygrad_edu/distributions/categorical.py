"""Categorical(probs): one of K categories, drawn with probability probs[k]."""
import numpy as np

from ..random import rng
from ._shape import make, probs_from, sample_shape_of


class Categorical:
    def __init__(self, probs=None, logits=None, validate_args=None):
        self._p = probs_from(probs, logits)
        self.batch_shape = self._p.shape[:-1]

    @property
    def probs(self):
        return make(self._p)

    @property
    def logits(self):
        with np.errstate(divide="ignore"):
            return make(np.log(self._p))

    def sample(self, sample_shape=()):
        """Category indices (int64) of shape sample_shape + batch_shape."""
        shape = sample_shape_of(sample_shape) + self.batch_shape
        p = np.broadcast_to(self._p, shape + self._p.shape[-1:]).reshape(-1, self._p.shape[-1])
        u = rng(None).random((p.shape[0], 1))
        drawn = (np.cumsum(p, axis=1) < u).sum(axis=1)   # the first k with P(≤ k) ≥ u
        return make(np.minimum(drawn, p.shape[1] - 1).astype(np.int64).reshape(shape))

    def log_prob(self, value):
        k = np.asarray(getattr(value, "_data", value)).astype(np.int64)
        with np.errstate(divide="ignore"):
            logp = np.log(self._p)
        return make(np.take_along_axis(np.broadcast_to(logp, k.shape + logp.shape[-1:]),
                                       k[..., None], axis=-1)[..., 0])

    def entropy(self):
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(self._p > 0, self._p * np.log(self._p), 0)
        return make(-terms.sum(axis=-1))

    def __repr__(self):
        return f"Categorical(probs: {self.probs.size()})"
