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
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    for name in ("MLP 784-512-256-128-64-10, batch 64", "DNN 3-5-5-5-3, batch 1",
                 "LeNet-5, batch 256", "one epoch of lesson 15", "Memory: growth"):
        assert name in text
    assert "edu / torch" in text
