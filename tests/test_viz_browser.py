"""The HTML stepper in a real headless browser (Chromium), driven through the DevTools
protocol over a pipe (--remote-debugging-pipe: JSON messages ending in a NUL byte on file
descriptors 3 and 4), so no driver library and no network port are needed."""
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

import pytest

import tinygrad_edu as torch
import viz
from tinygrad_edu.ops.loss_ops import BCELoss

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium/Chrome installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe", "--window-size=1280,900"]


class Browser:
    """A tiny DevTools-protocol client: send a command, read replies and events."""

    def __init__(self):
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def wire():  # the browser reads commands on fd 3 and writes replies on fd 4
            a, b = os.dup(to_browser), os.dup(from_browser)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.profile = tempfile.mkdtemp(prefix="viz-chromium-")
        self.process = subprocess.Popen(
            [BROWSER, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer, self._id, self.events, self.session = b"", 0, [], None

    def _message(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("the browser did not answer")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise EOFError("the browser closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, timeout=10, **params):
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event, timeout=10):
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == event:
                    return self.events.pop(i)
            self.events.append(self._message(timeout))

    def open(self, url):
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def key(self, key, code):
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                      windowsVirtualKeyCode=code)

    def click(self, selector):
        box = self.js(f"(function(){{var r=document.querySelector('{selector}')"
                      f".getBoundingClientRect();return [r.x+r.width/2,r.y+r.height/2];}})()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def errors(self):
        bad = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                bad.append(params["exceptionDetails"].get("text"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                   "assert"):
                bad.append(str(params.get("args")))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                bad.append(params["entry"].get("text"))
        return bad

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except (OSError, TimeoutError, EOFError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write)
        os.close(self._read)
        shutil.rmtree(self.profile, ignore_errors=True)


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
