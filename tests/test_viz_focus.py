"""Big models in the HTML player: the focus view draws the current node's neighbourhood, and
in headless Chromium at 1400×1000 its node text is at least 11 px tall on every frame of the
MNIST DNN and of LeNet. Screenshots go to pytest's tmp_path and are copied to /tmp/shots/
for a person to look at. Skipped without Chromium or Graphviz."""
import os
import shutil

import pytest

import tinygrad_edu as torch
import viz
from browser import BROWSER, Browser
from viz.focus import FOCUS_NODES, focus_dot, neighbourhood, wrap

nn = torch.nn
SHOTS = "/tmp/shots"
VIEWPORT = (1400, 1000)
MIN_TEXT_PX = 11.0


def mnist_dnn():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256),
                          nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 64),
                          nn.ReLU(), nn.Linear(64, 10))
    x, y = torch.randn(4, 1, 28, 28), torch.tensor([1, 2, 3, 4])
    return model, x, y


def lenet():
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
    x, y = torch.randn(2, 1, 28, 28), torch.tensor([3, 7])
    return model, x, y


def stepped(make):
    model, x, y = make()
    with viz.trace_modules(model, name="model") as trace:
        loss = nn.functional.cross_entropy(model(x), y)
    return viz.step_backward(loss, params=trace)


def test_neighbourhood_looks_through_intermediate_results():
    frames = stepped(mnist_dnn)
    graph = frames.graph
    linear = next(f for f in frames if f.label == "LINEAR" and f.index > 2)
    titles = sorted(graph.nodes[i].title or graph.nodes[i].kind
                    for i in neighbourhood(graph, linear.current))
    # itself, weight, bias, the input and output results, and the RELUs on either side
    assert titles == ["LINEAR", "RELU", "RELU", "model.7.bias", "model.7.weight", "tensor",
                      "tensor"]
    source = focus_dot(graph, linear)
    assert f'id="z{linear.index}_{linear.current}"' in source
    assert "subgraph" not in source and "legend" not in source
    assert focus_dot(graph, frames[-1]) is None  # the last frame has no single current node
    assert len(graph.nodes) > FOCUS_NODES


def test_wrap_breaks_long_value_lines_after_commas():
    line = "[" + ", ".join(["0.123456"] * 10) + "]"
    lines = wrap([line, "short"], width=40)
    assert all(len(part) <= 40 for part in lines) and lines[-1] == "short"
    assert "".join(p.strip() + (" " if p.endswith(",") else "") for p in lines[:-1]) == line


needs_both = pytest.mark.skipif(BROWSER is None or viz.find_dot() is None,
                                reason="needs Chromium and Graphviz's dot")

MEASURE = """(function(){
  var f = document.querySelector('.frame:not([hidden])'), v = f.querySelector('.focus');
  if (!v || getComputedStyle(v).display === 'none') { return null; }
  var box = v.getBoundingClientRect(), out = [];
  v.querySelectorAll('g.node text').forEach(function (t) {
    if (!t.textContent.trim()) { return; }
    var bb = t.getBBox(), r = t.getBoundingClientRect();
    var px = parseFloat(getComputedStyle(t).fontSize) * r.width / bb.width;
    out.push([px, r.height, t.textContent,
              r.left >= box.left - 1 && r.right <= box.right + 1 &&
              r.top >= box.top - 1 && r.bottom <= box.bottom + 1]);
  });
  var g = v.querySelector('[id="z' + f.dataset.index + '_' + f.dataset.current + '"]');
  var c = g.getBoundingClientRect();
  return {texts: out, current: c.left >= box.left && c.right <= box.right &&
          c.top >= box.top && c.bottom <= box.bottom};
})()"""


@pytest.fixture(scope="module")
def chromium():
    browser = Browser()  # one browser for the module: each test opens its own tab
    yield browser
    browser.close()


@needs_both
@pytest.mark.parametrize("name, make", [("mnist_dnn", mnist_dnn), ("lenet", lenet)])
def test_focus_view_text_is_readable(name, make, tmp_path, chromium):
    frames = stepped(make)
    path = frames.save_html(tmp_path / f"{name}.html")
    browser = chromium
    browser.open("file://" + str(path), size=VIEWPORT)
    assert browser.js("document.body.dataset.focus") == "1"  # big graph: focus by default
    smallest, shots = [], []
    for k in range(len(frames)):
        page = browser.js(MEASURE)
        if frames[k].current is None:
            assert page is None  # the last frame: the whole graph
        else:
            assert page["current"], f"frame {k}: the current node is outside the view"
            sizes = [px for px, _, _, _ in page["texts"]]
            heights = [h for _, h, _, _ in page["texts"]]
            assert min(sizes) >= MIN_TEXT_PX, (k, sorted(page["texts"])[:3])
            assert min(heights) >= MIN_TEXT_PX
            smallest.append((min(sizes), min(heights)))
        if k in (1, 3, len(frames) // 2):
            shots.append(tmp_path / f"{name}_focus_{k:02d}.png")
            assert browser.screenshot(shots[-1]) > 60_000  # a real picture, not blank
        browser.key("ArrowRight", 39)
    browser.key("f", 70)  # the whole graph, following the current node
    browser.key("Home", 36)
    browser.key("ArrowRight", 39)
    assert browser.js("document.body.dataset.focus") == "0"
    assert float(browser.js("document.body.dataset.zoom")) >= 1.05
    shots.append(tmp_path / f"{name}_follow.png")
    assert browser.screenshot(shots[-1]) > 60_000
    assert browser.errors() == []
    os.makedirs(SHOTS, exist_ok=True)
    for shot in shots:
        shutil.copy(shot, SHOTS)
    font, box = min(s for s, _ in smallest), min(h for _, h in smallest)
    with open(os.path.join(SHOTS, f"{name}_text_px.txt"), "w") as f:
        f.write(f"smallest node text in the focus view: font {font:.1f} px, box {box:.1f} px\n")


@needs_both
def test_layers_of_the_dnn_open_following_the_current_node(tmp_path, chromium):
    model, x, y = mnist_dnn()
    with viz.trace_modules(model, name="model") as trace:
        loss = nn.functional.cross_entropy(model(x), y)
    frames = viz.step_backward(loss, params=trace, depth="layers")
    assert len(frames.graph.nodes) <= FOCUS_NODES  # not big: no focus view by default
    path = frames.save_html(tmp_path / "dnn_layers.html")
    browser = chromium
    browser.open("file://" + str(path), size=VIEWPORT)
    # but a column of nine layers fitted in the window would be too small to read
    assert browser.js("document.body.dataset.focus") == "0"
    assert browser.js("document.body.dataset.follow") == "1"
    for _ in range(4):
        browser.key("ArrowRight", 39)
    assert float(browser.js("document.body.dataset.zoom")) >= 1.05
    shot = tmp_path / "mnist_dnn_layers_follow.png"
    assert browser.screenshot(shot) > 60_000
    assert browser.errors() == []
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(shot, SHOTS)
