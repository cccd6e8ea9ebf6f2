"""Parity tests: format_tensor must print exactly what repr(torch.Tensor) prints."""

import numpy as np
import pytest

from tinygrad_edu._repr import PRINT_OPTS, format_tensor, get_printoptions, set_printoptions

torch = pytest.importorskip("torch")

# dtypes for which torch's repr shows no "dtype=" suffix (for non-empty tensors)
_DEFAULT_DTYPES = (np.float32, np.int64, np.bool_)


def dtype_suffixes(a):
    """The suffix list a caller would pass for this array's dtype."""
    if a.dtype in [np.dtype(d) for d in _DEFAULT_DTYPES]:
        return []
    return [f"dtype=torch.{a.dtype.name}"]


def check(a, suffixes=None):
    a = np.ascontiguousarray(a)
    expected = repr(torch.from_numpy(a.copy()))
    got = format_tensor(a, dtype_suffixes(a) if suffixes is None else suffixes)
    assert got == expected, f"\n--- got ---\n{got}\n--- torch ---\n{expected}"


@pytest.fixture(autouse=True)
def _reset_printoptions():
    yield
    set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


rng = np.random.default_rng(0)
f32 = np.float32
nan, inf = np.nan, np.inf

CASES = {
    # 0-d scalars
    "scalar_int_float": np.array(11.0, f32),
    "scalar_frac": np.array(3.14159, f32),
    "scalar_tiny": np.array(1e-5, f32),
    "scalar_huge": np.array(1e9, f32),
    "scalar_neg_zero": np.array(-0.0, f32),
    "scalar_zero": np.array(0.0, f32),
    "scalar_nan": np.array(nan, f32),
    "scalar_inf": np.array(-inf, f32),
    "scalar_int64": np.array(7, np.int64),
    "scalar_bool": np.array(True),
    "scalar_f64": np.array(2.5, np.float64),
    # 1-D
    "ints_as_float": np.array([1, 2, 3], f32),
    "ints": np.array([1, 2, 3], np.int64),
    "ints_neg": np.array([-100, 2, 30000], np.int64),
    "int32": np.array([1, -2, 3], np.int32),
    "uint8": np.array([0, 7, 255], np.uint8),
    "bools": np.array([True, False]),
    "fixed": np.array([0.1, 2.5], f32),
    "fixed_neg": np.array([-0.1, 2.5, -33.25], f32),
    "sci_small": np.array([1e-5, 1e3], f32),
    "sci_ratio": np.array([0.001, 2.0, 5.0], f32),
    "sci_big": np.array([1.5e8, 2.0e8], f32),
    "sci_int_big": np.array([1.0, 1e10], f32),
    "ratio_exact_1000": np.array([1.0, 1000.0], f32),
    "nan_inf": np.array([inf, -inf], f32),
    "nan_zero": np.array([nan, 0.0], f32),
    "mixed_nonfinite": np.array([nan, 1.5, -inf, 0.0], f32),
    "mixed_nonfinite_int": np.array([nan, 1.0, -inf, 3.0], f32),
    "sci_with_nan": np.array([nan, 1e-7, inf, 1.0], f32),
    "zeros": np.zeros(4, f32),
    "neg_zero_mix": np.array([-0.0, 0.0, 1.0], f32),
    "f64": np.array([0.1, 0.2, 0.3], np.float64),
    "f64_int": np.array([1.0, -2.0], np.float64),
    "f64_sci": np.array([1e-300, 1e300], np.float64),
    "f16": np.array([0.5, 1.25], np.float16),
    "rounding": np.array([0.00015, 0.99995, 1.23456789], f32),
    "single": np.array([42.0], f32),
    # long rows that wrap at linewidth 80
    "long_floats": rng.standard_normal(40).astype(f32),
    "long_ints": np.arange(60, dtype=np.int64),
    "long_bools": rng.random(30) > 0.5,
    "long_sci": (rng.standard_normal(25) * 10.0 ** rng.integers(-8, 8, 25)).astype(f32),
    "long_f64": rng.standard_normal(30),
    # 2-D .. 4-D
    "mat": np.array([[1.0, 2.0]], f32),
    "mat_frac": rng.standard_normal((3, 4)).astype(f32),
    "mat_int": np.arange(12, dtype=np.int64).reshape(3, 4),
    "mat_bool": (np.arange(6).reshape(2, 3) % 2 == 0),
    "mat_wide": rng.standard_normal((3, 25)).astype(f32),
    "mat_col": rng.standard_normal((5, 1)).astype(f32),
    "cube": np.arange(24, dtype=f32).reshape(2, 3, 4),
    "cube_frac": rng.standard_normal((2, 2, 3)).astype(f32),
    "cube_wide": rng.standard_normal((2, 2, 20)).astype(f32),
    "hyper": rng.standard_normal((2, 2, 2, 3)).astype(f32),
    "hyper_int": np.arange(36, dtype=np.int64).reshape(3, 1, 3, 4),
    "five_d": np.arange(32, dtype=f32).reshape(2, 2, 2, 2, 2),
    # large tensors (> 1000 elements) are summarised
    "big_1d": np.arange(2000, dtype=f32),
    "big_1d_frac": rng.standard_normal(1500).astype(f32),
    "big_2d": rng.standard_normal((100, 100)).astype(f32),
    "big_2d_int": np.arange(10000, dtype=np.int64).reshape(100, 100),
    "big_3d": rng.standard_normal((20, 10, 10)).astype(f32),
    "big_narrow": rng.standard_normal((1001, 1)).astype(f32),
    "big_short_rows": rng.standard_normal((5, 300)).astype(f32),
    "big_hidden_outlier": np.concatenate([np.ones(3), [1e-9] * 1000, np.ones(3)]).astype(f32),
    "exactly_1000": np.arange(1000, dtype=f32),
    "big_bool": np.arange(2000) % 3 == 0,
    # empty shapes
    "empty": np.zeros((0,), f32),
    "empty_0x3": np.zeros((0, 3), f32),
    "empty_2x0": np.zeros((2, 0), f32),
    "empty_3d": np.zeros((2, 0, 4), f32),
    "empty_int64": np.zeros((0,), np.int64),
    "empty_int64_2d": np.zeros((0, 3), np.int64),
    "empty_bool": np.zeros((0,), bool),
    "empty_f64": np.zeros((2, 0), np.float64),
    "empty_int32": np.zeros((0,), np.int32),
}


@pytest.mark.parametrize("name", list(CASES))
def test_parity(name):
    check(CASES[name])


@pytest.mark.parametrize("name", ["mat", "scalar_int_float", "fixed", "sci_small",
                                  "long_floats", "mat_wide", "big_2d", "f64", "empty_0x3"])
def test_requires_grad(name):
    a = CASES[name]
    t = torch.tensor(a, requires_grad=True)
    check_suffixes = dtype_suffixes(a) + ["requires_grad=True"]
    assert format_tensor(a, check_suffixes) == repr(t)


@pytest.mark.parametrize("name", ["scalar_int_float", "mat", "fixed", "long_floats",
                                  "mat_wide", "cube", "f64", "empty_2x0"])
def test_grad_fn(name):
    a = CASES[name]
    t = torch.tensor(a, requires_grad=True) + 1
    expected = repr(t)
    got = format_tensor(a + 1, dtype_suffixes(a) + ["grad_fn=<AddBackward0>"])
    assert got == expected


def test_suffix_wraps_to_new_line():
    # the last line is nearly full, so the suffix must move to its own line
    a = np.full(12, 123.25, f32)  # 12 * "123.2500, " -> 77 chars on one line
    t = torch.tensor(a, requires_grad=True)
    assert format_tensor(a, ["requires_grad=True"]) == repr(t)
    a64 = a.astype(np.float64)
    t64 = torch.tensor(a64, requires_grad=True) * 1
    assert "\n" in repr(t64)
    assert format_tensor(a64, ["dtype=torch.float64", "grad_fn=<MulBackward0>"]) == repr(t64)


@pytest.mark.parametrize("n", range(1, 30))
def test_wrap_boundaries(n):
    check(np.full(n, -1.5, f32))
    check(np.full(n, 1234567, np.int64))


@pytest.mark.parametrize("opts", [
    dict(precision=2),
    dict(precision=0),
    dict(precision=8),
    dict(threshold=5),
    dict(threshold=5, edgeitems=1),
    dict(edgeitems=0, threshold=5),
    dict(linewidth=40),
    dict(linewidth=10),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=6),
])
@pytest.mark.parametrize("name", ["fixed", "sci_small", "mat_frac", "big_1d", "big_2d",
                                  "cube_wide", "ints", "mat_int", "scalar_frac",
                                  "nan_zero", "long_floats", "f64", "empty_0x3"])
def test_printoptions_parity(opts, name):
    set_printoptions(**opts)
    torch.set_printoptions(**opts)
    check(CASES[name])


def test_set_printoptions_state():
    set_printoptions(precision=2)
    assert PRINT_OPTS.precision == 2
    assert format_tensor(np.array([1.12345], f32)) == "tensor([1.12])"
    set_printoptions(profile="full")
    assert PRINT_OPTS.threshold == float("inf") and PRINT_OPTS.precision == 4
    set_printoptions(profile="default")
    assert get_printoptions() == dict(precision=4, threshold=1000, edgeitems=3,
                                      linewidth=80, sci_mode=None)


def test_does_not_import_torch():
    # load _repr.py on its own in a fresh interpreter and check torch stays out
    import pathlib
    import subprocess
    import sys

    path = pathlib.Path(__file__).resolve().parents[1] / "tinygrad_edu" / "_repr.py"
    code = ("import sys, importlib.util as u; "
            f"spec = u.spec_from_file_location('_repr', {str(path)!r}); "
            "m = sys.modules['_repr'] = u.module_from_spec(spec); "
            "spec.loader.exec_module(m); "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- random arrays (hypothesis) -------------------------------------------
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.float32, np.float64]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6)))
def test_random_float_arrays(a):
    check(a)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.int64, np.int32, np.uint8, np.bool_]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=8)))
def test_random_int_arrays(a):
    check(a)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 60), st.floats(-1e6, 1e6), st.integers(-12, 12))
def test_random_long_rows(n, scale, exp):
    a = (np.linspace(-1, 1, n) * scale * 10.0 ** exp).astype(f32)
    check(a)
