"""PyTorch's tutorial "Learning PyTorch with Examples", pattern by pattern, in our own code.

Each pattern is one function written against the torch API. It runs on tinygrad_edu and on
real torch from the same numbers (random draws are made by torch and copied across), and the
losses, parameters and gradients of the two runs are compared. The companion file
tests/test_canon_basics.py does the same for "Learn the Basics"; the custom autograd.Function
pattern (a Legendre polynomial) lives in tests/test_custom_function.py.
"""
import math
import random

import numpy as np

from parity import torch  # noqa: F401  (skips without torch)

import tinygrad_edu

STEPS = 300  # the tutorials run 2000 steps; 300 show the same trajectory in a fraction
LONG_RUN = dict(rtol=1e-4, atol=1e-6)  # float32 sums of 2000 terms, a few hundred steps


def torch_draws(*shapes, seed=0):
    """Standard-normal float32 arrays drawn by torch: both engines start from these."""
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=generator).numpy() for shape in shapes]


def sine_data(engine):
    """2000 points of sin(x) on [-π, π], made by each engine's own linspace and sin."""
    x = engine.linspace(-math.pi, math.pi, 2000)
    return x, engine.sin(x)


def copy_weights(model, source):
    """Load torch's state_dict values into our model (same initial weights on both)."""
    model.load_state_dict({k: tinygrad_edu.tensor(v.detach().numpy())
                           for k, v in source.state_dict().items()})


def assert_runs_agree(ours, theirs, **tolerance):
    """Two (losses, parameters) results of one pattern agree number by number."""
    for what, a, b in zip(("loss trajectory", "final parameters"), ours, theirs):
        np.testing.assert_allclose(np.array(a), np.array(b), err_msg=f"{what} differs",
                                   **(tolerance or LONG_RUN))


def test_sine_data_from_linspace_matches_torch():
    (x, y), (tx, ty) = sine_data(tinygrad_edu), sine_data(torch)
    assert x.dtype == tinygrad_edu.float32 and tuple(x.shape) == (2000,)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-6, atol=1e-7)


# ---- a cubic fitted to sin(x) with plain tensors and hand-written gradients -----------------

def fit_cubic_by_hand(engine, start, steps=STEPS, learning_rate=1e-6):
    """y ≈ a + b x + c x² + d x³; L = Σ(ŷ − y)², ∂L/∂ŷ = 2(ŷ − y), then the chain rule by hand."""
    x, y = sine_data(engine)
    coefficients = [engine.tensor(v) for v in start]
    losses = []
    for _ in range(steps):
        a, b, c, d = coefficients
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        losses.append((y_pred - y).pow(2).sum().item())
        grad_y_pred = 2.0 * (y_pred - y)
        grads = [grad_y_pred.sum(), (grad_y_pred * x).sum(),
                 (grad_y_pred * x ** 2).sum(), (grad_y_pred * x ** 3).sum()]
        for coefficient, grad in zip(coefficients, grads):
            coefficient -= learning_rate * grad
    return losses, [c.item() for c in coefficients]


def test_polynomial_fit_with_hand_written_gradients():
    start = torch_draws((), (), (), ())
    ours, theirs = fit_cubic_by_hand(tinygrad_edu, start), fit_cubic_by_hand(torch, start)
    assert_runs_agree(ours, theirs)
    assert ours[0][-1] < ours[0][0] / 10  # it does learn


# ---- the same cubic with autograd -----------------------------------------------------------

def fit_cubic_with_autograd(engine, start, steps=STEPS, learning_rate=1e-6):
    """Leaf scalars with requires_grad; backward() fills .grad; the update runs under no_grad."""
    x, y = sine_data(engine)
    a, b, c, d = (engine.tensor(v, requires_grad=True) for v in start)
    losses, first_grads = [], None
    for _ in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        if first_grads is None:
            first_grads = [p.grad.item() for p in (a, b, c, d)]
        with engine.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad, b.grad, c.grad, d.grad = None, None, None, None
    assert a.requires_grad and a.is_leaf and a.grad is None
    return losses, [p.item() for p in (a, b, c, d)], first_grads


def test_polynomial_fit_with_autograd():
    start = torch_draws((), (), (), ())
    ours, theirs = fit_cubic_with_autograd(tinygrad_edu, start), fit_cubic_with_autograd(torch,
                                                                                         start)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5, err_msg="first gradients differ")
    assert_runs_agree(ours[:2], theirs[:2])
    # autograd computes what the hand-written chain rule computes
    np.testing.assert_allclose(ours[0], fit_cubic_by_hand(tinygrad_edu, start)[0], rtol=1e-5)


# ---- the nn package: powers as features, Linear(3, 1), Flatten(0, 1) ------------------------

def cubic_features(engine, x):
    """Each x becomes the row (x, x², x³): a (2000, 1) column raised to the powers (1, 2, 3)."""
    powers = engine.tensor([1, 2, 3])
    return x.unsqueeze(-1).pow(powers)


def cubic_network(engine):
    return engine.nn.Sequential(engine.nn.Linear(3, 1), engine.nn.Flatten(0, 1))


def fit_network(engine, model, make_optimizer=None, steps=STEPS, learning_rate=1e-6):
    """MSELoss(sum) on the features; update with an optimizer, or by hand over parameters()."""
    x, y = sine_data(engine)
    features = cubic_features(engine, x)
    assert tuple(features.shape) == (2000, 3) and features.dtype == engine.float32
    loss_fn = engine.nn.MSELoss(reduction="sum")
    optimizer = make_optimizer(engine, model) if make_optimizer else None
    losses = []
    for _ in range(steps):
        y_pred = model(features)
        assert tuple(y_pred.shape) == (2000,)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        if optimizer is None:
            model.zero_grad()
            loss.backward()
            with engine.no_grad():
                for param in model.parameters():
                    param -= learning_rate * param.grad
        else:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    linear = model[0]
    return losses, [linear.bias.item()] + [linear.weight[:, i].item() for i in range(3)]


def test_polynomial_fit_with_nn_sequential_and_manual_update():
    theirs_model = cubic_network(torch)
    ours_model = cubic_network(tinygrad_edu)
    copy_weights(ours_model, theirs_model)
    assert_runs_agree(fit_network(tinygrad_edu, ours_model), fit_network(torch, theirs_model))


def test_polynomial_fit_with_optim_rmsprop():
    def rmsprop(engine, model):
        return engine.optim.RMSprop(model.parameters(), lr=1e-3)
    theirs_model = cubic_network(torch)
    ours_model = cubic_network(tinygrad_edu)
    copy_weights(ours_model, theirs_model)
    ours = fit_network(tinygrad_edu, ours_model, rmsprop)
    theirs = fit_network(torch, theirs_model, rmsprop)
    assert_runs_agree(ours, theirs)
    assert ours[0][-1] < ours[0][0] / 10


# ---- a Module of our own: four Parameter scalars and a string() -----------------------------

def cubic_module(engine):
    class Cubic(engine.nn.Module):
        """y = a + b x + c x² + d x³ with the four coefficients as Parameters."""
        def __init__(self):
            super().__init__()
            self.a = engine.nn.Parameter(engine.randn(()))
            self.b = engine.nn.Parameter(engine.randn(()))
            self.c = engine.nn.Parameter(engine.randn(()))
            self.d = engine.nn.Parameter(engine.randn(()))

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            return (f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 "
                    f"+ {self.d.item()} x^3")
    return Cubic()


def fit_module(engine, model, make_optimizer, steps=STEPS):
    x, y = sine_data(engine)
    loss_fn = engine.nn.MSELoss(reduction="sum")
    optimizer = make_optimizer(engine, model.parameters())
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses, [p.item() for p in model.parameters()]


def test_custom_module_with_parameter_scalars_and_string():
    theirs_model, ours_model = cubic_module(torch), cubic_module(tinygrad_edu)
    copy_weights(ours_model, theirs_model)
    assert [n for n, _ in ours_model.named_parameters()] == ["a", "b", "c", "d"]
    assert ours_model.string() == theirs_model.string()  # same floats, same printed digits

    def sgd(engine, params):
        return engine.optim.SGD(params, lr=1e-6)
    assert_runs_agree(fit_module(tinygrad_edu, ours_model, sgd),
                      fit_module(torch, theirs_model, sgd))


# ---- a dynamic graph: a random number of terms share one Parameter ---------------------------

def dynamic_module(engine):
    class DynamicCubic(engine.nn.Module):
        """a + b x + c x² + d x³, plus e·x⁴ (and e·x⁵) on a coin toss: the graph changes from
        one forward to the next, and e is used once or twice."""
        def __init__(self):
            super().__init__()
            for name in "abcde":
                setattr(self, name, engine.nn.Parameter(engine.randn(())))

        def forward(self, x):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exponent in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exponent
            return y

        def string(self):
            return (f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 "
                    f"+ {self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?")
    return DynamicCubic()


def test_dynamic_net_with_python_control_flow_and_sgd_momentum():
    theirs_model, ours_model = dynamic_module(torch), dynamic_module(tinygrad_edu)
    copy_weights(ours_model, theirs_model)
    assert ours_model.string() == theirs_model.string()

    def sgd_momentum(engine, params):
        return engine.optim.SGD(params, lr=1e-8, momentum=0.9)
    saved = random.getstate()
    try:  # both engines see the same sequence of coin tosses
        random.seed(7)
        ours = fit_module(tinygrad_edu, ours_model, sgd_momentum)
        random.seed(7)
        theirs = fit_module(torch, theirs_model, sgd_momentum)
    finally:
        random.setstate(saved)
    assert_runs_agree(ours, theirs)
