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


def array_module(a):
    """The array library of ``a``: NumPy today; a GPU library such as CuPy would be returned
    for its own arrays, so the ops never hard-code NumPy."""
    if type(a) is np.ndarray or not hasattr(a, "__array_namespace__"):
        return np
    return a.__array_namespace__()


def check_broadcast(*shapes):
    """Raise torch's error, naming every shape, when the shapes do not broadcast together.
    Broadcasting lines the shapes up from the right; along each dim the sizes must be equal
    or 1 (a size-1 dim is copied along)."""
    message = broadcast_error(shapes)
    if message is not None:
        raise RuntimeError(message)


def broadcast_error(shapes):
    """torch's message for shapes that do not broadcast together (None when they do)."""
    ndim = max((len(s) for s in shapes), default=0)
    for i in range(1, ndim + 1):  # from the last dim, as torch reports the first clash
        sizes = [s[-i] for s in shapes if len(s) >= i and s[-i] != 1]
        clash = [n for n in sizes if n != sizes[0]]
        if clash:
            listed = ", ".join("[" + ", ".join(str(n) for n in s) + "]" for s in shapes)
            return (f"The size of tensor a ({sizes[0]}) must match the size of tensor b "
                    f"({clash[0]}) at non-singleton dimension {ndim - i} (shapes {listed} cannot "
                    f"be broadcast together: lined up from the right, each dim needs equal sizes "
                    f"or a 1)")
    return None
