"""The player page as text (no browser needed): its words in English and Chinese, the chain
rule's element picker, the focus view's second drawing."""
import re

import pytest

import tinygrad_edu as torch
import viz
from tinygrad_edu.ops.loss_ops import BCELoss
from viz.html import WORDS, index_label, player_html

ZH_CHROME = ["上一步", "下一步", "播放", "适应窗口", "跟随当前节点", "聚焦视图", "计算图"]
EN_LABELS = ["Prev", "Next", "Play", "Pause", "Fit to window", "Follow current node",
             "Focus view", "keys:", "frame {i}", "whole computational graph"]


def logistic(lang="en"):
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([[0.0], [0.0], [1.0]])
    w = torch.tensor([[0.5]], requires_grad=True)
    b = torch.tensor([-1.0], requires_grad=True)
    return viz.step_backward(BCELoss.apply((x @ w + b).sigmoid(), y, reduction="mean"),
                             lang=lang)


def buttons(page):
    return re.findall(r'<button id="\w+"[^>]*>([^<]*)</button>', page)


def test_both_languages_have_every_word():
    assert set(WORDS["en"]) == set(WORDS["zh"])
    assert set(WORDS["en"]["legend"]) == set(WORDS["zh"]["legend"])


def test_chinese_page_has_chinese_chrome_and_no_english_labels():
    frames = logistic("zh")
    assert frames.lang == "zh"
    page = player_html(frames)
    assert '<html lang="zh">' in page
    for word in ZH_CHROME:
        assert word in page, word
    for label in EN_LABELS:
        assert label not in page, label
    labels = buttons(page)
    assert len(labels) == 8
    assert not any(re.search("[A-Za-z]", label) for label in labels), labels
    assert "第 {i} / {n} 帧" in page  # the counter, filled in by the script


def test_english_page_keeps_its_words():
    page = player_html(logistic())
    assert '<html lang="en">' in page
    assert buttons(page) == ["◀ Prev", "Play", "Next ▶", "−", "+", "Fit to window",
                             "Follow current node", "Focus view"]
    assert "frame {i} / {n}" in page and "上一步" not in page


def test_unknown_language_falls_back_to_english():
    frames = logistic()
    frames.lang = "fr"
    assert '<html lang="en">' in player_html(frames)


def test_index_labels_follow_the_shape():
    assert index_label("5", [2, 3]) == "[1,2]"
    assert index_label(0, [4]) == "[0]"
    assert index_label("0", []) == "[]"
    assert index_label("x", [2]) == "x"


def test_chain_picker_html():
    frames = logistic()
    for frame in frames:
        frame.chain = []
    frames[1].chain = [
        {"input": "w", "shape": [2, 2], "default": "3",
         "entries": {"0": ["∂L/∂w[0,0] = 1 × 2 = 2"], "3": ["∂L/∂w[1,1] = <3> & 4"]}},
        {"input": "empty", "shape": [3], "default": "0", "entries": {}}]
    page = player_html(frames)
    assert page.count('class="chain"') == 1 and 'data-input="empty"' not in page
    assert '<button type="button" class="chip" data-k="0" aria-pressed="false">[0,0]' in page
    assert 'class="chip on" data-k="3" aria-pressed="true">[1,1]' in page
    assert '<div class="lines" data-k="0" hidden>' in page
    assert '<div class="lines" data-k="3">∂L/∂w[1,1] = &lt;3&gt; &amp; 4</div>' in page


def test_a_default_missing_from_the_entries_picks_the_first():
    frames = logistic()
    for frame in frames:
        frame.chain = []
    frames[1].chain = [{"input": "b", "shape": [2], "default": "7",
                        "entries": {"1": ["one"], "0": ["zero"]}}]
    page = player_html(frames)
    assert 'class="chip on" data-k="1"' in page and '<div class="lines" data-k="0" hidden>' in page


def test_every_frame_with_a_current_node_gets_a_focus_drawing():
    if viz.find_dot() is None:
        pytest.skip("Graphviz's dot is not installed")
    frames = logistic()
    page = player_html(frames)
    with_node = [f for f in frames if f.current is not None]
    assert page.count('class="viewer focus"') == len(with_node)
    assert page.count('class="viewer full"') == len(frames)
    for f in with_node:
        assert f'id="z{f.index}_{f.current}"' in page and f'id="f{f.index}_{f.current}"' in page
    assert 'data-focus="0"' in page  # a small graph opens on the whole graph
