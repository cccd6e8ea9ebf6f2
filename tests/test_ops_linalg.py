"""Parity with torch for the matrix product beyond the case table (cases.py, run by
test_cases_parity.py, lists @, matmul, mm and linear in every shape from 1-D to 4-D): the
dtype of integer products."""
import numpy as np

from parity import check_parity, torch  # noqa: F401


def test_matmul_of_int_tensors_stays_int():
    a = np.arange(6).reshape(2, 3)
    check_parity(lambda torch, x, y: x @ y, [a, a.T.copy()])
