"""The differential fuzzer (tests/fuzz.py) in the default test run: a fixed, derandomized
budget of random programs run on tinygrad_edu and on torch, ordinary and extreme inputs (±1e30,
0, nan, inf): they may differ only as fuzz.ALLOWED says (README "What is deliberately
different").

FUZZ_PROGRAMS sets the budget (default 10,000: about a minute on 2 cores); ``make fuzz`` runs
50,000 and shrinks each mismatch to a minimal program. Below the budget run: checks that the
fuzzer itself catches what it should."""
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("hypothesis")

import fuzz  # noqa: E402
import tinygrad_edu  # noqa: E402
from hypothesis import given, settings  # noqa: E402

PROGRAMS = int(os.environ.get("FUZZ_PROGRAMS", 10_000))


@pytest.fixture(scope="module")
def summary():
    found = fuzz.fuzz(PROGRAMS)
    print("\n" + found.report(examples=False))
    return found


def _failure(summary, keys):
    examples = "\n\n".join(summary.examples[k].report() for k in sorted(keys))
    return f"{summary.report(examples=False)}\n\nfirst program of each:\n\n{examples}\n\n" \
           f"(minimal ones: make fuzz, or python tests/fuzz.py --focus OP --shrink)"


@pytest.fixture(scope="module")
def report():
    """The budget run in a fresh interpreter: programs are drawn while torch runs them, so
    they must not depend on what other tests left behind in this process (imports, warning
    filters, generators). Returns (the printed report, {mode: its mismatch block})."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz.py")
    done = subprocess.run([sys.executable, script, "-n", str(PROGRAMS), "--examples"],
                          capture_output=True, text=True, timeout=1800)
    text = done.stdout
    assert f"fuzz: {PROGRAMS} programs" in text, done.stderr[-3000:]
    blocks = dict(re.findall(r"(?ms)^  (ordinary|extreme): (.*?)(?=^  \w+: |\Z)", text))
    return text, blocks


def _count(block):
    return int(re.match(r"(\d+) mismatches", block).group(1))


def _only_allowed(block):
    causes = [line for line in block.splitlines() if line.startswith(" " * 12)]
    return all(line.endswith("(allowed)") for line in causes)


def test_ordinary_programs_agree_with_torch(report):
    text, blocks = report
    assert int(re.search(r"ordinary (\d+)", text).group(1)) >= PROGRAMS // 2
    assert _count(blocks["ordinary"]) == 0, text   # ordinary inputs: no difference at all


def test_extreme_programs_differ_only_as_allowed(report):
    text, blocks = report
    assert int(re.search(r"extreme (\d+)", text).group(1)) >= PROGRAMS // 5
    assert _only_allowed(blocks["extreme"]), text


def test_the_report_parser_reads_both_modes():
    text = ("fuzz: 3 programs in 1.0 s (3/s); ordinary 2 (0 end in an error on both), extreme 1 "
            "(0 end in an error on both)\n  ordinary: 0 mismatches in 2 programs\n"
            "  extreme: 1 mismatches in 1 programs\n    by kind: value 1\n"
            "         1  value             matmul\n                 1  nan (allowed)\n")
    blocks = dict(re.findall(r"(?ms)^  (ordinary|extreme): (.*?)(?=^  \w+: |\Z)", text))
    assert _count(blocks["ordinary"]) == 0 and _count(blocks["extreme"]) == 1
    assert blocks["extreme"].splitlines()[-1].endswith("(allowed)")


def test_every_allowed_difference_has_a_one_line_reason_and_a_cause():
    assert set(fuzz.ALLOWED) == set(fuzz.ALLOWED_CAUSES)
    for (kind, op), reason in fuzz.ALLOWED.items():
        assert kind in fuzz.KINDS and (op in fuzz.OPS or op == "input-view"), (kind, op)
        assert reason.strip() and "\n" not in reason, (kind, op)
        assert not fuzz.allowed(kind, op, "we raise ValueError: something else"), (kind, op)
        # on ordinary inputs nothing is allowed: the engines must agree
        causes = {"nan", "inf differs", "max abs diff N"}
        assert not any(fuzz.allowed(kind, op, c, mode="ordinary") for c in causes)


def test_the_budget_exercises_every_operation(summary):
    if PROGRAMS < 5000:
        pytest.skip("a small FUZZ_PROGRAMS budget")
    never = [op for op in fuzz.OPS if summary.ops[op] == 0]
    assert not never, f"operations no program ran: {never}"


# -- the fuzzer itself ---------------------------------------------------------------------
def _plant_softmax_bug(monkeypatch):
    """A softmax backward that is right whenever the upstream gradient is uniform along dim
    (g - mean(g) instead of g - Σ g·out): an all-ones upstream cannot see it."""
    cls = type(tinygrad_edu.ones(3, requires_grad=True).softmax(0).grad_fn)

    def backward(ctx, g):
        (out,) = ctx.saved
        return out * (g - (g.mean(axis=ctx.dim, keepdims=True) if g.ndim else g))

    monkeypatch.setattr(cls, "backward", staticmethod(backward))


def test_a_planted_softmax_backward_bug_is_found(monkeypatch):
    _plant_softmax_bug(monkeypatch)
    found = fuzz.fuzz(100, mode="ordinary", focus="softmax", max_steps=1)
    assert found.mismatches[("ordinary", "grad", "softmax")] > 10, found.report()


def test_an_all_ones_upstream_would_hide_it(monkeypatch):
    """The same programs (softmax last) with sum(out) as the loss: the bug stays hidden."""
    _plant_softmax_bug(monkeypatch)
    monkeypatch.setattr(fuzz, "pattern", lambda shape, dtype: np.ones(shape, dtype))
    found = fuzz.fuzz(100, mode="ordinary", focus="softmax", max_steps=1)
    assert found.mismatches[("ordinary", "grad", "softmax")] == 0


def test_a_planted_missing_error_is_found(monkeypatch):
    """Our engine computing where torch raises: a permute that never refuses its dims."""
    real = tinygrad_edu.Tensor.permute

    def permissive(self, *dims):
        try:
            return real(self, *dims)
        except (RuntimeError, IndexError):
            return self.clone()

    monkeypatch.setattr(tinygrad_edu.Tensor, "permute", permissive)
    found = fuzz.fuzz(300, focus="permute")
    assert any(k[1:] == ("raise-vs-compute", "permute") for k in found.mismatches), \
        found.report()


def test_shrinking_gives_a_minimal_program(monkeypatch):
    _plant_softmax_bug(monkeypatch)
    found = fuzz.shrink(("ordinary", "grad", "softmax"), max_examples=300)
    assert found is not None and found.kind == "grad" and found.op == "softmax"
    assert found.program.ops == ["softmax"] and len(found.program.inputs) == 1


def test_runs_are_deterministic():
    first, second = fuzz.fuzz(60), fuzz.fuzz(60)
    assert first.programs == second.programs and first.ops == second.ops
    assert first.mismatches == second.mismatches


@settings(max_examples=40)
@given(fuzz.programs())
def test_a_printed_program_replays_exactly(program):
    """The repro a report prints is the program: same inputs, same outcome."""
    again = fuzz.Program.from_source(program.source(), program.mode)
    assert [s.expr for s in again.stmts] == [s.expr for s in program.stmts]
    for a, b in zip(again.inputs, program.inputs):
        assert a.name == b.name and a.requires_grad == b.requires_grad
        assert a.array.dtype == b.array.dtype and a.array.shape == b.array.shape
        np.testing.assert_array_equal(a.array, b.array)
    first, second = fuzz.compare(program), fuzz.compare(again)
    assert (first and first.key) == (second and second.key)


def test_the_upstream_pattern_is_non_uniform():
    p = fuzz.pattern((4, 6), np.float32)
    assert p.dtype == np.float32 and (p != 0).all()
    assert len(np.unique(p)) > 10 and (p[:, 1:] != p[:, :-1]).all()


def test_values_are_compared_nan_aware_with_dtype_tolerances():
    def close(a, b, scale=1.0):
        return fuzz.close(tinygrad_edu.tensor(a), torch.tensor(b), 1e-4, scale)[0]

    assert close(np.float32([1, math.nan, math.inf]), np.float32([1, math.nan, math.inf]))
    assert not close(np.float32([1, 2]), np.float32([1, math.nan]))
    assert not close(np.float32([math.inf]), np.float32([-math.inf]))
    assert not close(np.float32([1e30]), np.float32([math.inf]))
    assert close(np.float32([1.0]), np.float32([1.00001]))
    assert not close(np.float32([1.0]), np.float32([1.001]))
    assert close(np.float32([0.0]), np.float32([0.5]), scale=1e4)  # cancellation in big sums
    assert not close(np.int64([1, 2]), np.int64([1, 3]))


def test_exceptions_are_compared_by_their_built_in_category():
    assert fuzz.category(IndexError("x")) == "IndexError"
    assert fuzz.category(np.exceptions.AxisError(3, 1)) == "ValueError"
    try:
        torch.ones(2) @ torch.ones(3)
    except RuntimeError as e:
        assert fuzz.category(e) == "RuntimeError"
    assert fuzz.category(tinygrad_edu.serialization.LoadError("x")) == "RuntimeError"
