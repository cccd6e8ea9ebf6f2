"""Narration: what a lesson says, in English or in Chinese, and the step-through pauses.

A lesson calls ``say("English", zh="中文")`` before each step. With ``--step`` the
narration is printed and, when a person sits at a terminal, the lesson waits for Enter
(``q`` + Enter stops it); without a terminal it narrates without pausing. Without
``--step`` narration stays quiet and only the results (``say.result``) are printed.
"""
import sys


class StopLesson(Exception):
    """The learner typed q at a pause: the runner ends the lesson quietly."""


class Narrator:
    """The ``say`` a lesson receives.

    ``say(en, zh=None)``         a step of narration (shown in step mode, then a pause)
    ``say.result(en, zh=None)``  a result line, always printed
    ``say.text(en, zh=None)``    the text in the chosen language (for labels, titles)
    ``say.frames(frames)``       backward node by node (viz frames), shown in step mode
    """

    def __init__(self, lang="en", step=False, stream=None, interactive=None, read=None):
        if lang not in ("en", "zh"):
            raise ValueError(f"unknown language {lang!r}: choose en or zh")
        self.lang, self.step = lang, step
        self.stream = stream or sys.stdout
        if interactive is None:
            interactive = _is_tty(sys.stdin) and _is_tty(self.stream)
        self.interactive = interactive
        self.read = read or sys.stdin.readline
        self.count = 0          # steps narrated so far
        self.log = []           # every narration and result, in order (tests read it)

    def text(self, en, zh=None):
        """The sentence in the learner's language (English when no Chinese is given)."""
        return zh if self.lang == "zh" and zh else en

    def __call__(self, en, zh=None):
        line = self.text(en, zh)
        self.log.append(("say", line))
        if not self.step:
            return
        self.count += 1
        head = f"── 第 {self.count} 步 ──" if self.lang == "zh" else f"── step {self.count} ──"
        self._write(f"\n{head}\n{line}\n")
        self.pause()

    def pause(self):
        """Wait for Enter at a terminal in step mode; go straight on otherwise."""
        if not (self.step and self.interactive):
            return
        prompt = "[回车继续, q 退出] " if self.lang == "zh" else "[Enter: next step, q: quit] "
        self._write(prompt)
        answer = self.read()
        if answer == "":            # end of input: nobody left to press Enter
            self.interactive = False
            self._write("\n")
        elif answer.strip().lower() in ("q", "quit", "exit"):
            raise StopLesson()

    def frames(self, frames, en=None, zh=None):
        """With --step: backward node by node in the terminal. ``frames`` come from
        ``viz.step_backward`` (the numbers are the engine's); ``frames.show()`` shows one
        frame per Enter at a terminal and prints them all otherwise. ``en``/``zh``: a
        line printed before the first frame. Without --step nothing is shown."""
        intro = self.text(en, zh) if en else None
        self.log.append(("frames", frames))
        if not self.step:
            return
        if intro:
            self._write(f"\n{intro}\n")
        frames.show(interactive=self.interactive, file=self.stream)
        self.stream.flush()

    def result(self, en, zh=None):
        line = self.text(en, zh)
        self.log.append(("result", line))
        self._write(line + "\n")

    def _write(self, text):
        if _bars_showing():   # lift the progress bar, print, put it back
            from tqdm import tqdm
            with tqdm.external_write_mode(file=self.stream):
                self.stream.write(text)
                self.stream.flush()
            return
        self.stream.write(text)
        self.stream.flush()


def _bars_showing():
    tqdm = sys.modules.get("tqdm")
    instances = getattr(getattr(tqdm, "tqdm", None), "_instances", None)
    return bool(instances)


def _is_tty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
