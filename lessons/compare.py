"""``python -m lessons compare N``: one lesson on real PyTorch and on tinygrad_edu, from the
same initial weights and the same batches, side by side.

Real PyTorch runs first and records its random draws (initial weights, generated data)
as NumPy arrays; tinygrad_edu then starts from copies of them. Shuffling and splitting
come from one NumPy stream both runs share (see ``LessonContext.loader``/``split``). So
every difference in the table is the two engines' arithmetic, not their random numbers.
"""
import io
import math

import numpy as np

from .context import Shared
from .engines import get_engine
from .narration import Narrator
from .registry import find
from .report import seconds
from .runner import run_lesson

ENGINES = ("torch", "edu")   # torch first: its initial weights are the ones both use
CHECKPOINTS = 6


def compare_lesson(number, device="cpu", quick=False, seed=0, out="out", lang="en",
                   show_progress=None):
    """Run lesson ``number`` on both engines from the same numbers; returns the table as
    a dict (see ``format_table``)."""
    lesson = find(number)
    get_engine("torch")   # a clear one-line error when PyTorch is not installed
    shared = Shared(seed)
    results = {}
    for engine in ENGINES:
        quiet = Narrator(lang=lang, step=False, stream=io.StringIO(), interactive=False)
        results[engine] = run_lesson(number, engine=engine,
                                     device=device if engine == "torch" else "cpu",
                                     quick=quick, out=out, lang=lang, seed=seed,
                                     shared=shared, say=quiet, show_progress=show_progress)
        shared.replay()
    return build_table(lesson, results)


def build_table(lesson, results):
    a, b = (results[e] for e in ENGINES)
    rows = []
    la, lb = np.asarray(a["losses"], float), np.asarray(b["losses"], float)
    n = min(len(la), len(lb))
    loss_diff = float(np.max(np.abs(la[:n] - lb[:n]))) if n else None
    if n:
        for i in sorted(set(np.linspace(0, n - 1, CHECKPOINTS).round().astype(int).tolist())):
            rows.append((f"loss [{i}]", la[i], lb[i]))
    metric_diff = 0.0 if a["metrics"] else None
    for key, va in a["metrics"].items():
        vb = b["metrics"].get(key)
        if not (_is_number(va) and _is_number(vb)):
            continue
        rows.append((key, float(va), float(vb)))
        metric_diff = max(metric_diff, abs(float(va) - float(vb)))
    return {"lesson": lesson, "results": results, "rows": rows,
            "loss_points": n, "largest_loss_difference": loss_diff,
            "largest_metric_difference": metric_diff,
            "seconds_per_epoch": {e: results[e]["seconds_per_epoch"] for e in ENGINES},
            "devices": {e: results[e]["device"] for e in ENGINES}}


def format_table(table):
    """The side-by-side table as text."""
    lesson = table["lesson"]
    a_dev, b_dev = (table["devices"][e] for e in ENGINES)
    head = (f"=== compare {lesson.code} {lesson.title}: torch ({a_dev}) vs edu ({b_dev}), "
            f"same initial weights and batches ===")
    names = [r[0] for r in table["rows"]] + ["time per epoch"]
    width = max([len(x) for x in names] + [10])
    lines = [head, f"{'':<{width}}  {'torch':>14}  {'edu':>14}  {'|difference|':>13}"]
    for name, va, vb in table["rows"]:
        lines.append(f"{name:<{width}}  {_fmt(va):>14}  {_fmt(vb):>14}  "
                     f"{_fmt(abs(va - vb)):>13}")
    spe = table["seconds_per_epoch"]
    if all(v is not None for v in spe.values()):
        ratio = spe["edu"] / spe["torch"] if spe["torch"] else float("nan")
        lines.append(f"{'time per epoch':<{width}}  {seconds(spe['torch']):>14}  "
                     f"{seconds(spe['edu']):>14}  {'edu/torch ' + f'{ratio:.2g}x':>13}")
    if table["largest_loss_difference"] is not None:
        lines.append(f"largest difference over all {table['loss_points']} recorded losses: "
                     f"{table['largest_loss_difference']:.3g}")
    if table["largest_metric_difference"] is not None:
        lines.append(f"largest difference in the final numbers: "
                     f"{table['largest_metric_difference']:.3g}")
    return "\n".join(lines)


def _fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if v == 0:
        return "0"
    if abs(v) >= 1e4 or abs(v) < 1e-3:
        return f"{v:.4e}"
    return f"{v:.6f}"


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
