"""torch.accelerator as seen from this engine: none (tinygrad_edu computes with NumPy on the
CPU), so the tutorials' device choice falls back to "cpu"."""


def is_available():
    return False


def current_accelerator(check_available=False):
    """None: no accelerator (CUDA, MPS, ...) here."""
    return None


def device_count():
    return 0
