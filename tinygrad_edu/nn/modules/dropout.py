"""Dropout: randomly silence units while training, so the net cannot rely on any one."""
from .. import functional as F
from .module import Module


class Dropout(Module):
    """torch.nn.Dropout(p=0.5): in train() mode zero each element with probability p and
    scale the others by 1/(1-p) (the expected value stays x); in eval() mode do nothing."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
