"""Parity with torch: the matrix product in all its forms (@, matmul, mm; 1-D, 2-D, batched)."""
import numpy as np
import pytest

from parity import check_parity, torch  # noqa: F401

MATMUL_SHAPES = [
    ((3,), (3,)),            # dot
    ((2, 3), (3,)),          # matrix @ vector
    ((3,), (3, 4)),          # vector @ matrix
    ((2, 3), (3, 4)),        # mm
    ((5, 2, 3), (3, 4)),     # batch @ matrix
    ((3,), (5, 3, 4)),       # vector @ batch
    ((5, 2, 3), (3,)),       # batch @ vector
    ((5, 2, 3), (5, 3, 4)),  # bmm
    ((1, 2, 3), (5, 3, 4)),  # broadcast batch dims
    ((2, 3), (5, 3, 4)),
    ((2, 1, 2, 3), (4, 3, 2)),
    ((6, 5, 2, 3), (3, 4)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_operator(shapes):
    a, b = shapes
    # torch ends a batched product in a reshape (UnsafeView), or, where it had to broadcast
    # or transpose the batch, in a copy: we name the first kind only
    same_name = len(a) == 1 or len(b) <= 2 and len(a) != 2 or a[:-2] == b[:-2]
    check_parity(lambda torch, x, y: x @ y, list(shapes), check_grad_fn=same_name)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES[:4], ids=str)
def test_torch_matmul_function(shapes):
    check_parity(lambda torch, x, y: torch.matmul(x, y), list(shapes))
    check_parity(lambda torch, x, y: x.matmul(y), list(shapes))


def test_mm():
    check_parity(lambda torch, x, y: x.mm(y), [(2, 3), (3, 4)])
    check_parity(lambda torch, x, y: torch.mm(x, y), [(4, 3), (3, 1)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_layer_pattern(dtype):
    check_parity(lambda torch, x, w, b: x @ w.t() + b, [(8, 4), (3, 4), (3,)], dtype=dtype)
    check_parity(lambda torch, x, w, b: torch.matmul(x, w.T) + b, [(8, 4), (3, 4), (3,)],
                 dtype=dtype)


def test_matmul_of_non_contiguous_views():
    check_parity(lambda torch, x, y: x.t() @ y[:, ::2], [(3, 2), (3, 8)])
    check_parity(lambda torch, x, y: x.transpose(0, 1)[1:] @ y.permute(1, 0), [(4, 3), (5, 4)])


def test_only_one_side_requires_grad():
    w = np.ones((3, 2), np.float32)
    check_parity(lambda torch, x: x @ torch.tensor(w), [(4, 3)])
    check_parity(lambda torch, x: torch.tensor(w).t() @ x, [(3, 5)])


def test_matmul_of_int_tensors_stays_int():
    a = np.arange(6).reshape(2, 3)
    check_parity(lambda torch, x, y: x @ y, [a, a.T.copy()])


def test_long_chain_of_matrix_products_in_float64():
    check_parity(lambda torch, a, b, c: (a @ b).tanh() @ c @ c.t(), [(4, 5), (5, 6), (6, 3)],
                 dtype=np.float64)
