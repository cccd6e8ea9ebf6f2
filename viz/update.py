"""One optimizer step, parameter by parameter: w ← w − lr·grad with the numbers before and
after (and the momentum buffer, or Adam's moments, when the optimizer keeps them). The
captions, the graph's texts and the page are in ``lang`` ('en' or 'zh'), as in
``step_backward``."""
from functools import partial

import numpy as np

from .formatting import as_numpy, number, shape_text, value_lines, value_text
from .frames import Frame, Frames
from .graph import Graph, Node, Edge
from .naming import Naming, caller_frame

WORDS = {
    "en": {
        "legend": {"op": "update rule (optimizer)", "output": "parameter after the step",
                   "param": "parameter before the step", "current": "being updated now",
                   "receiving": "new value"},
        "step_of": "step of {name}", "after_node": "{name} (after)", "edge_step": "w − step",
        "first": "v ← g (first step), then v ← ",
        "adam_note": "(m̂, v̂: m and v corrected for their start at 0)",
        "title": "Update {i}/{n}: {name} ({sub}) with {optimizer}",
        "before": "{name} before = {value}",
        "no_grad": "{name}.grad is None: this parameter is left as it is",
        "new": "(new)",
        "state": "{slot}: {old} → {new}",
        "after": "{name} after  = {value}",
        "change": "change = after − before = {value}",
        "frame": "update of {name}",
        "one_step": "one {kind} step",
        "one_update": "one gradient-descent update",
        "velocity": "v (velocity)",
    },
    "zh": {
        "legend": {"op": "更新规则（优化器）", "output": "更新后的参数", "param": "更新前的参数",
                   "current": "正在更新", "receiving": "新值"},
        "step_of": "{name} 的更新", "after_node": "{name}（更新后）", "edge_step": "w − 更新量",
        "first": "v ← g（第一步），之后 v ← ",
        "adam_note": "（m̂、v̂：修正了从 0 起步的偏差的 m 与 v）",
        "title": "第 {i}/{n} 次更新：用 {optimizer} 更新 {name}（{sub}）",
        "before": "{name} 更新前 = {value}",
        "no_grad": "{name}.grad 为 None：这个参数保持不变",
        "new": "（新建）",
        "state": "{slot}：{old} → {new}",
        "after": "{name} 更新后 = {value}",
        "change": "变化 = 更新后 − 更新前 = {value}",
        "frame": "{name} 的更新",
        "one_step": "{kind} 的一步更新",
        "one_update": "一次梯度下降更新",
        "velocity": "v（速度）",
    },
}


def _say(lang, key, **values):
    text = WORDS.get(lang, WORDS["en"]).get(key, WORDS["en"][key])
    return text.format(**values) if values else text


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


def _sgd_formula(group, lang="en"):
    rule = "w ← w − lr·g"
    pre = []
    if group.get("maximize"):
        pre.append("g ← −g")
    if group.get("weight_decay"):
        pre.append("g ← g + weight_decay·w")
    if group.get("momentum"):
        d = group.get("dampening", 0)
        pre.append(_say(lang, "first") + "momentum·v + " + (f"(1−{number(d)})·g" if d
                                                             else "g"))
        rule = "w ← w − lr·(g + momentum·v)" if group.get("nesterov") else "w ← w − lr·v"
    return ";  ".join(pre + [rule])


FORMULAS = {
    "Adam": "m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·m̂/(√v̂ + ε)  {note}",
    "AdamW": "w ← w − lr·weight_decay·w;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  "
             "w ← w − lr·m̂/(√v̂ + ε)",
}


def _formula(kind, group, lang="en"):
    if kind in FORMULAS:
        return FORMULAS[kind].format(note=_say(lang, "adam_note"))
    return _sgd_formula(group, lang) if kind == "SGD" else kind
HYPER = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "betas", "eps")


def _hyper_text(group):
    parts = []
    for k in HYPER:
        if k in group and group[k] not in (0, False, None) or k == "lr":
            v = group.get(k)
            parts.append(f"{k} = {v if isinstance(v, (tuple, bool)) else number(v)}")
    return ", ".join(parts)


def _update_graph(rows, lang="en"):
    """before → UPDATE ← grad, UPDATE → after: one column per parameter."""
    graph = Graph("update")
    graph.lang = lang
    graph.words = dict(_say(lang, "legend"))
    graph.hide_kinds = ("input",)
    for i, row in enumerate(rows):
        name = row["name"]
        before = graph.add(Node(f"b{i}", "param", name, row["sub"],
                                value_lines(row["before"], lang=lang)))
        grad = graph.add(Node(f"g{i}", "grad", f"{name}.grad", row["sub"],
                              value_lines(row["grad"], lang=lang) if row["grad"] is not None
                              else ["None"]))
        op = graph.add(Node(f"u{i}", "op", row["optimizer"].upper(),
                            _say(lang, "step_of", name=name)))
        op.formula = row["formula"]
        after = graph.add(Node(f"a{i}", "output", _say(lang, "after_node", name=name),
                               row["sub"], value_lines(row["after"], lang=lang)))
        graph.edges += [Edge(before.id, op.id, "w"), Edge(grad.id, op.id, "g"),
                        Edge(op.id, after.id, _say(lang, "edge_step"))]
    graph.root_id = "a0" if rows else None
    return graph


def _frames(rows, title, lang="en"):
    graph = _update_graph(rows, lang)
    numbers = partial(value_text, lang=lang)  # a tensor's numbers, as the captions write them
    frames = []
    for i, row in enumerate(rows):
        name = row["name"]
        caption = [(_say(lang, "title", i=i + 1, n=len(rows), name=name, sub=row["sub"],
                         optimizer=row["optimizer"]), "title"),
                   (row["formula"], "formula"), (row["hyper"], "text"),
                   (_say(lang, "before", name=name, value=numbers(row["before"])), "mono"),
                   (f"{name}.grad  = {numbers(row['grad'])}" if row["grad"] is not None
                    else _say(lang, "no_grad", name=name), "grad")]
        for key, (old, new) in row["state"].items():
            caption.append((_say(lang, "state", slot=key, new=numbers(new), old=numbers(old)
                                 if old is not None else _say(lang, "new")), "mono"))
        caption += [(_say(lang, "after", name=name, value=numbers(row["after"])), "mono"),
                    (_say(lang, "change", value=numbers(row["after"] - row["before"])), "grad")]
        states = {f"{k}{j}": "done" for j in range(i) for k in "bgua"}
        states.update({f"u{i}": "current", f"a{i}": "receiving"})
        frame = Frame("update", _say(lang, "frame", name=name), f"u{i}", caption, states)
        frame.lang = lang
        frame.label, frame.formula = row["optimizer"].upper(), row["formula"]
        frame.before, frame.after, frame.grad = row["before"], row["after"], row["grad"]
        frame.handed = [(name, f"a{i}", row["after"])]
        frames.append(frame)
    return Frames(graph, frames, title, lang=lang)


def step_optimizer(optimizer, names=None, params=None, lang="en"):
    """Run ``optimizer.step()`` (it DOES update the parameters, as the real call does) and
    return one frame per parameter: the rule, the numbers before, the gradient, the
    optimizer's state (momentum buffer, Adam's moments) before → after, and the numbers
    after, in ``lang`` ('en' or 'zh'). Works with tinygrad_edu's and torch's optimizers.
    torch counterpart: ``optimizer.step()``."""
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
        row.update(name=naming.name(p) or f"param{count - 1}", sub=shape_text(p.shape, lang),
                   after=as_numpy(p), optimizer=kind, hyper=_hyper_text(group),
                   formula=_formula(kind, group, lang),
                   state={k: (row["state_before"].get(k), v) for k, v in after_state.items()})
    return _frames(rows, _say(lang, "one_step", kind=kind), lang)


def step_update(params, lr, momentum=0.0, dampening=0.0, velocity=None, names=None,
                lang="en"):
    """What the hand-written update ``w.data = w.data - lr * w.grad.data`` gives, one frame
    per parameter; with ``momentum``, v ← momentum·v + (1−dampening)·g (v = g on the first
    step, as torch.optim.SGD) and w ← w − lr·v. The parameters are NOT changed. Pass the
    returned frames' ``.velocity`` as ``velocity`` to the next call to keep momentum going.
    ``lang``: 'en' or 'zh', as in ``step_optimizer``. torch counterpart: the update inside ``torch.optim.SGD.step``."""
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
            state[_say(lang, "velocity")] = (old, v)
            new_velocity[name] = v
            after = (before - np.float32(lr) * v).astype(before.dtype)
        else:
            after = (before - np.float32(lr) * g).astype(before.dtype)
        rows.append({"name": name, "sub": shape_text(before.shape, lang), "before": before,
                     "grad": g, "after": after, "optimizer": "SGD", "hyper": _hyper_text(group),
                     "formula": _sgd_formula(group, lang), "state": state})
    frames = _frames(rows, _say(lang, "one_update"), lang)
    frames.velocity = new_velocity
    return frames
