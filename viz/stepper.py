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
import numpy as np

from tinygrad_edu.autograd.engine import run_backward
from tinygrad_edu.autograd.function import FREED

from .draw import graph_of
from .formatting import as_numpy, shape_text, value_lines, value_text
from .frames import Frame, Frames
from .naming import caller_frame
from .torch_graph import is_torch_tensor

EDGE_NOTE_LIMIT = 4  # gradients with at most this many numbers are written on the edge
PROGRESS_LIMIT = 9   # operations named in the 'backward order' line


def _graph_tensors(loss, graph):
    """Every tensor the graph touches (inputs of each operation, and the output)."""
    found = {id(loss): loss}
    for fn in graph.op_ids:
        for t in fn.inputs:
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
    saved = [(t, t.grad, None if t.grad is None else t.grad._data,
              None if t.grad is None else np.array(t.grad._data, copy=True))
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


def _short(array):
    return value_text(array, EDGE_NOTE_LIMIT) if np.size(array) <= EDGE_NOTE_LIMIT else \
        f"{shape_text(np.shape(array))} gradient"


def _target_name(graph, node_id):
    node = graph.node(node_id)
    if node.kind == "op":
        return f"{node.title} output"
    return node.title or node.kind


def _progress(graph, records, k):
    parts = []
    for i, (fn, _, _) in enumerate(records):
        label = graph.nodes[graph.display_id(fn)].title.split(" ")[0]
        parts.append(f"[{label}]" if i == k else (f"{label} ✓" if i < k else label))
    if len(parts) > PROGRESS_LIMIT:  # a long backward: the steps around the current one
        lo = max(0, min(k - PROGRESS_LIMIT // 2, len(parts) - PROGRESS_LIMIT))
        hi = lo + PROGRESS_LIMIT
        parts = (["…"] if lo else []) + parts[lo:hi] + (["…"] if hi < len(parts) else [])
    return "backward order: " + " → ".join(parts)


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
        return step_backward_torch(loss, names, params, depth, gradient, caller_frame(1))
    graph = graph_of(loss, names, params, True, True, depth, intermediates, caller_frame(1))
    records = _record_backward(loss, graph, gradient)
    return Frames(graph, build_frames(graph, records, _seed(loss, gradient)),
                  "backward step by step", lang=lang)


def _math_lines(math):
    """The Function's math, in its one notation: forward, local derivative, chain rule."""
    if math is None:
        return [("local derivative: —", "formula")]
    return [(f"forward: {math.forward}", "formula"),
            ("local derivative: " + "    ".join(math.local), "formula"),
            ("chain rule: " + "    ".join(math.rule), "formula")]


def _seed(loss, gradient):
    if gradient is None:
        return np.ones_like(np.asarray(loss._data if hasattr(loss, "_data") else loss))
    return np.asarray(getattr(gradient, "_data", gradient))


def build_frames(graph, records, seed):
    """Frames from the engine's records [(node, g, input_grads)] (either engine)."""
    out_id = graph.root_id
    everything = list(graph.nodes.values()) + list(graph.hidden.values())
    tracked = [n for n in everything if n.kind in ("param", "tensor")]
    leaves = [n for n in tracked if n.kind == "param"]
    running = {}  # node id -> the gradient received so far in this backward pass
    for n in tracked:  # a leaf's .grad is added to, as torch does (hence zero_grad())
        running[n.id] = as_numpy(n.obj.grad) if n.kind == "param" else None

    def grads():
        shown = {i: (value_lines(v) if v is not None else ["not computed yet"])
                 for i, v in running.items()}
        shown[out_id] = value_lines(seed)
        return shown

    out_name = graph.nodes[out_id].title
    frames = [Frame("seed", "backward starts at the output", out_id, [
        ("Step 0: backward starts at the output", "title"),
        (f"∂{out_name}/∂{out_name} = {value_text(seed)}  (the seed: how the output changes "
         f"with itself)", "grad"),
        (_progress(graph, records, -1), "text")], {out_id: "current"}, grads())]
    done, n = {out_id}, len(records)
    for k, (fn, g, input_grads) in enumerate(records):
        current = graph.display_id(fn)
        node = graph.nodes[current]
        label = getattr(fn, "label", node.title)
        name = fn.name() if callable(getattr(fn, "name", None)) else node.subtitle
        math = getattr(fn, "math", None) or node.math
        states = {i: "done" for i in done}
        notes, handed, lines = {}, [], []
        needs = getattr(fn, "needs_input_grad", ())
        for slot, target in graph.inputs_of.get(fn, []):
            gi = input_grads[slot] if slot < len(input_grads) else None
            if slot < len(needs) and not needs[slot]:
                gi = None  # the engine drops what a Function returns for such an input
            tname = _target_name(graph, target)
            handed.append((tname, target, gi))
            if gi is None:
                lines.append((f"  → {tname}: no gradient (it does not require grad)", "text"))
                continue
            lines.append((f"  → ∂L/∂{tname} = {value_text(gi)}", "grad"))
            if target in running:
                running[target] = gi.copy() if running[target] is None else running[target] + gi
            box = graph.shown(target)  # a parameter folded into a module: its box
            if box != current:
                notes[(box, current)] = _short(gi)
                if target in running:
                    states[box] = "receiving"
        states[current] = "current"
        inside = f"  in {node.title}" if node.kind == "module" else ""
        caption = [(f"Step {k + 1}/{n}: {label}  ({name}){inside}", "title"),
                   (f"upstream gradient g = ∂L/∂({label} output) = {value_text(g)}", "grad"),
                   ] + _math_lines(math) + [
                   ("hands on to each input:", "text")] + lines + \
                  [(_progress(graph, records, k), "text")]
        frame = Frame("backward", f"{label} ({name})", current, caption, states, grads(), notes)
        frame.node, frame.label, frame.torch_name = fn, label, name
        frame.math, frame.formula = math, (math.text() if math else "")
        frame.upstream, frame.handed = g, handed
        frames.append(frame)
        done.add(current)
        done.update(t for t, s in states.items() if s == "receiving")
    states = {i: "done" for i in done}
    summary = [("Done: the leaves keep their gradients in .grad (AccumulateGrad)", "title")]
    for leaf in leaves:
        states[graph.shown(leaf.id)] = "current"
        value = running[leaf.id]
        summary.append((f"{leaf.title}.grad = " + (value_text(value) if value is not None
                                                   else "None (no path from the output)"),
                        "grad"))
    summary.append(("intermediate results do not keep theirs; a leaf used twice receives the "
                    "sum of both contributions", "text"))
    final = Frame("leaves", "the leaves' gradients", None, summary, states, grads())
    final.handed = [(leaf.title, leaf.id, running[leaf.id]) for leaf in leaves]
    frames.append(final)
    return frames
