"""torch.Size and torch.device: a tensor's shape and where its numbers live (the CPU here)."""
import numpy as np


class Size(tuple):
    """torch.Size: a tuple that prints as ``torch.Size([2, 3])``."""

    def __repr__(self):
        return f"torch.Size([{', '.join(str(n) for n in self)}])"

    def numel(self):
        return int(np.prod(self, dtype=np.int64))


class device:
    """torch.device: where a tensor's numbers live. This engine has only the CPU."""

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        type, _, idx = str(type).partition(":")
        self.type, self.index = type, (int(idx) if idx else index)

    def __repr__(self):
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):  # as torch's: a device equals a device, never a string
        return isinstance(other, device) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


CPU = device("cpu")


def check_device(dev):
    """Only 'cpu' exists in this engine; say where CUDA lives instead."""
    if dev is None:
        return
    kind = device(dev).type
    if kind != "cpu":
        raise RuntimeError(
            f"tinygrad_edu runs on the CPU only, so device '{dev}' is not available here. "
            f"To train on a GPU run the lesson with real PyTorch: "
            f"python -m lessons run N --engine torch --device cuda")
