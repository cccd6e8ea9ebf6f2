"""Rendering with Graphviz's dot, and everything still working without it."""
import os
from xml.etree import ElementTree

import pytest

import tinygrad_edu as torch
import viz
from viz import dot as vdot

needs_dot = pytest.mark.skipif(viz.find_dot() is None, reason="Graphviz dot is not installed")


def small_loss():
    x = torch.tensor([[1.0], [2.0]])
    w = torch.tensor([[0.5]], requires_grad=True)
    return ((x @ w).sigmoid() - 1.0).pow(2).mean()


@pytest.fixture(autouse=True)
def _hint_not_shown_yet():
    """The install hint prints in full once per process: every test here starts as if it
    had not been shown yet, whichever tests (here or in other files) ran before."""
    vdot.reset_missing_hint()
    yield
    vdot.reset_missing_hint()


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A machine without Graphviz: PATH holds no `dot`."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert viz.find_dot() is None


@needs_dot
@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"),
                                        ("pdf", b"%PDF")])
def test_render_writes_a_non_empty_file(tmp_path, fmt, magic):
    path = viz.draw_graph(small_loss()).render(tmp_path / f"graph.{fmt}")
    assert path == str(tmp_path / f"graph.{fmt}")
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(magic) and len(data) > 1000


@needs_dot
def test_render_adds_the_suffix_of_the_format(tmp_path):
    path = viz.draw_graph(small_loss()).render(tmp_path / "graph", format="png")
    assert path.endswith("graph.png") and os.path.getsize(path) > 1000


@needs_dot
def test_svg_keeps_node_ids_and_classes():
    svg = viz.draw_graph(small_loss())._repr_svg_()
    root = ElementTree.fromstring(svg.encode("utf-8"))
    groups = {g.get("id"): g.get("class") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert groups["op0"] == "node kind-op" and groups["t1"] == "node kind-param"
    assert groups["out"] == "node kind-output"
    assert "MEAN" in svg and "SIGMOID" in svg


def test_without_dot_render_writes_dot_text_and_names_the_install(no_dot, tmp_path, capsys):
    drawing = viz.draw_graph(small_loss())
    path = drawing.render(tmp_path / "graph.svg")
    assert path == str(tmp_path / "graph.dot")
    with open(path, encoding="utf-8") as f:
        assert f.read() == drawing.source
    err = capsys.readouterr().err
    for command in ("sudo apt-get install graphviz", "brew install graphviz",
                    "conda install -c conda-forge graphviz", "graphviz.org", "PATH"):
        assert command in err
    assert "Traceback" not in err
    drawing.render(tmp_path / "again.png")  # later calls: one short line, no repeat
    assert "install hint above" in capsys.readouterr().err


def test_without_dot_notebook_and_pipe_return_no_picture(no_dot):
    drawing = viz.draw_graph(small_loss())
    assert drawing.pipe("svg") is None and drawing._repr_svg_() is None
    assert "digraph" in drawing._repr_mimebundle_()["text/plain"]


def test_without_dot_the_stepper_still_saves(no_dot, tmp_path, capsys):
    frames = viz.step_backward(small_loss())
    paths = frames.save_svgs(tmp_path / "frames")
    assert all(p.endswith(".dot") for p in paths) and len(paths) == len(frames)
    html = open(frames.save_html(tmp_path / "steps.html"), encoding="utf-8").read()
    assert "sudo apt-get install graphviz" in html and "digraph" in html
    assert "<svg" not in html and 'id="next"' in html


def test_a_dot_that_cannot_run_counts_as_missing(monkeypatch, tmp_path, capsys):
    fake = tmp_path / "dot"
    fake.write_text("not a program")  # on PATH but not executable as a program
    monkeypatch.setattr(vdot, "find_dot", lambda: str(fake))
    path = viz.draw_graph(small_loss()).render(tmp_path / "g.svg")
    assert path.endswith(".dot") and "apt-get" in capsys.readouterr().err


def test_save_writes_the_dot_text(tmp_path):
    drawing = viz.draw_graph(small_loss())
    path = drawing.save(tmp_path / "g.dot")
    assert open(path, encoding="utf-8").read() == drawing.source
