"""Reading a real PyTorch graph, so a lesson can draw both engines side by side.

torch keeps, per operation, a ``grad_fn`` node whose ``next_functions`` point at the nodes
of its inputs; a leaf that requires grad appears as an ``AccumulateGrad`` node whose
``.variable`` is the tensor; inputs that need no gradient (the data) are not in torch's
graph at all. Operation names are mapped to the course's labels (``MmBackward0`` -> MM,
``AddmmBackward0`` -> LINEAR, ...), and two of torch's node pairs are drawn as the one node
tinygrad_edu has: ``AddmmBackward0`` + ``TBackward0`` (the weight's transpose) is LINEAR
with inputs (x, weight, bias), and ``NllLossBackward0`` fed by ``LogSoftmaxBackward0``
(nothing else using the log-probabilities) is CE. torch is never imported here: the
tensor handed in brings its own module."""
from .formatting import as_numpy
from .graph import Entry

LABELS = {
    "Mm": "MM", "Mv": "MM", "Dot": "MM", "Bmm": "MM", "Addmm": "LINEAR", "Add": "ADD",
    "Sub": "SUB", "Rsub": "SUB", "Mul": "MUL", "Div": "DIV", "Pow": "POW", "Neg": "NEG",
    "Exp": "EXP", "Log": "LOG", "Sqrt": "SQRT", "Abs": "ABS", "Clamp": "CLAMP",
    "ClampMin": "CLAMP", "ClampMax": "CLAMP", "ToCopy": "CAST", "Clone": "CLONE",
    "Sigmoid": "SIGMOID", "Relu": "RELU", "Tanh": "TANH", "Softmax": "SOFTMAX",
    "LogSoftmax": "LOG_SOFTMAX", "MseLoss": "MSE", "BinaryCrossEntropy": "BCE",
    "BinaryCrossEntropyWithLogits": "BCE_LOGITS", "NllLoss": "NLL", "Sum": "SUM",
    "Mean": "MEAN", "Max": "MAX", "Min": "MIN", "T": "PERMUTE", "Transpose": "PERMUTE",
    "Permute": "PERMUTE", "View": "RESHAPE", "Reshape": "RESHAPE", "UnsafeView": "RESHAPE",
    "ReshapeAlias": "RESHAPE", "Squeeze": "RESHAPE", "Unsqueeze": "RESHAPE",
    "Expand": "EXPAND", "Index": "INDEX", "Select": "INDEX", "Slice": "INDEX", "Cat": "CAT",
    "Stack": "STACK", "Where": "WHERE", "MaskedFill": "WHERE", "Convolution": "CONV",
    "AvgPool2D": "AVGPOOL", "MaxPool2DWithIndices": "MAXPOOL", "NativeDropout": "DROPOUT",
}


def is_torch_tensor(obj):
    """True for a real torch.Tensor (checked without importing torch)."""
    return any(c.__module__.startswith("torch") and c.__name__ == "Tensor"
               for c in type(obj).__mro__)


def _base(name):
    """'AddmmBackward0' -> 'Addmm'."""
    i = name.rfind("Backward")
    return name[:i] if i > 0 else name


def label_of(torch_name):
    base = _base(torch_name)
    return LABELS.get(base, base.upper())


_MATHS = None


def maths():
    """The Math of tinygrad_edu's Functions, by torch's grad_fn name (PowBackward0 is a
    tensor to a number, PowBackward2 a number to a tensor) and, failing that, by label."""
    global _MATHS
    if _MATHS is None:
        import tinygrad_edu.ops  # noqa: F401  (loads every Function class)
        from tinygrad_edu.autograd.function import Function
        _MATHS, stack = {}, list(Function.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            if cls.math is not None:
                _MATHS.setdefault(cls.torch_name or cls.__name__ + "Backward0", cls.math)
                _MATHS.setdefault(cls.label, cls.math)
    return _MATHS


def math_of(name, label):
    table = maths()
    return table.get(name) or table.get(label)


def _is_leaf(fn):
    return hasattr(fn, "variable")


def _name(fn):
    return fn.name()


class TorchAdapter:
    """Reads a torch graph for ``build_graph`` (see graph.EduAdapter for the interface)."""
    engine = "torch"

    def __init__(self, root, fuse=True):
        self.fuse = fuse  # draw Addmm+T as LINEAR and NllLoss+LogSoftmax as CE
        self.consumers = {}  # grad_fn -> how many operations use its result
        if root.grad_fn is not None:
            stack, seen = [root.grad_fn], {root.grad_fn}
            while stack:
                for f, _ in stack.pop().next_functions:
                    if f is not None and not _is_leaf(f):
                        self.consumers[f] = self.consumers.get(f, 0) + 1
                        if f not in seen:
                            seen.add(f)
                            stack.append(f)

    @staticmethod
    def root(tensor):
        return tensor.grad_fn

    def _fused_linear(self, fn):
        """AddmmBackward0 whose weight comes through TBackward0 from a leaf: (b, x, Wᵀ)."""
        if not self.fuse or _name(fn) != "AddmmBackward0" or len(fn.next_functions) != 3:
            return None
        t = fn.next_functions[2][0]
        if t is None or _name(t) != "TBackward0" or self.consumers.get(t) != 1:
            return None
        w = t.next_functions[0][0]
        return w if w is not None and _is_leaf(w) else None

    def _fused_ce(self, fn):
        if not self.fuse or _name(fn) != "NllLossBackward0":
            return None
        ls = fn.next_functions[0][0]
        if ls is None or _name(ls) != "LogSoftmaxBackward0" or self.consumers.get(ls) != 1:
            return None
        return ls

    def _entry(self, f, slot):
        if f is None:
            return None
        return Entry("leaf", None, f.variable, slot) if _is_leaf(f) else Entry("op", f, None, slot)

    def inputs(self, fn):
        w = self._fused_linear(fn)
        if w is not None:  # in tinygrad_edu's order: x, weight, bias
            (b, _), (x, _) = fn.next_functions[0], fn.next_functions[1]
            pairs = [(x, 0), (w, 1), (b, 2)]
        else:
            ls = self._fused_ce(fn)
            source = ls if ls is not None else fn
            pairs = [(f, slot) for slot, (f, _) in enumerate(source.next_functions)]
        return [e for e in (self._entry(f, slot) for f, slot in pairs) if e is not None]

    def op_info(self, fn):
        name = _name(fn)
        if self._fused_linear(fn) is not None:
            label, name = "LINEAR", "AddmmBackward0 + TBackward0"
        elif self._fused_ce(fn) is not None:
            label, name = "CE", "NllLossBackward0 + LogSoftmaxBackward0"
        else:
            label = label_of(name)
        return label, name, math_of(name, label)

    @staticmethod
    def array(tensor):
        return as_numpy(tensor)

    def grad(self, tensor):
        if not (tensor.is_leaf or tensor.retains_grad):
            return None  # torch warns when a non-leaf's .grad is read: it is never kept
        return None if tensor.grad is None else self.array(tensor.grad)

    @staticmethod
    def requires_grad(tensor):
        return tensor.requires_grad

    @staticmethod
    def output_shape(fn, entry=None):
        meta = getattr(fn, "_input_metadata", None)  # the forward output's shape(s)
        try:
            return tuple(int(n) for n in meta[0].shape)
        except (TypeError, IndexError, AttributeError):
            return None

    @staticmethod
    def freed(fn):
        return False

