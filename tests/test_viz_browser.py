"""The HTML stepper in a real headless browser (Chromium, driven by tests/browser.py):
stepping, keys, zoom and pan, follow, the focus view's toggle, the chain rule's element
picker. Skipped without Chromium."""
import time

import pytest

import tinygrad_edu as torch
import viz
from browser import Browser, needs_browser
from tinygrad_edu.ops.loss_ops import BCELoss

pytestmark = needs_browser


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def shown(browser):
    """(frame index, highlighted node id from the page state, id of the visible SVG node
    drawn as current or None)."""
    return (browser.js("document.body.dataset.frame"), browser.js("document.body.dataset.current"),
            browser.js("(function(){var g=document.querySelector('.frame:not([hidden]) "
                       "g.node.current');return g?g.id:null;})()"))


def test_html_stepper_in_a_real_browser(browser, tmp_path):
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([[0.0], [0.0], [1.0]])
    w = torch.tensor([[0.5]], requires_grad=True)
    b = torch.tensor([-1.0], requires_grad=True)
    loss = BCELoss.apply((x @ w + b).sigmoid(), y, reduction="mean")
    frames = viz.step_backward(loss)
    path = frames.save_html(tmp_path / "steps.html", play_ms=150)
    have_svg = viz.find_dot() is not None

    browser.open("file://" + str(path))
    assert browser.js("document.querySelectorAll('.frame').length") == len(frames) == 6
    assert shown(browser) == ("0", "out", "f0_out" if have_svg else None)

    browser.key("ArrowRight", 39)
    browser.key("ArrowRight", 39)
    current = frames[2].current
    assert frames.graph.nodes[current].title == "SIGMOID"
    assert shown(browser) == ("2", current, f"f2_{current}" if have_svg else None)
    assert browser.js("document.title").startswith("[3/6] SIGMOID")

    browser.key("ArrowLeft", 37)
    assert shown(browser)[:2] == ("1", frames[1].current)
    browser.click("#next")
    browser.click("#next")
    assert shown(browser)[:2] == ("3", frames[3].current)
    browser.click("#prev")
    assert shown(browser)[0] == "2"
    assert browser.js("document.querySelectorAll('.frame:not([hidden])').length") == 1

    browser.key("End", 35)
    assert shown(browser)[0] == "5" and browser.js("document.getElementById('next').disabled")
    browser.key("Home", 36)
    browser.click("#play")
    time.sleep(0.5)
    assert int(shown(browser)[0]) >= 2  # playing on its own
    assert browser.errors() == []


def logistic_frames():
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([[0.0], [0.0], [1.0]])
    w = torch.tensor([[0.5]], requires_grad=True)
    b = torch.tensor([-1.0], requires_grad=True)
    return viz.step_backward(BCELoss.apply((x @ w + b).sigmoid(), y, reduction="mean"))


def zoom(browser):
    return float(browser.js("document.body.dataset.zoom"))


def transform(browser, which=".full"):
    return browser.js(f"document.querySelector('.frame:not([hidden]) {which} .stage')"
                      ".style.transform")


def centre_offset(browser, prefix):
    """How far (px) the visible current node's middle is from its viewer's middle."""
    return browser.js(
        "(function(){var f=document.querySelector('.frame:not([hidden])');"
        f"var g=f.querySelector('[id=\"{prefix}'+f.dataset.index+'_'+f.dataset.current+'\"]');"
        "var v=g.closest('.viewer').getBoundingClientRect(),r=g.getBoundingClientRect();"
        "return Math.hypot(r.x+r.width/2-v.x-v.width/2, r.y+r.height/2-v.y-v.height/2);})()")


def test_zoom_pan_fit_and_follow(browser, tmp_path):
    if viz.find_dot() is None:
        pytest.skip("Graphviz's dot is not installed")
    frames = logistic_frames()
    path = frames.save_html(tmp_path / "steps.html")
    browser.open("file://" + str(path), size=(1400, 1000))
    # a small graph: no focus view; but its six operations and their results are taller
    # than the window, too small to read when fitted, so it opens following the node
    assert browser.js("document.body.dataset.focus") == "0"
    assert browser.js("document.body.dataset.follow") == "1" and zoom(browser) >= 1.05
    assert centre_offset(browser, "f") < 2
    browser.click("#fit")  # the whole graph; fit turns follow off
    assert browser.js("document.body.dataset.follow") == "0"
    assert browser.js("document.getElementById('follow').getAttribute('aria-pressed')") == \
        "false"
    fitted = zoom(browser)
    assert fitted < 1.05
    browser.click("#zoomin")
    assert zoom(browser) == pytest.approx(fitted * 1.25, rel=1e-3)
    browser.key("-", 189)
    assert zoom(browser) == pytest.approx(fitted, rel=1e-3)
    box = browser.js("(function(){var r=document.querySelector('.frame:not([hidden]) .full')"
                     ".getBoundingClientRect();return [r.x+r.width/2,r.y+r.height/2];})()")
    browser.wheel(box[0], box[1], -300)
    assert zoom(browser) > fitted * 1.2
    before = transform(browser)
    browser.drag(box, (box[0] + 80, box[1] + 40))
    assert transform(browser) != before
    browser.click("#fit")
    assert zoom(browser) == pytest.approx(fitted, rel=1e-3)

    browser.key("c", 67)  # follow: each frame centres its current node, readable
    assert browser.js("document.body.dataset.follow") == "1"
    for _ in range(3):
        browser.key("ArrowRight", 39)
        assert zoom(browser) >= 1.05
        assert centre_offset(browser, "f") < 2  # the current node in the middle
    browser.click("#fit")
    assert browser.js("document.body.dataset.follow") == "0"

    browser.click("#focus")  # the focus view on a small graph works too
    assert browser.js("document.body.dataset.focus") == "1"
    assert browser.js("!!document.querySelector('.frame:not([hidden]) main.focused')")
    assert centre_offset(browser, "z") < 200
    browser.click(".frame:not([hidden]) .full")  # a click on the overview leaves it
    assert browser.js("document.body.dataset.focus") == "0"
    assert browser.errors() == []


def test_chain_rule_element_picker(browser, tmp_path):
    frames = logistic_frames()
    for frame in frames:
        frame.chain = []
    frames[2].chain = [
        {"input": "a", "shape": [3, 1], "default": "1",
         "entries": {"0": ["∂L/∂a[0,0] = 0.1 × 2 = 0.2"], "1": ["∂L/∂a[1,0] = 0.3 × 2 = 0.6"],
                     "2": ["∂L/∂a[2,0] = 0.5 × 2 = 1.0", "   (second line)"]}},
        {"input": "nothing", "shape": [2], "default": "0", "entries": {}}]
    path = frames.save_html(tmp_path / "chain.html")
    browser.open("file://" + str(path), size=(1400, 1000))

    def picked():
        return browser.js(
            "(function(){var c=document.querySelector('.frame:not([hidden]) .chain');"
            "if(!c)return null;var on=c.querySelector('.chip.on');"
            "var l=[].filter.call(c.querySelectorAll('.lines'),function(x){return !x.hidden;});"
            "return [on.textContent, l.map(function(x){return x.textContent;}),"
            "[].map.call(c.querySelectorAll('.chip'),function(x){return x.textContent;})];})()")

    assert picked() is None  # frame 0 has no chain: nothing drawn
    browser.key("ArrowRight", 39)
    browser.key("ArrowRight", 39)
    chips = ["[0,0]", "[1,0]", "[2,0]"]
    assert picked() == ["[1,0]", ["∂L/∂a[1,0] = 0.3 × 2 = 0.6"], chips]
    browser.click(".frame:not([hidden]) .chip[data-k=\"2\"]")
    assert picked() == ["[2,0]", ["∂L/∂a[2,0] = 0.5 × 2 = 1.0\n   (second line)"], chips]
    browser.click(".frame:not([hidden]) .chip[data-k=\"0\"]")
    assert picked()[:2] == ["[0,0]", ["∂L/∂a[0,0] = 0.1 × 2 = 0.2"]]
    assert browser.js("document.querySelectorAll('.frame:not([hidden]) .chain').length") == 1
    assert browser.js("document.body.dataset.frame") == "2"  # a chip click is not a step
    assert browser.errors() == []
