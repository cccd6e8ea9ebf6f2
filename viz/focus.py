"""The focus view of the HTML player: for each frame, a second, small drawing of the current
node's neighbourhood, so that a big model (the MNIST DNN, LeNet) stays readable.

The neighbourhood is the current node, its inputs and its outputs; an intermediate result
(a 'tensor' node) is looked through to the operation on its other side, so the operation
before and the operation after are there too. The module boxes around those nodes are kept
(they say which layer this is), and a dashed '⋯' marks each place where the graph goes on.
The drawing is ordinary DOT from ``viz.dot.to_dot`` (same colours, same states, same
gradients on the edges) with the node ids prefixed ``z{frame}_`` instead of ``f{frame}_``."""
import copy

from . import dot as _dot
from .graph import Graph

FOCUS_NODES = 25  # graphs with more nodes than this open in the focus view
WRAP = 52         # characters per value line in the focus view


def neighbourhood(graph, current):
    """The ids of the nodes drawn around ``current``, in a stable order (graph order)."""
    preds, succs = {}, {}
    for e in graph.edges:
        preds.setdefault(e.dst, []).append(e.src)
        succs.setdefault(e.src, []).append(e.dst)
    keep = {current}
    for links in (preds, succs):
        for near in links.get(current, []):
            keep.add(near)
            if graph.nodes[near].kind == "tensor":  # look through an intermediate result
                keep.update(links.get(near, []))
    return [node_id for node_id in graph.nodes if node_id in keep]


def wrap(lines, width=WRAP):
    """Long value lines ('[0.006367, 0.08164, …]') broken after commas, to keep boxes narrow."""
    out = []
    for line in lines:
        while len(line) > width and ", " in line[:width]:
            cut = line[:width].rindex(", ") + 2
            out.append(line[:cut].rstrip())
            line = " " + line[cut:]
        out.append(line)
    return out


def subgraph(graph, node_ids):
    """The part of ``graph`` made of ``node_ids``, the edges between them and the module
    boxes (with their parents) around them. The Node objects are shared, not copied."""
    sub = Graph(graph.engine)
    for node_id in node_ids:
        node = sub.add(copy.copy(graph.nodes[node_id]))
        node.cluster = None  # no module boxes: their margins cost width
        node.values, node.grad = wrap(node.values), wrap(node.grad)
    sub.edges = [e for e in graph.edges if e.src in sub.nodes and e.dst in sub.nodes]
    sub.root_id, sub.backward_done = graph.root_id, graph.backward_done
    for attr in ("lang", "words"):   # the words of the whole graph's language
        if hasattr(graph, attr):
            setattr(sub, attr, getattr(graph, attr))
    return sub


def _stack(sub, current):
    """DOT lines that put the current node's inputs one above the other, in one column
    (the result coming from the previous operation first, then the leaves): value boxes side
    by side, or staggered, would be too wide to read at any size that fits."""
    inputs = list(dict.fromkeys(e.src for e in sub.edges if e.dst == current))
    inputs.sort(key=lambda i: sub.nodes[i].kind in ("param", "input"))  # stable
    lines = [f"  {i} [group=stack]" for i in inputs + [current]] if len(inputs) > 1 else []
    return lines + [f"  {a} -> {b} [style=invis weight=8]" for a, b in zip(inputs, inputs[1:])]


def _more(graph, sub, prefix):
    """DOT lines for a grey '⋯' beside each node where the graph goes on outside ``sub``
    (beside, in the same rank: a rank of its own would cost height)."""
    lines = []
    for node_id in sub.nodes:
        if any((e.dst == node_id and e.src not in sub.nodes) or
               (e.src == node_id and e.dst not in sub.nodes) for e in graph.edges):
            stub = f"more_{node_id}"
            lines += [f'  {stub} [shape=plaintext label="⋯" fontsize=16 fontcolor="#94a3b8" '
                      f'id="{prefix}{stub}" margin=0 width=0.2 height=0.2]',
                      f"  {{rank=same; {node_id}; {stub}}}",
                      f'  {node_id} -> {stub} [style=dashed color="#cbd5e1" arrowhead=none '
                      f"constraint=false]"]
    return lines


def focus_dot(graph, frame):
    """DOT text of ``frame``'s neighbourhood drawing, or None when the frame has no current
    node (the seed and last frames of some step-throughs: the whole graph is shown then)."""
    if frame.current is None or frame.current not in graph.nodes:
        return None
    sub = subgraph(graph, neighbourhood(graph, frame.current))
    prefix = f"z{frame.index}_"
    grads = {i: wrap(lines) for i, lines in frame.grads.items() if i in sub.nodes}
    source = _dot.to_dot(sub, frame.states, grads, frame.edge_notes, caption=None,
                         legend=False, id_prefix=prefix)
    extra = _stack(sub, frame.current) + _more(graph, sub, prefix)
    source = source.replace("nodesep=0.35 ranksep=0.45", "nodesep=0.25 ranksep=0.25")
    return source.rstrip()[:-1] + "\n".join(extra) + "\n}\n"


def kinds_shown(graph, frame):
    """(node kinds, step states) drawn in ``frame``'s focus view, for its legend."""
    ids = neighbourhood(graph, frame.current)
    kinds = list(dict.fromkeys(graph.nodes[i].kind for i in ids))
    states = list(dict.fromkeys(frame.states[i] for i in ids if i in frame.states))
    return kinds, states
