"""Backward step by step on a real torch tensor: the same frames as for tinygrad_edu.

A hook on every node of torch's graph (``grad_fn.register_hook``) is called by torch's own
engine when that node has run, with the gradients it received (upstream) and handed on:
so the order and the numbers are torch's. The pass runs through ``torch.autograd.grad``
with ``retain_graph=True``: it returns the leaves' gradients instead of adding them to
``.grad``, so the user's ``.grad`` is never touched. The graph is drawn without the
LINEAR/CE fusion so each frame is one of torch's nodes."""
from .draw import graph_of
from .formatting import as_numpy
from .frames import Frames
from .stepper import build_frames
from .words import say


def step_backward_torch(loss, names, params, depth, gradient, frame, lang="en"):
    graph = graph_of(loss, names, params, True, True, depth, False, frame, fuse=False,
                     lang=lang)
    import torch  # the caller handed us a torch tensor: torch is there
    everything = list(graph.nodes.values()) + list(graph.hidden.values())  # collapsed too
    leaves = [n.obj for n in everything if n.kind == "param"]
    records, handles = [], []

    def hook_for(fn):
        def hook(grad_inputs, grad_outputs):
            records.append((fn, as_numpy(grad_outputs[0]),
                            tuple(as_numpy(g) for g in grad_inputs)))
        return hook

    for fn in graph.op_ids:
        handles.append(fn.register_hook(hook_for(fn)))
    try:
        seed = torch.ones_like(loss) if gradient is None else gradient
        if leaves:
            torch.autograd.grad(loss, leaves, grad_outputs=seed, retain_graph=True,
                                allow_unused=True)
    except RuntimeError as error:
        if "backward through the graph a second time" in str(error):
            raise RuntimeError("step_backward needs the graph, but backward has already run "
                               "through it and freed it. Call viz.step_backward(loss) before "
                               "loss.backward(), or loss.backward(retain_graph=True).") from None
        raise
    finally:
        for handle in handles:
            handle.remove()
    return Frames(graph, build_frames(graph, records, as_numpy(seed), lang=lang),
                  say(lang, "title") + " (torch)", lang=lang)
