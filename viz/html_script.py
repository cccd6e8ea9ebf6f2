"""The player page's style sheet and script (viz/html.py puts them inline in the page).

Zoom and pan: each graph sits in a ``.viewer`` (a clipped box) inside a ``.stage`` moved by a
CSS transform ``translate(tx, ty) scale(s)``; the wheel zooms around the pointer, dragging
pans, + / − zoom around the middle, 'fit' shows the whole drawing. With 'follow' on, each
frame change centres the current node (``#f{frame}_{id}``) at a readable scale; a graph too
big to read when fitted opens with follow on. In the focus view the big box shows the
frame's second drawing (the neighbourhood, ``#z{frame}_{id}``), scaled to fit but never below
READ (node text at least 11 px), and the whole graph becomes a small overview under the
text panel (a click on it leaves the focus view).

State for tests and curious readers, on ``document.body.dataset``: frame, current, focus
('1'/'0'), follow ('1'/'0') and zoom (the scale of the big drawing)."""

CSS = """
:root { --ink:#1e293b; --muted:#64748b; --line:#e2e8f0; --accent:#6d28d9; --grad:#b91c1c; }
* { box-sizing: border-box; }
html, body { height:100%; }
body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica,
       Arial, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: var(--ink);
       background:#f8fafc; display:flex; flex-direction:column; overflow:hidden; }
header { flex:none; display:flex; flex-wrap:wrap; gap:8px 10px; align-items:center;
         padding:8px 18px; background:white; border-bottom:1px solid var(--line); }
header h1 { font-size:17px; margin:0 10px 0 0; }
header .sep { width:1px; align-self:stretch; background:var(--line); margin:0 4px; }
button { font: inherit; padding:4px 12px; border:1px solid #cbd5e1; border-radius:6px;
         background:white; cursor:pointer; }
button:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
button:disabled { opacity:.4; cursor:default; }
button.toggle[aria-pressed="true"] { background:#ede9fe; border-color:var(--accent);
         color:var(--accent); }
#counter { font-variant-numeric: tabular-nums; color: var(--muted); min-width: 90px; }
.keys { color: var(--muted); font-size: 12px; margin-left:auto; }
.frame { flex:1 1 auto; min-height:0; display:flex; }
.frame[hidden] { display:none; }
main { flex:1; min-height:0; display:grid; gap:12px; padding:10px 18px;
       grid-template-columns: minmax(280px, 380px) minmax(0, 1fr);
       grid-template-rows: minmax(0, 1fr); }
.panel { grid-column:1; grid-row:1; background:white; border:1px solid var(--line);
         border-radius:10px; padding:12px 14px; overflow:auto; min-height:0; }
.panel div { white-space: pre-wrap; }
.panel .title { font-weight:700; font-size:17px; margin-bottom:6px; }
.panel .formula { color: var(--accent); margin:6px 0; }
.panel .grad, .panel .mono, .chain .lines { font-family: "DejaVu Sans Mono", Menlo, Consolas,
         monospace; font-size:13px; white-space: pre-wrap; word-break: break-word; }
.panel .grad { color: var(--grad); }
.panel .text { color: #334155; margin-top:4px; }
.chain { margin-top:10px; border-top:1px solid var(--line); padding-top:8px; }
.chain .head { color: var(--muted); font-size:13px; }
.chain .chips { display:flex; flex-wrap:wrap; gap:4px; margin:6px 0; }
.chain .chip { font: 12px "DejaVu Sans Mono", Menlo, Consolas, monospace; padding:1px 7px; }
.chain .chip.on { background:#fef2f2; border-color:var(--grad); color:var(--grad); }
.chain .lines { color: var(--grad); }
.viewer { position:relative; overflow:hidden; background:white; border:1px solid var(--line);
          border-radius:10px; min-height:0; cursor:grab; touch-action:none; }
.viewer.dragging { cursor:grabbing; }
.full { grid-column:2; grid-row:1; }
.focus { display:none; }
.stage { position:absolute; left:0; top:0; width:max-content; transform-origin:0 0; }
.stage svg { display:block; }
.viewer .label { position:absolute; left:10px; top:6px; z-index:1; font-size:12px;
                 color:var(--muted); background:rgba(255,255,255,.9); padding:0 4px;
                 pointer-events:none; display:none; }
main.focused { grid-template-rows: auto minmax(140px, 1fr); }
main.focused .panel { max-height:58vh; }
main.focused .full { grid-column:1; grid-row:2; cursor:zoom-in; }
main.focused .focus { display:block; grid-column:2; grid-row:1 / 3; }
main.focused .viewer .label { display:block; }
.legend { position:absolute; left:10px; bottom:6px; z-index:1; font-size:12px;
          color:var(--muted); background:rgba(255,255,255,.9); padding:2px 4px;
          pointer-events:none; }
.legend i { display:inline-block; width:14px; height:10px; border:1.5px solid;
            border-radius:3px; margin:0 3px 0 9px; vertical-align:-1px; }
.viewer.nodot { overflow:auto; cursor:auto; }
pre.dot { text-align:left; font-size:12px; white-space:pre-wrap; margin:8px; }
.hintbox { padding:10px 18px 0; }
.hint { text-align:left; background:#fff7ed; border:1px solid #fdba74; border-radius:8px;
        padding:8px 12px; white-space:pre-wrap; font-size:13px; }
@media (max-width: 820px) {
  body { overflow:auto; display:block; }
  main, main.focused { display:block; }
  .panel, main.focused .panel { max-height:none; margin-bottom:10px; }
  .viewer { height:70vh; margin-bottom:10px; }
}
"""

SCRIPT = r"""
(function () {
  var T = WORDS, body = document.body;
  var frames = document.querySelectorAll('.frame');
  function $(id) { return document.getElementById(id); }
  var prev = $('prev'), next = $('next'), play = $('play'), counter = $('counter');
  var focusBtn = $('focus'), followBtn = $('follow');
  var i = 0, timer = null, READ = 1.05, FIT_MAX = 1.5, FOCUS_MAX = 1.35, INSET = 22;
  var focusOn = body.dataset.focus === '1', followOn = body.dataset.follow === '1';
  var view = null, followScale = READ * 1.05, active = null;

  function parts(k) {
    var f = frames[k], main = f.querySelector('main');
    var full = f.querySelector('.full'), zoom = f.querySelector('.focus');
    return { f: f, main: main, full: full, fullStage: full && full.querySelector('.stage'),
             focus: zoom, focusStage: zoom && zoom.querySelector('.stage') };
  }
  function size(stage) { return { w: stage.offsetWidth || 1, h: stage.offsetHeight || 1 }; }
  function apply(stage, v) {
    stage.style.transform = 'translate(' + v.tx + 'px,' + v.ty + 'px) scale(' + v.s + ')';
  }
  function placed(viewer, stage, s, cx, cy, inset, exact) {  // scale s, (cx, cy) centred
    var n = size(stage), vw = viewer.clientWidth, top = inset || 0;
    var vh = viewer.clientHeight - 2 * top;
    function axis(view, len, c) {  // unless exact: no empty margin past a drawing too big
      if (exact) { return view / 2 - c * s; }
      if (len * s <= view) { return (view - len * s) / 2; }
      return Math.min(0, Math.max(view - len * s, view / 2 - c * s));
    }
    return { s: s, tx: axis(vw, n.w, cx), ty: top + axis(vh, n.h, cy) };
  }
  function fitScale(viewer, stage, inset) {
    var n = size(stage);
    return Math.min((viewer.clientWidth - 16) / n.w,
                    (viewer.clientHeight - 16 - 2 * (inset || 0)) / n.h);
  }
  function fitted(viewer, stage, cap, inset) {
    var n = size(stage);
    return placed(viewer, stage, Math.min(cap, fitScale(viewer, stage, inset)), n.w / 2,
                  n.h / 2, inset);
  }
  function centreOf(stage, node) {  // the node's middle, in the stage's own pixels
    var r = node.getBoundingClientRect(), sr = stage.getBoundingClientRect();
    var s = sr.width / (stage.offsetWidth || 1) || 1;
    return [(r.left + r.width / 2 - sr.left) / s, (r.top + r.height / 2 - sr.top) / s];
  }
  function node(stage, prefix, k) {
    var id = frames[k].dataset.current;
    return id ? stage.querySelector('[id="' + prefix + k + '_' + id + '"]') : null;
  }
  function layout(keepFull) {
    var p = parts(i), focused = focusOn && !!p.focusStage;
    p.main.classList.toggle('focused', focused);
    if (!p.fullStage) { active = null; return; }  // no Graphviz: the DOT text is shown
    if (focused) {
      apply(p.fullStage, fitted(p.full, p.fullStage, FIT_MAX, INSET));
      var n = node(p.focusStage, 'z', i), fit = fitScale(p.focus, p.focusStage, INSET);
      var s = Math.max(READ, Math.min(fit, FOCUS_MAX)), c = size(p.focusStage);
      var at = (fit < READ && n) ? centreOf(p.focusStage, n) : [c.w / 2, c.h / 2];
      active = { viewer: p.focus, stage: p.focusStage,
                 v: placed(p.focus, p.focusStage, s, at[0], at[1], INSET) };
    } else {
      var cur = node(p.fullStage, 'f', i);
      if (followOn && cur) {
        var c2 = centreOf(p.fullStage, cur);
        view = placed(p.full, p.fullStage, followScale, c2[0], c2[1], 0, true);
      } else if (!view || !keepFull) {
        view = fitted(p.full, p.fullStage, FIT_MAX);
      }
      active = { viewer: p.full, stage: p.fullStage, v: view };
    }
    apply(active.stage, active.v);
    body.dataset.zoom = active.v.s.toFixed(3);
  }
  function zoomBy(f, x, y) {
    if (!active) { return; }
    var v = active.v, s = Math.max(0.05, Math.min(8, v.s * f));
    if (x === undefined) { x = active.viewer.clientWidth / 2; y = active.viewer.clientHeight / 2; }
    v.tx = x - (x - v.tx) * s / v.s; v.ty = y - (y - v.ty) * s / v.s; v.s = s;
    if (active.stage === parts(i).fullStage) { view = v; if (followOn) { followScale = s; } }
    apply(active.stage, v);
    body.dataset.zoom = v.s.toFixed(3);
  }
  function fit() {
    if (!active) { return; }
    if (active.stage === parts(i).fullStage) { setFollow(false); }
    active.v = fitted(active.viewer, active.stage, FIT_MAX,
                      active.stage === parts(i).fullStage ? 0 : INSET);
    if (active.stage === parts(i).fullStage) { view = active.v; }
    apply(active.stage, active.v);
    body.dataset.zoom = active.v.s.toFixed(3);
  }
  function press(button, on) { button.setAttribute('aria-pressed', on ? 'true' : 'false'); }
  function setFollow(on) {
    followOn = on; press(followBtn, on); body.dataset.follow = on ? '1' : '0';
  }
  function setFocus(on) {
    focusOn = on; press(focusBtn, on); body.dataset.focus = on ? '1' : '0'; layout(true);
  }
  function show(k) {
    i = Math.max(0, Math.min(frames.length - 1, k));
    for (var j = 0; j < frames.length; j++) { frames[j].hidden = (j !== i); }
    var f = frames[i];
    body.dataset.frame = String(i);
    body.dataset.current = f.dataset.current || '';
    counter.textContent = T.counter.replace('{i}', i + 1).replace('{n}', frames.length);
    document.title = '[' + (i + 1) + '/' + frames.length + '] ' + f.dataset.title;
    prev.disabled = (i === 0);
    next.disabled = (i === frames.length - 1);
    layout(true);
    if (i === frames.length - 1) { stop(); }
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = T.play; }
  function toggle() {
    if (timer) { stop(); return; }
    if (i === frames.length - 1) { show(0); }
    play.textContent = T.pause;
    timer = setInterval(function () { show(i + 1); }, PLAY_MS);
  }
  prev.addEventListener('click', function () { stop(); show(i - 1); });
  next.addEventListener('click', function () { stop(); show(i + 1); });
  play.addEventListener('click', toggle);
  $('zoomin').addEventListener('click', function () { zoomBy(1.25); });
  $('zoomout').addEventListener('click', function () { zoomBy(0.8); });
  $('fit').addEventListener('click', fit);
  followBtn.addEventListener('click', function () { setFollow(!followOn); layout(true); });
  focusBtn.addEventListener('click', function () { setFocus(!focusOn); });
  document.addEventListener('keydown', function (e) {
    var k = e.key;
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }  // the browser's own zoom etc.
    if (k === 'ArrowRight' || k === 'ArrowDown' || k === 'PageDown') { stop(); show(i + 1); }
    else if (k === 'ArrowLeft' || k === 'ArrowUp' || k === 'PageUp') { stop(); show(i - 1); }
    else if (k === ' ') { toggle(); }
    else if (k === 'Home') { stop(); show(0); }
    else if (k === 'End') { stop(); show(frames.length - 1); }
    else if (k === '+' || k === '=') { zoomBy(1.25); }
    else if (k === '-' || k === '_') { zoomBy(0.8); }
    else if (k === '0') { fit(); }
    else if (k === 'c' || k === 'C') { setFollow(!followOn); layout(true); }
    else if (k === 'f' || k === 'F') { setFocus(!focusOn); }
    else { return; }
    e.preventDefault();
  });
  function viewerOf(target) {
    var v = target.closest && target.closest('.viewer');
    return v && active && v === active.viewer ? v : null;
  }
  document.addEventListener('wheel', function (e) {
    var v = viewerOf(e.target);
    if (!v) { return; }
    e.preventDefault();
    var r = v.getBoundingClientRect();
    zoomBy(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)),
           e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  var drag = null;
  document.addEventListener('pointerdown', function (e) {
    var v = e.target.closest && e.target.closest('.viewer');
    if (!v || e.button !== 0) { return; }
    drag = { viewer: v, x: e.clientX, y: e.clientY, moved: false,
             pan: !!active && v === active.viewer };
    if (drag.pan) { v.classList.add('dragging'); }
  });
  document.addEventListener('pointermove', function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
    if (drag.pan && drag.moved) {
      active.v.tx += dx; active.v.ty += dy; drag.x = e.clientX; drag.y = e.clientY;
      apply(active.stage, active.v);
    }
  });
  document.addEventListener('pointerup', function () {
    if (!drag) { return; }
    drag.viewer.classList.remove('dragging');
    if (!drag.pan && !drag.moved && drag.viewer.classList.contains('full')) {
      setFocus(false);  // a click on the overview: the whole graph, in the big box
    }
    drag = null;
  });
  document.addEventListener('click', function (e) {  // the chain rule's element picker
    var chip = e.target.closest && e.target.closest('.chip');
    if (!chip) { return; }
    var box = chip.closest('.chain'), k = chip.dataset.k;
    box.querySelectorAll('.chip').forEach(function (c) {
      c.classList.toggle('on', c === chip); press(c, c === chip);
    });
    box.querySelectorAll('.lines').forEach(function (l) { l.hidden = l.dataset.k !== k; });
  });
  window.addEventListener('resize', function () { layout(false); });
  press(focusBtn, focusOn); press(followBtn, followOn);
  show(0);
  var first = parts(0);  // a graph too tall or wide to read when fitted: follow the node
  if (!focusOn && !followOn && first.fullStage && fitScale(first.full, first.fullStage) < READ) {
    setFollow(true); layout(true);
  }
})();
"""
