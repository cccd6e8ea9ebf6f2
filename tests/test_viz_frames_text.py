"""What a backward frame says: the values, g, the math, the chain rule with numbers for one
element, accumulation into .grad, constants, reductions, both languages, three views."""
import builtins
import html
import io

import numpy as np
import pytest

import tinygrad_edu as torch
import viz
from viz.terminal import element_lines, show_frames


def logistic():
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([[0.0], [0.0], [1.0]])
    w = torch.tensor([[0.5]], requires_grad=True)
    b = torch.tensor([-1.0], requires_grad=True)
    y_pred = torch.sigmoid(x @ w + b)
    loss = torch.nn.functional.binary_cross_entropy(y_pred, y)
    return w, b, loss


def frame(frames, label):
    return next(f for f in frames if f.label == label)


def test_a_frame_shows_inputs_output_g_math_and_one_element_with_numbers():
    w, b, loss = logistic()
    sig = frame(viz.step_backward(loss), "SIGMOID").text()
    assert "forward: out = σ(a) = 1 / (1 + e⁻ᵃ)" in sig
    assert "a = ADD output = [[-0.5], [0.0], [0.5]]" in sig
    assert "out = [[0.3775], [0.5], [0.6225]]" in sig
    assert "g = ∂L/∂out = [[0.5355], [0.6667], [-0.5355]]" in sig
    assert "local derivative: ∂out/∂a = out·(1 − out)" in sig
    assert "∂L/∂a[0,0] = g · out·(1 − out) = 0.5355 × 0.3775 × 0.6225 = 0.1258" in sig


def test_bce_says_its_mean_and_mm_writes_the_sum_of_products():
    x = torch.tensor([[1.0], [2.0], [3.0]])
    w = torch.tensor([[0.5]], requires_grad=True)
    b = torch.tensor([-1.0], requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy(torch.sigmoid(x @ w + b),
                                                    torch.tensor([[0.0], [0.0], [1.0]]))
    frames = viz.step_backward(loss)
    bce = frame(frames, "BCE").text()
    assert "× 0.3333 = 0.5355" in bce and "reduction='mean': n = 3" in bce
    mm = frame(frames, "MM").text()
    assert ("∂L/∂w[0,0] = Σᵢ x[i,0]·g[i,0]   (xᵀ @ g) = 1.0 × 0.1258 + 2.0 × 0.1667 + "
            "3.0 × (-0.1258) = 0.08164") in mm


@pytest.mark.filterwarnings("ignore:size_average")
def test_mse_under_sum_says_sum_and_n_is_one():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = torch.nn.MSELoss(size_average=False)(x, torch.tensor([0.0, 0.0]))
    text = frame(viz.step_backward(loss), "MSE").text()
    assert "reduction='sum': n = 1" in text and "/n" not in text.replace(" / n", "")


def test_a_grad_that_was_not_zeroed_is_said_with_numbers():
    w = torch.tensor(1.0, requires_grad=True)
    loss = (w * 2 - 3) ** 2 * 2      # ∂L/∂w = 4·(2w − 3)·... = −8 at w = 1
    loss.backward(retain_graph=True)
    assert w.grad.item() == -8.0
    text = viz.step_backward(loss).text()
    assert ".grad was -8.0, this adds -8.0 → -16.0. Call optimizer.zero_grad()" in text
    assert "w.grad = -16.0" in text
    assert w.grad.item() == -8.0   # the stepper leaves the user's .grad as it was


def test_a_tensor_used_twice_is_said_to_receive_the_sum():
    a = torch.tensor(3.0, requires_grad=True)
    loss = a * a
    text = viz.step_backward(loss).text()
    assert "a is used more than once: it already received 3.0, this adds 3.0 → 6.0" in text


def test_constants_are_shown_in_frames_and_graph():
    x = torch.tensor(2.0)
    w = torch.tensor(1.0, requires_grad=True)
    loss = (w * x - 3) ** 2
    frames = viz.step_backward(loss)
    assert "b = 3  (a constant)" in frame(frames, "SUB").text()
    assert "n = 2  (a constant)" in frame(frames, "POW").text()
    titles = {n.title for n in frames.graph.nodes.values() if n.kind == "const"}
    assert titles == {"2", "3"}


def test_chinese_frames_use_the_courses_terms():
    w, b, loss = logistic()
    frames = viz.step_backward(loss, lang="zh")
    text = frames.text()
    for term in ("反向传播", "上游梯度", "局部导数", "链式法则", "叶子节点", "取一个元素，代入数字"):
        assert term in text
    for english in ("upstream gradient", "local derivative", "hands on", "one element",
                    "backward order", "Step "):
        assert english not in text
    assert frames.title == "逐步反向传播" and frames.lang == "zh"


def test_one_content_three_views():
    """The terminal text, the SVG frames and the HTML page carry the same lines."""
    w, b, loss = logistic()
    frames = viz.step_backward(loss)
    mm = frame(frames, "MM")
    page = frames.dot(mm.index)
    page_html = _html(frames)
    for text, _ in mm.caption:
        assert text in mm.text()
        assert html.escape(text.strip(), quote=False) in html.unescape(page) or \
            text.strip() in html.unescape(page)
        assert html.escape(text.strip(), quote=False) in page_html


def _html(frames):
    from viz.html import player_html
    return player_html(frames)


def test_the_frame_keeps_the_chain_rule_for_several_elements():
    w, b, loss = logistic()
    sig = frame(viz.step_backward(loss), "SIGMOID")
    (entry,) = sig.chain
    assert entry["shape"] == [3, 1] and sorted(entry["entries"]) == ["0", "1", "2"]
    assert entry["entries"]["2"][0].endswith("= -0.1258")


def test_the_terminal_prints_the_element_typed_at_the_prompt():
    w, b, loss = logistic()
    frames = viz.step_backward(loss)
    sig = frame(frames, "SIGMOID")
    assert element_lines(sig, "2,0")[0].startswith("∂L/∂a[2,0] = g · out·(1 − out) = -0.5355")
    assert element_lines(sig, "next") is None
    assert element_lines(sig, "7,7")[0].startswith("no element 7,7 here")
    answers = iter(["", "", "1,0", "q"])
    original = builtins.input
    builtins.input = lambda prompt="": next(answers)
    try:
        out = io.StringIO()
        show_frames(frames, interactive=True, file=out)
    finally:
        builtins.input = original
    assert "∂L/∂a[1,0] = g · out·(1 − out) = 0.6667 × 0.5 × 0.5 = 0.1667" in out.getvalue()


def test_each_substitution_in_a_frame_evaluates_to_what_the_frame_hands_on():
    w, b, loss = logistic()
    from viz.chain import substitute
    from viz.chain import node_outputs
    outputs = node_outputs(loss)
    for f in viz.step_backward(loss):
        if f.kind != "backward":
            continue
        for slot, (name, target, gi) in enumerate(f.handed):
            if gi is None:
                continue
            for k in range(gi.size):
                sub = substitute(f.node, slot, k, outputs[f.node], f.upstream, "x")
                assert np.isclose(sub.value, gi.reshape(-1)[k])
