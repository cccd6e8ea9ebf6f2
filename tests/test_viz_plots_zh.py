"""The figures of lessons 20-25 with lang='zh': every title, axis label, legend entry and
annotation is Chinese (names, numbers, code and math may stay as they are)."""
import re

import numpy as np
import pytest

from english_left import leftover_english
from viz import plots, plots_activations as pa, plots_lm

pytest.importorskip("matplotlib")

ITOS = {i: "." if i == 0 else chr(ord("a") + i - 1) for i in range(27)}
# what may stay English in a label: code, math and the names the lessons give their curves
# (the bigram tables' cells hold letter pairs: data, shorter than any word checked)
CODE = {"log10", "tanh", "nll", "mean", "Linear"}


@pytest.fixture
def texts(monkeypatch):
    """Draw with a 'CJK font' (the real one when installed: only the labels are checked)
    and keep the texts of each figure instead of writing it."""
    monkeypatch.setattr(plots, "_cjk", [plots.cjk_font() or "DejaVu Sans"])
    drawn = []

    def keep(fig, path, font):
        from matplotlib.text import Text
        drawn.append([t.get_text() for t in fig.findobj(Text) if t.get_text().strip()])
        return path

    for module in (plots, plots_lm, pa):
        monkeypatch.setattr(module, "_save", keep)
    return drawn


def english_in(labels):
    """The labels that still hold English: a run of words, or a word (3 letters or more)
    that is not code."""
    left = leftover_english("\n".join(labels))
    words = {w for label in labels for w in re.findall(r"\b[A-Za-z]{3,}\b(?![(\[])", label)}
    return left + sorted(words - CODE)


def lesson_figures(rng):
    counts = rng.integers(0, 50, (27, 27))
    yield plots_lm.bigram_heatmap, (counts, ITOS), {}
    yield plots_lm.bigram_heatmap, (counts / counts.sum(1, keepdims=True), ITOS), {}
    yield plots_lm.step_losses, (rng.uniform(2, 3, 400),), {"decay_at": 300}
    yield plots_lm.embedding_2d, (rng.normal(size=(27, 2)), ITOS), {}
    yield plots.loss_curve, ({"损失 (nll + 0.01·mean(W²))": [3.0, 2.5], "nll": [2.9, 2.4],
                              "计数模型": [2.45, 2.45]},), {"xlabel": "step"}
    layers = {"tanh 1": rng.normal(size=300), "tanh 2": rng.normal(size=300)}
    yield pa.layer_histograms, ({"谨慎初始化": layers, "批归一化": layers},), {"saturation": 0.97}
    yield pa.update_ratios, ({"批归一化": {"C": rng.normal(-3, 0.2, 50),
                                         "Linear 1 的权重 (30, 100)": rng.normal(-3, 0.2, 50)}},), {}
    yield pa.attention_maps, (rng.uniform(size=(2, 5, 5)), list(".emma")), {}
    yield pa.losses_at_steps, ({"训练（每 5 步的平均）": ([4, 9], [2.5, 2.3]),
                                "验证集": ([9], [2.4])},), {}


def test_the_lm_lessons_figures_are_labelled_in_chinese(texts, tmp_path):
    for plot, args, options in lesson_figures(np.random.default_rng(0)):
        plot(*args, path=str(tmp_path / "figure.png"), lang="zh", **options)
        labels = texts[-1]
        assert any(re.search(r"[\u4e00-\u9fff]", label) for label in labels), plot.__name__
        assert english_in(labels) == [], f"{plot.__name__}: {english_in(labels)}"


def test_the_check_sees_the_english_labels(texts, tmp_path):
    """The same figures in English fail the check (so it can fail)."""
    plots_lm.step_losses([2.0, 1.5, 1.2], path=str(tmp_path / "en.png"), lang="en")
    pa.layer_histograms({"a": {"tanh 1": [0.1, 0.9, -0.5]}}, path=str(tmp_path / "en.png"))
    assert english_in(texts[0]) and english_in(texts[1])
