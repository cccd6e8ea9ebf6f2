"""The parity harness: one function, written once against the torch API, runs on both engines.

    check_parity(lambda torch, a, b: a * b, [(3, 1), (4,)])

builds the same NumPy inputs for ``tinygrad_edu`` and for real ``torch``, calls
``fn(engine, *tensors)`` on each, and asserts that the outputs agree (shape, dtype, values,
requires_grad, grad_fn name) and, after backpropagating the same random upstream gradient,
that every input's ``.grad`` agrees too.
"""
import numpy as np
import pytest

import tinygrad_edu
from specs import fixed, make_inputs, make_tensors  # noqa: F401 (re-exported)

torch = pytest.importorskip("torch")

# (rtol, atol) per dtype: float32 to float32 rounding, float64 much tighter
TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-3),
    np.dtype(np.float32): (1e-5, 1e-5),
    np.dtype(np.float64): (1e-10, 1e-12),
}


def to_numpy(t):
    """The numbers of a tensor of either engine (or of a plain value) as a NumPy array."""
    if isinstance(t, torch.Tensor):
        return t.detach().numpy()
    if isinstance(t, tinygrad_edu.Tensor):
        return t.detach().numpy()
    return np.asarray(t)


def _flatten(out):
    """Outputs as a flat list (max(dim) gives (values, indices); a function may return several)."""
    if isinstance(out, (tuple, list)) and not isinstance(out, (torch.Size, tinygrad_edu.Size)):
        return [x for item in out for x in _flatten(item)]
    return [out]


def _is_tensor(x):
    return isinstance(x, (torch.Tensor, tinygrad_edu.Tensor))


def grad_fn_name(t):
    """The grad_fn's class name as torch prints it (None for a leaf)."""
    if t.grad_fn is None:
        return None
    if isinstance(t, torch.Tensor):
        return type(t.grad_fn).__name__
    return t.grad_fn.short_name()


def assert_same(ours, theirs, rtol=None, atol=None, what="output", check_dtype=True):
    """ours (tinygrad_edu) and theirs (torch) hold the same shape, dtype and numbers."""
    if not _is_tensor(theirs):
        assert not _is_tensor(ours), f"{what}: torch gives {theirs!r}, we give a tensor {ours!r}"
        if isinstance(theirs, float):
            assert ours == pytest.approx(theirs, rel=rtol or 1e-6, nan_ok=True), what
        else:
            assert ours == theirs, f"{what}: {ours!r} != torch's {theirs!r}"
        return
    assert isinstance(ours, tinygrad_edu.Tensor), f"{what}: expected a tensor, got {ours!r}"
    assert tuple(ours.shape) == tuple(theirs.shape), \
        f"{what}: shape {tuple(ours.shape)} != torch's {tuple(theirs.shape)}"
    if check_dtype:
        assert str(ours.dtype) == str(theirs.dtype), \
            f"{what}: dtype {ours.dtype} != torch's {theirs.dtype}"
    a, b = to_numpy(ours), to_numpy(theirs)
    if b.dtype.kind in "fc":
        r, t = TOLERANCES.get(b.dtype, (1e-5, 1e-5))
        r, t = rtol if rtol is not None else r, atol if atol is not None else t
        np.testing.assert_allclose(a.astype(b.dtype), b, rtol=r, atol=t, equal_nan=True,
                                   err_msg=f"{what} differs from torch")
    else:
        np.testing.assert_array_equal(a, b, err_msg=f"{what} differs from torch")


def check_parity(fn, inputs, dtype=np.float32, rtol=None, atol=None, grad=True,
                 low=None, high=None, seed=0, check_grad_fn=True, check_dtype=True):
    """Run ``fn(engine, *tensors)`` on tinygrad_edu and on torch from the same numbers; compare
    every output and, when ``grad``, every input's gradient. Returns (ours, theirs)."""
    arrays = make_inputs(inputs, dtype, low, high, seed)
    # mixed precision (float32 meets float64) is only as exact as its least precise input
    floats = [a.dtype for a in (getattr(a, "array", a) for a in arrays)
              if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    if floats:
        loosest = max((TOLERANCES[d] for d in floats), key=lambda tol: tol[0])
        rtol = loosest[0] if rtol is None else rtol
        atol = loosest[1] if atol is None else atol

    ours_in = make_tensors(tinygrad_edu, arrays, grad)
    theirs_in = make_tensors(torch, arrays, grad)
    ours, theirs = fn(tinygrad_edu, *ours_in), fn(torch, *theirs_in)
    ours_flat, theirs_flat = _flatten(ours), _flatten(theirs)
    assert len(ours_flat) == len(theirs_flat), f"{len(ours_flat)} outputs, torch gives " \
                                               f"{len(theirs_flat)}"
    for i, (o, t) in enumerate(zip(ours_flat, theirs_flat)):
        assert_same(o, t, rtol, atol, what=f"output {i}", check_dtype=check_dtype)
        if _is_tensor(t):
            assert o.requires_grad == t.requires_grad, f"output {i}: requires_grad " \
                f"{o.requires_grad} != torch's {t.requires_grad}"
            if check_grad_fn:
                assert grad_fn_name(o) == grad_fn_name(t), \
                    f"output {i}: grad_fn {grad_fn_name(o)} != torch's {grad_fn_name(t)}"

    differentiable = [i for i, t in enumerate(theirs_flat) if _is_tensor(t) and t.requires_grad]
    if grad and differentiable:
        _backward_both(ours_flat, theirs_flat, differentiable, seed)
        for k, (o, t) in enumerate(zip(ours_in, theirs_in)):
            if not isinstance(t, torch.Tensor) or not t.requires_grad:
                continue
            if t.grad is None:
                assert o.grad is None, f"input {k}: torch gives no gradient, we give {o.grad}"
            else:
                assert o.grad is not None, f"input {k}: no gradient (torch has one)"
                assert_same(o.grad, t.grad, rtol, atol, what=f"gradient of input {k}",
                            check_dtype=check_dtype)
    return ours, theirs


def _backward_both(ours, theirs, which, seed):
    """Backpropagate the same upstream gradient on both engines: out.backward(g) for one
    output, the sum of (out * g).sum() for several."""
    rng = np.random.default_rng(seed + 1000)
    upstream = [rng.standard_normal(tuple(theirs[i].shape)).astype(to_numpy(theirs[i]).dtype)
                for i in which]
    if len(which) == 1:
        (i,), (g,) = which, upstream
        ours[i].backward(tinygrad_edu.tensor(g))
        theirs[i].backward(torch.tensor(g))
        return
    for engine, outs in ((tinygrad_edu, ours), (torch, theirs)):
        total = sum(((outs[i] * engine.tensor(g)).sum() for i, g in zip(which, upstream)))
        total.backward()
