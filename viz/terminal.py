"""The terminal view of frames: one frame per Enter when a person is at a terminal,
all of them printed at once otherwise (a pipe, a test, a CI log)."""
import sys

import numpy as np

RULE = "─" * 72


def frame_text(frame, count):
    return f"{RULE}\n[{frame.index + 1}/{count}] {frame.text()}"


def frames_text(frames):
    return "\n".join(frame_text(f, len(frames)) for f in frames) + "\n" + RULE


PROMPT = {"en": "Enter: next · b: back · q: quit · an index such as 0,1: that element > ",
          "zh": "回车：下一步 · b：上一步 · q：退出 · 输入下标（如 0,1）：看该元素 > "}
MISSING = {"en": "no element {index} here (written out: {known})",
           "zh": "这里没有元素 {index}（可选：{known}）"}


def element_lines(frame, answer):
    """The chain rule with numbers for the element typed at the prompt ('1,0', or '2:1,0'
    for the second input), from what the frame holds; None if the answer is no index."""
    where, _, index = answer.rpartition(":")
    try:
        position = tuple(int(p) for p in index.replace(" ", "").split(",") if p != "")
        which = int(where) - 1 if where else None
    except ValueError:
        return None
    lines = []
    for n, entry in enumerate(frame.chain):
        if which is not None and n != which:
            continue
        shape = tuple(entry["shape"])
        if len(position) != len(shape) or any(not 0 <= p < s for p, s in zip(position, shape)):
            continue
        key = str(int(np.ravel_multi_index(position, shape))) if shape else "0"
        if key in entry["entries"]:
            lines += entry["entries"][key]
    if not lines and frame.chain:
        known = ", ".join(sorted({",".join(map(str, np.unravel_index(int(k), e["shape"])))
                                  for e in frame.chain for k in e["entries"] if e["shape"]}))
        return [MISSING.get(getattr(frame, "lang", "en"), MISSING["en"]).format(
            index=index, known=known)]
    return lines or None


def show_frames(frames, interactive=None, file=None):
    """Print the frames; page through them when stdin and stdout are a terminal. At the
    prompt an element index (e.g. 0,1) prints the chain rule with numbers for it."""
    out = file or sys.stdout
    if interactive is None:
        interactive = sys.stdin.isatty() and out.isatty()
    if not interactive:
        print(frames_text(frames), file=out)
        return
    lang = getattr(frames, "lang", "en")
    i = 0
    while 0 <= i < len(frames):
        print(frame_text(frames[i], len(frames)), file=out)
        while True:
            try:
                answer = input(PROMPT.get(lang, PROMPT["en"])).strip().lower()
            except EOFError:
                answer = "q"
            lines = element_lines(frames[i], answer) if answer not in ("", "b", "q") else None
            if lines is None:
                break
            print("\n".join(lines), file=out)
        if answer == "q":
            break
        i = max(0, i - 1) if answer == "b" else i + 1
    print(RULE, file=out)
