"""optim: SGD and Adam follow torch's trajectories step by step; the Optimizer base behaves
like torch's (param groups, zero_grad, state_dict, errors)."""
import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import optim

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (4,), ()]
STEPS = 25


def _init_arrays(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in SHAPES]


def _grad_sequence(seed=1):
    """The gradients both engines receive, step by step (some steps leave a param out)."""
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(STEPS)]


def _run_fixed_grads(engine, make_opt, grads):
    params = [engine.tensor(a.copy(), requires_grad=True) for a in _init_arrays()]
    opt = make_opt(engine, params)
    trajectory = []
    for t, step_grads in enumerate(grads):
        for i, (p, g) in enumerate(zip(params, step_grads)):
            p.grad = None if (t % 7 == 3 and i == 1) else engine.tensor(g.copy())
        opt.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory, opt


def _run_objective(engine, make_opt):
    """A small smooth objective through backward: sum(c * p**2) + sum(p**3) / 10."""
    params = [engine.tensor(a.copy(), requires_grad=True) for a in _init_arrays(2)]
    coeffs = [engine.tensor(np.full(s, 0.5 + i, np.float32)) for i, s in enumerate(SHAPES)]
    opt = make_opt(engine, params)
    trajectory = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = sum(((c * p ** 2).sum() + (p ** 3).sum() / 10) for c, p in zip(coeffs, params))
        loss.backward()
        opt.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory


def _assert_same_trajectory(ours, theirs, rtol=2e-6, atol=2e-6):
    for step, (a_params, b_params) in enumerate(zip(ours, theirs)):
        for a, b in zip(a_params, b_params):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol,
                                       err_msg=f"differs from torch at step {step + 1}")


SGD_CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, weight_decay=0.1),
    dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True),
    dict(lr=0.1, weight_decay=0.2, maximize=True),
]

ADAM_CONFIGS = [
    dict(lr=0.01),
    dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, amsgrad=True),
    dict(lr=0.02, amsgrad=True, weight_decay=0.05, maximize=True),
    dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
]


@pytest.mark.parametrize("config", SGD_CONFIGS, ids=str)
def test_sgd_follows_torch_with_the_same_gradients(config):
    grads = _grad_sequence()
    ours, _ = _run_fixed_grads(tinygrad_edu, lambda e, p: optim.SGD(p, **config), grads)
    theirs, _ = _run_fixed_grads(torch, lambda e, p: torch.optim.SGD(p, **config), grads)
    _assert_same_trajectory(ours, theirs)


@pytest.mark.parametrize("config", ADAM_CONFIGS, ids=str)
def test_adam_follows_torch_with_the_same_gradients(config):
    grads = _grad_sequence()
    ours, _ = _run_fixed_grads(tinygrad_edu, lambda e, p: optim.Adam(p, **config), grads)
    theirs, _ = _run_fixed_grads(torch, lambda e, p: torch.optim.Adam(p, **config), grads)
    _assert_same_trajectory(ours, theirs)


@pytest.mark.parametrize("name,config", [("SGD", dict(lr=0.02, momentum=0.9, nesterov=True)),
                                         ("SGD", dict(lr=0.05, weight_decay=0.1)),
                                         ("Adam", dict(lr=0.05, amsgrad=True)),
                                         ("AdamW", dict(lr=0.05))])
def test_optimizers_follow_torch_on_a_real_objective(name, config):
    ours = _run_objective(tinygrad_edu, lambda e, p: getattr(optim, name)(p, **config))
    theirs = _run_objective(torch, lambda e, p: getattr(torch.optim, name)(p, **config))
    _assert_same_trajectory(ours, theirs, rtol=1e-5, atol=1e-5)


def test_state_matches_torch_after_steps():
    grads = _grad_sequence()
    config = dict(lr=0.01, amsgrad=True)
    _, ours = _run_fixed_grads(tinygrad_edu, lambda e, p: optim.Adam(p, **config), grads)
    _, theirs = _run_fixed_grads(torch, lambda e, p: torch.optim.Adam(p, **config), grads)
    a, b = ours.state_dict(), theirs.state_dict()
    assert a["param_groups"] == b["param_groups"]
    assert list(a["state"]) == list(b["state"])
    for i in a["state"]:
        assert list(a["state"][i]) == list(b["state"][i])
        for key, value in a["state"][i].items():
            assert value.dtype.name == str(b["state"][i][key].dtype).replace("torch.", "")
            np.testing.assert_allclose(value.numpy(), b["state"][i][key].numpy(), rtol=2e-6,
                                       atol=1e-7)


def test_sgd_param_groups_and_state_dict_format_match_torch():
    def build(engine, make):
        a = engine.tensor([1.0, 2.0], requires_grad=True)
        b = engine.tensor([[3.0]], requires_grad=True)
        opt = make([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
        (a * a).sum().backward()
        (b * 3).sum().backward()
        opt.step()
        return opt
    ours = build(tinygrad_edu, optim.SGD).state_dict()
    theirs = build(torch, torch.optim.SGD).state_dict()
    assert ours["param_groups"] == theirs["param_groups"]
    assert list(ours["state"]) == list(theirs["state"]) == [0, 1]
    for i in (0, 1):
        np.testing.assert_allclose(ours["state"][i]["momentum_buffer"].numpy(),
                                   theirs["state"][i]["momentum_buffer"].numpy())


def test_repr_matches_torch():
    def text(engine, cls):
        return repr(cls([engine.zeros(2, requires_grad=True)], lr=0.01, momentum=0.5))
    assert text(tinygrad_edu, optim.SGD) == text(torch, torch.optim.SGD)
    assert text(tinygrad_edu, lambda p, **k: optim.Adam(p, lr=0.01)) == \
        text(torch, lambda p, **k: torch.optim.Adam(p, lr=0.01))


def test_state_dict_round_trip_continues_the_same_trajectory():
    grads = _grad_sequence()
    config = dict(lr=0.05, momentum=0.9, nesterov=True)
    full, _ = _run_fixed_grads(tinygrad_edu, lambda e, p: optim.SGD(p, **config), grads)
    first, opt = _run_fixed_grads(tinygrad_edu, lambda e, p: optim.SGD(p, **config), grads[:10])
    saved = opt.state_dict()
    params = [tinygrad_edu.tensor(a, requires_grad=True) for a in first[-1]]
    fresh = optim.SGD(params, lr=0.9)  # the loaded groups bring lr back to 0.05
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.05
    saved["state"][0]["momentum_buffer"]._data[...] = 1e6  # the optimizer holds a copy
    for t in range(10, STEPS):
        for i, (p, g) in enumerate(zip(params, grads[t])):
            p.grad = None if (t % 7 == 3 and i == 1) else tinygrad_edu.tensor(g)
        fresh.step()
        for p, expected in zip(params, full[t]):
            np.testing.assert_array_equal(p.detach().numpy(), expected)


def test_adam_state_dict_round_trip():
    grads = _grad_sequence()
    full, _ = _run_fixed_grads(tinygrad_edu, lambda e, p: optim.Adam(p, lr=0.01), grads)
    first, opt = _run_fixed_grads(tinygrad_edu, lambda e, p: optim.Adam(p, lr=0.01), grads[:5])
    params = [tinygrad_edu.tensor(a, requires_grad=True) for a in first[-1]]
    fresh = optim.Adam(params, lr=0.01)
    fresh.load_state_dict(opt.state_dict())
    assert float(fresh.state[params[0]]["step"]) == 5.0
    for t in range(5, STEPS):
        for i, (p, g) in enumerate(zip(params, grads[t])):
            p.grad = None if (t % 7 == 3 and i == 1) else tinygrad_edu.tensor(g)
        fresh.step()
    for p, expected in zip(params, full[-1]):
        np.testing.assert_array_equal(p.detach().numpy(), expected)


def test_load_state_dict_rejects_a_different_layout():
    a = tinygrad_edu.zeros(2, requires_grad=True)
    b = tinygrad_edu.zeros(2, requires_grad=True)
    saved = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(saved)


def test_step_never_changes_grad_and_updates_in_place():
    w = tinygrad_edu.tensor([1.0, -2.0, 3.0], requires_grad=True)
    storage = w._data
    w.grad = tinygrad_edu.tensor([0.5, 0.5, 0.5])
    before = w.grad.numpy().copy()
    for opt in (optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1,
                          maximize=True),
                optim.Adam([w], lr=0.1, weight_decay=0.1, amsgrad=True, maximize=True)):
        opt.step()
        opt.step()
    np.testing.assert_array_equal(w.grad.numpy(), before)
    assert w._data is storage and w.dtype == tinygrad_edu.float32
    assert w.grad_fn is None and w.requires_grad


def test_zero_grad_sets_to_none_by_default_or_zeros():
    w = tinygrad_edu.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 0.0])
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0])  # zeroed, so no accumulation
    opt.zero_grad()
    assert w.grad is None
    opt.step()  # parameters without a gradient are skipped
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 2.0])


def test_step_runs_the_closure_with_grad_enabled_and_returns_its_loss():
    w = tinygrad_edu.tensor([3.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss
    with tinygrad_edu.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert w.item() == pytest.approx(3.0 - 0.25 * 6.0)


def test_named_parameters_and_per_group_learning_rates():
    a = tinygrad_edu.ones(1, requires_grad=True)
    b = tinygrad_edu.ones(1, requires_grad=True)
    opt = optim.SGD([{"params": [a], "lr": 1.0}, {"params": [b]}], lr=0.1)
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0
    a.grad, b.grad = tinygrad_edu.ones(1), tinygrad_edu.ones(1)
    opt.step()
    assert a.item() == 0.0 and b.item() == pytest.approx(0.9)
    named = optim.SGD([("w", a), ("b", b)], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["w", "b"]
    assert named.param_groups[0]["params"][0] is a


def test_add_param_group_fills_defaults_and_refuses_overlap():
    a = tinygrad_edu.ones(1, requires_grad=True)
    b = tinygrad_edu.ones(1, requires_grad=True)
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": b, "betas": (0.5, 0.5)})
    group = opt.param_groups[1]
    assert group["params"] == [b] and group["lr"] == 0.1 and group["betas"] == (0.5, 0.5)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


@pytest.mark.parametrize("make", [lambda p: optim.SGD(p, lr=-0.1),
                                  lambda p: optim.Adam(p, lr=-1e-3)])
def test_negative_learning_rate_is_refused(make):
    with pytest.raises(ValueError, match="Invalid learning rate"):
        make([tinygrad_edu.zeros(1, requires_grad=True)])


def test_bad_parameter_lists_are_explained():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    w = tinygrad_edu.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.Adam([np.zeros(2)], lr=0.1)
    with pytest.raises(TypeError, match="sets"):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        optim.Adam([w], betas=(0.9, 1.0))


def test_float64_parameters_stay_float64():
    w = tinygrad_edu.tensor([1.0, 2.0], dtype=tinygrad_edu.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    assert w.dtype == tinygrad_edu.float64
    assert opt.state[w]["exp_avg"].dtype == tinygrad_edu.float64
    assert opt.state[w]["step"].dtype == tinygrad_edu.float32
