"""Grad mode: is the graph being recorded? ``no_grad`` / ``enable_grad`` / ``set_grad_enabled``
work as context managers and as decorators, exactly like torch's."""
import functools

_state = {"enabled": True}


def is_grad_enabled():
    """torch.is_grad_enabled(): True when operations record the graph."""
    return _state["enabled"]


class _GradMode:
    mode = True

    def __enter__(self):
        self._previous = _state["enabled"]
        _state["enabled"] = self.mode

    def __exit__(self, *exc):
        _state["enabled"] = self._previous
        return False

    def __call__(self, fn):  # used as a decorator
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """torch.no_grad(): inside it no graph is recorded (used for evaluation and for updates)."""
    mode = False


class enable_grad(_GradMode):
    """torch.enable_grad(): record the graph again, even inside ``no_grad``."""
    mode = True


class set_grad_enabled(_GradMode):
    """torch.set_grad_enabled(mode): switch recording on or off (a function or a context)."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = _state["enabled"]
        _state["enabled"] = self.mode  # takes effect at once, like torch's

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state["enabled"] = self._previous
        return False

    def __call__(self, fn):
        _state["enabled"] = self._previous
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper


class inference_mode(no_grad):
    """torch.inference_mode(): here the same as no_grad."""

    def __init__(self, mode=True):
        self.mode = not mode
