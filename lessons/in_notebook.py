"""A lesson inside a Jupyter notebook: the narration, progress bars, graphs, plots and the
backward step-through show inline, and nothing waits for Enter.

What a generated notebook (``notebooks/``, see ``lessons/notebooks.py``) runs::

    lesson = Session(5, torch, quick=False, lang="en")   # torch: tinygrad_edu or real torch
    device, say, opts = lesson.device, lesson.say, lesson.opts
    ...                                                   # the lesson's code: def run(...)
    result = lesson.run(run)   # run(torch, device, say, opts), seeded and timed

or, in any notebook, ``run_lesson(5, engine="torch")`` with the lesson module's own ``run``.

In a notebook ``say(...)`` prints every step (no pause), ``say.frames(frames)`` shows the
backward pass one node per click (``viz.step_through``), ``opts.save_graph`` shows the
graph as SVG, ``opts.save_stepper`` the player and its static view, the plots show
themselves (``viz.plots``), and ``opts.end_epoch`` / ``opts.epochs`` / ``opts.progress``
draw tqdm.auto bars. The files are written to ``out`` as on the command line.
"""
import sys
import warnings

from .context import LessonContext
from .engines import get_engine, resolve_device
from .graphs import nothing_to_draw
from .narration import Narrator
from .registry import find
from .report import files_written, one_line
from .runner import timed_run


def engine_name(torch):
    """'torch' for the real torch module, 'edu' for tinygrad_edu."""
    return "torch" if getattr(torch, "__name__", "") == "torch" else "edu"


def _bar_class():
    """tqdm.auto's bar: a widget in a notebook with ipywidgets, text otherwise (without
    tqdm's warning that ipywidgets is missing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm
    return tqdm


class NotebookNarrator(Narrator):
    """``say`` in a notebook: never waits for Enter; ``say.frames`` shows the frames one
    node per click (ipywidgets) or stacked, as pictures."""

    def __init__(self, lang="en", step=True):
        super().__init__(lang=lang, step=step, stream=sys.stdout, interactive=False)
        self.shown = set()   # ids of the frames already shown inline

    def frames(self, frames, en=None, zh=None):
        self.log.append(("frames", frames))
        if not self.step:
            return
        if en:
            self._write(f"\n{self.text(en, zh)}\n")
        import viz
        viz.step_through(frames)
        self.shown.add(id(frames))


class NotebookContext(LessonContext):
    """``opts`` in a notebook: tqdm.auto bars; the graph and the step-through also shown."""

    def _bar(self, iterable, total, desc, unit, leave=False):
        if not self.show_progress:
            return None
        return _bar_class()(iterable, total=total, desc=desc, unit=unit, leave=leave)

    def save_graph(self, tensor, stem, **draw_options):
        path = super().save_graph(tensor, stem, **draw_options)
        if path.suffix == ".svg":
            from IPython.display import SVG
            import viz.notebook
            viz.notebook.display(SVG(filename=str(path)))
        return path

    def save_stepper(self, loss, stem, **options):
        frames = loss if hasattr(loss, "save_html") else self.step_backward(loss, **options)
        path = super().save_stepper(frames, stem)
        import viz.notebook
        shown = self.say is not None and id(frames) in getattr(self.say, "shown", ())
        if shown:   # say.frames showed them one per click: add the player only
            from viz.html import player_html
            html = player_html(frames, standalone=False)
        else:
            html = viz.notebook.frames_html(frames)
        viz.notebook.display({"text/html": html, "text/plain": repr(frames)}, raw=True)
        return path


class Session:
    """One lesson in a notebook: ``device``, ``say`` and ``opts`` for its ``run``, and
    ``run(run)`` to run it. ``torch`` is the engine module (tinygrad_edu or real torch;
    ``engine='edu'|'torch'`` picks one instead). ``step`` (default on) prints the
    narration; ``graph`` (default: when the lesson draws one) shows its graph and its
    backward step-through; ``plot`` (default on) shows its plots."""

    def __init__(self, number, torch=None, engine=None, device="cpu", quick=False, step=True,
                 graph=None, plot=True, out="out", lang="en", seed=0, progress=True):
        self.lesson = find(number)
        self.torch = torch if torch is not None else get_engine(engine or "edu")
        self.engine = engine_name(self.torch)
        self.device = resolve_device(self.engine, device)
        self.seed = seed
        graph = self.lesson.graph if graph is None else graph
        self.say = NotebookNarrator(lang=lang, step=step)
        self.opts = NotebookContext(self.engine, self.device, quick=quick, seed=seed,
                                    step=step, graph=graph, plot=plot, out=out, lang=lang,
                                    show_progress=progress, say=self.say)

    def run(self, run=None):
        """``run(torch, device, say, opts)`` (the lesson module's own when not given), as
        ``python -m lessons run`` runs it: seeded, timed, its files listed; prints the
        one-line result and returns the result dict."""
        lesson, say, opts = self.lesson, self.say, self.opts
        run = run or lesson.load().run
        opts.files, opts.timer = [], None
        if opts.graph and not lesson.graph:
            say.result(nothing_to_draw(lesson, "en"), nothing_to_draw(lesson, "zh"))
        result = timed_run(run, self.torch, self.device, say, opts, self.seed)
        result.update(lesson=lesson.number, engine=self.engine, device=self.device,
                      files=[(what, str(path)) for what, path in opts.files])
        print(one_line(lesson, result, say.lang))
        written = files_written(result, say.lang)
        if written:
            print(written)
        return result


def run_lesson(number, engine="edu", **options):
    """Run lesson ``number`` in a notebook with everything inline (``Session``'s options);
    returns the result dict."""
    return Session(number, engine=engine, **options).run()
