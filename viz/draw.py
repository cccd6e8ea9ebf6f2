"""``draw_graph``: the picture of what a tensor was computed from (either engine)."""
from . import dot as _dot
from .graph import EduAdapter, build_graph, check_size, collapse
from .naming import Naming, caller_frame
from .torch_graph import TorchAdapter, is_torch_tensor


def graph_of(tensor, names=None, params=None, show_values=True, show_grads=True, depth=None,
             intermediates=True, frame=None, auto_names=True, fuse=True, lang="en"):
    """The graph model (viz.graph.Graph) behind ``draw_graph``."""
    if not (hasattr(tensor, "grad_fn") and hasattr(tensor, "shape")):
        raise TypeError(f"draw_graph takes a tensor (the output of a computation, e.g. the "
                        f"loss), not {type(tensor).__name__}")
    naming = Naming(names, params, frame if auto_names else None)
    adapter = TorchAdapter(tensor, fuse) if is_torch_tensor(tensor) else EduAdapter()
    graph = build_graph(tensor, adapter, naming, show_values, show_grads, intermediates, lang)
    if depth is not None:
        if not graph.clusters:
            import warnings
            warnings.warn("depth= needs to know the modules: pass params=model (or a "
                          "viz.trace_modules trace); drawing every operation instead",
                          stacklevel=3)
        graph = collapse(graph, depth)
    return graph


class Drawing:
    """A drawn graph. ``.source`` is the DOT text (always there); ``.render(path)`` writes
    an SVG/PNG/PDF (or, without Graphviz, the DOT text and how to install it); in a
    notebook it shows itself as SVG. Like torchviz's ``make_dot`` result."""

    def __init__(self, graph, source):
        self.graph, self.source = graph, source

    def render(self, path="graph.svg", format=None):
        """Write the picture; the format comes from the suffix ('svg', 'png', 'pdf', 'dot')
        unless given. Returns the path written."""
        return _dot.write_rendered(self.source, path, format)

    def save(self, path="graph.dot"):
        """Write the DOT text. Returns the path."""
        return _dot.write_rendered(self.source, path, "dot")

    def pipe(self, format="svg"):
        """The rendered bytes, or None without Graphviz."""
        try:
            return _dot.run_dot(self.source, format)
        except _dot.GraphvizMissing:
            return None

    def _repr_svg_(self):
        try:
            data = self.pipe("svg")
            return None if data is None else data.decode("utf-8")
        except Exception:  # a notebook display must never raise
            return None

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            svg = self._repr_svg_()
            if svg is not None:
                return {"image/svg+xml": svg, "text/plain": repr(self)}
            return {"text/plain": _dot.INSTALL_HINT + "\n\n" + self.source}
        except Exception:
            return {"text/plain": repr(self)}

    def __repr__(self):
        kinds = [n.kind for n in self.graph.nodes.values()]
        return (f"<viz drawing of a {self.graph.engine} graph: {kinds.count('op')} operations, "
                f"{len(kinds) - kinds.count('op')} other nodes; .render('graph.svg') draws it, "
                f".source is the DOT text>")


def draw_graph(tensor, names=None, params=None, show_values=True, show_grads=True, depth=None,
               intermediates=True, auto_names=True, lang="en"):
    """Draw the computational graph of ``tensor`` (a tinygrad_edu or a real torch tensor).

    - ``names``: {tensor: 'name'} or {'name': tensor}; ``params``: a model (its
      ``named_parameters()`` names and module boxes), a ``viz.trace_modules`` trace, or
      {'name': tensor}. Unnamed tensors take the names of the caller's variables
      (``auto_names=False`` turns that off).
    - ``depth``: draw each module at that level as one box: 1 (or ``"layers"``) is one box
      per layer, 0 the whole model; levels count from the first module with more than one
      child, so a model holding ``self.net = nn.Sequential(...)`` gets its layers at 1.
    - ``intermediates``: draw every intermediate result with its values (the default;
      ``False`` draws only the named ones).

    - ``lang``: 'zh' draws the legend and the remarks in Chinese.

    Returns a Drawing: ``.source`` (DOT), ``.render('graph.svg'|'graph.png'|'graph.pdf')``.
    torch counterpart: none built in (torchviz's ``make_dot`` is the closest)."""
    graph = graph_of(tensor, names, params, show_values, show_grads, depth, intermediates,
                     caller_frame(1), auto_names, lang=lang)
    check_size(graph)
    return Drawing(graph, _dot.to_dot(graph))
