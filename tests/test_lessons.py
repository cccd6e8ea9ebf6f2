"""The lessons: every one runs (--quick) on both engines, gives the course's exact numbers,
and the command line behaves (list, run, errors as one line, files written)."""
import io
import os
import subprocess
import sys

import pytest

from lessons.__main__ import main
from lessons import report
from lessons.narration import Narrator
from lessons.registry import LESSONS, find
from lessons.runner import run_lesson
from lessons.engines import EngineError, get_engine, resolve_device, torch_available

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
needs_torch = pytest.mark.skipif(not torch_available(), reason="real PyTorch not installed")
ENGINES = ["edu", pytest.param("torch", marks=needs_torch)]
DRAWING_LESSONS = [5, 6, 7, 8, 9, 11, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25]   # --graph draws these
LAYER_LESSONS = [11, 15, 16, 17, 18]                        # ... at layer level (depth=1)


def quiet(lang="en"):
    return Narrator(lang=lang, step=False, stream=io.StringIO(), interactive=False)


def run(number, engine="edu", tmp_path=None, **kw):
    say = kw.pop("say", None) or quiet()
    out = str(tmp_path) if tmp_path is not None else "out"
    return run_lesson(number, engine=engine, out=out, say=say, show_progress=False, **kw)


def cli(*args, **kw):
    """Run ``python -m lessons ...`` as a learner would; returns the CompletedProcess."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "lessons", *args], cwd=kw.get("cwd", ROOT),
                          env=env, capture_output=True, text=True, timeout=300)


# -- every lesson, both engines ------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("number", [lesson.number for lesson in LESSONS])
def test_every_lesson_runs_quick_on_both_engines_and_graph_draws_or_says_why(number, engine,
                                                                              tmp_path):
    """Each lesson, --quick --graph: it runs, and it either writes its computational graph
    (SVG, or DOT text without Graphviz) and its backward stepper (HTML), or prints one
    line saying it has nothing to draw. (--graph rides along here: the lesson runs
    once, the drawing adds a fraction of a second.)"""
    say = quiet()
    result = run(number, engine, tmp_path, quick=True, graph=True, say=say)
    assert result["engine"] == engine and result["lesson"] == number
    assert result["summary"] and not result.get("stopped")
    assert result["metrics"], "a lesson returns its key numbers"
    graphs = [path for what, path in result["files"] if what.startswith("graph")]
    pages = [path for what, path in result["files"] if what == "backward step-through"]
    printed = [line for kind, line in say.log if kind == "result"]
    if number not in DRAWING_LESSONS:
        assert graphs == [] and pages == []
        assert any(f"lesson {number:02d} has no computational graph to draw" in line
                   for line in printed), printed
        return
    assert graphs and len(graphs) == len(pages)
    for path in graphs:
        assert path.endswith((".svg", ".dot")) and os.path.getsize(path) > 0
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert "<svg" in text if path.endswith(".svg") else "digraph" in text
        if number in LAYER_LESSONS:   # the big models: layer boxes, not every operation
            assert "kind-module" in text.replace("&#45;", "-")
    for path in pages:   # one small batch: the page stays small
        assert path.endswith(".html") and 0 < os.path.getsize(path) < 3_000_000
        with open(path, encoding="utf-8") as f:
            assert "<html" in f.read(2000).lower()
    assert not any("has no computational graph" in line for line in printed)


# -- the exact numbers of the course ---------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_lesson02_minimum_mse_zero_at_w_2(engine):
    m = run(2, engine)["metrics"]
    assert m["best w"] == pytest.approx(2.0) and m["min MSE"] == pytest.approx(0.0, abs=1e-10)
    assert (m["best w (w, b model)"], m["best b (w, b model)"]) == pytest.approx((3.0, 2.0))


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson03_gradient_descent_by_hand(engine):
    m = run(3, engine)["metrics"]
    assert round(m["w"], 5) == 1.99994
    assert round(m["predict(4)"], 5) == 7.99978


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson04_stochastic_gradient_descent_predicts_8(engine):
    assert f"{run(4, engine)['metrics']['predict(4)']:.4f}" == "8.0000"


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson05_autograd_numbers(engine):
    m = run(5, engine)["metrics"]
    assert m["dx"] == 7.0
    assert (m["w.grad"], m["b.grad"]) == (-2.0, -1.0)
    assert round(m["x after 10 steps"], 5) == 0.53687
    assert f"{m['predict(4)']:.4f}" == "8.0000"


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson05_prints_the_graph_functions_as_torch_does(engine):
    say = quiet()
    run(5, engine, say=say)
    lines = [line for kind, line in say.log if kind == "result"]
    assert "y = tensor(11., grad_fn=<AddBackward0>)" in lines
    assert "x.grad = tensor(7.)" in lines


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson06_quadratic_model_predicts_about_8_5(engine):
    assert round(run(6, engine)["metrics"]["predict(4)"], 3) == 8.544


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson07_linear_regression_converges_after_1000_epochs(engine):
    m = run(7, engine)["metrics"]
    assert m["w"] == pytest.approx(2.0, abs=0.01) and m["b"] == pytest.approx(0.0, abs=0.03)
    assert m["predict(4)"] == pytest.approx(8.0, abs=0.01)


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson08_pass_probability_crosses_half_near_2_5_hours(engine):
    assert run(8, engine)["metrics"]["crossing (hours)"] == pytest.approx(2.5, abs=0.15)


@needs_torch
def test_lesson09_diabetes_loss_falls_as_real_pytorch_seed_0():
    m = run(9, "torch", seed=0)["metrics"]
    assert round(m["first loss"], 3) == 0.728 and round(m["last loss"], 3) == 0.675
    assert round(m["share of 1 labels"], 2) == 0.65


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson10_every_sample_seen_once_per_epoch(engine):
    m = run(10, engine, quick=True)["metrics"]
    assert m["every sample once"] == 1.0 and m["batches per epoch"] == 24


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson11_dnn_learns_only_the_middle_class(engine, tmp_path):
    m = run(11, engine, tmp_path)["metrics"]   # the full 1000 epochs: a few seconds
    assert m["test accuracy"] == pytest.approx(100 * m["middle class share"], abs=3.0)
    assert 63 < m["test accuracy"] < 71
    assert m["loaded model accuracy"] == m["test accuracy"]


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson14_cross_entropy_by_hand_equals_the_framework(engine):
    m = run(14, engine, quick=True)["metrics"]
    assert m["CrossEntropyLoss"] == pytest.approx(m["numpy cross-entropy"], abs=1e-6)
    assert round(m["numpy cross-entropy"], 4) == 0.9729
    assert (round(m["loss1"], 4), round(m["loss2"], 4)) == (0.4966, 1.2389)


LENET_TABLE = """\
Conv2d output shape: \t torch.Size([1, 6, 28, 28])
Tanh output shape: \t torch.Size([1, 6, 28, 28])
AvgPool2d output shape: \t torch.Size([1, 6, 14, 14])
Conv2d output shape: \t torch.Size([1, 16, 10, 10])
Tanh output shape: \t torch.Size([1, 16, 10, 10])
AvgPool2d output shape: \t torch.Size([1, 16, 5, 5])
Conv2d output shape: \t torch.Size([1, 120, 1, 1])
Tanh output shape: \t torch.Size([1, 120, 1, 1])
Flatten output shape: \t torch.Size([1, 120])
Linear output shape: \t torch.Size([1, 84])
Tanh output shape: \t torch.Size([1, 84])
Linear output shape: \t torch.Size([1, 10])"""


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson16_lenet_shape_table_exactly_as_the_course_prints_it(engine):
    result = run(16, engine, quick=True)
    assert "\n".join(result["shape_table"]) == LENET_TABLE


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson17_saves_loads_and_names_a_class(engine, tmp_path):
    result = run(17, engine, tmp_path, quick=True)
    predicted, actual = result["prediction"]
    assert predicted.split(" - ")[1] in ("zero", "one", "two", "three", "four", "five", "six",
                                         "seven", "eight", "nine")
    assert (tmp_path / "l17_model.pth").exists()


@needs_torch
def test_lesson18_two_layer_net_reaches_real_pytorch_loss():
    m = run(18, "torch", seed=0)["metrics"]
    assert m["SimpleNN loss"] < 0.01
    assert round(m["TwoLayerNN loss"], 4) == 0.0059


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson19_numpy_and_framework_agree_to_float_rounding(engine):
    result = run(19, engine, quick=True)
    assert result["one_step_difference"][engine] < 1e-5
    acc = result["metrics"]
    assert acc[f"{engine} test accuracy"] == acc["numpy test accuracy"]


def test_a_lesson_is_seeded_the_same_command_gives_the_same_numbers():
    assert run(11, quick=True)["losses"] == run(11, quick=True)["losses"]
    assert run(11, quick=True, seed=1)["losses"] != run(11, quick=True)["losses"]


# -- files: plots and graphs ------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_graph_writes_the_graph_and_the_backward_stepper(engine, tmp_path):
    result = run(5, engine, tmp_path, graph=True)
    written = {what: path for what, path in result["files"]}
    assert os.path.exists(written["backward step-through"])
    graph = [p for what, p in result["files"] if what.startswith("graph")][0]
    text = open(graph, encoding="utf-8").read()
    assert "MUL" in text and "POW" in text


def test_plot_writes_the_course_plot_as_png(tmp_path):
    result = run(3, "edu", tmp_path, plot=True)
    [(what, path)] = result["files"]
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_without_plot_or_graph_nothing_is_written(tmp_path):
    assert run(5, "edu", tmp_path)["files"] == []
    assert list(tmp_path.iterdir()) == []


# -- the command line -------------------------------------------------------------------------
def test_list_names_every_lesson_with_its_source(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[1:]
    assert len(lines) == len(LESSONS)
    for lesson, line in zip(LESSONS, lines):
        assert line.startswith(lesson.code) and lesson.title in line
        assert report.source(lesson) in line   # the notes' chapter titles, not file numbers


def test_list_in_chinese(capsys):
    main(["list", "--lang", "zh"])
    assert "自动求导" in capsys.readouterr().out


def test_run_prints_the_one_line_result_and_the_files(tmp_path, capsys):
    assert main(["run", "03", "--plot", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "lesson 03 done in" in out and "w = 1.99994, predict(4) = 7.99978" in out
    assert "files written:" in out and "l03_cost.png" in out


def test_run_all_runs_every_lesson(tmp_path):
    done = cli("run", "all", "--quick", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert all(f"lesson {lesson.code} done" in done.stdout for lesson in LESSONS)


def test_unknown_lesson_is_one_line_and_exit_2(capsys):
    assert main(["run", "42"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"01 to {LESSONS[-1].code}" in err


def test_cuda_with_the_edu_engine_is_a_clear_message_not_a_traceback():
    done = cli("run", "05", "--device", "cuda")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "--engine torch" in done.stderr


@needs_torch
def test_cuda_without_a_gpu_is_one_line_and_exit_2():
    torch = get_engine("torch")
    if torch.cuda.is_available():
        assert resolve_device("torch", "cuda") == "cuda"
        pytest.skip("this machine has CUDA: the message case cannot happen here")
    done = cli("run", "05", "--engine", "torch", "--device", "cuda")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "no CUDA device" in done.stderr


def test_without_torch_the_torch_engine_explains_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)   # import torch now fails
    with pytest.raises(EngineError, match="pip install torch"):
        get_engine("torch")
    assert main(["run", "03", "--engine", "torch"]) == 2


def _imported_packages(package):
    """The top-level names every module under ``package`` imports (absolute imports)."""
    import ast
    names = {}
    for folder, _, files in os.walk(os.path.join(ROOT, package)):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    tree = ast.parse(f.read(), path)
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        tops = [alias.name.split(".")[0] for alias in node.names]
                    elif isinstance(node, ast.ImportFrom) and not node.level:
                        tops = [node.module.split(".")[0]]
                    else:
                        continue
                    for top in tops:
                        names.setdefault(top, []).append(os.path.relpath(path, ROOT))
    return names


def test_imports_point_one_way():
    """lessons -> viz -> tinygrad_edu: the engine never imports viz, the lessons or torch
    (picking the engine, real torch included, is lessons/engines.py's job); viz never
    imports the lessons."""
    engine = _imported_packages("tinygrad_edu")
    for banned in ("lessons", "viz", "torch"):
        assert banned not in engine, f"{engine[banned]} import {banned}"
    assert "lessons" not in _imported_packages("viz")
    assert not os.path.exists(os.path.join(ROOT, "tinygrad_edu", "backend.py"))


def test_the_console_script_points_at_main():
    import configparser
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "setup.cfg"))
    assert "tinygrad-edu = lessons.__main__:main" in cfg["options.entry_points"]["console_scripts"]


def test_find_accepts_5_and_05():
    assert find("5") is find("05") is find(5)


@needs_torch
def test_cuda_is_used_when_torch_sees_a_gpu(monkeypatch):
    torch = get_engine("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert resolve_device("torch", "cuda") == "cuda"
    assert resolve_device("torch", "cuda:0") == "cuda:0"
    with pytest.raises(EngineError, match="1 CUDA device"):
        resolve_device("torch", "cuda:3")
    with pytest.raises(EngineError, match="CPU only"):
        resolve_device("edu", "cuda")
