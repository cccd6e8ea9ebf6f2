"""torch.backends.mps: Apple's GPU back-end, not available in this engine."""


def is_available():
    return False


def is_built():
    return False
