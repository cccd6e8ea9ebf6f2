"""Autograd: the Function base class, grad mode and the backward engine."""
from .function import Function  # noqa: F401
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled  # noqa: F401
