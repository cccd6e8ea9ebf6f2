"""torch.backends: no accelerator back-end in this engine."""
from . import mps, cudnn  # noqa: F401
