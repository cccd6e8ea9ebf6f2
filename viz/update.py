"""One optimizer step, parameter by parameter: w ← w − lr·grad with the numbers before and
after (and the momentum buffer, or Adam's moments, when the optimizer keeps them)."""
import numpy as np

from .formatting import as_numpy, number, shape_text, value_lines, value_text
from .frames import Frame, Frames
from .graph import Graph, Node, Edge
from .naming import Naming, caller_frame


def _param_list(params):
    """(name or None, tensor) pairs from a module, a dict, pairs, or tensors."""
    if callable(getattr(params, "named_parameters", None)):
        return list(params.named_parameters())
    if hasattr(params, "items"):
        return list(params.items())
    out = []
    for p in params:
        out.append(p if isinstance(p, tuple) else (None, p))
    return out


def _state_arrays(state):
    return {k: as_numpy(v) for k, v in state.items() if hasattr(v, "shape") and np.ndim(
        as_numpy(v)) > 0}


def _sgd_formula(group):
    rule = "w ← w − lr·g"
    pre = []
    if group.get("maximize"):
        pre.append("g ← −g")
    if group.get("weight_decay"):
        pre.append("g ← g + weight_decay·w")
    if group.get("momentum"):
        d = group.get("dampening", 0)
        pre.append("v ← g (first step), then v ← momentum·v + " + (f"(1−{number(d)})·g" if d
                                                                    else "g"))
        rule = "w ← w − lr·(g + momentum·v)" if group.get("nesterov") else "w ← w − lr·v"
    return ";  ".join(pre + [rule])


FORMULAS = {
    "Adam": "m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·m̂/(√v̂ + ε)  "
            "(m̂, v̂: m and v corrected for their start at 0)",
    "AdamW": "w ← w − lr·weight_decay·w;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  "
             "w ← w − lr·m̂/(√v̂ + ε)",
}
HYPER = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "betas", "eps")


def _hyper_text(group):
    parts = []
    for k in HYPER:
        if k in group and group[k] not in (0, False, None) or k == "lr":
            v = group.get(k)
            parts.append(f"{k} = {v if isinstance(v, (tuple, bool)) else number(v)}")
    return ", ".join(parts)


def _update_graph(rows):
    """before → UPDATE ← grad, UPDATE → after: one column per parameter."""
    graph = Graph("update")
    graph.words = {"op": "update rule (optimizer)", "output": "parameter after the step",
                   "param": "parameter before the step", "current": "being updated now",
                   "receiving": "new value"}
    graph.hide_kinds = ("input",)
    for i, row in enumerate(rows):
        before = graph.add(Node(f"b{i}", "param", row["name"], row["sub"],
                                value_lines(row["before"])))
        grad = graph.add(Node(f"g{i}", "grad", f"{row['name']}.grad", row["sub"],
                              value_lines(row["grad"]) if row["grad"] is not None else ["None"]))
        op = graph.add(Node(f"u{i}", "op", row["optimizer"].upper(), f"step of {row['name']}"))
        op.formula = row["formula"]
        after = graph.add(Node(f"a{i}", "output", f"{row['name']} (after)", row["sub"],
                               value_lines(row["after"])))
        graph.edges += [Edge(before.id, op.id, "w"), Edge(grad.id, op.id, "g"),
                        Edge(op.id, after.id, "w − step")]
    graph.root_id = "a0" if rows else None
    return graph


def _frames(rows, title):
    graph = _update_graph(rows)
    frames = []
    for i, row in enumerate(rows):
        name = row["name"]
        caption = [(f"Update {i + 1}/{len(rows)}: {name} ({row['sub']}) with "
                    f"{row['optimizer']}", "title"),
                   (row["formula"], "formula"), (row["hyper"], "text"),
                   (f"{name} before = {value_text(row['before'])}", "mono"),
                   (f"{name}.grad  = {value_text(row['grad'])}" if row["grad"] is not None
                    else f"{name}.grad is None: this parameter is left as it is", "grad")]
        for key, (old, new) in row["state"].items():
            caption.append((f"{key}: {value_text(old) if old is not None else '(new)'} → "
                            f"{value_text(new)}", "mono"))
        caption += [(f"{name} after  = {value_text(row['after'])}", "mono"),
                    (f"change = after − before = {value_text(row['after'] - row['before'])}",
                     "grad")]
        states = {f"{k}{j}": "done" for j in range(i) for k in "bgua"}
        states.update({f"u{i}": "current", f"a{i}": "receiving"})
        frame = Frame("update", f"update of {name}", f"u{i}", caption, states)
        frame.label, frame.formula = row["optimizer"].upper(), row["formula"]
        frame.before, frame.after, frame.grad = row["before"], row["after"], row["grad"]
        frame.handed = [(name, f"a{i}", row["after"])]
        frames.append(frame)
    return Frames(graph, frames, title)


def step_optimizer(optimizer, names=None, params=None):
    """Run ``optimizer.step()`` (it DOES update the parameters, as the real call does) and
    return one frame per parameter: the rule, the numbers before, the gradient, the
    optimizer's state (momentum buffer, Adam's moments) before → after, and the numbers
    after. Works with tinygrad_edu's and torch's optimizers. torch counterpart:
    ``optimizer.step()``."""
    naming = Naming(names, params, caller_frame(1))
    all_params = [p for g in optimizer.param_groups for p in g["params"]]
    naming.choose_model({id(p) for p in all_params})
    kind = type(optimizer).__name__
    rows, count = [], 0
    for group in optimizer.param_groups:
        for p in group["params"]:
            state = optimizer.state.get(p, {}) if hasattr(optimizer.state, "get") else {}
            rows.append({"p": p, "group": group, "before": as_numpy(p), "grad": as_numpy(p.grad),
                         "state_before": _state_arrays(state)})
    optimizer.step()
    for row in rows:
        p, group = row["p"], row["group"]
        count += 1
        after_state = _state_arrays(optimizer.state.get(p, {}))
        row.update(name=naming.name(p) or f"param{count - 1}", sub=shape_text(p.shape),
                   after=as_numpy(p), optimizer=kind, hyper=_hyper_text(group),
                   formula=FORMULAS.get(kind, _sgd_formula(group) if kind == "SGD" else kind),
                   state={k: (row["state_before"].get(k), v) for k, v in after_state.items()})
    return _frames(rows, f"one {kind} step")


def step_update(params, lr, momentum=0.0, dampening=0.0, velocity=None, names=None):
    """What the hand-written update ``w.data = w.data - lr * w.grad.data`` gives, one frame
    per parameter; with ``momentum``, v ← momentum·v + (1−dampening)·g (v = g on the first
    step, as torch.optim.SGD) and w ← w − lr·v. The parameters are NOT changed. Pass the
    returned frames' ``.velocity`` as ``velocity`` to the next call to keep momentum going.
    torch counterpart: the update inside ``torch.optim.SGD.step``."""
    pairs = _param_list(params)
    naming = Naming(names, None, caller_frame(1))
    velocity = dict(velocity or {})
    group = {"lr": lr, "momentum": momentum, "dampening": dampening}
    rows, new_velocity = [], {}
    for i, (name, p) in enumerate(pairs):
        name = name or naming.name(p) or f"param{i}"
        before, g = as_numpy(p), as_numpy(p.grad)
        state = {}
        if g is None:
            after = before.copy()
        elif momentum:
            old = velocity.get(name)
            v = g.copy() if old is None else momentum * old + (1 - dampening) * g
            state["v (velocity)"] = (old, v)
            new_velocity[name] = v
            after = (before - np.float32(lr) * v).astype(before.dtype)
        else:
            after = (before - np.float32(lr) * g).astype(before.dtype)
        rows.append({"name": name, "sub": shape_text(before.shape), "before": before, "grad": g,
                     "after": after, "optimizer": "SGD", "hyper": _hyper_text(group),
                     "formula": _sgd_formula(group), "state": state})
    frames = _frames(rows, "one gradient-descent update")
    frames.velocity = new_velocity
    return frames
