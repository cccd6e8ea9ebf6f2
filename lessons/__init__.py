"""The 25 lessons (the course's 19, then six language-model lessons), each runnable on
tinygrad_edu or on real PyTorch.

    python -m lessons list
    python -m lessons run 05 [--engine edu|torch] [--step] [--graph] [--plot] ...
    python -m lessons compare 15

A lesson is a module ``lNN_<name>.py`` with ``run(torch, device, say, opts)``: ``torch``
is the engine module, ``say`` narrates (``lessons.narration``), ``opts`` carries the
options and services (``lessons.context``: among them ``opts.end_epoch``, the progress bar
and timing inside a lesson's epoch loop). ``lessons.registry`` lists them;
``lessons.common`` holds what the training lessons share besides the course's code (plots,
results, graph drawing), so that a lesson file reads like the course's program.
"""
from .registry import LESSONS, find

__all__ = ["LESSONS", "find"]
