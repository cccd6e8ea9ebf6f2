"""The case table (see cases.py): gathering, scattering, sorting and splitting."""
from specs import C, F, const, distinct, probs, signed, uniform  # noqa: F401

INDEX_CASES = [
]
