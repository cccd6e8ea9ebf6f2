"""``--lang zh``: every lesson, run quick in Chinese with its step-through narration,
backward frames (the ops' formulas included) and --graph lines, prints no English UI text:
no run of two or more English words once code, numbers, names and the course's own prints
are taken out (tests/english_left.py says what may stay English)."""
import html
import io
import re

import pytest

from english_left import leftover_english
from lessons import report
from lessons.narration import Narrator
from lessons.registry import LESSONS, find
from lessons.runner import run_lesson


def test_the_check_finds_english_and_lets_code_through():
    assert leftover_english("训练结束：loss went down") != []
    assert leftover_english("→ x：no gradient here") != []
    assert leftover_english("用 F.cross_entropy(logits, y) 和 nn.Linear(3, 4) 以及 "
                            "x.view(-1, 784)，`for x in loader` 与 tensor([1., 2.])") == []
    assert leftover_english("采样得到：emma. olivia. ava.") == []
    assert leftover_english("Predict (before training) 4 4") == []
    assert leftover_english("PyTorch 与 NumPy 的 GPT 用 AdamW") == []


@pytest.mark.parametrize("number", [lesson.number for lesson in LESSONS])
def test_lesson_in_chinese_prints_no_english_ui_text(number, tmp_path):
    stream = io.StringIO()
    say = Narrator(lang="zh", step=True, stream=stream, interactive=False)
    result = run_lesson(number, engine="edu", out=str(tmp_path), quick=True, step=True,
                        graph=True, lang="zh", say=say, show_progress=False)
    assert not result.get("stopped")
    text = "\n".join([stream.getvalue(), report.one_line(find(number), result, "zh"),
                      report.files_written(result, "zh")])
    leaks = leftover_english(text)
    assert not leaks, f"lesson {number:02d} --lang zh still prints English:\n" + "\n".join(leaks)
    # ... and the graph it drew (the SVG a student opens: legend, remarks, node texts)
    for path in tmp_path.glob("*_graph.svg"):
        svg = path.read_text(encoding="utf-8")
        shown = re.sub(r"<[^>]+>", "\n", re.sub(r"<(style|script)>.*?</\1>", " ", svg,
                                                flags=re.S))
        shown = html.unescape(shown)
        leaks = leftover_english(shown)
        assert not leaks, f"{path.name} (--lang zh) still shows English:\n" + "\n".join(leaks)
