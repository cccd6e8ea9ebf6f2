"""The chain rule with numbers: one element of ∂L/∂x written out as the arithmetic that gives it.

For a node of the graph, input x and one element k of x, ``substitute`` returns a
``Substitution``: a sum of terms, each a product of named numbers,

    ∂L/∂a[1] = g · out·(1 − out) = 1.83 × 0.6225 × 0.3775 = 0.4300
    ∂L/∂W[0,0] = Σₙ g[n,0]·x[n,0] = 0.1258×1.0 + 0.1667×2.0 + (−0.1258)×3.0 = 0.0816

The text and the value come from the same numbers (``terms``), so a test can evaluate what
the frame states and compare it with the gradient the engine computed (tests/
test_viz_chain.py does, for every case of the shared case table).

How each operation's numbers are found:
  * elementwise operations and losses: each factor of the Function's rule is an array over
    the positions of the output (``_FACTORS``); the element k of an input was copied
    (broadcast) to one or more of those positions, and its gradient is the sum over them;
  * matrix products (2-D) and Linear: the sum of products of the rule, by index;
  * reductions that are not linear (prod, logsumexp, norms), embedding lookups and the
    normalisation layers: their own rules, in chain_more.py and chain_norms.py;
  * everything that is linear in the input (matmul of any rank, convolution, pooling,
    reshapes, indexing, sums): ∂out[j]/∂x[k] is read off the Function's own forward run on
    the unit array e_k, and ∂L/∂x[k] = Σⱼ g[j]·∂out[j]/∂x[k] over the j where it is not 0.
"""
import numpy as np

from tinygrad_edu.autograd.versions import recorded_inputs
from tinygrad_edu.ops import conv_ops as C
from tinygrad_edu.ops import linalg as L, loss_ops as LS, reduce as R

from .chain_more import MORE as _MORE
from .chain_rules import FACTORS as _FACTORS, LOSS_FACTORS as _LOSS_FACTORS, mean_n as _mean_n
from .substitution import Substitution, index_text, num
from .words import say

__all__ = ["Substitution", "index_text", "num", "node_outputs", "substitute"]


def _copies(shape, frame_shape, k):
    """The positions (flat, in frame_shape) that element k of an input of ``shape`` was
    broadcast to."""
    ids = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    return np.flatnonzero(np.broadcast_to(ids, frame_shape) == k)


def _elementwise(node, slot, k, args, out, g, name, table, lang):
    rule, factors = table[type(node)][slot]
    rule = rule(node) if callable(rule) else rule
    shapes = [np.shape(x) for x in args if isinstance(x, np.ndarray)] + [np.shape(g)]
    frame = np.broadcast_shapes(*shapes)
    # one product of factors, or a sum of products (a list of them: GELU's Φ(a) + a·Φ′(a))
    products = factors if factors and isinstance(factors[0], list) else [factors]
    arrays = [[(label, np.broadcast_to(np.asarray(v, dtype=np.float64), frame).reshape(-1))
               for label, v in ((label, f(node, args, out, g)) for label, f in product)
               if v is not None] for product in products]
    copies = _copies(args[slot].shape, frame, k)
    terms = [[(label, arr[j]) for label, arr in product] for j in copies for product in arrays]
    notes = [say(lang, "copies", n=len(copies))] if len(copies) > 1 else []
    if type(node) in _LOSS_FACTORS:
        reduction = node.options.get("reduction", "mean")
        n = _mean_n(node, np.broadcast_to(args[0], frame))
        notes.append(say(lang, "reduction_n", reduction=reduction, n=n))
    return Substitution(f"∂L/∂{name}", rule, terms, notes)


# -- class scores: cross-entropy and NLL, one row per sample ---------------------------------
def _class_loss(node, slot, k, args, out, g, name, lang):
    x, target = args[0], args[1]
    opts = node.options
    reduction = opts.get("reduction", "mean")
    rows = LS.class_rows(np.arange(x.size).reshape(x.shape))
    r, c = (int(i[0]) for i in np.nonzero(rows == k))
    t = LS._targets(target, opts.get("ignore_index", -100))
    w = LS.row_weights(target.reshape(-1), opts.get("weight"), opts.get("ignore_index", -100),
                       np.float64)
    n = len(t) if w is None else float(w.sum())
    g_row = float(np.reshape(g, -1)[r]) if reduction == "none" else float(g)
    hit = 1.0 if int(t[r]) == c else 0.0
    notes = [say(lang, "target_row", r=r, t=int(t[r]))]
    if isinstance(node, LS.CrossEntropyLoss):
        p = float(np.exp(node.saved[0][r, c]))
        local = ("softmax(x) − one_hot(y)", p - hit)
        notes.insert(0, say(lang, "softmax_one_hot", r=r, c=c, p=num(p), hit=int(hit)))
        rule = "g · (softmax(x) − one_hot(y)) / n"
    else:
        local, rule = ("−one_hot(y)", -hit), "−g · one_hot(y) / n"
    factors = [("g", g_row), local]
    if reduction == "mean":
        factors.append(("1/n", 1 / n))
    if w is not None:
        factors.append(("w", float(w[r])))
    notes.append(say(lang, "reduction_n", reduction=reduction, n=num(n)) if reduction == "mean"
                 else say(lang, "reduction", reduction=reduction))
    return Substitution(f"∂L/∂{name}", rule, [factors], notes)


def _soft_ce(node, slot, k, args, out, g, name, lang):
    logp, y = node.saved
    dim, reduction, n = node.info
    gg = np.asarray(g, np.float64)
    if reduction == "none":
        gg = np.expand_dims(gg, dim)
    p = np.exp(logp)
    if slot == 0:
        local = ("softmax(x)·Σy − y", p * y.sum(axis=dim, keepdims=True) - y)
        rule = "g · (softmax(x)·Σy − y) / n"
    else:
        local, rule = ("−ln softmax(x)", -logp), "−g · ln softmax(x) / n"
    frame = logp.shape
    factors = [("g", np.broadcast_to(gg, frame).reshape(-1)[k]),
               (local[0], np.broadcast_to(local[1], frame).reshape(-1)[k])]
    if reduction == "mean":
        factors.append(("1/n", 1 / n))
    return Substitution(f"∂L/∂{name}", rule, [factors], [say(lang, "reduction",
                                                             reduction=reduction)])


# -- matrix products: the sum of products of the rule, by index -------------------------------
def _products(name, rule, left, right, labels, note):
    """Σⱼ left[j]·right[j], the j-th pair named by labels[j]."""
    terms = [[(la, left[j]), (lb, right[j])] for j, (la, lb) in enumerate(labels)]
    return Substitution(f"∂L/∂{name}", rule, terms, [note])


def _matmul_2d(node, slot, k, args, out, g, name, lang, names):
    a, b = args[0], args[1]
    A, B = names[0] or "A", names[1] or "B"
    r, c = np.unravel_index(k, args[slot].shape)
    if slot == 0:   # ∂L/∂A[r,c] = Σⱼ g[r,j]·B[c,j]
        return _products(name, f"Σⱼ g[{r},j]·{B}[{c},j]   (g @ {B}ᵀ)", g[r], b[c],
                         [(f"g[{r},{j}]", f"{B}[{c},{j}]") for j in range(g.shape[1])],
                         f"g: {_dims(g)}, {B}ᵀ: {_dims(b.T)}")
    return _products(name, f"Σᵢ {A}[i,{r}]·g[i,{c}]   ({A}ᵀ @ g)", a[:, r], g[:, c],
                     [(f"{A}[{i},{r}]", f"g[{i},{c}]") for i in range(g.shape[0])],
                     f"{A}ᵀ: {_dims(a.T)}, g: {_dims(g)}")


def _linear_2d(node, slot, k, args, out, g, name, lang, names):
    x, w = args[0], args[1]
    X, W = names[0] or "x", names[1] or "W"
    if slot == 2:   # ∂L/∂b[j] = Σₙ g[n,j]
        terms = [[(f"g[{i},{k}]", g[i, k])] for i in range(g.shape[0])]
        return Substitution(f"∂L/∂{name}", f"Σₙ g[n,{k}]", terms,
                            [say(lang, "rows", n=len(terms))])
    r, c = np.unravel_index(k, args[slot].shape)
    if slot == 0:   # ∂L/∂x[n,k] = Σⱼ g[n,j]·W[j,k]
        return _products(name, f"Σⱼ g[{r},j]·{W}[j,{c}]   (g @ {W})", g[r], w[:, c],
                         [(f"g[{r},{j}]", f"{W}[{j},{c}]") for j in range(g.shape[1])],
                         f"g: {_dims(g)}, {W}: {_dims(w)}")
    return _products(name, f"Σₙ g[n,{r}]·{X}[n,{c}]   (gᵀ @ {X})", g[:, r], x[:, c],
                     [(f"g[{i},{r}]", f"{X}[{i},{c}]") for i in range(g.shape[0])],
                     f"gᵀ: {_dims(g.T)}, {X}: {_dims(x)}")


def _dims(a):
    return "×".join(str(n) for n in np.shape(a))


# -- linear in the input: ∂out[j]/∂x[k] from the Function's own forward on e_k -----------------
def _forward(node, args):
    return np.asarray(type(node).forward(type(node)(), *args, **node.options), np.float64)


def _column(node, slot, k, args):
    """∂out/∂x[k] for an operation that is linear (affine) in x: f(e_k) − f(0)."""
    x = np.asarray(args[slot])
    unit, zero = np.zeros(x.shape, x.dtype), np.zeros(x.shape, x.dtype)
    unit.reshape(-1)[k] = 1
    with_unit, with_zero = list(args), list(args)
    with_unit[slot], with_zero[slot] = unit, zero
    return (_forward(node, with_unit) - _forward(node, with_zero)).reshape(-1)


def _maxpool_column(node, k, args):
    """∂out/∂x[k] of max pooling: 1 for the windows whose max is x[k]."""
    x, opts = args[0], node.options
    kernel, stride = opts["kernel_size"], opts["stride"]
    padding, dilation = opts.get("padding", (0, 0)), opts.get("dilation", (1, 1))
    _, arg, _ = C.max_pool2d_array(x, kernel, stride, padding, dilation,
                                   opts.get("ceil_mode", False))
    where = C.max_pool2d_indices(arg, x.shape, kernel, stride, padding, dilation)
    lead = np.unravel_index(k, x.shape)
    plane = lead[-2] * x.shape[-1] + lead[-1]
    column = np.zeros(where.shape)
    column[lead[:-2]] = where[lead[:-2]] == plane
    return column.reshape(-1)


def _max_column(node, k, args):
    """max() and max(dim): 1 (shared among ties for max()) where x[k] is the max."""
    a = np.asarray(args[0], np.float64)
    if isinstance(node, R.MaxAll):
        hits = a == (a.min() if isinstance(node, R.MinAll) else a.max())
        return np.array([hits.reshape(-1)[k] / hits.sum()])
    shape, axis, keepdim = node.info
    if axis is None:
        return np.ones(1)
    idx = node.indices if keepdim else np.expand_dims(node.indices, axis)
    pos = np.unravel_index(k, shape)
    rest = tuple(p if d != axis else 0 for d, p in enumerate(pos))
    column = np.zeros(idx.shape)
    if idx[rest] == pos[axis]:
        column[rest] = 1
    return column.reshape(-1)


def _linear_in_input(node, slot, k, args, out, g, name, lang):
    if isinstance(node, C.MaxPool2d):
        column = _maxpool_column(node, k, args)
    elif isinstance(node, (R.MaxAll, R.MaxDim)):
        column = _max_column(node, k, args)
    else:
        column = _column(node, slot, k, args)
    gg = np.broadcast_to(np.asarray(g, np.float64), np.shape(out)).reshape(-1)
    shape = np.shape(out)
    terms = [[(f"g{index_text(j, shape)}", gg[j]),
              (f"∂out{index_text(j, shape)}/∂x", column[j])] for j in np.flatnonzero(column)]
    rule = "Σⱼ g[j]·∂out[j]/∂x" if len(terms) != 1 else "g · ∂out/∂x"
    note = say(lang, "reaches", name=name.split("∂")[-1], count=len(terms),
               total=int(np.prod(shape)))
    return Substitution(f"∂L/∂{name}", rule, terms, [note])


# -- var and std: each element's own (a − ā), g spread back over the averaged axes ----------
def _spread_back(g, node):
    shape, axes, keepdim = node.info
    g = np.asarray(g, np.float64)
    if not keepdim and shape:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


def _spread_rule(node, slot, k, args, out, g, name, lang):
    centred, dof = np.asarray(node.centred, np.float64), node.dof
    gg = _spread_back(g, node).reshape(-1)[k]
    c = centred.reshape(-1)[k]
    n_note = say(lang, "reduction_n", reduction="n − c", n=num(dof))
    if type(node).__name__ == "Var":
        factors = [("g", gg), ("2(a − ā)", 2 * c), ("1/(n − c)", 1 / dof if dof else np.inf)]
        return Substitution(f"∂L/∂{name}", "g · 2·(a − ā) / (n − c)", [factors], [n_note])
    std = _spread_back(node.std, node).reshape(-1)[k]
    factors = [] if std == 0 else [("g", gg), ("a − ā", c), ("1/((n − c)·out)", 1 / (dof * std))]
    return Substitution(f"∂L/∂{name}", "g · (a − ā) / ((n − c)·out)", [factors] if factors
                        else [], [n_note])


def node_outputs(root):
    """node -> the array it computed in forward, for every node of root's graph."""
    from tinygrad_edu.autograd.engine import topological_order
    outputs = {root.grad_fn: root._data}
    for node in topological_order(root.grad_fn):
        for t in recorded_inputs(node):
            if t is not None and t.grad_fn is not None:
                outputs[t.grad_fn] = t._data
    return outputs


def substitute(node, slot, k, out, g, name, lang="en", names=None):
    """The chain rule with numbers for element k (flat) of input ``slot`` of ``node``:
    a Substitution whose value is ∂L/∂(that element). ``out`` is the node's forward output,
    ``g`` = ∂L/∂out, ``name`` the input's name as shown (an index is appended); ``names``
    (one per input, or None) name the other inputs in the sums of matrix products."""
    names = list(names or []) + [None] * len(node.args)
    args = list(node.args)
    args = [np.asarray(a, np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
            else a for a in args]
    out = np.asarray(out, np.float64)
    g = np.asarray(g, np.float64)
    label = name + index_text(k, np.shape(args[slot]))
    kind = type(node)
    if kind in _FACTORS:
        return _elementwise(node, slot, k, args, out, g, label, _FACTORS, lang)
    if kind in _LOSS_FACTORS:
        return _elementwise(node, slot, k, args, out, g, label, _LOSS_FACTORS, lang)
    if kind in _MORE:
        return _MORE[kind](node, slot, k, args, out, g, label, lang)
    if kind in (LS.CrossEntropyLoss, LS.NLLLoss):
        return _class_loss(node, slot, k, args, out, g, label, lang)
    if kind is LS.SoftCrossEntropyLoss:
        return _soft_ce(node, slot, k, args, out, g, label, lang)
    if kind.__name__ in ("Var", "Std") and hasattr(node, "centred"):
        return _spread_rule(node, slot, k, args, out, g, label, lang)
    if kind is L.MatMul and args[0].ndim == 2 and args[1].ndim == 2:
        return _matmul_2d(node, slot, k, args, out, g, label, lang, names)
    if kind is L.Linear and args[0].ndim == 2:
        return _linear_2d(node, slot, k, args, out, g, label, lang, names)
    return _linear_in_input(node, slot, k, args, out, g, label, lang)
