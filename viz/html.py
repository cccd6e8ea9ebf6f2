"""The step-through player: ONE self-contained HTML file. Every frame's graph is an inline
SVG (drawn by Graphviz when saving), the script is inline, nothing is fetched from anywhere
(no CDN, works offline, can be mailed to a student). Prev / Next / Play, arrow keys,
Space to play, Home / End; zoom and pan (wheel, drag, + / −, fit to window, follow the
current node) and a focus view that draws the current node's neighbourhood large enough to
read (on by default past ``focus.FOCUS_NODES`` nodes; see viz/focus.py and
viz/html_script.py). Under each caption, the chain rule with numbers for one element of each
input's gradient, with a chip per element to pick which (``Frame.chain``).

The page's own words (buttons, counter, key hints, labels) come from ``WORDS`` in the
language of ``frames.lang`` ('en' or 'zh'); the captions come in that language already.

The page exposes its state for tests and curious readers: ``document.body.dataset.frame``
(the frame shown), ``dataset.current`` (the highlighted node's id), ``dataset.focus`` /
``follow`` ('1' or '0'), ``dataset.zoom`` and ``document.title``."""
import itertools
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import dot as _dot
from .focus import FOCUS_NODES, focus_dot, kinds_shown
from .formatting import html_escape
from .html_script import CSS, SCRIPT

WORDS = {
    "en": {
        "prev": "◀ Prev", "next": "Next ▶", "play": "Play", "pause": "Pause",
        "counter": "frame {i} / {n}", "zoomin": "+", "zoomout": "−",
        "zoomin_tip": "zoom in (+, or the mouse wheel)", "zoomout_tip": "zoom out (−)",
        "fit": "Fit to window", "fit_tip": "show the whole drawing (0)",
        "follow": "Follow current node",
        "follow_tip": "each frame centres the current node at a readable size (C)",
        "focus": "Focus view",
        "focus_tip": "draw the current node with its inputs and outputs, large (F)",
        "keys": "keys: ← → step · Space plays · Home / End · + − zoom · 0 fit · C follow · "
                "F focus · drag to pan",
        "focus_label": "focus view: the current node, its inputs and outputs",
        "module_of": " · in {}",
        "overview_label": "the whole computational graph · click to see it large",
        "chain": "chain rule with numbers for one element of ∂L/∂{name} (pick one):",
        "legend": {"param": "parameter", "input": "input / data", "output": "output",
                   "op": "operation", "tensor": "intermediate result", "const": "constant",
                   "module": "module (collapsed)", "current": "being differentiated now",
                   "receiving": "receives a gradient now", "done": "done"},
        "titles": {},
        "no_dot": _dot.INSTALL_HINT,
    },
    "zh": {
        "prev": "◀ 上一步", "next": "下一步 ▶", "play": "播放", "pause": "暂停",
        "counter": "第 {i} / {n} 帧", "zoomin": "+", "zoomout": "−",
        "zoomin_tip": "放大（+ 或鼠标滚轮）", "zoomout_tip": "缩小（−）",
        "fit": "适应窗口", "fit_tip": "显示整张图（0）",
        "follow": "跟随当前节点", "follow_tip": "每一帧都把当前节点移到中间并放大到看得清（C）",
        "focus": "聚焦视图", "focus_tip": "放大显示当前节点及其输入和输出（F）",
        "keys": "按键：← → 翻页 · 空格 播放 · Home / End 首尾 · + − 缩放 · 0 适应窗口 · "
                "C 跟随 · F 聚焦 · 拖动平移",
        "focus_label": "聚焦视图：当前节点及其输入、输出",
        "module_of": " · 所在模块：{}",
        "overview_label": "整个计算图 · 点击放大查看",
        "chain": "链式法则代入数值：∂L/∂{name} 的一个元素（点击选择）：",
        "legend": {"param": "参数", "input": "输入 / 数据", "output": "输出", "op": "运算",
                   "tensor": "中间结果", "const": "常数", "module": "模块（折叠）", "current": "正在求导的节点",
                   "receiving": "正在接收梯度", "done": "已完成"},
        "titles": {"backward step by step": "反向传播：逐步演示",
                   "backward step by step (torch)": "反向传播：逐步演示（torch）",
                   "one gradient-descent update": "一次梯度下降更新"},
        "no_dot": "没有安装 Graphviz 的 `dot` 程序，所以画不出图；下面是 DOT 文本（可粘贴到任何 "
                  "Graphviz 查看器）。安装 Graphviz 后再运行一次：\n"
                  "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
                  "  macOS:          brew install graphviz\n"
                  "  conda:          conda install -c conda-forge graphviz\n"
                  "  Windows:        从 https://graphviz.org/download/ 安装，并把它的 bin 目录\n"
                  "                  （例如 C:\\Program Files\\Graphviz\\bin）加入 PATH",
    },
}


def words(lang):
    """The page's words in ``lang`` ('en' when there is no table for it)."""
    return WORDS.get(lang if lang in WORDS else "en")


def _svg(source):
    """Inline SVG for a DOT text (None without Graphviz)."""
    try:
        data = _dot.run_dot(source, "svg").decode("utf-8")
    except _dot.GraphvizMissing:
        return None
    data = data[data.index("<svg"):]                   # drop the XML prolog and DOCTYPE
    return re.sub(r"<!--.*?-->", "", data, flags=re.S)  # and Graphviz's comments


def _render(sources):
    """The SVGs of many DOT texts (None for a None source), several `dot` runs at once."""
    todo = [s for s in sources if s is not None]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        done = iter(list(pool.map(_svg, todo)))
    return [None if s is None else next(done) for s in sources]


def index_label(k, shape):
    """'[0,1]': the multi-index of flat element ``k`` of an array of ``shape`` (C order)."""
    try:
        k, shape = int(k), tuple(int(n) for n in shape)
        return "[" + ",".join(str(int(j)) for j in np.unravel_index(k, shape)) + "]"
    except (TypeError, ValueError):
        return str(k)


def _chain(frame, w):
    """The element pickers of every input of the frame."""
    return "".join(_chain_block(item, w) for item in getattr(frame, "chain", None) or [])


def _chain_block(item, w):
    """One input's picker: a chip per element and the lines of the chosen one."""
    entries = {str(k): list(v) for k, v in (item.get("entries") or {}).items()}
    if not entries:
        return ""
    shape = item.get("shape") or []
    chosen = str(item.get("default"))
    chosen = chosen if chosen in entries else next(iter(entries))
    chips, lines = [], []
    for k, rows in entries.items():
        on = k == chosen
        chips.append(f'<button type="button" class="chip{" on" if on else ""}" '
                     f'data-k="{html_escape(k)}" aria-pressed="{str(on).lower()}">'
                     f'{html_escape(index_label(k, shape))}</button>')
        lines.append(f'<div class="lines" data-k="{html_escape(k)}"{"" if on else " hidden"}>'
                     + "\n".join(html_escape(r) for r in rows) + "</div>")
    head = html_escape(w["chain"].format(name=item.get("input", "")))
    return (f'<div class="chain" data-input="{html_escape(item.get("input", ""))}">'
            f'<div class="head">{head}</div><div class="chips">{"".join(chips)}'
            f'</div>{"".join(lines)}</div>')


def _panel(frame, w):
    """The caption; each run of 'chain' lines (one element's chain rule with numbers) is
    replaced, where it stands, by the picker of that input's elements."""
    blocks = [_chain_block(item, w) for item in getattr(frame, "chain", [])]
    rows = []
    for is_chain, run in itertools.groupby(frame.caption, key=lambda line: line[1] == "chain"):
        if is_chain and blocks:
            rows.append(blocks.pop(0))
            continue
        rows += [f'<div class="{"mono" if kind == "chain" else kind}">{html_escape(text)}</div>'
                 for text, kind in run]
    return '<div class="panel">' + "".join(rows) + "".join(blocks) + "</div>"


def _legend(graph, frame, w):
    kinds, states = kinds_shown(graph, frame)
    items = [(_dot.STYLE[k][0], _dot.STYLE[k][1], w["legend"].get(k, k)) for k in kinds
             if k in _dot.STYLE] + [(_dot.STATE[s][0] or "#ffffff", _dot.STATE[s][1],
                                     w["legend"].get(s, s)) for s in states if s in _dot.STATE]
    return '<div class="legend">' + "".join(
        f'<i style="background:{fill};border-color:{border}"></i>{html_escape(text)}'
        for fill, border, text in items) + "</div>"


def _viewer(kind, svg, label):
    return (f'<div class="viewer {kind}"><div class="label">{html_escape(label)}</div>'
            f'<div class="stage">{svg}</div></div>')


def _frame_html(frames, frame, full, focus, source, w):
    if full is None:
        graph = (f'<div class="viewer full nodot"><pre class="dot">{html_escape(source)}</pre>'
                 f'</div>')
    else:
        graph = _viewer("full", full, w["overview_label"])
    if focus is not None:
        node = frames.graph.nodes[frame.current]
        cluster = frames.graph.clusters.get(node.cluster)
        label = w["focus_label"] + (w["module_of"].format(cluster.label) if cluster else "")
        graph += _viewer("focus", focus, label).replace(
            '<div class="stage">', _legend(frames.graph, frame, w) + '<div class="stage">', 1)
    return (f'<section class="frame" data-index="{frame.index}" '
            f'data-current="{html_escape(frame.current or "")}" '
            f'data-title="{html_escape(frame.title)}" hidden>'
            f'<main>{_panel(frame, w)}{graph}</main></section>')


def _button(id, w, toggle=False):
    kind = ' class="toggle" aria-pressed="false"' if toggle else ""
    tip = f' title="{html_escape(w[id + "_tip"])}"' if id + "_tip" in w else ""
    return f'<button id="{id}" type="button"{kind}{tip}>{html_escape(w[id])}</button>'


def player_sources(frames):
    """The DOT texts the player draws: each frame's whole graph, then each frame's focus
    view (None where there is none)."""
    sources = [_dot.to_dot(frames.graph, f.states, f.grads, f.edge_notes, caption=None,
                           id_prefix=f"f{f.index}_") for f in frames]
    return sources, [focus_dot(frames.graph, f) for f in frames]


def render_frames(frames):
    """``(sources, svgs)``: the DOT texts of ``player_sources`` (whole graphs, then focus
    views) and their SVGs (None without Graphviz), for ``player_html(..., rendered=)`` and
    for the notebook's static view (viz/notebook.py), so that both share one set of runs."""
    sources, focus_sources = player_sources(frames)
    return sources, _render(sources + focus_sources)


def player_html(frames, standalone=True, play_ms=1400, rendered=None):
    """The player page for ``frames`` (viz.frames.Frames), in ``frames.lang``.
    ``rendered``: what ``render_frames(frames)`` returned, if it was already called."""
    lang = getattr(frames, "lang", "en")
    w = words(lang)
    sources, svgs = rendered or render_frames(frames)
    fulls, focuses = svgs[:len(sources)], svgs[len(sources):]
    missing = any(s is None for s in fulls)
    parts = [_frame_html(frames, f, full, focus, source, w)
             for f, full, focus, source in zip(frames, fulls, focuses, sources)]
    hint = (f'<div class="hintbox"><div class="hint">{html_escape(w["no_dot"])}</div></div>'
            if missing else "")
    title = html_escape(w["titles"].get(frames.title, frames.title))
    big = len(frames.graph.nodes) > FOCUS_NODES
    script = SCRIPT.replace("PLAY_MS", str(int(play_ms))).replace(
        "WORDS", json.dumps(w, ensure_ascii=False).replace("</", "<\\/"))
    body = (f'<header><h1>{title}</h1>{_button("prev", w)}{_button("play", w)}'
            f'{_button("next", w)}<span id="counter"></span><span class="sep"></span>'
            f'{_button("zoomout", w)}{_button("zoomin", w)}{_button("fit", w)}'
            f'{_button("follow", w, True)}{_button("focus", w, True)}'
            f'<span class="keys">{html_escape(w["keys"])}</span></header>'
            + hint + "".join(parts) + f"<script>{script}</script>")
    page = (f'<!DOCTYPE html><html lang="{"zh" if lang == "zh" else "en"}"><head>'
            '<meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title}</title><style>{CSS}</style></head>'
            f'<body data-frame="0" data-count="{len(frames)}" data-focus="{int(big)}" '
            f'data-follow="{int(big)}">{body}</body></html>\n')
    if standalone:
        return page
    return ('<iframe style="width:100%;height:760px;border:1px solid #e2e8f0;border-radius:8px" '
            f'srcdoc="{html_escape(page)}"></iframe>')
