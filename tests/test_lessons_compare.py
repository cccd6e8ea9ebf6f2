"""``compare``: both engines from the same initial weights and the same batches agree to
float rounding, and the table says so."""
import sys

import pytest

from lessons.__main__ import main
from lessons.compare import compare_lesson, format_table
from lessons.engines import torch_available

pytestmark = pytest.mark.skipif(not torch_available(), reason="real PyTorch not installed")


def compared(number, tmp_path, quick=False):
    return compare_lesson(number, quick=quick, out=str(tmp_path), show_progress=False)


def assert_agree(table, rel=1e-4):
    scale = max([1.0] + [abs(v) for _, a, b in table["rows"] for v in (a, b)])
    assert table["largest_loss_difference"] is None or \
        table["largest_loss_difference"] <= rel * scale
    assert table["largest_metric_difference"] <= rel * scale


@pytest.mark.parametrize("number", [2, 3, 4, 5, 6])
def test_deterministic_lessons_agree_exactly_enough(number, tmp_path):
    assert_agree(compared(number, tmp_path))


@pytest.mark.parametrize("number", [7, 8, 9, 18])
def test_trained_lessons_agree_from_the_same_initial_weights(number, tmp_path):
    assert_agree(compared(number, tmp_path))


@pytest.mark.parametrize("number", [10, 11, 13])
def test_shuffled_batches_and_splits_are_shared_between_engines(number, tmp_path):
    table = compared(number, tmp_path, quick=True)
    assert_agree(table)
    assert len(table["results"]["edu"]["losses"]) == len(table["results"]["torch"]["losses"])


def test_lesson19_all_three_networks_agree_in_compare(tmp_path):
    table = compared(19, tmp_path, quick=True)
    for engine in ("torch", "edu"):
        steps = table["results"][engine]["one_step_difference"]
        assert max(steps.values()) < 1e-5


def test_the_table_shows_checkpoints_timing_and_the_largest_difference(tmp_path):
    text = format_table(compared(7, tmp_path))
    assert "torch" in text and "edu" in text and "loss [0]" in text and "loss [999]" in text
    assert "predict(4)" in text and "time per epoch" in text
    assert "largest difference over all 1000 recorded losses" in text


def test_compare_from_the_command_line(capsys, tmp_path):
    assert main(["compare", "03", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "compare 03" in out and "largest difference" in out


def test_compare_without_torch_is_one_clear_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)
    assert main(["compare", "03"]) == 2
    assert "pip install torch" in capsys.readouterr().err
