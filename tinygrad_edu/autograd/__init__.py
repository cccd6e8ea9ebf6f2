"""Autograd (torch.autograd): Function for your own operations (custom.py; the engine's own
operations subclass function.Function, one level down on arrays), grad mode, the backward
engine, in-place version checks (versions.py) and gradcheck."""
from .custom import Function, Variable  # noqa: F401  (yours, on Tensors, as in torch)
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled  # noqa: F401
from .engine import grad, backward  # noqa: F401
from .gradcheck import gradcheck, GradcheckError  # noqa: F401
