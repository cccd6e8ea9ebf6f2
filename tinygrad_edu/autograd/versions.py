"""In-place changes inside a graph, and the version counter that keeps them honest.

``out = x @ W; out += b`` changes ``out`` after the graph recorded it. Autograd copes in
three steps, as torch does:

1. Every tensor counts its in-place changes: ``t._version`` (0, then 1, 2, ...).
2. An in-place change on a tensor in a graph records a new node (``out += b`` is an ADD whose
   first input is ``out`` as it was before), and keeps that earlier version in ``t._older``.
   Each node remembers the versions of its inputs when it was recorded (``node.versions``),
   so a node that used ``out`` before the change still reaches the earlier version:
   ``recorded_inputs(node)``.
3. A node whose backward needs a saved array that was later changed in place cannot give a
   correct gradient. Before it runs, ``check_saved(node)`` looks for that case and raises
   torch's error: "... is at version 1; expected version 0 instead".

So ``y = x.sigmoid(); y += 1; y.sum().backward()`` fails (SIGMOID's backward needs its own
output, which is no longer there), while ``out = x @ W; out += b`` trains (MM saved x and W,
not out)."""
import numpy as np

_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


def recorded_inputs(node):
    """The node's inputs as they were when it was recorded (an input changed in place since
    then is replaced by its earlier version)."""
    inputs = node.inputs
    for t, version in zip(inputs, node.versions):
        if t is not None and t._version != version:
            return tuple(as_of(x, v) for x, v in zip(inputs, node.versions))
    return inputs


def as_of(t, version):
    """Tensor t as it was at ``version``: an earlier version kept by an in-place change in a
    graph, or t itself (a leaf changed under no_grad keeps its place in the graph)."""
    if t is None or t._version == version or not t._older:
        return t
    return t._older.get(version, t)


def check_saved(node):
    """Raise torch's error if the node saved an array that was changed in place since."""
    for t, version in zip(node.inputs, node.versions):
        if t is not None and t._version != version and _saves(node, t._data):
            raise RuntimeError(_message(t, version, t.grad_fn))  # torch names t's maker now
    if node.changed_output is not None:   # the node's own output was changed in place
        out, version = node.changed_output
        if _saves(node, out._data):
            raise RuntimeError(_message(out, version, node))


def _saves(node, array):
    """Does any array the node saved for backward share memory with ``array``?"""
    for s in node.saved if isinstance(node.saved, tuple) else ():
        s = getattr(s, "_data", s)   # a custom Function saves Tensors
        if isinstance(s, np.ndarray) and np.may_share_memory(s, array):
            return True
    return False


def _message(t, expected, creator):
    shape = ", ".join(str(n) for n in t._data.shape)
    which = f"[torch.{_TYPE_NAMES.get(t._data.dtype.name, 'Tensor')} [{shape}]]"
    if creator is not None:
        which += f", which is output 0 of {creator.short_name().removesuffix('Backward0')},"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {which} is at version {t._version}; expected version "
            f"{expected} instead. Hint: the tensor was changed in place (x += ..., x[i] = ..., "
            "x.add_(...)) after an operation saved it for backward; write x = x + ... to make "
            "a new tensor instead.")
