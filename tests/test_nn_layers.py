"""nn layers against real torch: the same architecture on both engines, torch's initial
weights copied into ours, the same input and upstream gradient; outputs, input gradients and
every parameter's gradient must agree to float32 rounding."""
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import nn

torch = pytest.importorskip("torch")


def copy_weights(ours, theirs):
    """Load torch's state dict into our module (through NumPy)."""
    result = ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys


def assert_close(ours, theirs, rtol, atol, what=""):
    """float32 agreement; a sum of many products is only as exact as its largest terms, so
    the absolute tolerance scales with the size of the numbers."""
    scale = max(1.0, float(np.abs(theirs).max())) if theirs.size else 1.0
    np.testing.assert_allclose(ours, theirs, rtol, atol * scale, err_msg=what)


def check_layer(build, input_shape, seed=0, rtol=1e-5, atol=1e-5, input_grad=True, x=None,
                train=True):
    """Build ``build(engine.nn)`` on both engines, run forward and backward, compare."""
    torch.manual_seed(seed)
    theirs = build(torch.nn)
    ours = build(nn)
    copy_weights(ours, theirs)
    theirs.train(train)
    ours.train(train)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(input_shape).astype(np.float32) if x is None else x
    xt = torch.tensor(x, requires_grad=input_grad)
    xo = tinygrad_edu.tensor(x, requires_grad=input_grad)
    out_t, out_o = theirs(xt), ours(xo)
    assert tuple(out_o.shape) == tuple(out_t.shape)
    assert out_o.dtype.name == str(out_t.dtype).replace("torch.", "")
    assert_close(out_o.detach().numpy(), out_t.detach().numpy(), rtol, atol, "output")
    g = rng.standard_normal(tuple(out_t.shape)).astype(np.float32)
    out_t.backward(torch.tensor(g))
    out_o.backward(tinygrad_edu.tensor(g))
    if input_grad:
        assert_close(xo.grad.numpy(), xt.grad.numpy(), rtol, atol, "input gradient")
    named_t = dict(theirs.named_parameters())
    named_o = dict(ours.named_parameters())
    assert list(named_o) == list(named_t)
    for name, p in named_t.items():
        assert_close(named_o[name].grad.numpy(), p.grad.numpy(), rtol, atol,
                     f"gradient of {name}")
    return ours, theirs, out_o, out_t


# -- Linear ------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,bias", [((4, 3), True), ((4, 3), False), ((2, 4, 3), True),
                                        ((3,), True), ((3,), False), ((1, 3), True)])
def test_linear_matches_torch(shape, bias):
    _, _, out_o, out_t = check_layer(lambda nn: nn.Linear(3, 5, bias=bias), shape)
    assert out_o.grad_fn.name() == type(out_t.grad_fn).__name__


def test_linear_default_init_is_uniform_in_one_over_sqrt_fan_in():
    layer = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert w.dtype == np.float32 and b.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.02 * bound   # std of U(-a, a) is a/√3
    assert abs(w.mean()) < 0.02 * bound
    assert layer.weight.requires_grad and layer.weight.is_leaf


def test_linear_init_follows_manual_seed():
    tinygrad_edu.manual_seed(7)
    a = nn.Linear(3, 4).weight.detach().numpy().copy()
    tinygrad_edu.manual_seed(7)
    b = nn.Linear(3, 4).weight.detach().numpy()
    c = nn.Linear(3, 4).weight.detach().numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_linear_refuses_double_input_like_torch():
    with pytest.raises(RuntimeError, match="same dtype"):
        nn.Linear(3, 2)(tinygrad_edu.zeros(1, 3, dtype=tinygrad_edu.float64))


def test_linear_shape_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"4x2 and 3x5"):
        nn.Linear(3, 5)(tinygrad_edu.zeros(4, 2))


# -- activations, Flatten, Identity --------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda nn: nn.ReLU(), lambda nn: nn.Sigmoid(), lambda nn: nn.Tanh(),
    lambda nn: nn.Softmax(dim=1), lambda nn: nn.Softmax(dim=-1), lambda nn: nn.LogSoftmax(dim=1),
    lambda nn: nn.LogSoftmax(0), lambda nn: nn.Flatten(), lambda nn: nn.Flatten(0, 2),
    lambda nn: nn.Flatten(2), lambda nn: nn.Identity(),
    lambda nn: nn.Sequential(nn.Flatten(), nn.Linear(24, 4), nn.ReLU(), nn.Linear(4, 2)),
])
def test_activation_and_shape_layers_match_torch(make):
    check_layer(make, (2, 3, 4, 2))


def test_sequential_of_the_dnn_lesson_matches_torch():
    def dnn(nn):
        return nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 5), nn.ReLU(),
                             nn.Linear(5, 5), nn.ReLU(), nn.Linear(5, 3))
    check_layer(dnn, (16, 3))


# -- Conv2d ------------------------------------------------------------------------------------
CONV_CASES = [
    # in, out, kernel, kwargs, input shape
    (1, 6, 5, dict(padding=2), (2, 1, 28, 28)),                # LeNet C1
    (6, 16, 5, dict(), (3, 6, 14, 14)),                        # LeNet C3
    (16, 120, 5, dict(), (2, 16, 5, 5)),                       # LeNet C5: 1x1 output
    (3, 4, 3, dict(stride=2), (2, 3, 9, 9)),
    (3, 4, 3, dict(stride=2, padding=1), (1, 3, 8, 8)),
    (2, 3, (3, 2), dict(stride=(2, 1), padding=(1, 0)), (2, 2, 7, 6)),
    (2, 2, 3, dict(padding=(0, 2), bias=False), (1, 2, 5, 4)),
    (4, 6, 3, dict(groups=2), (2, 4, 6, 6)),
    (3, 2, 3, dict(dilation=2, padding=2), (2, 3, 7, 8)),
    (3, 2, 4, dict(padding="same"), (2, 3, 6, 7)),             # even kernel: uneven padding
    (3, 2, 3, dict(padding="valid", stride=3), (1, 3, 10, 10)),
    (1, 1, 1, dict(), (5, 1, 3, 3)),
    (2, 4, 3, dict(padding=1), (2, 5, 5)),                     # unbatched (C, H, W)
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on even kernels
@pytest.mark.parametrize("cin,cout,k,kwargs,shape", CONV_CASES)
def test_conv2d_matches_torch(cin, cout, k, kwargs, shape):
    _, _, out_o, out_t = check_layer(lambda nn: nn.Conv2d(cin, cout, k, **kwargs), shape,
                                     rtol=1e-4, atol=1e-5)
    assert out_o.grad_fn.name() == type(out_t.grad_fn).__name__


def test_conv2d_without_input_gradient_still_trains_its_weights():
    check_layer(lambda nn: nn.Conv2d(1, 3, 3), (2, 1, 6, 6), input_grad=False)


def test_conv2d_default_init_bounds():
    conv = nn.Conv2d(6, 16, 5)
    bound = 1 / np.sqrt(6 * 5 * 5)
    assert conv.weight.shape == (16, 6, 5, 5) and conv.bias.shape == (16,)
    assert np.abs(conv.weight.detach().numpy()).max() <= bound
    assert np.abs(conv.bias.detach().numpy()).max() <= bound
    assert abs(conv.weight.detach().numpy().std() - bound / np.sqrt(3)) < 0.1 * bound


@pytest.mark.parametrize("x_shape,w_shape,match", [
    ((2, 3, 8, 8), (4, 2, 3, 3), "expected input\\[2, 3, 8, 8\\] to have 2 channels"),
    ((8, 8), (4, 1, 3, 3), "Expected 3D \\(unbatched\\) or 4D \\(batched\\) input"),
    ((1, 3, 4, 4), (4, 3, 5, 5), "Kernel size can't be greater than actual input size"),
])
def test_conv2d_errors_speak_torchs_language(x_shape, w_shape, match):
    with pytest.raises(RuntimeError, match=match):
        nn.functional.conv2d(tinygrad_edu.zeros(*x_shape), tinygrad_edu.zeros(*w_shape))


def test_conv2d_is_vectorised_fast_enough_for_lenet_batches():
    """A batch of 256 through LeNet's largest convolution, forward and backward, in well under
    a second on one core (a per-pixel Python loop would take minutes)."""
    conv = nn.Conv2d(6, 16, 5)
    x = tinygrad_edu.randn(256, 6, 14, 14, requires_grad=True)
    conv(x).sum().backward()
    assert x.grad.shape == (256, 6, 14, 14) and conv.weight.grad.shape == (16, 6, 5, 5)


# -- pooling -----------------------------------------------------------------------------------
POOL_CASES = [
    (2, dict(stride=2), (2, 6, 28, 28)),
    (2, dict(), (1, 2, 5, 5)),                       # odd size: last row/col dropped
    (3, dict(stride=1), (2, 2, 6, 6)),               # overlapping windows
    (3, dict(stride=2, padding=1), (2, 3, 7, 7)),
    ((2, 3), dict(stride=(1, 2), padding=(1, 1)), (1, 2, 5, 7)),
    (3, dict(stride=2, ceil_mode=True), (1, 2, 6, 6)),
    (2, dict(stride=2, padding=1, ceil_mode=True), (2, 1, 5, 4)),
    (2, dict(), (3, 6, 6)),                          # unbatched (C, H, W)
]


@pytest.mark.parametrize("k,kwargs,shape", POOL_CASES)
def test_maxpool2d_matches_torch(k, kwargs, shape):
    _, _, out_o, out_t = check_layer(lambda nn: nn.MaxPool2d(k, **kwargs), shape)
    assert out_o.grad_fn.name() == type(out_t.grad_fn).__name__


def test_maxpool2d_with_dilation_matches_torch():
    check_layer(lambda nn: nn.MaxPool2d(2, stride=1, dilation=2), (2, 2, 6, 7))


@pytest.mark.parametrize("k,kwargs,shape", POOL_CASES + [
    (3, dict(stride=2, padding=1, count_include_pad=False), (2, 3, 7, 7)),
    (3, dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False), (1, 1, 8, 8)),
    (2, dict(stride=2, padding=1, ceil_mode=True), (1, 2, 6, 5)),
    (2, dict(divisor_override=3), (1, 2, 4, 4)),
])
def test_avgpool2d_matches_torch(k, kwargs, shape):
    _, _, out_o, out_t = check_layer(lambda nn: nn.AvgPool2d(k, **kwargs), shape)
    assert out_o.grad_fn.name() == type(out_t.grad_fn).__name__


def test_maxpool2d_gradient_goes_to_the_maximum_only():
    x = tinygrad_edu.tensor([[[[1., 5.], [3., 2.]]]], requires_grad=True)
    nn.MaxPool2d(2)(x).sum().backward()
    assert x.grad.tolist() == [[[[0., 1.], [0., 0.]]]]


def test_maxpool2d_overlapping_windows_add_their_gradients():
    # the centre is the max of all four 2x2 windows: it receives 4
    x = tinygrad_edu.tensor([[[[0., 0., 0.], [0., 9., 0.], [0., 0., 0.]]]], requires_grad=True)
    nn.MaxPool2d(2, stride=1)(x).sum().backward()
    assert x.grad.numpy()[0, 0, 1, 1] == 4 and x.grad.numpy().sum() == 4


def test_maxpool2d_return_indices_matches_torch():
    x = np.random.default_rng(3).standard_normal((2, 3, 7, 6)).astype(np.float32)
    out_o, idx_o = nn.MaxPool2d(3, stride=2, padding=1, return_indices=True)(
        tinygrad_edu.tensor(x))
    out_t, idx_t = torch.nn.MaxPool2d(3, stride=2, padding=1, return_indices=True)(
        torch.tensor(x))
    np.testing.assert_array_equal(out_o.numpy(), out_t.numpy())
    np.testing.assert_array_equal(idx_o.numpy(), idx_t.numpy())
    assert idx_o.dtype == tinygrad_edu.int64


@pytest.mark.parametrize("call,match", [
    (lambda: nn.MaxPool2d(2, padding=2)(tinygrad_edu.zeros(1, 1, 6, 6)), "at most half"),
    (lambda: nn.AvgPool2d(10)(tinygrad_edu.zeros(1, 3, 8, 8)), "Output size is too small"),
    (lambda: nn.MaxPool2d(2)(tinygrad_edu.zeros(8, 8)), "3D or 4D"),
])
def test_pooling_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


# -- Dropout -----------------------------------------------------------------------------------
def test_dropout_in_train_zeroes_about_p_and_scales_the_rest():
    layer = nn.Dropout(p=0.3)
    x = tinygrad_edu.ones(200, 500, requires_grad=True)
    y = layer(x).detach().numpy()
    kept = y != 0
    assert abs(1 - kept.mean() - 0.3) < 0.01                   # 100,000 draws: ±0.005 is 3σ
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)     # E[y] = x
    assert y.dtype == np.float32


def test_dropout_gradient_uses_the_same_mask():
    x = tinygrad_edu.randn(50, 40, requires_grad=True)
    y = nn.Dropout(0.5)(x)
    y.sum().backward()
    mask = (y.detach().numpy() != 0)
    np.testing.assert_allclose(x.grad.numpy(), mask * 2.0)
    assert y.grad_fn.name() == "MulBackward0"


def test_dropout_is_identity_in_eval_and_toggles_with_train():
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    x = tinygrad_edu.randn(64, 4)
    model.eval()
    assert not model[1].training
    np.testing.assert_array_equal(model(x).detach().numpy(), model[0](x).detach().numpy())
    model.train()
    assert model[1].training
    assert (model(x).detach().numpy() == 0).mean() > 0.3


def test_dropout_edge_probabilities():
    x = tinygrad_edu.randn(10, 10, requires_grad=True)
    assert nn.Dropout(0.0)(x) is x
    assert (nn.Dropout(1.0)(x).detach().numpy() == 0).all()
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


def test_dropout_follows_the_seed():
    x = tinygrad_edu.ones(100)
    tinygrad_edu.manual_seed(3)
    a = nn.Dropout()(x).numpy().copy()
    tinygrad_edu.manual_seed(3)
    np.testing.assert_array_equal(nn.Dropout()(x).numpy(), a)


# -- LeNet -------------------------------------------------------------------------------------
def lenet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Tanh(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(16, 120, kernel_size=5), nn.Tanh(),
        nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(),
        nn.Linear(84, 10))


def shape_table(engine, x):
    """The course's table (seed 002, CNN §2.3): each layer's name and output shape."""
    lines = []
    for layer in lenet(engine.nn):
        x = layer(x)
        lines.append(f"{layer.__class__.__name__} output shape: \t {x.shape}")
    return lines


def test_lenet_shape_table_is_the_courses_on_both_engines():
    ours = shape_table(tinygrad_edu, tinygrad_edu.rand(1, 1, 28, 28))
    theirs = shape_table(torch, torch.rand(size=(1, 1, 28, 28)))
    assert ours == theirs
    assert ours[0] == "Conv2d output shape: \t torch.Size([1, 6, 28, 28])"
    assert ours[5] == "AvgPool2d output shape: \t torch.Size([1, 16, 5, 5])"
    assert ours[-1] == "Linear output shape: \t torch.Size([1, 10])"


def test_lenet_forward_backward_matches_torch():
    check_layer(lenet, (8, 1, 28, 28), rtol=1e-4, atol=2e-5)


def test_lenet_cross_entropy_step_matches_torch():
    torch.manual_seed(1)
    theirs, ours = lenet(torch.nn), lenet(nn)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 16)
    loss_t = torch.nn.CrossEntropyLoss()(theirs(torch.tensor(x)), torch.tensor(y))
    loss_o = nn.CrossEntropyLoss()(ours(tinygrad_edu.tensor(x)), tinygrad_edu.tensor(y))
    loss_t.backward()
    loss_o.backward()
    assert loss_o.item() == pytest.approx(loss_t.item(), rel=1e-5)
    for (name, p_o), p_t in zip(ours.named_parameters(), theirs.parameters()):
        assert_close(p_o.grad.numpy(), p_t.grad.numpy(), 1e-4, 1e-6, name)


def test_sequential_ordered_dict_names_layers():
    def build(nn):
        return nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU()),
                                          ("pool", nn.MaxPool2d(2))]))
    ours, theirs, _, _ = check_layer(build, (2, 1, 8, 8))
    assert [n for n, _ in ours.named_parameters()] == ["conv.weight", "conv.bias"]
