"""The case table (see cases.py): math functions of the canon: trig, logs, rounding, predicates, prod, logsumexp, cumsum, norm."""
from specs import C, F, const, distinct, probs, signed, uniform  # noqa: F401

FUNCTION_CASES = [
]
