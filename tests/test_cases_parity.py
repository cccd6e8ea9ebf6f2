"""Every case of the table (cases.py) against real torch: outputs (values, dtype,
requires_grad, grad_fn name) and every input's gradient, in float32 and in float64."""
import numpy as np
import pytest

from cases import CASES
from parity import check_parity


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on even kernels
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_matches_torch(case, dtype):
    rtol, atol = case.tol if case.tol and dtype == np.float32 else (None, None)
    check_parity(case.fn, list(case.inputs), dtype=dtype, low=case.low, high=case.high,
                 seed=case.seed, rtol=rtol, atol=atol, check_grad_fn=case.grad_fn)


def test_case_names_are_unique():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
