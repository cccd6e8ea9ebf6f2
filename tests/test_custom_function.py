"""Custom autograd.Function with torch's contract: forward and backward on Tensors, ctx
methods, the node in the graph. The patterns of PyTorch's own custom-Function examples, in our
own code, run on both engines from the same numbers."""
import math

import numpy as np
import pytest

from parity import torch  # noqa: F401  (skips without torch)

import tinygrad_edu


def legendre_p3(engine):
    """P₃(x) = ½(5x³ − 3x), with its derivative written by hand: ½(15x² − 3)."""
    class P3(engine.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 0.5 * (5 * x ** 3 - 3 * x)

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * x ** 2 - 1)
    return P3


def clamp_relu(engine):
    """max(x, 0) by clamp, its gradient by masking a clone of grad_output."""
    class ClampReLU(engine.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            grad = grad_output.clone()
            grad[x < 0] = 0
            return grad
    return ClampReLU


def fit_sine_with_p3(engine, steps=300):
    """y = a + b·P₃(c + d·x) fitted to sin(x) by hand-written gradient descent."""
    P3 = legendre_p3(engine)
    x = engine.tensor(np.linspace(-math.pi, math.pi, 2000, dtype=np.float32))
    y = engine.tensor(np.sin(np.linspace(-math.pi, math.pi, 2000)).astype(np.float32))
    a = engine.full((), 0.0, requires_grad=True)
    b = engine.full((), -1.0, requires_grad=True)
    c = engine.full((), 0.0, requires_grad=True)
    d = engine.full((), 0.3, requires_grad=True)
    lr, losses = 5e-6, []
    for _ in range(steps):
        y_pred = a + b * P3.apply(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with engine.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    return losses, [p.item() for p in (a, b, c, d)]


def test_legendre_polynomial_fit_runs_unchanged_and_matches_torch():
    ours, theirs = fit_sine_with_p3(tinygrad_edu), fit_sine_with_p3(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=2e-4)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=2e-4, atol=1e-6)
    assert ours[0][-1] < ours[0][0] / 3


def test_relu_by_clamp_values_gradients_and_node_name():
    data = np.array([[-1.5, 0.5, 2.0], [0.25, -0.1, 3.0]], np.float32)
    results = []
    for engine in (tinygrad_edu, torch):
        x = engine.tensor(data, requires_grad=True)
        y = clamp_relu(engine).apply(x * 2)
        (y * engine.tensor([[1.0, 2.0, 3.0]])).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), type(y.grad_fn).__name__
                        if engine is torch else y.grad_fn.short_name()))
    (y0, g0, n0), (y1, g1, n1) = results
    np.testing.assert_array_equal(y0, y1)
    np.testing.assert_array_equal(g0, g1)
    assert n0 == n1 == "ClampReLUBackward"


def test_forward_runs_without_grad_and_receives_tensors():
    seen = []
    for engine in (tinygrad_edu, torch):
        class Probe(engine.autograd.Function):
            @staticmethod
            def forward(ctx, x, scale):
                seen.append((type(x).__name__, engine.is_grad_enabled(), x.requires_grad,
                             ctx.needs_input_grad))
                return x * scale

            @staticmethod
            def backward(ctx, g):
                return g * 3, None

        x = engine.ones(2, requires_grad=True)
        out = Probe.apply(x, 3)
        assert out.requires_grad and not out.is_leaf
        out.sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]
    assert seen[0][1:] == seen[1][1:] == (False, True, (True, False))
    assert seen[0][0] == "Tensor"


def test_non_differentiable_outputs_and_setup_context():
    for engine in (tinygrad_edu, torch):
        class SortedValues(engine.autograd.Function):
            @staticmethod
            def forward(x):
                return x * 2, (x > 0).long()

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.mark_non_differentiable(output[1])

            @staticmethod
            def backward(ctx, g, g_mask=None):
                return g * 2

        x = engine.tensor([1.0, -2.0], requires_grad=True)
        doubled, mask = SortedValues.apply(x)
        assert doubled.requires_grad and not mask.requires_grad
        doubled.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_wrong_number_of_gradients_reads_like_torch():
    messages = []
    for engine in (tinygrad_edu, torch):
        class TwoGrads(engine.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 1

            @staticmethod
            def backward(ctx, g):
                return g, g

        with pytest.raises(RuntimeError) as info:
            TwoGrads.apply(engine.ones(2, requires_grad=True)).sum().backward()
        messages.append(str(info.value))
    assert messages[0] == messages[1] == ("function TwoGradsBackward returned an incorrect "
                                          "number of gradients (expected 1, got 2)")


def test_saved_tensors_are_freed_after_backward():
    P3 = legendre_p3(tinygrad_edu)
    x = tinygrad_edu.ones(3, requires_grad=True)
    y = P3.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn.saved_tensors


def test_legacy_variable_is_the_tensor():
    for engine in (tinygrad_edu, torch):
        t = engine.ones(2)
        v = engine.autograd.Variable(t, requires_grad=True)
        assert v.requires_grad and isinstance(v, engine.autograd.Variable)
        assert isinstance(t, engine.Tensor)


def test_hooks_change_gradients_like_torch():
    grads = []
    for engine in (tinygrad_edu, torch):
        x = engine.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = x.register_hook(lambda g: g * 2)
        y = x * x
        seen = []
        y.register_hook(lambda g: seen.append(g.tolist()))
        (y * engine.tensor([1.0, 0.5, 2.0])).sum().backward()
        h.remove()
        (x * 1).sum().backward()
        grads.append((x.grad.tolist(), seen))
    assert grads[0] == grads[1]
