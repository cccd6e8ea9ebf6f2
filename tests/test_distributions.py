"""torch.distributions (Categorical, Multinomial, Normal): the laws and their numbers
(log_prob, entropy) as torch computes them; samples have torch's shapes and dtypes, and
their frequencies follow the probabilities (the draws themselves are our generator's)."""
import numpy as np
import pytest

import tinygrad_edu

torch = pytest.importorskip("torch")


def both(fn):
    return fn(tinygrad_edu), fn(torch)


def close(a, b):
    np.testing.assert_allclose(np.asarray(a.tolist()), np.asarray(b.tolist()), rtol=1e-5,
                               atol=1e-6)


def test_categorical_numbers_match_torch():
    p = [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]
    for method in ("log_prob", "entropy", "probs", "logits"):
        def call(engine):
            d = engine.distributions.Categorical(probs=engine.tensor(p) * 3)
            if method == "log_prob":
                return d.log_prob(engine.tensor([2, 0]))
            result = getattr(d, method)
            return result() if callable(result) else result
        close(*both(call))
    close(*both(lambda e: e.distributions.Categorical(logits=e.tensor([1.0, -2.0, 0.5])).probs))


def test_categorical_samples_follow_the_probabilities():
    tinygrad_edu.manual_seed(0)
    d = tinygrad_edu.distributions.Categorical(probs=tinygrad_edu.tensor([0.1, 0.2, 0.7]))
    draws = d.sample((20000,))
    assert draws.dtype == tinygrad_edu.int64 and tuple(draws.shape) == (20000,)
    freq = np.bincount(draws.numpy(), minlength=3) / 20000
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=0.015)
    tinygrad_edu.manual_seed(0)
    assert np.array_equal(d.sample((20000,)).numpy(), draws.numpy())   # seeded: repeatable


def test_multinomial_counts_and_log_prob():
    def call(engine):
        d = engine.distributions.multinomial.Multinomial(4, engine.tensor([0.5, 0.3, 0.2]))
        return d.log_prob(engine.tensor([2.0, 1.0, 1.0]))
    close(*both(call))
    tinygrad_edu.manual_seed(1)
    fair = tinygrad_edu.ones([6]) / 6
    counts = tinygrad_edu.distributions.multinomial.Multinomial(10, fair).sample((3000,))
    assert counts.dtype == tinygrad_edu.float32 and tuple(counts.shape) == (3000, 6)
    assert (counts.sum(1) == 10).all()
    np.testing.assert_allclose(counts.numpy().mean(0), np.full(6, 10 / 6), atol=0.1)


def test_normal_log_prob_and_samples():
    close(*both(lambda e: e.distributions.Normal(e.tensor([0.0, 1.0]), e.tensor([2.0, 0.5]))
                .log_prob(e.tensor([1.0, 1.5]))))
    tinygrad_edu.manual_seed(2)
    x = tinygrad_edu.distributions.Normal(tinygrad_edu.tensor(3.0), 2.0).sample((50000,))
    assert x.dtype == tinygrad_edu.float32
    assert abs(float(x.mean()) - 3.0) < 0.05 and abs(float(x.std()) - 2.0) < 0.05
