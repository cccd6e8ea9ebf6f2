"""The fuzzer's generators for the canon ops (tests/fuzz.py imports this and calls
``register(fuzz._register)``): elementwise math, more reductions, ordering and indexing, and a
few nn.functional calls. Each generator draws one statement on ``x`` through the generator
``g`` (see ``fuzz.Gen``), in the style of fuzz.py's own ``op_*`` functions."""
import numpy as np

UNARY = {
    name: [f"{{x}}.{name}()", f"torch.{name}({{x}})"]
    for name in ("sin", "cos", "tan", "sinh", "cosh", "asin", "acos", "atan", "log10", "log2",
                 "log1p", "expm1", "sign", "floor", "ceil", "round", "trunc", "isnan",
                 "isinf", "isfinite")
}
FLOAT_UNARY = ("sin", "cos", "tan", "sinh", "cosh", "asin", "acos", "atan", "log10", "log2",
               "log1p", "expm1")
ANY_UNARY = ("sign", "floor", "ceil", "round", "trunc", "isnan", "isinf", "isfinite")


def op_unary_canon(g, x, name):
    if name == "tan" and x not in g.run.leaves and g.dtype(x) in ("float32", "float16"):
        v = g.value(x).detach().abs()
        if v.numel() and bool((v[v.isfinite()] > 1.4).any()):
            # tan's slope 1 + tan² magnifies a last-bit difference in a computed input (two
            # libms' exp, say, at 585 rad) past any tolerance: tan takes such inputs from
            # leaves only, and a computed one goes to sin instead
            name = "sin"
    return g.emit(name, g.d.pick(UNARY[name]).format(x=x))


def _keep(g):
    return g.d.pick(["", ", keepdim=True", ", keepdim=False"])


def op_prod(g, x):
    d = g.d
    n = len(g.shape(x))
    if d.chance(30):
        return g.emit("prod", d.pick([f"{x}.prod()", f"torch.prod({x})"]))
    dim, keep = g.dim(n), _keep(g)
    return g.emit("prod", d.pick([f"{x}.prod({dim}{keep})", f"torch.prod({x}, {dim}{keep})",
                                  f"{x}.prod(dim={dim}{keep})"]))


def op_logsumexp(g, x):
    d = g.d
    dim, keep = g.dim(len(g.shape(x))), _keep(g)
    return g.emit("logsumexp", d.pick([f"{x}.logsumexp({dim}{keep})",
                                       f"torch.logsumexp({x}, {dim}{keep})",
                                       f"torch.logsumexp({x}, dim={dim}{keep})"]))


def op_cumsum(g, x):
    d = g.d
    dim = g.dim(len(g.shape(x)))
    return g.emit("cumsum", d.pick([f"{x}.cumsum({dim})", f"torch.cumsum({x}, {dim})",
                                    f"torch.cumsum({x}, dim={dim})"]))


def op_norm(g, x):
    d = g.d
    n = len(g.shape(x))
    p = d.pick(["2", "1", "inf"])
    if d.chance(30):
        return g.emit("norm", d.pick([f"{x}.norm()", f"torch.norm({x})", f"{x}.norm({p})",
                                      f"{x}.norm(p={p})"]))
    dim, keep = g.dim(n), d.pick(["", ", keepdim=True"])
    return g.emit("norm", d.pick([f"{x}.norm({p}, {dim}{keep})",
                                  f"torch.norm({x}, p={p}, dim={dim}{keep})",
                                  f"{x}.norm(p={p}, dim={dim}{keep})"]))


def op_sort(g, x, name):
    d = g.d
    n = len(g.shape(x))
    dim = g.dim(n)
    desc = d.pick(["", ", descending=True", ", descending=False"])
    if name == "argsort":
        return g.emit(name, d.pick([f"{x}.argsort(dim={dim}{desc}, stable=True)",
                                    f"torch.argsort({x}, dim={dim}{desc}, stable=True)"]))
    call = d.pick([f"{x}.sort(dim={dim}{desc}, stable=True)",
                   f"torch.sort({x}, dim={dim}{desc}, stable=True)",
                   f"torch.sort({x}, stable=True, dim={dim}{desc})"])
    return g.emit(name, call + d.pick([".values", ".indices", "[0]", "[1]"]))


def _distinct(rng, shape):
    """Float numbers without ties (topk's order among ties is not specified)."""
    size = int(np.prod(shape))
    return (rng.permutation(size).reshape(shape) * 0.5 - size / 4).astype(np.float64)


def op_topk(g, x):
    d = g.d
    shape = g.shape(x)
    # a fresh input of distinct floats: with ties, which index torch picks is unspecified
    x = g.new_input(shape or (), d.pick(["float32", "float64"]), make=_distinct)
    n = len(shape)
    dim = g.dim(n)
    size = shape[dim] if n and -n <= dim < n else 1
    k = d.int(0, size) if d.chance(95) else size + 1
    opts = d.pick(["", ", largest=False", ", sorted=True"])
    call = d.pick([f"{x}.topk({k}, dim={dim}{opts})", f"torch.topk({x}, {k}, {dim}{opts})"])
    return g.emit("topk", call + d.pick([".values", ".indices", "[0]", "[1]"]))


def _index(g, shape, size):
    valid = size > 0 and g.d.chance(95)
    return g.new_input(shape, "int64", view=False, make=lambda rng, s: (
        rng.integers(0, size, s) if valid else np.full(s, size)))


def op_gather(g, x):
    d = g.d
    shape = g.shape(x)
    n = len(shape)
    dim = g.dim(n)
    k = dim % n if n and -n <= dim < n else 0
    size = shape[k] if n else 1
    ishape = tuple(d.int(1, 3) if i == k else d.int(min(1, m), m) for i, m in enumerate(shape))
    idx = _index(g, ishape, size)
    return g.emit("gather", d.pick([f"{x}.gather({dim}, {idx})",
                                    f"torch.gather({x}, {dim}, {idx})",
                                    f"torch.gather({x}, dim={dim}, index={idx})"]))


def op_index_select(g, x):
    d = g.d
    shape = g.shape(x)
    n = len(shape)
    dim = g.dim(n)
    size = shape[dim] if n and -n <= dim < n else 1
    idx = _index(g, (d.int(0, 4),), size)
    return g.emit("index_select", d.pick([f"{x}.index_select({dim}, {idx})",
                                          f"torch.index_select({x}, {dim}, {idx})"]))


def op_tri(g, x, name):
    d = g.d
    diag = d.pick([0, 1, -1, 2, -2])
    return g.emit(name, d.pick([f"{x}.{name}()", f"torch.{name}({x})",
                                f"{x}.{name}({diag})", f"torch.{name}({x}, diagonal={diag})"]))


def op_roll(g, x):
    d = g.d
    n = len(g.shape(x))
    s = d.pick([1, -1, 2, 0, 5])
    if d.chance(25):
        return g.emit("roll", f"{x}.roll({s})")  # flattened
    if d.chance(30) and n >= 2:
        a, b = g.dim(n), g.dim(n)
        return g.emit("roll", f"torch.roll({x}, ({s}, {d.pick([1, -2])}), ({a}, {b}))")
    dim = g.dim(n)
    return g.emit("roll", d.pick([f"{x}.roll({s}, {dim})", f"torch.roll({x}, {s}, dims={dim})",
                                  f"torch.roll({x}, shifts={s}, dims={dim})"]))


def op_split(g, x, name):
    d = g.d
    dim = g.dim(len(g.shape(x)))
    k = d.pick([1, 2, 3])
    part = d.pick(["[0]", "[-1]"])
    return g.emit(name, d.pick([f"{x}.{name}({k}, {dim}){part}",
                                f"torch.{name}({x}, {k}, dim={dim}){part}"]))


def op_vecmat(g, x, name):
    d = g.d
    shape = g.shape(x)
    want = {"dot": 1, "mv": 2, "bmm": 3}[name]
    if len(shape) != want and d.chance(90):
        x = g.new_input(tuple(g.size() for _ in range(want)),
                        g.dtype(x) if d.chance(80) else None)
        shape = g.shape(x)
    dtype = g.dtype(x) if d.chance(90) else None
    inner = shape[-1] if shape else 1
    if d.chance(6):
        inner += 1  # mismatched sizes: an error
    if name == "dot":
        y = g.new_input((inner,), dtype)
    elif name == "mv":
        y = g.new_input((inner,), dtype)
    else:
        batch = shape[0] if len(shape) == 3 else 1
        y = g.new_input((batch, inner, g.size()), dtype)
    return g.emit(name, d.pick([f"torch.{name}({x}, {y})", f"{x}.{name}({y})"]))


def op_gelu(g, x):
    forms = ["F.gelu({x})", "F.gelu({x}, approximate='tanh')", "F.gelu({x}, approximate='none')"]
    form = g.d.pick(forms)
    return g.emit("gelu", form.format(x=x))


def op_leaky_relu(g, x):
    form = g.d.pick(["F.leaky_relu({x})", "F.leaky_relu({x}, 0.2)",
                     "F.leaky_relu({x}, negative_slope=0.1)"])
    return g.emit("leaky_relu", form.format(x=x))


def op_layer_norm(g, x):
    d = g.d
    shape = g.shape(x)
    last = shape[-1:] if shape else (1,)
    dtype = g.dtype(x) if d.chance(90) else "float32"
    extra = ""
    if d.chance(50):
        extra += f", {g.new_input(last, dtype)}"
        if d.chance(60):
            extra += f", {g.new_input(last, dtype)}"
    if d.chance(20):
        extra += ", eps=1e-3"
    return g.emit("layer_norm", f"F.layer_norm({x}, {tuple(last)}{extra})")


def op_l1_loss(g, x):
    d = g.d
    shape = g.shape(x)
    y = g.new_input(shape if d.chance(85) else g.related(shape),
                    g.dtype(x) if d.chance(90) else None, grad=d.chance(40))
    r = d.pick(["", ", reduction='mean'", ", reduction='sum'", ", reduction='none'"])
    return g.emit("l1_loss", f"F.l1_loss({x}, {y}{r})")


def op_pad(g, x):
    d = g.d
    n = len(g.shape(x))
    pads = [d.pick([0, 1, 2, -1]) for _ in range(2 * d.int(1, max(1, min(n, 2))))]
    value = d.pick(["", ", value=0.5", ", value=-1.0", ", mode='constant'"])
    return g.emit("pad", f"F.pad({x}, {tuple(pads)}{value})")


def op_embedding(g, x):
    d = g.d
    num, dim = d.int(1, 5), g.size()
    w = g.new_input((num, dim), d.pick(["float32", "float64"]))
    ishape = g.shape(x) if g.dtype(x) == "int64" and len(g.shape(x)) <= 2 else \
        tuple(d.int(0, 3) for _ in range(d.int(0, 2)))
    idx = _index(g, ishape, num)
    return g.emit("embedding", f"F.embedding({idx}, {w})")


def register(reg):
    """Add these generators to fuzz.OPS through its ``_register``."""
    def bound(fn, names):
        return [(name, (lambda g, x, name=name: fn(g, x, name))) for name in names]

    for name, gen in bound(op_unary_canon, FLOAT_UNARY):
        reg(2, gen, name, float_only=True)
    for name, gen in bound(op_unary_canon, ANY_UNARY):
        reg(1, gen, name)
    reg(3, op_prod, "prod")
    reg(3, op_logsumexp, "logsumexp", float_only=True)
    reg(3, op_cumsum, "cumsum")
    reg(3, op_norm, "norm", float_only=True)
    for name, gen in bound(op_sort, ["sort", "argsort"]):
        reg(2, gen, name)
    reg(2, op_topk, "topk")
    reg(3, op_gather, "gather")
    reg(2, op_index_select, "index_select")
    for name, gen in bound(op_tri, ["tril", "triu"]):
        reg(2, gen, name)
    reg(2, op_roll, "roll")
    for name, gen in bound(op_split, ["split", "chunk"]):
        reg(2, gen, name)
    for name, gen in bound(op_vecmat, ["dot", "mv", "bmm"]):
        reg(2, gen, name)
    reg(2, op_gelu, "gelu", float_only=True)
    reg(2, op_leaky_relu, "leaky_relu", float_only=True)
    reg(3, op_layer_norm, "layer_norm", float_only=True)
    reg(3, op_l1_loss, "l1_loss", float_only=True)
    reg(3, op_pad, "pad")
    reg(2, op_embedding, "embedding")
