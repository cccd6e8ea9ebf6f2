"""The factors of the rules of the elementwise math of ops/math_ops.py and layer_ops.py
(sin … atanh, the other logarithms, the steps, GELU, leaky ReLU) and of where(): merged into
chain_rules.FACTORS, in its format: class -> for each input slot, (the rule as shown, or a
function of the node giving it; [(label, f(node, args, out, g))], or a list of such products
when the rule is a sum of them)."""
import math

import numpy as np

from tinygrad_edu.ops import layer_ops as LA, math_ops as M, shape as S


def _g(n, a, o, g):
    return g


def _minus_g(n, a, o, g):
    return -g


def _rule(text, label, f, g=("g", _g)):
    """One input, the rule g · f′(a): [(text, [g, (label, f)])]."""
    return [(text, [g, (label, lambda n, a, o, gg: f(a[0], o))])]


def _flat(n, a, o, g):   # the steps: no slope between the jumps, and torch takes 0 at them
    return np.zeros(np.shape(a[0]))


STEP = [("g · 0", [("g", _g), ("0", _flat)])]


# -- GELU: out = a·Φ(a), so ∂out/∂a = Φ(a) + a·Φ′(a) ---------------------------------------
_TANH_K, _TANH_C = math.sqrt(2 / math.pi), 0.044715


def _tanh_u(a):
    return np.tanh(_TANH_K * (a + _TANH_C * a ** 3))


def _cdf(node, a, out):
    """Φ(a): exact, read off the output (out = a·Φ(a), and Φ(0) = ½); or its tanh form."""
    if node.options.get("approximate", "none") == "tanh":
        return 0.5 * (1 + _tanh_u(a))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == 0, 0.5, out / np.where(a == 0, 1, a))


def _cdf_slope(node, a):
    """Φ′(a): the normal density e^(−a²/2)/√(2π), or the slope of the tanh form."""
    if node.options.get("approximate", "none") == "tanh":
        t = _tanh_u(a)
        return 0.5 * (1 - t * t) * _TANH_K * (1 + 3 * _TANH_C * a * a)
    return np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)


def _gelu_rule(node):
    if node.options.get("approximate", "none") == "tanh":
        return "g · (Φ(a) + a·Φ′(a))   (Φ(a) = ½(1 + tanh(√(2/π)·(a + 0.044715·a³))))"
    return "g · (Φ(a) + a·Φ′(a))   (Φ′(a) = e^(−a²/2)/√(2π))"


GELU = [(_gelu_rule, [[("g", _g), ("Φ(a)", lambda n, a, o, g: _cdf(n, a[0], o))],
                      [("g", _g), ("a", lambda n, a, o, g: a[0]),
                       ("Φ′(a)", lambda n, a, o, g: _cdf_slope(n, a[0]))]])]


def _slope(node):
    return node.options.get("negative_slope", 0.01)


LEAKY_RELU = [(lambda n: f"g · [a > 0, else s]   (s = {_slope(n)})",
               [("g", _g), ("[a > 0, else s]",
                            lambda n, a, o, g: np.where(a[0] > 0, 1.0, _slope(n)))])]

# where(c, a, b): the condition (slot 0) gets no gradient
WHERE = [None, ("g · [c]", [("g", _g), ("[c]", lambda n, a, o, g: a[0])]),
         ("g · [not c]", [("g", _g), ("[not c]", lambda n, a, o, g: ~np.asarray(a[0], bool))])]


MATH_FACTORS = {
    M.Sin: _rule("g · cos(a)", "cos(a)", lambda a, o: np.cos(a)),
    M.Cos: _rule("−g · sin(a)", "sin(a)", lambda a, o: np.sin(a), g=("−g", _minus_g)),
    M.Tan: _rule("g · (1 + out²)", "1 + out²", lambda a, o: 1 + o * o),
    M.Sinh: _rule("g · cosh(a)", "cosh(a)", lambda a, o: np.cosh(a)),
    M.Cosh: _rule("g · sinh(a)", "sinh(a)", lambda a, o: np.sinh(a)),
    M.Asin: _rule("g / √(1 − a²)", "1/√(1 − a²)", lambda a, o: 1 / np.sqrt(1 - a * a)),
    M.Acos: _rule("−g / √(1 − a²)", "1/√(1 − a²)", lambda a, o: 1 / np.sqrt(1 - a * a),
                  g=("−g", _minus_g)),
    M.Atan: _rule("g / (1 + a²)", "1/(1 + a²)", lambda a, o: 1 / (1 + a * a)),
    M.Asinh: _rule("g / √(a² + 1)", "1/√(a² + 1)", lambda a, o: 1 / np.sqrt(a * a + 1)),
    M.Acosh: _rule("g / √(a² − 1)", "1/√(a² − 1)", lambda a, o: 1 / np.sqrt(a * a - 1)),
    M.Atanh: _rule("g / (1 − a²)", "1/(1 − a²)", lambda a, o: 1 / (1 - a * a)),
    M.Log10: [("g / (a · ln 10)", [("g", _g), ("1/a", lambda n, a, o, g: 1 / a[0]),
                                   ("1/ln 10", lambda n, a, o, g: 1 / math.log(10))])],
    M.Log2: [("g / (a · ln 2)", [("g", _g), ("1/a", lambda n, a, o, g: 1 / a[0]),
                                 ("1/ln 2", lambda n, a, o, g: 1 / math.log(2))])],
    M.Log1p: _rule("g / (1 + a)", "1/(1 + a)", lambda a, o: 1 / (1 + a)),
    M.Expm1: _rule("g · (out + 1)", "out + 1", lambda a, o: o + 1),
    M.Sign: STEP, M.Floor: STEP, M.Ceil: STEP, M.Round: STEP, M.Trunc: STEP,
    LA.Gelu: GELU,
    LA.LeakyRelu: LEAKY_RELU,
    S.Where: WHERE,
}
