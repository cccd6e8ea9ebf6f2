"""gradcheck: is backward right? Compare it with the derivative measured by finite differences.

For an input x and a small eps, the central difference

    (f(x + eps) - f(x - eps)) / (2 eps)

approximates df/dx with an error of order eps², if the arithmetic is exact enough: hence
float64. To check every output at once, each output is projected on a fixed random
direction u (one scalar, <u, f(x)>, whose gradient backward gives in a single pass); each
input element is then perturbed in turn. ``fast_mode=True`` also projects the input on a
random direction v, so two evaluations of f per input suffice (torch's fast mode).
"""
import warnings

import numpy as np

from .. import tensor as _tensor
from .engine import grad as _grad
from .grad_mode import no_grad


class GradcheckError(RuntimeError):
    """torch.autograd.GradcheckError: backward disagrees with the finite differences."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              fast_mode=False, seed=0):
    """torch.autograd.gradcheck: True when the gradients that backward computes for every
    input with ``requires_grad=True`` match central finite differences, element by element:
    ``|analytic - numerical| <= atol + rtol * |numerical|``. Otherwise raise ``GradcheckError``
    naming the output, the input and the worst element (or return False when
    ``raise_exception=False``). Use float64 inputs: float32 is too coarse for eps=1e-6."""
    Tensor = _tensor.Tensor
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    checked = [k for k, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for k in checked:
        if inputs[k]._data.dtype != np.float64:
            warnings.warn(f"Input #{k} requires gradient and is not a double precision floating "
                          f"point. This check will likely fail if all the inputs are not of "
                          f"double precision floating point.", UserWarning, stacklevel=2)

    outputs = _outputs(func(*inputs))
    rng = np.random.default_rng(seed)
    # one random direction per output: <u, f(x)> is a scalar that sees every output element
    directions = [rng.standard_normal(o.shape).astype(o._data.dtype) for o in outputs]

    def projected(values):
        return sum(float(np.sum(u * o._data, dtype=np.float64))
                   for u, o in zip(directions, values))

    def f_at():  # <u, f(x)> at the current input values, no graph needed
        with no_grad():
            return projected(_outputs(func(*inputs)))

    differentiable = [(o, u) for o, u in zip(outputs, directions) if o.requires_grad]
    analytic = [np.zeros(inputs[k]._data.shape) for k in checked]
    if differentiable:
        grads = _grad([o for o, _ in differentiable], [inputs[k] for k in checked],
                      [Tensor._make(u, False, None) for _, u in differentiable],
                      allow_unused=True)
        analytic = [np.zeros(inputs[k]._data.shape) if g is None else g._data.astype(np.float64)
                    for k, g in zip(checked, grads)]

    for k, a in zip(checked, analytic):
        x = inputs[k]._data
        if fast_mode:
            v = rng.standard_normal(x.shape)
            numerical = np.asarray(_central_difference(f_at, x, v, eps))
            analytic_v = np.asarray(np.sum(a * v))
            bad = _first_failure(analytic_v, numerical, atol, rtol)
        else:
            numerical = np.zeros(x.shape)
            for idx in np.ndindex(x.shape):
                e = np.zeros(x.shape)
                e[idx] = 1.0
                numerical[idx] = _central_difference(f_at, x, e, eps)
            bad = _first_failure(a, numerical, atol, rtol)
            analytic_v = a
        if bad is not None:
            if not raise_exception:
                return False
            raise GradcheckError(_message(k, bad, analytic_v, numerical, atol, rtol, fast_mode))
    return True


def _outputs(out):
    """The function's floating-point tensor outputs, as a list."""
    Tensor = _tensor.Tensor
    outs = [out] if isinstance(out, Tensor) else list(out)
    return [o for o in outs if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def _central_difference(f, x, direction, eps):
    """(f(x + eps·d) - f(x - eps·d)) / (2 eps), changing x in place and restoring it exactly."""
    original = x.copy()
    try:
        x[...] = original + eps * direction
        plus = f()
        x[...] = original - eps * direction
        minus = f()
    finally:
        x[...] = original
    return (plus - minus) / (2 * eps)


def _first_failure(analytic, numerical, atol, rtol):
    """The index where analytic is furthest outside the tolerance, or None if all agree."""
    excess = np.abs(analytic - numerical) - (atol + rtol * np.abs(numerical))
    excess = np.where(np.isnan(analytic) != np.isnan(numerical), np.inf, excess)
    if excess.size == 0 or not (excess > 0).any():
        return None
    return np.unravel_index(int(np.argmax(excess)), excess.shape)


def _message(k, idx, analytic, numerical, atol, rtol, fast_mode):
    a, n = float(analytic[idx]), float(numerical[idx])
    where = ("along a random direction (fast_mode)" if fast_mode
             else f"at element {tuple(int(i) for i in idx)}")
    text = (f"Jacobian mismatch for input {k} {where}: backward gives {a:.6g} but the finite "
            f"difference gives {n:.6g} (difference {abs(a - n):.3g} > atol + rtol·|numerical| "
            f"= {atol + rtol * abs(n):.3g}). The backward of an operation on input {k}'s path "
            f"is wrong (or the function is not differentiable there).")
    if not fast_mode and analytic.size <= 64:
        text += (f"\nnumerical:\n{np.array2string(numerical, precision=6)}"
                 f"\nanalytical:\n{np.array2string(analytic, precision=6)}")
    return text
