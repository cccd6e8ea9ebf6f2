"""Lessons 23–25 (activations and BatchNorm, backprop by hand, a tiny GPT): quick runs on
both engines with what each lesson teaches checked in its numbers; lesson 24's checker
against the shipped solution, a broken one and the empty exercise; compare from the same
weights and batches; narration in both languages; the full-length GPT (slow)."""
import io
import os
import re

import pytest

from lessons.engines import torch_available
from lessons.narration import Narrator
from lessons.runner import run_lesson

needs_torch = pytest.mark.skipif(not torch_available(), reason="real PyTorch not installed")
ENGINES = ["edu", pytest.param("torch", marks=needs_torch)]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTION = os.path.join(ROOT, "lessons", "l24_solution.py")
EXERCISE = os.path.join(ROOT, "lessons", "l24_exercise.py")
CJK = re.compile(r"[\u4e00-\u9fff]")


def quiet(lang="en", step=False):
    return Narrator(lang=lang, step=step, stream=io.StringIO(), interactive=False)


def run(number, engine="edu", tmp_path=None, say=None, **kw):
    kw.setdefault("quick", True)
    return run_lesson(number, engine=engine, out=str(tmp_path or "out"), say=say or quiet(),
                      show_progress=False, **kw)


def printed(say):
    return [line for kind, line in say.log if kind == "result"]


def files(result, what):
    return [path for kind, path in result["files"] if kind == what]


# -- lesson 23: activations, gradients and BatchNorm ---------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_lesson23_naive_init_saturates_and_careful_init_or_batchnorm_fix_it(engine, tmp_path):
    result = run(23, engine, tmp_path, plot=True)
    m = result["metrics"]
    assert m["first loss (naive init)"] > 10                     # confidently wrong
    assert abs(m["first loss (careful init)"] - 3.2958) < 0.15    # -log(1/27)
    assert abs(m["first loss (BatchNorm)"] - 3.2958) < 0.15
    assert m["saturated % at init (naive init)"] > 50
    assert m["saturated % at init (careful init)"] < 15
    assert m["saturated % at init (BatchNorm)"] < 6
    assert m["saturated % (BatchNorm, naive init)"] < 6          # BatchNorm needs no init
    for variant in ("careful init", "BatchNorm"):
        assert m[f"val loss ({variant})"] < m["val loss (naive init)"]
    assert m["|running_mean - mean|"] < 0.5
    pngs = files(result, "tanh activations per layer") + files(result, "gradients per layer") \
        + files(result, "update-to-data ratio")
    assert len(pngs) == 3 and all(open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n" for p in pngs)


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson23_batchnorm_modes_one_example_fails_in_train_mode_only(engine, tmp_path):
    say = quiet()
    run(23, engine, tmp_path, say=say)
    lines = printed(say)
    train = next(line for line in lines if line.startswith("one example in train mode"))
    assert "Expected more than 1 value per channel when training" in train
    assert any(line.startswith("one example in eval mode: its most likely") for line in lines)
    assert any("running_mean" in line and "training set's mean" in line for line in lines)


# -- lesson 24: backprop by hand ------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_lesson24_shipped_solution_is_exact_or_approximate_everywhere(engine, tmp_path,
                                                                      monkeypatch):
    monkeypatch.delenv("TINYGRAD_EDU_SOLUTION", raising=False)
    result = run(24, engine, tmp_path)
    verdicts = {row[0]: row[3] for row in result["rows"]}
    assert len(verdicts) == 28 and "C" in verdicts and "hprebn (in one go)" in verdicts
    assert set(verdicts.values()) <= {"exact", "approximate"}, verdicts
    assert result["metrics"]["largest |difference|"] < 1e-6
    assert result["pages"] == []
    m = result["metrics"]
    assert m["val loss"] < 3.0 and m["train loss"] < 3.0         # it trains on them


def _broken(tmp_path):
    """The shipped solution with one mistake: d probs = d logprobs * probs (not / probs)."""
    with open(SOLUTION, encoding="utf-8") as f:
        text = f.read()
    assert "d.probs = d.logprobs / v.probs" in text
    path = tmp_path / "broken.py"
    path.write_text(text.replace("d.probs = d.logprobs / v.probs",
                                 "d.probs = d.logprobs * v.probs"), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson24_a_broken_gradient_is_wrong_and_its_stepper_page_is_saved(engine, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("TINYGRAD_EDU_SOLUTION", _broken(tmp_path))
    say = quiet()
    result = run(24, engine, tmp_path, say=say)
    verdicts = {row[0]: row[3] for row in result["rows"]}
    assert verdicts["logprobs"] == "exact"      # before the mistake
    assert verdicts["probs"] == "wrong" and verdicts["W1"] == "wrong"
    assert verdicts["logits (in one go)"] in ("exact", "approximate")   # independent
    page = result["pages"][0]
    assert page.endswith("l24_probs_backward.html") and os.path.getsize(page) > 0
    with open(page, encoding="utf-8") as f:
        html = f.read()
    assert "LOG" in html and "probs" in html    # the node that hands ∂loss/∂probs: log
    frames = [item for kind, item in say.log if kind == "frames"][0]
    assert frames.order == ["LOG"]
    assert any("probs is wrong" in line for line in printed(say))


def test_lesson24_the_empty_exercise_is_not_written_and_skips_training(tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("TINYGRAD_EDU_SOLUTION", EXERCISE)
    result = run(24, "edu", tmp_path)
    assert {row[3] for row in result["rows"]} == {"not written"}
    assert result["losses"] == [] and "val loss" not in result["metrics"]


def test_lesson24_a_missing_solution_file_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TINYGRAD_EDU_SOLUTION", str(tmp_path / "nowhere.py"))
    say = quiet()
    result = run(24, "edu", tmp_path, say=say)
    assert "there is no such file" in result["summary"]
    assert any("nowhere.py" in line for line in printed(say))


def test_lesson24_code_that_raises_keeps_what_was_written_before(tmp_path, monkeypatch):
    path = tmp_path / "half.py"
    path.write_text("def backward(torch, v, d):\n"
                    "    d.logprobs = torch.zeros_like(v.logprobs)\n"
                    "    d.logprobs[range(v.n), v.Yb] = -1.0 / v.n\n"
                    "    d.probs = v.nothing\n", encoding="utf-8")
    monkeypatch.setenv("TINYGRAD_EDU_SOLUTION", str(path))
    say = quiet()
    result = run(24, "edu", tmp_path, say=say)
    verdicts = {row[0]: row[3] for row in result["rows"]}
    assert verdicts["logprobs"] == "exact" and verdicts["probs"] == "not written"
    assert any("your code stopped: backward: AttributeError" in line for line in printed(say))


# -- lesson 25: a tiny GPT --------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_lesson25_gpt_trains_samples_and_steps_through_one_head(engine, tmp_path):
    say = quiet()
    result = run(25, engine, tmp_path, graph=True, plot=True, say=say)
    m = result["metrics"]
    assert m["parameters"] == 104219
    assert m["test loss"] < 3.0 and result["losses"][-1] < result["losses"][0]
    assert len(result["names"]) == 10 and all(set(n) <= set("abcdefghijklmnopqrstuvwxyz")
                                              for n in result["names"])
    frames = result["frames"]
    assert "SOFTMAX" in frames.order and frames.order.count("MM") == 2
    assert m["head check difference"] < 1e-6     # the head alone = the whole model
    page = files(result, "backward step-through")
    graph = [p for kind, p in result["files"] if kind.startswith("graph")]
    assert len(page) == 1 and len(graph) == 1
    with open(graph[0], encoding="utf-8") as f:
        drawing = f.read()
    if graph[0].endswith(".svg"):   # one box per block
        assert "model.blocks.0 Block()" in drawing and "model.blocks.1 Block()" in drawing


# -- every lesson: compare, narration --------------------------------------------------------
# which numbers must agree under compare: the losses, not how many rows came out exact (the
# two engines sum in different orders) nor differences that are rounding noise themselves
COUNTS = {"exact", "approximate", "wrong", "not written", "largest |difference|",
          "head check difference"}


@needs_torch
@pytest.mark.parametrize("number", [23, 24, 25])
def test_compare_agrees_from_the_same_weights_and_batches(number, tmp_path):
    from lessons.compare import compare_lesson
    table = compare_lesson(number, quick=True, out=str(tmp_path), show_progress=False)
    a, b = (table["results"][e] for e in ("torch", "edu"))
    assert len(a["losses"]) == len(b["losses"]) > 0
    for key, value in a["metrics"].items():
        if key in COUNTS or "naive init" in key and not key.startswith("first loss"):
            continue   # saturated tanh: 1 - tanh² is ill-conditioned, the runs drift apart
        assert b["metrics"][key] == pytest.approx(value, rel=1e-4, abs=1e-4), key
    assert table["largest_loss_difference"] < 1e-4


@pytest.mark.parametrize("number", [23, 24, 25])
def test_step_narrates_every_step_in_chinese(number, tmp_path):
    say = quiet("zh", step=True)
    run(number, "edu", tmp_path, say=say, step=True, lang="zh")
    steps = [line for kind, line in say.log if kind == "say"]
    assert len(steps) >= 4
    assert all(CJK.search(line) for line in steps), [s for s in steps if not CJK.search(s)]


# -- full length (slow) ----------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_lesson25_full_length_gpt_reaches_a_test_loss_near_2_1(engine, tmp_path):
    result = run(25, engine, tmp_path, quick=False)
    assert len(result["losses"]) == 4000
    assert result["metrics"]["test loss"] < 2.25
