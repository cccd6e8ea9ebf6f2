"""The chain rule with numbers for the reductions that are not linear in their input (prod,
logsumexp, the vector norms) and for embedding lookups: each element k of x reaches one
output (or, for a table row, the outputs that looked it up), so ∂L/∂x[k] is g there times
the local derivative the Function's math states, computed here from the inputs and the
forward output (never from the node's backward). ``MORE``: class -> rule, for chain.py;
the normalisation layers' rules come from chain_norms.py."""
import numpy as np

from tinygrad_edu.ops import layer_ops as LA, reduce_math as RM
from tinygrad_edu.ops.reduce import _axes

from .chain_norms import NORMS
from .substitution import Substitution, index_text, num, position_text
from .words import say

PRODUCT_SHOWN = 6   # a product of at most this many other numbers is written out in full


def _slice(node, x, k):
    """Element k of x under a reduction over ``dim``: (the flat indices of the numbers
    reduced with it, itself included; the position of the output they make)."""
    axes = _axes(node.options.get("dim"), x.ndim)
    pos = np.unravel_index(k, x.shape) if x.ndim else ()
    ids = np.arange(x.size).reshape(x.shape)
    members = ids[tuple(slice(None) if d in axes else p for d, p in enumerate(pos))]
    if node.options.get("keepdim", False):
        at = tuple(0 if d in axes else p for d, p in enumerate(pos))
    else:
        at = tuple(p for d, p in enumerate(pos) if d not in axes)
    return np.reshape(members, -1), at


def _g(g, at):
    return f"g{position_text(at)}", g[at]


def _prod(node, slot, k, args, out, g, name, lang):
    """∂L/∂aᵢ = g · Π of the other numbers of its product (zeros included)."""
    x = args[0]
    members, at = _slice(node, x, k)
    flat = x.reshape(-1)
    others = [(f"a{index_text(i, x.shape)}", flat[i]) for i in members if i != k]
    notes = [say(lang, "prod_others", n=len(others))] if others else []
    if len(others) > PRODUCT_SHOWN:
        others = [("Π others", np.prod([v for _, v in others]))]
    return Substitution(f"∂L/∂{name}", say(lang, "prod_rule"),
                        [[_g(g, at)] + others], notes)


def _logsumexp(node, slot, k, args, out, g, name, lang):
    """∂L/∂aᵢ = g · e^(aᵢ − out): softmax(a) of the slice, at i."""
    members, at = _slice(node, args[0], k)
    a, o = args[0].reshape(-1)[k], out[at]
    with np.errstate(invalid="ignore", over="ignore"):
        local = np.exp(a - o)
    return Substitution(f"∂L/∂{name}", "g · e^(a − out)", [[_g(g, at), ("e^(a − out)", local)]],
                        [say(lang, "lse_softmax", a=num(a), out=num(o))])


def _norm(node, slot, k, args, out, g, name, lang):
    """∂L/∂a = g · sign(a)·|a|ᵖ⁻¹ / outᵖ⁻¹ (p = 2: a/out, p = 1: sign(a)); 0 where a = 0."""
    p = node.options["p"]
    if p == 0:
        return Substitution(f"∂L/∂{name}", "0", [], [say(lang, "norm_count")])
    members, at = _slice(node, args[0], k)
    a, o = args[0].reshape(-1)[k], out[at]
    if p == 2:
        rule, local = "g · a / out", [("a", a), ("1/out", 1 / o if o else np.inf)]
    elif p == 1:
        rule, local = "g · sign(a)", [("sign(a)", np.sign(a))]
    else:
        rule = "g · sign(a)·|a|ᵖ⁻¹ / outᵖ⁻¹"
        with np.errstate(divide="ignore", over="ignore"):
            local = [("sign(a)", np.sign(a)), ("|a|ᵖ⁻¹", abs(a) ** (p - 1)),
                     ("1/outᵖ⁻¹", float(o) ** (1 - p) if o else np.inf)]
    notes = [] if p == 1 else [say(lang, "norm_out", p=num(p), out=num(o))]
    if a == 0:
        return Substitution(f"∂L/∂{name}", rule, [], notes + [say(lang, "norm_zero")])
    return Substitution(f"∂L/∂{name}", rule, [[_g(g, at)] + local], notes)


def _norm_max(node, slot, k, args, out, g, name, lang):
    """p = ±∞: g · sign(a)/t on the t numbers whose |a| is the max (min), 0 elsewhere."""
    members, at = _slice(node, args[0], k)
    flat = args[0].reshape(-1)
    a, o = flat[k], out[at]
    ties = int((np.abs(flat[members]) == o).sum())
    rule = "g · sign(a)/t where |a| = out, else 0"
    if abs(a) != o:
        which = say(lang, "largest" if node.options["p"] > 0 else "smallest")
        return Substitution(f"∂L/∂{name}", rule, [], [say(lang, "norm_miss", a=num(abs(a)),
                                                                which=which, out=num(o))])
    return Substitution(f"∂L/∂{name}", rule,
                        [[_g(g, at), ("sign(a)", np.sign(a)), ("1/t", 1 / ties)]],
                        [say(lang, "norm_tie", t=ties)])


def _embedding(node, slot, k, args, out, g, name, lang):
    """∂L/∂W[r,c] = Σ g[i,c] over the positions i that looked up row r (divided by how many
    with scale_grad_by_freq; 0 for the padding row)."""
    weight, opts = args[0], node.options
    idx = np.asarray(opts["indices"])
    r, c = (int(i) for i in np.unravel_index(k, weight.shape))
    uses = np.flatnonzero(idx.reshape(-1) == r)
    rule = say(lang, "lookup_sum", c=c, r=r)
    notes = [say(lang, "lookups", r=r, n=len(uses), total=idx.size)]
    if opts.get("padding_idx") is not None and r == opts["padding_idx"]:
        return Substitution(f"∂L/∂{name}", rule, [], notes + [say(lang, "padding_row", r=r)])
    rows = g.reshape(idx.size, -1)
    scale = []
    if opts.get("scale_grad_by_freq") and len(uses):
        rule = say(lang, "lookup_sum_freq", c=c, r=r)
        scale = [("1/count", 1 / len(uses))]
        notes.append(say(lang, "by_freq", r=r, n=len(uses)))
    terms = [[(f"g{index_text(i * rows.shape[1] + c, idx.shape + (rows.shape[1],))}",
               rows[i, c])] + scale for i in uses]
    return Substitution(f"∂L/∂{name}", rule, terms, notes)


MORE = {RM.Prod: _prod, RM.LogSumExp: _logsumexp, RM.Norm: _norm, RM.NormMax: _norm_max,
        LA.Embedding: _embedding, **NORMS}
