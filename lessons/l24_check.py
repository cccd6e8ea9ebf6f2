"""Lesson 24's checker: load the learner's gradients (the shipped solution, or the file
named by ``TINYGRAD_EDU_SOLUTION``), compare each with autograd's (exact / approximate /
wrong / not written), print the table, and for a wrong one pick the backward frames that
compute that gradient, so that its step-through page shows the chain rule with numbers."""
import importlib.util
import os
import unicodedata
from types import SimpleNamespace

import numpy as np

ENV = "TINYGRAD_EDU_SOLUTION"
# backward's order: from the loss to the embedding table (the learner's order too)
NODES = ("logprobs", "probs", "counts_sum_inv", "counts_sum", "counts", "norm_logits",
         "logit_maxes", "logits", "h", "W2", "b2", "hpreact", "bngain", "bnbias", "bnraw",
         "bnvar_inv", "bnvar", "bndiff2", "bndiff", "bnmeani", "hprebn", "embcat", "W1",
         "b1", "emb", "C")
ONE_GO = {"logits": "logits (in one go)", "hprebn": "hprebn (in one go)"}
ONE_GO_ZH = {"logits (in one go)": "logits（一次算完）", "hprebn (in one go)": "hprebn（一次算完）"}
VERDICTS = {"exact": "完全相同", "approximate": "近似相等", "wrong": "错误",
            "not written": "未写", "wrong shape": "形状不对"}


class SolutionError(Exception):
    """The file named by TINYGRAD_EDU_SOLUTION cannot be used (the message says why)."""


def load_solution():
    """``(module, where)``: the learner's file when ``TINYGRAD_EDU_SOLUTION`` names one,
    else ``lessons.l24_solution``."""
    path = os.environ.get(ENV, "").strip()
    if not path:
        from . import l24_solution
        return l24_solution, "lessons/l24_solution.py"
    if not os.path.isfile(path):
        raise SolutionError(f"{ENV}={path}: there is no such file (copy "
                            f"lessons/l24_exercise.py and name your copy)")
    spec = importlib.util.spec_from_file_location("l24_learner_solution", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:   # the learner's file: say what went wrong, in one line
        raise SolutionError(f"{path} does not load: {type(err).__name__}: {err}") from None
    if not callable(getattr(module, "backward", None)):
        raise SolutionError(f"{path} has no function backward(torch, v, d)")
    return module, path


def learner_gradients(torch, solution, v, dhpreact):
    """Run the learner's functions under no_grad: ``(d, one_go, error)``. ``d`` keeps what
    was written before an exception (``error``: its one-line description)."""
    d, one_go, error = SimpleNamespace(), {}, None
    with torch.no_grad():
        try:
            solution.backward(torch, v, d)
        except Exception as err:
            error = f"backward: {type(err).__name__}: {err}"
        for name, function, args in (
                ("logits", "cross_entropy_backward", (v,)),
                ("hprebn", "batchnorm_backward", (v, dhpreact))):
            if callable(getattr(solution, function, None)):
                try:
                    one_go[name] = getattr(solution, function)(torch, *args)
                except Exception as err:
                    error = error or f"{function}: {type(err).__name__}: {err}"
    return d, one_go, error


def compare(torch, mine, true):
    """One row's verdict: ``(verdict, exact, approximate, largest |difference|)``."""
    if mine is None:
        return "not written", None, None, None
    if not hasattr(mine, "shape"):
        mine = torch.tensor(mine, dtype=true.dtype)
    if tuple(mine.shape) != tuple(true.shape):
        return "wrong shape", False, False, None
    mine = mine.to(true.dtype)
    exact = bool(torch.all(mine == true))
    approximate = bool(torch.allclose(mine, true))
    diff = (mine - true).abs().max().item()
    verdict = "exact" if exact else "approximate" if approximate else "wrong"
    return verdict, exact, approximate, diff


def check(torch, v, d, one_go):
    """The rows of the table: ``(label, node, shape, verdict, exact, approx, diff)`` for
    every node in backward's order, then the two gradients written in one go."""
    rows = []
    for node in NODES:
        true = getattr(v, node).grad
        rows.append((node, node, tuple(true.shape)) + compare(torch, getattr(d, node, None), true))
    for node, label in ONE_GO.items():
        true = getattr(v, node).grad
        rows.append((label, node, tuple(true.shape)) + compare(torch, one_go.get(node), true))
    return rows


def _pad(text, width):
    """``text`` padded with spaces to ``width`` terminal columns (a Chinese character
    takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


WIDTHS = (20, 10, 9, 9, 11)
HEADS = {"en": ("gradient", "shape", "exact", "approx", "max |diff|", "verdict"),
         "zh": ("梯度", "形状", "完全相同", "近似", "最大差值", "结论")}


def table_lines(rows, lang="en"):
    """The table as (English, Chinese) lines."""
    def line(cells):
        return " ".join(_pad(c, w) for c, w in zip(cells, WIDTHS)) + " " + cells[-1]

    def yes(flag, zh):
        if flag is None:
            return "-"
        return ("是" if flag else "否") if zh else ("yes" if flag else "no")
    lines = [(line(HEADS["en"]), line(HEADS["zh"]))]
    for label, _, shape, verdict, exact, approx, diff in rows:
        d = "-" if diff is None else f"{diff:.2e}" if diff else "0"
        shape_text = "×".join(str(s) for s in shape)
        lines.append((line((label, shape_text or "scalar", yes(exact, 0), yes(approx, 0), d,
                            verdict)),
                      line((ONE_GO_ZH.get(label, label), shape_text or "标量", yes(exact, 1),
                            yes(approx, 1), d, VERDICTS[verdict]))))
    return lines


def frames_for(frames, node):
    """The backward frames that hand a gradient to ``node`` (its chain rule: one frame per
    operation that used it), as a new ``viz`` Frames; None when no frame does."""
    from viz.frames import Frames
    chosen = [f for f in frames if any(name == node for name, *_ in f.handed)]
    if not chosen:
        return None
    return Frames(frames.graph, chosen, frames.title, lang=frames.lang)


def counts(rows):
    """{verdict: how many rows}."""
    found = {}
    for row in rows:
        found[row[3]] = found.get(row[3], 0) + 1
    return found


def largest_difference(rows):
    diffs = [row[6] for row in rows if row[6] is not None]
    return float(np.max(diffs)) if diffs else float("nan")


def telling_elements(frames):
    """On the stepper page each input's chain rule is written out for one element, the
    first by default; an element whose gradient is 0 (a masked place, a label not
    picked) says little. Choose, among the elements written out, the one with the largest
    gradient (``Frame.chain[...]['default']``). Returns the frames."""
    for frame in frames:
        handed = {name: array for name, _, array in frame.handed if array is not None}
        for item in frame.chain:
            grad = handed.get(item["input"])
            if grad is None or not item.get("entries"):
                continue
            flat = np.abs(np.asarray(grad, dtype=float)).ravel()
            keys = [k for k in item["entries"] if str(k).isdigit() and int(k) < flat.size]
            if keys:
                item["default"] = str(max(keys, key=lambda k: flat[int(k)]))
        _caption_follows(frame)
    return frames


def _caption_follows(frame):
    """The terminal prints the caption, whose chain-rule lines are the first element's:
    put the chosen element's lines there instead (one run of 'chain' lines per input)."""
    items, caption, k = iter(frame.chain), [], 0
    while k < len(frame.caption):
        if frame.caption[k][1] != "chain":
            caption.append(frame.caption[k])
            k += 1
            continue
        run_end = k
        while run_end < len(frame.caption) and frame.caption[run_end][1] == "chain":
            run_end += 1
        item = next(items, None)
        lines = (item or {}).get("entries", {}).get(str((item or {}).get("default")))
        caption += ([("      " + line, "chain") for line in lines] if lines
                    else frame.caption[k:run_end])
        k = run_end
    frame.caption = caption


def name_the_seed(frames, out, g, why, lang=None):
    """Backward started from a gradient ``g`` handed down from above (``step_backward(out,
    gradient=g)``), not from a scalar loss: the first frame says ∂loss/∂out = g and where
    it comes from (``why``), instead of the usual ∂out/∂out = 1. ``lang``: the frames'
    language unless given (``opts.step_backward`` makes them in the learner's). Returns
    the frames."""
    from viz.formatting import value_text
    lang = lang or getattr(frames, "lang", "en")
    value = value_text(np.asarray(g), lang=lang)
    seed = frames[0]
    for i, (text, kind) in enumerate(seed.caption):
        if text.startswith(f"∂{out}/∂{out} = "):
            seed.caption[i] = (f"∂loss/∂{out} = {value}（{why}）" if lang == "zh" else
                               f"∂loss/∂{out} = {value}  ({why})", kind)
    return frames
