"""Autograd: the Function base class, grad mode, the backward engine and gradcheck
(torch.autograd)."""
from .function import Function  # noqa: F401
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled  # noqa: F401
from .engine import grad, backward  # noqa: F401
from .gradcheck import gradcheck, GradcheckError  # noqa: F401
