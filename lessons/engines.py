"""Which engine runs a lesson: this package or real PyTorch, and on which device.

A lesson receives the engine module as ``torch``, so one source runs on both::

    torch = get_engine("edu")        # tinygrad_edu
    torch = get_engine("torch")      # the real torch, when it is installed
    device = resolve_device("torch", "cuda")

Real PyTorch is an optional dependency: it is imported here, and only when asked for.
This lives in ``lessons`` (not in ``tinygrad_edu``) because the engine itself never
imports torch: imports point one way, lessons -> viz -> tinygrad_edu.
Problems are reported as :class:`EngineError` with a one-line message the command line
prints as it is (no traceback).
"""
import importlib

ENGINES = ("edu", "torch")
DEVICES = ("cpu", "cuda")


class EngineError(RuntimeError):
    """An engine or a device that cannot be used here; the message is one line for the
    learner (what is missing and what to do about it)."""


def get_engine(name="edu"):
    """The module that plays ``torch`` in a lesson: ``tinygrad_edu`` for 'edu', the real
    ``torch`` for 'torch' (an :class:`EngineError` if it is not installed)."""
    if name == "edu":
        return importlib.import_module("tinygrad_edu")
    if name == "torch":
        try:
            return importlib.import_module("torch")
        except ImportError:
            raise EngineError(
                "the torch engine needs real PyTorch, which is not installed here: "
                "pip install torch  (or run the lesson on this engine: --engine edu)") from None
    raise EngineError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")


def torch_available():
    """True when real PyTorch can be imported (the torch engine and ``compare`` need it)."""
    try:
        get_engine("torch")
    except EngineError:
        return False
    return True


def resolve_device(engine_name, device="cpu"):
    """The device string a lesson should use, checked against what the engine has.

    'cpu' always works. 'cuda' (or 'cuda:N') needs the torch engine and a CUDA GPU that
    torch can see; otherwise an :class:`EngineError` explains why in one line."""
    device = str(device or "cpu").strip().lower()
    kind, _, index = device.partition(":")
    if kind == "cpu":
        return "cpu"
    if kind != "cuda" or (index and not index.isdigit()):
        raise EngineError(f"unknown device {device!r}: choose cpu or cuda")
    if engine_name == "edu":
        raise EngineError(
            "the edu engine computes with NumPy on the CPU only; to train on the GPU use "
            "real PyTorch: --engine torch --device cuda")
    torch = get_engine(engine_name)
    if not torch.cuda.is_available():
        raise EngineError(
            "--device cuda asked for a GPU, but PyTorch sees no CUDA device here "
            f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'none'}); "
            "run on the CPU with --device cpu")
    count = torch.cuda.device_count()
    if index and int(index) >= count:
        raise EngineError(f"device {device!r} does not exist: this machine has {count} CUDA "
                          f"device(s), cuda:0 to cuda:{count - 1}")
    return device
