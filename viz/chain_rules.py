"""The factors of each elementwise rule, as arrays over the positions of the output: the
numbers viz/chain.py multiplies to write ∂L/∂x[k] out (Sigmoid: g, out, 1 − out).

Each entry: Function class -> for each input slot, (the rule as shown, [(label, f)]) with
f(node, args, out, g) giving that factor's array (or None: no such factor this time)."""
import numpy as np

from tinygrad_edu.ops import activation_ops as A, conv_ops as C, elementwise as E
from tinygrad_edu.ops import loss_ops as LS, power_ops as P

from .chain_rules_math import MATH_FACTORS


# -- elementwise operations: the factors of the rule, as arrays over the output's positions ----
def _floor_div(a, b):
    return np.floor_divide(a, b)  # as Remainder.backward (and torch) computes ⌊a/b⌋


def _inside(node, a):
    lo, hi = node.options.get("min"), node.options.get("max")
    mask = np.ones(np.shape(a), bool)
    if lo is not None:
        mask &= a >= lo
    if hi is not None:
        mask &= a <= hi
    return mask


def _winner(a_wins, tie):
    return np.where(a_wins, 1.0, np.where(tie, 0.5, 0.0))


# class -> for each input slot, (rule shown, [(label, f(node, args, out, g))])
FACTORS = {
    E.Add: [("g", [("g", lambda n, a, o, g: g)])] * 2,
    E.Sub: [("g", [("g", lambda n, a, o, g: g)]), ("−g", [("−g", lambda n, a, o, g: -g)])],
    E.RSub: [("−g", [("−g", lambda n, a, o, g: -g)])],
    E.Mul: [("g · b", [("g", lambda n, a, o, g: g), ("b", lambda n, a, o, g: a[1])]),
            ("g · a", [("g", lambda n, a, o, g: g), ("a", lambda n, a, o, g: a[0])])],
    E.Div: [("g / b", [("g", lambda n, a, o, g: g), ("1/b", lambda n, a, o, g: 1 / a[1])]),
            ("−g · (a/b) / b", [("−g", lambda n, a, o, g: -g),
                                ("a/b", lambda n, a, o, g: a[0] / a[1]),
                                ("1/b", lambda n, a, o, g: 1 / a[1])])],
    E.RDiv: [("−g · c · (1/a)²", [("−g", lambda n, a, o, g: -g), ("c", lambda n, a, o, g: a[1]),
                                  ("(1/a)²", lambda n, a, o, g: (1 / a[0]) ** 2)])],
    P.Pow: [("g · n·aⁿ⁻¹", [("g", lambda n, a, o, g: g), ("n", lambda n, a, o, g: a[1]),
                            ("aⁿ⁻¹", lambda n, a, o, g: a[0] ** (a[1] - 1) if a[1] else 0)])],
    P.PowTensor: [("g · b·aᵇ⁻¹", [("g", lambda n, a, o, g: g), ("b", lambda n, a, o, g: a[1]),
                                  ("aᵇ⁻¹", lambda n, a, o, g: a[0] ** (a[1] - 1))]),
                  ("g · out·ln a", [("g", lambda n, a, o, g: g), ("out", lambda n, a, o, g: o),
                                    ("ln a", lambda n, a, o, g: np.log(np.where(a[0] == 0, 1,
                                                                               a[0])))])],
    P.RPow: [("g · out·ln c", [("g", lambda n, a, o, g: g), ("out", lambda n, a, o, g: o),
                               ("ln c", lambda n, a, o, g: np.log(a[1]) if a[1] else 0)])],
    E.Remainder: [("g", [("g", lambda n, a, o, g: g)]),
                  ("−g · ⌊a/b⌋", [("−g", lambda n, a, o, g: -g),
                                  ("⌊a/b⌋", lambda n, a, o, g: _floor_div(a[0], a[1]))])],
    E.Neg: [("−g", [("−g", lambda n, a, o, g: -g)])],
    E.Exp: [("g · out", [("g", lambda n, a, o, g: g), ("out", lambda n, a, o, g: o)])],
    E.Log: [("g / a", [("g", lambda n, a, o, g: g), ("1/a", lambda n, a, o, g: 1 / a[0])])],
    E.Sqrt: [("g / (2·out)", [("g", lambda n, a, o, g: g),
                              ("1/(2·out)", lambda n, a, o, g: 1 / (2 * o))])],
    E.Abs: [("g · sign(a)", [("g", lambda n, a, o, g: g),
                             ("sign(a)", lambda n, a, o, g: E.sgn(a[0]))])],
    E.Clamp: [("g · [lo ≤ a ≤ hi]", [("g", lambda n, a, o, g: g),
                                     ("[lo ≤ a ≤ hi]", lambda n, a, o, g: _inside(n, a[0]))])],
    E.Maximum: [("g · [a > b, ½ if a = b]", [("g", lambda n, a, o, g: g), (
                    "[a > b]", lambda n, a, o, g: _winner(a[0] > a[1], a[0] == a[1]))]),
                ("g · [b > a, ½ if a = b]", [("g", lambda n, a, o, g: g), (
                    "[b > a]", lambda n, a, o, g: _winner(a[1] > a[0], a[0] == a[1]))])],
    E.Minimum: [("g · [a < b, ½ if a = b]", [("g", lambda n, a, o, g: g), (
                    "[a < b]", lambda n, a, o, g: _winner(a[0] < a[1], a[0] == a[1]))]),
                ("g · [b < a, ½ if a = b]", [("g", lambda n, a, o, g: g), (
                    "[b < a]", lambda n, a, o, g: _winner(a[1] < a[0], a[0] == a[1]))])],
    E.Cast: [("g", [("g", lambda n, a, o, g: g)])],
    A.Sigmoid: [("g · out·(1 − out)", [("g", lambda n, a, o, g: g),
                                       ("out", lambda n, a, o, g: o),
                                       ("1 − out", lambda n, a, o, g: 1 - o)])],
    A.Relu: [("g · [a > 0]", [("g", lambda n, a, o, g: g),
                              ("[a > 0]", lambda n, a, o, g: a[0] > 0)])],
    A.Tanh: [("g · (1 − out²)", [("g", lambda n, a, o, g: g),
                                 ("1 − out²", lambda n, a, o, g: 1 - o * o)])],
    A.Softmax: [("out · (g − Σ g·out)", [
        ("out", lambda n, a, o, g: o),
        ("g − Σ g·out", lambda n, a, o, g: g - (g * o).sum(axis=n.options["dim"],
                                                           keepdims=True))])],
    A.LogSoftmax: [("g − softmax(a) · Σ g", [
        ("g − softmax(a)·Σg", lambda n, a, o, g: g - np.exp(o) * g.sum(
            axis=n.options["dim"], keepdims=True))])],
    C.Dropout: [("g · m/(1 − p)", [("g", lambda n, a, o, g: g),
                                   ("m/(1 − p)", lambda n, a, o, g: n.saved[0])])],
}


def mean_n(node, x):
    return x.size if node.options.get("reduction", "mean") == "mean" else 1


def _weighted(factors, key):
    """Losses with a weight array: one more factor, w."""
    return factors + [("w", lambda n, a, o, g: n.options.get(key))]  # None: no factor


LOSS_FACTORS = {
    LS.MSELoss: [("g · 2(x − y) / n", [("g", lambda n, a, o, g: g),
                                       ("2(x − y)", lambda n, a, o, g: 2 * (a[0] - a[1])),
                                       ("1/n", lambda n, a, o, g: 1 / mean_n(n, a[0] - a[1]))]),
                 ("−g · 2(x − y) / n", [("−g", lambda n, a, o, g: -g),
                                        ("2(x − y)", lambda n, a, o, g: 2 * (a[0] - a[1])),
                                        ("1/n", lambda n, a, o, g: 1 / mean_n(n, a[0] - a[1]))])],
    LS.BCELoss: [("g · (x − y) / (x(1 − x)) / n", _weighted([
        ("g", lambda n, a, o, g: g), ("x − y", lambda n, a, o, g: a[0] - a[1]),
        ("1/(x(1 − x))", lambda n, a, o, g: 1 / np.maximum(a[0] * (1 - a[0]), 1e-12)),
        ("1/n", lambda n, a, o, g: 1 / mean_n(n, a[0]))], "weight")),
                 ("g · (ln(1 − x) − ln x) / n", _weighted([
                     ("g", lambda n, a, o, g: g),
                     ("ln(1 − x) − ln x", lambda n, a, o, g: n.saved[3] - n.saved[2]),
                     ("1/n", lambda n, a, o, g: 1 / mean_n(n, a[0]))], "weight"))],
    LS.BCEWithLogitsLoss: [("g · (σ(x) − y) / n", _weighted([
        ("g", lambda n, a, o, g: g),
        ("σ(x) − y", lambda n, a, o, g: _logits_dx(n, a[0], a[1])),
        ("1/n", lambda n, a, o, g: 1 / mean_n(n, a[0]))], "weight")),
                           ("−g · x / n", _weighted([
                               ("g", lambda n, a, o, g: g),
                               ("−x", lambda n, a, o, g: _logits_dy(n, a[0], a[1])),
                               ("1/n", lambda n, a, o, g: 1 / mean_n(n, a[0]))], "weight"))],
}


def _logits_dx(node, x, y):
    s, pw = A.stable_sigmoid(x), node.options.get("pos_weight")
    return s - y if pw is None else (1 + (pw - 1) * y) * s - pw * y


def _logits_dy(node, x, y):
    pw = node.options.get("pos_weight")
    return -x if pw is None else -x + (pw - 1) * node.saved[2]


FACTORS.update(MATH_FACTORS)   # sin … atanh, the logarithms, the steps, GELU, leaky ReLU, where
