"""torch.nn.utils: clipping gradients before the step (nanoGPT, RNN lessons), and a model's
parameters as one vector."""
import math

import numpy as np


def _with_grads(parameters):
    from ...tensor import Tensor
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale every gradient by max_norm / total_norm when the norm of all gradients taken
    together exceeds max_norm; returns that total norm (a 0-d tensor)."""
    from ...tensor import Tensor
    params = _with_grads(parameters)
    norm_type = float(norm_type)
    if not params:
        return Tensor._make(np.zeros((), np.float32), False, None)
    grads = [p.grad._data for p in params]
    if math.isinf(norm_type):
        total = max(float(np.abs(g).max()) if g.size else 0.0 for g in grads)
    else:
        total = sum(float((np.abs(g.astype(np.float64)) ** norm_type).sum())
                    for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm anyway, "
                           "set `error_if_nonfinite=False`")
    scale = min(max_norm / (total + 1e-6), 1.0)   # torch adds 1e-6 and never scales up
    for g in grads:
        g *= np.asarray(scale, g.dtype)
    return Tensor._make(np.asarray(total, grads[0].dtype), False, None)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [-clip_value, clip_value]."""
    for p in _with_grads(parameters):
        np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)


def parameters_to_vector(parameters):
    """All parameters flattened and joined into one vector (differentiable)."""
    from ... import cat
    return cat([p.reshape(-1) for p in parameters])
