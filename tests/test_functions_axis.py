"""torch.xxx(..., axis=k) is torch's alias of dim=k; the course uses it (torch.cat(..., axis=1))."""
import numpy as np
import pytest

import tinygrad_edu

torch = pytest.importorskip("torch")
DATA = np.arange(12, dtype=np.float32).reshape(3, 4) % 5


@pytest.mark.parametrize("name", ["sum", "mean", "argmax", "argmin", "softmax", "log_softmax"])
def test_reductions_accept_axis_like_torch(name):
    ours = getattr(tinygrad_edu, name)(tinygrad_edu.tensor(DATA), axis=1)
    theirs = getattr(torch, name)(torch.tensor(DATA), axis=1)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_max_with_axis_returns_values_and_indices():
    values, indices = tinygrad_edu.max(tinygrad_edu.tensor(DATA), axis=0)
    t_values, t_indices = torch.max(torch.tensor(DATA), axis=0)
    assert values.tolist() == t_values.tolist() and indices.tolist() == t_indices.tolist()


def test_cat_and_stack_accept_axis():
    a = tinygrad_edu.tensor(DATA)
    ta = torch.tensor(DATA)
    assert tinygrad_edu.cat([a, a], axis=1).shape == tuple(torch.cat([ta, ta], axis=1).shape)
    assert tinygrad_edu.stack([a, a], axis=2).shape == tuple(torch.stack([ta, ta], axis=2).shape)
