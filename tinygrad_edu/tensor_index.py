"""The Tensor's gathering, scattering, sorting and splitting: gather/scatter, index_select,
sort/argsort/topk, split/chunk/unbind, tril/triu, roll. Each method checks its arguments and
calls one Function from ``ops/`` (where forward and backward live)."""

# the torch.xxx functions that are these methods (bound in __init__.py: torch.gather is
# Tensor.gather)
TORCH_FUNCTIONS = ()


class TensorIndex:
    __slots__ = ()
