"""The graph model: what a drawing shows, separate from how it is drawn (DOT, terminal).

``build_graph`` walks a tensor's ``grad_fn`` breadth-first from the output (iteratively: a
10,000-op chain is fine), through an *adapter* that knows one engine (tinygrad_edu here,
real torch in ``torch_graph.py``). Node ids follow the walk order (op0, op1, ..., t0, t1,
...), so the same graph always gives the same ids and the same DOT text."""
import warnings
from collections import deque, namedtuple

from tinygrad_edu.autograd.function import FREED
from tinygrad_edu.autograd.versions import recorded_inputs

from .formatting import dtype_name, number, shape_text, value_lines
from .words import say

NODE_LIMIT = 300  # past this many nodes a drawing stops being readable: say how to collapse

# One input of an operation: another operation ("op": obj is its grad_fn, tensor the
# intermediate result when the engine keeps it) or a leaf tensor ("leaf").
Entry = namedtuple("Entry", "kind obj tensor slot")


class Node:
    """A box in the drawing. kind: 'param', 'input', 'output', 'tensor' (a named
    intermediate), 'op' or 'module' (a collapsed module)."""

    def __init__(self, id, kind, title, subtitle="", values=(), grad=(), cluster=None):
        self.id, self.kind, self.title, self.subtitle = id, kind, title, subtitle
        self.values, self.grad = list(values), list(grad)
        self.cluster = cluster          # the module path of the box around it, or None
        self.math = None                # operations: the Function's Math (forward, local, rule)
        self.grad_state = None          # tensors: 'pending', 'kept', 'not kept' or None
        self.obj = None                 # the engine object (grad_fn or tensor), not drawn

    def __repr__(self):
        return f"Node({self.id}, {self.kind}, {self.title!r})"


class Edge:
    def __init__(self, src, dst, label=""):
        self.src, self.dst, self.label = src, dst, label

    def key(self):
        return self.src, self.dst, self.label


class Cluster:
    def __init__(self, path, label, parent, depth):
        self.path, self.label, self.parent, self.depth = path, label, parent, depth


class Graph:
    """Nodes (ordered by id creation), edges, module clusters, and the maps the stepper
    needs: ``op_ids`` (grad_fn -> node id) and ``inputs_of`` (grad_fn -> [(slot, node id)])."""

    def __init__(self, engine):
        self.engine = engine
        self.nodes, self.edges, self.clusters = {}, [], {}
        self.op_ids, self.inputs_of, self.tensor_ids = {}, {}, {}
        self.root_id = None
        self.backward_done = False
        self.hidden = {}         # nodes folded into a collapsed module: id -> Node
        self.visible = {}        # id of a hidden node -> id of the module node showing it
        self.words = {}          # legend texts that differ from the default (kind -> text)
        self.lang = "en"         # the language of the texts drawn in the graph
        self.hide_kinds = ()     # kinds left out of the legend when absent

    def add(self, node):
        self.nodes[node.id] = node
        return node

    def ops(self):
        return [n for n in self.nodes.values() if n.kind == "op"]

    def display_id(self, fn):
        return self.op_ids.get(fn)

    def node(self, node_id):
        """A node by id, drawn or folded into a module."""
        return self.nodes.get(node_id) or self.hidden[node_id]

    def shown(self, node_id):
        """The id of the node that shows ``node_id`` (itself, or its module's box)."""
        return self.visible.get(node_id, node_id)


class EduAdapter:
    """Reads a tinygrad_edu graph: ``grad_fn.inputs`` holds the input tensors themselves."""
    engine = "tinygrad_edu"

    @staticmethod
    def root(tensor):
        return tensor.grad_fn

    @staticmethod
    def inputs(fn):
        entries = []
        for slot, t in enumerate(recorded_inputs(fn)):
            if t is not None:
                entries.append(Entry("op", t.grad_fn, t, slot) if t.grad_fn is not None
                               else Entry("leaf", None, t, slot))
        return entries

    @staticmethod
    def op_info(fn):
        return fn.label, fn.name(), fn.math

    @staticmethod
    def array(tensor):
        return tensor._data

    @staticmethod
    def grad(tensor):
        g = tensor._grad  # the stored gradient, without the warning .grad gives on non-leaves
        return None if g is None else g._data

    @staticmethod
    def requires_grad(tensor):
        return tensor._requires_grad

    @staticmethod
    def output_shape(fn, entry):
        return None if entry is None or entry.tensor is None else tuple(entry.tensor.shape)

    @staticmethod
    def freed(fn):
        return fn.saved is FREED


def walk(root_fn, adapter):
    """Operations reachable from ``root_fn`` in breadth-first order, with their inputs."""
    order, inputs, seen = [], {}, {root_fn}
    queue = deque([root_fn])
    while queue:
        fn = queue.popleft()
        order.append(fn)
        inputs[fn] = adapter.inputs(fn)
        for e in inputs[fn]:
            if e.kind == "op" and e.obj not in seen:
                seen.add(e.obj)
                queue.append(e.obj)
    return order, inputs


def _tensor_lines(adapter, t, show_values, show_grads, backward_done, lang="en"):
    array = adapter.array(t)
    values = value_lines(array, lang=lang) if show_values else []
    grad_lines, state = [], None
    if adapter.requires_grad(t):
        g = adapter.grad(t)
        if g is not None:
            state, grad_lines = "kept", value_lines(g, lang=lang)
        elif t.grad_fn is not None and backward_done:
            state, grad_lines = "not kept", [say(lang, "not_kept")]
        else:
            state, grad_lines = "pending", [say(lang, "not_yet")]
    return values, (grad_lines if show_grads else []), state


def build_graph(root, adapter, naming, show_values=True, show_grads=True,
                intermediates=False, lang="en"):
    """The Graph of everything ``root`` was computed from (its texts in ``lang``)."""
    graph = Graph(adapter.engine)
    graph.lang = lang
    root_fn = adapter.root(root)
    order, inputs = walk(root_fn, adapter) if root_fn is not None else ([], {})
    leaves = {}
    for fn in order:
        for e in inputs[fn]:
            if e.kind == "leaf":
                leaves.setdefault(id(e.tensor), e.tensor)
    naming.choose_model(set(leaves) | {id(root)})
    membership = naming.membership
    graph.backward_done = any(adapter.grad(t) is not None for t in leaves.values()
                              if adapter.requires_grad(t)) or any(map(adapter.freed, order))

    def tensor_node(node_id, kind, t, default, cluster=None):
        values, grad, state = _tensor_lines(adapter, t, show_values, show_grads,
                                            graph.backward_done, lang)
        title = naming.name(t) or default
        node = graph.add(Node(node_id, kind, title,
                              f"{shape_text(t.shape, lang)} · {dtype_name(adapter.array(t))}",
                              values, grad, cluster))
        node.grad_state, node.obj = state, t
        graph.tensor_ids[id(t)] = node_id
        return node

    # operations first (walk order), then leaves in the order they are met
    op_cluster = {}
    for i, fn in enumerate(order):
        label, torch_name, math = adapter.op_info(fn)
        path = membership.op_path(fn) if membership is not None else None
        if path is None and membership is not None and membership.trace is None:
            # parameter membership: the op that consumes a module's parameter is the module's
            path = next((membership.param_path[id(e.tensor)] for e in inputs[fn]
                         if e.kind == "leaf" and id(e.tensor) in membership.param_path), None)
        op_cluster[fn] = path
        node = graph.add(Node(f"op{i}", "op", label, torch_name, cluster=path))
        node.math, node.obj = math, fn
        graph.op_ids[fn] = node.id

    untitled = say(lang, "untitled_output")
    if root_fn is None:
        graph.root_id = tensor_node("out", "output", root, untitled).id
    else:
        out = tensor_node("out", "output", root, naming.name(root) or untitled)
        graph.root_id = out.id
        graph.edges.append(Edge(graph.op_ids[root_fn], out.id, shape_text(root.shape, lang)))

    leaf_count, shown = 0, {}
    for fn in order:
        graph.inputs_of[fn] = []
        for e in inputs[fn]:
            dst = graph.op_ids[fn]
            if e.kind == "leaf":
                node_id = graph.tensor_ids.get(id(e.tensor))
                if node_id is None:
                    param = adapter.requires_grad(e.tensor)
                    path = membership.param_path.get(id(e.tensor)) if membership else None
                    kind = "param" if param else "input"
                    node_id = tensor_node(f"t{leaf_count}", kind, e.tensor,
                                          say(lang, f"untitled_{kind}"), path).id
                    leaf_count += 1
                graph.edges.append(Edge(node_id, dst, shape_text(e.tensor.shape, lang)))
                graph.inputs_of[fn].append((e.slot, node_id))
                continue
            src = graph.op_ids[e.obj]
            shape = adapter.output_shape(e.obj, e)
            label = shape_text(shape, lang) if shape is not None else ""
            named = naming.fn_name(e.obj)
            if named is not None or (intermediates and e.tensor is not None):
                if e.obj not in shown:
                    t = e.tensor if e.tensor is not None else naming.fn_tensor(e.obj)
                    shown[e.obj] = tensor_node(f"i{len(shown)}", "tensor", t, named or "",
                                               op_cluster.get(e.obj)).id
                    graph.edges.append(Edge(src, shown[e.obj], label))
                src = shown[e.obj]
            graph.edges.append(Edge(src, dst, label))
            graph.inputs_of[fn].append((e.slot, src))
        for slot, value in constants_of(fn):  # 3 in a − 3, 2 in 2·a: a box of its own
            node = graph.add(Node(f"c{len(graph.nodes)}", "const", number(value),
                                  say(lang, "a_constant"),
                                  cluster=op_cluster.get(fn)))
            graph.edges.append(Edge(node.id, graph.op_ids[fn], ""))

    if membership is not None:
        _add_clusters(graph, membership)
    return graph


def constants_of(fn):
    """(slot, number) for each plain number a tinygrad_edu operation got as an input."""
    args, inputs = getattr(fn, "args", ()), getattr(fn, "inputs", ())
    return [(slot, v) for slot, v in enumerate(args[:len(inputs)])
            if inputs[slot] is None and isinstance(v, (int, float)) and not isinstance(v, bool)]


def _add_clusters(graph, membership):
    used = {n.cluster for n in graph.nodes.values() if n.cluster is not None}
    if membership.trace is not None:  # recorded calls: show the whole nesting of modules
        for path in list(used):
            while path:
                path = membership.modules[path].parent if path in membership.modules else None
                if path is not None:
                    used.add(path)
    order = {path: i for i, path in enumerate(membership.modules)}  # named_modules order
    for path in sorted(used, key=lambda p: order.get(p, len(order))):
        info = membership.modules.get(path)
        if info is not None:
            parent = info.parent if info.parent in used else None
            graph.clusters[path] = Cluster(path, info.label, parent, info.depth)
    for node in graph.nodes.values():
        if node.cluster is not None and node.cluster not in graph.clusters:
            node.cluster = None


def collapse_level(depth):
    """``depth`` as a level: an int (or a str of digits), or "layers" (1: one box per layer)."""
    if depth == "layers":
        return 1
    try:
        return int(depth)
    except (TypeError, ValueError):
        raise ValueError(f"depth= takes a level (0, 1, 2, ...) or \"layers\", not "
                         f"{depth!r}") from None


def collapse(graph, depth):
    """Draw each module at level ``depth`` as one node: its parameters and operations go
    inside it, edges between them disappear. Levels count from the first module with more
    than one child (viz.modules.first_level): 0 is that module (the model itself for a plain
    Sequential), 1 its children, the layers (``depth="layers"`` says the same), 2 the
    layers' own children, ...; a model wrapping ``self.net = nn.Sequential(...)`` gets one
    box per layer at 1 too, not one box for ``net``."""
    depth = collapse_level(depth)
    modules = {}  # node id -> the module path it collapses into

    def target(path):
        if path is None or path not in graph.clusters:
            return None
        while path in graph.clusters and graph.clusters[path].depth > depth:
            path = graph.clusters[path].parent
        if path is None or graph.clusters[path].depth != depth:
            return None
        return path

    for node in graph.nodes.values():
        path = target(node.cluster)
        if path is not None and node.kind != "output":
            modules[node.id] = path
    if not modules:
        return graph
    out = Graph(graph.engine)
    out.lang = graph.lang
    out.backward_done, out.root_id = graph.backward_done, graph.root_id
    ids, ops = {}, {}
    for path in dict.fromkeys(modules.values()):
        ids[path] = f"m{len(ids)}"
    for node in graph.nodes.values():
        path = modules.get(node.id)
        if path is None:
            out.add(node)
            continue
        if ids[path] not in out.nodes:
            cluster = graph.clusters[path]
            out.add(Node(ids[path], "module", cluster.label, "", cluster=cluster.parent))
        box = out.nodes[ids[path]]
        out.hidden[node.id], out.visible[node.id] = node, box.id
        if node.kind == "param":
            state = "✓ grad" if node.grad_state == "kept" else ""
            box.values.append(f"{node.title.rsplit('.', 1)[-1]} {node.subtitle.split(' ')[0]}"
                              + (f"  {state}" if state else ""))
        elif node.kind == "op":
            ops.setdefault(box.id, []).append(node.title)
    for box_id, titles in ops.items():  # the operations inside, in forward order
        titles = list(dict.fromkeys(reversed(titles)))
        out.nodes[box_id].subtitle = " · ".join(titles[:4]) + (" · …" if len(titles) > 4 else "")
    remap = {nid: ids[p] for nid, p in modules.items()}
    seen = set()
    for e in graph.edges:
        src, dst = remap.get(e.src, e.src), remap.get(e.dst, e.dst)
        if src == dst or (src, dst, e.label) in seen:
            continue
        seen.add((src, dst, e.label))
        out.edges.append(Edge(src, dst, e.label))
    out.clusters = {p: c for p, c in graph.clusters.items() if c.depth < depth}
    for node in out.nodes.values():
        if node.cluster is not None and node.cluster not in out.clusters:
            node.cluster = None
    out.op_ids = {fn: remap.get(nid, nid) for fn, nid in graph.op_ids.items()}
    out.inputs_of = graph.inputs_of  # the real inputs; out.shown(id) finds their box
    out.tensor_ids = graph.tensor_ids
    return out


def check_size(graph):
    n = len(graph.nodes)
    if n > NODE_LIMIT:
        warnings.warn(f"this graph has {n} nodes, too many to read: pass depth=1 (with "
                      f"params=model or a viz.trace_modules trace) to draw each layer as one "
                      f"box", stacklevel=3)
