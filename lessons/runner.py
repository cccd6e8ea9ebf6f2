"""Run one lesson on one engine: pick the engine and the device, seed, narrate, time it,
and hand back the lesson's result dict (with the engine, device and timings added)."""
import time

from .context import LessonContext
from .graphs import nothing_to_draw
from .engines import get_engine, resolve_device
from .narration import Narrator, StopLesson
from .registry import find


def run_lesson(number, engine="edu", device="cpu", quick=False, step=False, graph=False,
               plot=False, out="out", lang="en", seed=0, shared=None, say=None,
               show_progress=None):
    """Run lesson ``number`` and return its result dict.

    The dict always holds ``metrics`` (the key numbers), ``losses`` (the loss history,
    possibly empty), ``summary`` (the one-line result), ``engine``, ``device``,
    ``seconds``, ``seconds_per_epoch`` (None when the lesson does not train) and
    ``files`` (what was written to ``out``). A learner who types q at a pause gets
    ``stopped=True`` and whatever the lesson had computed so far is lost."""
    lesson = find(number)
    torch = get_engine(engine)
    device = resolve_device(engine, device)
    say = say or Narrator(lang=lang, step=step)
    opts = LessonContext(engine, device, quick=quick, seed=seed, step=step, graph=graph,
                         plot=plot, out=out, lang=lang, shared=shared,
                         show_progress=show_progress, say=say)
    if graph and not lesson.graph:   # say so, instead of silently writing nothing
        say.result(nothing_to_draw(lesson, "en"), nothing_to_draw(lesson, "zh"))
    result = timed_run(lesson.load().run, torch, device, say, opts, seed)
    if graph and lesson.graph and not result.get("stopped") and not any(
            path.suffix in (".svg", ".dot") for _, path in opts.files):
        say.result("--graph: this run drew no graph.", "--graph：这次运行没有画出计算图。")
    result.update(lesson=lesson.number, engine=engine, device=device,
                  files=[(what, str(path)) for what, path in opts.files])
    return result


def timed_run(run, torch, device, say, opts, seed):
    """``run(torch, device, say, opts)`` seeded and timed; the result dict with its usual
    keys (a learner's q gives ``stopped=True``). Shared by the command line and notebooks."""
    torch.manual_seed(seed)
    start = opts.started = time.perf_counter()
    try:
        result = run(torch, device, say, opts) or {}
    except StopLesson:
        result = {"stopped": True, "summary": say.text("stopped by the learner",
                                                       "学习者中途退出")}
    result.setdefault("metrics", {})
    result.setdefault("losses", [])
    result.setdefault("summary", "")
    result["seconds"] = time.perf_counter() - start
    timer = opts.timer
    result.setdefault("seconds_per_epoch",
                      timer.seconds / timer.count if timer is not None and timer.count else None)
    return result
