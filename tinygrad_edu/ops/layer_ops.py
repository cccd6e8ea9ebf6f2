"""The other layers of the language-model lessons: embedding, gelu, leaky_relu, pad, l1_loss."""
import numpy as np  # noqa: F401

from ..autograd.function import Function, Math  # noqa: F401

# torch's grad_fn name where it is not <ClassName>Backward0 (read by grad_fn_names.py)
TORCH_NAMES = {}
