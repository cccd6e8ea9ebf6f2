"""Frames: a sequence of pictures with captions (backward step by step, an optimizer step),
shown in the terminal, saved as numbered SVGs, or as one self-contained HTML player."""
import os

from . import dot as _dot


class Frame:
    """One step. ``caption`` is a list of (text, kind) lines (kind: 'title', 'formula',
    'grad', 'mono' or 'text'); ``states`` marks nodes ('current', 'done', 'receiving');
    ``grads`` overrides the gradient lines drawn in nodes (the gradient so far);
    ``edge_notes`` writes the gradient handed along an edge. Numbers are kept as arrays:
    ``upstream`` (g = dL/d output of this node) and ``handed`` [(target name, target node
    id, array or None)] for a backward step."""

    def __init__(self, kind, title, current=None, caption=(), states=None, grads=None,
                 edge_notes=None):
        self.kind, self.title, self.current = kind, title, current
        self.caption = list(caption)
        self.states, self.grads = dict(states or {}), dict(grads or {})
        self.edge_notes = dict(edge_notes or {})
        self.node = None        # the engine's node (grad_fn) for a backward step
        self.label = ""         # e.g. 'MM'
        self.torch_name = ""
        self.formula = ""
        self.upstream = None
        self.handed = []
        # the chain rule with numbers, per input: [{"input": name, "shape": [..],
        # "default": k, "entries": {k: [lines]}}] (k: a flat element index, as a str)
        self.chain = []
        self.index = 0

    def dot(self, graph):
        return _dot.to_dot(graph, self.states, self.grads, self.edge_notes, self.caption,
                           id_prefix=f"f{self.index}_")

    def text(self):
        """The frame as plain text (the terminal view)."""
        return "\n".join(text for text, _ in self.caption)

    def __repr__(self):
        return f"<Frame {self.index}: {self.title}>"


class Frames:
    """The frames of a step-through, in order. ``show()`` pages through them in the
    terminal; ``save_svgs(dir)`` and ``save_html(path)`` write them out."""

    def __init__(self, graph, frames, title, lang="en"):
        self.graph, self.frames, self.title = graph, list(frames), title
        self.lang = lang  # 'en' or 'zh': the language of the frames and of the page
        for i, frame in enumerate(self.frames):
            frame.index = i

    def __len__(self):
        return len(self.frames)

    def __getitem__(self, i):
        return self.frames[i]

    def __iter__(self):
        return iter(self.frames)

    @property
    def order(self):
        """The labels of the operation steps, in order (e.g. ['MSE', 'LINEAR'])."""
        return [f.label for f in self.frames if f.kind == "backward"]

    def dot(self, i):
        return self.frames[i].dot(self.graph)

    def show(self, interactive=None, file=None):
        """Page through the frames in the terminal: Enter for the next, 'b' to go back,
        'q' to stop. Without a terminal (or interactive=False) print them all."""
        from .terminal import show_frames
        show_frames(self, interactive, file)

    def text(self):
        from .terminal import frames_text
        return frames_text(self)

    def save_svgs(self, folder):
        """Write frame_000.svg, frame_001.svg, ... (DOT files without Graphviz). Returns the
        list of paths."""
        os.makedirs(folder, exist_ok=True)
        paths = []
        for frame in self.frames:
            path = os.path.join(folder, f"frame_{frame.index:03d}.svg")
            try:
                data = _dot.run_dot(self.dot(frame.index), "svg")
            except _dot.GraphvizMissing:
                path = path[:-4] + ".dot"
                data = self.dot(frame.index).encode("utf-8")
                if frame.index == 0:
                    _dot.tell_missing()
            with open(path, "wb") as f:
                f.write(data)
            paths.append(path)
        return paths

    def save_html(self, path, play_ms=1400):
        """Write ONE self-contained HTML file (inline SVG, inline script, nothing fetched):
        Prev / Next / Play buttons (Play shows a frame every ``play_ms`` milliseconds),
        arrow keys, Home/End. Returns the path."""
        from .html import player_html
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(player_html(self, play_ms=play_ms))
        return os.fspath(path)

    def _repr_html_(self):
        """In a notebook: the player (an iframe) and, below it, the static view of every
        frame (inline SVG and step text), which survives where iframes and scripts are
        removed (viz/notebook.py)."""
        try:
            from .notebook import frames_html
            return frames_html(self)
        except Exception:  # a notebook display must never raise
            return None

    def __repr__(self):
        return (f"<{self.title}: {len(self)} frames; .show() in the terminal, "
                f".save_html('steps.html'), .save_svgs('frames/')>")
