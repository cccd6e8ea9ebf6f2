"""nn.functional against real torch beyond the case table (cases.py, run by
test_cases_parity.py, lists linear, conv2d, the poolings, the activations and the losses with
their options): the layout for many images, dtype errors, NaN and integer images, softmax
without a dim, dropout's randomness, one_hot and the legacy loss arguments."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.nn import functional as F
from parity import check_parity

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("x,w,kwargs", [
    ((8, 3, 8, 8), (4, 3, 3, 3), dict(stride=2, padding=1)),
    ((9, 4, 7, 9), (6, 2, 3, 2), dict(groups=2, stride=(1, 2), padding=(2, 1))),
    ((12, 2, 9, 9), (3, 2, 3, 3), dict(dilation=(2, 1), padding="same")),
])
def test_conv2d_with_more_images_than_output_columns(x, w, kwargs):
    """Short output rows: the columns are laid out with the batch innermost (faster copies)."""
    from tinygrad_edu.ops.conv_ops import _batch_last
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's note on padding='same'
        out = tinygrad_edu.nn.functional.conv2d(tinygrad_edu.zeros(*x), tinygrad_edu.zeros(*w),
                                                **kwargs)
    assert _batch_last(x[0], out.shape[-1])
    check_parity(lambda t, *a: t.nn.functional.conv2d(*a, **kwargs), [x, w, (w[0],)],
                 rtol=1e-4, atol=1e-4)


def test_conv2d_refuses_mixed_dtypes():
    with pytest.raises(RuntimeError, match="should be the same"):
        F.conv2d(tinygrad_edu.zeros(1, 1, 4, 4, dtype=tinygrad_edu.float64),
                 tinygrad_edu.zeros(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match="bias type \\(double\\) should be the same"):
        F.conv2d(tinygrad_edu.zeros(1, 1, 4, 4), tinygrad_edu.zeros(1, 1, 3, 3),
                 tinygrad_edu.zeros(1, dtype=tinygrad_edu.float64))


def test_max_pool2d_propagates_nan_like_torch():
    x = np.float32([[[[1.0, np.nan], [3.0, 2.0]]]])
    check_parity(lambda t, x: t.nn.functional.max_pool2d(x, 2), [x], grad=False)


@pytest.mark.parametrize("fn", [
    lambda t, x: t.nn.functional.max_pool2d(x, 2),
    lambda t, x: t.nn.functional.avg_pool2d(x, 2),
    lambda t, x: t.nn.functional.avg_pool2d(x, 3, stride=1, padding=1),
    lambda t, x: t.nn.functional.conv2d(x, t.ones(2, 1, 2, 2, dtype=t.int64)),
])
def test_integer_images_pool_and_convolve_like_torch(fn):
    x = np.random.default_rng(0).integers(-9, 9, (2, 1, 5, 5))
    check_parity(fn, [x], grad=False)


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 4), (2, 3, 4, 5)])
def test_softmax_without_dim_warns_and_picks_torchs_dim(shape):
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        check_parity(lambda t, x: t.nn.functional.softmax(x), [shape])


def test_dropout_functional_respects_training_flag():
    x = tinygrad_edu.randn(5, 5)
    assert F.dropout(x, 0.5, training=False) is x
    assert (F.dropout(x, 0.999).numpy() == 0).mean() > 0.9


@pytest.mark.parametrize("labels,n", [([0, 2, 1], -1), ([[1], [3]], 5), ([], 3), (4, 6)])
def test_one_hot(labels, n):
    check_parity(lambda t, y: t.nn.functional.one_hot(y, n), [np.array(labels, np.int64)],
                 grad=False)


def test_one_hot_errors():
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(tinygrad_edu.tensor([0, 3]), 3)
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(tinygrad_edu.tensor([0.0, 1.0]))


def test_functional_losses_accept_legacy_arguments():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        check_parity(lambda t, x, y: t.nn.functional.mse_loss(x, y, size_average=False),
                     [(3, 4), (3, 4)])
