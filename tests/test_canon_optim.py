"""optim.RMSprop, optim.Adagrad and optim.lr_scheduler follow torch: the same trajectories
from the same weights and gradients, the same learning-rate sequences (exactly), the same
state_dict keys and values."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import optim

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (5,), ()]
STEPS = 20


def _arrays(seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in SHAPES]


GRADS = [_arrays(100 + t) for t in range(STEPS)]


def _run(engine, make_opt, steps=STEPS, params=None, opt=None, start=0):
    """Feed both engines the same gradients (one parameter skips a step now and then)."""
    if params is None:
        params = [engine.tensor(a, requires_grad=True) for a in _arrays(0)]
    opt = opt or make_opt(engine, params)
    trajectory = []
    for t in range(start, start + steps):
        for i, (p, g) in enumerate(zip(params, GRADS[t])):
            p.grad = None if (t % 6 == 4 and i == 1) else engine.tensor(g.copy())
        opt.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory, opt, params


def _assert_same(ours, theirs, rtol=1e-5, atol=1e-6):
    for step, (a_params, b_params) in enumerate(zip(ours, theirs)):
        for a, b in zip(a_params, b_params):
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol,
                                       err_msg=f"differs from torch at step {step + 1}")


RMSPROP_CONFIGS = [
    dict(),
    dict(lr=0.05, alpha=0.9, eps=1e-6),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, centered=True),
    dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.05),
    dict(lr=0.02, alpha=0.3, centered=True),  # lerp weight 0.7: torch's other rounding
    dict(lr=0.01, momentum=0.8, maximize=True),
]

ADAGRAD_CONFIGS = [
    dict(),
    dict(lr=0.1, lr_decay=0.05),
    dict(lr=0.1, weight_decay=0.1),
    dict(lr=0.1, initial_accumulator_value=0.5),
    dict(lr=0.05, eps=1e-3, maximize=True),
    dict(lr=0.1, lr_decay=0.01, weight_decay=0.02, initial_accumulator_value=0.1),
]


@pytest.mark.parametrize("config", RMSPROP_CONFIGS, ids=str)
def test_rmsprop_follows_torch(config):
    ours, _, _ = _run(tinygrad_edu, lambda e, p: e.optim.RMSprop(p, **config))
    theirs, _, _ = _run(torch, lambda e, p: e.optim.RMSprop(p, **config))
    _assert_same(ours, theirs)


@pytest.mark.parametrize("config", ADAGRAD_CONFIGS, ids=str)
def test_adagrad_follows_torch(config):
    ours, _, _ = _run(tinygrad_edu, lambda e, p: e.optim.Adagrad(p, **config))
    theirs, _, _ = _run(torch, lambda e, p: e.optim.Adagrad(p, **config))
    _assert_same(ours, theirs)


def _assert_same_state_dict(ours, theirs):
    assert ours["param_groups"] == theirs["param_groups"]
    assert ours["state"].keys() == theirs["state"].keys()
    for i, state in theirs["state"].items():
        assert list(ours["state"][i]) == list(state)  # the same keys, in the same order
        for key, value in state.items():
            mine = ours["state"][i][key]
            assert mine.dtype == tinygrad_edu.float32 and mine.shape == tuple(value.shape)
            np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name, config", [
    ("RMSprop", dict(momentum=0.9, centered=True)), ("RMSprop", dict()),
    ("Adagrad", dict(lr_decay=0.1, initial_accumulator_value=0.2))])
def test_state_dict_matches_torch(name, config):
    _, ours, _ = _run(tinygrad_edu, lambda e, p: getattr(e.optim, name)(p, **config), 7)
    _, theirs, _ = _run(torch, lambda e, p: getattr(e.optim, name)(p, **config), 7)
    _assert_same_state_dict(ours.state_dict(), theirs.state_dict())


def test_adagrad_fills_its_state_at_construction_as_torch_does():
    def build(engine):
        params = [engine.tensor(a, requires_grad=True) for a in _arrays(0)]
        return engine.optim.Adagrad(params, initial_accumulator_value=0.3)
    _assert_same_state_dict(build(tinygrad_edu).state_dict(), build(torch).state_dict())


@pytest.mark.parametrize("name, config", [
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1))])
def test_state_dict_round_trip_continues_the_same_trajectory(name, config):
    def make(e, p):
        return getattr(e.optim, name)(p, **config)
    whole, _, _ = _run(tinygrad_edu, make, 16)
    first, opt, params = _run(tinygrad_edu, make, 8)
    saved = opt.state_dict()
    fresh_params = [tinygrad_edu.tensor(p.detach().numpy(), requires_grad=True) for p in params]
    fresh = make(tinygrad_edu, fresh_params)
    fresh.load_state_dict(saved)
    rest, _, _ = _run(tinygrad_edu, make, 8, fresh_params, fresh, start=8)
    for a_params, b_params in zip(whole, first + rest):
        for a, b in zip(a_params, b_params):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name, config", [
    ("RMSprop", dict(lr=-1)), ("RMSprop", dict(alpha=-0.1)), ("RMSprop", dict(eps=-1)),
    ("RMSprop", dict(momentum=-1)), ("RMSprop", dict(weight_decay=-1)),
    ("Adagrad", dict(lr=-1)), ("Adagrad", dict(lr_decay=-1)),
    ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)),
    ("Adagrad", dict(weight_decay=-1))])
def test_invalid_hyperparameters_are_refused_as_torch_does(name, config):
    for engine in (torch, tinygrad_edu):
        with pytest.raises(ValueError, match="Invalid"):
            getattr(engine.optim, name)([engine.zeros(2, requires_grad=True)], **config)


def test_defaults_and_repr_keys_match_torch():
    for name in ("RMSprop", "Adagrad"):
        ours = getattr(optim, name)([tinygrad_edu.zeros(2, requires_grad=True)])
        theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
        assert ours.defaults == theirs.defaults
        assert repr(ours) == repr(theirs)


def test_float64_parameters_stay_float64():
    w = tinygrad_edu.tensor([1.0, 2.0], dtype=tinygrad_edu.float64, requires_grad=True)
    for opt in (optim.RMSprop([w], centered=True, momentum=0.5), optim.Adagrad([w])):
        w.grad = tinygrad_edu.tensor([0.5, -1.0], dtype=tinygrad_edu.float64)
        opt.step()
        assert w.dtype == tinygrad_edu.float64
        assert all(v.dtype == tinygrad_edu.float64 for s in opt.state.values()
                   for k, v in s.items() if k != "step")


# -- learning-rate schedulers ----------------------------------------------------------------
EPOCHS = 40


def _two_group_sgd(engine, lrs=(0.1, 0.03)):
    a, b = (engine.zeros(2, requires_grad=True) for _ in range(2))
    return engine.optim.SGD([{"params": [a]}, {"params": [b], "lr": lrs[1]}], lr=lrs[0],
                            momentum=0.9)


SCHEDULERS = [
    ("StepLR", dict(step_size=3)),
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 20], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("ExponentialLR", dict(gamma=0.77)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95 ** epoch)),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (e + 1), lambda e: min(1.0, (e + 1) / 5)])),
]


def _lr_sequence(engine, name, config, epochs=EPOCHS, with_epoch=False):
    opt = _two_group_sgd(engine)
    scheduler = getattr(engine.optim.lr_scheduler, name)(opt, **config)
    seen = [(scheduler.get_last_lr(), [g["lr"] for g in opt.param_groups])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # step(epoch) is deprecated in both
        for epoch in range(1, epochs):
            opt.step()
            scheduler.step(epoch) if with_epoch else scheduler.step()
            seen.append((scheduler.get_last_lr(), [g["lr"] for g in opt.param_groups]))
    return seen, scheduler, opt


@pytest.mark.parametrize("name, config", SCHEDULERS, ids=str)
def test_lr_sequence_equals_torch_exactly(name, config):
    ours, _, _ = _lr_sequence(tinygrad_edu, name, config)
    theirs, _, _ = _lr_sequence(torch, name, config)
    assert ours == theirs  # floats compared with ==: the same operations in the same order


@pytest.mark.parametrize("name, config", SCHEDULERS, ids=str)
def test_closed_form_with_an_epoch_equals_torch_exactly(name, config):
    ours, _, _ = _lr_sequence(tinygrad_edu, name, config, with_epoch=True)
    theirs, _, _ = _lr_sequence(torch, name, config, with_epoch=True)
    assert ours == theirs


def _plain(state):
    """A scheduler state dict with its values as plain Python (Counter stays a Counter)."""
    return {k: (v if not isinstance(v, list) else list(v)) for k, v in state.items()}


@pytest.mark.parametrize("name, config", SCHEDULERS, ids=str)
def test_state_dict_keys_and_values_equal_torch(name, config):
    _, ours, ours_opt = _lr_sequence(tinygrad_edu, name, config, epochs=13)
    _, theirs, theirs_opt = _lr_sequence(torch, name, config, epochs=13)
    assert _plain(ours.state_dict()) == _plain(theirs.state_dict())
    drop = {"params"}
    assert [{k: v for k, v in g.items() if k not in drop} for g in ours_opt.param_groups] == \
        [{k: v for k, v in g.items() if k not in drop} for g in theirs_opt.param_groups]


@pytest.mark.parametrize("name, config", SCHEDULERS, ids=str)
def test_load_state_dict_continues_the_same_sequence(name, config):
    whole, _, _ = _lr_sequence(tinygrad_edu, name, config, epochs=30)
    first, scheduler, opt = _lr_sequence(tinygrad_edu, name, config, epochs=12)
    saved_opt, saved = opt.state_dict(), scheduler.state_dict()
    opt2 = _two_group_sgd(tinygrad_edu)
    scheduler2 = getattr(optim.lr_scheduler, name)(opt2, **config)
    opt2.load_state_dict(saved_opt)
    scheduler2.load_state_dict(saved)
    rest = []
    for _ in range(18):
        opt2.step()
        scheduler2.step()
        rest.append((scheduler2.get_last_lr(), [g["lr"] for g in opt2.param_groups]))
    assert first + rest == whole


def test_initial_lr_is_recorded_and_required_to_resume():
    for engine in (torch, tinygrad_edu):
        opt = _two_group_sgd(engine)
        scheduler = engine.optim.lr_scheduler.StepLR(opt, 2)
        assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.03]
        assert scheduler.base_lrs == [0.1, 0.03] and scheduler.last_epoch == 0
        with pytest.raises(KeyError, match="initial_lr"):
            engine.optim.lr_scheduler.StepLR(_two_group_sgd(engine), 2, last_epoch=4)


@pytest.mark.parametrize("name, config", [("CosineAnnealingLR", dict(T_max=9)),
                                          ("StepLR", dict(step_size=4)),
                                          ("ExponentialLR", dict(gamma=0.8))])
def test_resuming_at_a_later_epoch_equals_torch(name, config):
    def run(engine):
        opt = _two_group_sgd(engine)
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"] * 2
        scheduler = getattr(engine.optim.lr_scheduler, name)(opt, last_epoch=5, **config)
        lrs = [scheduler.get_last_lr()]
        for _ in range(20):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        return lrs, scheduler.last_epoch
    assert run(tinygrad_edu) == run(torch)


def test_scheduler_step_before_optimizer_step_warns_as_torch_does():
    for engine in (torch, tinygrad_edu):
        opt = _two_group_sgd(engine)
        scheduler = engine.optim.lr_scheduler.StepLR(opt, 2)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            scheduler.step()
        opt = _two_group_sgd(engine)
        scheduler = engine.optim.lr_scheduler.StepLR(opt, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
            scheduler.step()


def test_get_lr_outside_step_warns_and_base_class_names_exist():
    for engine in (torch, tinygrad_edu):
        scheduler = engine.optim.lr_scheduler.ExponentialLR(_two_group_sgd(engine), 0.5)
        with pytest.warns(UserWarning, match="get_last_lr"):
            scheduler.get_lr()
        assert issubclass(engine.optim.lr_scheduler._LRScheduler,
                          engine.optim.lr_scheduler.LRScheduler)
        with pytest.raises(TypeError, match="is not an Optimizer"):
            engine.optim.lr_scheduler.StepLR(object(), 2)


class _Warmup:
    """A callable object: LambdaLR saves its attributes in state_dict."""

    def __init__(self, steps):
        self.steps = steps

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.steps)


def test_lambda_lr_saves_callable_objects_but_not_functions():
    states = []
    for engine in (torch, tinygrad_edu):
        opt = _two_group_sgd(engine)
        scheduler = engine.optim.lr_scheduler.LambdaLR(opt, [_Warmup(4), lambda e: 0.5])
        states.append(scheduler.state_dict())
        scheduler.load_state_dict({**scheduler.state_dict(), "lr_lambdas": [{"steps": 9}, None]})
        assert scheduler.lr_lambdas[0].steps == 9
    assert states[0] == states[1]
    assert states[1]["lr_lambdas"] == [{"steps": 4}, None]


PLATEAU_CONFIGS = [
    dict(),
    dict(patience=2),
    dict(mode="max", factor=0.5, patience=1, cooldown=2),
    dict(threshold_mode="abs", threshold=0.05, patience=0, min_lr=0.004),
    dict(mode="max", threshold_mode="abs", threshold=0.01, patience=1, min_lr=[0.01, 0.001]),
    dict(factor=0.5, patience=0, eps=0.01),
]
METRICS = [1.0, 0.9, 0.95, 0.91, 0.9, 0.92, 0.5, 0.5, 0.6, 0.49, 0.7, 0.7, 0.8, 0.3, 0.31,
           0.31, 0.32, 0.2, 0.25, 0.26, 0.27, 0.28, 0.19, 0.2, 0.21, 0.4, 0.4, 0.4, 0.1, 0.1,
           0.11, 0.12, 0.13, 0.14, 0.15]


def _plateau(engine, config):
    opt = _two_group_sgd(engine)
    scheduler = engine.optim.lr_scheduler.ReduceLROnPlateau(opt, **config)
    seen = []
    for metric in METRICS:
        opt.step()
        scheduler.step(metric)
        seen.append((scheduler.get_last_lr(), scheduler.num_bad_epochs,
                     scheduler.cooldown_counter, scheduler.best))
    return seen, scheduler


@pytest.mark.parametrize("config", PLATEAU_CONFIGS, ids=str)
def test_reduce_lr_on_plateau_equals_torch(config):
    ours, ours_scheduler = _plateau(tinygrad_edu, config)
    theirs, theirs_scheduler = _plateau(torch, config)
    assert ours == theirs
    assert ours_scheduler.state_dict() == theirs_scheduler.state_dict()


def test_reduce_lr_on_plateau_errors_match_torch():
    for engine in (torch, tinygrad_edu):
        plateau = engine.optim.lr_scheduler.ReduceLROnPlateau
        with pytest.raises(ValueError, match="Factor should be < 1.0"):
            plateau(_two_group_sgd(engine), factor=1.0)
        with pytest.raises(ValueError, match="mode sideways is unknown"):
            plateau(_two_group_sgd(engine), mode="sideways")
        with pytest.raises(ValueError, match="threshold mode x is unknown"):
            plateau(_two_group_sgd(engine), threshold_mode="x")
        with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
            plateau(_two_group_sgd(engine), min_lr=[0.1])
