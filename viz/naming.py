"""Names for the tensors of a drawing, in this order of precedence:

1. ``names``: a dict tensor -> name, or name -> tensor (either way round);
2. ``params``: a module (its ``named_parameters()``: '0.weight'), a ModuleTrace, a dict
   name -> tensor or the pairs of ``named_parameters()``;
3. the caller's own variables: ``draw_graph(loss)`` called where ``w``, ``b`` and ``loss`` are
   local variables labels those tensors 'w', 'b', 'loss' (a module found there, e.g.
   ``net``, names its parameters 'net.0.weight'). Explicit names always win. The callers'
   callers are looked at too (a few levels), and the outermost name wins: a helper
   ``def show(tensor): viz.draw_graph(tensor)`` still labels the lesson's ``loss`` 'loss'.

Tensors are keyed by identity (``id``), never by value: ``==`` on tensors compares numbers."""
from .modules import ModuleTrace, Membership, is_module, last_trace


def caller_frame(depth):
    """The frame ``depth`` levels above the caller of this function (None if unavailable)."""
    import sys
    try:
        return sys._getframe(depth + 1)
    except ValueError:
        return None


SCOPE_DEPTH = 4  # how many calling frames are searched for variable names


def scopes(frame):
    """The local variables of ``frame`` and of its callers, outermost first (not the private
    ones, nor what is no Python name: pytest keeps an assert's values as '@py_assert1')."""
    found = []
    while frame is not None and len(found) < SCOPE_DEPTH:
        found.append([(k, v) for k, v in list(frame.f_locals.items())
                      if k.isidentifier() and not k.startswith("_")])
        frame = frame.f_back
    return found[::-1]


def variable_name(obj, frame):
    """The name of a variable bound to ``obj`` in ``frame`` or its callers (None if none)."""
    for local in scopes(frame):
        for key, value in local:
            if value is obj:
                return key
    return None


def _is_tensor(v):
    return hasattr(v, "grad_fn") and hasattr(v, "shape") and hasattr(v, "requires_grad")


class Naming:
    """Resolves a tensor (or, for torch intermediates, the grad_fn that made it) to a name,
    and holds the module boxes when a model is known."""

    def __init__(self, names=None, params=None, frame=None):
        self.by_id, self.by_fn, self._keep = {}, {}, []
        self.membership = None
        self._candidates, self._explicit = [], set()
        if names:
            items = names.items() if hasattr(names, "items") else names
            for a, b in items:
                tensor, name = (b, a) if isinstance(a, str) else (a, b)
                self._add(tensor, str(name))
                self._explicit.add(id(tensor))
        if params is not None:
            self._add_params(params, frame)
        if frame is not None:
            self._add_locals(frame)

    def _add(self, tensor, name, override=False):
        if not _is_tensor(tensor):
            return
        if override or id(tensor) not in self.by_id:
            self.by_id[id(tensor)] = name
            self._keep.append(tensor)
            fn = tensor.grad_fn
            if fn is not None and (override or fn not in self.by_fn):
                self.by_fn[fn] = (name, tensor)

    def _add_params(self, params, frame):
        if isinstance(params, ModuleTrace):
            self._use_membership(params.membership())
        elif isinstance(params, Membership):
            self._use_membership(params)
        elif is_module(params):
            trace = last_trace(params)
            if trace is not None:
                self._use_membership(trace.membership())
            else:
                self._use_membership(Membership(params, variable_name(params, frame)))
        else:  # {'name': tensor}, named_parameters() pairs (a bare list of tensors has no names)
            items = params.items() if hasattr(params, "items") else params
            for item in items:
                if isinstance(item, (tuple, list)) and len(item) == 2:
                    name, tensor = item
                    self._add(tensor, str(name))

    def _use_membership(self, membership):
        self.membership = membership
        for p in membership.keep:
            self._add(p, membership.param_name[id(p)])

    def _add_locals(self, frame):
        everything = [item for local in scopes(frame) for item in local]
        for key, value in everything:
            if _is_tensor(value):
                self._add(value, key)
        if self.membership is None:  # a model among the caller's variables gives the boxes
            for key, value in everything:
                if is_module(value):
                    trace = last_trace(value)
                    try:
                        self._candidates.append(trace.membership() if trace is not None
                                                else Membership(value, key))
                    except Exception:  # something module-like that is not a model after all
                        continue

    def choose_model(self, leaf_ids):
        """Among the caller's models, use the first whose parameters are in the graph."""
        for membership in self._candidates:
            if any(id(p) in leaf_ids for p in membership.keep):
                self.membership = membership
                for p in membership.keep:
                    self._add(p, membership.param_name[id(p)], override=id(p) not in self._explicit)
                break
        self._candidates = []

    def name(self, tensor):
        return self.by_id.get(id(tensor))

    def fn_name(self, fn):
        """The name of the tensor that the operation ``fn`` produced, if that tensor is named."""
        entry = self.by_fn.get(fn)
        return None if entry is None else entry[0]

    def fn_tensor(self, fn):
        """The named tensor that ``fn`` produced (torch keeps no other link to it)."""
        entry = self.by_fn.get(fn)
        return None if entry is None else entry[1]
