"""Errors in the learner's terms: the mistakes a course student makes raise what torch raises
(same exception type, torch's message first), and where torch is terse ours adds what to do."""
import re

import numpy as np
import pytest

import tinygrad_edu
import tinygrad_edu.nn.functional as TF

torch = pytest.importorskip("torch")
F = torch.nn.functional


def raised(fn, engine):
    """The exception fn(engine) raises (it must raise)."""
    with pytest.raises(Exception) as info:
        fn(engine)
    return info.value


def same_error(fn, exact=True):
    """Both engines raise the same exception type; our message is torch's (``exact``) or
    begins with torch's and goes on to explain."""
    ours, theirs = raised(fn, tinygrad_edu), raised(fn, torch)
    assert type(ours) is type(theirs), f"we raise {ours!r}, torch raises {theirs!r}"
    if exact:
        assert str(ours) == str(theirs)
    else:
        assert str(ours).startswith(str(theirs)), f"\n ours:  {ours}\n torch: {theirs}"
    return str(ours)


# -- shapes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("a,b", [((64, 784), (512, 256)), ((2, 3), (2, 3)), ((1, 4), (3, 1))])
def test_matrix_product_names_both_shapes_exactly_like_torch(a, b):
    message = same_error(lambda e: e.ones(*a) @ e.ones(*b))
    assert message == (f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and "
                       f"{b[0]}x{b[1]})")
    same_error(lambda e: e.ones(*a).mm(e.ones(*b)))
    same_error(lambda e: e.matmul(e.ones(*a), e.ones(*b)))


def test_linear_layer_shape_mistake_reads_like_torch():
    def call(engine):
        x, w = engine.ones(64, 784), engine.ones(256, 512)
        return engine.nn.functional.linear(x, w)
    assert "(64x784 and 512x256)" in same_error(call)


@pytest.mark.parametrize("a,b", [((2, 3, 4), (3, 4, 5)), ((4, 2, 3), (2, 3, 1))])
def test_batched_matmul_batch_dims_that_do_not_broadcast(a, b):
    same_error(lambda e: e.ones(*a) @ e.ones(*b), exact=False)


@pytest.mark.parametrize("a,b", [((4,), (5,)), ((3, 4), (5,)), ((4,), (5, 3)), ((2, 3, 4), (5, 2))])
def test_other_impossible_products_name_both_shapes(a, b):
    ours = raised(lambda e: e.ones(*a) @ e.ones(*b), tinygrad_edu)
    assert isinstance(ours, RuntimeError)
    dims = lambda s: "x".join(map(str, s))  # noqa: E731
    assert dims(a) in str(ours) and dims(b) in str(ours)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**", "%"])
@pytest.mark.parametrize("a,b", [((2, 3), (2, 4)), ((5, 3), (2, 1, 4)), ((3,), (4,)),
                                 ((2, 3), (4, 1, 2))])
def test_shapes_that_do_not_broadcast_raise_torch_error_naming_both_shapes(op, a, b):
    message = same_error(lambda e: eval(f"x {op} y", {"x": e.ones(*a), "y": e.ones(*b)}),
                         exact=False)
    assert str(list(a)) in message and str(list(b)) in message


def test_broadcasting_error_for_where_and_maximum():
    same_error(lambda e: e.where(e.ones(2) > 0, e.ones(3), e.ones(2)), exact=False)
    same_error(lambda e: e.maximum(e.ones(2, 3), e.ones(3, 2)), exact=False)


def test_broadcasting_error_is_raised_before_numpy_speaks():
    with pytest.raises(RuntimeError) as info:
        tinygrad_edu.ones(2, 3) + tinygrad_edu.ones(2, 4)
    assert "operands could not be broadcast" not in str(info.value)


@pytest.mark.parametrize("code", [
    "e.ones(2, 3).view(4)", "e.ones(2, 3).reshape(4, 2)", "e.ones(2, 3).view(-1, 4)",
    "e.ones(2, 3).t().view(6)", "e.ones(2, 3).expand(3, 3)", "e.ones(2, 3).transpose(0, 2)",
    "e.ones(2, 3).unsqueeze(3)", "e.ones(2, 3).squeeze(2)", "e.ones(2, 3).flatten(2)",
    "e.ones(2, 3).sum(2)", "e.ones(2, 3).mean(-3)", "e.ones(2, 3).softmax(2)",
    "e.ones(2, 3).max(dim=3)", "e.ones(2, 3).argmax(2)", "e.ones(2, 3).size(2)",
    "e.cat([e.ones(2, 3), e.ones(2, 4)])", "e.cat([e.ones(2, 3), e.ones(3, 4)], dim=1)",
    "e.stack([e.ones(2, 3), e.ones(2, 4)])", "e.ones(2, 2, 2).t()", "len(e.tensor(1.))",
    "e.ones(2).clamp()",
])
def test_shape_mistakes_raise_what_torch_raises(code):
    same_error(lambda e: eval(code, {"e": e}))


def test_permute_with_the_wrong_number_of_dims():
    message = str(raised(lambda e: e.ones(2, 3).permute(0, 1, 2), tinygrad_edu))
    assert "input.dim() = 2 is not equal to len(dims) = 3" in message


# -- indexing --------------------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "e.ones(3)[5]", "e.ones(3)[-4]", "e.ones(3, 2)[1, 5]", "e.ones(3, 2)[e.tensor([0, 7])]",
    "e.ones(3, 2)[0, 0, 0]", "e.ones(3)[[0, 3]]",
])
def test_index_out_of_range_raises_torch_index_error(code):
    same_error(lambda e: eval(code, {"e": e}))


def test_assigning_out_of_range_speaks_of_dimensions():
    x = tinygrad_edu.zeros(3)
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 0 with size 3"):
        x[3] = 1.0


# -- gradients -------------------------------------------------------------------------------
def test_only_floating_point_tensors_can_require_gradients():
    message = same_error(lambda e: e.tensor([1, 2]).requires_grad_(), exact=False)
    assert message.startswith("only Tensors of floating point dtype can require gradients")
    assert "float()" in message  # and says what to do
    with pytest.raises(RuntimeError, match="floating point"):
        tinygrad_edu.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        tinygrad_edu.arange(3, requires_grad=True)


def test_backward_of_a_non_scalar_asks_for_a_gradient():
    message = same_error(lambda e: (e.ones(2, requires_grad=True) * 2).backward(), exact=False)
    assert "torch.ones_like" in message and "(2,)" in message


def test_backward_when_nothing_requires_grad():
    message = same_error(lambda e: (e.ones(2) * 2).sum().backward(), exact=False)
    assert "requires_grad=True" in message


def test_backward_with_a_gradient_of_the_wrong_shape():
    same_error(lambda e: (e.ones(2, requires_grad=True) * 2).backward(e.ones(3)))


def test_second_backward_explains_retain_graph():
    def twice(engine):
        y = (engine.ones(2, requires_grad=True) * engine.ones(2, requires_grad=True)).sum()
        y.backward()
        y.backward()
    assert "retain_graph=True" in same_error(twice)


def test_numpy_of_a_tensor_that_requires_grad():
    same_error(lambda e: e.ones(2, requires_grad=True).numpy())


def test_in_place_change_of_a_leaf_that_requires_grad():
    def update(engine):
        w = engine.ones(2, requires_grad=True)
        w -= 0.1
    message = same_error(update, exact=False)
    assert "no_grad" in message


def test_requires_grad_off_on_a_non_leaf():
    def switch(engine):
        (engine.ones(2, requires_grad=True) * 2).requires_grad = False
    same_error(switch)


def test_higher_order_gradients_point_to_torch():
    y = (tinygrad_edu.ones(2, requires_grad=True) ** 2).sum()
    with pytest.raises(NotImplementedError, match="PyTorch"):
        y.backward(create_graph=True)


# -- values ----------------------------------------------------------------------------------
def test_item_needs_exactly_one_element():
    message = same_error(lambda e: e.ones(3, 2).item(), exact=False)
    assert message.startswith("a Tensor with 6 elements cannot be converted to Scalar")


def test_truth_value_of_many_elements():
    same_error(lambda e: bool(e.ones(2)))
    same_error(lambda e: e.ones(2) if e.ones(2) > 0 else None)


def test_mean_of_integers():
    ours = raised(lambda e: e.tensor([1, 2]).mean(), tinygrad_edu)
    assert isinstance(ours, RuntimeError) and "mean(): could not infer output dtype" in str(ours)


def test_ragged_nested_lists():
    message = same_error(lambda e: e.tensor([[1, 2], [3]]), exact=False)
    assert message.startswith("expected sequence of length 2 at dim 1 (got 1)")


def test_unsupported_operand():
    same_error(lambda e: e.ones(3) @ 2)
    with pytest.raises(TypeError, match="str"):
        tinygrad_edu.ones(2) + "a"


def test_gpu_request_names_the_torch_engine():
    with pytest.raises(RuntimeError, match=re.escape("--engine torch --device cuda")):
        tinygrad_edu.ones(2).to("cuda")


# -- losses ----------------------------------------------------------------------------------
def loss_error(ours, theirs, exact=False):
    a, b = raised(lambda e: ours(), None), raised(lambda e: theirs(), None)
    assert type(a) is type(b), f"we raise {a!r}, torch raises {b!r}"
    assert str(a) == str(b) if exact else str(a).startswith(str(b)), f"\n ours: {a}\n torch: {b}"


def test_cross_entropy_target_out_of_range():
    loss_error(lambda: TF.cross_entropy(tinygrad_edu.zeros(3, 4), tinygrad_edu.tensor([0, 5, 1])),
               lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 5, 1])))


def test_cross_entropy_batch_sizes_differ():
    loss_error(lambda: TF.cross_entropy(tinygrad_edu.zeros(3, 4), tinygrad_edu.tensor([0, 1])),
               lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 1])), exact=True)


def test_cross_entropy_float_labels_say_use_long():
    with pytest.raises(RuntimeError, match=r"\.long\(\)"):
        TF.cross_entropy(tinygrad_edu.zeros(3, 4), tinygrad_edu.tensor([0.0, 1.0, 1.0]))


def test_bce_needs_probabilities():
    loss_error(lambda: TF.binary_cross_entropy(tinygrad_edu.tensor([1.5, 0.2]), tinygrad_edu.tensor([1.0, 0.0])),
               lambda: F.binary_cross_entropy(torch.tensor([1.5, 0.2]), torch.tensor([1.0, 0.0])))


def test_bce_target_shape_must_match():
    x, y = np.full((2, 1), 0.5, np.float32), np.array([1.0, 0.0], np.float32)
    loss_error(lambda: TF.binary_cross_entropy(tinygrad_edu.tensor(x), tinygrad_edu.tensor(y)),
               lambda: F.binary_cross_entropy(torch.tensor(x), torch.tensor(y)), exact=True)
    loss_error(lambda: TF.binary_cross_entropy_with_logits(tinygrad_edu.tensor(x), tinygrad_edu.tensor(y)),
               lambda: F.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(y)),
               exact=True)


@pytest.mark.parametrize("code", ["a += 1.5", "a /= 2", "a.add_(e.tensor([1., 2.]))",
                                  "a -= e.tensor([1., 2.], dtype=e.float64)", "b += 1", "b += a"])
def test_in_place_arithmetic_cannot_widen_the_dtype(code):
    def run(engine):
        exec(code, {"e": engine, "a": engine.tensor([1, 2]), "b": engine.tensor([True, False])})
    same_error(run)


def test_in_place_arithmetic_that_fits_is_allowed():
    for engine in (tinygrad_edu, torch):
        a, f = engine.tensor([1, 2]), engine.ones(2)
        a *= 2
        f += a
        assert a.tolist() == [2, 4] and f.tolist() == [3.0, 5.0]
