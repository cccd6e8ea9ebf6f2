"""More of the Tensor's math, the families the PyTorch tutorials, d2l and the Zero to Hero
lectures use: trigonometric and hyperbolic functions, logarithms in other bases, rounding,
signs, and the predicates isnan/isinf/isfinite. Each method checks its arguments and calls one
Function from ``ops/`` (where forward and backward live)."""

# the torch.xxx functions that are these methods (bound in __init__.py: torch.sin is Tensor.sin)
TORCH_FUNCTIONS = ()


class TensorFunctions:
    __slots__ = ()
