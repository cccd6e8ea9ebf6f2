"""Backward step by step, and one optimizer step: order and numbers are the engine's."""
import io
import os

import numpy as np
import pytest

import tinygrad_edu as torch
import viz
from tinygrad_edu.autograd.engine import topological_order
from tinygrad_edu.ops.linalg import MatMul
from tinygrad_edu.ops.loss_ops import BCELoss


def logistic():
    """Lesson 08's model: σ(x·w + b) with BCE on three points."""
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([[0.0], [0.0], [1.0]])
    w = torch.tensor([[0.5]], requires_grad=True)
    b = torch.tensor([-1.0], requires_grad=True)
    loss = BCELoss.apply((x @ w + b).sigmoid(), y, reduction="mean")
    return x, y, w, b, loss


def test_frames_follow_the_engines_order():
    x, y, w, b, loss = logistic()
    frames = viz.step_backward(loss)
    nodes = [f.node for f in frames if f.kind == "backward"]
    assert nodes == topological_order(loss.grad_fn)
    assert frames.order == ["BCE", "SIGMOID", "ADD", "MM"]
    assert [f.kind for f in frames] == ["seed"] + ["backward"] * 4 + ["leaves"]


def test_frames_come_in_reverse_topological_order():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    h = a.exp()
    loss = (h * a + h.sigmoid()).sum()  # h feeds two operations: both run before EXP
    frames = [f for f in viz.step_backward(loss) if f.kind == "backward"]
    position = {f.node: i for i, f in enumerate(frames)}
    for f in frames:
        for t in f.node.inputs:
            if t is not None and t.grad_fn is not None:
                assert position[t.grad_fn] > position[f.node]


def test_handed_on_gradients_equal_the_engines_grad():
    x, y, w, b, loss = logistic()
    frames = viz.step_backward(loss)
    loss.backward()
    final = {name: grad for name, _, grad in frames[-1].handed}
    np.testing.assert_array_equal(final["w"], w.grad.numpy())
    np.testing.assert_array_equal(final["b"], b.grad.numpy())
    mm = next(f for f in frames if f.label == "MM")
    handed = {name: grad for name, _, grad in mm.handed}
    np.testing.assert_array_equal(handed["w"], w.grad.numpy())
    assert handed["x"] is None  # x does not require grad: nothing is handed to it


def test_a_leaf_used_twice_receives_the_sum():
    a = torch.tensor([3.0], requires_grad=True)
    loss = (a * a + a).sum()  # d/da = 2a + 1 = 7
    frames = viz.step_backward(loss)
    pieces = [g for f in frames if f.kind == "backward" for name, _, g in f.handed
              if name == "a" and g is not None]
    assert len(pieces) == 3
    np.testing.assert_allclose(sum(pieces), [7.0])
    np.testing.assert_allclose(frames[-1].handed[0][2], [7.0])


def test_each_upstream_is_what_earlier_frames_handed_on():
    x, y, w, b, loss = logistic()
    frames = viz.step_backward(loss, intermediates=False)  # hands straight to the next op
    np.testing.assert_array_equal(frames[1].upstream, np.ones(()))
    for k in range(2, 5):
        handed = [g for _, target, g in frames[k - 1].handed
                  if target == frames[k].current]
        np.testing.assert_array_equal(frames[k].upstream, handed[0])


def test_step_backward_leaves_grad_and_graph_as_they_were():
    x, y, w, b, loss = logistic()
    w.grad = torch.tensor([[10.0]])
    old = w.grad
    frames = viz.step_backward(loss)
    assert w.grad is old and w.grad.item() == 10.0 and b.grad is None
    final = {name: grad for name, _, grad in frames[-1].handed}
    loss.backward()  # the graph is still there; .grad accumulates as torch does
    np.testing.assert_allclose(final["w"], w.grad.numpy(), rtol=1e-6)  # 10 + dL/dw
    np.testing.assert_allclose(final["b"], b.grad.numpy(), rtol=1e-6)


def test_a_freed_graph_explains_what_to_do():
    x, y, w, b, loss = logistic()
    loss.backward()
    with pytest.raises(RuntimeError, match="before loss.backward"):
        viz.step_backward(loss)


def test_frames_show_the_functions_math_and_highlight_one_node():
    x, y, w, b, loss = logistic()
    frames = viz.step_backward(loss)
    mm = next(f for f in frames if f.label == "MM")
    assert mm.math is MatMul.math
    assert ("forward: out = A @ B      (outᵢⱼ = Σₖ Aᵢₖ·Bₖⱼ)", "formula") in mm.caption
    assert ("local derivative: ∂outᵢⱼ/∂Aᵢₖ = Bₖⱼ    ∂outᵢⱼ/∂Bₖⱼ = Aᵢₖ", "formula") in mm.caption
    assert ("chain rule: ∂L/∂A = g @ Bᵀ    ∂L/∂B = Aᵀ @ g", "formula") in mm.caption
    assert list(mm.states.values()).count("current") == 1
    assert mm.states[mm.current] == "current"
    done = {frames.graph.nodes[i].title for i, s in mm.states.items() if s == "done"}
    assert done - {""} == {"loss", "BCE", "SIGMOID", "ADD", "b"}  # ("": unnamed intermediates)
    assert 'class="kind-op current"' in frames.dot(mm.index)


def test_non_scalar_output_with_a_gradient():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    frames = viz.step_backward(a * 3, gradient=torch.tensor([1.0, -1.0]))
    np.testing.assert_array_equal(frames[-1].handed[0][2], [3.0, -3.0])


def test_terminal_view_prints_every_frame_without_a_terminal():
    x, y, w, b, loss = logistic()
    out = io.StringIO()
    viz.step_backward(loss).show(file=out)
    text = out.getvalue()
    assert text.count("Step ") == 5 and "[6/6]" in text and "w.grad = [[" in text


def test_terminal_view_pages_with_enter(monkeypatch):
    x, y, w, b, loss = logistic()
    answers = iter(["", "", "b", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    out = io.StringIO()
    viz.step_backward(loss).show(interactive=True, file=out)
    headers = [line.split("]")[0] for line in out.getvalue().splitlines() if line[:1] == "["]
    assert headers == ["[1/6", "[2/6", "[3/6", "[2/6"]


def test_step_update_is_plain_gradient_descent_and_changes_nothing():
    x, y, w, b, loss = logistic()
    loss.backward()
    before = w.detach().numpy().copy()
    frames = viz.step_update({"w": w, "b": b}, lr=0.1)
    np.testing.assert_array_equal(w.detach().numpy(), before)
    assert frames[0].after.dtype == np.float32
    np.testing.assert_array_equal(frames[0].after, before - np.float32(0.1) * w.grad.numpy())
    assert frames[0].formula == "w ← w − lr·g"


def test_step_update_with_momentum_matches_sgd_over_two_steps():
    optim = pytest.importorskip("tinygrad_edu.optim")
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    twin = torch.tensor([1.0, -2.0], requires_grad=True)
    sgd = optim.SGD([twin], lr=0.1, momentum=0.9)
    velocity = None
    for _ in range(2):
        for p in (w, twin):
            p.grad = None
            (p ** 2).sum().backward()
        frames = viz.step_update({"w": w}, lr=0.1, momentum=0.9, velocity=velocity)
        velocity = frames.velocity
        with torch.no_grad():
            w.copy_(torch.tensor(frames[0].after))
        sgd.step()
    np.testing.assert_allclose(w.detach().numpy(), twin.detach().numpy(), rtol=1e-6)
    assert "momentum" in frames[0].formula


def test_step_optimizer_steps_and_shows_before_and_after():
    optim = pytest.importorskip("tinygrad_edu.optim")
    x, y, w, b, loss = logistic()
    loss.backward()
    before, grad = w.detach().numpy().copy(), w.grad.numpy().copy()
    frames = viz.step_optimizer(optim.SGD([w, b], lr=0.5, momentum=0.5))
    np.testing.assert_array_equal(frames[0].before, before)
    np.testing.assert_array_equal(frames[0].after, w.detach().numpy())  # the step really happened
    np.testing.assert_allclose(w.detach().numpy(), before - 0.5 * grad, rtol=1e-6)
    text = frames.text()
    assert "w before = [[0.5]]" in text and "momentum_buffer: (new) →" in text


def test_step_optimizer_shows_adams_moments():
    optim = pytest.importorskip("tinygrad_edu.optim")
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w ** 2).sum().backward()
    frames = viz.step_optimizer(optim.Adam([w], lr=0.01))
    assert "exp_avg" in frames.text() and frames[0].label == "ADAM"
    np.testing.assert_allclose(frames[0].after, [0.99, 1.99], rtol=1e-5)


def test_save_svgs_numbered_and_html_self_contained(tmp_path):
    x, y, w, b, loss = logistic()
    frames = viz.step_backward(loss)
    if viz.find_dot() is None:
        pytest.skip("Graphviz dot is not installed")
    paths = frames.save_svgs(tmp_path / "frames")
    assert [os.path.basename(p) for p in paths] == [f"frame_{i:03d}.svg" for i in range(6)]
    assert all(os.path.getsize(p) > 1000 for p in paths)
    html = open(frames.save_html(tmp_path / "steps.html"), encoding="utf-8").read()
    assert html.count('class="viewer full"') == 6 and 'id="next"' in html and "<script>" in html
    for fetch in ("src=\"http", "href=\"http", "src='http", "@import", "<link"):
        assert fetch not in html


def test_step_backward_restores_a_scalar_grad_too():
    x = torch.tensor(5.0, requires_grad=True)
    (x ** 2).backward()
    grad, array = x.grad, x.grad._data
    viz.step_backward(x ** 3)
    assert x.grad is grad and x.grad._data is array and float(array) == 10.0
