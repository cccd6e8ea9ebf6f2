"""The end of `run all` (the summary table), Chinese plot texts, the CJK font look-up with a
stale matplotlib cache, and the small things of the command line (issue 14)."""
import re
from types import SimpleNamespace

import numpy as np
import pytest

from lessons.__main__ import build_parser, main, run_command
from lessons.report import CHAPTERS, QUICK_NOTE
from lessons.runner import run_lesson

pytest.importorskip("matplotlib")
from matplotlib import font_manager  # noqa: E402
from viz import plots  # noqa: E402

# English words that must not be left in a Chinese plot
FORBIDDEN = ("loss", "epoch", "accuracy", "mini-batch", "iteration", "cost", "train", "test",
             "hours", "threshold", "minimum", "min at", "pass", "data", " at ")


# -- the CJK font: a stale font cache is rebuilt once --------------------------------------
def _fonts(*names):
    return SimpleNamespace(ttflist=[SimpleNamespace(name=n) for n in names])


def _stale_cache(monkeypatch, fresh_names):
    """matplotlib's cached list knows no CJK font; scanning the disk again finds
    ``fresh_names``. Returns the list of rebuild calls."""
    calls = []

    def rebuild(try_read_cache=True):
        calls.append(try_read_cache)
        return _fonts(*fresh_names)
    monkeypatch.setattr(plots, "_cjk", [])
    monkeypatch.setattr(font_manager, "fontManager", _fonts("DejaVu Sans", "DejaVu Serif"))
    monkeypatch.setattr(font_manager, "_load_fontmanager", rebuild)
    return calls


def test_a_font_installed_after_the_cache_is_found_by_rebuilding_once(monkeypatch):
    calls = _stale_cache(monkeypatch, ["DejaVu Sans", "Noto Sans CJK SC"])
    assert plots.cjk_font() == "Noto Sans CJK SC"
    assert plots.cjk_font() == "Noto Sans CJK SC"
    assert calls == [False]                      # once, and without reading the cache
    assert plots._find_cjk(font_manager.fontManager) == "Noto Sans CJK SC"  # kept


def test_no_cjk_font_after_the_rebuild_names_the_packages(monkeypatch, capsys):
    calls = _stale_cache(monkeypatch, ["DejaVu Sans"])
    monkeypatch.setattr(plots._language, "told", False, raising=False)
    assert plots.cjk_font() is None
    assert plots._language("zh") == "en"
    assert plots._language("zh") == "en"
    assert calls == [False]
    err = capsys.readouterr().err
    assert err.count("CJK") == 1
    for name in ("fonts-noto-cjk", "fonts-wqy-microhei", "PingFang", "font-noto-sans-cjk",
                 "Microsoft YaHei"):
        assert name in err


def test_a_cached_cjk_font_needs_no_rebuild(monkeypatch):
    calls = _stale_cache(monkeypatch, [])
    monkeypatch.setattr(font_manager, "fontManager", _fonts("WenQuanYi Micro Hei"))
    assert plots.cjk_font() == "WenQuanYi Micro Hei" and calls == []


# -- plot texts in Chinese -----------------------------------------------------------------
def _plot_texts(monkeypatch, lang):
    """Every text of the lessons' kinds of plot, drawn in ``lang``."""
    from matplotlib.text import Text
    texts = []

    def keep(fig, path, font):
        texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_text())
        return path
    monkeypatch.setattr(plots, "_cjk", ["DejaVu Sans"])   # as if a CJK font were there
    monkeypatch.setattr(plots, "_save", keep)
    losses = [2.0, 1.0, 0.5]
    plots.loss_curve(losses, "a.png", lang=lang)
    plots.loss_curve(losses, "b.png", xlabel="mini-batch", lang=lang)      # lessons 13, 15
    plots.loss_curve(losses, "c.png", xlabel="iteration", lang=lang)       # lesson 10
    plots.loss_curve(losses, "d.png", ylabel="cost", lang=lang)            # lesson 03
    plots.loss_curve({"train": losses, "test": losses}, "e.png", lang=lang)  # lesson 17
    plots.accuracy_curve([0.5, 0.8], "f.png", lang=lang)
    ws = np.arange(0.0, 4.1, 0.5)
    plots.mse_vs_w(ws, (ws - 2.0) ** 2, "g.png", lang=lang)
    w, b = np.linspace(0, 4, 5), np.linspace(-2, 2, 5)
    plots.loss_surface(w, b, (w[:, None] - 2) ** 2 + b[None, :] ** 2, "h.png", lang=lang)
    hours = np.linspace(0, 10, 101)
    plots.pass_probability(hours, 1 / (1 + np.exp(-(hours - 2.41) * 2)), "i.png",
                           x_data=[1, 2, 3], y_data=[0, 0, 1], lang=lang)
    return texts


def _english_words(texts):
    return {word for text in texts for word in FORBIDDEN if word in text.lower()}


def test_plot_texts_in_chinese_have_no_english_words(monkeypatch):
    english = _plot_texts(monkeypatch, "en")
    assert set(FORBIDDEN) - {"min at"} <= _english_words(english)  # the test can fail
    assert any("0.5 at 2.41 h" in t for t in english)
    chinese = _plot_texts(monkeypatch, "zh")
    assert _english_words(chinese) == set()
    assert {"小批量", "迭代次数", "代价", "训练集", "测试集"} <= set(chinese)
    assert any("2.41 小时" in t for t in chinese)


def test_a_lessons_plot_in_chinese(monkeypatch, tmp_path):
    from matplotlib.text import Text
    texts = []

    def keep(fig, path, font):
        texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_text())
        return path
    monkeypatch.setattr(plots, "_cjk", ["DejaVu Sans"])
    monkeypatch.setattr(plots, "_save", keep)
    run_lesson(13, quick=True, plot=True, out=tmp_path, lang="zh", show_progress=False)
    assert "小批量" in texts and _english_words(texts) == set()


# -- the summary after `run all` -----------------------------------------------------------
def _run(capsys, numbers, *options):
    args = build_parser().parse_args(["run", "all", *options])
    assert run_command(args, numbers) == 0
    return capsys.readouterr().out


def test_run_all_quick_ends_with_a_summary_table(capsys, tmp_path):
    out = _run(capsys, [1, 5], "--quick", "--out", str(tmp_path))
    table = out[out.index("=== summary ==="):].splitlines()
    assert table[1].split()[:3] == ["lesson", "engine", "time"]
    rows = table[2:]
    assert len(rows) == 2
    assert rows[0].startswith("01 tensors") and rows[1].startswith("05 autograd")
    assert all(" edu " in row and re.search(r"\d s\b|ms|µs", row) for row in rows)
    assert "dx = 7" in rows[1] and "dx = 7  " in rows[1]   # measured, then the course's 7
    assert all(row.endswith(QUICK_NOTE[0]) for row in rows)


def test_summary_in_chinese_and_without_quick(capsys, tmp_path):
    out = _run(capsys, [1, 5], "--lang", "zh", "--out", str(tmp_path))
    table = out[out.index("=== 总结 ==="):]
    assert "05 自动求导" in table and "引擎" in table
    assert QUICK_NOTE[1] not in table and QUICK_NOTE[0] not in table
    out = _run(capsys, [1, 5], "--quick", "--lang", "zh", "--out", str(tmp_path))
    assert out.count(QUICK_NOTE[1]) == 2


def test_one_lesson_has_no_summary(capsys, tmp_path):
    assert main(["run", "05", "--quick", "--out", str(tmp_path)]) == 0
    assert "=== summary ===" not in capsys.readouterr().out


# -- small things --------------------------------------------------------------------------
def test_one_epoch_is_singular(tmp_path):
    result = run_lesson(14, quick=True, out=tmp_path, show_progress=False)
    assert "after 1 epoch" in result["summary"] and "1 epochs" not in result["summary"]


def test_a_device_error_comes_before_any_header(capsys):
    assert main(["run", "05", "--engine", "edu", "--device", "cuda"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error:")


def test_course_notes_are_named_by_chapter_title(capsys, tmp_path):
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert not re.search(r"\b00[0-4]\b", listing)
    assert "PyTorch deep learning in practice §5" in listing
    assert main(["list", "--lang", "zh"]) == 0
    assert CHAPTERS["001"][1] + " §5" in capsys.readouterr().out
    assert main(["run", "05", "--quick", "--out", str(tmp_path)]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "001" not in head and CHAPTERS["004"][0] in head
