"""Which operations belong to which module: the boxes (clusters) around layers.

Two ways to know, the first exact, the second a good guess:

1. **Record the module calls** (``trace_modules``). During one forward pass every module's
   call is observed (a forward hook when the module offers ``register_forward_hook``, as
   torch's and tinygrad_edu's do; otherwise its ``forward`` is wrapped for the duration).
   When a module returns, the operations between its inputs and its outputs are walked
   (backwards from the outputs' ``grad_fn``, stopping at the inputs' ``grad_fn``): those are
   its operations. Inner modules return first, so each operation goes to the innermost
   module that produced it. This catches parameter-free layers too (ReLU, Flatten, pooling)
   and functional calls inside a custom ``forward``.
2. **Parameter membership** (``params=model`` without a trace): an operation that consumes a
   module's parameter (the LINEAR node using ``0.weight``) belongs to that module. Layers
   without parameters stay outside the boxes.

Both engines work: a tinygrad_edu graph (``Function.inputs``) and a torch graph
(``next_functions``)."""
import sys
import weakref

from tinygrad_edu.autograd.function import Function
from tinygrad_edu.autograd.versions import recorded_inputs

_LAST_TRACE = {}  # id(model) -> the latest ModuleTrace of that model (draw_graph finds it)


def tensors_in(value):
    """The tensors in a module's inputs or outputs (a tensor, or tuples/lists/dicts of them)."""
    found, stack = [], [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (tuple, list)):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif hasattr(v, "grad_fn") and hasattr(v, "shape"):
            found.append(v)
    return found


def op_children(fn):
    """The operations feeding ``fn`` (either engine); leaves are not operations."""
    if isinstance(fn, Function):
        return [t.grad_fn for t in recorded_inputs(fn) if t is not None and t.grad_fn is not None]
    return [f for f, _ in getattr(fn, "next_functions", ()) if f is not None
            and not hasattr(f, "variable")]


def region(outputs, inputs):
    """The operations computed between ``inputs`` and ``outputs`` (iterative walk)."""
    stop = {t.grad_fn for t in inputs if t.grad_fn is not None}
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    seen = set()
    while stack:
        fn = stack.pop()
        if fn in seen or fn in stop:
            continue
        seen.add(fn)
        stack.extend(op_children(fn))
    return seen


def describe(module):
    """A short form for a box's label: 'Linear(3→5)', 'Conv2d(1→6, 5×5)', 'ReLU()'."""
    cls = type(module).__name__
    if hasattr(module, "in_features") and hasattr(module, "out_features"):
        return f"{cls}({module.in_features}→{module.out_features})"
    if hasattr(module, "in_channels") and hasattr(module, "out_channels"):
        k = getattr(module, "kernel_size", None)
        k = "×".join(str(n) for n in k) if isinstance(k, (tuple, list)) else k
        return f"{cls}({module.in_channels}→{module.out_channels}" + (f", {k})" if k else ")")
    if hasattr(module, "kernel_size"):  # pooling: the window is what matters
        k = module.kernel_size
        return f"{cls}({'×'.join(str(n) for n in k) if isinstance(k, (tuple, list)) else k})"
    extra = ""
    if hasattr(module, "extra_repr"):
        try:
            extra = str(module.extra_repr())
        except Exception:  # a module's own repr must never break a drawing
            extra = ""
    if len(extra) > 28 or "\n" in extra:
        extra = ""
    return f"{cls}({extra})"


def display_name(prefix, path):
    """'net' + '0' -> 'net.0'; no prefix: the path itself ('' for the model itself)."""
    return ".".join(p for p in (prefix, path) if p)


def first_level(paths):
    """How deep (dots + 1) the first module with more than one child sits: levels are
    counted from there, so a model whose only child is ``self.net = nn.Sequential(...)``
    has its layers at level 1, as a plain Sequential has. ``paths`` as in
    ``named_modules()`` ('' is the model). A chain of single children ending in one leaf
    layer stops above that layer (it is level 1)."""
    children = {}
    for path in paths:
        if path:
            children.setdefault(path.rsplit(".", 1)[0] if "." in path else "", []).append(path)
    path = ""
    while len(children.get(path, ())) == 1 and children.get(children[path][0]):
        path = children[path][0]
    return 0 if path == "" else path.count(".") + 1


class ModuleInfo:
    """One module of the model: where it sits (``path`` as in ``named_modules``), its label
    and its level ``depth``, counted from the first module with more than one child (0;
    wrappers above it are negative): ``depth=1`` in draw_graph is one box per layer."""

    def __init__(self, path, module, prefix, base=0):
        self.path = path
        self.name = display_name(prefix, path)
        self.text = describe(module)
        self.label = f"{self.name} {self.text}" if self.name else self.text
        self.depth = (0 if path == "" else path.count(".") + 1) - base
        self.parent = None if path == "" else (path.rsplit(".", 1)[0] if "." in path else "")


class Membership:
    """Module boxes for one model: its modules, the owner of each parameter and (when a
    trace was recorded) of each operation."""

    def __init__(self, model, prefix=None, trace=None):
        self.prefix = prefix or ""
        named = list(model.named_modules())
        base = first_level([path for path, _ in named])
        self.modules = {path: ModuleInfo(path, m, self.prefix, base) for path, m in named}
        self.param_path, self.param_name = {}, {}
        self.keep = []
        for pname, p in model.named_parameters():
            owner = pname.rsplit(".", 1)[0] if "." in pname else ""
            self.param_path[id(p)] = owner
            self.param_name[id(p)] = display_name(self.prefix, pname)
            self.keep.append(p)
        self.trace = trace

    def op_path(self, fn):
        return None if self.trace is None else self.trace.op_module.get(fn)


class ModuleTrace:
    """Records, for one forward pass, which module computed which operation.

    Use it as a context manager around the forward pass; pass it (or the model, whose
    latest trace is remembered) to ``draw_graph``::

        with viz.trace_modules(net) as trace:
            loss = criterion(net(x), y)
        viz.draw_graph(loss, params=trace, depth=1)
    """

    def __init__(self, model, name=None):
        self.model_ref = _ref(model)
        self.name = name
        self.op_module = {}       # grad_fn -> module path (innermost module wins)
        self.calls = []           # (path, input shapes, output shapes) in call order
        self._undo = []

    @property
    def model(self):
        return self.model_ref()

    def membership(self):
        return Membership(self.model, self.name, self)

    def _record(self, path, inputs, output):
        ins, outs = tensors_in(inputs), tensors_in(output)
        self.calls.append((path, [tuple(t.shape) for t in ins], [tuple(t.shape) for t in outs]))
        for fn in region(outs, ins):
            self.op_module.setdefault(fn, path)  # inner modules returned first: keep theirs

    def __enter__(self):
        model = self.model
        for path, module in model.named_modules():
            self._watch(path, module)
        _LAST_TRACE[id(model)] = self
        return self

    def _watch(self, path, module):
        if hasattr(module, "register_forward_hook"):
            handle = module.register_forward_hook(
                lambda mod, inputs, output, path=path: self._record(path, inputs, output))
            self._undo.append(handle.remove)
            return
        original = module.forward  # no hooks: wrap forward for the duration of the trace

        def forward(*args, **kwargs):
            output = original(*args, **kwargs)
            self._record(path, (args, kwargs), output)
            return output
        had_own = "forward" in vars(module)
        vars(module)["forward"] = forward
        self._undo.append(lambda: vars(module).__setitem__("forward", original) if had_own
                          else vars(module).pop("forward", None))

    def __exit__(self, *exc):
        while self._undo:
            self._undo.pop()()
        return False

    def __repr__(self):
        return (f"<ModuleTrace of {type(self.model).__name__}: {len(self.calls)} module calls, "
                f"{len(self.op_module)} operations>")


def _ref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:
        return lambda: obj


def trace_modules(model, name=None):
    """Record which module computes which operation during the forward passes run inside
    the ``with`` block (see ``ModuleTrace``). ``name`` prefixes the labels: 'net' gives
    'net.0 Linear(3→5)'; by default the name of the caller's variable holding the model.
    No torch counterpart (torch's closest is ``register_forward_hook``)."""
    if name is None:
        caller = sys._getframe(1)
        name = next((k for k, v in list(caller.f_locals.items())
                     if v is model and not k.startswith("_")), None)
    return ModuleTrace(model, name)


def last_trace(model):
    """The latest trace recorded for ``model`` (or None)."""
    trace = _LAST_TRACE.get(id(model))
    return trace if trace is not None and trace.model is model else None


def is_module(obj):
    return callable(getattr(obj, "named_parameters", None)) and \
        callable(getattr(obj, "named_modules", None))
