"""What a lesson receives besides the engine: its options and a few services.

``opts`` carries the command-line choices (quick, seed, step, graph, plot, out, lang) and:

- ``opts.end_epoch(epoch, epochs, losses)``: the last line of a training loop's body
  (the course has no such line; a reader may skip it): a tqdm progress bar on stderr (off
  when stderr is not a terminal, and in --quick) showing the epoch's mean loss, the clock
  behind the runner's seconds per epoch, and with ``every=`` a printed loss line;
- ``opts.epochs(n)`` / ``opts.progress(iterable)``: the same bar around an iterable, for
  the loops the course does not write (lessons 19-25);
- ``opts.same(name, make)`` and ``opts.same_weights(model)``: in ``compare``, the first
  engine records random data and initial weights, the second receives copies of them
  (through NumPy), so both engines start from the same numbers. In a plain run they do
  nothing;
- ``opts.loader(...)`` and ``opts.split(...)``: ``DataLoader`` and ``random_split`` with
  the course's arguments (a lesson writes ``DataLoader, random_split = opts.loader,
  opts.split`` and then the course's lines); in ``compare`` the shuffle order and the
  split come from one NumPy stream that both engines share;
- ``opts.output(name)``, ``opts.save_plot(...)``, ``opts.save_graph(...)``,
  ``opts.save_stepper(...)``, ``opts.save_backward(...)`` (the graph and the stepper
  together, for --graph): files written to ``--out``, listed at the end (named in
  English in ``result['files']``; ``lessons.report`` prints them in the learner's language);
- ``opts.step_backward(loss, ...)``: ``viz.step_backward`` in the learner's language (for
  ``say.frames``, the node-by-node backward of --step).
"""
import sys
import time
from pathlib import Path

import numpy as np

from .narration import Narrator

try:
    from tqdm import tqdm
except ImportError:  # the bar is a comfort, not a need
    tqdm = None


class Shared:
    """Numbers the two engines of ``compare`` share: the first run records, the second
    replays. Everything crosses as NumPy arrays."""

    def __init__(self, seed=0):
        self.seed = seed
        self.values = {}
        self.recording = True

    def replay(self):
        self.recording = False


class Progress:
    """A timed iterable; ``bar`` is a tqdm over it (or None: no bar), and
    ``set_postfix(loss=...)`` shows the running loss on it."""

    def __init__(self, iterable, total, bar=None):
        self.iterable, self.total, self.bar = iterable, total, bar
        self.seconds, self.count = 0.0, 0

    def __iter__(self):
        start = time.perf_counter()
        for item in (self.bar if self.bar is not None else self.iterable):
            yield item
            self.count += 1
            self.seconds = time.perf_counter() - start
        if self.bar is not None:
            self.bar.close()

    def __len__(self):
        return self.total

    def set_postfix(self, **values):
        _postfix(self.bar, values)


class EpochClock:
    """One training loop as ``opts.end_epoch`` sees it: its bar (or None), when each epoch
    ended, and how many of the loop's losses it has already averaged. ``seconds / count``
    is the time per epoch: between the first and the last epoch's end (the first epoch's
    start is not seen), or, after a single epoch, since ``started``: when the model got its
    weights (``opts.same_weights``), or else when the lesson began."""

    def __init__(self, bar, started):
        self.bar, self.started = bar, started
        self.ends = []
        self.averaged = 0

    @property
    def count(self):
        return max(len(self.ends) - 1, 1) if self.ends else 0

    @property
    def seconds(self):
        if not self.ends:
            return 0.0
        return self.ends[-1] - (self.ends[0] if len(self.ends) > 1 else self.started)


def mean_loss_line(epoch, loss):
    """``epoch 1: mean loss 0.2958``: an epoch (counted from 1) and its mean batch loss."""
    return (f"epoch {epoch + 1}: mean loss {loss:.4f}",
            f"第 {epoch + 1} 轮：平均损失 {loss:.4f}")


def _postfix(bar, values):
    if bar is not None:
        bar.set_postfix({k: (f"{v:.4f}" if isinstance(v, float) else v)
                         for k, v in values.items()}, refresh=False)


class SharedOrder:
    """A sampler for ``DataLoader(sampler=...)``: a fresh permutation of range(n) each
    epoch, drawn from a NumPy stream seeded identically on both engines."""

    def __init__(self, n, seed):
        self.n = n
        self.rng = np.random.default_rng(seed)

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())

    def __len__(self):
        return self.n


class LessonContext:
    """The ``opts`` of ``run(torch, device, say, opts)``."""

    def __init__(self, engine_name="edu", device="cpu", quick=False, seed=0, step=False,
                 graph=False, plot=False, out="out", lang="en", shared=None,
                 show_progress=None, say=None):
        self.engine_name, self.device = engine_name, device
        self.quick, self.seed, self.step = quick, seed, step
        self.graph, self.plot, self.lang = graph, plot, lang
        self.out = Path(out)
        self.shared = shared
        if show_progress is None:
            show_progress = _is_tty(sys.stderr) and not quick and not step
        self.show_progress = show_progress
        self.say = say if say is not None else Narrator(lang=lang)   # end_epoch's lines
        self.files = []          # (what, path) of every file written
        self.timer = None        # the first loop's clock, for seconds per epoch
        self.started = time.perf_counter()   # the lesson's start, then same_weights'
        self._loop = None        # the training loop end_epoch is in
        self._streams = 0

    # -- progress --------------------------------------------------------------------------
    def end_epoch(self, epoch, epochs, losses=None, every=None, line=None, desc="epochs"):
        """The last line in the body of the course's ``for epoch in range(epochs):``.
        Plumbing, not the course: it moves the progress bar, shows on it the mean of the
        losses this epoch appended to ``losses`` (the loop's list, empty before it), and
        times the epochs. With ``every``: ``line(epoch, mean)`` (a string or an ``(en,
        zh)`` pair; default ``mean_loss_line``) is printed every ``every`` epochs and
        after the last. ``desc`` names the bar."""
        if epoch == 0 or self._loop is None:
            bar = self._bar(None, epochs, desc, "epoch", leave=True)
            self._loop = EpochClock(bar, self.started)
            if self.timer is None:
                self.timer = self._loop
        loop = self._loop
        loop.ends.append(time.perf_counter())
        new = list(losses[loop.averaged:]) if losses is not None else []
        if new:
            loop.averaged = len(losses)
            mean = sum(new) / len(new)
            _postfix(loop.bar, {"loss": mean})
            if every and (epoch % every == 0 or epoch == epochs - 1):
                text = (line or mean_loss_line)(epoch, mean)
                self.say.result(*((text,) if isinstance(text, str) else text))
        if loop.bar is not None:
            loop.bar.update(1)
        if epoch == epochs - 1:
            if loop.bar is not None:
                loop.bar.close()
            self._loop = None

    def epochs(self, n, desc="epochs"):
        """``for epoch in opts.epochs(100):`` a timed range with a progress bar."""
        bar = Progress(range(n), n, self._bar(range(n), n, desc, "epoch", leave=True))
        if self.timer is None:
            self.timer = bar
        return bar

    def progress(self, iterable, desc="", total=None, unit="it"):
        """A progress bar over any iterable (batches, steps)."""
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)
        return Progress(iterable, total, self._bar(iterable, total, desc, unit))

    def _bar(self, iterable, total, desc, unit, leave=False):
        """A tqdm bar on stderr (over ``iterable``, or updated by hand when None), or None
        when bars are off. A terminal's bar is cleared when done, whatever ``leave`` says
        (a notebook keeps its epoch bars)."""
        if not self.show_progress or tqdm is None:
            return None
        return tqdm(iterable, total=total, desc=desc, unit=unit, file=sys.stderr,
                    dynamic_ncols=True, leave=False)

    # -- the same numbers on both engines (compare) -----------------------------------------
    def same(self, name, make):
        """``x = opts.same('data', lambda: torch.rand(...))``: in compare, the value the
        first engine made, converted for this engine; otherwise simply ``make()``."""
        if self.shared is None:
            return make()
        if self.shared.recording:
            value = make()
            self.shared.values[name] = _to_numpy(value)
            return value
        return self._from_numpy(self.shared.values[name])

    def same_weights(self, model, name="initial weights"):
        """In compare, give ``model`` the initial weights the first engine drew. (Training
        starts about now: a one-epoch loop's time is counted from here.)"""
        self.started = time.perf_counter()
        if self.shared is None:
            return model
        if self.shared.recording:
            self.shared.values[name] = {k: v.detach().cpu().numpy().copy()
                                        for k, v in model.state_dict().items()}
        else:
            torch = self.torch
            state = {k: torch.from_numpy(v.copy()) for k, v in self.shared.values[name].items()}
            model.load_state_dict(state)
        return model

    def loader(self, dataset, batch_size=1, shuffle=False, **kwargs):
        """``DataLoader(dataset, batch_size, shuffle)``; in compare a shared shuffle order."""
        DataLoader = self.torch.utils.data.DataLoader
        if shuffle and self.shared is not None:
            self._streams += 1
            order = SharedOrder(len(dataset), self.shared.seed * 1000 + self._streams)
            return DataLoader(dataset, batch_size=batch_size, sampler=order, **kwargs)
        return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, **kwargs)

    def split(self, dataset, lengths):
        """``random_split(dataset, lengths)``; in compare one split for both engines."""
        data = self.torch.utils.data
        if self.shared is None:
            return data.random_split(dataset, lengths)
        self._streams += 1
        order = np.random.default_rng(self.shared.seed * 1000 + self._streams).permutation(
            len(dataset)).tolist()
        parts, start = [], 0
        for n in lengths:
            parts.append(data.Subset(dataset, order[start:start + n]))
            start += n
        return parts

    def _from_numpy(self, value):
        if isinstance(value, tuple):
            return tuple(self._from_numpy(v) for v in value)
        if isinstance(value, np.ndarray):
            return self.torch.from_numpy(value.copy()).to(self.device)
        return value

    # -- files -----------------------------------------------------------------------------
    def output(self, filename, what="file"):
        """The path of a file to write in --out (the folder is created); it is listed in
        the summary at the end of the run."""
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / filename
        self.files.append((what, path))
        return path

    def save_plot(self, plot, filename, *args, what="plot", **kwargs):
        """``opts.save_plot(plots.loss_curve, 'l03_cost.png', losses)``: call a viz.plots
        function (it writes the PNG) into --out, in the learner's language."""
        path = self.output(filename, what)
        written = plot(*args, path=str(path), lang=self.lang, **kwargs)
        return written or path

    def save_graph(self, tensor, stem, **draw_options):
        """Draw the graph behind ``tensor`` into --out as SVG (viz writes the DOT text
        instead when Graphviz's ``dot`` program is missing, and says how to install it).
        Returns the path written."""
        import viz
        self.out.mkdir(parents=True, exist_ok=True)
        draw_options.setdefault("lang", self.lang)   # legend, remarks: the learner's language
        written = Path(viz.draw_graph(tensor, **draw_options).render(
            str(self.out / f"{stem}.svg")))
        self.files.append(("graph" if written.suffix == ".svg" else "graph (DOT text)",
                           written))
        return written

    def step_backward(self, loss, **options):
        """``viz.step_backward(loss, ...)`` in the learner's language: the frames of
        ``loss.backward()``, one per node (the leaves' .grad are left as they were)."""
        import viz
        return viz.step_backward(loss, lang=self.lang, **options)

    def save_stepper(self, loss, stem, **options):
        """The backward pass of ``loss`` frame by frame, as one HTML page in --out (the
        leaves' .grad are left as they were). ``loss`` may also be the frames already
        made by ``opts.step_backward``. Returns the path."""
        frames = loss if hasattr(loss, "save_html") else self.step_backward(loss, **options)
        path = self.output(f"{stem}.html", "backward step-through")
        frames.save_html(str(path))
        return path

    def save_backward(self, loss, stem, **options):
        """--graph: the graph of ``loss`` (``{stem}_graph.svg``) and its backward
        step-through (``{stem}_backward.html``), into --out. ``options``: ``names``,
        ``params``, ``depth`` as in ``viz.draw_graph``. Returns ``(graph path, page path,
        frames)``."""
        frames = self.step_backward(loss, **options)
        graph = self.save_graph(loss, f"{stem}_graph", **options)
        page = self.save_stepper(frames, f"{stem}_backward")
        return graph, page, frames

    @property
    def torch(self):
        from .engines import get_engine
        return get_engine(self.engine_name)


def _to_numpy(value):
    if isinstance(value, (tuple, list)):
        return tuple(_to_numpy(v) for v in value)
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy().copy()
    return value


def _is_tty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
