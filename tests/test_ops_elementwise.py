"""Parity with torch beyond the case table (cases.py, run by test_cases_parity.py): the binary
operations over every pair of broadcastable shapes, kinks, ties and huge inputs, type
promotion, comparisons and logic."""
import numpy as np
import pytest

from cases import case
from parity import check_parity, assert_same, torch  # noqa: F401

import tinygrad_edu

BROADCAST_PAIRS = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3, 1), (4,)),
    ((2, 1, 4), (3, 1)),
    ((), (5,)),
    ((4, 5), ()),
    ((1,), (2, 3)),
    ((2, 3, 4), (2, 1, 4)),
]

# the binary cases of the table (cases.py), run again over every pair of shapes; the
# ones that divide or take a power get inputs in [0.5, 2)
BINARY = {"add": None, "sub": None, "mul": None, "div": (0.5, 2.0), "pow_tensor": (0.5, 2.0)}


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_broadcasts_and_sums_gradients_back(name, shapes):
    low, high = BINARY[name] or (None, None)
    check_parity(case(name).fn, list(shapes), low=low, high=high)


# -- edge cases the table leaves out: kinks, ties, huge inputs -------------------------------

def test_pow_with_zero_base_and_tensor_exponent_has_zero_log_gradient():
    x = np.array([0.0, 1.0, 2.0], np.float32)
    e = np.array([2.0, 3.0, 0.5], np.float32)
    check_parity(lambda torch, a, b: a ** b, [x, e])


def test_activations_are_stable_for_huge_inputs():
    x = np.array([-1000.0, -80.0, 0.0, 80.0, 1000.0], np.float32)
    check_parity(lambda torch, a: a.sigmoid(), [x])
    check_parity(lambda torch, a: a.tanh(), [x])
    check_parity(lambda torch, a: a.softmax(0), [x])
    check_parity(lambda torch, a: a.log_softmax(0), [x])


def test_relu_and_clamp_at_the_kink_follow_torch():
    x = np.array([-1.0, 0.0, 1.0, 0.5, -0.5], np.float32)
    check_parity(lambda torch, a: a.relu(), [x])
    check_parity(lambda torch, a: a.clamp(-0.5, 0.5), [x])
    check_parity(lambda torch, a: a.abs(), [x])


def test_maximum_splits_the_gradient_on_ties_like_torch():
    a = np.array([1.0, 2.0, 3.0], np.float32)
    b = np.array([1.0, 0.0, 3.0], np.float32)
    check_parity(lambda torch, a, b: torch.maximum(a, b), [a, b])
    check_parity(lambda torch, a, b: torch.minimum(a, b), [a, b])


# -- type promotion ------------------------------------------------------------------------

INT = np.array([[1, 2, 3], [4, 5, 6]], np.int64)
INT32 = np.array([1, -2, 3], np.int32)
FLOAT = np.array([[0.5, 1.5, -2.0], [3.0, -0.25, 1.0]], np.float32)
DOUBLE = np.array([0.1, 0.2, 0.3], np.float64)
BOOL = np.array([True, False, True])


@pytest.mark.parametrize("name, fn, inputs", [
    ("int + float tensor", lambda torch, i, f: i + f, [INT, FLOAT]),
    ("float + int tensor", lambda torch, f, i: f * i, [FLOAT, INT]),
    ("int / int", lambda torch, i, j: i / j, [INT, INT + 1]),
    ("int / number", lambda torch, i: i / 2, [INT]),
    ("number / int", lambda torch, i: 3 / i, [INT]),
    ("int + python float", lambda torch, i: i + 0.5, [INT]),
    ("int * python int", lambda torch, i: i * 3, [INT]),
    ("int - python int", lambda torch, i: 10 - i, [INT]),
    ("int ** 2", lambda torch, i: i ** 2, [INT]),
    ("int ** 0.5", lambda torch, i: i ** 0.5, [INT]),
    ("float32 + float64", lambda torch, f, d: f + d, [FLOAT, DOUBLE]),
    ("float64 * float32", lambda torch, d, f: d * f, [DOUBLE, FLOAT]),
    ("float32 + 0-d float64", lambda torch, f, d: f + d, [FLOAT, np.array(2.0)]),
    ("0-d float32 + float64", lambda torch, f, d: f + d, [np.array(2.0, np.float32), DOUBLE]),
    ("int64 + int32", lambda torch, i, j: i[0] + j, [INT, INT32]),
    ("int32 + python float", lambda torch, j: j + 1.5, [INT32]),
    ("int32 / python int", lambda torch, j: j / 2, [INT32]),
    ("0-d int64 + int32", lambda torch, i, j: i + j, [np.array(3), INT32]),
    ("0-d int64 + float32", lambda torch, i, f: i + f, [np.array(3), FLOAT]),
    ("bool + int", lambda torch, b: b + 1, [BOOL]),
    ("bool * float", lambda torch, b: b * 1.5, [BOOL]),
    ("bool + bool", lambda torch, b: b + b, [BOOL]),
    ("bool tensor * float tensor", lambda torch, b, d: b * d, [BOOL, DOUBLE]),
    ("int sum", lambda torch, i: i.sum(), [INT]),
    ("int32 sum", lambda torch, j: j.sum(), [INT32]),
    ("bool sum", lambda torch, b: b.sum(), [BOOL]),
    ("float64 mean", lambda torch, d: d.mean(), [DOUBLE]),
    ("int to float", lambda torch, i: i.float() / 3, [INT]),
    ("float to long", lambda torch, f: f.long(), [FLOAT]),
    ("float to double", lambda torch, f: f.double() * 2, [FLOAT]),
    ("int abs", lambda torch, i: (-i).abs(), [INT]),
    ("int max", lambda torch, i: i.max(), [INT]),
    ("int max dim", lambda torch, i: i.max(1), [INT]),
    ("int clamp", lambda torch, i: i.clamp(2, 4), [INT]),
    ("int exp", lambda torch, i: i.exp(), [INT]),
    ("int sqrt", lambda torch, i: torch.sqrt(i), [INT]),
    ("int sigmoid", lambda torch, i: torch.sigmoid(i), [INT]),
    ("int neg", lambda torch, i: -i, [INT]),
], ids=lambda x: x if isinstance(x, str) else "")
def test_dtype_promotion_matches_torch(name, fn, inputs):
    check_parity(fn, inputs)


# -- comparisons and logic -----------------------------------------------------------------

@pytest.mark.parametrize("name, fn", [
    ("==", lambda torch, a, b: a == b),
    ("!=", lambda torch, a, b: a != b),
    ("<", lambda torch, a, b: a < b),
    ("<=", lambda torch, a, b: a <= b),
    (">", lambda torch, a, b: a > b),
    (">=", lambda torch, a, b: a >= b),
    ("> number", lambda torch, a, b: a > 0.5),
    ("== number", lambda torch, a, b: a == 1.0),
    ("eq", lambda torch, a, b: a.eq(b)),
    ("torch.eq", lambda torch, a, b: torch.eq(a, b)),
    ("ne/lt/le/gt/ge", lambda torch, a, b: [a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b)]),
    ("&", lambda torch, a, b: (a > 0) & (b > 0)),
    ("|", lambda torch, a, b: (a > 0) | (b < 0)),
    ("^", lambda torch, a, b: (a > 0) ^ (b < 0)),
    ("~", lambda torch, a, b: ~(a > b)),
    ("all", lambda torch, a, b: (a > -10).all()),
    ("any", lambda torch, a, b: (a > 10).any()),
    ("all dim", lambda torch, a, b: (a > 0).all(dim=1)),
    ("any dim keepdim", lambda torch, a, b: (a > 0).any(0, keepdim=True)),
    ("torch.all/any", lambda torch, a, b: [torch.all(a > 0), torch.any(a > 0, 1)]),
    ("float.all", lambda torch, a, b: a.all()),
    ("where broadcast", lambda torch, a, b: torch.where(b > 0, a, b[0])),
    ("masked_fill", lambda torch, a, b: a.masked_fill(b > 0, 0.5) * b),
    ("equal", lambda torch, a, b: [torch.equal(a, a), torch.equal(a, b), a.equal(a * 1)]),
    ("allclose", lambda torch, a, b: [torch.allclose(a, a + 1e-9), a.allclose(b)]),
    ("accuracy", lambda torch, a, b: (a.argmax(1) == b.argmax(1)).sum().item()),
    ("float eq mean", lambda torch, a, b: (a > b).float().mean()),
], ids=lambda x: x if isinstance(x, str) else "")
def test_comparisons_and_logic(name, fn):
    a = np.array([[1.0, -2.0, 0.5], [1.0, 3.0, -0.5]], np.float32)
    b = np.array([[1.0, 2.0, -1.0], [0.0, 3.0, 0.5]], np.float32)
    check_parity(fn, [a, b])


def test_int_bitwise_ops():
    i = np.array([1, 2, 3, 12], np.int64)
    check_parity(lambda torch, a: [a & 6, a | 1, a ^ 3, ~a, a == 2, a > 1.5], [i])


def test_where_with_int_condition_and_mixed_dtypes():
    check_parity(lambda torch, a, b: torch.where(a > b, a, b.double()), [(3, 2), (3, 2)])


@pytest.mark.parametrize("fn", [lambda torch, a, b: a % b, lambda torch, a, b: a % 1.5,
                                lambda torch, a, b: torch.remainder(a, b),
                                lambda torch, a, b: a.remainder(b)])
def test_remainder_takes_the_sign_of_the_divisor(fn):
    # torch differentiates remainder only with respect to its first input
    a = np.array([[3.5, -2.5, 4.25], [-0.75, 1.25, 7.0]], np.float32)
    b = np.array([2.0, 1.5, -3.0], np.float32)
    check_parity(fn, [a, b], grad=False)
    check_parity(lambda torch, a: fn(torch, a, torch.tensor(b)), [a])
