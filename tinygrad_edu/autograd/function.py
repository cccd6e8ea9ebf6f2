"""The Function: one operation of the graph, its forward and its backward side by side.

``forward(ctx, *arrays)`` computes on raw arrays and saves what backward will need;
``backward(ctx, g)`` receives g = dLoss/dOutput and returns dLoss/dInput for each
positional input (the chain rule: upstream gradient times the local derivative).
``Function.apply`` runs forward and, when grad mode is on and an input requires grad,
records the node: the instance itself is the output's ``grad_fn``.
"""
import itertools

import numpy as np

from . import grad_mode
from ..ops._util import broadcast_error
from .. import tensor as _tensor  # the module; Tensor is looked up when apply runs

FREED = "freed"  # marks saved arrays released by backward (retain_graph=False)
_sequence = itertools.count()  # numbers the recorded nodes in the order they are created


class Function:
    label = "?"      # the course's name for the operation in graphs: MM, ADD, SIGMOID, ...
    formula = ""     # the local derivative as the step-through viewer shows it
    torch_name = None  # torch's grad_fn name, e.g. "MmBackward0" (default: <Class>Backward0)

    # what a fresh node holds (class attributes: a node only stores what differs)
    saved = ()              # the arrays forward kept for backward
    inputs = ()             # one entry per positional argument: a Tensor or None
    needs_input_grad = ()   # which inputs want a gradient
    retained = None         # weakref to the output when it asked .retain_grad()

    def save_for_backward(self, *arrays):
        self.saved = arrays

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward on the inputs' arrays and record the node in the graph."""
        Tensor = _tensor.Tensor
        ctx = cls()
        arrays, inputs, needs = [], [], []
        for a in args:  # a Tensor gives forward its array; anything else passes as it is
            if isinstance(a, Tensor):
                arrays.append(a._data)
                inputs.append(a)
                needs.append(a._requires_grad)
            else:
                arrays.append(a)
                inputs.append(None)
                needs.append(False)
        try:
            out = cls.forward(ctx, *arrays, **kwargs)
        except ValueError as error:  # NumPy's broadcasting error, told in torch's words
            message = broadcast_error([a.shape for a in arrays if isinstance(a, np.ndarray)])
            if message is None or "broadcast" not in str(error):
                raise
            raise RuntimeError(message) from None
        if True in needs and grad_mode._state["enabled"]:
            # record the node: the output remembers the operation that made it
            ctx.inputs, ctx.needs_input_grad = tuple(inputs), tuple(needs)
            ctx.sequence_nr = next(_sequence)  # creation order: backward runs newest first
            return Tensor._make(out, True, ctx)
        return Tensor._make(out, False, None)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function defines forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError("a Function defines backward(ctx, g): one gradient per input")

    # -- what torch shows of a grad_fn ------------------------------------------------------
    def name(self):
        """torch's grad_fn name, e.g. 'MmBackward0'."""
        return self.torch_name or type(self).__name__ + "Backward0"

    @property
    def next_functions(self):
        """Like torch's: for each input, (its grad_fn, 0), or (AccumulateGrad, 0) for a leaf
        that requires grad, or (None, 0)."""
        nxt = []
        for t in self.inputs:
            if t is None or not t._requires_grad:
                nxt.append((None, 0))
            elif t.grad_fn is not None:
                nxt.append((t.grad_fn, 0))
            else:
                nxt.append((AccumulateGrad(t), 0))
        return tuple(nxt)

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"


class AccumulateGrad:
    """Stands for a leaf in ``next_functions``: where a leaf's gradient is added to .grad."""

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()

    @staticmethod
    def name():
        return "torch::autograd::AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"
