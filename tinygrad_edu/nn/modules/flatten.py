"""Flatten: turn each sample's image into one long vector before the Linear layers."""
from .module import Module


class Flatten(Module):
    """torch.nn.Flatten(start_dim=1, end_dim=-1): (N, C, H, W) -> (N, C·H·W); the batch axis
    (dim 0) is kept."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
