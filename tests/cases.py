"""The case table: every differentiable operation of the engine, listed once and read by every
kind of test (as minitorch's MathTest lists are).

A ``Case`` (specs.py) holds a function written once against the torch API,
``fn(torch, *tensors)`` (``torch.nn.functional`` and tensor methods, never this package's
internal modules), and the specs of its inputs (shape tuples; ``uniform``/``signed``/
``distinct``/``probs`` ranges; ``weights`` and ``const`` constants; integer class arrays;
Python numbers). The same case runs on tinygrad_edu and on real torch:

  - test_cases_parity.py:   values, dtypes, grad_fn names and gradients against torch
                            (float32 and float64);
  - test_gradcheck.py:      backward against finite differences in float64;
  - test_cases_coverage.py: every Function subclass of the package shows up in the graph of
                            some case (``nodes_of``), so a new operation needs a case here.

The table lives in cases_tensor.py (tensor operations), cases_nn.py (torch.nn.functional,
networks), cases_functions.py, cases_index.py and cases_layers.py (the ops the tutorials,
Zero to Hero and d2l add). To add an operation, add a ``C(name, fn, *inputs, **options)``
line there. Give a range where the operation needs one (``low``/``high`` for every shape input, or a spec
object for one input): a log's argument, a denominator, probabilities, no kink of
abs/relu/clamp and no tie of max/min within the finite-difference step.
"""
import numpy as np

import tinygrad_edu
from tinygrad_edu.autograd.function import Function
from cases_functions import FUNCTION_CASES
from cases_index import INDEX_CASES
from cases_layers import LAYER_CASES
from cases_nn import NN_CASES
from cases_tensor import TENSOR_CASES
from specs import Case, make_inputs, make_tensors  # noqa: F401 (Case: for readers' imports)

CASES = TENSOR_CASES + NN_CASES + FUNCTION_CASES + INDEX_CASES + LAYER_CASES
BY_NAME = {case.name: case for case in CASES}


def case(name):
    """The case of that name: ``case("add")``."""
    return BY_NAME[name]


def inputs_of(case, engine=tinygrad_edu, dtype=np.float32, grad=True):
    """The case's input tensors on ``engine`` (float inputs require grad when ``grad``)."""
    arrays = make_inputs(case.inputs, dtype, case.low, case.high, case.seed)
    return make_tensors(engine, arrays, grad)


def run(case, engine=tinygrad_edu, dtype=np.float32):
    """Run the case once: (its outputs as a flat list, its inputs)."""
    inputs = inputs_of(case, engine, dtype)
    return flatten(case.fn(engine, *inputs)), inputs


def flatten(out):
    """Outputs as a flat list (max(dim) gives values and indices; a case may give a list)."""
    if isinstance(out, (tuple, list)):
        return [x for item in out for x in flatten(item)]
    return [out]


def nodes_of(case, dtype=np.float32):
    """The Function instances (grad_fn nodes) of the case's graph on tinygrad_edu, each once,
    from the outputs back to the leaves, found through ``next_functions`` as torch's graph
    is walked."""
    outputs, _ = run(case, tinygrad_edu, dtype)
    stack = [o.grad_fn for o in reversed(outputs) if getattr(o, "grad_fn", None) is not None]
    seen, nodes = set(), []
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, Function):
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(fn for fn, _ in reversed(node.next_functions) if fn is not None)
    return nodes
