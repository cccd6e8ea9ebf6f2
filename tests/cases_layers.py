"""The case table (see cases.py): the layers of the canon: embedding, layer_norm, batch_norm, gelu, leaky_relu, pad, l1_loss."""
from specs import C, F, const, distinct, probs, signed, uniform  # noqa: F401

LAYER_CASES = [
]
