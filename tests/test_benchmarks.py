"""The benchmark script runs end to end (--quick) and writes its table; no timing is asserted."""
import subprocess
import sys

import numpy as np
import pytest

from benchmarks import cases, floor


def test_numpy_floor_matches_tinygrad_edu_step_by_step():
    """The floor is only a floor if it computes the same training step."""
    import tinygrad_edu
    case = cases.all_cases()[0]
    steps = case.steps({"edu": tinygrad_edu})
    edu = [float(steps["edu"]()) for _ in range(3)]
    hand = [steps["numpy"]() for _ in range(3)]
    np.testing.assert_allclose(edu, hand, rtol=1e-5)


def test_numpy_floor_lenet_matches_tinygrad_edu_step_by_step():
    import tinygrad_edu
    case = cases.Case("LeNet-5, batch 8", cases.lenet, "ce", 0.9, 0.0,
                      lambda: cases._mnist_batch(8), "lenet")
    steps = case.steps({"edu": tinygrad_edu})
    edu = [float(steps["edu"]()) for _ in range(3)]
    hand = [steps["numpy"]() for _ in range(3)]
    np.testing.assert_allclose(edu, hand, rtol=1e-4)


def test_floor_lenet_conv_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 6))
    w = rng.standard_normal((4, 3, 3, 3))
    b = rng.standard_normal(4)
    out, cols = floor._conv_forward(x, w, b)
    g = rng.standard_normal(out.shape)
    gx, gw, gb = floor._conv_backward(g, x.shape, cols, w)
    eps = 1e-6
    i = (1, 2, 3, 4)
    xp, xm = x.copy(), x.copy()
    xp[i] += eps
    xm[i] -= eps
    numeric = ((floor._conv_forward(xp, w, b)[0] - floor._conv_forward(xm, w, b)[0]) * g).sum()
    assert gx[i] == pytest.approx(numeric / (2 * eps), rel=1e-5)


def test_benchmark_script_runs_quick(tmp_path):
    out = tmp_path / "bench.md"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--threads", "1",
                           "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    for name in ("MLP 784-512-256-128-64-10, batch 64", "DNN 3-5-5-5-3, batch 1",
                 "LeNet-5, batch 256", "one epoch of lesson 15", "Memory: growth",
                 "CIFAR CNN 3-32-64, batch 64", "wide MLP 784-512-512-10, batch 1",
                 "char-level MLP LM", "Transformer", "Per-op, with grad"):
        assert name in text
    assert "edu / torch" in text


def test_round_two_steps_agree_with_the_floor_and_torch_loss_by_loss():
    """The char-level LM's floor computes the same step; the Transformer and the CIFAR CNN
    give torch's losses on tinygrad_edu (same weights, same data)."""
    import tinygrad_edu
    from benchmarks import models
    torch = pytest.importorskip("torch")
    lm = models.CharLM().steps({"edu": tinygrad_edu})
    np.testing.assert_allclose([float(lm["edu"]()) for _ in range(3)],
                               [lm["numpy"]() for _ in range(3)], rtol=1e-5)
    small_cnn = cases.Case("CIFAR CNN, batch 4", models.cifar_cnn, "ce", 0.01, 0.9,
                           lambda: models.cifar_batch(4), None)
    for case in (models.Transformer(), small_cnn):
        steps = case.steps({"edu": tinygrad_edu, "torch": torch})
        edu = [float(steps["edu"]()) for _ in range(2)]
        ref = [float(steps["torch"]().detach()) for _ in range(2)]
        np.testing.assert_allclose(edu, ref, rtol=1e-4)


def test_peak_step_memory_is_measured_in_a_fresh_process():
    from benchmarks import memory
    peak = memory.in_fresh_process("DNN 3-5-5-5-3, batch 1", "edu", timeout=120)
    assert isinstance(peak, int) and peak >= 0


def test_paired_ratio_is_the_median_of_round_by_round_ratios():
    from benchmarks import timing
    samples = {"edu": [2.0, 4.0, 9.0, 3.0, 2.2], "numpy": [1.0, 2.0, 3.0, 1.0, 2.0]}
    ratio, spread = timing.paired_ratio(samples, "edu", "numpy")
    assert ratio == pytest.approx(2.0)  # ratios 2, 2, 3, 3, 1.1
    assert spread > 0
    assert timing.paired_ratio(samples, "edu", "torch") == (None, None)


def test_interleaved_samples_rotate_the_order_and_warm_each_turn():
    from benchmarks import timing
    calls = []
    steps = {name: (lambda name=name: calls.append(name)) for name in ("a", "b", "c")}
    samples = timing.interleaved_samples(steps, repeats=3, inner=2, warmup=0, settle=1e-4)
    assert {k: len(v) for k, v in samples.items()} == {"a": 3, "b": 3, "c": 3}
    turns = [calls[i] for i in range(0, len(calls), 3)]  # each turn: 1 untimed + 2 timed
    assert turns == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_case_filter_times_only_the_named_case(tmp_path, monkeypatch, capsys):
    from benchmarks.__main__ import THREAD_VARIABLES, main
    for variable in THREAD_VARIABLES:  # main() sets them; restored after the test
        monkeypatch.setenv(variable, "1")
    out = tmp_path / "bench.md"
    assert main(["--quick", "--threads", "1", "--malloc", "default", "--case",
                 "DNN 3-5-5-5-3, batch 1", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| DNN 3-5-5-5-3, batch 1 |" in text
    assert "MLP" not in text and "LeNet" not in text and "Memory" not in text


def test_a_fast_step_runs_more_times_per_turn():
    import time
    from benchmarks import timing
    counts = {"fast": 0, "slow": 0}

    def fast():
        counts["fast"] += 1

    def slow():
        counts["slow"] += 1
        time.sleep(0.004)
    timing.interleaved_samples({"fast": fast, "slow": slow}, repeats=2, inner=2, warmup=1,
                               min_turn=0.004)
    assert counts["slow"] == 1 + 2 * 2  # warm-up, then two turns of `inner` calls
    assert counts["fast"] > 100
