"""The same drawing (and stepper) for a real PyTorch graph."""
import numpy as np
import pytest

import tinygrad_edu
import viz

torch = pytest.importorskip("torch")


def torch_net():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    x = torch.randn(5, 3)
    y = torch.tensor([0, 1, 0, 1, 1])
    return net, x, y


def edu_twin(net):
    """The same network in tinygrad_edu with the same weights."""
    nn = pytest.importorskip("tinygrad_edu.nn")
    if not hasattr(nn, "Linear"):
        pytest.skip("tinygrad_edu.nn.Linear has not landed yet")
    twin = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    for (_, p), (_, q) in zip(twin.named_parameters(), net.named_parameters()):
        p.data = tinygrad_edu.tensor(q.detach().numpy())
    return twin


def test_torch_walker_maps_names_to_course_labels():
    net, x, y = torch_net()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    graph = viz.graph_of(loss)
    assert [n.title for n in graph.ops()] == ["CE", "LINEAR", "RELU", "LINEAR"]
    assert graph.ops()[0].subtitle == "NllLossBackward0 + LogSoftmaxBackward0"
    assert graph.engine == "torch"


def test_without_fusion_every_torch_node_is_drawn():
    net, x, y = torch_net()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    graph = viz.graph_of(loss, fuse=False)
    assert sorted(n.subtitle for n in graph.ops()) == sorted([
        "NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0", "TBackward0",
        "ReluBackward0", "AddmmBackward0", "TBackward0"])


def test_torch_leaves_come_from_accumulate_grad_with_values_and_names():
    net, x, y = torch_net()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    graph = viz.graph_of(loss, params=net)
    params = {n.title: n for n in graph.nodes.values() if n.kind == "param"}
    assert sorted(params) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    bias = net[2].bias.detach().numpy()
    assert params["2.bias"].values == [viz.formatting.value_text(bias)]
    assert params["0.weight"].subtitle == "4×3 · float32"
    assert params["0.weight"].grad == ["not computed yet"]


def test_torch_edges_carry_the_forward_shapes():
    net, x, y = torch_net()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    graph = viz.graph_of(loss)
    labels = {(graph.nodes[e.src].title, graph.nodes[e.dst].title) for e in graph.edges
              if e.label == "5×4"}
    assert ("LINEAR", "RELU") in labels and ("RELU", "LINEAR") in labels


@pytest.mark.parametrize("make, label", [
    (lambda a, b: torch.nn.functional.mse_loss(a @ b, torch.zeros(2, 2)), "MSE"),
    (lambda a, b: torch.nn.functional.binary_cross_entropy((a @ b).sigmoid(),
                                                            torch.ones(2, 2)), "BCE"),
    (lambda a, b: (a * b).sum(), "SUM"),
    (lambda a, b: (a - b).mean(), "MEAN"),
])
def test_torch_loss_and_reduction_labels(make, label):
    a = torch.ones(2, 2, requires_grad=True)
    b = torch.full((2, 2), 0.5, requires_grad=True)
    assert viz.graph_of(make(a, b)).ops()[0].title == label


def test_both_engines_draw_the_same_operations():
    net, x, y = torch_net()
    twin = edu_twin(net)
    t_loss = torch.nn.functional.cross_entropy(net(x), y)
    e_loss = tinygrad_edu.nn.functional.cross_entropy(
        twin(tinygrad_edu.tensor(x.numpy())), tinygrad_edu.tensor(y.numpy()))
    t_graph, e_graph = viz.graph_of(t_loss, params=net), viz.graph_of(e_loss, params=twin)
    assert [n.title for n in t_graph.ops()] == [n.title for n in e_graph.ops()]
    t_params = {n.title: n.values for n in t_graph.nodes.values() if n.kind == "param"}
    e_params = {n.title: n.values for n in e_graph.nodes.values() if n.kind == "param"}
    assert t_params == e_params
    assert t_graph.nodes["out"].values == e_graph.nodes["out"].values


def test_torch_step_backward_gives_torch_gradients_and_leaves_grad_alone():
    net, x, y = torch_net()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    frames = viz.step_backward(loss, params=net)
    assert all(p.grad is None for p in net.parameters())
    assert frames.order == ["NLL", "LOG_SOFTMAX", "LINEAR", "PERMUTE", "RELU", "LINEAR",
                            "PERMUTE"]
    loss.backward()
    final = {name: grad for name, _, grad in frames[-1].handed}
    for name, p in net.named_parameters():  # named after the caller's variable: net.0.weight
        np.testing.assert_allclose(final["net." + name], p.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_torch_step_backward_after_backward_explains_itself():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = (a.sigmoid() * 2).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="before loss.backward"):
        viz.step_backward(loss)


def test_torch_drawing_renders_dot():
    net, x, y = torch_net()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    source = viz.draw_graph(loss, params=net).source
    assert "AddmmBackward0 + TBackward0" in source and "kind-param" in source
