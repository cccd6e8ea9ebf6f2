"""The lessons as notebooks: each is generated from its lesson file and up to date, each
runs in a Jupyter kernel (nbclient + ipykernel) on tinygrad_edu and on real torch, and in
a notebook the graph, the plots and the backward step-through show inline, the
step-through also as a static view (inline SVG + step text) kept in the saved outputs.

The fast suite executes a few notebooks (lesson 05 on both engines, 08 on tinygrad_edu);
``make test-slow`` executes every one on both engines."""
import ast
import json
import os

import pytest

import viz
from lessons import notebooks as gen
from lessons.engines import torch_available
from lessons.registry import LESSONS, find

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
needs_torch = pytest.mark.skipif(not torch_available(), reason="real PyTorch not installed")


# -- one source: the notebooks are generated from the lessons ------------------------------
def test_every_lesson_has_a_notebook_up_to_date_with_its_file():
    problems = gen.problems()
    assert problems == [], ("\n".join(problems)
                            + "\nrun `python -m lessons notebooks` (make notebooks)")
    assert gen.available(), "no lesson file found"


def test_a_notebook_is_valid_nbformat_and_holds_the_lessons_code():
    nbformat = pytest.importorskip("nbformat")
    lesson = find(5)
    path = gen.NOTEBOOKS / gen.notebook_name(lesson)
    for lesson_ in gen.available():
        nbformat.validate(nbformat.read(str(gen.NOTEBOOKS / gen.notebook_name(lesson_)),
                                        as_version=4))
    nb = nbformat.read(str(path), as_version=4)
    sources = ["".join(c.source) for c in nb.cells]
    assert "# Lesson 05 · autograd: the computational graph" in sources[0]
    assert "第 05 课 · 自动求导：计算图" in sources[0]
    setup = next(s for s in sources if "import tinygrad_edu as torch" in s)
    assert "# import torch" in setup
    code = open(gen.lesson_file(lesson), encoding="utf-8").read()
    functions = [node for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)]
    assert "run" in [f.name for f in functions]
    for function in functions:   # every function of the file, verbatim, in a cell of its own
        text = gen.absolute_imports(ast.get_source_segment(code, function))
        assert any(s.endswith(text) and sum(line.startswith(("def ", "class "))
                                            for line in s.split("\n")) == 1
                   for s in sources), text[:80]
    assert not any("from ." in s for s in sources)
    assert any(c.metadata.get("tags") == ["parameters"] for c in nb.cells)
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")


def test_split_source_keeps_comments_rewrites_relative_imports_and_drops_main():
    source = '''"""Lesson 99 — title.

The body."""
import math

from . import common
from .data import (load,
                   save)

# a constant, with its comment
N = 3
M = 4


def run(torch, device, say, opts):
    from .graphs import picture
    return {}


@staticmethod
def helper():
    pass


if __name__ == "__main__":
    run()
'''
    docstring, cells = gen.split_source(source)
    assert docstring == "Lesson 99 — title.\n\nThe body."
    assert cells[0] == ("import math\n\nfrom lessons import common\n"
                        "from lessons.data import (load,\n                   save)")
    assert cells[1] == "# a constant, with its comment\nN = 3\nM = 4"
    assert cells[2].startswith("def run(") and "from lessons.graphs import picture" in cells[2]
    assert cells[3].startswith("@staticmethod\ndef helper")
    assert len(cells) == 4


def test_the_generator_writes_checks_and_removes_stale_notebooks(tmp_path, capsys):
    from lessons.__main__ import main
    lessons = gen.available()[:2]
    assert main(["notebooks", "--check", "--out", str(tmp_path)]) == 1
    assert "missing" in capsys.readouterr().out
    assert main(["notebooks", "--out", str(tmp_path)]) == 0
    assert main(["notebooks", "--check", "--out", str(tmp_path)]) == 0
    first = tmp_path / gen.notebook_name(lessons[0])
    nb = json.loads(first.read_text(encoding="utf-8"))
    nb["cells"][-1]["source"] = ["result = 1"]
    first.write_text(json.dumps(nb), encoding="utf-8")
    assert gen.problems(tmp_path) == [f"{first}: out of date with lessons/"
                                      f"{lessons[0].module}.py"]
    nb = json.loads((tmp_path / gen.notebook_name(lessons[1])).read_text(encoding="utf-8"))
    nb["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    (tmp_path / gen.notebook_name(lessons[1])).write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "l99_gone.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "mine.ipynb").write_text('{"metadata": {}, "cells": []}', encoding="utf-8")
    assert sorted(p.name for p in gen.write_all(tmp_path)) == [first.name, "l99_gone.ipynb"]
    assert (tmp_path / "mine.ipynb").exists()   # not ours: left alone
    assert gen.problems(tmp_path) == []         # outputs alone do not make it out of date


# -- viz in a notebook, without a kernel -----------------------------------------------------
def neuron(engine="edu"):
    """Lesson 05's neuron, (w·x + b − 3)², stepped through as the lesson names it."""
    from lessons.engines import get_engine
    torch = get_engine(engine)
    w = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    x = torch.tensor(2.0)
    y = w * x + b
    loss = (y - 3.0) ** 2
    return viz.step_backward(loss, names={"x": x, "y": y, "loss": loss},
                             params={"w": w, "b": b})


@pytest.fixture
def shown(monkeypatch):
    """What viz.notebook displays, instead of displaying it."""
    pytest.importorskip("IPython")
    seen = []
    monkeypatch.setattr(viz.notebook, "display", lambda *objs, raw=False: seen.extend(objs))
    return seen


def test_in_notebook_is_false_here_and_the_environment_can_say_otherwise(monkeypatch):
    assert viz.in_notebook() is False
    monkeypatch.setenv("VIZ_NOTEBOOK", "1")
    assert viz.in_notebook() is True


def test_frames_show_as_the_player_and_a_static_view_of_every_frame():
    if viz.find_dot() is None:
        pytest.skip("Graphviz's dot is not installed")
    frames = neuron()
    html = frames._repr_html_()
    assert html.startswith("<iframe") and "srcdoc=" in html
    static = html[html.index('<details class="viz-static"'):]
    assert static.count('<div class="viz-frame"') == len(frames)
    assert static.count("<svg") == len(frames)
    for frame in frames:   # each frame's step text, outside the iframe
        assert viz.formatting.html_escape(frame.text()) in static


def test_step_through_is_one_frame_per_click_with_ipywidgets(monkeypatch, shown):
    pytest.importorskip("ipywidgets")
    monkeypatch.setenv("VIZ_NOTEBOOK", "1")
    frames = neuron()
    box = viz.step_through(frames)
    assert shown[0] is box and 'class="viz-static"' in shown[1]["text/html"]
    (back, forward, counter), picture = box.children[0].children, box.children[1]
    assert counter.value == f"frame 1 / {len(frames)}" and back.disabled
    forward.click()
    assert counter.value == f"frame 2 / {len(frames)}"
    assert viz.formatting.html_escape(frames[1].text()) in picture.value


def test_step_through_outside_a_kernel_shows_the_frames_stacked(shown):
    frames = neuron()
    assert viz.step_through(frames) is None
    assert len(shown) == 1 and "<details class=\"viz-static\" open>" in shown[0]["text/html"]


def test_plots_show_inline_in_a_notebook_and_still_save_on_request(monkeypatch, shown,
                                                                   tmp_path):
    from IPython.display import Image
    from viz import plots
    with pytest.raises(TypeError, match="path"):
        plots.loss_curve([1.0, 0.5])          # outside a notebook a figure needs a file
    monkeypatch.setenv("VIZ_NOTEBOOK", "1")
    assert plots.loss_curve([1.0, 0.5, 0.25]) is None
    path = plots.accuracy_curve([0.5, 0.9], tmp_path / "acc.png")
    assert path == str(tmp_path / "acc.png") and os.path.getsize(path) > 5000
    assert [type(x) for x in shown] == [Image, Image]
    assert shown[0].data[:8] == b"\x89PNG\r\n\x1a\n" and shown[0].width == 700


def test_a_lesson_in_a_notebook_never_waits_for_enter_and_shows_everything(monkeypatch,
                                                                            shown, tmp_path):
    from IPython.display import SVG, Image
    from lessons.in_notebook import Session
    monkeypatch.setenv("VIZ_NOTEBOOK", "1")
    monkeypatch.setattr("sys.stdin.readline", lambda: pytest.fail("it waited for Enter"))
    lesson = Session(5, engine="edu", quick=True, out=str(tmp_path), progress=False)
    assert lesson.say.step and not lesson.say.interactive
    result = lesson.run()
    assert result["metrics"]["dx"] == 7.0
    kinds = [type(x).__name__ for x in shown]
    assert "VBox" in kinds or viz.find_dot() is None   # one node per click (ipywidgets)
    assert any(isinstance(x, Image) for x in shown)    # the loss curve
    if viz.find_dot() is not None:
        assert any(isinstance(x, SVG) for x in shown)  # the graph
        pages = [x["text/html"] for x in shown if isinstance(x, dict)]
        assert any(p.startswith("<iframe") for p in pages)       # the player
        assert any('class="viz-static"' in p for p in pages)     # the static view


# -- every notebook in a Jupyter kernel ------------------------------------------------------
def execute(lesson, engine, tmp_path, monkeypatch):
    """Run the committed notebook of ``lesson`` in a fresh kernel (quick mode, ``engine``);
    write it with its outputs and return it as read back from that file."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("LESSONS_ENGINE", engine)
    monkeypatch.setenv("LESSONS_QUICK", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")   # tiny models: torch is faster on one thread
    monkeypatch.setenv("PYTHONPATH", ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv("VIZ_NOTEBOOK", raising=False)
    nb = nbformat.read(str(gen.NOTEBOOKS / gen.notebook_name(lesson)), as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            shutdown_kernel="immediate",   # a kernel with torch takes 3 s
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    saved = tmp_path / "executed.ipynb"
    nbformat.write(nb, str(saved))
    return nbformat.read(str(saved), as_version=4)


def outputs(nb, cell_id):
    return next(c.outputs for c in nb.cells if c.get("id") == cell_id)


def html_of(outs):
    return ["".join(o["data"]["text/html"]) for o in outs if "text/html" in o.get("data", {})]


def check_ran(nb, lesson, engine):
    run = outputs(nb, f"{lesson.module}-run")
    assert not [o for o in run if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in run if o.output_type == "stream")
    assert f"lesson {lesson.code} done in" in text and f"on {engine} (cpu)" in text
    assert any(o.output_type == "execute_result" for o in run)   # result["metrics"]
    return run


def engines_of(lesson):
    return [e for e in getattr(lesson, "engines", ("edu", "torch")) if e in ("edu", "torch")]


@pytest.mark.parametrize("engine", ["edu", pytest.param("torch", marks=needs_torch)])
def test_lesson_05_notebook_shows_graph_stepper_static_view_and_plot(engine, tmp_path,
                                                                     monkeypatch):
    lesson = find(5)
    nb = execute(lesson, engine, tmp_path, monkeypatch)
    run = check_ran(nb, lesson, engine)
    assert any("image/png" in o.get("data", {}) for o in run)          # the loss curve
    if viz.find_dot() is None:
        return
    assert any("image/svg+xml" in o.get("data", {}) for o in run)      # the graph
    pages = html_of(run)
    assert any("<iframe" in p and "srcdoc=" in p for p in pages)       # the player
    static = [p for p in pages if 'class="viz-static"' in p]
    assert static, "the static view of the step-through is in the saved outputs"
    frame_texts = [f.text() for f in neuron(engine)]
    assert "<svg" in static[0] and "POW" in static[0]
    assert viz.formatting.html_escape(frame_texts[1]) in static[0]     # Step 1/4: POW ...


def test_lesson_08_notebook_shows_its_plot_and_graph(tmp_path, monkeypatch):
    lesson = find(8)
    run = check_ran(execute(lesson, "edu", tmp_path, monkeypatch), lesson, "edu")
    assert any("image/png" in o.get("data", {}) for o in run)
    assert (tmp_path / "out" / "l08_pass_probability.png").exists()


SLOW = [pytest.param(lesson.number, engine, id=f"{lesson.code}-{engine}",
                     marks=[pytest.mark.slow] + ([needs_torch] if engine == "torch" else []))
        for lesson in LESSONS for engine in engines_of(lesson)]


@pytest.mark.parametrize("number, engine", SLOW)
def test_every_notebook_runs_in_a_kernel(number, engine, tmp_path, monkeypatch):
    lesson = find(number)
    if not gen.lesson_file(lesson).exists():
        pytest.skip(f"lessons/{lesson.module}.py is not there yet")
    check_ran(execute(lesson, engine, tmp_path, monkeypatch), lesson, engine)
