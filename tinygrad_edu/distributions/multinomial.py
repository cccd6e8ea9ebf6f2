"""Multinomial(total_count, probs): how many of total_count draws land in each category."""
import math

import numpy as np

from .categorical import Categorical
from ._shape import make, sample_shape_of


class Multinomial:
    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self.batch_shape = self._categorical.batch_shape

    @property
    def probs(self):
        return self._categorical.probs

    def sample(self, sample_shape=()):
        """Counts (float, like torch) of shape sample_shape + batch_shape + (K,)."""
        shape = sample_shape_of(sample_shape)
        draws = self._categorical.sample((self.total_count,) + shape)._data
        k = self._categorical._p.shape[-1]
        counts = (draws[..., None] == np.arange(k)).sum(axis=0)
        return make(counts.astype(self._categorical._p.dtype))

    def log_prob(self, value):
        counts = np.asarray(getattr(value, "_data", value), np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(counts > 0, counts * np.log(self._categorical._p), 0)
        log_factorial = np.vectorize(lambda n: math.lgamma(n + 1))
        return make((log_factorial(counts.sum(-1)) - log_factorial(counts).sum(-1)
                     + terms.sum(-1)).astype(self._categorical._p.dtype))

    def __repr__(self):
        return f"Multinomial(total_count: {self.total_count}, probs: {self.probs.size()})"
