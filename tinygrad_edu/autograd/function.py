"""The Function: one operation of the graph, its forward and its backward side by side.

``forward(ctx, *arrays)`` computes on raw NumPy arrays and saves what backward will need;
``backward(ctx, g)`` receives g = ∂L/∂out and returns ∂L/∂x for each positional input x
(the chain rule: ∂L/∂x = g · ∂out/∂x). ``Function.apply`` runs forward and, when grad mode
is on and an input requires grad, records the node: the instance itself is the output's
``grad_fn``.

Every Function states its math once, in ``math``: what forward computes, the local
derivative of out with respect to each input (no g in it), and the rule backward applies
(∂L/∂x = g · that derivative). The docstring, the graph and the stepper all show this text.
"""
from typing import NamedTuple

from . import grad_mode
from .versions import recorded_inputs
from .. import tensor as _tensor  # the module; Tensor is looked up when apply runs

FREED = "freed"  # marks saved arrays released by backward (retain_graph=False)


class Math(NamedTuple):
    """The math of one Function, in one notation: out is its output, g = ∂L/∂out.

    forward: ``out = σ(a)``;  local: ``∂out/∂a = out·(1 − out)``, one line per input;
    rule: ``∂L/∂a = g · out·(1 − out)``, one line per input (what backward returns)."""
    forward: str
    local: tuple
    rule: tuple

    @classmethod
    def of(cls, forward, local, rule):
        """Math("out = a + b", "∂out/∂a = 1", ...): a single line may be given as a string."""
        as_tuple = lambda x: (x,) if isinstance(x, str) else tuple(x)  # noqa: E731
        return cls(forward, as_tuple(local), as_tuple(rule))

    def text(self):
        return "\n".join((self.forward,) + self.local + self.rule)


class Function:
    label = "?"        # the course's name for the operation in graphs: MM, ADD, SIGMOID, ...
    math = None        # a Math: forward, local derivative and chain rule, as the stepper shows
    torch_name = None  # torch's grad_fn name (set in ops/grad_fn_names.py; default <Class>Backward0)
    name_from = None   # or a function (out, *inputs, **options) -> torch's name for this call

    # what a fresh node holds (class attributes: a node only stores what differs)
    saved = ()              # the arrays forward kept for backward
    inputs = ()             # one entry per positional argument: a Tensor or None
    needs_input_grad = ()   # which inputs want a gradient
    versions = ()           # each input's _version when the node was recorded (versions.py)
    changed_output = None   # (output, its version then) once the output is changed in place
    hooks = None            # functions registered on the output with register_hook
    retained = None         # weakref to the output when it asked .retain_grad()
    args, options = (), {}  # forward's positional arrays/numbers and keyword options

    def __init_subclass__(cls, **kwargs):
        """Append the math to the docstring, so help(Sigmoid) shows it."""
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("math") is not None:
            cls.__doc__ = ((cls.__doc__ or cls.__name__).rstrip() + "\n\n" +
                           "\n".join("    " + line for line in cls.math.text().split("\n")))

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
        out = cls.forward(ctx, *arrays, **kwargs)
        if True in needs and grad_mode._state["enabled"]:
            # record the node: the output remembers the operation that made it
            ctx.inputs, ctx.needs_input_grad = tuple(inputs), tuple(needs)
            ctx.versions = tuple([0 if t is None else t._version for t in inputs])
            ctx.args, ctx.options = arrays, kwargs  # what forward got (numbers too), for viz
            if cls.name_from is not None:
                ctx.torch_name = cls.name_from(out, *arrays, **kwargs)
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
        for t in recorded_inputs(self):
            if t is None or not t._requires_grad:
                nxt.append((None, 0))
            elif t.grad_fn is not None:
                nxt.append((t.grad_fn, 0))
            else:
                nxt.append((AccumulateGrad(t), 0))
        return tuple(nxt)

    def short_name(self):
        """The name torch prints in a tensor's repr: CopySlices for torch::autograd::CopySlices."""
        return self.name().removeprefix("torch::autograd::")

    def __repr__(self):
        return f"<{self.short_name()} object at {hex(id(self))}>"


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
