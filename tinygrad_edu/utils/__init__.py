"""torch.utils: only ``utils.data`` (Dataset, DataLoader, random_split) lives here."""
from . import data  # noqa: F401
