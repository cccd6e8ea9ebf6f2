"""Module boxes: trace_modules, parameter membership, depth collapsing (tinygrad_edu.nn)."""
import pytest

import tinygrad_edu as torch
import viz

nn = pytest.importorskip("tinygrad_edu.nn")
if not hasattr(nn, "Linear"):
    pytest.skip("tinygrad_edu.nn.Linear has not landed yet", allow_module_level=True)


def small_net():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = torch.randn(5, 3)
    y = torch.tensor([0, 1, 0, 1, 1])
    return net, x, y


def test_trace_puts_each_operation_in_its_module():
    net, x, y = small_net()
    with viz.trace_modules(net) as trace:
        loss = nn.functional.cross_entropy(net(x), y)
    graph = viz.graph_of(loss, params=trace)
    assert sorted((n.title, n.cluster) for n in graph.ops()) == \
        [("CE", None), ("LINEAR", "0"), ("LINEAR", "2"), ("RELU", "1")]
    labels = {p: c.label for p, c in graph.clusters.items()}
    assert labels == {"": "net Sequential()", "0": "net.0 Linear(3→4)", "1": "net.1 ReLU()",
                      "2": "net.2 Linear(4→2)"}
    params = sorted((n.title, n.cluster) for n in graph.nodes.values() if n.kind == "param")
    assert params == [("net.0.bias", "0"), ("net.0.weight", "0"), ("net.2.bias", "2"),
                      ("net.2.weight", "2")]


def test_clusters_are_nested_subgraphs_in_the_dot_text():
    net, x, y = small_net()
    with viz.trace_modules(net, name="model") as trace:
        loss = nn.functional.cross_entropy(net(x), y)
    source = viz.draw_graph(loss, params=trace).source
    assert 'label="model.0 Linear(3→4)"' in source
    outer = source.index("subgraph cluster_m_root")
    inner = source.index("subgraph cluster_m_0")
    assert outer < inner


def test_trace_leaves_the_model_as_it_was():
    net, x, y = small_net()
    with viz.trace_modules(net) as trace:
        net(x)
    calls = len(trace.calls)
    assert calls == 4  # the Sequential and its three layers
    net(x)
    assert len(trace.calls) == calls
    assert all("forward" not in vars(m) for _, m in net.named_modules())


def test_params_alone_give_boxes_to_layers_with_parameters():
    net, x, y = small_net()
    loss = nn.functional.cross_entropy(net(x), y)
    viz.modules._LAST_TRACE.pop(id(net), None)
    graph = viz.graph_of(loss, params=net, auto_names=False)
    assert sorted((n.title, n.cluster) for n in graph.ops()) == \
        [("CE", None), ("LINEAR", "0"), ("LINEAR", "2"), ("RELU", None)]
    names = sorted(n.title for n in graph.nodes.values() if n.kind == "param")
    assert names == ["0.bias", "0.weight", "2.bias", "2.weight"]


def test_model_in_the_callers_variables_names_parameters():
    net, x, y = small_net()
    loss = nn.functional.cross_entropy(net(x), y)
    viz.modules._LAST_TRACE.pop(id(net), None)
    graph = viz.draw_graph(loss).graph
    names = sorted(n.title for n in graph.nodes.values() if n.kind == "param")
    assert names == ["net.0.bias", "net.0.weight", "net.2.bias", "net.2.weight"]


def test_depth_one_collapses_each_layer():
    net, x, y = small_net()
    with viz.trace_modules(net) as trace:
        loss = nn.functional.cross_entropy(net(x), y)
    graph = viz.graph_of(loss, names={"x": x, "y": y}, params=trace, depth=1)
    modules = [n.title for n in graph.nodes.values() if n.kind == "module"]
    assert modules == ["net.2 Linear(4→2)", "net.1 ReLU()", "net.0 Linear(3→4)"]
    assert not any(n.kind == "param" for n in graph.nodes.values())
    edges = {(graph.nodes[e.src].title, graph.nodes[e.dst].title, e.label) for e in graph.edges}
    assert ("x", "net.0 Linear(3→4)", "5×3") in edges
    assert ("net.0 Linear(3→4)", "net.1 ReLU()", "5×4") in edges
    assert ("net.2 Linear(4→2)", "CE", "5×2") in edges
    first = graph.nodes["m2"]
    assert first.values == ["weight 4×3", "bias 4"]


def test_depth_zero_draws_the_model_as_one_box():
    net, x, y = small_net()
    with viz.trace_modules(net) as trace:
        loss = nn.functional.cross_entropy(net(x), y)
    graph = viz.graph_of(loss, params=trace, depth=0)
    assert [n.title for n in graph.nodes.values() if n.kind == "module"] == ["net Sequential()"]


def test_depth_without_modules_warns_and_draws_everything():
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.warns(UserWarning, match="params=model"):
        graph = viz.graph_of(x * 2, depth=1)
    assert len(graph.ops()) == 1


def test_mnist_dnn_graph_stays_readable():
    dnn = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256),
                        nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 64),
                        nn.ReLU(), nn.Linear(64, 10))
    x, y = torch.randn(4, 1, 28, 28), torch.tensor([1, 2, 3, 4])
    with viz.trace_modules(dnn) as trace:
        loss = nn.CrossEntropyLoss()(dnn(x), y)
    full = viz.graph_of(loss, params=trace, intermediates=False)
    collapsed = viz.graph_of(loss, params=trace, depth=1)
    # Flatten of data records no operation (nothing needs a gradient there), so: CE, the
    # output, the flattened input, y and the nine Linear/ReLU boxes (the intermediate
    # results, drawn by default, fold into the boxes too)
    assert len(full.nodes) == 23 and len(collapsed.nodes) == 13
    assert len(viz.graph_of(loss, params=trace).nodes) == 23 + 9
    weight = next(n for n in full.nodes.values() if n.title == "dnn.1.weight")
    assert weight.values[0].startswith("min ") and weight.subtitle == "512×784 · float32"


def test_lenet_graph_with_depth_one():
    lenet = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(6, 16, 5),
        nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(16, 120, 5), nn.Tanh(), nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))
    x, y = torch.randn(1, 1, 28, 28), torch.tensor([3])
    with viz.trace_modules(lenet) as trace:
        loss = nn.CrossEntropyLoss()(lenet(x), y)
    graph = viz.graph_of(loss, params=trace, depth=1)
    titles = [n.title for n in graph.nodes.values() if n.kind == "module"]
    assert "lenet.0 Conv2d(1→6, 5×5)" in titles and "lenet.2 AvgPool2d(2)" in titles
    assert len(titles) == 12


def test_step_backward_with_modules_highlights_the_layer_box():
    net, x, y = small_net()
    with viz.trace_modules(net) as trace:
        loss = nn.functional.cross_entropy(net(x), y)
    frames = viz.step_backward(loss, params=trace, depth=1)
    assert [frames.graph.nodes[f.current].title for f in frames if f.kind == "backward"] == \
        ["CE", "net.2 Linear(4→2)", "net.1 ReLU()", "net.0 Linear(3→4)"]


def test_stepping_through_collapsed_layers_still_gives_every_parameters_grad():
    net, x, y = small_net()
    with viz.trace_modules(net) as trace:
        loss = nn.functional.cross_entropy(net(x), y)
    frames = viz.step_backward(loss, params=trace, depth=1)
    final = {name: grad for name, _, grad in frames[-1].handed}
    loss.backward()
    assert sorted(final) == ["net.0.bias", "net.0.weight", "net.2.bias", "net.2.weight"]
    for name, p in net.named_parameters():
        assert (final["net." + name] == p.grad.numpy()).all()


def test_params_as_named_pairs_or_a_plain_list():
    net, x, y = small_net()
    loss = nn.functional.cross_entropy(net(x), y)
    pairs = viz.graph_of(loss, params=net.named_parameters())
    assert sorted(n.title for n in pairs.nodes.values() if n.kind == "param")[0] == "0.bias"
    plain = viz.graph_of(loss, params=list(net.parameters()))
    assert {n.title for n in plain.nodes.values() if n.kind == "param"} == {"parameter"}


class Wrapped(nn.Module):
    """A model whose only child is ``self.net = nn.Sequential(...)``."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))

    def forward(self, x):
        return self.net(x)


def wrapped_loss(name="model"):
    torch.manual_seed(0)
    model = Wrapped()
    x, y = torch.randn(5, 3), torch.tensor([0, 1, 0, 1, 1])
    with viz.trace_modules(model, name=name) as trace:
        loss = nn.functional.cross_entropy(model(x), y)
    return model, trace, loss


def test_levels_count_from_the_first_module_with_more_than_one_child():
    first_level = viz.modules.first_level
    assert first_level(["", "0", "1", "2"]) == 0                       # a plain Sequential
    assert first_level(["", "net", "net.0", "net.1", "net.2"]) == 1      # self.net = ...
    assert first_level(["", "a", "a.b", "a.b.0", "a.b.1"]) == 2          # two wrappers
    assert first_level(["", "lin"]) == 0                                # one layer: level 1
    assert first_level(["", "net", "net.0"]) == 1
    assert first_level([""]) == 0


def test_a_model_wrapping_a_sequential_collapses_to_one_box_per_layer():
    model, trace, loss = wrapped_loss()
    for depth in (1, "layers", "1"):
        graph = viz.graph_of(loss, params=trace, depth=depth)
        boxes = [n.title for n in graph.nodes.values() if n.kind == "module"]
        assert boxes == ["model.net.2 Linear(4→2)", "model.net.1 ReLU()",
                         "model.net.0 Linear(3→4)"], depth
    whole = viz.graph_of(loss, params=trace, depth=0)
    assert [n.title for n in whole.nodes.values() if n.kind == "module"] == \
        ["model.net Sequential()"]


def test_stepping_a_wrapped_model_by_layers_names_each_layer_once():
    model, trace, loss = wrapped_loss()
    frames = viz.step_backward(loss, params=trace, depth="layers")
    steps = [frames.graph.nodes[f.current].title for f in frames if f.kind == "backward"]
    assert steps == ["CE", "model.net.2 Linear(4→2)", "model.net.1 ReLU()",
                     "model.net.0 Linear(3→4)"]
    trail = [text for text, kind in frames[-2].caption if "✓" in text][-1]
    assert "model.net ✓ → model.net ✓" not in trail and "model.net.2" in trail


def test_parameter_membership_of_a_wrapped_model_collapses_the_layers_with_parameters():
    model, trace, loss = wrapped_loss()
    viz.modules._LAST_TRACE.pop(id(model), None)
    graph = viz.graph_of(loss, params=model, depth=1, auto_names=False)
    assert sorted(n.title for n in graph.nodes.values() if n.kind == "module") == \
        ["net.0 Linear(3→4)", "net.2 Linear(4→2)"]
    assert [n.title for n in graph.ops()] == ["CE", "RELU"]


def test_a_plain_sequential_is_unchanged_and_layers_means_one():
    net, x, y = small_net()
    with viz.trace_modules(net) as trace:
        loss = nn.functional.cross_entropy(net(x), y)
    by_number = viz.graph_of(loss, params=trace, depth=1)
    by_word = viz.graph_of(loss, params=trace, depth="layers")
    assert viz.dot.to_dot(by_number) == viz.dot.to_dot(by_word)
    assert [c.depth for c in trace.membership().modules.values()] == [0, 1, 1, 1]
    with pytest.raises(ValueError, match="layers"):
        viz.graph_of(loss, params=trace, depth="all of them")
