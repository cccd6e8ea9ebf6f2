"""Normal(loc, scale): the bell curve; sample() draws, log_prob() is its log density."""
import math

import numpy as np

from ..random import rng
from ._shape import as_float_array, make, sample_shape_of


class Normal:
    def __init__(self, loc, scale, validate_args=None):
        self._loc, self._scale = np.broadcast_arrays(as_float_array(loc), as_float_array(scale))
        self.batch_shape = self._loc.shape

    @property
    def loc(self):
        return make(self._loc)

    @property
    def scale(self):
        return make(self._scale)

    @property
    def mean(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    def sample(self, sample_shape=()):
        shape = sample_shape_of(sample_shape) + self.batch_shape
        z = rng(None).standard_normal(shape).astype(self._loc.dtype)
        return make(self._loc + self._scale * z)

    def log_prob(self, value):
        x = np.asarray(getattr(value, "_data", value), self._loc.dtype)
        return make(-((x - self._loc) ** 2) / (2 * self._scale ** 2) - np.log(self._scale)
                    - 0.5 * math.log(2 * math.pi))

    def __repr__(self):
        return f"Normal(loc: {self.loc.size()}, scale: {self.scale.size()})"
