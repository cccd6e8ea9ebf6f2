"""Gathering, scattering, sorting and rolling: gather, scatter, index_select, sort, topk, tril/triu, roll, bmm."""
import numpy as np  # noqa: F401

from ..autograd.function import Function, Math  # noqa: F401

# torch's grad_fn name where it is not <ClassName>Backward0 (read by grad_fn_names.py)
TORCH_NAMES = {}
