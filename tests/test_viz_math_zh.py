"""The ops' formulas in Chinese (viz/math_zh.py): every Function's math, as the stepper's
frames, the graph's tooltips and the HTML player show it with lang='zh', keeps its math and
says its notes in Chinese; so do the numbers' summaries and the count of terms."""
import re

import numpy as np
import pytest

import tinygrad_edu as torch
import viz
from english_left import leftover_english
from test_math_notation import FUNCTIONS
from viz.formatting import shape_text, summary, value_lines
from viz.math_zh import NOTES, math_text
from viz.substitution import Substitution

# the words of an English note: none may be left in a Chinese formula (symbols and code
# such as out, dim, src, idx, nan, True may stay)
PROSE = {"the", "of", "at", "on", "where", "else", "over", "along", "with", "for", "each",
         "every", "and", "or", "is", "to", "by", "in", "per", "from", "into", "back", "its",
         "then", "when", "if", "elsewhere", "above", "below", "copied", "summed", "not",
         "number", "numbers", "element", "elements", "slice", "window", "positions"}


def lines_of(cls):
    return (cls.math.forward,) + cls.math.local + cls.math.rule


def prose_left(text):
    return PROSE & set(re.findall(r"\b[A-Za-z]+\b(?!\()", re.sub(r"`[^`]*`", " ", text)))


@pytest.mark.parametrize("cls", FUNCTIONS, ids=lambda c: c.__name__)
def test_every_functions_math_reads_in_chinese(cls):
    for line in lines_of(cls):
        zh = math_text(line, "zh")
        assert not leftover_english(zh), f"{cls.__name__}: {line!r} -> {zh!r}"
        assert not prose_left(zh), f"{cls.__name__}: {zh!r} keeps {prose_left(zh)}"
        # the formula itself is kept: the text up to its first note is unchanged
        head = re.split(r" {2,}\(| where |, | at | on | with | along | over ", line)[0]
        assert zh.startswith(head) or head.split(" = ")[0] in zh, (line, zh)


def test_the_checks_catch_an_english_note():
    assert leftover_english("∂L/∂a = g, copied to every element")
    assert prose_left("∂L/∂a = g where c")
    assert not prose_left("∂L/∂a = g（c 为 True 处），其余为 0")


def test_other_languages_get_the_math_as_it_is():
    for cls in FUNCTIONS:
        for line in lines_of(cls):
            assert math_text(line, "en") == line
    assert math_text("", "zh") == ""


def test_each_note_in_the_table_is_one_an_op_has():
    """The table follows the ops: a note no Function says any more is taken out."""
    lines = {line for cls in FUNCTIONS for line in lines_of(cls)}
    assert [note for note in NOTES if not any(note in line for line in lines)] == []


def test_some_translations_word_for_word():
    from tinygrad_edu.ops import elementwise as E, reduce as R
    assert math_text(R.Sum.math.forward, "zh") == "out = Σ a      （沿 dim；dim 为 None 时遍及所有元素）"
    assert math_text(R.Sum.math.rule[0], "zh") == "∂L/∂a = g，复制到参与求和的每个元素"
    assert math_text(E.Maximum.math.local[0], "zh") == (
        "∂out/∂a = 1（a > b 处），½（a = b 处），0（a < b 处）（任一为 nan 时为 1）")
    assert math_text("∂out/∂b = out·ln a      (0 where a = 0 and b ≥ 0)", "zh") == (
        "∂out/∂b = out·ln a      （a = 0 且 b ≥ 0 处为 0）")


def mean_of_a_reshape():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    return x.reshape(4).mean()


def test_chinese_frames_tooltips_and_page_show_the_notes_in_chinese():
    frames = viz.step_backward(mean_of_a_reshape(), lang="zh")
    text = frames.text()
    assert "复制到参与平均的每个元素" in text and "变形回 a 的形状" in text
    assert leftover_english(text) == []
    mean = next(f for f in frames if getattr(f, "label", None) == "MEAN")
    assert "（n 为参与平均的元素个数" in mean.formula
    assert "参与平均的每个元素" in frames.dot(mean.index)          # the node's tooltip
    from viz.html import player_html
    assert "复制到参与平均的每个元素" in player_html(frames)
    english = viz.step_backward(mean_of_a_reshape())
    assert "copied to every element that was averaged" in english.text()
    assert "复制" not in english.text()


def test_chinese_graph_tooltips():
    assert "复制到参与平均的每个元素" in viz.draw_graph(mean_of_a_reshape(), lang="zh").source
    assert "copied to every element that was averaged" in viz.draw_graph(
        mean_of_a_reshape()).source


def test_the_rules_written_with_numbers_are_chinese_too():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    W = torch.tensor([[0.5, -1.0], [2.0, 0.25], [1.5, 1.0]], requires_grad=True)
    idx = torch.tensor([0, 2, 0])
    loss = x.prod() + torch.nn.functional.embedding(idx, W).sum()
    text = viz.step_backward(loss, lang="zh").text()
    assert "其余元素之积" in text and "对所有满足 idx[i] = 0 的 i" in text
    assert leftover_english(text) == [] and not prose_left(text)


def test_summaries_of_many_numbers_in_chinese():
    a = np.arange(20.0).reshape(4, 5)
    assert summary(a) == "min 0.0 · mean 9.5 · max 19.0"
    assert summary(a, "zh") == "最小 0.0 · 平均 9.5 · 最大 19.0"
    assert summary(np.arange(20), "zh") == "最小 0 · 最大 19"
    assert summary(np.arange(20) % 4 == 0, "zh") == "20 个中 5 个为 True"
    assert value_lines(np.zeros((0, 3)), lang="zh") == ["（空）"]
    assert shape_text((), "zh") == "标量" and shape_text(()) == "scalar"
    w = torch.randn(5, 6, requires_grad=True)
    text = viz.step_backward((w * 2).sum(), lang="zh").text()
    assert "最小 " in text and "mean " not in text and "scalar" not in text


def test_the_count_of_terms_in_chinese():
    sub = Substitution("∂L/∂x", "Σ g", [[("g", 1.0)]] * 7)
    assert sub.text().endswith("= 7.0   (7 terms)")
    assert sub.text("zh").endswith("= 7.0（共 7 项）")
    assert sub.lines("zh")[0] == sub.text("zh")
