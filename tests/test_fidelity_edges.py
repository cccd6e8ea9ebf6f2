"""Extreme-input edges the fuzzer found, now as torch computes them."""
import numpy as np
import pytest

import tinygrad_edu

torch = pytest.importorskip("torch")
nan, inf = float("nan"), float("inf")


def both(fn, *values, dtype="float32"):
    ours = [tinygrad_edu.tensor(np.array(v, dtype), requires_grad=True) for v in values]
    theirs = [torch.tensor(np.array(v, dtype), requires_grad=True) for v in values]
    fn(*ours).sum().backward()
    fn(*theirs).sum().backward()
    for x, y in zip(ours, theirs):
        np.testing.assert_array_equal(x.grad.numpy(), y.grad.numpy())


def test_abs_gradient_at_nan_is_zero():
    both(lambda a: a.abs(), [nan, -2.0, 0.0, -0.0, inf])


def test_div_gradient_does_not_underflow():
    both(lambda a, b: a / b, [0.0, 1.0, 0.0], [1e-30, 1e20, 0.0])


@pytest.mark.parametrize("c", [1e-30, 0.0, 2.0, 1e30])
def test_rdiv_gradient_as_torch_computes_it(c):
    both(lambda a: c / a, [1e-30, 1e20, 1e30, 3.0])


def test_remainder_zero_sign_and_divisor_gradient():
    a = [-9.0, 9.0, 0.0, -0.0, 1e30, -1e30, inf, 3.0]
    both(lambda x, y: x % y, a, [4.5] * 7 + [inf])
    both(lambda x, y: x % y, a, [-4.5] * 7 + [inf])
    x = np.array(a, np.float32)
    np.testing.assert_array_equal(np.signbit((tinygrad_edu.tensor(x) % -4.5).numpy()),
                                  np.signbit((torch.tensor(x) % -4.5).numpy()))


def test_int64_avg_pool2d_truncates_exactly():
    x = np.array([[[[2**62 + 7, -2**62 - 5], [2**63 - 1, 3], [-7, -8]]]], np.int64)
    for k in [(1, 2), (2, 1), (3, 2)]:
        np.testing.assert_array_equal(
            tinygrad_edu.nn.functional.avg_pool2d(tinygrad_edu.tensor(x), k, 1).numpy(),
            torch.nn.functional.avg_pool2d(torch.tensor(x), k, 1).numpy())
