"""Graph model -> DOT text (always possible) -> SVG/PNG/PDF with Graphviz's ``dot`` program
(when it is installed: without it the learner gets the DOT text and the install command,
never a traceback)."""
import os
import shutil
import subprocess
import sys

from .formatting import html_escape
from .math_zh import math_text
from .words import LEGEND, PENDING, say

FONT = "Helvetica,Arial,sans-serif"
MONO = "DejaVu Sans Mono,Menlo,Consolas,monospace"

# kind -> (fill, border, legend text). Colour-blind-safe enough: hue and shape both differ.
STYLE = {
    "param": ("#dbeafe", "#1d4ed8", "parameter (requires_grad)"),
    "input": ("#f1f5f9", "#64748b", "input / data"),
    "output": ("#fde68a", "#b45309", "output"),
    "op": ("#ede9fe", "#6d28d9", "operation (grad_fn)"),
    "tensor": ("#ffffff", "#94a3b8", "intermediate result"),
    "const": ("#fff7ed", "#c2410c", "constant (a number)"),
    "module": ("#ccfbf1", "#0f766e", "module (collapsed)"),
    "grad": ("#fef2f2", "#b91c1c", "gradient (.grad)"),
}
# step-through states: fill, border, pen width
STATE = {"current": ("#fecaca", "#dc2626", 3.0), "done": ("#dcfce7", "#16a34a", 1.5),
         "receiving": (None, "#ea580c", 2.5)}
GRAD_COLOUR, MUTED = "#b91c1c", "#64748b"

INSTALL_HINT = """Graphviz's `dot` program is not installed, so no picture could be drawn.
The DOT text is there instead (paste it into any Graphviz viewer). To draw pictures,
install Graphviz and run again:
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz
  Windows:        install it from https://graphviz.org/download/ and add its bin folder
                  (e.g. C:\\Program Files\\Graphviz\\bin) to PATH"""


def find_dot():
    """The path of Graphviz's ``dot`` program, or None."""
    return shutil.which("dot")


class GraphvizMissing(Exception):
    """Raised inside viz only; every public call catches it and shows INSTALL_HINT."""


def run_dot(source, format="svg"):
    """Render DOT text to bytes. Raises GraphvizMissing when ``dot`` is not installed."""
    exe = find_dot()
    if exe is None:
        raise GraphvizMissing(INSTALL_HINT)
    args = [exe, f"-T{format}"] + (["-Gdpi=144"] if format == "png" else [])
    try:
        done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True,
                              timeout=120)
    except OSError as error:  # found on PATH but cannot run
        raise GraphvizMissing(f"{INSTALL_HINT}\n(running {exe} failed: {error})") from None
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz could not draw this graph: "
                           f"{done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


_told = [False]  # the full hint was printed in this process (reset_missing_hint forgets it)


def reset_missing_hint():
    """Forget that the install hint was printed, so the next :func:`tell_missing` prints it
    in full again (tests use this: the hint is otherwise shown in full once per process)."""
    _told[0] = False


def tell_missing(written=None):
    """Print the install hint (in full the first time, then one line)."""
    where = f" The DOT text was written to {written}." if written else ""
    if not _told[0]:
        print(INSTALL_HINT + ("\n" + where.strip() if where else ""), file=sys.stderr)
        _told[0] = True
    else:
        print(f"Graphviz `dot` not found (see the install hint above).{where}", file=sys.stderr)


def _q(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(**kw):
    return "[" + " ".join(f"{k}={v}" for k, v in kw.items() if v is not None) + "]"


def _font(text, size=None, colour=None, face=None, bold=False, italic=False):
    text = html_escape(text)
    if bold:
        text = f"<B>{text}</B>"
    if italic:
        text = f"<I>{text}</I>"
    attrs = "".join(f' {k}="{v}"' for k, v in (("POINT-SIZE", size), ("COLOR", colour),
                                                ("FACE", face)) if v)
    return f"<FONT{attrs}>{text}</FONT>" if attrs else text


def _lines(lines, **font):
    return '<BR ALIGN="LEFT"/>'.join(_font(line, **font) for line in lines) + \
        ('<BR ALIGN="LEFT"/>' if len(lines) > 1 else "")


def node_label(node, grad=None, lang="en"):
    """The HTML-like label of a node: title, shape/dtype, values, gradient."""
    rows = [_font(node.title or " ", size=12, bold=True)]
    if node.subtitle:
        rows.append(_font(node.subtitle, size=8 if node.kind == "op" else 9, colour=MUTED))
    cells = [f"<TR><TD>{r}</TD></TR>" for r in rows]
    if node.values:
        cells.append(f'<TR><TD BALIGN="LEFT">{_lines(node.values, size=10, face=MONO)}</TD></TR>')
    grad = node.grad if grad is None else grad
    if grad:
        word = say(lang, "grad")
        if grad[0] in PENDING:  # 'not computed yet', 'not kept (not a leaf)'
            cells.append(f"<TR><TD>{_font(word + ': ' + grad[0], size=9, colour=MUTED, italic=True)}"
                         f"</TD></TR>")
        else:
            body = _lines(grad, size=10, face=MONO, colour=GRAD_COLOUR)
            head = _font(word + " ", size=9, colour=GRAD_COLOUR)
            cells.append(f"<TR><TD>{head}{body}</TD></TR>" if len(grad) == 1 else
                         f'<TR><TD BALIGN="LEFT">{head}<BR/>{body}</TD></TR>')
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            + "".join(cells) + "</TABLE>>")


def _node_line(node, state=None, grad=None, id_prefix="", lang="en"):
    fill, border, _ = STYLE[node.kind]
    pen = 1.2
    classes = [f"kind-{node.kind}"]
    if state:
        s_fill, s_border, pen = STATE[state]
        fill, border = s_fill or fill, s_border
        classes.append(state)
    shape = "ellipse" if node.kind == "op" else "box"
    style = '"filled"' if node.kind == "op" else '"rounded,filled"'
    tooltip = _q(math_text(node.math.text(), lang)) if node.math else None
    return (f"{node.id} " + _attrs(label=node_label(node, grad, lang), shape=shape, style=style,
                                   fillcolor=_q(fill), color=_q(border), penwidth=pen,
                                   tooltip=tooltip, id=_q(id_prefix + node.id),
                                   **{"class": _q(" ".join(classes))}))


def _cluster_id(path):
    return "cluster_m_" + ("".join(c if c.isalnum() else "_" for c in path) or "root")


STATE_TEXT = {"current": "being differentiated now", "receiving": "receives a gradient now",
              "done": "done"}


def _legend(kinds, states=(), words=None, lang="en"):
    """One compact node: a colour swatch and a word per kind of node (and step state)."""
    words = dict(LEGEND.get(lang, {}), **(words or {}))
    rows = [f'<TR><TD COLSPAN="2">{_font(say(lang, "legend"), size=9, colour=MUTED)}</TD></TR>']
    swatches = [STYLE[k][:2] + (words.get(k, STYLE[k][2]),) for k in kinds] + [
        (STATE[s][0] or "#ffffff", STATE[s][1], words.get(s, STATE_TEXT[s])) for s in states]
    for fill, border, text in swatches:
        rows.append(f'<TR><TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1" WIDTH="18" '
                    f'HEIGHT="10" FIXEDSIZE="TRUE"></TD><TD ALIGN="LEFT">'
                    f'{_font(text, size=9)}</TD></TR>')
    label = ('<<TABLE BORDER="1" COLOR="#cbd5e1" STYLE="ROUNDED" CELLBORDER="0" '
             'CELLSPACING="3" CELLPADDING="1">' + "".join(rows) + "</TABLE>>")
    return [f"legend [shape=plaintext margin=0 label={label}]"]


def _caption(lines):
    """A caption (the step-through's text) as an HTML table above the graph."""
    rows = []
    for text, kind in lines:
        if kind == "title":
            rows.append(_font(text, size=14, bold=True))
        elif kind == "formula":
            rows.append(_font(text, size=11, colour="#6d28d9"))
        elif kind == "grad":
            rows.append(_font(text, size=10, colour=GRAD_COLOUR, face=MONO))
        else:
            rows.append(_font(text, size=10, face=MONO if kind in ("mono", "chain") else None))
    cells = "".join(f'<TR><TD ALIGN="LEFT">{r}</TD></TR>' for r in rows)
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{cells}</TABLE>>'


def to_dot(graph, states=None, grads=None, edge_notes=None, caption=None, legend=True,
           id_prefix="", title=None):
    """DOT text for ``graph``. For a step-through frame: ``states`` (node id -> 'current',
    'done' or 'receiving'), ``grads`` (node id -> grad lines so far), ``edge_notes``
    ((src, dst) -> gradient text on that edge) and a ``caption`` [(text, kind)]."""
    states, grads, edge_notes = states or {}, grads or {}, edge_notes or {}
    lang = getattr(graph, "lang", "en")
    if title is None:   # the SVG's <title>: a tooltip over the whole picture
        title = "计算图" if lang == "zh" else "computational graph"
    out = [f"digraph {_q(title)} {{",
           f'  graph [rankdir=TB fontname={_q(FONT)} nodesep=0.35 ranksep=0.45 '
           f'bgcolor="white" pad=0.2 newrank=true]',
           f"  node [fontname={_q(FONT)} margin=\"0.12,0.06\"]",
           f"  edge [fontname={_q(FONT)} fontsize=9 fontcolor={_q(MUTED)} color={_q(MUTED)} "
           f"arrowsize=0.7]"]
    if caption:
        out.append(f"  labelloc=t; labeljust=l; label={_caption(caption)}")
    children = {}
    for path, cluster in graph.clusters.items():
        children.setdefault(cluster.parent, []).append(path)
    members = {}
    for node in graph.nodes.values():
        members.setdefault(node.cluster, []).append(node)

    def emit(path, indent):
        pad = "  " * indent
        for node in members.get(path, []):
            out.append(pad + _node_line(node, states.get(node.id), grads.get(node.id),
                                        id_prefix, lang))
        for child in children.get(path, []):
            c = graph.clusters[child]
            out.append(f"{pad}subgraph {_cluster_id(child)} {{")
            out.append(f"{pad}  label={_q(c.label)}; labeljust=l; fontsize=11; "
                       f'fontcolor="#0f766e"; style="rounded,filled"; color="#0f766e"; '
                       f'fillcolor="#f0fdfa"; penwidth=1.2;')
            emit(child, indent + 1)
            out.append(f"{pad}}}")
    emit(None, 1)
    for e in graph.edges:
        note = edge_notes.get((e.src, e.dst))
        if note:
            label = f"<{html_escape(e.label)}<BR/>{_font(note, colour=GRAD_COLOUR, size=9)}>"
            # the gradient flows against the forward arrow: draw it pointing back
            out.append(f"  {e.src} -> {e.dst} " + _attrs(label=label, color=_q(GRAD_COLOUR),
                                                         penwidth=2, dir="back"))
        else:
            out.append(f"  {e.src} -> {e.dst}" + (f" [label={_q(e.label)}]" if e.label else ""))
    if legend:
        present = {n.kind for n in graph.nodes.values()}
        kinds = [k for k in STYLE if k in present or k in ("param", "input", "output", "op")
                 and k not in graph.hide_kinds]
        used = set(states.values())
        out += ["  " + line for line in _legend(kinds, [s for s in STATE if s in used],
                                                graph.words, lang)]
    out.append("}")
    return "\n".join(out) + "\n"


def write_rendered(source, path, format=None):
    """Render DOT text into ``path`` (format from its suffix unless given); without
    Graphviz write the DOT text next to it. Returns the path written."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lstrip(".").lower()
    format = (format or suffix or "svg").lower()
    if suffix != format:
        path = f"{path}.{format}"
    if format == "dot":
        _write(path, source.encode("utf-8"))
        return path
    try:
        data = run_dot(source, format)
    except GraphvizMissing:
        dot_path = os.path.splitext(path)[0] + ".dot"
        _write(dot_path, source.encode("utf-8"))
        tell_missing(dot_path)
        return dot_path
    _write(path, data)
    return path


def _write(path, data):
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
