"""The per-op table: every case of the test case table (tests/cases.py) on its tiny inputs,
timed on tinygrad_edu and on torch, without grad (forward on inputs that need none) and with
grad (forward and backward of the sum of the outputs), engines interleaved."""
import os
import statistics
import sys

import numpy as np

from . import timing

TESTS = os.path.join(os.path.dirname(__file__), "..", "tests")


def _case_table():
    if TESTS not in sys.path:
        sys.path.insert(0, TESTS)
    import cases  # tests/cases.py: the case table
    return cases


def _call(case_table, case, engine, grad):
    """A function running the case once on fixed inputs of that engine."""
    inputs = case_table.inputs_of(case, engine, np.float32, grad=grad)
    if not grad:
        def forward():
            with engine.no_grad():
                return case.fn(engine, *inputs)
        return forward

    def forward_backward():
        outs = [o for o in case_table.flatten(case.fn(engine, *inputs))
                if getattr(o, "requires_grad", False)]
        if outs:
            total = outs[0].sum()
            for o in outs[1:]:
                total = total + o.sum()
            total.backward()
    return forward_backward


def measure(engines, quick=False, patterns=()):
    """[(case name, {"nograd": (edu s, torch s, ratio, spread), "grad": ...}), ...]"""
    table = _case_table()
    rows = []
    chosen = table.CASES[:6] if quick else table.CASES
    for case in chosen:
        if patterns and not any(p.lower() in case.name.lower() for p in patterns):
            continue
        row = {}
        for mode, grad in (("nograd", False), ("grad", True)):
            try:
                steps = {name: _call(table, case, engine, grad) for name, engine in engines.items()}
                for fn in steps.values():
                    fn()
                samples = timing.interleaved_samples(steps, repeats=2 if quick else 7, inner=3,
                                                     warmup=1, min_turn=0.002 if quick else 0.01)
            except Exception as error:  # a case the benchmark cannot repeat: say so
                row[mode] = repr(error)[:60]
                continue
            med = timing.medians(samples)
            ratio, spread = timing.paired_ratio(samples, "edu", "torch")
            row[mode] = (med["edu"], med.get("torch"), ratio, spread)
        rows.append((case.name, row))
    return rows


def summary(rows, limit=1.5):
    """The markdown: a summary line, then every op in a collapsed table."""
    ratios = {m: [r[m][2] for _, r in rows if isinstance(r.get(m), tuple) and r[m][2]]
              for m in ("nograd", "grad")}
    over = {m: [(name, r[m][2]) for name, r in rows if isinstance(r.get(m), tuple)
                and r[m][2] and r[m][2] > limit] for m in ratios}
    lines = []
    for mode, label in (("nograd", "without grad"), ("grad", "with grad (forward + backward)")):
        if ratios[mode]:
            within = len(ratios[mode]) - len(over[mode])
            lines.append(f"Per-op, {label}: {within} of {len(ratios[mode])} ops ≤ {limit:g}× "
                         f"torch ({'✅' if not over[mode] else '❌'}); median ratio "
                         f"{statistics.median(ratios[mode]):.2f}×.")
    worst = sorted({name for m in over for name, _ in over[m]})
    if worst:
        lines.append("Over the goal: " + ", ".join(worst) + ".")
    lines += ["", "<details><summary>every op (µs per call; ratio = edu / torch, paired)"
              "</summary>", "",
              "| op | edu, no grad | torch, no grad | ratio | edu, grad | torch, grad | ratio |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        cells = []
        for mode in ("nograd", "grad"):
            v = r.get(mode)
            if isinstance(v, tuple) and v[1]:
                cells += [f"{v[0] * 1e6:.1f}", f"{v[1] * 1e6:.1f}", f"{v[2]:.2f}×"]
            else:
                cells += ["–", "–", str(v or "–").replace("|", "/")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "</details>"]
    return "\n".join(lines)
