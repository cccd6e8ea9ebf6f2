"""Full-length lessons reach the accuracy the course (scaled to the shipped MNIST sample)
leads us to expect. Minutes each: ``make test-slow`` (pytest -m slow) runs them."""
import io

import pytest

from lessons.narration import Narrator
from lessons.runner import run_lesson
from lessons.engines import torch_available

pytestmark = pytest.mark.slow
needs_torch = pytest.mark.skipif(not torch_available(), reason="real PyTorch not installed")
ENGINES = ["edu", pytest.param("torch", marks=needs_torch)]


def full(number, engine, tmp_path, seed=0):
    say = Narrator(step=False, stream=io.StringIO(), interactive=False)
    return run_lesson(number, engine=engine, out=str(tmp_path), seed=seed, say=say,
                      show_progress=False)


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson15_dnn_on_the_mnist_sample_reaches_about_92_percent(engine, tmp_path):
    result = full(15, engine, tmp_path)
    assert len(result["batch_losses"]) >= 4600          # the course's ~4,700 steps
    assert result["metrics"]["test accuracy"] >= 90.0   # measured: torch 91.5, edu 93.2


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson16_lenet_on_the_mnist_sample(engine, tmp_path):
    result = full(16, engine, tmp_path)
    assert len(result["batch_losses"]) >= 1150          # the course's ~1,175 steps
    assert result["metrics"]["test accuracy"] >= 93.0   # measured: torch 95.9


@needs_torch
def test_lesson12_batch_gradient_descent_as_real_pytorch(tmp_path):
    assert 69.0 <= full(12, "torch", tmp_path)["metrics"]["test accuracy"] <= 73.0


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson13_minibatch_gradient_descent(engine, tmp_path):
    assert 65.0 <= full(13, engine, tmp_path)["metrics"]["test accuracy"] <= 85.0


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson17_quickstart_loss_falls_every_epoch(engine, tmp_path):
    result = full(17, engine, tmp_path)
    assert result["metrics"]["loss falls each epoch"] == 1.0
    assert result["metrics"]["test accuracy"] > 50.0
