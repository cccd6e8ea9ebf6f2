"""The terminal view of frames: one frame per Enter when a person is at a terminal,
all of them printed at once otherwise (a pipe, a test, a CI log)."""
import sys

RULE = "─" * 72


def frame_text(frame, count):
    return f"{RULE}\n[{frame.index + 1}/{count}] {frame.text()}"


def frames_text(frames):
    return "\n".join(frame_text(f, len(frames)) for f in frames) + "\n" + RULE


def show_frames(frames, interactive=None, file=None):
    """Print the frames; page through them when stdin and stdout are a terminal."""
    out = file or sys.stdout
    if interactive is None:
        interactive = sys.stdin.isatty() and out.isatty()
    if not interactive:
        print(frames_text(frames), file=out)
        return
    i = 0
    while 0 <= i < len(frames):
        print(frame_text(frames[i], len(frames)), file=out)
        try:
            answer = input("Enter: next · b: back · q: quit > ").strip().lower()
        except EOFError:
            answer = "q"
        if answer == "q":
            break
        i = max(0, i - 1) if answer == "b" else i + 1
    print(RULE, file=out)
