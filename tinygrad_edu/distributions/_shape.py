"""What every distribution shares: its parameters as float tensors, and sample shapes."""
import numpy as np



def as_float_array(value):
    """A parameter (tensor, list or number) as a float array: a tensor's own float dtype,
    else the default (float32)."""
    from ..dtypes import default_float
    array = np.asarray(getattr(value, "_data", value))
    is_tensor = hasattr(value, "_data") or isinstance(value, np.ndarray)
    return array if array.dtype.kind == "f" and is_tensor else array.astype(default_float())


def sample_shape_of(sample_shape):
    """sample((500,)), sample(torch.Size([500])) or sample(500) -> (500,)."""
    return (int(sample_shape),) if isinstance(sample_shape, int) else tuple(sample_shape)


def make(array):
    from ..tensor import Tensor  # (the package's ``tensor`` name is torch.tensor)
    return Tensor._make(np.asarray(array), False, None)


def probs_from(probs, logits):
    """Normalised probabilities along the last dim, from probs (any scale) or logits."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    if probs is not None:
        p = as_float_array(probs)
        return p / p.sum(axis=-1, keepdims=True)
    z = as_float_array(logits)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
