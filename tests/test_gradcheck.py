"""gradcheck (torch.autograd.gradcheck): every case of the table (cases.py) has a backward that
agrees with central finite differences in float64, and a deliberately wrong backward is
caught."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.autograd import Function, GradcheckError, gradcheck
from cases import CASES, inputs_of

RNG_SEED = 1234


def dbl(*shape, low=None, high=None, grad=True, seed=0):
    """A float64 leaf of random numbers (standard normal, or uniform in [low, high))."""
    rng = np.random.default_rng(RNG_SEED + seed)
    arr = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return tinygrad_edu.tensor(np.asarray(arr, dtype=np.float64), requires_grad=grad)


def distinct(*shape, seed=0):
    """A random permutation of well-separated numbers: max/min have no ties."""
    rng = np.random.default_rng(RNG_SEED + seed)
    n = int(np.prod(shape))
    arr = (rng.permutation(n) - n / 2) * 0.37
    return tinygrad_edu.tensor(arr.reshape(shape).astype(np.float64), requires_grad=True)


def check_case(case, **options):
    """gradcheck the case of the table in float64: every float input is checked."""
    inputs = inputs_of(case, tinygrad_edu, np.float64)
    return gradcheck(lambda *a: case.fn(tinygrad_edu, *a), inputs, **options)


GRADCHECKED = [c for c in CASES if c.gradcheck]


@pytest.mark.parametrize("case", GRADCHECKED, ids=lambda c: c.name)
def test_backward_matches_finite_differences(case):
    assert check_case(case) is True


@pytest.mark.parametrize("case", GRADCHECKED[::7], ids=lambda c: c.name)
def test_fast_mode_agrees(case):
    assert check_case(case, fast_mode=True) is True


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
        (x,) = ctx.saved_tensors
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
        a, b = ctx.saved_tensors
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
