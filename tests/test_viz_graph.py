"""viz.draw_graph: the graph model and its DOT text (no Graphviz needed for these)."""
import re

import numpy as np
import pytest

import tinygrad_edu as torch
import viz
from viz.graph import NODE_LIMIT

NODE_RE = re.compile(r'^\s*(\w+) \[label=<.*?<B>(.*?)</B>', re.M)
EDGE_RE = re.compile(r'^\s*(\w+) -> (\w+)(?: \[label="([^"]*)"\])?', re.M)


def structure(source):
    """(node id -> bold title, [(src, dst, label)]) read back from DOT text."""
    nodes = dict(NODE_RE.findall(source))
    nodes = {k: v for k, v in nodes.items() if k != "legend"}
    return nodes, EDGE_RE.findall(source)


def neuron():
    """Lesson 05's neuron: y = w*x + b, loss = (y - 3)**2 at x = 2, w = 1, b = 0."""
    x = torch.tensor(2.0)
    w = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    loss = (w * x + b - 3) ** 2
    return x, w, b, loss


def test_golden_structure_of_the_neuron_graph():
    x, w, b, loss = neuron()
    source = viz.draw_graph(loss, names={"x": x, "w": w, "b": b, "loss": loss},
                            intermediates=False).source
    nodes, edges = structure(source)
    assert nodes == {"op0": "POW", "op1": "SUB", "op2": "ADD", "op3": "MUL", "out": "loss",
                     "t0": "b", "t1": "w", "t2": "x", "c5": "2", "c6": "3"}
    assert edges == [("op0", "out", "scalar"), ("op1", "op0", "scalar"), ("c5", "op0", ""),
                     ("op2", "op1", "scalar"), ("c6", "op1", ""),
                     ("op3", "op2", "scalar"), ("t0", "op2", "scalar"), ("t1", "op3", "scalar"),
                     ("t2", "op3", "scalar")]


def test_by_default_intermediate_results_and_constants_are_drawn_with_their_values():
    x, w, b, loss = neuron()
    graph = viz.draw_graph(loss).graph
    kinds = sorted(n.kind for n in graph.nodes.values())
    assert kinds.count("tensor") == 3 and kinds.count("const") == 2   # w·x, +b, −3; 2 and 3
    values = sorted(n.values[0] for n in graph.nodes.values() if n.kind == "tensor")
    assert values == ["-1.0", "2.0", "2.0"]   # w·x = 2, w·x + b = 2, − 3 = −1
    assert sorted(n.title for n in graph.nodes.values() if n.kind == "const") == ["2", "3"]


def _neuron_dot():
    x, w, b, loss = neuron()
    return viz.draw_graph(loss).source


def test_same_graph_twice_gives_identical_dot():
    x, w, b, loss = neuron()
    first = viz.draw_graph(loss).source
    assert viz.draw_graph(loss).source == first
    assert _neuron_dot() == _neuron_dot()  # fresh, equal computations: the same text


def test_tensor_nodes_show_shape_dtype_and_value():
    w = torch.tensor([[0.5, -1.25]], requires_grad=True)
    out = (w * 2).sum()
    source = viz.draw_graph(out, names={w: "w"}).source
    assert "1×2 · float32" in source
    assert "[[0.5, -1.25]]" in source


def test_large_tensors_show_min_mean_max():
    w = torch.arange(0, 1000, dtype=torch.float32).reshape(10, 100).requires_grad_()
    source = viz.draw_graph((w * 1.0).sum()).source
    assert "min 0.0 · mean 499.5 · max 999.0" in source


def test_grad_is_not_computed_yet_before_backward_never_zero():
    x, w, b, loss = neuron()
    source = viz.draw_graph(loss).source
    # w, b, the output and the 3 intermediate results
    assert source.count("grad: not computed yet") == 6
    assert "grad " not in source.replace("grad: ", "")


def test_grad_values_after_backward():
    x, w, b, loss = neuron()
    loss.backward()  # dloss/dw = 2(y-3)x = -4, dloss/db = 2(y-3) = -2
    graph = viz.graph_of(loss, names={"w": w, "b": b})
    nodes = {n.title: n for n in graph.nodes.values()}
    assert nodes["w"].grad == ["-4.0"] and nodes["b"].grad == ["-2.0"]
    assert nodes["w"].grad_state == "kept"
    assert graph.nodes["out"].grad == ["not kept (not a leaf)"]
    assert "grad -4.0" in re.sub(r"<[^>]+>", "", viz.draw_graph(loss).source)


def test_operation_labels_are_the_course_names():
    x = torch.tensor([[1.0, 2.0]])
    w = torch.tensor([[0.1], [0.2]], requires_grad=True)
    y = torch.tensor([[1.0]])
    h = (x @ w).sigmoid().relu()
    loss = ((h - y) ** 2).mean()
    labels = [n.title for n in viz.graph_of(loss).ops()]
    assert labels == ["MEAN", "POW", "SUB", "RELU", "SIGMOID", "MM"]


def test_loss_functions_are_one_node():
    from tinygrad_edu.ops.loss_ops import BCELoss, CrossEntropyLoss, MSELoss
    p = torch.tensor([[0.3], [0.8]], requires_grad=True)
    t = torch.tensor([[0.0], [1.0]])
    logits = torch.tensor([[1.0, 2.0], [0.5, 0.1]], requires_grad=True)
    target = torch.tensor([1, 0])
    assert viz.graph_of(MSELoss.apply(p, t)).ops()[0].title == "MSE"
    assert viz.graph_of(BCELoss.apply(p, t)).ops()[0].title == "BCE"
    assert viz.graph_of(CrossEntropyLoss.apply(logits, target)).ops()[0].title == "CE"


def test_names_either_way_round_and_auto_names_from_caller():
    x, w, b, loss = neuron()
    by_tensor = viz.graph_of(loss, names={w: "weight"}, auto_names=False)
    by_name = viz.graph_of(loss, names={"weight": w}, auto_names=False)
    titles = lambda g: sorted(n.title for n in g.nodes.values() if n.kind == "param")  # noqa
    assert titles(by_tensor) == titles(by_name) == ["parameter", "weight"]
    automatic = viz.draw_graph(loss).graph  # the caller's variables x, w, b, loss
    assert sorted(n.title for n in automatic.nodes.values()
                  if n.kind in ("param", "input", "output")) == ["b", "loss", "w", "x"]
    off = viz.draw_graph(loss, auto_names=False).graph
    assert off.nodes["out"].title == "output"


def test_colours_differ_by_kind_and_legend_names_them():
    x, w, b, loss = neuron()
    source = viz.draw_graph(loss).source
    fills = {kind: set(re.findall(rf'class="kind-{kind}[^"]*"', source)) for kind in
             ("param", "input", "output", "op")}
    assert all(fills.values())
    colour = {}
    for kind in ("param", "input", "output", "op"):
        line = next(l for l in source.splitlines() if f'class="kind-{kind}"' in l)  # noqa
        colour[kind] = re.search(r'fillcolor="(#\w+)"', line).group(1)
    assert len(set(colour.values())) == 4
    legend = next(l for l in source.splitlines() if l.strip().startswith("legend"))  # noqa
    for word in ("parameter", "input", "output", "operation"):
        assert word in legend


def test_named_intermediate_results_and_edges_with_shapes():
    x = torch.ones(4, 3)
    w = torch.ones(3, 2, requires_grad=True)
    h = x @ w
    out = h.sum()
    graph = viz.graph_of(out, names={"h": h, "x": x, "w": w})
    h_node = next(n for n in graph.nodes.values() if n.title == "h")
    assert h_node.kind == "tensor" and h_node.subtitle == "4×2 · float32"
    labels = {(graph.nodes[e.src].title, graph.nodes[e.dst].title): e.label for e in graph.edges}
    assert labels[("MM", "h")] == "4×2" and labels[("x", "MM")] == "4×3"
    assert labels[("w", "MM")] == "3×2"


def test_intermediates_option_draws_every_result():
    x, w, b, loss = neuron()
    graph = viz.graph_of(loss, intermediates=True, auto_names=False)
    assert sum(n.kind == "tensor" for n in graph.nodes.values()) == 3  # MUL, ADD, SUB outputs


def test_a_tensor_used_twice_is_one_node_with_two_edges():
    a = torch.tensor(3.0, requires_grad=True)
    graph = viz.graph_of(a * a)
    assert [n.kind for n in graph.nodes.values()].count("param") == 1
    assert sum(1 for e in graph.edges if e.dst == "op0") == 2


def test_deep_chain_walks_without_recursion():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    graph = viz.graph_of(y)
    assert len(graph.ops()) == 3000


def test_warns_past_the_node_limit():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(NODE_LIMIT):
        y = y + 1.0
    with pytest.warns(UserWarning, match="depth=1"):
        viz.draw_graph(y)


def test_leaf_output_draws_one_node():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    graph = viz.graph_of(w)
    assert list(graph.nodes) == ["out"] and graph.edges == []


def test_draw_graph_rejects_what_is_not_a_tensor():
    with pytest.raises(TypeError, match="takes a tensor"):
        viz.draw_graph([1.0, 2.0])


def test_notebook_reprs_never_raise(monkeypatch):
    x, w, b, loss = neuron()
    drawing = viz.draw_graph(loss)
    assert "graph" in repr(drawing)
    monkeypatch.setattr("viz.dot.find_dot", lambda: None)
    assert drawing._repr_svg_() is None
    bundle = drawing._repr_mimebundle_()
    assert "sudo apt-get install graphviz" in bundle["text/plain"]
    assert "digraph" in bundle["text/plain"]


def test_graph_values_are_float32_numbers():
    x = torch.tensor([0.1, 0.2], requires_grad=True)
    graph = viz.graph_of((x * 3).sum())
    assert graph.nodes["t0"].values == ["[0.1, 0.2]"]
    assert np.asarray(graph.nodes["t0"].obj._data).dtype == np.float32


def test_values_and_grads_can_be_left_out():
    x, w, b, loss = neuron()
    source = viz.draw_graph(loss, show_values=False, show_grads=False).source
    text = re.sub(r"<[^>]+>", " ", source)
    assert "grad:" not in text and "1.0" not in text and "scalar · float32" in text


def _helper_that_draws(tensor):
    return viz.draw_graph(tensor).graph


def test_names_come_from_the_outermost_caller_that_holds_the_tensor():
    x, w, b, loss = neuron()
    graph = _helper_that_draws(loss)  # the helper calls it 'tensor'; here it is 'loss'
    assert graph.nodes["out"].title == "loss"
