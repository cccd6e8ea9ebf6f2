"""Specs: how a test describes an operation once, for every engine and dtype: a ``Case`` (its
function, written against the torch API, and its inputs) and the inputs' specs. Torch-free
(the gradcheck and coverage tests run without torch); ``parity.py`` and ``cases.py`` build on
it.

A spec is one of
  - a shape tuple: random numbers of the run's dtype that require grad (standard normal, or
    uniform in [low, high) when the test gives a range);
  - a spec object with ``sample(rng, dtype)`` (``uniform``, ``signed``, ``distinct``,
    ``probs``, ``weights``, ``const`` below), for a range of its own;
  - ``fixed(array)``: a tensor that never requires grad (a target, a constant);
  - an ndarray: itself (class indices, an exact float input);
  - anything else (a Python number, a list, None): passed to the function unchanged.
"""
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np


@dataclass(frozen=True)
class Case:
    """One entry of the case table (cases.py)."""
    name: str
    fn: Callable            # fn(torch, *tensors): the torch API, run on either engine
    inputs: tuple           # the specs below, one per argument after ``torch``
    low: Optional[float] = None   # range of every plain shape input (default: standard normal)
    high: Optional[float] = None
    tol: Optional[tuple] = None   # (rtol, atol) of the float32 parity check where rounding
    #                               piles up (convolutions); float64 keeps the tight default
    grad_fn: bool = True    # compare grad_fn names with torch's (False: torch's last node
    #                         differs, e.g. a copy after a broadcast batch matmul)
    gradcheck: bool = True  # False only where float32 rounding makes finite differences moot
    seed: int = 0

    def __repr__(self):
        return f"Case({self.name})"


def C(name, fn, *inputs, **options):
    """A Case, briefly: ``C("add", lambda torch, a, b: a + b, (3, 1), (4,))``."""
    return Case(name, fn, inputs, **options)


def F(torch):
    """torch.nn.functional of either engine."""
    return torch.nn.functional


class fixed:
    """An input that is a tensor on both engines but never requires grad (a loss weight, a
    constant), even when it holds floats: ``check_parity(fn, [(3,), fixed(w)])``."""

    def __init__(self, array):
        self.array = np.asarray(array)


class uniform:
    """Random numbers uniform in [low, high) that require grad: a denominator, a log's
    argument, a probability."""

    def __init__(self, *shape, low, high):
        self.shape, self.low, self.high = shape, low, high

    def sample(self, rng, dtype):
        return rng.uniform(self.low, self.high, self.shape).astype(dtype)


class signed(uniform):
    """|x| uniform in [low, high) with a random sign: no kink of abs/relu/clamp nearby."""

    def __init__(self, *shape, low=0.2, high=2.0):
        super().__init__(*shape, low=low, high=high)

    def sample(self, rng, dtype):
        size = super().sample(rng, dtype)
        return (size * rng.choice([-1.0, 1.0], self.shape)).astype(dtype)


class distinct:
    """A random permutation of well-separated numbers: max/min/pooling have no ties."""

    def __init__(self, *shape, step=0.37):
        self.shape, self.step = shape, step

    def sample(self, rng, dtype):
        n = int(np.prod(self.shape))
        return ((rng.permutation(n) - n / 2) * self.step).reshape(self.shape).astype(dtype)


class probs:
    """Rows of class probabilities along ``dim`` (each sums to 1), requiring grad: soft
    targets of cross-entropy."""

    def __init__(self, *shape, dim=-1):
        self.shape, self.dim = shape, dim

    def sample(self, rng, dtype):
        e = np.exp(rng.standard_normal(self.shape))
        return (e / e.sum(self.dim, keepdims=True)).astype(dtype)


class weights(uniform):
    """Fixed positive numbers of the run's float dtype (class weights, pos_weight)."""

    def __init__(self, *shape, low=0.5, high=2.0):
        super().__init__(*shape, low=low, high=high)

    def sample(self, rng, dtype):
        return fixed(super().sample(rng, dtype))


class const:
    """Fixed numbers (a hard target, a constant) in the run's float dtype, never requiring
    grad: ``const([[0.0], [1.0]])``."""

    def __init__(self, values):
        self.values = values

    def sample(self, rng, dtype):
        return fixed(np.asarray(self.values, dtype=dtype))


def make_inputs(specs, dtype=np.float32, low=None, high=None, seed=0):
    """Turn specs into NumPy arrays (see the module docstring): shape tuples and spec objects
    are drawn from one generator seeded with ``seed``; everything else is passed on."""
    rng = np.random.default_rng(seed)
    out = []
    for spec in specs:
        if isinstance(spec, tuple):
            arr = rng.standard_normal(spec) if low is None else rng.uniform(low, high, spec)
            out.append(np.asarray(arr, dtype=dtype))
        elif hasattr(spec, "sample"):
            out.append(spec.sample(rng, dtype))
        else:
            out.append(spec)
    return out


def make_tensors(engine, arrays, grad=True):
    """The engine's tensors for ``make_inputs``' arrays: float arrays require grad (when
    ``grad``), ``fixed`` arrays and integer arrays never do; other values pass unchanged."""
    made = []
    for a in arrays:
        if isinstance(a, np.ndarray):
            made.append(engine.tensor(a.copy(), requires_grad=grad and a.dtype.kind == "f"))
        elif isinstance(a, fixed):
            made.append(engine.tensor(a.array.copy()))
        else:
            made.append(a)
    return made
