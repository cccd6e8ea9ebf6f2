"""Parity with torch: arithmetic, broadcasting, type promotion, elementwise math, activations,
comparisons and logic. Every case checks values and every input's gradient."""
import numpy as np
import pytest

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

BINARY = {
    "add": lambda torch, a, b: a + b,
    "sub": lambda torch, a, b: a - b,
    "mul": lambda torch, a, b: a * b,
    "div": lambda torch, a, b: a / b,
}


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_op_broadcasts_and_sums_gradients_back(op, shapes):
    check_parity(BINARY[op], list(shapes))


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
def test_pow_tensor_tensor(shapes):
    check_parity(lambda torch, a, b: a ** b, list(shapes), low=0.5, high=2.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, fn", [
    ("tensor+number", lambda torch, a: a + 2.5),
    ("number+tensor", lambda torch, a: 2.5 + a),
    ("tensor-number", lambda torch, a: a - 3),
    ("number-tensor", lambda torch, a: 3 - a),
    ("tensor*number", lambda torch, a: a * -1.5),
    ("number*tensor", lambda torch, a: 2 * a),
    ("tensor/number", lambda torch, a: a / 4),
    ("number/tensor", lambda torch, a: 2.0 / a),
    ("tensor**2", lambda torch, a: a ** 2),
    ("tensor**3", lambda torch, a: a ** 3),
    ("tensor**0.5", lambda torch, a: a ** 0.5),
    ("tensor**-1", lambda torch, a: a ** -1),
    ("tensor**0", lambda torch, a: a ** 0),
    ("tensor**1", lambda torch, a: a ** 1),
    ("number**tensor", lambda torch, a: 2 ** a),
    ("e**tensor", lambda torch, a: 2.718 ** a),
    ("neg", lambda torch, a: -a),
    ("add alpha", lambda torch, a: a.add(a * 2, alpha=3)),
    ("sub alpha", lambda torch, a: a.sub(1.5, alpha=2)),
    ("torch.add", lambda torch, a: torch.add(a, 1)),
    ("torch.sub", lambda torch, a: torch.sub(a, a * a)),
    ("torch.mul", lambda torch, a: torch.mul(a, 3)),
    ("torch.div", lambda torch, a: torch.div(a, 3)),
    ("torch.pow", lambda torch, a: torch.pow(a, 2)),
    ("torch.neg", lambda torch, a: torch.neg(a)),
    ("pos", lambda torch, a: +a),
], ids=lambda x: x if isinstance(x, str) else "")
def test_tensor_with_number(name, fn, dtype):
    check_parity(fn, [(2, 3)], dtype=dtype, low=0.5, high=2.0)


def test_pow_of_negative_base_with_integer_exponent():
    check_parity(lambda torch, a: a ** 2 + a ** 3, [(5,)])  # normal data: negatives included


def test_pow_with_zero_base_and_tensor_exponent_has_zero_log_gradient():
    x = np.array([0.0, 1.0, 2.0], np.float32)
    e = np.array([2.0, 3.0, 0.5], np.float32)
    check_parity(lambda torch, a, b: a ** b, [x, e])


def test_number_to_the_power_of_tensor_gradient():
    check_parity(lambda torch, a: (3.0 ** a) * (0.5 ** a), [(4,)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, fn, low, high", [
    ("exp", lambda torch, a: a.exp(), -3, 3),
    ("log", lambda torch, a: a.log(), 0.1, 5),
    ("sqrt", lambda torch, a: a.sqrt(), 0.1, 5),
    ("abs", lambda torch, a: a.abs(), -3, 3),
    ("torch.exp", lambda torch, a: torch.exp(a), -3, 3),
    ("torch.log", lambda torch, a: torch.log(a), 0.1, 5),
    ("torch.sqrt", lambda torch, a: torch.sqrt(a), 0.1, 5),
    ("torch.abs", lambda torch, a: torch.abs(a), -3, 3),
    ("abs()", lambda torch, a: abs(a), -3, 3),
    ("clamp both", lambda torch, a: a.clamp(-0.5, 0.5), -2, 2),
    ("clamp min", lambda torch, a: a.clamp(min=0.1), -2, 2),
    ("clamp max", lambda torch, a: a.clamp(max=-0.1), -2, 2),
    ("torch.clamp", lambda torch, a: torch.clamp(a, -1, 1), -2, 2),
    ("clip", lambda torch, a: a.clip(-1, 1), -2, 2),
    ("sigmoid", lambda torch, a: a.sigmoid(), -5, 5),
    ("torch.sigmoid", lambda torch, a: torch.sigmoid(a), -5, 5),
    ("relu", lambda torch, a: a.relu(), -2, 2),
    ("torch.relu", lambda torch, a: torch.relu(a), -2, 2),
    ("tanh", lambda torch, a: a.tanh(), -3, 3),
    ("torch.tanh", lambda torch, a: torch.tanh(a), -3, 3),
    ("softmax dim 1", lambda torch, a: a.softmax(1), -3, 3),
    ("softmax dim -1", lambda torch, a: a.softmax(dim=-1), -3, 3),
    ("softmax dim 0", lambda torch, a: torch.softmax(a, 0), -3, 3),
    ("log_softmax dim 1", lambda torch, a: a.log_softmax(1), -3, 3),
    ("log_softmax dim 0", lambda torch, a: torch.log_softmax(a, dim=0), -3, 3),
], ids=lambda x: x if isinstance(x, str) else "")
def test_unary_math(name, fn, low, high, dtype):
    check_parity(fn, [(3, 4)], dtype=dtype, low=low, high=high)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_softmax_3d(dim):
    check_parity(lambda torch, a: torch.softmax(a, dim) * torch.log_softmax(a, dim), [(2, 3, 4)])


def test_softmax_of_a_vector():
    check_parity(lambda torch, a: a.softmax(0), [(5,)])


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


def test_activation_chain_like_a_network():
    check_parity(lambda torch, x, w, b: ((x @ w + b).relu() @ w.t()).sigmoid().sum(),
                 [(4, 3), (3, 3), (3,)])


# -- maximum / minimum ---------------------------------------------------------------------

def test_elementwise_maximum_and_minimum():
    check_parity(lambda torch, a, b: torch.maximum(a, b) + torch.minimum(a, b) * 2, [(3, 4), (4,)])
    check_parity(lambda torch, a, b: torch.max(a, b) - torch.min(a, b), [(3, 4), (3, 4)])


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


def test_float64_keeps_float64_through_every_op():
    check_parity(lambda torch, a, b: ((a @ b).sigmoid() * 2 - 1).exp().log_softmax(1).sum(),
                 [(3, 4), (4, 2)], dtype=np.float64)


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
    ("where", lambda torch, a, b: torch.where(a > 0, a, b)),
    ("where number", lambda torch, a, b: torch.where(a > 0, a, 0.0)),
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
