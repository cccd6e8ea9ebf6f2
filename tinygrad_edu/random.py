"""Random numbers: one seeded default generator, like torch's (``torch.manual_seed``).
The streams are NumPy's (PCG64), so the numbers differ from torch's own; lessons that
compare the two engines copy the initial weights across instead."""
import numpy as np


class Generator:
    """torch.Generator: an independent random stream, e.g. for random_split / DataLoader."""

    def __init__(self, device="cpu"):
        self.device = device
        self.manual_seed(np.random.SeedSequence().entropy % (2 ** 63))

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.np = np.random.default_rng(self._seed)
        return self

    def seed(self):
        return self.manual_seed(np.random.SeedSequence().entropy % (2 ** 63))._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        return self.np.bit_generator.state

    def set_state(self, state):
        self.np.bit_generator.state = state
        return self


default_generator = Generator().manual_seed(0)


def manual_seed(seed):
    """torch.manual_seed(seed): reseed the default generator (returns it)."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng(generator=None):
    """The NumPy generator behind ``generator`` (or behind the default one)."""
    return (generator or default_generator).np
