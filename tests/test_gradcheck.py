"""gradcheck (torch.autograd.gradcheck): every differentiable operation's backward agrees with
central finite differences in float64, and a deliberately wrong backward is caught."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.autograd import Function, GradcheckError, gradcheck
from tinygrad_edu.ops import linalg as LA
from tinygrad_edu.ops import loss as L

RNG_SEED = 1234


def dbl(*shape, low=None, high=None, grad=True, seed=0):
    """A float64 leaf of random numbers (standard normal, or uniform in [low, high))."""
    rng = np.random.default_rng(RNG_SEED + seed)
    arr = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return tinygrad_edu.tensor(np.asarray(arr, dtype=np.float64), requires_grad=grad)


def labels(*values):
    return tinygrad_edu.tensor(list(values))


def away_from_zero(*shape, seed=0):
    """Numbers with |x| in [0.2, 2): no kink of abs/relu within eps of them."""
    rng = np.random.default_rng(RNG_SEED + seed)
    arr = rng.uniform(0.2, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return tinygrad_edu.tensor(arr, requires_grad=True)


def distinct(*shape, seed=0):
    """A random permutation of well-separated numbers: max/min have no ties."""
    rng = np.random.default_rng(RNG_SEED + seed)
    n = int(np.prod(shape))
    arr = (rng.permutation(n) - n / 2) * 0.37
    return tinygrad_edu.tensor(arr.reshape(shape).astype(np.float64), requires_grad=True)


# (name, function, inputs): every differentiable operation of the engine
CASES = [
    # arithmetic, broadcasting both ways, numbers on either side
    ("add", lambda a, b: a + b, (dbl(3, 1), dbl(4, seed=1))),
    ("sub", lambda a, b: a - b, (dbl(2, 3, 4), dbl(3, 1, seed=1))),
    ("mul", lambda a, b: a * b, (dbl(3, 4), dbl(4, seed=1))),
    ("div", lambda a, b: a / b, (dbl(3, 4), dbl(3, 1, low=0.5, high=2, seed=1))),
    ("add_number", lambda a: 2.5 + a + 1, (dbl(3),)),
    ("rsub", lambda a: 3 - a, (dbl(2, 3),)),
    ("rmul", lambda a: 3 * a, (dbl(2, 3),)),
    ("rdiv", lambda a: 2 / a, (dbl(2, 3, low=0.5, high=2),)),
    ("pow_number", lambda a: a ** 3, (dbl(2, 3),)),
    ("pow_fraction", lambda a: a ** 0.5, (dbl(2, 3, low=0.5, high=2),)),
    ("pow_negative", lambda a: a ** -2, (dbl(4, low=0.5, high=2),)),
    ("pow_tensor", lambda a, b: a ** b, (dbl(2, 3, low=0.5, high=2), dbl(3, seed=1))),
    ("rpow", lambda a: 2 ** a, (dbl(2, 3),)),
    ("neg", lambda a: -a, (dbl(2, 3),)),
    ("remainder", lambda a, b: a % b, (dbl(3, 4, low=0.1, high=0.9), dbl(4, low=1.1, high=2, seed=1))),
    ("remainder_negative", lambda a: a % -1.5, (dbl(3, 4, low=-1.4, high=-0.1),)),
    ("add_method_alpha", lambda a, b: a.add(b, alpha=2).sub(b, alpha=0.5), (dbl(3), dbl(3, seed=1))),
    # matrix products
    ("matmul_2d", lambda a, b: a @ b, (dbl(3, 4), dbl(4, 2, seed=1))),
    ("mm", lambda a, b: a.mm(b), (dbl(3, 4), dbl(4, 2, seed=1))),
    ("matmul_vector_vector", lambda a, b: a @ b, (dbl(4), dbl(4, seed=1))),
    ("matmul_matrix_vector", lambda a, b: a @ b, (dbl(3, 4), dbl(4, seed=1))),
    ("matmul_vector_matrix", lambda a, b: a @ b, (dbl(4), dbl(4, 2, seed=1))),
    ("matmul_batched", lambda a, b: a @ b, (dbl(2, 3, 4), dbl(2, 4, 2, seed=1))),
    ("matmul_broadcast_batch", lambda a, b: a @ b, (dbl(2, 1, 3, 4), dbl(3, 4, 2, seed=1))),
    ("matmul_batched_vector", lambda a, b: a @ b, (dbl(2, 3, 4), dbl(4, seed=1))),
    ("linear_fused", lambda x, w, b: LA.Linear.apply(x, w, b),
     (dbl(5, 3), dbl(4, 3, seed=1), dbl(4, seed=2))),
    ("linear_fused_batched", lambda x, w: LA.Linear.apply(x, w), (dbl(2, 5, 3), dbl(4, 3, seed=1))),
    # elementwise math and activations
    ("exp", lambda a: a.exp(), (dbl(2, 3),)),
    ("log", lambda a: a.log(), (dbl(2, 3, low=0.2, high=3),)),
    ("sqrt", lambda a: a.sqrt(), (dbl(2, 3, low=0.2, high=3),)),
    ("abs", lambda a: a.abs(), (away_from_zero(2, 3),)),
    ("clamp", lambda a: a.clamp(-0.5, 0.5), (away_from_zero(3, 4),)),
    ("clamp_min", lambda a: a.clamp(min=0.1), (away_from_zero(3, 4),)),
    ("clamp_max", lambda a: a.clamp(max=-0.1), (away_from_zero(3, 4),)),
    ("sigmoid", lambda a: a.sigmoid(), (dbl(3, 4),)),
    ("relu", lambda a: a.relu(), (away_from_zero(3, 4),)),
    ("tanh", lambda a: a.tanh(), (dbl(3, 4),)),
    ("softmax", lambda a: a.softmax(1), (dbl(3, 4),)),
    ("softmax_dim0", lambda a: a.softmax(0), (dbl(3, 4),)),
    ("log_softmax", lambda a: a.log_softmax(-1), (dbl(3, 4),)),
    ("log_softmax_3d", lambda a: a.log_softmax(1), (dbl(2, 3, 4),)),
    ("maximum", lambda a, b: tinygrad_edu.maximum(a, b), (distinct(3, 4), distinct(3, 4, seed=1))),
    ("minimum", lambda a, b: tinygrad_edu.minimum(a, b), (distinct(3, 4), distinct(4, seed=1))),
    ("clone", lambda a: a.clone() * 2, (dbl(3),)),
    # reductions
    ("sum_all", lambda a: a.sum(), (dbl(3, 4),)),
    ("sum_dim", lambda a: a.sum(1), (dbl(3, 4),)),
    ("sum_negative_dim_keepdim", lambda a: a.sum(-2, keepdim=True), (dbl(2, 3, 4),)),
    ("sum_two_dims", lambda a: a.sum((0, 2)), (dbl(2, 3, 4),)),
    ("mean_all", lambda a: a.mean(), (dbl(3, 4),)),
    ("mean_dim", lambda a: a.mean(0, keepdim=True), (dbl(3, 4),)),
    ("var", lambda a: a.var(1), (dbl(3, 4),)),
    ("std", lambda a: a.std(), (dbl(3, 4),)),
    ("max_all", lambda a: a.max(), (distinct(3, 4),)),
    ("min_all", lambda a: a.min(), (distinct(3, 4),)),
    ("max_dim", lambda a: a.max(1)[0], (distinct(3, 4),)),
    ("max_dim_keepdim", lambda a: a.max(-1, keepdim=True).values, (distinct(2, 3, 4),)),
    ("min_dim", lambda a: a.min(0)[0], (distinct(3, 4),)),
    # shapes
    ("reshape", lambda a: a.reshape(4, 3), (dbl(3, 4),)),
    ("view", lambda a: a.view(-1), (dbl(3, 4),)),
    ("flatten", lambda a: a.flatten(1), (dbl(2, 3, 4),)),
    ("squeeze", lambda a: a.squeeze(), (dbl(3, 1, 4),)),
    ("squeeze_dim", lambda a: a.squeeze(1), (dbl(3, 1, 4),)),
    ("unsqueeze", lambda a: a.unsqueeze(-1), (dbl(3, 4),)),
    ("t", lambda a: a.t(), (dbl(3, 4),)),
    ("T", lambda a: a.T, (dbl(3, 4),)),
    ("transpose", lambda a: a.transpose(0, 2), (dbl(2, 3, 4),)),
    ("permute", lambda a: a.permute(2, 0, 1), (dbl(2, 3, 4),)),
    ("expand", lambda a: a.expand(2, 3, 4), (dbl(3, 1),)),
    ("repeat", lambda a: a.repeat(2, 3), (dbl(2, 3),)),
    ("cat", lambda a, b: tinygrad_edu.cat([a, b, a], dim=1), (dbl(2, 3), dbl(2, 1, seed=1))),
    ("stack", lambda a, b: tinygrad_edu.stack([a, b], dim=-1), (dbl(2, 3), dbl(2, 3, seed=1))),
    ("where", lambda a, b: tinygrad_edu.where(a > 0, a, b), (away_from_zero(3, 4), dbl(4, seed=1))),
    ("masked_fill", lambda a: a.masked_fill(a > 0, 0.0), (away_from_zero(3, 4),)),
    ("noncontiguous_view", lambda a: (a.t()[::2] * 3).sum(0), (dbl(4, 5),)),
    # indexing
    ("index_int", lambda a: a[1], (dbl(3, 4),)),
    ("index_slice_step", lambda a: a[::2, 1:], (dbl(5, 4),)),
    ("index_negative", lambda a: a[-1, -2], (dbl(3, 4),)),
    ("index_none_ellipsis", lambda a: a[None, ..., 0], (dbl(2, 3, 4),)),
    ("index_bool_mask", lambda a: a[a > 0], (away_from_zero(3, 4),)),
    ("index_int_list_repeated", lambda a: a[[0, 2, 0, 0]], (dbl(3, 4),)),
    ("index_int_tensor", lambda a: a[:, labels(3, 1, 3)], (dbl(3, 4),)),
    ("index_two_int_tensors", lambda a: a[labels(0, 1, 2, 2), labels(3, 0, 1, 1)], (dbl(3, 4),)),
    # losses (the fused nodes), every reduction
    ("mse", lambda x, y: L.MSELoss.apply(x, y), (dbl(4, 3), dbl(4, 3, seed=1))),
    ("mse_sum", lambda x, y: L.MSELoss.apply(x, y, reduction="sum"), (dbl(4, 3), dbl(4, 3, seed=1))),
    ("mse_none", lambda x, y: L.MSELoss.apply(x, y, reduction="none"), (dbl(4, 3), dbl(4, 3, seed=1))),
    ("bce", lambda x, y: L.BCELoss.apply(x, y),
     (dbl(6, 1, low=0.05, high=0.95), dbl(6, 1, low=0, high=1, seed=1))),
    ("bce_weight_none", lambda x, y: L.BCELoss.apply(x, y, weight=dbl(3, grad=False, low=0.5,
                                                                           high=2), reduction="none"),
     (dbl(4, 3, low=0.05, high=0.95), dbl(4, 3, low=0, high=1, seed=1))),
    ("bce_with_logits", lambda x, y: L.BCEWithLogitsLoss.apply(x, y),
     (dbl(6, 2), dbl(6, 2, low=0, high=1, seed=1))),
    ("bce_with_logits_pos_weight", lambda x, y: L.BCEWithLogitsLoss.apply(
        x, y, pos_weight=dbl(2, grad=False, low=0.5, high=3, seed=5), reduction="sum"),
     (dbl(6, 2), dbl(6, 2, low=0, high=1, seed=1))),
    ("cross_entropy", lambda x: L.CrossEntropyLoss.apply(x, labels(2, 0, 1, 1, 3)), (dbl(5, 4),)),
    ("cross_entropy_sum", lambda x: L.CrossEntropyLoss.apply(x, labels(2, 0, 1), reduction="sum"),
     (dbl(3, 4),)),
    ("cross_entropy_none", lambda x: L.CrossEntropyLoss.apply(x, labels(2, 0, 1),
                                                               reduction="none"), (dbl(3, 4),)),
    ("cross_entropy_weight_ignore", lambda x: L.CrossEntropyLoss.apply(
        x, labels(2, 0, -100, 3, 1), weight=dbl(4, grad=False, low=0.5, high=2, seed=5)),
     (dbl(5, 4),)),
    ("cross_entropy_spatial", lambda x: L.CrossEntropyLoss.apply(
        x, tinygrad_edu.tensor([[0, 2, 1], [1, 1, 0]])), (dbl(2, 3, 3),)),
    ("cross_entropy_probabilities", lambda x, p: L.SoftCrossEntropyLoss.apply(x, p),
     (dbl(3, 4), dbl(3, 4, seed=1).softmax(1).detach().requires_grad_())),
    ("nll_loss", lambda x: L.NLLLoss.apply(x.log_softmax(1), labels(2, 0, 1)), (dbl(3, 4),)),
    ("nll_loss_weight_sum", lambda x: L.NLLLoss.apply(
        x, labels(2, 0, 1), weight=dbl(4, grad=False, low=0.5, high=2), reduction="sum"),
     (dbl(3, 4),)),
    # a small network: everything together
    ("two_layer_net", lambda x, w1, w2: (x @ w1).sigmoid().matmul(w2).relu().mean(),
     (dbl(5, 3), dbl(3, 4, seed=1), dbl(4, 2, seed=2))),
]


@pytest.mark.parametrize("name,fn,inputs", CASES, ids=[c[0] for c in CASES])
def test_backward_matches_finite_differences(name, fn, inputs):
    assert gradcheck(fn, inputs) is True


@pytest.mark.parametrize("name,fn,inputs", CASES[:20:3], ids=[c[0] for c in CASES[:20:3]])
def test_fast_mode_agrees(name, fn, inputs):
    assert gradcheck(fn, inputs, fast_mode=True) is True


def test_gradcheck_leaves_grad_untouched():
    x = dbl(3, 4)
    assert gradcheck(lambda a: (a * a).sum(), (x,))
    assert x.grad is None


def test_gradcheck_is_exported_like_torch():
    assert tinygrad_edu.autograd.gradcheck is gradcheck
    assert issubclass(GradcheckError, RuntimeError)


# -- a deliberately wrong backward is caught ------------------------------------------------
class WrongCube(Function):
    """x³ with the derivative 2x² (the right one is 3x²)."""
    label = "CUBE"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved
        return g * 2 * x * x


class OneWrongElement(Function):
    """2·x whose backward forgets the gradient of element (1, 2)."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        out = 2 * g
        out[1, 2] = 0
        return out


class SwappedInputs(Function):
    """a·b² whose backward swaps the two gradients."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return g * 2 * a * b, g * b * b


def test_wrong_backward_raises_gradcheck_error():
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(WrongCube.apply, (dbl(3, low=0.5, high=2),))


def test_wrong_backward_returns_false_without_raising():
    assert gradcheck(WrongCube.apply, (dbl(3, low=0.5, high=2),), raise_exception=False) is False


def test_fast_mode_catches_the_wrong_backward():
    with pytest.raises(GradcheckError):
        gradcheck(WrongCube.apply, (dbl(2, 3, low=0.5, high=2),), fast_mode=True)


def test_error_names_the_worst_element():
    with pytest.raises(GradcheckError, match=r"element \(1, 2\)"):
        gradcheck(OneWrongElement.apply, (dbl(3, 4),))


def test_error_names_the_input_whose_gradient_is_wrong():
    a, b = dbl(2, 2), dbl(2, 2, seed=1)
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(SwappedInputs.apply, (a, b))
    # only b checked: its gradient is wrong too
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(SwappedInputs.apply, (a.detach(), b))


def test_inputs_without_requires_grad_are_not_checked():
    x, y = dbl(3), dbl(3, grad=False)
    assert gradcheck(lambda a, b: a * b.exp(), (x, y))


def test_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(lambda a: a * 2, (dbl(3, grad=False),))


def test_float32_inputs_warn_like_torch():
    x = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gradcheck(lambda a: a * 2, (x,), atol=1e-2, rtol=1e-2, eps=1e-3)
    assert any("not a double precision" in str(w.message) for w in caught)


def test_non_differentiable_output_counts_as_zero_gradient():
    # the argmax output is an int tensor: skipped; the float output is checked
    x = distinct(3, 4)
    assert gradcheck(lambda a: (a.argmax(1), a.max(1)[0] * 2), (x,))


def test_gradcheck_accepts_a_single_tensor():
    assert gradcheck(lambda a: a.tanh(), dbl(2, 2))


def test_same_verdict_as_torch_gradcheck_on_a_correct_function():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 4))
    ours = gradcheck(lambda a: (a.sigmoid() * a).sum(1), tinygrad_edu.tensor(x, requires_grad=True))
    theirs = torch.autograd.gradcheck(lambda a: (a.sigmoid() * a).sum(1),
                                      torch.tensor(x, requires_grad=True))
    assert ours is theirs is True
