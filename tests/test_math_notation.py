"""Every Function states its math once, in one notation (issue: the engine reads like a
textbook): ``out = …`` for forward, ``∂out/∂a = …`` without g for the local derivative, and
``∂L/∂a = g …`` for the rule backward applies. The docstring and the stepper show that text."""
import collections
import os
import re

import pytest

import tinygrad_edu
import tinygrad_edu.ops  # noqa: F401  (loads every Function class)
from tinygrad_edu.autograd.function import Function, Math
from tinygrad_edu.out_argument import WITH_OUT

PACKAGE = os.path.dirname(tinygrad_edu.__file__)


def all_functions():
    found, stack = [], list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("tinygrad_edu.") and cls.__module__ != (
                "tinygrad_edu.autograd.custom"):   # the base of users' own Functions
            found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


FUNCTIONS = all_functions()
G = re.compile(r"(?<![A-Za-z_])g(?![A-Za-z_])")  # g as a symbol, not inside a word like "log"


def test_the_package_has_its_functions():
    assert len(FUNCTIONS) >= 45
    assert {"Sigmoid", "MatMul", "Linear", "CrossEntropyLoss", "Conv2d"} <= {
        c.__name__ for c in FUNCTIONS}


@pytest.mark.parametrize("cls", FUNCTIONS, ids=lambda c: c.__name__)
def test_every_function_states_forward_local_and_rule(cls):
    math = cls.math
    assert isinstance(math, Math), f"{cls.__name__} has no math = Math.of(forward, local, rule)"
    assert math.forward.startswith("out = "), math.forward
    assert math.local and math.rule
    for line in math.local:
        assert line.startswith("∂out"), f"{cls.__name__}: local derivative {line!r}"
        assert not G.search(line), f"{cls.__name__}: the local derivative {line!r} contains g"
    for line in math.rule:
        assert line.startswith("∂L/∂"), f"{cls.__name__}: rule {line!r}"
        assert G.search(line) or "slice of g" in line, f"{cls.__name__}: rule {line!r} lacks g"


@pytest.mark.parametrize("cls", FUNCTIONS, ids=lambda c: c.__name__)
def test_the_docstring_shows_the_same_math(cls):
    for line in (cls.math.forward,) + cls.math.local + cls.math.rule:
        assert line in cls.__doc__


def test_the_g_detector_tells_the_notations_apart():
    assert G.search("∂L/∂a = g · out·(1 − out)")
    assert not G.search("∂out/∂a = 1/a") and not G.search("out = ln a, log, sigma")
    assert G.search("∂σ(a)/∂a = g·σ(a)·(1-σ(a))")  # the old, mixed notation would fail


def test_one_sigmoid_in_the_book():
    """The example of the issue, word for word."""
    from tinygrad_edu.ops.activation_ops import Sigmoid
    assert Sigmoid.math.local == ("∂out/∂a = out·(1 − out)",)
    assert Sigmoid.math.rule == ("∂L/∂a = g · out·(1 − out)",)


def test_file_names_are_unique_so_grep_is_unambiguous():
    names = collections.Counter()
    for root, _, files in os.walk(PACKAGE):
        names.update(f for f in files if f.endswith(".py") and f != "__init__.py")
    assert [n for n, k in names.items() if k > 1] == []


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "exp", "log", "sum", "mean",
                                  "max", "softmax", "reshape", "matmul"])
def test_torch_functions_are_the_tensor_methods(name):
    """torch.sigmoid is Tensor.sigmoid: from torch.xxx it is one jump to the method, a second
    to the Function (torch.matmul, which also takes out=, wraps the method: out_argument.py)."""
    function = getattr(tinygrad_edu, name)
    if name in WITH_OUT:
        function = function.__wrapped__
    assert function is getattr(tinygrad_edu.Tensor, name)


def test_ops_hold_only_math():
    """No torch names and no error messages inside forward/backward: those live at the
    boundary (checks.py, grad_fn_names.py, the Tensor methods, nn.functional)."""
    for cls in FUNCTIONS:
        for part in ("forward", "backward"):
            source = _source(getattr(cls, part))
            assert "torch_name" not in source, f"{cls.__name__}.{part} sets a torch name"
            assert "raise " not in source, f"{cls.__name__}.{part} checks arguments"


def _source(fn):
    import inspect
    return inspect.getsource(fn)


# -- read from the shared case table: every node of every case states its math ----------------
from cases import CASES, nodes_of  # noqa: E402


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_node_of_every_case_has_its_math(case):
    for node in nodes_of(case):
        math = type(node).math
        assert isinstance(math, Math), f"{case.name}: {type(node).__name__} has no math"
        assert all(not G.search(line) for line in math.local)
