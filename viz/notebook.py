"""viz in a Jupyter notebook (JupyterLab, Notebook, VS Code, Colab): what shows inline.

- ``in_notebook()``: True inside a Jupyter kernel (``VIZ_NOTEBOOK=1`` or ``0`` decides
  instead, for tests and odd front ends).
- ``draw_graph(...)`` returns a Drawing, which shows itself as SVG (``Drawing._repr_svg_``).
- Frames (``step_backward``, ``step_optimizer``, ``step_update``) show as the HTML player in
  an iframe (Prev / Next / Play, zoom, focus view: it needs scripts, so a trusted output),
  followed by a static view: every frame's picture as inline SVG under its step text, one
  frame under another, folded in a <details>. The static view needs no script and no
  iframe, so it stays where those are removed: an untrusted notebook, GitHub, nbviewer, a
  static site. ``frames_html(frames)`` is that output.
- ``step_through(frames)``: one frame per click (Prev / Next, with ipywidgets) above the
  static view; without ipywidgets, or outside a live kernel, the frames stacked.
- ``show_figure(fig, path)``: what ``viz.plots`` calls to show a figure inline.

Nothing here imports IPython unless a kernel is running (or a display is asked for).
"""
import io
import os
import sys

from .focus import FOCUS_NODES
from .formatting import html_escape
from .html import player_html, render_frames, words

WORDS = {
    "en": {"static": "{title}: the {n} frames as pictures, one under another (a static view: "
                     "it shows even where the player above cannot run)",
           "frame": "frame {i} / {n}",
           "no_dot": "(no picture: Graphviz's `dot` program is not installed)"},
    "zh": {"static": "{title}：全部 {n} 帧图片，依次排列（静态视图：在上方播放器无法运行的地方也能显示）",
           "frame": "第 {i} / {n} 帧",
           "no_dot": "（没有图：未安装 Graphviz 的 `dot` 程序）"},
}


def in_notebook():
    """True when this Python runs inside a Jupyter kernel (JupyterLab, Notebook, VS Code,
    Colab), where displays show inline; False in a terminal, a script, plain IPython."""
    forced = os.environ.get("VIZ_NOTEBOOK", "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    ipython = sys.modules.get("IPython")   # no IPython imported: certainly no kernel
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # an IPython too old or too broken to ask
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def display(*objects, raw=False):
    """IPython's ``display`` (imported only when something is shown)."""
    from IPython.display import display as show
    show(*objects, raw=raw)


def _words(frames):
    lang = getattr(frames, "lang", "en")
    return WORDS.get(lang, WORDS["en"]), words(lang)


def _title(frames):
    _, page = _words(frames)
    return page["titles"].get(frames.title, frames.title)


# -- the static view -----------------------------------------------------------------------
def frame_blocks(frames, rendered=None):
    """One HTML block per frame: its number, its step text and its picture (inline SVG:
    the whole graph, or the focus view on a graph of more than FOCUS_NODES nodes)."""
    mine, _ = _words(frames)
    sources, svgs = rendered or render_frames(frames)
    n = len(sources)
    big = len(frames.graph.nodes) > FOCUS_NODES
    blocks = []
    for frame, full, focus in zip(frames, svgs[:n], svgs[n:]):
        svg = focus if big and focus is not None else full
        picture = (f'<div style="overflow-x:auto">{svg}</div>' if svg is not None else
                   f'<p><i>{html_escape(mine["no_dot"])}</i></p>')
        blocks.append(
            f'<div class="viz-frame" data-index="{frame.index}" style="margin:0 0 1.2em 0">'
            f'<div style="font-weight:600">'
            f'{html_escape(mine["frame"].format(i=frame.index + 1, n=n))}</div>'
            f'<pre style="white-space:pre-wrap;margin:0.3em 0;font-size:12px">'
            f'{html_escape(frame.text())}</pre>{picture}</div>')
    return blocks


def static_html(frames, rendered=None, open=False, blocks=None):
    """Every frame, one under another, in a <details> (folded unless ``open``)."""
    mine, _ = _words(frames)
    blocks = blocks if blocks is not None else frame_blocks(frames, rendered)
    summary = mine["static"].format(title=_title(frames), n=len(blocks))
    return (f'<details class="viz-static"{" open" if open else ""}>'
            f'<summary>{html_escape(summary)}</summary>{"".join(blocks)}</details>')


def frames_html(frames):
    """``Frames._repr_html_``: the player (an iframe) and the static view below it."""
    rendered = render_frames(frames)
    return (player_html(frames, standalone=False, rendered=rendered)
            + static_html(frames, rendered))


# -- one frame per click -------------------------------------------------------------------
def step_through(frames):
    """Show ``frames`` in a notebook one frame per click: Prev / Next buttons (ipywidgets)
    over the current frame, then the static view (folded), which is what a saved notebook
    keeps. Without ipywidgets, or outside a live kernel, the frames one under another.
    Returns the widget, or None."""
    rendered = render_frames(frames)
    blocks = frame_blocks(frames, rendered)
    widget = clicker(frames, blocks) if in_notebook() else None
    if widget is not None:
        display(widget)
    text = frames.text() if hasattr(frames, "text") else repr(frames)
    display({"text/html": static_html(frames, open=widget is None, blocks=blocks),
             "text/plain": text}, raw=True)
    return widget


def clicker(frames, blocks):
    """An ipywidgets box: ◀ Prev, Next ▶, 'frame i / n' and the frame shown; None when
    ipywidgets is not installed."""
    try:
        import ipywidgets as widgets
    except ImportError:
        return None
    mine, page = _words(frames)
    n = len(blocks)
    shown = widgets.HTML(value=blocks[0] if blocks else "")
    counter = widgets.Label()
    back = widgets.Button(description=page["prev"])
    forward = widgets.Button(description=page["next"])
    box = widgets.VBox([widgets.HBox([back, forward, counter]), shown])
    box.index = 0

    def go(step):
        box.index = min(max(box.index + step, 0), max(n - 1, 0))
        shown.value = blocks[box.index] if blocks else ""
        counter.value = page["counter"].format(i=box.index + 1, n=n)
        back.disabled, forward.disabled = box.index == 0, box.index >= n - 1

    back.on_click(lambda _: go(-1))
    forward.on_click(lambda _: go(+1))
    go(0)
    return box


# -- plots ---------------------------------------------------------------------------------
def show_figure(fig, path=None):
    """Show a matplotlib figure inline: the PNG at ``path`` when it was saved there, else
    one drawn now; at the figure's size in CSS pixels (100 per inch)."""
    from IPython.display import Image
    width = int(round(fig.get_figwidth() * 100))
    if path is not None:
        display(Image(filename=os.fspath(path), width=width))
        return
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    display(Image(data=buffer.getvalue(), format="png", width=width))
