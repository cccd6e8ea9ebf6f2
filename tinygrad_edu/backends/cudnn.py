"""torch.backends.cudnn: flags accepted for compatibility; they change nothing on the CPU."""
deterministic = False
benchmark = False


def is_available():
    return False
