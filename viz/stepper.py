"""Backward, one node at a time: what ``loss.backward()`` does, frame by frame.

The frames come from the engine itself: ``run_backward(..., trace=...)`` calls us once per
node, in the order it runs them, with the upstream gradient g and the gradients that node
hands to its inputs. Nothing is recomputed on the side, so the numbers are the engine's.

How the user's ``.grad`` stays untouched: running backward adds into ``.grad``. We run it
with ``retain_graph=True`` (so the graph survives for the real ``loss.backward()`` later),
and around it we remember every tensor's ``.grad`` (the Tensor object and a copy of its
numbers) and put them back afterwards, in a ``finally``. A second, hand-written pass that
does not accumulate would have been possible, but then the frames would show *our* reading
of the chain rule instead of the engine's."""
from functools import partial

import numpy as np

from tinygrad_edu.autograd.engine import run_backward
from tinygrad_edu.autograd.function import FREED
from tinygrad_edu.autograd.versions import recorded_inputs

from .draw import graph_of
from .graph import constants_of
from .chain import node_outputs, substitute
from .formatting import as_numpy, number, shape_text, value_lines, value_text
from .frames import Frame, Frames
from .math_zh import math_text
from .naming import caller_frame
from .torch_graph import is_torch_tensor
from .words import say

EDGE_NOTE_LIMIT = 4  # gradients with at most this many numbers are written on the edge
PROGRESS_LIMIT = 9   # operations named in the 'backward order' line
CONSTANT_SYMBOLS = {"Pow": "n", "RSub": "c", "RDiv": "c", "RPow": "c"}  # as in their math
EXTRA_SYMBOLS = {("CrossEntropyLoss", 1): "y", ("NLLLoss", 1): "y"}  # inputs with no rule
CHAIN_ELEMENTS = 12  # elements of each input whose chain rule with numbers is written out


def _graph_tensors(loss, graph):
    """Every tensor the graph touches (inputs of each operation, and the output)."""
    found = {id(loss): loss}
    for fn in graph.op_ids:
        for t in recorded_inputs(fn):
            if t is not None:
                found.setdefault(id(t), t)
    return list(found.values())


def _record_backward(loss, graph, gradient):
    """Run the engine's backward with a trace; return [(node, g, input_grads)] and leave
    every ``.grad`` as it was."""
    if any(fn.saved is FREED for fn in graph.op_ids):
        raise RuntimeError(
            "step_backward needs the graph, but backward has already run through it and "
            "freed it. Call viz.step_backward(loss) before loss.backward(), or call "
            "loss.backward(retain_graph=True) first.")
    records = []

    def trace(node, g, input_grads):  # copies: the engine may add into these arrays later
        records.append((node, np.array(g, copy=True),
                        tuple(None if x is None else np.array(x, copy=True)
                              for x in input_grads)))

    # each .grad: the Tensor, the array it holds, and a copy of the numbers in that array
    # (``_grad``: the stored gradient, read without the warning .grad gives on non-leaves)
    saved = [(t, t._grad, None if t._grad is None else t._grad._data,
              None if t._grad is None else np.array(t._grad._data, copy=True))
             for t in _graph_tensors(loss, graph)]
    try:
        run_backward(loss, gradient, retain_graph=True, trace=trace)
    finally:
        for t, grad, array, numbers in saved:
            t.grad = grad
            if grad is not None:
                grad._data = array  # whether the engine added in place or replaced it
                if isinstance(array, np.ndarray) and array.flags.writeable:
                    array[...] = numbers
    return records


def _short(array, lang="en"):
    return value_text(array, EDGE_NOTE_LIMIT, lang) if np.size(array) <= EDGE_NOTE_LIMIT else \
        say(lang, "grad_of_shape", shape=shape_text(np.shape(array), lang))


def _target_name(graph, node_id):
    node = graph.node(node_id)
    if node.kind == "op":
        return f"{node.title} output"
    return node.title or node.kind


def _progress(graph, records, k, lang="en"):
    parts = []
    for i, (fn, _, _) in enumerate(records):
        label = graph.nodes[graph.display_id(fn)].title.split(" ")[0]
        parts.append(f"[{label}]" if i == k else (f"{label} ✓" if i < k else label))
    if len(parts) > PROGRESS_LIMIT:  # a long backward: the steps around the current one
        lo = max(0, min(k - PROGRESS_LIMIT // 2, len(parts) - PROGRESS_LIMIT))
        hi = lo + PROGRESS_LIMIT
        parts = (["…"] if lo else []) + parts[lo:hi] + (["…"] if hi < len(parts) else [])
    return say(lang, "order") + " → ".join(parts)


def step_backward(loss, names=None, params=None, depth=None, gradient=None,
                  intermediates=True, lang="en"):
    """The frames of ``loss.backward()``, one per operation, in the engine's order.

    Frame 0 seeds ∂loss/∂loss = 1; each next frame highlights the operation being
    differentiated and shows the upstream gradient g, the Function's ``math`` (what forward
    computed, the local derivative, the chain rule) and what it hands to each input;
    the last frame shows the leaves' ``.grad``. The user's ``.grad`` values are left as
    they were (see the module docstring). ``names``/``params``/``depth`` as in draw_graph.
    torch counterpart: none (this is what ``loss.backward()`` does inside)."""
    if is_torch_tensor(loss):
        from .torch_stepper import step_backward_torch
        return step_backward_torch(loss, names, params, depth, gradient, caller_frame(1), lang)
    graph = graph_of(loss, names, params, True, True, depth, intermediates, caller_frame(1),
                     lang=lang)
    outputs = node_outputs(loss) if loss.grad_fn is not None else {}
    records = _record_backward(loss, graph, gradient)
    return Frames(graph, build_frames(graph, records, _seed(loss, gradient), outputs, lang),
                  say(lang, "title"), lang=lang)


def _math_lines(math, lang):
    """The Function's math, in its one notation: forward, local derivative, chain rule."""
    if math is None:
        return [(say(lang, "no_math"), "formula")]
    forward, local, rule = ([math_text(line, lang) for line in lines]
                            for lines in ((math.forward,), math.local, math.rule))
    return [(say(lang, "forward", text=forward[0]), "formula"),
            (say(lang, "local", text="    ".join(local)), "formula"),
            (say(lang, "rule", text="    ".join(rule)), "formula")]


def _seed(loss, gradient):
    if gradient is None:
        return np.ones_like(np.asarray(loss._data if hasattr(loss, "_data") else loss))
    return np.asarray(getattr(gradient, "_data", gradient))


def _symbol(math, slot, fn=None):
    """The name an input has in the Function's rule: 'a' in '∂L/∂a = …' (None when the
    math names no such input: the graph's name is shown alone)."""
    extra = EXTRA_SYMBOLS.get((type(fn).__name__, slot))
    if extra or math is None or slot >= len(math.rule):
        return extra
    return math.rule[slot].split("=")[0].replace("∂L/∂", "").strip() or None


def _producers(graph):
    """tensor node id -> the label of the operation that made it (for unnamed results)."""
    made = {}
    for e in graph.edges:
        src = graph.nodes.get(e.src)
        if src is not None and src.kind == "op":
            made.setdefault(e.dst, src.title)
    return made


def chain_entries(fn, slot, out, g, name, shape, lang, names=None, limit=CHAIN_ELEMENTS):
    """{flat index: lines} of the chain rule with numbers, for the first ``limit``
    elements of input ``slot`` (tinygrad_edu nodes only: they keep what forward got)."""
    if out is None or not hasattr(fn, "args"):
        return {}
    entries = {}
    for k in range(min(limit, int(np.prod(shape)) if shape else 1)):
        try:
            entries[str(k)] = substitute(fn, slot, k, out, g, name, lang, names).lines(lang)
        except Exception:  # a frame must still show the whole result
            return entries
    return entries


def build_frames(graph, records, seed, outputs=None, lang="en"):
    """Frames from the engine's records [(node, g, input_grads)] (either engine).
    ``outputs`` (node -> forward output, tinygrad_edu) lets each frame write the chain
    rule with numbers; ``lang`` is 'en' or 'zh'."""
    outputs = outputs or {}
    numbers = partial(value_text, lang=lang)   # a tensor's numbers, as the frames write them
    out_id = graph.root_id
    everything = list(graph.nodes.values()) + list(graph.hidden.values())
    tracked = [n for n in everything if n.kind in ("param", "tensor")]
    leaves = [n for n in tracked if n.kind == "param"]
    made_by = _producers(graph)
    running = {}  # node id -> the gradient received so far (a leaf starts from its .grad)
    for n in tracked:  # a leaf's .grad is added to, as torch does (hence zero_grad())
        running[n.id] = as_numpy(n.obj.grad) if n.kind == "param" else None
    received = set()  # node ids that received a gradient in this pass

    def grads():
        shown = {i: (value_lines(v, lang=lang) if v is not None else [say(lang, "not_yet")])
                 for i, v in running.items()}
        shown[out_id] = value_lines(seed, lang=lang)
        return shown

    def name_of(target):
        node = graph.node(target)
        if node.kind == "op":
            return say(lang, "output_of", label=node.title)
        if not node.title and target in made_by:
            return say(lang, "output_of", label=made_by[target])
        return node.title or node.kind

    out_name = graph.nodes[out_id].title
    frames = [Frame("seed", say(lang, "seed_short"), out_id, [
        (say(lang, "seed_title"), "title"),
        (say(lang, "seed", out=out_name, value=numbers(seed)), "grad"),
        (_progress(graph, records, -1, lang), "text")], {out_id: "current"}, grads())]
    done, n = {out_id}, len(records)
    for k, (fn, g, input_grads) in enumerate(records):
        current = graph.display_id(fn)
        node = graph.nodes[current]
        label = getattr(fn, "label", node.title)
        name = fn.name() if callable(getattr(fn, "name", None)) else node.subtitle
        math = getattr(fn, "math", None) or node.math
        out = outputs.get(fn)
        states = {i: "done" for i in done}
        notes, handed, lines, chain, values = {}, [], [], [], []
        needs = getattr(fn, "needs_input_grad", ())
        inputs = graph.inputs_of.get(fn, [])
        names = {slot: graph.node(t).title or None for slot, t in inputs}
        names = [names.get(slot) for slot in range(max(names, default=-1) + 1)]
        for slot, target in inputs:
            tname = name_of(target)
            # a tinygrad_edu node names its inputs as its math does (torch's may be ordered
            # otherwise: addmm takes bias, input, weightᵀ)
            symbol = (_symbol(math, slot, fn) if hasattr(fn, "args") else None) or tname
            if graph.node(target).obj is not None and graph.node(target).kind != "op":
                shown = symbol if tname == symbol else f"{symbol} = {tname}"
                values.append((say(lang, "value", name=shown, value=numbers(
                    as_numpy(graph.node(target).obj))), "mono"))
            gi = input_grads[slot] if slot < len(input_grads) else None
            if slot < len(needs) and not needs[slot]:
                gi = None  # the engine drops what a Function returns for such an input
            handed.append((tname, target, gi))
            if gi is None:
                lines.append((say(lang, "no_grad", name=tname), "text"))
                continue
            lines.append((say(lang, "handed", name=tname if tname == symbol else
                              f"{symbol} ({tname})", value=numbers(gi)), "grad"))
            shown_name = tname if graph.node(target).title else symbol
            entries = chain_entries(fn, slot, out, g, shown_name, np.shape(gi), lang, names)
            if entries:
                lines.append((say(lang, "element"), "text"))
                lines += [("      " + line, "chain") for line in entries["0"]]
                chain.append({"input": tname, "shape": list(np.shape(gi)), "default": "0",
                              "entries": entries})
            if target in running:
                before = running[target]
                if before is not None:
                    key = "again_twice" if target in received else "again_leaf"
                    lines.append((say(lang, key, name=tname, old=numbers(before),
                                      new=numbers(gi), total=numbers(before + gi)),
                                  "grad"))
                running[target] = gi.copy() if before is None else before + gi
                received.add(target)
            box = graph.shown(target)  # a parameter folded into a module: its box
            if box != current:
                notes[(box, current)] = _short(gi, lang)
                if target in running:
                    states[box] = "receiving"
        for slot, value in _constants(fn, graph.inputs_of.get(fn, [])):
            symbol = CONSTANT_SYMBOLS.get(type(fn).__name__) or _symbol(math, slot, fn) or "c"
            values.append((say(lang, "constant", name=symbol, value=value), "mono"))
            lines.append((say(lang, "no_grad_constant", name=value), "text"))
        if out is not None:
            values.append((say(lang, "value", name="out", value=numbers(out)), "mono"))
        states[current] = "current"
        inside = say(lang, "inside", module=node.title) if node.kind == "module" else ""
        caption = ([(say(lang, "step", k=k + 1, n=n, label=label, name=name, inside=inside),
                     "title")] + values +
                   [(say(lang, "upstream", value=numbers(g)), "grad")] +
                   _math_lines(math, lang)[1:] + [(say(lang, "hands"), "text")] + lines +
                   [(_progress(graph, records, k, lang), "text")])
        if math is not None:  # the forward line first, above the values it relates
            caption.insert(1, _math_lines(math, lang)[0])
        frame = Frame("backward", f"{label} ({name})", current, caption, states, grads(), notes)
        frame.node, frame.label, frame.torch_name = fn, label, name
        frame.math, frame.formula = math, (math_text(math.text(), lang) if math else "")
        frame.upstream, frame.handed, frame.chain = g, handed, chain
        frames.append(frame)
        done.add(current)
        done.update(t for t, s in states.items() if s == "receiving")
    states = {i: "done" for i in done}
    summary = [(say(lang, "done"), "title")]
    for leaf in leaves:
        states[graph.shown(leaf.id)] = "current"
        value = running[leaf.id]
        summary.append((say(lang, "leaf_grad", name=leaf.title, value=numbers(value)
                            if value is not None else say(lang, "no_path")), "grad"))
    summary.append((say(lang, "done_note"), "text"))
    final = Frame("leaves", say(lang, "done_short"), None, summary, states, grads())
    final.handed = [(leaf.title, leaf.id, running[leaf.id]) for leaf in leaves]
    frames.append(final)
    return frames


def _constants(fn, inputs):
    """(slot, value text) of the numbers an operation got as plain constants (3 in a − 3)."""
    return [(slot, number(v)) for slot, v in constants_of(fn)]
