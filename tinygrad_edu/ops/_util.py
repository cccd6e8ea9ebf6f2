"""Helpers shared by the operations."""
import numpy as np


def unbroadcast(g, shape):
    """Sum a gradient back to an input's shape: broadcasting copied the input along some
    axes in forward, so backward adds up the gradient along those axes (the one place
    where broadcasting's derivative lives)."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and g.shape[i + extra] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def select(keep, g):
    """g where keep is True, 0 elsewhere: the derivative of a mask, taken as torch takes it.
    Selecting is not multiplying: an inf or nan in g times 0 would give nan where torch
    gives 0. g · keep is as fast as NumPy gets, and exact while g is finite, so only the
    rare g that holds an inf or a nan pays for np.where (measured ~10x slower)."""
    out = g * keep
    if not np.isfinite(out.sum()):
        out = np.where(keep, g, 0)
    return out
