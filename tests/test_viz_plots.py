"""viz.plots writes PNGs; ``python -m viz demo`` runs end to end."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import tinygrad_edu as torch
from viz import plots

pytest.importorskip("matplotlib")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 5000


def test_loss_curve_single_and_named_curves(tmp_path):
    assert is_png(plots.loss_curve([3.0, 2.0, 1.5, 1.2], tmp_path / "a.png"))
    path = plots.loss_curve({"train": [1.0, 0.5], "test": [1.1, 0.7]}, tmp_path / "sub/b.png",
                            title="losses", logy=True)
    assert path == str(tmp_path / "sub/b.png") and is_png(path)


def test_curves_accept_tensors_of_either_engine(tmp_path):
    losses = [torch.tensor(1.0), torch.tensor(0.5)]
    assert is_png(plots.loss_curve(losses, tmp_path / "t.png"))
    assert is_png(plots.accuracy_curve(torch.tensor([0.5, 0.7, 0.9]), tmp_path / "acc.png"))


def test_mse_vs_w_of_lesson_02(tmp_path):
    ws = np.arange(0.0, 4.1, 0.1)
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
    losses = [float(((x * w - y) ** 2).mean()) for w in ws]
    assert is_png(plots.mse_vs_w(ws, losses, tmp_path / "mse.png"))


def test_loss_surface_from_vectors_or_meshgrids(tmp_path):
    w, b = np.linspace(0, 4, 21), np.linspace(-2, 2, 11)
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
    grid = ((x * w[:, None, None] + b[None, :, None] - y) ** 2).mean(-1)
    assert is_png(plots.loss_surface(w, b, grid, tmp_path / "s1.png"))
    W, B = np.meshgrid(w, b, indexing="ij")
    assert is_png(plots.loss_surface(W, B, grid, tmp_path / "s2.png"))
    with pytest.raises(ValueError, match="expected"):
        plots.loss_surface(w, b, grid.T, tmp_path / "bad.png")


def test_pass_probability_marks_the_half_way_point(tmp_path):
    hours = np.linspace(0, 10, 101)
    probs = 1 / (1 + np.exp(-(hours - 2.46) * 2))
    assert plots.crossing(hours, probs) == pytest.approx(2.46, abs=0.01)
    assert is_png(plots.pass_probability(hours, probs, tmp_path / "p.png",
                                         x_data=[1, 2, 3], y_data=[0, 0, 1]))


def test_chinese_labels_fall_back_quietly_without_a_cjk_font(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(plots, "_cjk", [None])
    monkeypatch.setattr(plots._language, "told", False, raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots.loss_curve([1.0, 0.5], tmp_path / "zh1.png", lang="zh")
        plots.loss_curve([1.0, 0.5], tmp_path / "zh2.png", lang="zh", title="损失")
    assert capsys.readouterr().err.count("CJK") == 1  # said once, not per glyph


def test_chinese_labels_with_a_cjk_font(tmp_path):
    if plots.cjk_font() is None:
        pytest.skip("no CJK font installed here")
    assert is_png(plots.accuracy_curve([0.5, 0.9], tmp_path / "zh.png", lang="zh"))


def test_python_m_viz_demo_writes_its_files(tmp_path):
    out = tmp_path / "demo"
    done = subprocess.run([sys.executable, "-m", "viz", "demo", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    names = set(os.listdir(out))
    assert {"graph.dot", "backward.html", "update.html", "loss.png", "pass.png"} <= names
    assert ("graph.svg" in names) == _has_dot()
    assert str(out / "backward.html") in done.stdout


def _has_dot():
    import viz
    return viz.find_dot() is not None
