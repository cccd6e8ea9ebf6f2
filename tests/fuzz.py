"""A differential fuzzer: random programs of 1-4 chained tensor operations, each run on
tinygrad_edu and on real torch (the specification) from the same inputs, compared outcome by
outcome. tests/test_fuzz.py runs a fixed-seed budget in the default test run; ``make fuzz``
runs a long one (``python tests/fuzz.py --help``).

A program is drawn by hypothesis (so a failing program shrinks to a minimal one) and is plain
torch-API source text, e.g.

    a = torch.tensor([[0.5, -1.25], [2.0, 0.75]], dtype=torch.float32, requires_grad=True)
    a1 = a.t()                                  # a non-contiguous view of the leaf
    v1 = torch.softmax(a1, dim=0)
    v2 = v1[[1, 0], ::2]
    out = v2

Drawing it runs each statement on torch as it goes, so every next operation is chosen for the
real shape and dtype of the value before it (mostly valid arguments, sometimes invalid ones:
the error paths are compared too). Inputs are leaves of float32/float64/int64/bool, shaped
0-d, with 0-size dimensions, broadcasting against each other, and sometimes seen through a
non-contiguous view (``.t()``, a transpose, a permute, a slice with a step). Operations may
draw new inputs (a matmul's other operand, a loss's target, an index tensor) or reuse earlier
values. A program is *ordinary* (values from normal/uniform draws, small nonzero integers) or
*extreme* (±1e30, 0, -0.0, nan, ±inf, 1e-30 mixed in); the two are counted apart.

For each statement, in order, the engines must agree on whether it raises (and, if both
raise, on the exception's category: its nearest built-in class), and on the value: type,
shape, dtype, numbers (nan-aware, with tolerances by dtype scaled by the magnitudes in the
program). Then, for programs whose output is a float tensor that requires grad, both engines
backpropagate ``sum(out * P)`` with a fixed NON-uniform pattern P (all-ones upstream hides
softmax and index-order bugs), keeping the gradients of every intermediate value, and every
leaf's and intermediate's ``.grad`` must agree. Each program gives at most one mismatch, the
first: its kind (``KINDS``) and the operation blamed (the statement that first disagrees; for
a gradient, the last statement whose output gradient agrees while an input's does not; a
-0.0 where torch has 0.0 is blamed only when a later inf or nan difference comes from it).
Within one (kind, op) the report separates causes (the detail without its numbers: a bool
matmul and a mixed-dtype matmul are two), and ``shrink`` finds a minimal program for each:
hypothesis searches programs that contain the op and shrinks the first one that shows the
cause, then ``prune`` drops the inputs and statements it does not need.

``ALLOWED`` lists the differences kept on purpose in extreme programs, (kind, op) -> reason.

    python tests/fuzz.py -n 20000 --shrink    # what make fuzz runs (50,000 programs)
    python tests/fuzz.py --focus softmax -n 2000 --examples
    python tests/fuzz.py --replay repro.py    # a printed program, compared again
"""
import argparse
import collections
import math
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

if __name__ == "__main__":  # python tests/fuzz.py: this checkout's package
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tinygrad_edu  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the sibling generator module
import fuzz_ops_canon  # noqa: E402

try:
    import torch
except ImportError:  # the fuzzer needs real torch; test_fuzz.py skips without it
    torch = None

from hypothesis import HealthCheck, Phase, find, given, settings, strategies as st
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import NoSuchExample

KINDS = ("raise-vs-compute", "exception-type", "shape", "dtype", "value", "grad")
MODES = ("ordinary", "extreme")

# Differences between the engines kept on purpose (README "What is deliberately different"):
# (kind, op) -> the one-line reason. Everything else must agree, on any input.
ALLOWED = {
    ("value", "matmul"): "float32 sums of ±inf and ±1e30 products: numpy's accumulation order "
                         "(e.g. -inf) differs from torch's blocked BLAS (nan); README",
    ("value", "layer_norm"): "float32 variance of ±1e30 values overflows: torch's formula "
                             "gives nan, ours inf (so ±0 out, its sign by rounding); like "
                             "matmul's order, README",
    ("value", "linear"): "as matmul's value: sums of ±inf and ±1e30 products in numpy's "
                         "order, not torch's blocked BLAS; README",
    ("value", "mm"): "as matmul's value: sums of ±inf and ±1e30 products in numpy's order, "
                     "not torch's blocked BLAS; README",
    ("value", "gelu"): "exact float32 gelu(+inf): torch's answer depends on its kernel path "
                       "(nan in its vectorised loop, inf for one element or a strided "
                       "tensor); ours is always the limit, inf; README",
    ("grad", "cross_entropy"): "an inf class weight or upstream g: our one-step (softmax − "
                               "one_hot)·g·w gives ±inf where torch's log_softmax backward "
                               "g·w − softmax·Σ g·w gives inf − inf = nan; README",
    ("value", "remainder"): "float32 a % b with a/b beyond float32 (1e12 % 1e-30): torch's "
                            "vectorised fmod gives nan or the exact remainder depending on the "
                            "other numbers in its 8-lane vector; ours is always exact; README",
    ("value", "conv2d"): "a nan or ±inf weight over zero padding: our im2col multiplies the "
                         "padding's zeros (0·inf = nan), torch's convolution skips padded "
                         "positions; README",
    ("grad", "pow"): "a ** n with n beyond float32's integers (2**40) at a negative base: "
                     "torch's sign of n·aⁿ⁻¹ depends on its kernel path (n − 1 kept a double, "
                     "or rounded to an even float32); ours keeps n − 1 exact; and an ∞ slope "
                     "(1 ** inf) times an upstream 0 that is a last-bit residue in one engine "
                     "(see div); README",
    ("grad", "div"): "x·1e30 / x: the gradient of x is the difference of two ~1e31 terms, 0 "
                     "in ours and a last-bit residue (~1e23) in torch, or the reverse; "
                     "rounding, not the formula (torch's (a/b)/b is ours); README",
    ("grad", "log10"): "the same cancellation as div's, then multiplied by log10's slope at "
                       "1e-30 (4e29): ours −0.0, torch's residue overflows to −inf; README",
    ("grad", "add"): "add(alpha=nan) into an empty result: our alpha is a multiply node before "
                     "the add, so it scales the summed (empty: 0) gradient, 0·nan = nan; "
                     "torch scales before summing (nothing: 0); README",
    ("grad", "conv2d"): "as conv2d's value: the padding's zeros times an inf or nan in the "
                        "weight or upstream gradient give nan in our im2col; README",
    ("grad", "std"): "std of numbers that are all equal: (x − mean)/(σ·(n − 1)) is 0/0; "
                     "whether the float32 mean rounds onto the numbers (0, ours) or an ulp off "
                     "(±1/√n·..., torch) depends on the summation order; README",
    ("grad", "layer_norm"): "an inf or ±1e30 weight or input: our textbook (ĝ − mean ĝ − "
                            "x̂·mean(ĝx̂))/σ keeps some ±inf where torch's kernel, which sums "
                            "ĝ·x (not ĝ·x̂), gets inf·0 = nan for the whole row (and with "
                            "1e30 weights the two sums cancel to different residues); README",
}
# ... and the cause (Mismatch.cause) each must have: nothing else of that (kind, op) passes.
ALLOWED_CAUSES = {
    ("value", "matmul"): r"^(nan|inf differs)$",
    ("value", "layer_norm"): r"^(nan|zero sign)$",
    ("value", "gelu"): r"^nan$",
    ("value", "linear"): r"^(nan|inf differs)$",
    ("value", "mm"): r"^(nan|inf differs)$",
    ("grad", "cross_entropy"): r"^(nan|inf differs)$",
    ("grad", "layer_norm"): r"^(nan|inf differs|max abs diff N)$",
    ("value", "remainder"): r"^nan$",
    ("value", "conv2d"): r"^(nan|inf differs)$",
    ("grad", "std"): r"^max abs diff N$",
    ("grad", "pow"): r"^(inf differs|nan)$",
    ("grad", "div"): r"^max abs diff N$",
    ("grad", "log10"): r"^inf differs$",
    ("grad", "add"): r"^nan$",
    ("grad", "conv2d"): r"^(nan|inf differs)$",
}


def allowed(kind, op, cause, mode="extreme"):
    """Whether an extreme-input mismatch of this kind, op and cause is kept on purpose. On
    ordinary inputs nothing is: there the engines must agree."""
    return mode == "extreme" and (kind, op) in ALLOWED and \
        re.search(ALLOWED_CAUSES[(kind, op)], cause) is not None

FLOATS = ("float16", "float32", "float64")
RTOL = {"float16": 1e-2, "float32": 1e-4, "float64": 1e-9}


# -- choices -----------------------------------------------------------------------------------
class Draw:
    """The generator's only source of choices. Every choice is an integer drawn by hypothesis,
    and 0 is always the simplest option, so shrinking a program simplifies it.

    Hypothesis draws boundary values (0 above all) far more often than others: good for
    sizes and dims, but it would make the first operation of the table ten times as common
    as the rest. So a categorical choice (``pick``, ``weighted``) is shifted by an offset
    drawn once per program (0 when that draw is 0: the simplest program picks first options)."""

    def __init__(self, draw):
        self._draw = draw
        self._salt = draw(st.integers(0, 2 ** 32 - 1))
        self._count = 0

    def int(self, lo, hi):
        return self._draw(st.integers(lo, hi))

    def _index(self, n):
        k = self.int(0, n - 1)
        if self._salt:
            self._count += 1
            mixed = ((self._salt + 0x9E3779B9 * self._count) * 0x85EBCA6B) & 0xFFFFFFFF
            k = (k + (mixed >> 8)) % n
        return k

    def pick(self, options):
        options = list(options)
        return options[self._index(len(options))]

    def chance(self, percent):
        """True with about ``percent``% probability (shrinks to False)."""
        return self.int(0, 99) >= 100 - percent

    def weighted(self, table):
        """One key of {key: weight}; the first key is the simplest."""
        k = self._index(sum(table.values()))
        for key, weight in table.items():
            if k < weight:
                return key
            k -= weight
        raise AssertionError


# -- programs ----------------------------------------------------------------------------------
@dataclass
class Input:
    name: str
    array: np.ndarray
    requires_grad: bool

    def source(self):
        a, dtype = self.array, f"torch.{self.array.dtype}"
        grad = ", requires_grad=True" if self.requires_grad else ""
        if a.size == 0:
            return f"{self.name} = torch.zeros({a.shape}, dtype={dtype}{grad})"
        return f"{self.name} = torch.tensor({_literal(a)}, dtype={dtype}{grad})"


def _literal(a):
    if a.ndim == 0:
        v = a.item()
        if a.dtype.kind == "f":
            return str(a.dtype.type(v))  # the shortest text that reads back exactly
        return repr(v)
    return "[" + ", ".join(_literal(x) for x in a) + "]"


@dataclass
class Stmt:
    var: str
    expr: str
    op: str              # the operation, as the report names it
    uses: tuple = ()     # the variables the expression reads

    def source(self):
        return f"{self.var} = {self.expr}  # {self.op}"


@dataclass
class Program:
    mode: str
    inputs: list = field(default_factory=list)
    stmts: list = field(default_factory=list)
    torch_run: object = None  # the Runner that executed it on torch while it was drawn

    def source(self, engine="torch"):
        head = ("import torch" if engine == "torch" else "import tinygrad_edu as torch")
        lines = [head, "F = torch.nn.functional", 'nan, inf = float("nan"), float("inf")']
        lines += [i.source() for i in self.inputs] + [s.source() for s in self.stmts]
        if self.stmts:
            lines.append(f"out = {self.stmts[-1].var}")
        return "\n".join(lines)

    @classmethod
    def from_source(cls, text, mode="ordinary"):
        """The program that ``source()`` printed (to replay a reported repro)."""
        program = cls(mode, torch_run=Runner(torch))
        names = set()
        for line in text.splitlines():
            m = re.match(r"(\w+) = (torch\.(?:tensor|zeros)\(.*\))$", line)
            if m and not program.stmts:
                t = eval(m.group(2), {"torch": torch, "nan": math.nan, "inf": math.inf})
                inp = Input(m.group(1), t.detach().numpy().copy(), t.requires_grad)
                program.inputs.append(inp)
                program.torch_run.add_input(inp)
                names.add(inp.name)
                continue
            m = re.match(r"(\w+) = (.*?)(?:  # (\S+))?$", line)
            if not m or m.group(1) in ("F", "out") or line.startswith(("import", "nan,")):
                continue
            uses = tuple(dict.fromkeys(n for n in re.findall(r"\b(\w+)\b", m.group(2))
                                       if n in names))
            stmt = Stmt(m.group(1), m.group(2), m.group(3) or "?", uses)
            program.stmts.append(stmt)
            if isinstance(program.torch_run.run(stmt), Raised):
                break
            names.add(stmt.var)
        return program

    @property
    def ops(self):
        return [s.op for s in self.stmts]


class Raised:
    """A statement that raised, on one engine."""

    def __init__(self, exc):
        self.exc = exc
        self.category = category(exc)

    def __repr__(self):
        return f"{type(self.exc).__name__}: {str(self.exc)[:200]}"


def category(exc):
    """The exception's nearest built-in class (torch's own errors are RuntimeError
    subclasses; numpy's AxisError is a ValueError)."""
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins":
            return cls.__name__
    return type(exc).__name__


class Runner:
    """Runs a program's statements on one engine, one at a time."""

    _compiled = {}

    def __init__(self, engine):
        self.engine = engine
        self.ns = {"torch": engine, "F": engine.nn.functional, "nan": math.nan,
                   "inf": math.inf}
        self.results = []  # per statement: its value, or Raised
        self.leaves = {}

    def add_input(self, inp):
        t = self.engine.tensor(inp.array.copy(), requires_grad=inp.requires_grad)
        self.ns[inp.name] = self.leaves[inp.name] = t
        return t

    def run(self, stmt):
        code = self._compiled.get(stmt.expr)
        if code is None:
            if len(self._compiled) > 4000:
                self._compiled.clear()
            code = self._compiled[stmt.expr] = compile(stmt.expr, "<fuzz>", "eval")
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = eval(code, self.ns)
        except Exception as e:  # noqa: BLE001 (any exception is an outcome to compare)
            value = Raised(e)
        else:
            self.ns[stmt.var] = value
        self.results.append(value)
        return value


def _is_tensor(x):
    return (torch is not None and isinstance(x, torch.Tensor)) or \
        isinstance(x, tinygrad_edu.Tensor)


def _dtype_name(t):
    return str(t.dtype).replace("torch.", "")


# -- values ------------------------------------------------------------------------------------
# no values near float32's max (3.4e38): sums of those overflow or not by summation order,
# which no two libraries share (1e30 squared overflows float32 in every order)
EXTREME_FLOATS = (0.0, -0.0, math.nan, math.inf, -math.inf, 1e30, -1e30, 1e-30, 1.0, -1.0,
                  0.5, 2.0)
EXTREME_INTS = (0, -1, 1, 2, 2 ** 31, -2 ** 31, 2 ** 40, -2 ** 62)
ORDINARY_NUMBERS = (2, 0.5, -1, 3, -1.5, 2.5, 1, -2, 0.25, True)
EXTREME_NUMBERS = (0, 0.0, -0.0, math.nan, math.inf, -math.inf, 1e30, -1e30, 1e-30, 2 ** 40,
                   False)


def _values(rng, shape, dtype, mode, role):
    """Numbers for a new input. role: 'any', 'positive', 'unit' (0..1), 'prob01' (0..1 with
    exact 0 and 1: hard labels)."""
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype == "int64":
        if mode == "extreme":
            return rng.choice(np.array(EXTREME_INTS, dtype=np.int64), shape)
        v = rng.integers(1, 5, shape) * rng.choice([-1, 1], shape)
        return (np.abs(v) if role != "any" else v).astype(np.int64)
    if role == "positive":
        v = np.abs(rng.standard_normal(shape)) * 2 + 0.1
    elif role == "unit":
        v = rng.uniform(0.05, 0.95, shape)
    elif role == "prob01":
        v = np.where(rng.integers(0, 2, shape) == 1, rng.integers(0, 2, shape) * 1.0,
                     rng.uniform(0.05, 0.95, shape))
    else:
        v = rng.standard_normal(shape) * rng.choice([1.0, 3.0])
    if mode == "extreme":
        special = rng.choice(np.array(EXTREME_FLOATS), shape)
        v = np.where(rng.integers(0, 2, shape) == 1, special, v)
    return np.asarray(v).astype(dtype)


# -- the generator -----------------------------------------------------------------------------
class Stop(Exception):
    """The program ends (torch raised, or the value is not a tensor)."""


NAMES = "abcdefghijklmnopqrstuwxyz"  # the inputs' names (v1, v2, ... are the statements')


class Gen:
    """Draws one program, running it on torch statement by statement."""

    def __init__(self, d, mode):
        self.d, self.mode = d, mode
        self.program = Program(mode)
        self.run = self.program.torch_run = Runner(torch)
        self.tensors = []  # names of the tensor-valued variables so far
        self.n_inputs = 0
        self.n_stmts = 0

    # -- variables -------------------------------------------------------------------------
    def value(self, name):
        return self.run.ns[name]

    def shape(self, name):
        return tuple(self.run.ns[name].shape)

    def dtype(self, name):
        return _dtype_name(self.run.ns[name])

    def emit(self, op, expr, var=None):
        """Add a statement, run it on torch; returns its variable name."""
        self.n_stmts += 1
        var = var or f"v{self.n_stmts}"
        uses = tuple(dict.fromkeys(n for n in re.findall(r"\b([a-z]\d?|v\d+)\b", expr)
                                   if n in self.tensors))
        stmt = Stmt(var, expr, op, uses)
        self.program.stmts.append(stmt)
        value = self.run.run(stmt)
        if isinstance(value, Raised):
            raise Stop
        if _is_tensor(value):
            self.tensors.append(var)
        return var

    def new_input(self, shape, dtype=None, role="any", grad=None, view=True, make=None):
        """A new leaf input (maybe seen through a non-contiguous view): its variable name.
        ``make(rng, shape)``: its numbers, where the role's defaults do not fit (indices)."""
        d = self.d
        dtype = dtype or d.weighted({"float32": 60, "float64": 12, "int64": 16, "bool": 12})
        name = NAMES[self.n_inputs]
        self.n_inputs += 1
        how = d.weighted({"plain": 70, "t": 8, "transpose": 6, "permute": 6, "step": 10}) \
            if view else "plain"
        shape = tuple(shape)
        n = len(shape)
        base, expr = shape, None
        if how in ("t", "transpose") and n >= 2:
            i, j = (0, 1) if how == "t" or n == 2 else (d.int(0, n - 1), d.int(0, n - 1))
            base = list(shape)
            base[i], base[j] = base[j], base[i]
            expr = f"{name}.t()" if how == "t" and n == 2 else f"{name}.transpose({i}, {j})"
        elif how == "permute" and n >= 2:
            perm = list(range(n))
            rot = d.int(1, n - 1)
            perm = perm[rot:] + perm[:rot]  # out dim k is base dim perm[k]
            base = [0] * n
            for k, p in enumerate(perm):
                base[p] = shape[k]
            expr = f"{name}.permute({', '.join(map(str, perm))})"
        elif how == "step" and n >= 1:
            k = d.int(0, n - 1)
            base = list(shape)
            base[k] = shape[k] * 2 - (1 if shape[k] and d.chance(50) else 0)
            expr = f"{name}[{':, ' * k}::2]"
        seed = d.int(0, 2 ** 32 - 1)
        rng = np.random.default_rng([seed, self.n_inputs, MODES.index(self.mode)])
        array = (np.asarray(make(rng, tuple(base)), dtype=dtype) if make else
                 _values(rng, tuple(base), dtype, self.mode, role))
        if grad is None:
            grad = dtype.startswith("float") and d.int(0, 99) < 85
        inp = Input(name, array, bool(grad and dtype.startswith("float")))
        self.program.inputs.append(inp)
        self.run.add_input(inp)
        if expr is None:
            self.tensors.append(name)
            return name
        return self.emit("input-view", expr, var=f"{name}1")

    def number(self, kinds="ifb"):
        """A Python number operand."""
        pool = ORDINARY_NUMBERS if self.mode == "ordinary" else EXTREME_NUMBERS
        pool = [v for v in pool if (type(v) is bool and "b" in kinds) or
                (type(v) is int and "i" in kinds) or (type(v) is float and "f" in kinds)]
        return _num(self.d.pick(pool))

    def threshold(self, x):
        """A number to compare x with (``x < c``): not one that a computed float32 or float16
        value of x lies on or within a few ulps of (tanh saturating at 1.0, say), since the
        engines' libms may round that value to either side and the comparison would flip a
        whole mask. Leaves (the same numbers in both engines) take any number."""
        v = self.value(x)
        candidates = [self.number("if") for _ in range(3)]
        if x in self.run.leaves or v.dtype not in (torch.float32, torch.float16):
            return candidates[0]
        a = v.detach().double().numpy().ravel()
        ulps = 8 * float(np.finfo(np.float32 if v.dtype == torch.float32 else np.float16).eps)
        for c in candidates:
            c_value = float(eval(c, {"nan": math.nan, "inf": math.inf}))
            with np.errstate(invalid="ignore"):
                if not (np.abs(a - c_value) <= ulps * abs(c_value) + 1e-30).any():
                    return c
        return candidates[0]

    # -- shapes ----------------------------------------------------------------------------
    def size(self):
        return self.d.weighted({2: 30, 3: 30, 1: 20, 4: 12, 0: 5, 5: 3})

    def new_shape(self):
        ndim = self.d.weighted({2: 35, 1: 25, 3: 20, 0: 10, 4: 10})
        return tuple(self.size() for _ in range(ndim))

    def related(self, shape):
        """A shape that broadcasts with ``shape`` (mostly), or not."""
        d = self.d
        how = d.weighted({"same": 40, "broadcast": 30, "wider": 10, "scalar": 12, "random": 8})
        if how == "same":
            return shape
        if how == "broadcast":
            keep = d.int(0, len(shape))
            out = list(shape[len(shape) - keep:])
            return tuple(1 if n and d.chance(30) else n for n in out)
        if how == "wider":
            return (d.int(1, 3),) + tuple(1 if d.chance(30) else n for n in shape)
        if how == "scalar":
            return ()
        return self.new_shape()

    def dim(self, ndim, extra=0):
        """A dim for a tensor of ``ndim`` dims (``extra``: more valid values, as unsqueeze);
        now and then out of range."""
        n = max(ndim, 1) + extra
        if self.d.chance(4):
            return self.d.pick([n, -n - 1])
        return self.d.int(-n, n - 1)

    def other(self, x, dtype=None, role="any"):
        """The second operand of a binary operation: an earlier tensor or a new input of a
        related shape and (mostly) the same dtype."""
        d = self.d
        if len(self.tensors) > 1 and d.chance(20):
            return d.pick(self.tensors)
        if dtype is None:
            dtype = self.dtype(x) if d.chance(75) else None
        return self.new_input(self.related(self.shape(x)), dtype, role)

    def operand(self, x, kinds="ifb"):
        """A tensor or a Python number."""
        if self.d.chance(30):
            return self.number(kinds)
        return self.other(x)


def _num(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return "-0.0" if v == 0 and math.copysign(1, v) < 0 else repr(v)
    return repr(v)


# -- operations: each draws one statement on x ---------------------------------------------
def op_unary(g, x, name):
    d = g.d
    forms = {
        "neg": ["-{x}", "torch.neg({x})", "{x}.neg()"],
        "exp": ["{x}.exp()", "torch.exp({x})"],
        "log": ["{x}.log()", "torch.log({x})"],
        "sqrt": ["{x}.sqrt()", "torch.sqrt({x})"],
        "abs": ["{x}.abs()", "torch.abs({x})", "abs({x})"],
        "sigmoid": ["{x}.sigmoid()", "torch.sigmoid({x})", "F.sigmoid({x})"],
        "relu": ["{x}.relu()", "torch.relu({x})", "F.relu({x})"],
        "tanh": ["{x}.tanh()", "torch.tanh({x})", "F.tanh({x})"],
        "pos": ["+{x}"],
        "clone": ["{x}.clone()"],
        "contiguous": ["{x}.contiguous()"],
        "detach": ["{x}.detach()"],
        "invert": ["~{x}"],
    }[name]
    return g.emit(name, d.pick(forms).format(x=x))


def op_clamp(g, x):
    d = g.d
    lo, hi = g.number("if"), g.number("if")
    if g.mode == "ordinary" and d.chance(85):
        a, b = sorted([float(lo), float(hi)])
        lo, hi = _num(a), _num(b if b > a else a + 1)
    form = d.pick(["{x}.clamp({lo}, {hi})", "{x}.clamp(min={lo})", "{x}.clamp(max={hi})",
                   "torch.clamp({x}, {lo}, {hi})", "{x}.clip({lo}, {hi})",
                   "torch.clamp({x}, min={lo}, max={hi})"])
    return g.emit("clamp", form.format(x=x, lo=lo, hi=hi))


def op_cast(g, x):
    form = g.d.pick(["{x}.float()", "{x}.double()", "{x}.long()", "{x}.bool()",
                     "{x}.to(torch.float64)", "{x}.to(torch.float32)", "{x}.to(torch.int64)",
                     "{x}.type(torch.float32)"])
    return g.emit("cast", form.format(x=x))


ARITH = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "remainder": "%",
         "floor_divide": "//"}


def op_arith(g, x, name):
    d = g.d
    sym = ARITH[name]
    y = g.operand(x)
    if name == "pow" and d.chance(50):  # mostly a small exponent
        y = g.d.pick(["2", "3", "0.5", "-1", "0", "1", "-2"]) if g.mode == "ordinary" \
            else g.number()
    if name == "pow" and g.mode == "ordinary" and d.chance(50):
        x = g.emit("abs", f"{x}.abs()")  # a positive base
    form = d.weighted({"op": 45, "rop": 15, "fn": 20, "method": 15, "alpha": 5})
    if form == "rop" and y not in g.tensors:  # number <op> tensor
        return g.emit(name, f"{y} {sym} {x}")
    if form == "fn":
        fn = "pow" if name == "pow" else name
        return g.emit(name, f"torch.{fn}({x}, {y})")
    if form == "method":
        return g.emit(name, f"{x}.{name}({y})")
    if form == "alpha" and name in ("add", "sub"):
        alpha = g.number("if")
        return g.emit(name, f"torch.{name}({x}, {y}, alpha={alpha})"
                      if d.chance(50) else f"{x}.{name}({y}, alpha={alpha})")
    return g.emit(name, f"{x} {sym} {y}")


def op_maximum(g, x, name):
    y = g.other(x)
    short = name[:3]  # torch.max(a, b) is torch.maximum(a, b)
    form = g.d.pick([f"torch.{name}({{x}}, {{y}})", f"torch.{short}({{x}}, {{y}})"])
    return g.emit(name, form.format(x=x, y=y))


def op_compare(g, x):
    d = g.d
    sym = d.pick(["==", "!=", "<", "<=", ">", ">="])
    y = g.operand(x)
    if d.chance(15):
        return g.emit("compare", f"torch.eq({x}, {y})")
    return g.emit("compare", f"{x} {sym} {y}")


def op_logical(g, x):
    d = g.d
    if d.chance(20):
        return g.emit("invert", f"~{x}")
    sym = d.pick(["&", "|", "^"])
    y = g.number("ib") if d.chance(25) else g.other(x, "bool" if d.chance(60) else None)
    return g.emit("logical", f"{x} {sym} {y}")


def op_where(g, x):
    d = g.d
    cond = d.weighted({"cmp": 60, "bool": 25, "int": 8, "float": 7})
    if cond == "cmp":
        c = f"{x} > {g.threshold(x)}"
    else:
        c = g.new_input(g.related(g.shape(x)), {"bool": "bool", "int": "int64",
                                                "float": "float32"}[cond])
    y = g.operand(x, "if")
    if d.chance(50):
        return g.emit("where", f"torch.where({c}, {x}, {y})")
    return g.emit("where", f"torch.where({c}, {y}, {x})")


def op_masked_fill(g, x):
    d = g.d
    kind = d.weighted({"cmp": 55, "bool": 30, "int": 8, "tensor_value": 7})
    if kind == "cmp":
        mask = f"{x} < {g.threshold(x)}"
    else:
        mask = g.new_input(g.related(g.shape(x)), "int64" if kind == "int" else "bool")
    value = g.number()
    if kind == "tensor_value":
        value = f"torch.tensor({value})"
    return g.emit("masked_fill", f"{x}.masked_fill({mask}, {value})")


def op_equal(g, x, name):
    y = g.other(x)
    form = g.d.pick([f"torch.{name}({{x}}, {{y}})", f"{{x}}.{name}({{y}})"])
    return g.emit(name, form.format(x=x, y=y))


def _dims(g, ndim):
    """A dim argument of a reduction: an int, a tuple, a list, or () (all dims)."""
    d = g.d
    how = d.weighted({"int": 60, "tuple": 25, "empty": 8, "list": 7})
    if how == "int":
        return str(g.dim(ndim))
    if how == "empty":
        return "()"
    k = d.int(1, max(ndim, 1))
    dims = [g.dim(ndim) for _ in range(k)]
    if how == "list":
        return str(dims)
    return "(" + ", ".join(map(str, dims)) + ("," if k == 1 else "") + ")"


def op_sum(g, x, name):
    d = g.d
    n = len(g.shape(x))
    if d.chance(25):
        return g.emit(name, d.pick([f"{x}.{name}()", f"torch.{name}({x})"]))
    dims, keep = _dims(g, n), d.pick(["", ", keepdim=True", ", keepdim=False"])
    form = d.pick(["{x}.{f}({dims}{keep})", "torch.{f}({x}, {dims}{keep})",
                   "{x}.{f}(dim={dims}{keep})"])
    return g.emit(name, form.format(x=x, f=name, dims=dims, keep=keep))


def op_var(g, x, name):
    d = g.d
    n = len(g.shape(x))
    args = []
    if d.chance(70):
        dims = _dims(g, n) if d.chance(80) else "None"
        args.append(f"dim={dims}" if dims != "None" and d.chance(30) else dims)
    extra = d.weighted({"": 40, "unbiased": 25, "correction": 25, "keepdim": 10})
    if extra == "unbiased":
        args.append(f"unbiased={d.pick(['True', 'False'])}")
    elif extra == "correction":
        args.append(f"correction={d.pick([0, 1, 2])}")
    if extra == "keepdim" or d.chance(25):
        args.append("keepdim=True")
    a = ", ".join(args)
    form = d.pick(["{x}.{f}({a})", "torch.{f}({x}{ca})"])
    return g.emit(name, form.format(x=x, f=name, a=a, ca=", " + a if a else ""))


def op_max(g, x, name):
    d = g.d
    n = len(g.shape(x))
    if d.chance(30):
        return g.emit(name, d.pick([f"{x}.{name}()", f"torch.{name}({x})"]))
    dim, keep = g.dim(n), d.pick(["", ", keepdim=True"])
    call = d.pick([f"{x}.{name}({dim}{keep})", f"torch.{name}({x}, {dim}{keep})",
                   f"{x}.{name}(dim={dim}{keep})"])
    part = d.pick(["", ".values", ".indices", "[0]", "[1]"])
    return g.emit(name, call + part)


def op_argmax(g, x, name):
    d = g.d
    n = len(g.shape(x))
    if d.chance(30):
        return g.emit(name, d.pick([f"{x}.{name}()", f"torch.{name}({x})"]))
    dim, keep = g.dim(n), d.pick(["", ", keepdim=True"])
    return g.emit(name, d.pick([f"{x}.{name}({dim}{keep})", f"torch.{name}({x}, dim={dim}{keep})"]))


def op_all(g, x, name):
    d = g.d
    n = len(g.shape(x))
    if d.chance(40):
        return g.emit(name, d.pick([f"{x}.{name}()", f"torch.{name}({x})"]))
    return g.emit(name, f"{x}.{name}({g.dim(n)}{d.pick(['', ', keepdim=True'])})")


def op_softmax(g, x, name):
    d = g.d
    n = len(g.shape(x))
    dim = g.dim(n)
    form = d.pick(["{x}.{f}({dim})", "torch.{f}({x}, {dim})", "F.{f}({x}, dim={dim})",
                   "F.{f}({x}, {dim}, dtype=torch.float64)", "{x}.{f}(dim={dim})"])
    return g.emit(name, form.format(x=x, f=name, dim=dim))


def op_matmul(g, x, name):
    d = g.d
    shape = g.shape(x)
    if not shape:
        shape = (d.int(1, 3),)
    inner = shape[-1]
    if d.chance(8):
        inner = d.int(0, 4)  # mismatched inner sizes: an error
    k = g.size()
    yshape = d.weighted({
        "matrix": 40, "vector": 20, "batch": 25, "batch4": 15})
    if yshape == "vector":
        ys = (inner,)
    elif yshape == "matrix":
        ys = (inner, k)
    elif yshape == "batch":
        batch = shape[:-2][-1:] if len(shape) > 2 and d.chance(50) else (d.pick([1, 2, 3]),)
        ys = batch + (inner, k)
    else:
        ys = (d.pick([1, 2]), d.pick([1, 2, 3]), inner, k)
    dtype = g.dtype(x) if d.chance(90) else None
    if d.chance(15):  # the new operand on the left: (..., k, m) @ x
        ys = ys[:-2] + (k, shape[-2] if len(shape) >= 2 else inner) if len(ys) >= 2 else ys
        x, y = g.new_input(ys, dtype), x
    else:
        y = g.new_input(ys, dtype)
    if name == "mm":
        return g.emit("mm", d.pick([f"torch.mm({x}, {y})", f"{x}.mm({y})"]))
    return g.emit("matmul", d.pick([f"{x} @ {y}", f"torch.matmul({x}, {y})",
                                    f"{x}.matmul({y})"]))


def op_linear(g, x):
    d = g.d
    shape = g.shape(x) or (1,)
    out = g.size() or 1
    w = g.new_input((out, shape[-1]), g.dtype(x) if d.chance(90) else None)
    if d.chance(60):
        b = g.new_input((out,), g.dtype(x) if d.chance(90) else None)
        return g.emit("linear", f"F.linear({x}, {w}, {b})")
    return g.emit("linear", f"F.linear({x}, {w})")


def _factor(g, numel):
    """A random shape with ``numel`` elements (maybe a -1 in it)."""
    d = g.d
    dims, left = [], numel
    for _ in range(d.int(0, 3)):
        divisors = [k for k in range(1, 7) if left % k == 0] if left else [0, 1, 2]
        k = d.pick(divisors)
        dims.append(k)
        left = left // k if k else left
    dims.append(left if numel else d.pick([0, 1, 3]))
    if numel and d.chance(40):
        dims[d.int(0, len(dims) - 1)] = -1
    return dims


def op_reshape(g, x, name):
    d = g.d
    shape = g.shape(x)
    numel = math.prod(shape)
    dims = _factor(g, numel)
    if d.chance(8):
        dims = dims + [d.pick([2, -1])] if d.chance(50) else [numel + 1]  # may be invalid
    if d.chance(15):
        dims = [-1]
    args = ", ".join(map(str, dims))
    as_tuple = "(" + args + ("," if len(dims) == 1 else "") + ")"
    if d.chance(10):
        y = g.new_input(tuple(abs(k) for k in dims) if -1 not in dims else (numel,), None)
        return g.emit(name, f"{x}.{name}_as({y})")
    form = d.pick(["{x}.{f}({args})", "{x}.{f}({tup})", "torch.reshape({x}, {tup})"
                   if name == "reshape" else "{x}.view({tup})"])
    return g.emit(name, form.format(x=x, f=name, args=args, tup=as_tuple))


def op_flatten(g, x):
    d = g.d
    n = len(g.shape(x))
    if d.chance(30):
        return g.emit("flatten", d.pick([f"{x}.flatten()", f"torch.flatten({x})"]))
    s = g.dim(n)
    if d.chance(50):
        return g.emit("flatten", f"{x}.flatten({s})")
    e = g.dim(n)
    return g.emit("flatten", d.pick([f"{x}.flatten({s}, {e})",
                                     f"torch.flatten({x}, start_dim={s}, end_dim={e})"]))


def op_squeeze(g, x, name):
    d = g.d
    n = len(g.shape(x))
    if name == "unsqueeze":
        return g.emit(name, d.pick([f"{x}.unsqueeze({g.dim(n, 1)})",
                                    f"torch.unsqueeze({x}, {g.dim(n, 1)})"]))
    if d.chance(30):
        return g.emit(name, f"{x}.squeeze()")
    return g.emit(name, d.pick([f"{x}.squeeze({g.dim(n)})", f"torch.squeeze({x}, {g.dim(n)})"]))


def op_transpose(g, x, name):
    d = g.d
    n = len(g.shape(x))
    if name == "t":
        return g.emit("t", d.pick([f"{x}.t()", f"torch.t({x})", f"{x}.T"]))
    if name == "transpose":
        a, b = g.dim(n), g.dim(n)
        return g.emit(name, d.pick([f"{x}.transpose({a}, {b})", f"torch.transpose({x}, {a}, {b})"]))
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        j = d.int(0, i)
        perm[i], perm[j] = perm[j], perm[i]
    if n and d.chance(20):
        perm[d.int(0, n - 1)] = -1 if d.chance(50) else perm[0]  # negative or duplicate
    if d.chance(5):
        perm = perm[:-1] if perm else [0]
    p = ", ".join(map(str, perm))
    tup = "(" + p + ("," if len(perm) == 1 else "") + ")"
    return g.emit(name, d.pick([f"{x}.permute({p})" if perm else f"{x}.permute()",
                                f"{x}.permute({tup})", f"torch.permute({x}, {tup})"]))


def op_expand(g, x):
    d = g.d
    shape = list(g.shape(x))
    if d.chance(15):
        y = g.new_input((d.int(1, 3),) + tuple(d.int(1, 3) if k == 1 else k for k in shape),
                        None)
        return g.emit("expand", f"{x}.expand_as({y})")
    new = [d.int(1, 3) if k == 1 and d.chance(60) else (-1 if d.chance(30) else k)
           for k in shape]
    lead = [d.pick([1, 2, 3, -1 if d.chance(10) else 2])
            for _ in range(d.int(0 if new else 1, 2))]
    sizes = lead + new
    args = ", ".join(map(str, sizes))
    tup = "(" + args + ("," if len(sizes) == 1 else "") + ")"
    return g.emit("expand", d.pick([f"{x}.expand({args})", f"{x}.expand({tup})"]))


def op_repeat(g, x):
    d = g.d
    n = len(g.shape(x))
    reps = [d.int(1, 3) for _ in range(n + d.int(0, 1))] or [d.int(1, 3)]
    if d.chance(10):
        reps[0] = 0
    if d.chance(5) and len(reps) > 1:
        reps = reps[1:]  # fewer than the dims: an error
    return g.emit("repeat", f"{x}.repeat({', '.join(map(str, reps))})")


def op_cat(g, x, name):
    d = g.d
    shape = g.shape(x)
    n = len(shape)
    dim = g.dim(n + (1 if name == "stack" else 0))
    other = list(shape)
    if name == "cat" and n and d.chance(60):
        k = dim % n if -n <= dim < n else 0
        other[k] = g.size()
    if d.chance(8):
        other = list(g.new_shape())  # mismatched: an error
    y = g.new_input(tuple(other), g.dtype(x) if d.chance(80) else None)
    items = d.pick([f"[{x}, {y}]", f"({x}, {y}, {x})", f"[{y}, {x}]"])
    return g.emit(name, d.pick([f"torch.{name}({items}, dim={dim})",
                                f"torch.{name}({items}, {dim})"]))


def _slice(g, size):
    d = g.d

    def bound():
        return d.pick([None, 0, 1, -1, 2, size, -size, size + 1, -2])

    start = bound() if d.chance(50) else None
    stop = bound() if d.chance(50) else None
    step = None
    if d.chance(40):
        step = d.pick([2, 3, 1, -1, 0]) if d.chance(90) else -2
    text = f"{'' if start is None else start}:{'' if stop is None else stop}"
    return text + (f":{step}" if step is not None else "")


def op_getitem(g, x):
    d = g.d
    shape = g.shape(x)
    n = len(shape)
    parts, pos, ellipsis = [], 0, False
    for _ in range(d.int(1, 3)):
        size = shape[pos] if 0 <= pos < n else 1
        kind = d.weighted({"int": 20, "slice": 25, "none": 8, "ellipsis": 6, "list": 14,
                           "tensor": 10, "mask": 10, "self_mask": 7})
        if kind == "int":
            parts.append(str(d.int(-size, size - 1) if size and d.chance(92)
                             else d.pick([size, -size - 1])))
            pos += 1
        elif kind == "slice":
            parts.append(_slice(g, size))
            pos += 1
        elif kind == "none":
            parts.append("None")
        elif kind == "ellipsis" and not ellipsis:
            parts.append("...")
            ellipsis = True
            pos = max(pos, n - d.int(0, 1))
        elif kind == "list":
            k = d.int(0, 3)
            parts.append(str([d.int(-size, size - 1) if size and d.chance(95) else size
                              for _ in range(k)]))
            pos += 1
        elif kind == "tensor":
            ishape = d.pick([(d.int(1, 3),), (d.int(1, 2), 2), ()])
            valid = size > 0 and d.chance(95)
            parts.append(g.new_input(ishape, "int64", view=False, make=lambda rng, s, n=size,
                                     ok=valid: rng.integers(-n, n, s) if ok else np.full(s, n)))
            pos += 1
        else:  # a bool mask over the next k dims
            k = d.int(1, max(1, n - pos))
            mshape = shape[pos:pos + k]
            if kind == "self_mask" and pos == 0 and n:
                parts.append(f"({x} > 0)" if k >= n else
                             f"({x}[{', '.join(['...'] + ['0'] * (n - k))}] > 0)")
            else:
                if d.chance(6):
                    mshape = tuple(m + 1 for m in mshape)  # wrong shape: an error
                parts.append(g.new_input(mshape, "bool", view=False))
            pos += k
    if len(parts) == 1 and d.chance(50):
        key = parts[0]
    else:
        key = ", ".join(parts)
    return g.emit("getitem", f"{x}[{key}]")


def _reduction(g):
    r = g.d.pick(["default", "mean", "sum", "none"])
    return "" if r == "default" else f", reduction='{r}'"


def op_mse_loss(g, x):
    d = g.d
    shape = g.shape(x)
    y = g.new_input(shape if d.chance(85) else g.related(shape), g.dtype(x) if d.chance(90)
                    else None, grad=d.chance(40))
    return g.emit("mse_loss", f"F.mse_loss({x}, {y}{_reduction(g)})")


def op_bce(g, x, name):
    d = g.d
    shape = g.shape(x)
    dtype = g.dtype(x) if g.dtype(x).startswith("float") else "float32"
    y = g.new_input(shape if d.chance(92) else g.related(shape), dtype,
                    "prob01" if name == "binary_cross_entropy" else "unit", grad=d.chance(30))
    extra = ""
    if d.chance(30):
        w = g.new_input(shape[-1:] if shape and d.chance(50) else shape, dtype, "positive",
                        grad=False, view=False)
        extra += f", weight={w}"
    if name == "binary_cross_entropy_with_logits" and d.chance(30):
        pw = g.new_input(shape[-1:], dtype, "positive", grad=False, view=False)
        extra += f", pos_weight={pw}"
    p = x
    if name == "binary_cross_entropy" and d.chance(75):
        p = f"{x}.sigmoid()"
    return g.emit(name, f"F.{name}({p}, {y}{extra}{_reduction(g)})")


def op_class_loss(g, x, name):
    d = g.d
    shape = g.shape(x)
    n = len(shape)
    dtype = g.dtype(x) if g.dtype(x).startswith("float") else "float32"
    classes = shape[1] if n >= 2 else (shape[0] if n == 1 else 1)
    tshape = (shape[:1] + shape[2:]) if n >= 2 else ()
    probs = name == "cross_entropy" and d.chance(25)
    ignore = d.weighted({"default": 70, "0": 15, "1": 15})
    if probs:
        t = g.new_input(shape, dtype, "unit", grad=d.chance(30))
    else:
        ignored = -100 if ignore == "default" else int(ignore)
        some_ignored, out_of_range = d.chance(30), d.chance(4)

        def targets(rng, s):
            t = rng.integers(0, max(classes, 1), s)
            if some_ignored:  # some targets ignored (maybe all of them)
                t[rng.integers(0, 2, s) == 1] = ignored
            if out_of_range and t.size:
                t.flat[0] = classes  # an error
            return t

        t = g.new_input(tshape, "int64", view=False, make=targets)
    extra = ""
    if d.chance(30):
        w = g.new_input((classes,), dtype, "positive", grad=False, view=False)
        extra += f", weight={w}"
    if ignore != "default":
        extra += f", ignore_index={ignore}"
    if name == "cross_entropy" and d.chance(30):
        extra += f", label_smoothing={d.pick([0.1, 0.25, 0.0])}"
    inp = x
    if name == "nll_loss" and d.chance(70):
        inp = f"F.log_softmax({x}, {1 if n >= 2 else 0})"
    return g.emit(name, f"F.{name}({inp}, {t}{extra}{_reduction(g)})")


def op_conv(g, x, name):
    d = g.d
    shape = g.shape(x)
    if len(shape) not in (3, 4):
        x = g.new_input((d.int(1, 2), d.int(1, 3), d.int(2, 5), d.int(2, 5)), g.dtype(x))
        shape = g.shape(x)
    c, h, w = shape[-3:]
    if name == "conv2d":
        groups = d.pick([1, 1, 1, c]) if c else 1
        kh, kw = d.int(1, 3), d.int(1, 3)
        out = (groups or 1) * d.int(1, 2)
        weight = g.new_input((out, max(c // (groups or 1), 1), kh, kw), g.dtype(x))
        opts = ""
        if d.chance(30):
            opts += f", stride={d.pick([2, (1, 2)])}"
        if d.chance(30):
            opts += f", padding={d.pick([1, (0, 1), 'same'])}"
        if d.chance(15):
            opts += ", dilation=2"
        if groups != 1:
            opts += f", groups={groups}"
        bias = g.new_input((out,), g.dtype(x)) if d.chance(50) else "None"
        return g.emit(name, f"F.conv2d({x}, {weight}, {bias}{opts})")
    k = d.int(1, 3)
    opts = f", {k}"
    if d.chance(40):
        opts += f", stride={d.int(1, 3)}"
    if d.chance(30):
        opts += f", padding={d.int(0, k // 2)}"
    if d.chance(20):
        opts += ", ceil_mode=True"
    if name == "avg_pool2d" and d.chance(20):
        opts += ", count_include_pad=False"
    if name == "max_pool2d" and d.chance(15):
        opts += ", dilation=2"
    return g.emit(name, f"F.{name}({x}{opts})")


def op_dropout(g, x):
    form = g.d.pick(["F.dropout({x}, p=0.0)", "F.dropout({x}, p=1.0)",
                     "F.dropout({x}, 0.5, training=False)"])
    return g.emit("dropout", form.format(x=x))


def op_one_hot(g, x):
    d = g.d
    if g.dtype(x) != "int64" or d.chance(30) or g.value(x).numel() and (
            g.value(x).abs().max() > 10):  # classes, never 2**40 of them
        bad = d.chance(5)
        x = g.new_input(g.related(g.shape(x)), "int64", view=False,
                        make=lambda rng, s: rng.integers(-1 if bad else 0, 6, s))
    n = d.pick(["", ", 5", ", num_classes=6", ", -1"])
    return g.emit("one_hot", f"F.one_hot({x}{n})")


def op_like(g, x, name):
    d = g.d
    form = {"zeros_like": ["torch.zeros_like({x})", "torch.zeros_like({x}, dtype=torch.float64)"],
            "ones_like": ["torch.ones_like({x})", "torch.ones_like({x}, dtype=torch.int64)"],
            "full_like": ["torch.full_like({x}, {v})"],
            "new_zeros": ["{x}.new_zeros({s})", "{x}.new_ones({s})", "{x}.new_full(({s},), {v})"],
            }[name]
    return g.emit(name, d.pick(form).format(x=x, v=g.number(), s=d.int(0, 3)))


def op_create(g, x, form):
    d = g.d

    def size():
        return d.pick([2, 3, 0, 1, -1, 4])

    if form in ("zeros", "ones"):
        dims = [size() for _ in range(d.int(0, 3))]
        dt = d.pick(["", ", dtype=torch.int64", ", dtype=torch.float64", ", dtype=torch.bool"])
        expr = d.pick([f"torch.{form}({', '.join(map(str, dims))}{dt})" if dims else
                       f"torch.{form}((){dt})", f"torch.{form}({tuple(dims)}{dt})"])
    elif form == "full":
        expr = f"torch.full({tuple(size() for _ in range(d.int(0, 2)))}, {g.number()})"
    elif form == "eye":
        expr = f"torch.eye({size()})" if d.chance(50) else f"torch.eye({size()}, {size()})"
    elif form == "arange":
        nums = [d.pick([0, 1, 3, -2, 5, 2.5, 0.5, -1.5]) for _ in range(d.int(1, 3))]
        if len(nums) == 3 and d.chance(15):
            nums[2] = 0  # step 0: an error
        if g.mode == "extreme" and d.chance(30):
            nums[-1] = g.number("f")  # nan, inf, 1e30: errors (never 2**40 numbers)
        expr = f"torch.arange({', '.join(str(v) if not isinstance(v, str) else v for v in nums)})"
    elif form == "linspace":
        start, end, steps = d.pick([0, -1, 2.5]), d.pick([1, 3, -2.0]), d.pick([5, 1, 0, 2])
        expr = f"torch.linspace({start}, {end}, {steps})"
    else:
        vals = [g.number() for _ in range(d.int(0, 4))]
        expr = f"torch.tensor([{', '.join(vals)}])"
    return g.emit(form, expr)


def _bound(fn, *names):
    return {name: (lambda g, x, name=name: fn(g, x, name)) for name in names}


# name -> (weight, generator, float only)
OPS = {}


def _register(weight, fn, names=None, float_only=False):
    for name, gen in (_bound(fn, *names) if names else {fn.__name__[3:]: fn}).items():
        OPS[name] = (weight, gen, float_only)


_register(3, op_unary, ["neg", "abs", "clone", "contiguous", "detach", "pos"])
_register(4, op_unary, ["exp", "log", "sqrt", "sigmoid", "relu", "tanh"], float_only=True)
_register(2, op_unary, ["invert"])
_register(5, op_clamp)
_register(4, op_cast)
_register(7, op_arith, list(ARITH))
_register(3, op_maximum, ["maximum", "minimum"])
_register(6, op_compare)
_register(4, op_logical)
_register(6, op_where)
_register(6, op_masked_fill)
_register(1, op_equal, ["equal", "allclose"])
_register(7, op_sum, ["sum", "mean"])
_register(6, op_var, ["var", "std"], float_only=True)
_register(6, op_max, ["max", "min"])
_register(4, op_argmax, ["argmax", "argmin"])
_register(3, op_all, ["all", "any"])
_register(7, op_softmax, ["softmax", "log_softmax"], float_only=True)
_register(12, op_matmul, ["matmul"])
_register(3, op_matmul, ["mm"])
_register(4, op_linear, float_only=True)
_register(6, op_reshape, ["reshape", "view"])
_register(4, op_flatten)
_register(4, op_squeeze, ["squeeze", "unsqueeze"])
_register(4, op_transpose, ["t", "transpose", "permute"])
_register(5, op_expand)
_register(4, op_repeat)
_register(5, op_cat, ["cat", "stack"])
_register(20, op_getitem)
_register(5, op_mse_loss, float_only=True)
_register(5, op_bce, ["binary_cross_entropy", "binary_cross_entropy_with_logits"],
          float_only=True)
_register(6, op_class_loss, ["cross_entropy", "nll_loss"], float_only=True)
_register(2, op_conv, ["conv2d", "max_pool2d", "avg_pool2d"], float_only=True)
_register(2, op_dropout, float_only=True)
_register(2, op_one_hot)
_register(1, op_like, ["zeros_like", "ones_like", "full_like", "new_zeros"])
_register(1, op_create, ["zeros", "ones", "full", "eye", "tensor", "linspace"])
_register(2, op_create, ["arange"])
fuzz_ops_canon.register(lambda weight, gen, name, float_only=False:
                        OPS.__setitem__(name, (weight, gen, float_only)))


def pick_op(g, x):
    is_float = g.dtype(x).startswith("float")
    table = {name: (w if is_float or not float_only else max(1, w // 4))
             for name, (w, _, float_only) in OPS.items()}
    return g.d.weighted(table)


def build_program(d, mode=None, focus=None, max_steps=4):
    """Draw one program (see the module docstring). ``focus``: an operation that must be in it
    (to find a small example of a known mismatch)."""
    mode = mode or d.weighted({"ordinary": 2, "extreme": 1})
    g = Gen(d, mode)
    n = d.int(1, max_steps)
    focus_at = d.int(0, n - 1) if focus else -1
    try:
        x = g.new_input(g.new_shape())
        for k in range(n):
            name = focus if k == focus_at else pick_op(g, x)
            x = OPS[name][1](g, x)
            if not _is_tensor(g.value(x)):
                break
    except Stop:
        pass
    return g.program


@st.composite
def programs(draw, mode=None, focus=None, max_steps=4):
    return build_program(Draw(draw), mode, focus, max_steps)


# -- comparing ---------------------------------------------------------------------------------
@dataclass
class Mismatch:
    kind: str
    op: str
    detail: str
    program: Program

    @property
    def key(self):
        return (self.program.mode, self.kind, self.op)

    @property
    def cause(self):
        """The detail without its numbers: mismatches of one (kind, op) with different
        causes (a bool matmul, a mixed-dtype matmul) get a minimal program each."""
        d = re.sub(r"^\w+\.grad ", "", self.detail.split("\n")[0])
        d = re.sub(r"-?\d[\d.e+-]*", "N", d)
        d = re.sub(r"\b(Long|Float|Double|Bool|Int|Half|Byte|(float|int|uint)N|bool|float|"
                   r"double|long int|long|int)\b", "T", d)
        if self.kind in ("raise-vs-compute", "exception-type"):  # who, type, message start
            return "; ".join(re.sub(r"^((?:we raise|torch raises) \w+: [^(;]{0,40}).*", r"\1",
                                    part)
                             for part in d.split("; "))
        if self.kind in ("value", "grad"):
            d = re.sub(r":? ours .*| \(then .*", "", d)
        return re.sub(r" at \[[N, ]*\]", "", d)  # nan at [1, 2] and nan at [] alike

    def report(self):
        return (f"[{self.program.mode}] {self.kind} in {self.op}: {self.detail}\n"
                + self.program.source())


def _flat(value):
    if isinstance(value, (tuple, list)) and not isinstance(
            value, (torch.Size, tinygrad_edu.Size)):
        return [x for item in value for x in _flat(item)]
    return [value]


def _numpy(t):
    return t.detach().numpy()


def _scale(tensors):
    """The largest finite magnitude among these tensors' numbers (at least 1)."""
    m = 1.0
    for t in tensors:
        a = _numpy(t)
        if a.dtype.kind == "f" and a.size:
            finite = np.abs(a[np.isfinite(a)])
            if finite.size:
                m = max(m, float(finite.max()))
    return m


def _loosest(tensors):
    names = [_dtype_name(t) for t in tensors if _dtype_name(t) in FLOATS]
    return max(names, key=lambda n: RTOL[n]) if names else "float64"


def close(ours, theirs, rtol, scale, zero_signs=False):
    """nan-aware: same nan and inf positions; finite numbers within rtol·(|x| + scale);
    with ``zero_signs``, -0.0 and 0.0 differ too (1/x, log and sqrt's gradient tell them
    apart)."""
    a, b = _numpy(ours), _numpy(theirs)
    if b.dtype.kind not in "fc":
        return np.array_equal(a, b), "values differ"
    a = a.astype(b.dtype)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if (nan_a != nan_b).any():
        return False, f"nan at {np.argwhere(nan_a != nan_b)[0].tolist()}"
    inf = np.isinf(a) | np.isinf(b)
    if (a[inf] != b[inf]).any():
        return False, f"inf differs at {np.argwhere(inf & (a != b))[0].tolist()}"
    if zero_signs:
        zero = (a == 0) & (b == 0) & (np.signbit(a) != np.signbit(b))
        if zero.any():
            where = np.argwhere(zero)[0].tolist()
            return False, f"zero sign at {where}: ours {a[tuple(where)]}, torch {b[tuple(where)]}"
    ok = ~(nan_a | inf)
    diff = np.abs(a[ok].astype(np.float64) - b[ok])
    bad = diff > rtol * (np.abs(b[ok].astype(np.float64)) + scale)
    if bad.any():
        return False, f"max abs diff {diff.max():.3g}"
    return True, ""


def compare_value(ours, theirs, rtol, scale):
    """(kind, detail) of the first difference between two statement values, or None."""
    o, t = _flat(ours), _flat(theirs)
    if len(o) != len(t):
        return "shape", f"{len(o)} outputs, torch gives {len(t)}"
    for i, (x, y) in enumerate(zip(o, t)):
        if _is_tensor(y) != _is_tensor(x):
            return "shape", f"output {i}: {type(x).__name__}, torch gives {type(y).__name__}"
        if not _is_tensor(y):
            same = (x == y) or (isinstance(x, float) and isinstance(y, float) and
                                math.isnan(x) and math.isnan(y))
            if type(x) is not type(y) and not isinstance(y, (tuple,)):
                return "dtype", f"output {i}: {type(x).__name__} {x!r}, torch gives " \
                                f"{type(y).__name__} {y!r}"
            if not same:
                return "value", f"output {i}: {x!r}, torch gives {y!r}"
            continue
        if tuple(x.shape) != tuple(y.shape):
            return "shape", f"shape {tuple(x.shape)}, torch gives {tuple(y.shape)}"
        if _dtype_name(x) != _dtype_name(y):
            return "dtype", f"dtype {_dtype_name(x)}, torch gives {_dtype_name(y)}"
        ok, why = close(x, y, rtol, scale)
        if not ok:
            return "value", f"{why}: ours {_short(x)}, torch {_short(y)}"
        if x.requires_grad != y.requires_grad and not (
                y.requires_grad and _grad_only_through_floor_divide(y)):
            return "grad", f"requires_grad {x.requires_grad}, torch {y.requires_grad}"
    return None


def _grad_only_through_floor_divide(t):
    """Whether torch's t requires grad only through a floor_divide (a // b of float tensors:
    torch gives it a grad_fn whose backward raises "derivative for aten::floor_divide is not
    implemented"; ours does not require grad). A deliberate difference, README "What is
    deliberately different": not compared. Any other differentiable path to a leaf counts."""
    stack, seen, through = [t.grad_fn], set(), False
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.name() == "torch::autograd::NotImplemented":
            through = True  # floor_divide is the only such op the fuzzer emits
            continue
        if hasattr(node, "variable"):  # AccumulateGrad: a leaf reached by a derivative
            return False
        stack.extend(fn for fn, _ in node.next_functions)
    return through


def _short(t):
    return np.array2string(_numpy(t), threshold=12, precision=5, max_line_width=200)


def pattern(shape, np_dtype):
    """The fixed non-uniform upstream gradient: no zeros, no two neighbours alike."""
    n = math.prod(shape)
    k = np.arange(n)
    p = (1 + (7 * k) % 11) / 4 * np.where(k % 2, -1.0, 1.0)
    return p.reshape(shape).astype(np_dtype)


def compare(program):
    """Run the program on tinygrad_edu, compare with its torch run: a Mismatch or None."""
    theirs, signed_zero = program.torch_run, None
    ours = Runner(tinygrad_edu)
    for inp in program.inputs:
        ours.add_input(inp)
    torch_tensors = list(theirs.leaves.values())
    for r in theirs.results:
        torch_tensors += [x for x in _flat(r) if _is_tensor(x)]
    floats = [t for t in torch_tensors if _dtype_name(t) in FLOATS]
    rtol, scale = RTOL[_loosest(floats)], _scale(floats)
    for i, stmt in enumerate(program.stmts):
        mine, ref = ours.run(stmt), theirs.results[i]
        if isinstance(mine, Raised) or isinstance(ref, Raised):
            if not isinstance(ref, Raised):
                return Mismatch("raise-vs-compute", stmt.op, f"we raise {mine!r}; torch "
                                f"computes", program)
            if not isinstance(mine, Raised):
                return Mismatch("raise-vs-compute", stmt.op, f"torch raises {ref!r}; we "
                                f"compute", program)
            if mine.category != ref.category:
                return Mismatch("exception-type", stmt.op, f"we raise {mine!r}; torch raises "
                                f"{ref!r}", program)
            return None
        diff = compare_value(mine, ref, rtol, scale)
        if diff:
            if diff[0] == "value" and _torch_float32_rounding(program, ours):
                return None
            return _explained(Mismatch(diff[0], stmt.op, diff[1], program), signed_zero)
        if signed_zero is None:
            signed_zero = _zero_signs(stmt, mine, ref)
    found = compare_grads(program, ours, theirs)
    if found and found.kind == "grad" and _torch_float32_rounding(program, ours):
        return None
    return _explained(found, signed_zero)


def _torch_float32_rounding(program, ours):
    """Whether a value or gradient difference in an ordinary float32 program is torch's own
    rounding: run again by torch with its float32 inputs widened to float64, the program
    agrees with ours (within float32's tolerance), or ours is no further from that float64
    answer than torch's float32 answer is (an ill-conditioned step, log1p near -1 say,
    magnifies each engine's last bit alike). E.g. torch's float32 gelu at -3.7 is
    x·½·(1 + erf(x/√2)), which cancels to 3 digits; ours is exact to float32, and 1/gelu then
    shows the difference. Extreme programs are not referred: in float64 ±1e30 products do
    not overflow as they do in float32."""
    if program.mode != "ordinary" or not any(i.array.dtype == np.float32
                                             for i in program.inputs):
        return False
    theirs, wide = program.torch_run, Runner(torch)
    for inp in program.inputs:
        wide.add_input(Input(inp.name, inp.array.astype(np.float64)
                             if inp.array.dtype == np.float32 else inp.array,
                             inp.requires_grad))
    for stmt in program.stmts:
        wide.run(stmt)
    for mine, ref, them in zip(ours.results, wide.results, theirs.results):
        if any(isinstance(r, Raised) for r in (mine, ref, them)):
            return False
        if not _agree_widened(_flat(mine), _flat(ref), _flat(them)):
            return False
    if any(_is_tensor(t) and t.grad is not None for t in ours.leaves.values()):
        try:
            _backward(wide, program.stmts, torch)
        except Exception:  # noqa: BLE001
            return False
        names = list(ours.leaves) + [s.var for s in program.stmts if s.var in ours.ns]
        for name in names:
            grads = [[t.grad for t in _flat(run.ns.get(name)) if _is_tensor(t)]
                     for run in (ours, wide, theirs)]
            if not _agree_widened(*grads):
                return False
    return True


def _agree_widened(mine, ref, theirs):
    """Our values against torch's float64 run ``ref``: same count and shapes, non-floats
    equal, floats within float32's tolerance of ref or at most twice as far from it as
    torch's own float32 values ``theirs`` are (nan and inf where ref or theirs has them)."""
    if not len(mine) == len(ref) == len(theirs):
        return False
    for x, y, z in zip(mine, ref, theirs):
        if (x is None) != (y is None) or _is_tensor(x) != _is_tensor(y):
            return False
        if x is None:
            continue
        if not _is_tensor(y):
            if x != y and not (isinstance(x, float) and math.isnan(x) and math.isnan(y)):
                return False
            continue
        if tuple(x.shape) != tuple(y.shape):
            return False
        if close(x, y, RTOL["float32"], _scale([y]))[0]:
            continue
        a, b = _numpy(x).astype(np.float64), _numpy(y).astype(np.float64)
        c = _numpy(z).astype(np.float64) if _is_tensor(z) and tuple(z.shape) == a.shape \
            else None
        if c is None or a.dtype.kind != "f":
            return False
        fa, fb, fc = np.isfinite(a), np.isfinite(b), np.isfinite(c)
        if ((fa != fb) & (fa != fc)).any():   # an inf or nan neither torch run has (or lacks)
            return False
        ok = fa & fb & fc
        with np.errstate(invalid="ignore"):
            far = np.abs(a[ok] - b[ok]) > 2 * np.abs(c[ok] - b[ok]) + \
                RTOL["float32"] * (np.abs(b[ok]) + _scale([y]))
        if far.any():
            return False
    return True


def _zero_signs(stmt, ours, theirs):
    """(stmt, detail) when the values agree but their zeros' signs do not (-0.0 vs 0.0):
    harmless, unless a later 1/x, pow or gradient turns it into -inf vs inf."""
    for x, y in zip(_flat(ours), _flat(theirs)):
        if _is_tensor(x) and _is_tensor(y) and _dtype_name(y) in FLOATS:
            ok, why = close(x, y, math.inf, math.inf, zero_signs=True)
            if not ok:
                return stmt, why
    return None


def _explained(mismatch, signed_zero):
    """A later inf or nan difference that a statement's signed zero explains is that
    statement's value mismatch."""
    if mismatch and signed_zero and ("inf differs" in mismatch.detail or
                                     "nan at" in mismatch.detail):
        stmt, why = signed_zero
        return Mismatch("value", stmt.op, f"{why} (then {mismatch.kind} in {mismatch.op}: "
                                          f"{mismatch.detail[:120]})", mismatch.program)
    return mismatch


def _backward(runner, stmts, engine):
    """Keep every intermediate's gradient, then backpropagate sum(out * P)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for stmt in stmts:
            for t in _flat(runner.ns.get(stmt.var)):
                if _is_tensor(t) and t.requires_grad:
                    t.retain_grad()
        outs = [t for t in _flat(runner.ns[stmts[-1].var]) if _is_tensor(t) and t.requires_grad]
        loss = sum((t * engine.tensor(pattern(tuple(t.shape), _numpy(t).dtype))).sum()
                   for t in outs)
        loss.backward()


def compare_grads(program, ours, theirs):
    if not program.stmts:
        return None
    last = [t for t in _flat(theirs.ns.get(program.stmts[-1].var)) if _is_tensor(t)]
    if not any(t.requires_grad for t in last):
        return None
    try:
        _backward(theirs, program.stmts, torch)
    except Exception:  # noqa: BLE001 (torch cannot differentiate it: nothing to compare)
        return None
    op = program.stmts[-1].op
    try:
        _backward(ours, program.stmts, tinygrad_edu)
    except Exception as e:  # noqa: BLE001
        return Mismatch("grad", op, f"backward raises {type(e).__name__}: {str(e)[:200]}",
                        program)
    grads = [t.grad for t in theirs.leaves.values() if t.grad is not None]
    for stmt in program.stmts:
        grads += [t.grad for t in _flat(theirs.ns.get(stmt.var))
                  if _is_tensor(t) and t.requires_grad and t.grad is not None]
    # a float64 gradient computed from float32 values is only as exact as float32
    values = [t for t in list(theirs.leaves.values()) + [x for r in theirs.results
                                                         for x in _flat(r) if _is_tensor(x)]
              if _dtype_name(t) in FLOATS]
    rtol = max(RTOL[_loosest(grads)], RTOL[_loosest(values)] if values else 0.0)
    scale = _scale(grads)

    def differs(name):
        a, b = _flat(ours.ns[name]), _flat(theirs.ns[name])
        for x, y in zip(a, b):
            if not _is_tensor(y) or not y.requires_grad:
                continue
            gx, gy = x.grad, y.grad
            if gy is None or gx is None:
                if (gy is None) != (gx is None):
                    return f"{name}.grad is {'None' if gx is None else 'set'}, torch's is " \
                           f"{'None' if gy is None else 'set'}"
                continue
            if tuple(gx.shape) != tuple(gy.shape) or _dtype_name(gx) != _dtype_name(gy):
                return f"{name}.grad {tuple(gx.shape)} {_dtype_name(gx)}, torch's " \
                       f"{tuple(gy.shape)} {_dtype_name(gy)}"
            ok, why = close(gx, gy, rtol, scale)
            if not ok:
                return f"{name}.grad {why}: ours {_short(gx)}, torch {_short(gy)}"
        return None

    # torch's var/std backward quirk and max_pool2d bug (deliberate, below) spread to every
    # gradient upstream
    if any(_torch_var_backward_quirk(stmt, theirs) or _torch_pool_padding_bug(stmt, theirs)
           for stmt in program.stmts):
        return None
    # blame the last statement whose output gradient agrees while an input's does not
    bad = {name: differs(name) for name in list(theirs.leaves) +
           [s.var for s in program.stmts if s.var in theirs.ns]}
    for stmt in reversed(program.stmts):
        if bad.get(stmt.var) is None:
            wrong = [bad[n] for n in stmt.uses if bad.get(n)]
            if wrong:
                return Mismatch("grad", stmt.op, wrong[0], program)
    first = next((why for why in bad.values() if why), None)
    return Mismatch("grad", op, first, program) if first else None


def _torch_pool_padding_bug(stmt, theirs):
    """A max_pool2d window that lies wholly in the padding (dilation makes it possible) gives
    -inf in both engines; torch's CPU backward then sends its gradient to an element outside
    the window (in the next channel's plane), ours to none. Not compared (README "What is
    deliberately different")."""
    if stmt.op != "max_pool2d" or not stmt.uses:
        return False
    out = [t for t in _flat(theirs.ns.get(stmt.var)) if _is_tensor(t)]
    inp = theirs.ns.get(stmt.uses[0])
    return (bool(out) and _is_tensor(inp) and bool(np.isneginf(_numpy(out[0])).any())
            and not np.isneginf(_numpy(inp)).any())


def _torch_var_backward_quirk(stmt, theirs):
    """torch's var/std backward divides by the reduced size minus the correction taken from
    dim as given: with dim=() (forward reduces everything, backward counts 1 element) or no
    degrees of freedom left it gives ±inf where the derivative is finite or undefined. Ours
    follows the forward's count. A deliberate difference (README "What is deliberately
    different"), not compared."""
    if stmt.op not in ("var", "std"):
        return False
    if re.search(r"(\(|, |dim=)\(\)", stmt.expr):
        return True
    out = [t for t in _flat(theirs.ns.get(stmt.var)) if _is_tensor(t)]
    return bool(out) and not np.isfinite(_numpy(out[0])).all()  # n − correction ≤ 0


# -- campaigns ---------------------------------------------------------------------------------
class Summary:
    def __init__(self):
        self.programs = collections.Counter()    # mode -> programs run
        self.raised = collections.Counter()      # mode -> programs that end in a raise (both)
        self.ops = collections.Counter()         # op -> statements run
        self.mismatches = collections.Counter()  # (mode, kind, op) -> count
        self.examples = {}                       # (mode, kind, op) -> first Mismatch
        self.causes = collections.Counter()      # (mode, kind, op, cause) -> count
        self.cause_examples = {}                 # (mode, kind, op, cause) -> first Mismatch
        self.seconds = 0.0

    def add(self, program, mismatch):
        self.programs[program.mode] += 1
        self.ops.update(program.ops)
        if program.torch_run.results and isinstance(program.torch_run.results[-1], Raised):
            self.raised[program.mode] += 1
        if mismatch:
            self.mismatches[mismatch.key] += 1
            self.examples.setdefault(mismatch.key, mismatch)
            cause = mismatch.key + (mismatch.cause,)
            self.causes[cause] += 1
            self.cause_examples.setdefault(cause, mismatch)

    def of(self, mode):
        return {k: n for k, n in self.mismatches.items() if k[0] == mode}

    def unexpected(self):
        """Mismatches the test fails on, by (mode, kind, op, cause): those not kept on purpose
        (ALLOWED, ALLOWED_CAUSES)."""
        return {k: n for k, n in self.causes.items()
                if not allowed(*k[1:], mode=k[0])}

    def report(self, examples=True, causes=False):
        total = sum(self.programs.values())
        lines = [f"fuzz: {total} programs in {self.seconds:.1f} s "
                 f"({total / max(self.seconds, 1e-9):.0f}/s); "
                 + ", ".join(f"{m} {self.programs[m]} ({self.raised[m]} end in an error on "
                             f"both)" for m in MODES)]
        for mode in MODES:
            found = self.of(mode)
            n = sum(found.values())
            lines.append(f"  {mode}: {n} mismatches in {self.programs[mode]} programs")
            by_kind = collections.Counter()
            for (_, kind, _), c in found.items():
                by_kind[kind] += c
            if by_kind:
                lines.append("    by kind: " + ", ".join(f"{k} {by_kind[k]}" for k in KINDS
                                                       if by_kind[k]))
            for (_, kind, op), c in sorted(found.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"    {c:6d}  {kind:17s} {op}")
                if causes:
                    for key, n in sorted(self.causes.items(), key=lambda kv: -kv[1]):
                        if key[:3] == (mode, kind, op):
                            ok = " (allowed)" if allowed(*key[1:], mode=mode) else ""
                            lines.append(f"            {n:6d}  {key[3][:110]}{ok}")
        if examples and self.mismatches:
            lines.append("first example of each (mode, kind, op):")
            for key in sorted(self.examples):
                lines.append("")
                lines.append(self.examples[key].report())
        return "\n".join(lines)


def _settings(n, phases):
    return settings(max_examples=n, phases=phases, deadline=None, database=None,
                    derandomize=True, print_blob=False,
                    suppress_health_check=list(HealthCheck))


def _reset_generators():
    """Programs are drawn while torch runs them: random ops (dropout, rand, randperm) must
    start from the same state whatever ran before in this process, or the programs differ."""
    import random
    random.seed(0)
    np.random.seed(0)
    if torch is not None:
        torch.manual_seed(0)
    tinygrad_edu.manual_seed(0)


def fuzz(n_programs, seed=None, mode=None, focus=None, max_steps=4, progress=False):
    """Run ``n_programs`` random programs (deterministic: hypothesis derandomized, or
    ``seed``; ``mode``: only ordinary or only extreme ones; ``focus``: each program has that
    operation; ``max_steps``: operations per program); returns a Summary."""
    summary = Summary()
    start = time.perf_counter()
    _reset_generators()

    @given(programs(mode, focus, max_steps))
    def one(program):
        try:
            found = compare(program)
        except Exception as e:  # noqa: BLE001 (a bug of the fuzzer's: shown, never hidden)
            found = Mismatch("fuzzer-error", "-", f"{type(e).__name__}: {e}", program)
        summary.add(program, found)
        n = sum(summary.programs.values())
        if progress and n % 1000 == 0:
            print(f"  {n} programs, {sum(summary.mismatches.values())} mismatches, "
                  f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)

    chosen = _settings(n_programs, [Phase.generate])
    if seed is not None:
        chosen = settings(chosen, derandomize=False)
    test = chosen(one)
    if seed is not None:
        test = hypothesis_seed(seed)(test)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        test()
    finally:
        torch.set_num_threads(threads)
    summary.seconds = time.perf_counter() - start
    return summary


def shrink(key, max_examples=2000):
    """A minimal program showing the mismatch ``key`` = (mode, kind, op) or (mode, kind, op,
    cause): hypothesis searches programs that contain the op, then shrinks the first one
    with that mismatch. None when none is found."""
    mode, kind, op = key[:3]
    focus = op if op in OPS else None

    def shows(program):
        try:
            m = compare(program)
        except Exception:  # noqa: BLE001
            return False
        return m is not None and (m.key + (m.cause,))[:len(key)] == tuple(key)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = find(programs(mode, focus), shows,
                           settings=settings(_settings(max_examples, list(Phase)),
                                             max_examples=max_examples))
    except NoSuchExample:
        return None
    return prune(_rerun(program), key)


def _signature(mismatch, n):
    return mismatch and (mismatch.key + (mismatch.cause,))[:n]


def prune(found, key):
    """Drop the inputs and statements the mismatch does not need (hypothesis cannot: every
    program starts from one input, which a creation op then ignores)."""
    if found is None:
        return None
    program = found.program
    while True:
        for k in range(len(program.inputs) + len(program.stmts) - 1, -1, -1):
            inputs, stmts = list(program.inputs), list(program.stmts)
            name = (inputs.pop(k) if k < len(inputs) else stmts.pop(k - len(inputs)))
            name = getattr(name, "name", None) or name.var
            if not stmts or any(re.search(rf"\b{name}\b", s.expr) for s in stmts):
                continue
            try:
                again = _rerun(Program(program.mode, inputs, stmts))
            except Exception:  # noqa: BLE001
                continue
            if _signature(again, len(key)) == tuple(key):
                found, program = again, again.program
                break
        else:
            return found


def _rerun(program):
    """The mismatch of a program drawn again (its torch run is fresh)."""
    fresh = Program(program.mode, program.inputs, program.stmts, Runner(torch))
    for inp in fresh.inputs:
        fresh.torch_run.add_input(inp)
    for stmt in fresh.stmts:
        if isinstance(fresh.torch_run.run(stmt), Raised):
            break
    return compare(fresh)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Differential fuzzing of tinygrad_edu "
                                                 "against torch.")
    parser.add_argument("-n", "--programs", type=int,
                        default=int(os.environ.get("FUZZ_PROGRAMS", 50_000)),
                        help="how many programs (default: FUZZ_PROGRAMS or 50,000)")
    parser.add_argument("--seed", type=int, default=None,
                        help="a hypothesis seed (default: derandomized, as in CI)")
    parser.add_argument("--mode", choices=MODES, default=None)
    parser.add_argument("--shrink", action="store_true",
                        help="then find a minimal program for each (mode, kind, op, "
                             "cause)")
    parser.add_argument("--focus", choices=sorted(OPS), default=None, metavar="OP",
                        help="every program uses this operation (one of: "
                        + ", ".join(sorted(OPS)) + ")")
    parser.add_argument("--examples", action="store_true",
                        help="print the first program of each (mode, kind, op)")
    parser.add_argument("--coverage", action="store_true",
                        help="print how many statements of each operation ran")
    parser.add_argument("--replay", metavar="FILE",
                        help="compare the program in FILE (a printed repro) and exit")
    args = parser.parse_args(argv)
    if args.replay:
        with open(args.replay) as fh:
            found = compare(Program.from_source(fh.read(), args.mode or "ordinary"))
        print(found.report() if found else "the engines agree")
        return 1 if found else 0
    summary = fuzz(args.programs, args.seed, args.mode, args.focus, progress=True)
    print(summary.report(examples=args.examples, causes=True), flush=True)
    if args.coverage:
        print("statements run, by operation:")
        print("  " + ", ".join(f"{op} {summary.ops[op]}" for op in sorted(
            set(OPS) | set(summary.ops), key=lambda op: -summary.ops[op])))
    if args.shrink:
        print("\nminimal programs, one for each (mode, kind, op, cause):")
        for key in sorted(summary.causes):
            found = shrink(key) or summary.cause_examples[key]
            print(f"\n{found.report()}", flush=True)
    return 1 if summary.unexpected() else 0


if __name__ == "__main__":
    sys.exit(main())
