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
