"""The backward engine: the chain rule over a graph, as torch runs it. Gradients flow through
shared nodes, accumulate, free the graph, obey grad mode, and never alias between tensors."""
import gc
import weakref

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.autograd import Function
from tinygrad_edu.autograd.engine import run_backward, topological_order
from tinygrad_edu.autograd.function import FREED as FREED_MARK

torch = pytest.importorskip("torch")

FREED = "Trying to backward through the graph a second time"


def both(fn):
    """fn(engine) -> list of tensors, run on both engines; returns the two lists as arrays."""
    out = []
    for engine in (tinygrad_edu, torch):
        out.append([np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)
                    for t in fn(engine)])
    return out


def assert_same_grads(fn, rtol=1e-6):
    ours, theirs = both(fn)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-6)


# -- the chain rule over graphs ----------------------------------------------------------------
def test_deep_chain_of_ten_thousand_ops_needs_no_recursion():
    x = tinygrad_edu.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(10_000):  # far deeper than Python's recursion limit (1000)
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 10_000, rel=1e-3)


def test_tensor_used_twice_in_one_op():
    assert_same_grads(lambda e: _grads(e, lambda x: (x * x).sum()))
    assert_same_grads(lambda e: _grads(e, lambda x: (x + x).sum()))


def test_diamond_graph_adds_both_paths():
    def f(x):
        a = x.sigmoid()
        return (a * 3 + a.exp()).sum()
    assert_same_grads(lambda e: _grads(e, f))


@pytest.mark.parametrize("expr", [
    "x + (x * 3 + x)",
    "(x * 3 + x) + x * 5",
    "((x + x * 3) + x * 5) + x * 7",
    "(x + x).exp() + x",
])
def test_gradient_still_in_flight_is_not_changed_by_accumulation(expr):
    # a leaf receives the same gradient array that is still waiting to flow into another node;
    # adding the second contribution must not change the first in place
    def run(engine):
        x = engine.tensor([1.0, 2.0], requires_grad=True)
        eval(expr, {"x": x}).backward(engine.ones(2))
        return [x.grad]
    assert_same_grads(run)


def _grads(engine, f, shape=(3, 4)):
    x = engine.tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32),
                      requires_grad=True)
    f(x).backward()
    return [x.grad]


def test_topological_order_puts_each_node_before_its_inputs():
    x = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = a.exp()
    c = a + b
    order = topological_order(c.grad_fn)
    pos = {node: i for i, node in enumerate(order)}
    assert order[0] is c.grad_fn
    assert pos[c.grad_fn] < pos[b.grad_fn] < pos[a.grad_fn]
    assert len(order) == 3


def test_trace_sees_every_node_in_execution_order():
    x = tinygrad_edu.tensor([1.0, -2.0], requires_grad=True)
    loss = (x * 3).relu().sum()
    seen = []
    run_backward(loss, trace=lambda node, g, grads: seen.append((node.label, g.shape)))
    assert seen == [("SUM", ()), ("RELU", (2,)), ("MUL", (2,))]
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0])


# -- retain_graph, freeing, accumulation ------------------------------------------------------
def test_second_backward_through_a_freed_graph_raises_torch_error():
    for engine in (tinygrad_edu, torch):
        x = engine.tensor([1.0, 2.0], requires_grad=True)
        loss = (x * x).sum()
        loss.backward()
        with pytest.raises(RuntimeError, match=FREED):
            loss.backward()


def test_retain_graph_allows_a_second_backward_and_grads_add_up():
    x = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])  # 2·(2x)


def test_gradients_accumulate_over_two_graphs_until_zeroed():
    def run(engine):
        w = engine.tensor([0.5, -1.0], requires_grad=True)
        (w * 3).sum().backward()
        first = w.grad.clone()
        (w * w).sum().backward()
        second = w.grad.clone()
        w.grad.zero_()
        (w * 2).sum().backward()
        return [first, second, w.grad]
    assert_same_grads(run)


def test_accumulated_grad_of_a_scalar_can_be_zeroed_in_place():
    def run(engine):
        x = engine.tensor(3.0, requires_grad=True)
        (x * x).backward()
        (x * 2).backward()
        total = x.grad.clone()
        x.grad.zero_()
        x.grad.data.add_(1)
        return [total, x.grad]
    assert_same_grads(run)


def test_accumulation_is_in_place_like_torch():
    for engine in (tinygrad_edu, torch):
        w = engine.tensor([1.0, 2.0], requires_grad=True)
        (w * 2).sum().backward()
        view = w.grad.data  # shares the gradient's storage
        (w * 3).sum().backward()
        assert view.tolist() == [5.0, 5.0]


def test_grad_tensor_object_is_kept_while_accumulating():
    x = tinygrad_edu.tensor([1.0], requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    (x * 3).sum().backward()
    assert x.grad is g and g.item() == 5.0


def test_backward_with_explicit_gradient():
    def run(engine):
        x = engine.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * x
        y.backward(engine.tensor([[1.0, 0.5], [0.0, -1.0]]))
        return [x.grad]
    assert_same_grads(run)


def test_backward_on_a_leaf_uses_the_seed():
    x = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    x.backward(tinygrad_edu.tensor([3.0, 4.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_backward_of_non_scalar_needs_a_gradient():
    for engine in (tinygrad_edu, torch):
        y = engine.ones(2, 3, requires_grad=True) * 2
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar "
                                               "outputs"):
            y.backward()


def test_backward_without_requires_grad_says_so():
    for engine in (tinygrad_edu, torch):
        with pytest.raises(RuntimeError, match="does not require grad"):
            (engine.ones(2) * 2).sum().backward()


def test_backward_with_inputs_fills_only_those():
    a = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    b = tinygrad_edu.tensor([3.0, 4.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])
    assert b.grad is None


# -- grad mode -------------------------------------------------------------------------------
def test_no_grad_context_builds_no_graph():
    w = tinygrad_edu.tensor([1.0], requires_grad=True)
    with tinygrad_edu.no_grad():
        y = w * 2 + 1
        assert not tinygrad_edu.is_grad_enabled()
    assert tinygrad_edu.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_no_grad_decorator_builds_no_graph():
    @tinygrad_edu.no_grad()
    def predict(w, x):
        return w * x

    w = tinygrad_edu.tensor([1.0], requires_grad=True)
    y = predict(w, 3.0)
    assert y.grad_fn is None and not y.requires_grad
    assert predict.__name__ == "predict"


def test_enable_grad_inside_no_grad_records_again():
    w = tinygrad_edu.tensor([1.0], requires_grad=True)
    with tinygrad_edu.no_grad():
        with tinygrad_edu.enable_grad():
            y = w * 2
        z = w * 2
    assert y.requires_grad and y.grad_fn is not None
    assert not z.requires_grad


def test_set_grad_enabled_as_function_and_context():
    w = tinygrad_edu.tensor([1.0], requires_grad=True)
    with tinygrad_edu.set_grad_enabled(False):
        assert not (w * 2).requires_grad
    assert (w * 2).requires_grad
    tinygrad_edu.set_grad_enabled(False)
    assert not (w * 2).requires_grad
    tinygrad_edu.set_grad_enabled(True)
    assert (w * 2).requires_grad


def test_grad_mode_restored_after_an_exception():
    with pytest.raises(ValueError):
        with tinygrad_edu.no_grad():
            raise ValueError
    assert tinygrad_edu.is_grad_enabled()


# -- leaves, non-leaves, .grad and .data ----------------------------------------------------
def test_retain_grad_on_a_non_leaf():
    def run(engine):
        x = engine.tensor([1.0, -2.0, 3.0], requires_grad=True)
        h = x * 2
        h.retain_grad()
        (h.tanh() * h).sum().backward()
        return [h.grad, x.grad]
    assert_same_grads(run)


def test_non_leaf_grad_is_none_without_retain_grad():
    x = tinygrad_edu.tensor([1.0], requires_grad=True)
    h = x * 2
    (h * 3).sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):  # as torch warns
        assert h.grad is None
    assert not h.retains_grad


def test_grads_of_two_leaves_never_alias():
    x = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    y = tinygrad_edu.tensor([3.0, 4.0], requires_grad=True)
    z = (x + y).sum()
    z.backward()
    x.grad.zero_()
    np.testing.assert_array_equal(y.grad.numpy(), [1.0, 1.0])
    x2 = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    y2 = tinygrad_edu.tensor([3.0, 4.0], requires_grad=True)
    (x2 + y2).backward(tinygrad_edu.tensor([5.0, 6.0]))
    x2.grad.data.zero_()
    np.testing.assert_array_equal(y2.grad.numpy(), [5.0, 6.0])


def test_course_style_update_through_data():
    def run(engine):
        w = engine.tensor([1.0], requires_grad=True)
        xs, ys = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
        for _ in range(3):
            for x, y in zip(xs, ys):
                loss = (x * w - y) ** 2
                loss.backward()
                w.data = w.data - 0.01 * w.grad.data
                w.grad.data.zero_()
        return [w, w.grad]
    assert_same_grads(run)


def test_update_in_place_under_no_grad():
    def run(engine):
        w = engine.tensor([1.0, -1.0], requires_grad=True)
        for _ in range(3):
            loss = ((w * 2 - 1) ** 2).sum()
            loss.backward()
            with engine.no_grad():
                w -= 0.1 * w.grad
            w.grad.zero_()
        return [w]
    assert_same_grads(run)
    w = tinygrad_edu.tensor([1.0], requires_grad=True)
    before = w._data
    with tinygrad_edu.no_grad():
        w -= 0.5
    assert w._data is before  # in place: the same storage, as torch's
    assert w.is_leaf and w.requires_grad


def test_data_is_detached_and_shares_storage():
    w = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert not d.requires_grad and d.is_leaf
    d[0] = 5.0
    assert w[0].item() == 5.0


def test_detach_cuts_the_graph_and_shares_storage():
    x = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.is_leaf and d.grad_fn is None and not d.requires_grad
    assert np.shares_memory(d.numpy(), y._data)
    (x * d).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_is_leaf_and_requires_grad_propagation():
    for engine in (tinygrad_edu, torch):
        a = engine.tensor([1.0], requires_grad=True)
        b = engine.tensor([2.0])
        c = a * b
        assert a.is_leaf and b.is_leaf and not c.is_leaf
        assert c.requires_grad and not (b * 2).requires_grad
        assert (b * 2).is_leaf


def test_requires_grad_only_for_floating_point():
    for engine in (tinygrad_edu, torch):
        with pytest.raises(RuntimeError, match="only Tensors of floating point"):
            engine.tensor([1, 2]).requires_grad_()
        with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point"):
            engine.tensor([1, 2], requires_grad=True)


def test_requires_grad_cannot_be_switched_off_on_a_non_leaf():
    for engine in (tinygrad_edu, torch):
        y = engine.ones(2, requires_grad=True) * 2
        with pytest.raises(RuntimeError, match="you can only change requires_grad flags of "
                                               "leaf variables"):
            y.requires_grad = False


def test_gradient_dtype_follows_the_leaf():
    x = tinygrad_edu.tensor([1.0, 2.0], dtype=tinygrad_edu.float64, requires_grad=True)
    (x.float() * 2).sum().backward()
    assert x.grad.dtype == tinygrad_edu.float64


# -- grad_fn: names and next_functions like torch -------------------------------------------
NAMED = [
    "x + y", "x + 2", "2 + x", "x - y", "x - 2", "2 - x", "x * y", "2 * x", "x / y", "x / 2",
    "2 / x", "x ** 2", "x.abs() ** y", "2 ** x", "-x", "x @ m", "v @ v", "x @ v", "x.mm(m)",
    "x.exp()", "x.abs().log()", "x.abs().sqrt()", "x.abs()", "x.clamp(-0.5, 0.5)",
    "x.clamp(min=0)", "x.sigmoid()", "x.relu()", "x.tanh()", "x.softmax(1)", "x.log_softmax(1)",
    "x.sum()", "x.sum(1)", "x.mean()", "x.mean(0)", "x.max()", "x.max(1)[0]", "x.min()",
    "x.min(0)[0]", "x.reshape(3, 2)", "x.view(6)", "x.flatten()", "x[None].squeeze()",
    "x[None].squeeze(0)", "x.unsqueeze(0)", "x.t()", "x.T", "x.transpose(0, 1)",
    "x.permute(1, 0)", "x.expand(4, 2, 3)", "x[0]", "x[:, 1]", "x[0:1]", "x[::2]", "x[None]",
    "x[..., 1]", "x[x > 0]", "x[[0, 0, 1]]", "x[:, [0, 2]]", "torch.cat([x, y])",
    "torch.stack([x, y])", "torch.where(x > 0, x, y)", "x.double()", "x.clone()",
    "torch.maximum(x, y)", "x.repeat(2, 1)", "x.masked_fill(x > 0, 0.0)", "x[0, 1]", "x[0][1]",
]


@pytest.mark.parametrize("expr", NAMED)
def test_grad_fn_names_match_torch(expr):
    names = []
    for engine in (tinygrad_edu, torch):
        rng = np.random.default_rng(0)
        env = {"torch": engine}
        for name, shape in (("x", (2, 3)), ("y", (2, 3)), ("m", (3, 4)), ("v", (3,))):
            env[name] = engine.tensor(rng.standard_normal(shape).astype(np.float32),
                                      requires_grad=True)
        out = eval(expr, env)
        fn = out.grad_fn
        names.append(fn.name() if engine is tinygrad_edu else type(fn).__name__)
    assert names[0] == names[1]


def test_next_functions_like_torch():
    def shape(engine):
        a = engine.tensor([1.0], requires_grad=True)
        b = engine.tensor([2.0])
        c = a * b
        d = c + a
        fns = d.grad_fn.next_functions
        name = (lambda f: None if f is None else
                (f.name() if engine is tinygrad_edu else type(f).__name__))
        inner = c.grad_fn.next_functions
        return [name(fns[0][0]), name(fns[1][0]), name(inner[0][0]), name(inner[1][0])]
    ours, theirs = shape(tinygrad_edu), shape(torch)
    assert ours[0] == theirs[0] == "MulBackward0"
    assert ours[2] == "torch::autograd::AccumulateGrad" and theirs[2] == "AccumulateGrad"
    assert ours[3] is None and theirs[3] is None


# -- custom Functions ------------------------------------------------------------------------
class Square(Function):
    label = "SQUARE"
    formula = "∂a²/∂a = 2a·g"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return 2 * a * g


def test_custom_function_records_its_node():
    x = tinygrad_edu.tensor([3.0], requires_grad=True)
    y = Square.apply(x)
    assert y.grad_fn.label == "SQUARE" and y.grad_fn.name() == "SquareBackward"
    assert y.grad_fn.inputs[0] is x and y.grad_fn.needs_input_grad == (True,)
    y.backward(tinygrad_edu.tensor([1.0]))
    assert x.grad.item() == 6.0


def test_needs_input_grad_skips_inputs_without_grad():
    calls = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            calls.append(ctx.needs_input_grad)
            return g, None

    a = tinygrad_edu.tensor([1.0], requires_grad=True)
    Probe.apply(a, tinygrad_edu.tensor([2.0])).sum().backward()
    assert calls == [(True, False)]


def test_a_backward_returning_the_wrong_shape_is_reported():
    class Bad(Function):
        @staticmethod
        def forward(ctx, a):
            return a.sum()

        @staticmethod
        def backward(ctx, g):
            return np.ones(7)

    with pytest.raises(RuntimeError, match="shape"):
        Bad.apply(tinygrad_edu.ones(3, requires_grad=True)).backward()


# -- torch.autograd.grad / torch.autograd.backward -------------------------------------------
def test_autograd_grad_matches_torch_and_leaves_grad_alone():
    def run(engine):
        x = engine.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        w = engine.tensor([0.3, -0.7], requires_grad=True)
        h = x * w
        loss = (h.sigmoid() * h).sum()
        gx, gh = engine.autograd.grad(loss, [x, h])
        assert x.grad is None and w.grad is None
        return [gx, gh]
    assert_same_grads(run)


def test_autograd_grad_with_grad_outputs_and_retain_graph():
    def run(engine):
        x = engine.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * x
        (g1,) = engine.autograd.grad(y, x, grad_outputs=engine.tensor([1.0, 0.0, 2.0]),
                                     retain_graph=True)
        (g2,) = engine.autograd.grad(y.sum(), x)
        return [g1, g2]
    assert_same_grads(run)


def test_autograd_grad_of_unused_input():
    for engine in (tinygrad_edu, torch):
        x = engine.tensor([1.0], requires_grad=True)
        z = engine.tensor([1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
            engine.autograd.grad((x * 2).sum(), [x, z], retain_graph=True)
        gx, gz = engine.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
        assert gz is None and gx.item() == 2.0


def test_autograd_grad_of_several_outputs_adds_them():
    def run(engine):
        x = engine.tensor([1.0, 2.0], requires_grad=True)
        return list(engine.autograd.grad([(x * x).sum(), (3 * x).sum()], x))
    assert_same_grads(run)


def test_autograd_backward_of_several_outputs():
    def run(engine):
        x = engine.tensor([1.0, 2.0], requires_grad=True)
        engine.autograd.backward([(x * x).sum(), x.exp().sum()])
        return [x.grad]
    assert_same_grads(run)


# -- memory ----------------------------------------------------------------------------------
def test_training_loop_keeps_no_old_graph_alive():
    w = tinygrad_edu.randn(4, 3, requires_grad=True)
    b = tinygrad_edu.zeros(3, requires_grad=True)
    x = tinygrad_edu.randn(8, 4)
    y = tinygrad_edu.randn(8, 3)
    watched = []
    for _ in range(5):
        loss = (((x @ w + b).sigmoid() - y) ** 2).mean()
        watched.append(weakref.ref(loss.grad_fn))
        loss.backward()
        with tinygrad_edu.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
        w.grad.zero_()
        b.grad.zero_()
    del loss
    # reference counting alone frees the graphs: no cycles for the garbage collector to find
    assert all(ref() is None for ref in watched)
    gc.collect()
    assert all(ref() is None for ref in watched)


def test_backward_frees_the_saved_arrays():
    x = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    assert node.saved != ()
    y.sum().backward()
    assert node.saved is FREED_MARK
