"""The step-through player: ONE self-contained HTML file. Every frame's graph is an inline
SVG (drawn by Graphviz when saving), the script is inline, nothing is fetched from anywhere
(no CDN, works offline, can be mailed to a student). Prev / Next / Play, arrow keys,
Space to play, Home / End.

The page exposes its state for tests and curious readers: ``document.body.dataset.frame``
(the frame shown), ``dataset.current`` (the highlighted node's id) and ``document.title``."""
import re

from . import dot as _dot
from .formatting import html_escape

CSS = """
:root { --ink:#1e293b; --muted:#64748b; --line:#e2e8f0; --accent:#6d28d9; --grad:#b91c1c; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica,
       Arial, sans-serif; color: var(--ink); background:#f8fafc; }
header { display:flex; flex-wrap:wrap; gap:12px; align-items:center; padding:10px 18px;
         background:white; border-bottom:1px solid var(--line); position:sticky; top:0; }
header h1 { font-size:17px; margin:0 12px 0 0; }
button { font: inherit; padding:5px 14px; border:1px solid #cbd5e1; border-radius:6px;
         background:white; cursor:pointer; }
button:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
button:disabled { opacity:.4; cursor:default; }
#counter { font-variant-numeric: tabular-nums; color: var(--muted); min-width: 90px; }
.keys { color: var(--muted); font-size: 13px; margin-left:auto; }
main { display:flex; flex-wrap:wrap; gap:18px; padding:16px 18px; }
.panel { flex: 1 1 340px; max-width: 560px; background:white; border:1px solid var(--line);
         border-radius:10px; padding:14px 16px; align-self:flex-start; position:sticky;
         top:64px; }
.panel div { white-space: pre-wrap; }
.panel .title { font-weight:700; font-size:17px; margin-bottom:6px; }
.panel .formula { color: var(--accent); margin:6px 0; }
.panel .grad, .panel .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
         font-size:13px; white-space: pre-wrap; word-break: break-word; }
.panel .grad { color: var(--grad); }
.panel .text { color: #334155; margin-top:4px; }
.graph { flex: 3 1 520px; background:white; border:1px solid var(--line); border-radius:10px;
         padding:8px; overflow:auto; text-align:center; }
.graph svg { max-width:100%; max-height:calc(100vh - 110px); width:auto; height:auto; }
.frame[hidden] { display:none; }
pre.dot { text-align:left; font-size:12px; white-space:pre-wrap; }
.hint { text-align:left; background:#fff7ed; border:1px solid #fdba74; border-radius:8px;
        padding:8px 12px; white-space:pre-wrap; font-size:13px; }
"""

SCRIPT = """
(function () {
  var frames = document.querySelectorAll('.frame');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var play = document.getElementById('play'), counter = document.getElementById('counter');
  var i = 0, timer = null;
  function show(k) {
    i = Math.max(0, Math.min(frames.length - 1, k));
    for (var j = 0; j < frames.length; j++) { frames[j].hidden = (j !== i); }
    var f = frames[i];
    document.body.dataset.frame = String(i);
    document.body.dataset.current = f.dataset.current || '';
    counter.textContent = 'frame ' + (i + 1) + ' / ' + frames.length;
    document.title = '[' + (i + 1) + '/' + frames.length + '] ' + f.dataset.title;
    prev.disabled = (i === 0);
    next.disabled = (i === frames.length - 1);
    if (i === frames.length - 1) { stop(); }
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = 'Play'; }
  function toggle() {
    if (timer) { stop(); return; }
    if (i === frames.length - 1) { show(0); }
    play.textContent = 'Pause';
    timer = setInterval(function () { show(i + 1); }, PLAY_MS);
  }
  prev.addEventListener('click', function () { stop(); show(i - 1); });
  next.addEventListener('click', function () { stop(); show(i + 1); });
  play.addEventListener('click', toggle);
  document.addEventListener('keydown', function (e) {
    var k = e.key;
    if (k === 'ArrowRight' || k === 'ArrowDown' || k === 'PageDown') { stop(); show(i + 1); }
    else if (k === 'ArrowLeft' || k === 'ArrowUp' || k === 'PageUp') { stop(); show(i - 1); }
    else if (k === ' ') { toggle(); }
    else if (k === 'Home') { stop(); show(0); }
    else if (k === 'End') { stop(); show(frames.length - 1); }
    else { return; }
    e.preventDefault();
  });
  show(0);
})();
"""


def _svg(source):
    """Inline SVG for a frame (None without Graphviz)."""
    try:
        data = _dot.run_dot(source, "svg").decode("utf-8")
    except _dot.GraphvizMissing:
        return None
    data = data[data.index("<svg"):]                   # drop the XML prolog and DOCTYPE
    return re.sub(r"<!--.*?-->", "", data, flags=re.S)  # and Graphviz's comments


def _panel(frame):
    rows = [f'<div class="{kind}">{html_escape(text)}</div>' for text, kind in frame.caption]
    return '<div class="panel">' + "".join(rows) + "</div>"


def player_html(frames, standalone=True, play_ms=1400):
    """The player page for ``frames`` (viz.frames.Frames)."""
    parts, missing = [], False
    for frame in frames:
        source = _dot.to_dot(frames.graph, frame.states, frame.grads, frame.edge_notes,
                             caption=None, id_prefix=f"f{frame.index}_")
        svg = _svg(source)
        if svg is None:
            missing = True
            svg = f'<pre class="dot">{html_escape(source)}</pre>'
        parts.append(
            f'<section class="frame" data-index="{frame.index}" '
            f'data-current="{html_escape(frame.current or "")}" '
            f'data-title="{html_escape(frame.title)}" hidden>'
            f'<main>{_panel(frame)}<div class="graph">{svg}</div></main></section>')
    hint = (f'<main><div class="hint">{html_escape(_dot.INSTALL_HINT)}</div></main>'
            if missing else "")
    title = html_escape(frames.title)
    body = (f'<header><h1>{title}</h1><button id="prev" type="button">◀ Prev</button>'
            f'<button id="play" type="button">Play</button>'
            f'<button id="next" type="button">Next ▶</button><span id="counter"></span>'
            f'<span class="keys">keys: ← → · Space plays · Home / End</span></header>'
            + hint + "".join(parts)
            + f"<script>{SCRIPT.replace('PLAY_MS', str(int(play_ms)))}</script>")
    page = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title}</title><style>{CSS}</style></head>'
            f'<body data-frame="0" data-count="{len(frames)}">{body}</body></html>\n')
    if standalone:
        return page
    return ('<iframe style="width:100%;height:760px;border:1px solid #e2e8f0;border-radius:8px" '
            f'srcdoc="{html_escape(page)}"></iframe>')

