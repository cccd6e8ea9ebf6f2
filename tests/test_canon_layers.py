"""The layers of the canon (makemore's MLP and BatchNorm lectures, WaveNet, GPT, d2l) as
modules, against real torch from the same weights: BatchNorm's running statistics through
training steps and eval, state_dict keys and dtypes, Embedding's padding row and
from_pretrained, LayerNorm, LazyLinear, the printed reprs, and torch's error messages.
(The gradients of the functions themselves are in the case table, tests/cases_layers.py.)"""
import copy
import math

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def close(ours, theirs, rtol=1e-5, atol=1e-5, what=""):
    np.testing.assert_allclose(np.asarray(ours.detach().numpy()), theirs.detach().numpy(),
                               rtol=rtol, atol=atol, err_msg=what)


def randomize(module, torch, seed=0):
    """Random parameters (not torch's 1s and 0s), so that the scale and shift are tested."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    return module


def forward_backward(ours, theirs, x, torch, seed):
    """One forward and backward on both engines from the same input and upstream gradient;
    the outputs, the input gradients and every parameter gradient must agree."""
    xt, xo = torch.tensor(x, requires_grad=True), tinygrad_edu.tensor(x, requires_grad=True)
    out_t, out_o = theirs(xt), ours(xo)
    close(out_o, out_t, what="output")
    g = np.random.default_rng(seed).standard_normal(tuple(out_t.shape)).astype(np.float32)
    out_t.backward(torch.tensor(g)), out_o.backward(tinygrad_edu.tensor(g))
    close(xo.grad, xt.grad, what="input gradient")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        close(p.grad, theirs_params[name].grad, what=f"gradient of {name}")
        p.grad = None
    theirs.zero_grad()
    assert out_o.grad_fn.name() == type(out_t.grad_fn).__name__


def same_state(ours, theirs):
    """The same keys in the same order, the same dtypes, the same numbers."""
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    for key, value in theirs_sd.items():
        assert str(ours_sd[key].dtype) == str(value.dtype), key
        close(ours_sd[key], value, what=key)


# -- BatchNorm ---------------------------------------------------------------------------------
BATCH_NORMS = [("BatchNorm1d", (8, 5)), ("BatchNorm1d", (6, 5, 4)), ("BatchNorm2d", (4, 5, 3, 2))]


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("layer,shape", BATCH_NORMS)
def test_batch_norm_training_steps_then_eval_match_torch(torch, layer, shape, momentum):
    theirs = randomize(getattr(torch.nn, layer)(5, momentum=momentum), torch)
    ours = getattr(nn, layer)(5, momentum=momentum)
    ours.load_state_dict(theirs.state_dict())
    rng = np.random.default_rng(1)
    for step in range(3):   # train(): the batch's statistics; the running ones move
        x = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float32)
        forward_backward(ours, theirs, x, torch, step)
        same_state(ours, theirs)
    assert int(ours.num_batches_tracked) == 3
    ours.eval(), theirs.eval()   # eval(): the running statistics
    for step in range(2):
        forward_backward(ours, theirs, rng.standard_normal(shape).astype(np.float32), torch,
                         10 + step)
    same_state(ours, theirs)
    assert int(ours.num_batches_tracked) == 3   # eval leaves the statistics alone


def test_momentum_none_is_the_plain_average_of_the_batches():
    bn = nn.BatchNorm1d(2, momentum=None)
    batches = [np.random.default_rng(k).standard_normal((6, 2)).astype(np.float32)
               for k in range(4)]
    for b in batches:
        bn(tinygrad_edu.tensor(b))
    np.testing.assert_allclose(bn.running_mean.numpy(),
                               np.mean([b.mean(0) for b in batches], axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(),
                               np.mean([b.var(0, ddof=1) for b in batches], axis=0), rtol=1e-5)


@pytest.mark.parametrize("options", [dict(), dict(affine=False), dict(bias=False),
                                     dict(track_running_stats=False),
                                     dict(affine=False, track_running_stats=False)],
                         ids=lambda o: ",".join(o) or "default")
def test_batch_norm_state_dict_keys_dtypes_and_start_values(torch, options):
    theirs, ours = torch.nn.BatchNorm1d(4, **options), nn.BatchNorm1d(4, **options)
    same_state(ours, theirs)
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


@pytest.mark.parametrize("options", [dict(), dict(track_running_stats=False)],
                         ids=["tracked", "untracked"])
def test_batch_norm_modes_without_and_with_running_stats(torch, options):
    """track_running_stats=False: the batch's statistics in eval too."""
    theirs = randomize(torch.nn.BatchNorm1d(3, **options), torch, seed=2)
    ours = nn.BatchNorm1d(3, **options)
    ours.load_state_dict(theirs.state_dict())
    ours.eval(), theirs.eval()
    x = np.random.default_rng(5).standard_normal((7, 3)).astype(np.float32)
    forward_backward(ours, theirs, x, torch, 0)
    same_state(ours, theirs)


def test_batch_norm_state_dict_round_trip(torch):
    theirs = randomize(torch.nn.BatchNorm2d(3), torch)
    ours = nn.BatchNorm2d(3)
    ours.load_state_dict(theirs.state_dict())
    ours(tinygrad_edu.randn(4, 3, 2, 2))   # moves the running statistics
    again = nn.BatchNorm2d(3)
    assert not again.load_state_dict(ours.state_dict()).missing_keys
    for key, value in ours.state_dict().items():
        np.testing.assert_array_equal(again.state_dict()[key].numpy(), value.numpy())
    assert again.num_batches_tracked.dtype == tinygrad_edu.int64
    back = torch.nn.BatchNorm2d(3)   # and into torch
    back.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    same_state(ours, back)


def test_batch_norm_to_double_keeps_the_count_an_integer():
    bn, f64 = nn.BatchNorm1d(3).double(), tinygrad_edu.float64
    assert (bn.running_mean.dtype, bn.num_batches_tracked.dtype) == (f64, tinygrad_edu.int64)
    assert bn(tinygrad_edu.randn(4, 3, dtype=f64)).dtype == f64


@pytest.mark.parametrize("layer,shape,train", [
    ("BatchNorm1d", (1, 4), True), ("BatchNorm1d", (1, 4, 1), True),
    ("BatchNorm1d", (3, 4, 2, 2), True), ("BatchNorm1d", (4,), True),
    ("BatchNorm1d", (3, 5), True), ("BatchNorm2d", (3, 4), True),
    ("BatchNorm2d", (3, 4, 2), False)])
def test_batch_norm_errors_match_torch(torch, layer, shape, train):
    """Batch size 1 in training: torch's message (there is no variance of one number)."""
    x = np.ones(shape, np.float32)
    with pytest.raises(Exception) as theirs:
        getattr(torch.nn, layer)(4).train(train)(torch.tensor(x))
    with pytest.raises(type(theirs.value)) as ours:
        getattr(nn, layer)(4).train(train)(tinygrad_edu.tensor(x))
    assert str(ours.value) == str(theirs.value)


def test_batch_norm_of_one_sample_works_in_eval():
    assert nn.BatchNorm1d(4).eval()(tinygrad_edu.ones(1, 4)).shape == (1, 4)


def test_batch_norm_of_an_empty_batch_is_a_copy_and_learns_nothing(torch):
    ours, theirs = nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3)
    out_o = ours(tinygrad_edu.zeros(0, 3, requires_grad=True))
    out_t = theirs(torch.zeros(0, 3, requires_grad=True))
    assert out_o.shape == (0, 3) and out_o.grad_fn.name() == type(out_t.grad_fn).__name__
    same_state(ours, theirs)


# -- Embedding ---------------------------------------------------------------------------------
def test_embedding_matches_torch_from_the_same_table(torch):
    theirs, ours = torch.nn.Embedding(27, 10), nn.Embedding(27, 10)
    ours.load_state_dict(theirs.state_dict())
    idx = np.random.default_rng(0).integers(0, 27, (32, 3))
    out_t, out_o = theirs(torch.tensor(idx)), ours(tinygrad_edu.tensor(idx))
    close(out_o, out_t)
    assert out_o.grad_fn.name() == "EmbeddingBackward0"
    g = np.random.default_rng(1).standard_normal((32, 3, 10)).astype(np.float32)
    out_t.backward(torch.tensor(g)), out_o.backward(tinygrad_edu.tensor(g))
    close(ours.weight.grad, theirs.weight.grad)


def test_embedding_starts_from_a_standard_normal():
    tinygrad_edu.manual_seed(0)
    w = nn.Embedding(200, 100).weight.detach().numpy()
    assert w.dtype == np.float32
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient(torch):
    emb = nn.Embedding(5, 3, padding_idx=-1)
    assert emb.padding_idx == 4 == torch.nn.Embedding(5, 3, padding_idx=-1).padding_idx
    assert not emb.weight.detach().numpy()[4].any() and emb.weight.detach().numpy()[:4].all()
    theirs = torch.nn.Embedding(5, 3, padding_idx=4)
    emb.load_state_dict(theirs.state_dict())
    idx = np.array([[4, 1, 4], [0, 1, 2]])
    out_o, out_t = emb(tinygrad_edu.tensor(idx)), theirs(torch.tensor(idx))
    (out_o * out_o).sum().backward(), (out_t * out_t).sum().backward()
    close(emb.weight.grad, theirs.weight.grad)
    assert not emb.weight.grad.numpy()[4].any() and emb.weight.grad.numpy()[1].any()


@pytest.mark.parametrize("freeze", [True, False])
def test_embedding_from_pretrained(torch, freeze):
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    ours = nn.Embedding.from_pretrained(tinygrad_edu.tensor(table), freeze=freeze)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table), freeze=freeze)
    assert ours.weight.requires_grad == theirs.weight.requires_grad == (not freeze)
    assert repr(ours) == repr(theirs)
    out = ours(tinygrad_edu.tensor([2, 0]))
    np.testing.assert_array_equal(out.detach().numpy(), table[[2, 0]])
    assert out.requires_grad == (not freeze)


def test_embedding_from_pretrained_shares_the_table_and_keeps_the_padding_row():
    table = tinygrad_edu.ones(3, 2)
    emb = nn.Embedding.from_pretrained(table, padding_idx=0)
    table[0, 0] = 7.0
    assert emb.weight[0, 0].item() == 7.0   # no reset: the padding row stays as given


def test_embedding_max_norm_rescales_the_rows_it_reads(torch):
    table = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32) * 3
    idx = np.array([[1, 2], [2, 5]])
    ours = nn.Embedding.from_pretrained(tinygrad_edu.tensor(table), max_norm=1.5)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table), max_norm=1.5)
    close(ours(tinygrad_edu.tensor(idx)), theirs(torch.tensor(idx)))
    close(ours.weight, theirs.weight)


# -- LayerNorm ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,options", [
    (10, dict()), ((4, 5), dict(eps=1e-3)), (5, dict(bias=False)),
    (5, dict(elementwise_affine=False))])
def test_layer_norm_module_matches_torch(torch, shape, options):
    theirs = randomize(torch.nn.LayerNorm(shape, **options), torch)
    ours = nn.LayerNorm(shape, **options)
    assert repr(ours) == repr(theirs)
    same_state(ours, torch.nn.LayerNorm(shape, **options))   # starts at 1s and 0s
    ours.load_state_dict(theirs.state_dict())
    last = (shape,) if isinstance(shape, int) else shape
    x = np.random.default_rng(0).standard_normal((3, 2) + last).astype(np.float32) * 3 + 1
    forward_backward(ours, theirs, x, torch, 0)


# -- LazyLinear --------------------------------------------------------------------------------
def test_lazy_linear_takes_in_features_from_its_first_input(torch):
    lazy, theirs = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    assert repr(lazy) == repr(theirs)
    params = list(lazy.parameters())   # before the first call: no crash, no shape yet
    assert len(params) == 2 and all(isinstance(p, nn.UninitializedParameter) for p in params)
    assert repr(params[0]) == repr(list(theirs.parameters())[0]) == "<UninitializedParameter>"
    assert isinstance(lazy, nn.Linear)
    optimizer = tinygrad_edu.optim.SGD(lazy.parameters(), lr=0.1)
    x = tinygrad_edu.randn(2, 3)
    out = lazy(x)
    theirs(torch.randn(2, 3))
    assert type(lazy) is nn.Linear and repr(lazy) == repr(theirs)
    assert lazy.weight.shape == (4, 3) and lazy.bias.shape == (4,)
    assert lazy.weight is params[0] and type(lazy.weight) is nn.Parameter
    np.testing.assert_allclose(out.detach().numpy(),
                               (x @ lazy.weight.t() + lazy.bias).detach().numpy(),
                               rtol=1e-6)
    before = lazy.weight.detach().numpy().copy()
    assert np.abs(before).max() <= 1 / math.sqrt(3) and before.std() > 0   # Linear's init
    out.sum().backward()
    optimizer.step()   # the optimizer built before the first call holds the same tensors
    assert not np.array_equal(before, lazy.weight.detach().numpy())


def test_lazy_linear_without_bias_and_copied_before_its_first_call(torch):
    lazy = nn.LazyLinear(2, bias=False)
    assert repr(lazy) == repr(torch.nn.LazyLinear(2, bias=False))
    twin = copy.deepcopy(lazy)
    assert twin(tinygrad_edu.randn(5, 7)).shape == (5, 2) and twin.weight.shape == (2, 7)
    assert lazy.has_uninitialized_params()


# -- reprs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [
    lambda nn: nn.BatchNorm1d(200), lambda nn: nn.BatchNorm1d(3, momentum=None, affine=False),
    lambda nn: nn.BatchNorm1d(3, eps=1e-3, track_running_stats=False),
    lambda nn: nn.BatchNorm1d(3, bias=False), lambda nn: nn.BatchNorm2d(16),
    lambda nn: nn.LayerNorm(10), lambda nn: nn.LayerNorm((3, 4), elementwise_affine=False),
    lambda nn: nn.LayerNorm(5, bias=False, eps=1e-6),
    lambda nn: nn.Embedding(27, 10), lambda nn: nn.Embedding(27, 10, padding_idx=0),
    lambda nn: nn.Embedding(5, 3, max_norm=1.0, norm_type=3.0, scale_grad_by_freq=True),
    lambda nn: nn.GELU(), lambda nn: nn.GELU(approximate="tanh"), lambda nn: nn.LeakyReLU(),
    lambda nn: nn.LeakyReLU(0.2, inplace=True), lambda nn: nn.L1Loss(),
    lambda nn: nn.L1Loss(reduction="sum"), lambda nn: nn.LazyLinear(5),
    lambda nn: nn.Sequential(nn.Embedding(27, 10), nn.Flatten(), nn.Linear(30, 200),
                             nn.BatchNorm1d(200), nn.Tanh(), nn.Linear(200, 27)),
])
def test_repr_is_torchs(torch, build):
    assert repr(build(nn)) == repr(build(torch.nn))


# -- the functions' other behaviour: dtypes, options, errors -----------------------------------
@pytest.mark.parametrize("call", [
    lambda t, F: F.gelu(t.linspace(-3, 3, 5, dtype=t.float64), approximate="tanh"),
    lambda t, F: F.leaky_relu(t.linspace(-3, 3, 5), 0.2, True),
    lambda t, F: F.pad(t.arange(6).reshape(2, 3), (1, 1), value=2.7),
    lambda t, F: F.pad(t.arange(6).reshape(2, 3) > 2, (1, 0, 0, 1), value=1),
    lambda t, F: F.pad(t.ones(2, 3), (-3, 0)),
    lambda t, F: F.pad(t.ones(2, 3), (0, 0)),
    lambda t, F: F.l1_loss(t.ones(2, 3, dtype=t.int32), t.zeros(2, 3, dtype=t.int32),
                           reduction="sum"),
    lambda t, F: F.l1_loss(t.linspace(-3, 3, 6).reshape(2, 3), t.ones(2, 3, dtype=t.int64),
                           reduction="none"),
    lambda t, F: F.l1_loss(t.linspace(-3, 3, 4), t.ones(4), weight=t.linspace(0, 1, 4)),
])
def test_results_and_dtypes_match_torch(torch, call):
    ours, theirs = call(tinygrad_edu, F), call(torch, torch.nn.functional)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("call", [
    lambda t, F: F.gelu(t.randn(3), approximate="tan"),
    lambda t, F: F.gelu(t.arange(3)),
    lambda t, F: F.leaky_relu(t.arange(3)),
    lambda t, F: F.leaky_relu(t.arange(3) > 1),
    lambda t, F: F.pad(t.randn(4, 3), (1,)),
    lambda t, F: F.pad(t.randn(4, 3), (1, 1, 1, 1, 1, 1)),
    lambda t, F: F.pad(t.randn(4, 3), (-2, -2)),
    lambda t, F: F.pad(t.randn(4, 3), (-4, 2)),
    lambda t, F: F.pad(t.randn(4, 3), (1, 1), mode="foo"),
    lambda t, F: F.pad(t.randn(4, 3), (1, 1), "reflect", 2.0),
    lambda t, F: F.pad(t.randn(4, 3), [1.5, 1]),
    lambda t, F: F.l1_loss(t.randn(3), t.randn(3), reduction="average"),
    lambda t, F: F.l1_loss(t.randn(3), t.randn(3), weight=t.ones(2)),
    lambda t, F: F.batch_norm(t.randn(4, 3), t.zeros(4), t.ones(3), training=True),
    lambda t, F: F.batch_norm(t.randn(4, 3), t.zeros(3), t.ones(3), t.ones(5), training=True),
    lambda t, F: F.batch_norm(t.randn(4, 3), t.zeros(3), t.ones(3), None, t.ones(6)),
    lambda t, F: F.batch_norm(t.randn(4, 3), None, t.ones(3), training=True),
    lambda t, F: F.batch_norm(t.randn(4, 3), None, None),
    lambda t, F: F.batch_norm(t.randn(4, 3), None, None, training=True, eps=0.0),
    lambda t, F: F.batch_norm(t.randn(4, 3), t.zeros(3), t.ones(3), eps=-1.0),
    lambda t, F: F.batch_norm(t.ones(4, 3, dtype=t.int64), None, None, training=True),
    lambda t, F: F.batch_norm(t.randn(1, 3), None, None, training=True),
    lambda t, F: F.batch_norm(t.randn(4), None, None, training=True),
    lambda t, F: F.layer_norm(t.randn(4, 3), (3,), t.ones(3, dtype=t.float64)),
    lambda t, F: F.batch_norm(t.randn(4, 3, dtype=t.float64), t.zeros(3), t.ones(3),
                              training=True),
    lambda t, F: F.embedding(t.tensor([1.0, 2.0]), t.randn(5, 3)),
    lambda t, F: F.embedding(t.tensor([True]), t.randn(5, 3)),
    lambda t, F: F.embedding(t.tensor([1, 5]), t.randn(5, 3)),
    lambda t, F: F.embedding(t.tensor([1, -1]), t.randn(5, 3)),
    lambda t, F: F.embedding(t.tensor([1]), t.randn(5)),
    lambda t, F: F.embedding(t.tensor([1]), t.randn(5, 3), padding_idx=5),
    lambda t, F: t.nn.Embedding(5, 3, padding_idx=-6),
    lambda t, F: t.nn.Embedding(5, 3, _weight=t.randn(4, 3)),
    lambda t, F: t.nn.Embedding.from_pretrained(t.randn(3)),
    lambda t, F: F.layer_norm(t.randn(4, 3), (4,)),
    lambda t, F: F.layer_norm(t.randn(4, 3), 3),
    lambda t, F: F.layer_norm(t.randn(4, 3), [3.0]),
    lambda t, F: F.layer_norm(t.randn(4, 3), ()),
    lambda t, F: F.layer_norm(t.randn(4, 3), (3,), t.ones(4)),
    lambda t, F: F.layer_norm(t.randn(4, 3), (3,), None, t.ones(4)),
    lambda t, F: F.layer_norm(t.randn(4, 3), (4, 3, 3)),
    lambda t, F: F.layer_norm(t.ones(4, 3, dtype=t.int64), (3,)),
    lambda t, F: t.nn.LayerNorm(3)(t.randn(2, 4)),
])
def test_errors_match_torch(torch, call):
    same_error(call, torch)


def same_error(call, torch):
    """The same exception type as torch, and torch's message (ours may add a hint after it)."""
    with pytest.raises(Exception) as theirs:
        call(torch, torch.nn.functional)
    with pytest.raises(Exception) as ours:
        call(tinygrad_edu, F)
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)
    assert str(ours.value).startswith(str(theirs.value).split(" (")[0]), (ours.value,
                                                                         theirs.value)


def test_l1_loss_warns_when_the_target_broadcasts():
    with pytest.warns(UserWarning, match="different to the input size"):
        F.l1_loss(tinygrad_edu.randn(4, 3), tinygrad_edu.randn(3))


def test_sparse_embedding_gradients_are_not_pretended():
    with pytest.raises(NotImplementedError, match="sparse"):
        F.embedding(tinygrad_edu.tensor([1]), tinygrad_edu.randn(3, 2), sparse=True)


# -- GELU's normal CDF (NumPy has no erf) ------------------------------------------------------
def test_normal_cdf_agrees_with_math_erf_to_float64_rounding():
    from tinygrad_edu.ops.layer_ops import normal_cdf
    x = np.concatenate([np.linspace(-12, 12, 20001), np.geomspace(1e-12, 1, 200),
                        -np.geomspace(1e-12, 1, 200), [0.0, np.inf, -np.inf]])
    exact = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    # ... except where torch's ½·(1 + erf) cancels to exactly 0 (erf rounds to −1)
    exact = np.where((x < 0) & (1 - 2 * exact == 1), 0, exact)
    np.testing.assert_allclose(normal_cdf(x), exact, rtol=1e-13, atol=1e-16)
    assert normal_cdf(np.array([-8.0]))[0] > 0 and normal_cdf(np.array([-8.5]))[0] == 0
    # float32: e^(−x²/2) is only as exact as x² in float32 (relative 4e-6 at |x| = 8)
    inner = (np.abs(x) <= 8) & ((x > -5.3) | (x < -5.5))   # not at the float32 cancel edge
    x32 = x[inner].astype(np.float32)
    exact32 = np.array([0.5 * math.erfc(-float(v) / math.sqrt(2)) for v in x32], np.float32)
    exact32 = np.where((x32 < 0) & (1 - 2 * exact32 == 1), 0, exact32)
    assert normal_cdf(x32).dtype == np.float32
    np.testing.assert_allclose(normal_cdf(x32), exact32, rtol=1e-5, atol=1e-30)
    big = np.repeat(x[inner], 4)   # more than a block: computed block by block
    np.testing.assert_allclose(normal_cdf(big), np.repeat(exact[inner], 4), rtol=1e-13,
                               atol=1e-16)
    assert normal_cdf(np.float32([-5.0]))[0] > 0 and normal_cdf(np.float32([-6.0]))[0] == 0
    assert np.isnan(normal_cdf(np.array([np.nan]))).all()


def test_gelu_keeps_float32_and_is_exact_in_the_tails(torch):
    """torch's float32 x·½(1 + erf(x/√2)) cancels for x << 0 (1 + erf ≈ 0): within 3e-7 of
    it; ours takes Φ from erfc there, close to the exact value, down to where torch's sum is
    exactly 0 (x < −5.4 in float32): −0.0 there, as in torch."""
    x = np.array([-1e4, -40.0, -7.0, -5.0, -0.5, 0.0, 3.0, 50.0, 1e4], np.float32)
    exact = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in x.astype(np.float64)])
    for approximate in ("none", "tanh"):
        ours = F.gelu(tinygrad_edu.tensor(x), approximate=approximate)
        theirs = torch.nn.functional.gelu(torch.tensor(x), approximate=approximate)
        assert ours.dtype == tinygrad_edu.float32
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=3e-7)
    ours = F.gelu(tinygrad_edu.tensor(x)).numpy()
    exact = np.where(x < -5.4, 0, exact)
    np.testing.assert_allclose(ours, exact, rtol=1e-6, atol=1e-30)
    theirs = torch.nn.functional.gelu(torch.tensor(x)).numpy()
    np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))
