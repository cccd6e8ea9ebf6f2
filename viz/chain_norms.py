"""The chain rule with numbers for layer_norm and batch_norm (ops/norm_ops.py).

x̂ = (x − μ)/√(σ² + ε) depends on every x of its group (a sample's last dims for layer norm,
a channel over the batch for batch norm) through μ and σ², so one element's gradient is

    ∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + ε),   ĝ = g·w,

written here as three products: ĝ/√(σ² + ε), the path through μ, the path through σ².
μ, σ² and x̂ are computed here from x (batch norm in eval: the running averages it got,
constants, so ∂L/∂x = g·w/√(σ² + ε)); w and b are used at many positions: Σ g·x̂ and Σ g."""
import numpy as np

from tinygrad_edu.ops import norm_ops as N

from .substitution import Substitution, index_text, num, signed
from .words import say

INV = "1/√(σ² + ε)"


def _layout(node, x):
    """(the axes μ and σ² are taken over, the shape w and b take against x, the group's name)."""
    if isinstance(node, N.LayerNorm):
        first = x.ndim - node.options["ndim"]
        return tuple(range(first, x.ndim)), x.shape[first:], "group_sample"
    return (0,) + tuple(range(2, x.ndim)), (x.shape[1],) + (1,) * (x.ndim - 2), "group_channel"


def _training(node):
    return isinstance(node, N.LayerNorm) or node.options["training"]


def _statistics(node, x, axes, shape):
    """μ, σ² (biased) and 1/√(σ² + ε), each broadcast against x."""
    if _training(node):
        mu = x.mean(axis=axes, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    else:
        mu, var = (np.asarray(node.options[key], np.float64).reshape(shape)
                   for key in ("mean", "var"))
    inv = 1 / np.sqrt(var + node.options["eps"])
    return [np.broadcast_to(v, x.shape).reshape(-1) for v in (mu, var, inv)]


def _x_rule(node, k, x, w, g, name, lang):
    axes, shape, group = _layout(node, x)
    mu, var, inv = _statistics(node, x, axes, shape)
    ww = None if w is None else np.broadcast_to(w.reshape(shape), x.shape).reshape(-1)
    target, flat_g = f"∂L/∂{name}", g.reshape(-1)
    if not _training(node):   # μ and σ² are constants: x̂ is x shifted and scaled
        factors = [("g", flat_g[k])] + ([] if ww is None else [("w", ww[k])]) + [(INV, inv[k])]
        rule = "g / √(σ² + ε)" if ww is None else "g · w / √(σ² + ε)"
        return Substitution(target, rule, [factors],
                            [say(lang, "running_stats", mu=num(mu[k]), var=num(var[k]))])
    x_hat = ((x.reshape(-1) - mu) * inv).reshape(x.shape)
    g_hat = g if w is None else g * w.reshape(shape)
    mean_g = np.broadcast_to(g_hat.mean(axis=axes, keepdims=True), x.shape).reshape(-1)[k]
    mean_gx = np.broadcast_to((g_hat * x_hat).mean(axis=axes, keepdims=True),
                              x.shape).reshape(-1)[k]
    gh, xh = g_hat.reshape(-1)[k], x_hat.reshape(-1)[k]
    terms = [[("ĝ", gh), (INV, inv[k])], [("−mean(ĝ)", -mean_g), (INV, inv[k])],
             [("−x̂", -xh), ("mean(ĝ·x̂)", mean_gx), (INV, inv[k])]]
    n = int(np.prod([x.shape[d] for d in axes]))
    notes = [say(lang, "g_hat_plain") if w is None else
             say(lang, "g_hat", g=num(flat_g[k]), w=signed(ww[k]), value=num(gh)),
             say(lang, "x_hat", x=num(x.reshape(-1)[k]), mu=signed(mu[k]), var=num(var[k]),
                 eps=num(node.options["eps"]), value=num(xh)),
             say(lang, "group_means", m1=num(mean_g), m2=num(mean_gx), n=n,
                 group=say(lang, group))]
    return Substitution(target, "(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + ε)", terms, notes)


def _param_rule(node, slot, k, x, g, name, lang):
    """w[k] (slot 1) or b[k] (slot 2) is used at every position of its feature or channel:
    ∂L/∂w[k] = Σ g·x̂ and ∂L/∂b[k] = Σ g over them."""
    axes, shape, _ = _layout(node, x)
    size = int(np.prod(shape))
    used = np.flatnonzero(np.broadcast_to(np.arange(size).reshape(shape), x.shape) == k)
    flat_g = g.reshape(-1)
    if slot == 2:
        terms = [[(f"g{index_text(j, x.shape)}", flat_g[j])] for j in used]
        rule = "Σ g"
    else:
        mu, var, inv = _statistics(node, x, axes, shape)
        x_hat = (x.reshape(-1) - mu) * inv
        terms = [[(f"g{index_text(j, x.shape)}", flat_g[j]),
                  (f"x̂{index_text(j, x.shape)}", x_hat[j])] for j in used]
        rule = "Σ g·x̂"
    return Substitution(f"∂L/∂{name}", rule, terms,
                        [say(lang, "reaches", name=name, count=len(used), total=x.size)])


def _norm_rule(node, slot, k, args, out, g, name, lang):
    x, w = args[0], args[1]
    if slot == 0:
        return _x_rule(node, k, x, w, g, name, lang)
    return _param_rule(node, slot, k, x, g, name, lang)


NORMS = {N.LayerNorm: _norm_rule, N.BatchNorm: _norm_rule}
