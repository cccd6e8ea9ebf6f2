"""The stepper cannot lie: for every operation of the shared case table, the chain rule with
numbers that a frame states (viz.chain.substitute), evaluated, equals the gradient the engine
computed for that element. Both come from the same structured numbers (the terms), never
from comparing two strings."""
import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.autograd.engine import run_backward
from cases import CASES, flatten, inputs_of
from viz.chain import Substitution, node_outputs, substitute


def engine_records(case):
    """Run the case in float64, backpropagate L = Σ out·pattern, and return the engine's
    [(node, g, input_grads)] with every node's forward output."""
    inputs = inputs_of(case, tinygrad_edu, np.float64)
    outs = [o for o in flatten(case.fn(tinygrad_edu, *inputs))
            if isinstance(o, tinygrad_edu.Tensor) and o.requires_grad]
    if not outs:
        pytest.skip("no differentiable output")
    rng = np.random.default_rng(3)
    loss = sum((o * tinygrad_edu.tensor(rng.uniform(0.5, 1.5, o.shape))).sum() for o in outs)
    records = []
    outputs = node_outputs(loss)
    run_backward(loss, retain_graph=True,
                 trace=lambda node, g, grads: records.append(
                     (node, np.array(g), [None if x is None else np.array(x) for x in grads])))
    return records, outputs


def elements(size, rng):
    if size == 0:
        return []
    picks = {0, size - 1} | set(rng.integers(0, size, 2).tolist())
    return sorted(k for k in picks if 0 <= k < size)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_numbers_a_frame_states_add_up_to_the_engines_gradient(case):
    records, outputs = engine_records(case)
    rng = np.random.default_rng(0)
    checked = 0
    for node, g, grads in records:
        for slot, (t, gi) in enumerate(zip(node.inputs, grads)):
            if t is None or gi is None or not node.needs_input_grad[slot]:
                continue
            for k in elements(gi.size, rng):
                sub = substitute(node, slot, k, outputs[node], g, "x")
                assert isinstance(sub, Substitution)
                expected = gi.reshape(-1)[k]
                assert np.isclose(sub.value, expected, rtol=1e-7, atol=1e-10), (
                    f"{type(node).__name__} input {slot} element {k}: the frame says "
                    f"{sub.text()} but the engine computed {expected}")
                checked += 1
    assert checked > 0


def test_a_sigmoid_frame_reads_as_the_issue_asks():
    a = tinygrad_edu.tensor([0.5], requires_grad=True)
    out = a.sigmoid()
    sub = substitute(out.grad_fn, 0, 0, out._data, np.array([1.83]), "a")
    s = float(out._data[0])
    assert sub.terms == [[("g", 1.83), ("out", s), ("1 − out", 1 - s)]]
    assert sub.text() == (f"∂L/∂a[0] = g · out·(1 − out) = 1.83 × 0.6225 × 0.3775 = "
                          f"{float(1.83 * s * (1 - s)):.4f}")


def test_a_matmul_frame_writes_the_sum_of_products():
    x = tinygrad_edu.tensor([[1.0], [2.0], [3.0]])
    w = tinygrad_edu.tensor([[0.5]], requires_grad=True)
    out = x @ w
    g = np.array([[0.1258], [0.1667], [-0.1258]])
    sub = substitute(out.grad_fn, 1, 0, out._data, g, "w")
    assert sub.text() == ("∂L/∂w[0,0] = Σᵢ A[i,0]·g[i,0]   (Aᵀ @ g) = 1.0 × 0.1258 + "
                          "2.0 × 0.1667 + 3.0 × (-0.1258) = 0.0818")
    assert np.isclose(sub.value, (x._data.T @ g).item())


def test_a_cross_entropy_frame_names_softmax_one_hot_and_n():
    x = tinygrad_edu.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], requires_grad=True)
    y = tinygrad_edu.tensor([0, 2])
    loss = tinygrad_edu.nn.functional.cross_entropy(x, y)
    sub = substitute(loss.grad_fn, 0, 5, loss._data, np.array(1.0), "x")  # row 1, class 2
    text = "\n".join(sub.lines())
    assert "softmax(x)[1,2]" in text and "one_hot(y)[1,2] = 1" in text and "n = 2" in text
    loss.backward()
    assert np.isclose(sub.value, x.grad._data[1, 2])
