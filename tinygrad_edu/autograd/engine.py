"""The backward engine: walk the graph from the output back to the leaves.

1. order the nodes so that each node comes before every node it depends on
   (reverse topological order, found iteratively: a 10,000-op chain is fine);
2. seed dOut/dOut = 1 and, node by node, call backward(g) and add each returned gradient
   to what its input has already received (a tensor used twice gets the sum: the
   multivariable chain rule);
3. leaves accumulate into ``.grad``; saved arrays are freed unless retain_graph=True.
"""
import weakref
from heapq import heappop, heappush

import numpy as np

from .function import FREED
from .. import tensor as _tensor

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")


def topological_order(root):
    """Nodes reachable from ``root``, each before the nodes it depends on (root first): the
    order ``run_backward`` runs them in, newest node first (see there)."""
    seen, stack = {root}, [root]
    while stack:
        for t in stack.pop().inputs:
            if t is not None and t.grad_fn is not None and t.grad_fn not in seen:
                seen.add(t.grad_fn)
                stack.append(t.grad_fn)
    return sorted(seen, key=lambda node: -node.sequence_nr)


def _accumulate(tensor, g, handed):
    """Add g into tensor.grad. A fresh .grad must own its array: the same array (or a view
    of it) may have been handed to another tensor in this pass, so copy it then."""
    if g.dtype != tensor._data.dtype:
        g = g.astype(tensor._data.dtype)
    if tensor.grad is None:
        if g.base is not None or id(g) in handed or not g.flags.writeable:
            g = g.copy()
        handed[id(g)] = g
        tensor.grad = _tensor.Tensor._make(g, False, None)
    else:  # accumulation, like torch: in place (call zero_grad() between steps) ...
        held = tensor.grad._data
        if id(held) in handed or not held.flags.writeable:
            # ... but not into an array stored during this pass: it may still be waiting,
            # unconsumed, to flow into another node
            tensor.grad._data = np.asarray(held + g)  # (a 0-d sum must stay an array)
        else:
            held += g


def run_backward(root, gradient=None, retain_graph=False, trace=None, sink=_accumulate):
    """Compute d root / d leaf for every leaf that requires grad, adding into ``.grad``.

    ``trace(node, g, input_grads)``, when given, is called for every node in the order the
    engine runs them (the step-through viewer uses this). ``sink(tensor, g, handed)``
    receives each leaf's (and each retained tensor's) gradient: by default it adds it into
    ``.grad``; ``autograd.grad`` passes one that collects the gradients instead."""
    if not root._requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                           "grad_fn (did you forget requires_grad=True, or run it under no_grad?)")
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs (this output has shape "
                f"{tuple(root._data.shape)}). Reduce it to one number first (e.g. loss.sum() or "
                f"loss.mean()), or pass the gradient: out.backward(torch.ones_like(out)).")
        seed = np.ones(root._data.shape, root._data.dtype)  # dOut/dOut = 1
    else:
        seed = np.array(getattr(gradient, "_data", gradient), dtype=root._data.dtype)
        if seed.shape != root._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                               f"{_size(seed.shape)} and output[0] has a shape of "
                               f"{_size(root._data.shape)}.")
    handed = {}
    if root.grad_fn is None:  # backward on a leaf: its gradient is the seed itself
        sink(root, seed, handed)
        return
    # Newest node first. A node is created after every node that made its inputs, so when
    # it comes up, every node that consumes its output has already sent back its gradient:
    # the waiting list is a heap ordered by creation number (torch's sequence_nr).
    grads = {root.grad_fn: seed}
    waiting = [(-root.grad_fn.sequence_nr, root.grad_fn)]
    while waiting:
        node = heappop(waiting)[1]
        g = grads.pop(node)
        if node.saved is FREED:
            raise RuntimeError(_FREED_MESSAGE)
        input_grads = node.backward(node, g)   # the chain rule, one node: g · ∂out/∂input
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        if trace is not None:
            trace(node, g, input_grads)
        if node.retained is not None:
            out = node.retained()
            if out is not None:
                sink(out, g, handed)
        for t, gi, need in zip(node.inputs, input_grads, node.needs_input_grad):
            if gi is None or not need:
                continue
            if gi.shape != t._data.shape:
                raise RuntimeError(f"{node.name()} returned a gradient of shape {gi.shape} for "
                                   f"an input of shape {t._data.shape}")
            fn = t.grad_fn
            if fn is None:
                sink(t, gi, handed)
            elif fn in grads:
                grads[fn] = grads[fn] + gi  # a tensor used twice receives the sum
            else:
                grads[fn] = gi
                heappush(waiting, (-fn.sequence_nr, fn))
        if not retain_graph and node.saved:
            node.saved = FREED


def _size(shape):
    return "torch.Size([" + ", ".join(str(s) for s in shape) + "])"


def retain(tensor):
    """Make a non-leaf tensor keep its .grad after backward (Tensor.retain_grad)."""
    tensor.grad_fn.retained = weakref.ref(tensor)


# -- torch.autograd.grad / torch.autograd.backward ---------------------------------------------
def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """torch.autograd.grad: d outputs / d inputs, returned as a tuple of tensors, without
    touching any ``.grad``. The same backward pass as ``.backward()``; only the sink that
    receives the gradients differs (it collects those of ``inputs`` and drops the rest)."""
    if create_graph:
        raise NotImplementedError("create_graph=True (higher-order gradients) is not supported "
                                  "by tinygrad_edu; use real PyTorch for it")
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grad_outputs)} "
                           f"grad_outputs for {len(outputs)} outputs")
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    wanted = {id(t): i for i, t in enumerate(inputs)}
    found = [None] * len(inputs)

    def collect(tensor, g, handed):
        i = wanted.get(id(tensor))
        if i is not None:  # a copy: g may be shared with other tensors of this pass
            g = np.array(g, dtype=inputs[i]._data.dtype)
            found[i] = g if found[i] is None else found[i] + g

    # a non-leaf input's gradient is the one that reaches its grad_fn: the engine hands it
    # over through the node's ``retained`` slot, borrowed for this pass
    borrowed = [(t.grad_fn, t.grad_fn.retained) for t in inputs if t.grad_fn is not None]
    for t in inputs:
        if t.grad_fn is not None:
            t.grad_fn.retained = weakref.ref(t)
    try:
        last = len(outputs) - 1
        for k, (out, g) in enumerate(zip(outputs, grad_outputs)):
            run_backward(out, g, bool(retain_graph) or k < last, sink=collect)
    finally:
        for node, retained in borrowed:
            node.retained = retained
    result = []
    for t, g in zip(inputs, found):
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been "
                                   "used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
        result.append(None if g is None else _tensor.Tensor._make(g, False, None))
    return tuple(result)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """torch.autograd.backward: ``.backward()`` of several outputs at once (their gradients
    add up); with ``inputs``, only those tensors' ``.grad`` are filled."""
    tensors = _as_tuple(tensors)
    grad_tensors = (_as_tuple(grad_tensors) if grad_tensors is not None
                    else (None,) * len(tensors))
    if inputs is None:
        if create_graph:
            raise NotImplementedError("create_graph=True (higher-order gradients) is not "
                                      "supported by tinygrad_edu; use real PyTorch for it")
        last = len(tensors) - 1
        for k, (out, g) in enumerate(zip(tensors, grad_tensors)):
            run_backward(out, g, bool(retain_graph) or k < last)
        return
    inputs = _as_tuple(inputs)
    grads = grad(tensors, inputs, grad_tensors, retain_graph, create_graph, allow_unused=True)
    for t, g in zip(inputs, grads):
        if g is not None:
            _accumulate(t, g._data, {})


def _as_tuple(x):
    return (x,) if x is None or isinstance(x, _tensor.Tensor) else tuple(x)
