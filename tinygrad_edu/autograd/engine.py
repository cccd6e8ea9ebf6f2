"""The backward engine: walk the graph from the output back to the leaves.

    loss.backward()  =  run_backward(loss)
      1. order = topological_order(loss.grad_fn)   every node before the nodes it depends on
      2. grads = {loss.grad_fn: 1}                  ∂L/∂L = 1, the seed
      3. for node in order:                         the chain rule, one node at a time
             g = grads.pop(node)                    ∂L/∂out, complete: every consumer has sent its part
             for each input x of node:
                 grads[x] += node.backward(g)[x]    ∂L/∂x = g · ∂out/∂x, summed over every use of x
      4. a leaf (a tensor that no node made) adds its ∂L/∂x into x.grad
"""
import weakref

import numpy as np

from .function import FREED
from .versions import check_saved, recorded_inputs
from .. import tensor as _tensor

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")


def topological_order(root):
    """Every node reachable from ``root``, each one before the nodes that made its inputs
    (root first).

    A depth-first search lists a node after all of its inputs' nodes (post-order); reversed,
    that puts each node before its inputs. It uses its own stack instead of recursion, so a
    chain of 10,000 operations does not hit Python's recursion limit.

    PyTorch orders its nodes differently, by ``sequence_nr``: a counter stamped on each node
    when it is created, run highest first. A node is always created after the nodes that made
    its inputs, so that order, too, puts every node before its inputs. Any such order gives
    the same gradients: a node runs only once all of its consumers have sent their part."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:             # every input's node is already listed: list this one
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))  # come back to it once its inputs are listed
        for t in recorded_inputs(node):   # (as they were: see versions.py for in-place)
            if t is not None and t.grad_fn is not None and t.grad_fn not in visited:
                stack.append((t.grad_fn, False))
    order.reverse()
    return order


def run_backward(root, gradient=None, retain_graph=False, trace=None, sink=None):
    """Compute ∂root/∂x for every leaf x that requires grad and add it into ``x.grad``.

    ``trace(node, g, input_grads)``, when given, is called for every node in the order the
    engine runs them (the step-through viewer uses this). ``sink(tensor, g, handed)``
    receives each leaf's (and each retained tensor's) gradient: by default it adds it into
    ``.grad``; ``autograd.grad`` passes one that collects the gradients instead."""
    sink = sink or _accumulate
    seed = _seed(root, gradient)   # ∂root/∂root: ones, or the gradient passed in
    handed = {}                    # arrays given to a .grad in this pass (see _accumulate)
    if root.grad_fn is None:       # backward on a leaf: its gradient is the seed itself
        sink(root, seed if root._hooks is None else run_hooks(root._hooks, seed), handed)
        return
    grads = {root.grad_fn: seed}   # node -> ∂L/∂(its output), summed so far
    with np.errstate(all="ignore"):  # as torch: an inf or nan gradient comes without a warning
        for node in topological_order(root.grad_fn):
            g = grads.pop(node, None)
            if g is None:              # no gradient reached it (its consumers returned None)
                continue
            if node.saved is FREED:
                raise RuntimeError(_FREED_MESSAGE)
            inputs = recorded_inputs(node)
            if inputs is not node.inputs or node.changed_output is not None:
                check_saved(node)                  # was something it saved changed in place?
            if node.hooks is not None:             # out.register_hook(fn): fn may change g
                g = run_hooks(node.hooks, g)
            input_grads = node.backward(node, g)   # the chain rule: ∂L/∂x = g · ∂out/∂x
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            if trace is not None:
                trace(node, g, input_grads)
            if node.retained is not None:          # out.retain_grad() was called
                out = node.retained()
                if out is not None:
                    sink(out, g, handed)
            for t, gi, need in zip(inputs, input_grads, node.needs_input_grad):
                if gi is None or not need:
                    continue
                if gi.shape != t._data.shape:
                    raise RuntimeError(f"{node.name()} returned a gradient of shape {gi.shape} "
                                       f"for an input of shape {t._data.shape}")
                if t.grad_fn is None:              # a leaf: into .grad
                    if t._hooks is not None:
                        gi = run_hooks(t._hooks, gi)
                    sink(t, gi, handed)
                elif t.grad_fn in grads:           # a tensor used twice receives the sum
                    grads[t.grad_fn] = grads[t.grad_fn] + gi
                else:
                    grads[t.grad_fn] = gi
            if not retain_graph and node.saved:
                node.saved = FREED


def run_hooks(hooks, g):
    """Tensor.register_hook: each hook sees the gradient (a Tensor) and may return another."""
    for hook in list(hooks.values()):
        changed = hook(_tensor.Tensor._make(g, False, None))
        if changed is not None:
            g = np.asarray(getattr(changed, "_data", changed), dtype=g.dtype)
    return g


def _seed(root, gradient):
    if not root._requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                           "grad_fn (did you forget requires_grad=True, or run it under no_grad?)")
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs (this output has shape "
                f"{tuple(root._data.shape)}). Reduce it to one number first (e.g. loss.sum() or "
                f"loss.mean()), or pass the gradient: out.backward(torch.ones_like(out)).")
        return np.ones(root._data.shape, root._data.dtype)
    seed = np.array(getattr(gradient, "_data", gradient), dtype=root._data.dtype)
    if seed.shape != root._data.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                           f"{_size(seed.shape)} and output[0] has a shape of "
                           f"{_size(root._data.shape)}.")
    return seed


def _accumulate(tensor, g, handed):
    """x.grad += g, as torch does: gradients add up until you call zero_grad().

    A backward may hand the same array to two inputs (ADD gives g to both) or a view of it
    (RESHAPE), so an array is never stored as a .grad twice: ``handed`` remembers the arrays
    stored in this pass, and a shared one is copied first."""
    if g.dtype != tensor._data.dtype:
        g = g.astype(tensor._data.dtype)
    if tensor.grad is None:
        if g.base is not None or id(g) in handed or not g.flags.writeable:
            g = g.copy()
        handed[id(g)] = g
        tensor.grad = _tensor.Tensor._make(g, False, None)
        return
    held = tensor.grad._data
    if id(held) in handed or not held.flags.writeable:
        tensor.grad._data = np.asarray(held + g)   # held is shared: make a new array
    else:
        held += g                                   # in place, like torch


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
