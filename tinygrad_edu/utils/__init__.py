"""torch.utils: ``utils.data`` (Dataset, DataLoader, random_split) and ``utils.hooks``."""
from . import data, hooks  # noqa: F401
