"""The 25 lessons (the course's 19, then six language-model lessons), each runnable on
tinygrad_edu or on real PyTorch.

    python -m lessons list
    python -m lessons run 05 [--engine edu|torch] [--step] [--graph] [--plot] ...
    python -m lessons compare 15

A lesson is a module ``lNN_<name>.py`` with ``run(torch, device, say, opts)``: ``torch``
is the engine module, ``say`` narrates (``lessons.narration``), ``opts`` carries the
options and services (``lessons.context``). ``lessons.registry`` lists them;
``lessons.common`` holds what the training lessons share (the epoch loop's bookkeeping,
the test loops, data loaders, plots), so that a lesson shows only the course's code.
"""
from .registry import LESSONS, find  # noqa: F401
