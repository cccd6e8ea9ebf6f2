"""``--step`` in a terminal: each step is narrated, the lesson waits for Enter, q quits;
English by default, Chinese with --lang zh; without a terminal it narrates without
pausing."""
import io
import os
import select
import subprocess
import sys
import time

import pytest

from lessons.narration import Narrator, StopLesson

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pty = pytest.importorskip("pty")


class Terminal:
    """``python -m lessons ...`` with a pseudo-terminal as its stdin and stdout."""

    def __init__(self, *args):
        self.master, slave = pty.openpty()
        env = dict(os.environ, PYTHONPATH=ROOT, COLUMNS="100")
        self.proc = subprocess.Popen([sys.executable, "-m", "lessons", *args], cwd=ROOT,
                                     env=env, stdin=slave, stdout=slave,
                                     stderr=subprocess.PIPE, close_fds=True)
        os.close(slave)
        self.text = ""

    def read_until(self, marker, timeout=60.0):
        """Read the terminal until ``marker`` appears (after what was already read)."""
        start = len(self.text)
        deadline = time.monotonic() + timeout
        while marker not in self.text[start:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{marker!r} did not appear; got:\n{self.text[start:]}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:   # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the lesson ended before {marker!r}:\n"
                                         f"{self.text[start:]}")
                self.text += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.text[start:]

    def press(self, keys="\n"):
        os.write(self.master, keys.encode())

    def finish(self, timeout=60):
        try:
            while True:   # drain what is left, so the child never blocks on a full pty
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.proc.poll() is not None:
                        break
                    continue
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.text += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            pass
        code = self.proc.wait(timeout=timeout)
        os.close(self.master)
        return code


def test_step_pauses_until_enter_and_narrates_in_english():
    term = Terminal("run", "03", "--step")
    first = term.read_until("[Enter: next step, q: quit]")
    assert "step 1" in first and "w = 1.0" in first
    time.sleep(0.3)   # the lesson waits: nothing after the prompt until Enter
    ready, _, _ = select.select([term.master], [], [], 0.5)
    assert not ready
    term.press()
    second = term.read_until("[Enter: next step, q: quit]")
    assert "step 2" in second and "w = w - alpha * gradient" in second
    term.press("\n\n\n\n")
    assert term.finish() == 0
    assert "w = 1.99994, predict(4) = 7.99978" in term.text


def test_step_narrates_in_chinese_with_lang_zh():
    term = Terminal("run", "05", "--step", "--lang", "zh")
    first = term.read_until("[回车继续, q 退出]")
    assert "第 1 步" in first and "计算图" in first
    term.press()
    second = term.read_until("[回车继续, q 退出]")
    assert "第 2 步" in second and "反向传播" in second
    term.press("q\n")
    assert term.finish() == 0
    assert "第 05 课已退出" in term.text


def test_step_pages_backward_one_node_per_enter():
    """Lesson 05 at a terminal: after the narration of backward, frames.show() shows one
    frame of the node-by-node backward per Enter."""
    term = Terminal("run", "05", "--step")
    for _ in range(3):                       # steps 1-3, up to the one about backward
        term.read_until("[Enter: next step, q: quit]")
        term.press()
    before = term.read_until("[Enter: next step, q: quit]")
    assert "Backward:" in before and "[1/6]" not in before
    term.press()
    first = term.read_until("[1/6]")
    assert "node by node" in first
    time.sleep(0.5)                          # the next frame waits for Enter
    while select.select([term.master], [], [], 0.3)[0]:
        term.text += os.read(term.master, 4096).decode("utf-8", "replace")
    assert "[2/6]" not in term.text
    term.press()
    assert "POW" in term.read_until("[2/6]")
    term.press("q\n")                        # leaves the frames; the lesson goes on
    term.read_until("[Enter: next step, q: quit]")
    term.press("q\n")
    assert term.finish() == 0
    assert "lesson 05 stopped" in term.text and "Traceback" not in term.text


def test_q_stops_the_lesson_quietly():
    term = Terminal("run", "07", "--step")
    term.read_until("[Enter: next step, q: quit]")
    term.press("q\n")
    assert term.finish() == 0
    assert "lesson 07 stopped" in term.text and "Traceback" not in term.text
    assert term.proc.stderr.read() == b""


def test_without_a_terminal_step_narrates_without_pausing():
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-m", "lessons", "run", "03", "--step"], cwd=ROOT,
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0
    assert "step 1" in done.stdout and "step 3" in done.stdout
    assert "[Enter" not in done.stdout


def test_narrator_pauses_once_per_step_and_q_raises_stop():
    answers = iter(["\n", "q\n"])
    out = io.StringIO()
    say = Narrator(step=True, stream=out, interactive=True, read=lambda: next(answers))
    say("first", zh="第一")
    with pytest.raises(StopLesson):
        say("second")
    assert out.getvalue().count("[Enter") == 2


def test_narration_is_silent_without_step_but_results_always_print():
    out = io.StringIO()
    say = Narrator(step=False, stream=out)
    say("a step")
    say.result("a result", "一个结果")
    assert out.getvalue() == "a result\n"
    zh = Narrator(lang="zh", step=False, stream=io.StringIO())
    assert zh.text("English", "中文") == "中文" and zh.text("only English") == "only English"
