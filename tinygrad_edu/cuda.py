"""torch.cuda as seen from this engine: no GPU here (the lessons' torch engine has CUDA)."""


def is_available():
    """False: tinygrad_edu computes with NumPy on the CPU. Use --engine torch for CUDA."""
    return False


def device_count():
    return 0


def manual_seed(seed):
    """Accepted for compatibility: there is no CUDA generator to seed."""


manual_seed_all = manual_seed
