"""nn.init: torch's formulas (gains, fans, bounds) exactly, and the distributions they draw
(means, standard deviations, bounds) within sampling tolerance."""
import math

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import nn
from tinygrad_edu.nn import init

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name,param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("selu", None),
    ("conv_transpose2d", None)])
def test_calculate_gain_equals_torchs(name, param):
    assert init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


def test_calculate_gain_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unsupported nonlinearity softsign"):
        init.calculate_gain("softsign")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "a lot")


@pytest.mark.parametrize("shape", [(5, 3), (16, 6, 5, 5), (120, 16, 5, 5), (4, 2, 3), (1, 1)])
def test_fans_equal_torchs(shape):
    assert init._calculate_fan_in_and_fan_out(tinygrad_edu.zeros(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))
    for mode in ("fan_in", "fan_out"):
        assert init._calculate_correct_fan(tinygrad_edu.zeros(*shape), mode) == \
            torch.nn.init._calculate_correct_fan(torch.zeros(*shape), mode)


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(tinygrad_edu.zeros(5))


def _stats(t):
    a = t.detach().numpy()
    assert a.dtype == np.float32
    return a, float(a.mean()), float(a.std())


SHAPE = (400, 500)  # 200,000 draws: the std is estimated to about 0.2 %


def test_uniform_and_normal():
    a, mean, std = _stats(init.uniform_(tinygrad_edu.empty(*SHAPE), -2.0, 4.0))
    assert a.min() >= -2.0 and a.max() < 4.0
    assert mean == pytest.approx(1.0, abs=0.02) and std == pytest.approx(6 / math.sqrt(12),
                                                                          rel=0.01)
    _, mean, std = _stats(init.normal_(tinygrad_edu.empty(*SHAPE), 3.0, 0.5))
    assert mean == pytest.approx(3.0, abs=0.01) and std == pytest.approx(0.5, rel=0.01)


def test_constant_fills():
    t = tinygrad_edu.empty(3, 4)
    assert init.zeros_(t) is t and (t.numpy() == 0).all()
    assert (init.ones_(t).numpy() == 1).all()
    assert (init.constant_(t, 0.25).numpy() == 0.25).all()


@pytest.mark.parametrize("shape", [SHAPE, (64, 32, 5, 5)])
@pytest.mark.parametrize("gain", [1.0, init.calculate_gain("tanh")])
def test_xavier(shape, gain):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(tinygrad_edu.empty(*shape))
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    a, mean, s = _stats(init.xavier_uniform_(tinygrad_edu.empty(*shape), gain=gain))
    assert np.abs(a).max() <= math.sqrt(3) * std and s == pytest.approx(std, rel=0.02)
    assert abs(mean) < 0.02 * std
    a, mean, s = _stats(init.xavier_normal_(tinygrad_edu.empty(*shape), gain=gain))
    assert s == pytest.approx(std, rel=0.02) and abs(mean) < 0.02 * std


@pytest.mark.parametrize("kwargs", [dict(), dict(a=math.sqrt(5)), dict(nonlinearity="relu"),
                                    dict(mode="fan_out", nonlinearity="relu"),
                                    dict(a=0.1, mode="fan_out")])
@pytest.mark.parametrize("shape", [SHAPE, (64, 32, 5, 5)])
def test_kaiming(kwargs, shape):
    t = tinygrad_edu.empty(*shape)
    fan = init._calculate_correct_fan(t, kwargs.get("mode", "fan_in"))
    std = init.calculate_gain(kwargs.get("nonlinearity", "leaky_relu"), kwargs.get("a", 0)) \
        / math.sqrt(fan)
    a, mean, s = _stats(init.kaiming_uniform_(t, **kwargs))
    assert np.abs(a).max() <= math.sqrt(3) * std and s == pytest.approx(std, rel=0.02)
    assert abs(mean) < 0.02 * std
    a, mean, s = _stats(init.kaiming_normal_(tinygrad_edu.empty(*shape), **kwargs))
    assert s == pytest.approx(std, rel=0.02) and abs(mean) < 0.02 * std


def test_kaiming_with_a_sqrt5_is_the_linear_default_bound():
    t = init.kaiming_uniform_(tinygrad_edu.empty(300, 100), a=math.sqrt(5))
    assert np.abs(t.numpy()).max() <= 1 / math.sqrt(100)
    assert np.abs(t.numpy()).max() > 0.95 / math.sqrt(100)


def test_init_works_on_parameters_in_place_without_recording_a_graph():
    layer = nn.Linear(3, 4)
    w = layer.weight
    out = init.xavier_uniform_(layer.weight)
    assert out is w and w.requires_grad and w.grad_fn is None and w.is_leaf
    init.zeros_(layer.bias)
    assert (layer.bias.detach().numpy() == 0).all()


def test_init_with_a_generator_is_reproducible():
    g1, g2 = tinygrad_edu.Generator().manual_seed(5), tinygrad_edu.Generator().manual_seed(5)
    a = init.normal_(tinygrad_edu.empty(10), generator=g1).numpy()
    b = init.normal_(tinygrad_edu.empty(10), generator=g2).numpy()
    np.testing.assert_array_equal(a, b)


def test_zero_element_tensor_warns_and_is_left_alone():
    with pytest.warns(UserWarning, match="no-op"):
        init.kaiming_uniform_(tinygrad_edu.empty(0, 3))
