"""torch.autograd.Function: your own operation, with torch's contract.

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):             # Tensors in, a Tensor out (grad mode is off here)
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):      # ∂L/∂out in, one ∂L/∂x per input of forward
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    y = MyReLU.apply(x)

How it relates to the engine's own operations (``ops/``): those are Functions too, written
one level down, on NumPy arrays, so that each derivative reads as plain math and runs without
wrapping. A Function you write here becomes the same kind of graph node: ``apply`` below runs
your forward on Tensors, records the node, and wraps your backward so the engine can hand it
a gradient array and receive arrays back. The graph, the stepper and ``backward()`` treat both
kinds alike; torch names yours ``MyReLUBackward``.
"""
import functools

from . import function as _function
from . import grad_mode
from .. import tensor as _tensor


class Function(_function.Function):
    """Subclass it with two static methods, ``forward(ctx, *args)`` and
    ``backward(ctx, *grad_outputs)``, and call ``YourFunction.apply(*args)``. (The new style,
    ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``, works too.)"""
    non_differentiable = ()   # outputs marked by ctx.mark_non_differentiable
    materialize_grads = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "label" not in cls.__dict__:
            cls.label = cls.__name__
        cls.torch_name = cls.__name__ + "Backward"
        if "backward" in cls.__dict__:   # the engine calls backward(node, g) with arrays
            cls.backward = staticmethod(functools.partial(_tensor_backward,
                                                          cls.__dict__["backward"].__func__))

    # -- what ctx offers your forward and backward (ctx is the graph node itself) ------------
    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, _tensor.Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.saved = tensors

    @property
    def saved_tensors(self):
        if self.saved is _function.FREED:
            raise RuntimeError("Trying to backward through the graph a second time (or directly "
                               "access saved tensors after they have already been freed). "
                               "Specify retain_graph=True if you need to backward through the "
                               "graph a second time.")
        return tuple(self.saved)

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable = tuple(tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        """torch asks to be told of inputs changed in place by forward; here nothing to do."""

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError  # the new style defines it; see apply

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    # -- running it ----------------------------------------------------------------------------
    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _tensor.Tensor
        ctx = cls()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with grad_mode.no_grad():  # forward's own operations are not recorded
            if cls.setup_context is not Function.setup_context:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        if not (True in ctx.needs_input_grad and grad_mode.is_grad_enabled()):
            return out
        outputs = out if isinstance(out, tuple) else (out,)
        differentiable = [o for o in outputs if isinstance(o, Tensor) and o._data.dtype.kind
                          == "f" and not any(o is n for n in ctx.non_differentiable)]
        if len(differentiable) > 1:
            raise NotImplementedError(
                f"{cls.__name__}.forward returns {len(differentiable)} differentiable tensors; "
                "tinygrad_edu records one output per node. Return one tensor (mark the others "
                "with ctx.mark_non_differentiable), or split it into two Functions.")
        ctx.inputs = tuple(a if isinstance(a, Tensor) else None for a in args)
        ctx.versions = tuple(0 if t is None else t._version for t in ctx.inputs)
        ctx.args, ctx.options = tuple(getattr(a, "_data", a) for a in args), kwargs
        wrapped = tuple(Tensor._make(o._data, True, ctx) if any(o is d for d in differentiable)
                        else o for o in outputs)
        return wrapped if isinstance(out, tuple) else wrapped[0]


def _tensor_backward(user_backward, ctx, g):
    """Call the user's backward with a Tensor, and give the engine arrays back."""
    Tensor = _tensor.Tensor
    with grad_mode.no_grad():
        grads = user_backward(ctx, Tensor._make(g, False, None))
    grads = grads if isinstance(grads, tuple) else (grads,)
    expected = len(ctx.inputs)
    if len(grads) != expected:
        extra = grads[expected:]
        if len(grads) < expected or any(x is not None for x in extra):
            raise RuntimeError(f"function {ctx.name()} returned an incorrect number of gradients "
                               f"(expected {expected}, got {len(grads)})")
        grads = grads[:expected]
    return tuple(None if x is None else getattr(x, "_data", x) for x in grads)


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _tensor.Tensor)


class Variable(metaclass=_VariableMeta):
    """The legacy ``Variable(tensor, requires_grad=True)`` of old tutorials: since torch 0.4
    a Variable is just a Tensor, and this returns the tensor itself."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        if requires_grad:
            data.requires_grad_(True)
        return data


def once_differentiable(fn):
    """torch.autograd.function.once_differentiable: backward runs without grad mode anyway."""
    return fn
