"""The rest of viz in Chinese: the optimizer stepper (``step_optimizer``, ``step_update``),
the titles of a graph's unnamed tensors, and the seed a lesson writes over (lessons/l24_check
``name_the_seed``). With lang='zh' no run of English words is left; in English nothing
changed."""
import re

import numpy as np

import tinygrad_edu as torch
import viz
from english_left import leftover_english
from lessons.l24_check import name_the_seed
from tinygrad_edu import optim
from viz.html import player_html

HAN = re.compile(r"[\u4e00-\u9fff]")
LEAVES = ("output", "param", "input")   # the kinds of tensor that get a title of their own


def params():
    w = torch.tensor([[1.0, 2.0], [-0.5, 0.25]], requires_grad=True)
    b = torch.tensor([0.5, -1.0], requires_grad=True)
    big = torch.ones(6, 5, requires_grad=True)      # over the print limit: a summary
    ((w * w).sum() + b.sum() * 3 + (big * 2).sum()).backward()
    return w, b, big


def sgd_then_adam(lang):
    w, b, big = params()
    sgd = viz.step_optimizer(optim.SGD([w, b, big], lr=0.5, momentum=0.5, dampening=0.1,
                                       weight_decay=0.1), lang=lang)
    adam = viz.step_optimizer(optim.Adam([w, b], lr=0.01), lang=lang)
    return sgd, adam


def page_text(frames):
    """What a reader sees on the player page: its text (the SVGs' <title> tooltips too),
    without script, style and tags."""
    html = player_html(frames)
    html = re.sub(r"<(script|style)>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", html)


def everything(frames):
    return "\n".join([frames.title, frames.text()] + [frames.dot(i) for i in range(len(frames))]
                     + [f.title for f in frames])


def test_optimizer_steps_in_chinese_leave_no_english():
    for frames in sgd_then_adam("zh") + (viz.step_update(dict(zip("wb", params()[:2])),
                                                          lr=0.1, momentum=0.9, lang="zh"),):
        assert frames.lang == "zh" and frames.graph.lang == "zh"
        text = everything(frames)
        assert leftover_english(text) == [], leftover_english(text)
        assert "更新前" in text and "更新后" in text and "变化 = " in text
        assert leftover_english(page_text(frames)) == []
    sgd, adam = sgd_then_adam("zh")
    assert "（新建）" in sgd.text() and "最小 " in sgd.text() and "min " not in sgd.text()
    assert "修正" in adam[0].formula and "更新规则（优化器）" in sgd.dot(0)
    assert "第一步" in viz.step_update({"w": params()[0]}, lr=0.1, momentum=0.9,
                                       lang="zh").text()


def test_the_checks_would_see_the_english_optimizer_step():
    sgd, adam = sgd_then_adam("en")
    assert leftover_english(everything(sgd)) and leftover_english(everything(adam))
    assert leftover_english(page_text(sgd))


def test_english_optimizer_steps_are_unchanged():
    sgd, adam = sgd_then_adam("en")
    assert sgd.lang == "en" and sgd.title == "one SGD step"
    text = sgd.text() + adam.text()
    assert not HAN.search(text + "".join(sgd.dot(i) for i in range(len(sgd))))
    assert "Update 1/3: w (2×2) with SGD" in text and "w before = [[1.0, 2.0], [-0.5, 0.25]]"\
        in text
    assert "momentum_buffer: (new) → " in text and "change = after − before = " in text
    assert "v ← g (first step), then v ← momentum·v + (1−0.1)·g" in sgd[0].formula
    assert "(m̂, v̂: m and v corrected for their start at 0)" in adam[0].formula
    assert "parameter after the step" in sgd.dot(0) and "step of w" in sgd.dot(0)
    plain = viz.step_update({"w": params()[0]}, lr=0.1, momentum=0.9)
    assert plain.title == "one gradient-descent update" and "v (velocity): (new)" in plain.text()


def test_both_languages_take_the_same_step():
    (en, _), (zh, _) = sgd_then_adam("en"), sgd_then_adam("zh")
    assert len(en) == len(zh)
    for a, b in zip(en, zh):
        assert a.current == b.current and a.states == b.states and a.label == b.label
        assert np.array_equal(a.before, b.before) and np.array_equal(a.after, b.after)
    assert list(en.graph.nodes) == list(zh.graph.nodes)


def unnamed():
    """A graph whose tensors have no names (made in here, only the result handed back)."""
    return (torch.tensor([1.0, 2.0], requires_grad=True) * torch.tensor([3.0, 4.0])).sum()


def test_unnamed_tensors_are_titled_in_chinese():
    graph = viz.draw_graph(unnamed(), lang="zh").graph
    titles = {n.kind: n.title for n in graph.nodes.values() if n.kind in LEAVES}
    assert titles == {"output": "输出", "param": "参数", "input": "输入"}
    assert leftover_english(viz.draw_graph(unnamed(), lang="zh").source) == []
    text = viz.step_backward(unnamed(), lang="zh").text()
    assert "∂输出/∂输出" in text and "参数.grad" in text
    assert not re.search(r"\b(output|parameter|input)\b", text)


def test_unnamed_tensors_keep_their_english_titles():
    graph = viz.draw_graph(unnamed()).graph
    titles = {n.kind: n.title for n in graph.nodes.values() if n.kind in LEAVES}
    assert titles == {"output": "output", "param": "parameter", "input": "input"}
    # inside an assert: pytest's own locals (@py_assert1) are no names for the tensors
    assert "∂output/∂output" in viz.step_backward(unnamed()).text()


def seeded(lang):
    x = torch.ones(4, 27, requires_grad=True)
    logits = x * 2
    g = np.full((4, 27), 0.5, dtype=np.float32)
    frames = viz.step_backward(logits, gradient=torch.tensor(g), names={"logits": logits},
                               lang=lang)
    why = "种子：交叉熵传回的梯度" if lang == "zh" else "the seed: what the cross-entropy hands back"
    return name_the_seed(frames, "logits", g, why)[0].caption


def test_the_lessons_seed_is_written_in_the_frames_language():
    zh = [text for text, _ in seeded("zh") if text.startswith("∂loss/∂logits")]
    assert zh == ["∂loss/∂logits = 最小 0.5 · 平均 0.5 · 最大 0.5（种子：交叉熵传回的梯度）"]
    assert leftover_english("\n".join(text for text, _ in seeded("zh"))) == []
    en = [text for text, _ in seeded("en") if text.startswith("∂loss/∂logits")]
    assert en == ["∂loss/∂logits = min 0.5 · mean 0.5 · max 0.5  (the seed: what the "
                  "cross-entropy hands back)"]
