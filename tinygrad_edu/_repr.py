"""Pretty-printing of tensors, byte-for-byte compatible with PyTorch.

``format_tensor(array, suffixes)`` turns a NumPy array into the exact text that
``repr(torch_tensor)`` prints for a CPU tensor holding the same values, e.g.::

    tensor([[1., 2.]], requires_grad=True)
    tensor([1.0000e-05, 1.0000e+03])

The algorithm follows PyTorch's own printer (``torch/_tensor_str.py``) step by
step, but it is written from scratch with NumPy only.  The big picture:

1. Decide whether to *summarise* (more than ``threshold`` elements): then only
   the first and last ``edgeitems`` entries of every dimension are shown and
   the rest is replaced by ``...``.
2. Build one ``_Formatter`` that looks at all values that will be shown and
   picks a single style for them (integer-like, fixed point or scientific) and
   a common column width, so that all numbers line up.
3. Walk the array recursively: 0-d -> one number, 1-d -> a bracketed row that
   wraps at ``linewidth``, n-d -> a bracketed list of (n-1)-d blocks.
4. Append the suffixes (``size=...``, ``dtype=...``, ``grad_fn=...``), moving
   a suffix to a new line if it would not fit within ``linewidth``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterable, Sequence

import numpy as np


def _default_float():
    from .dtypes import default_float  # (dtypes is a leaf module; imported when first used)
    return default_float()

__all__ = ["PRINT_OPTS", "PrintOptions", "format_tensor", "get_printoptions",
           "printoptions", "set_printoptions"]


# --------------------------------------------------------------------------
# Print options (same names, defaults and profiles as torch.set_printoptions)
# --------------------------------------------------------------------------
@dataclasses.dataclass
class PrintOptions:
    precision: int = 4  # digits after the decimal point
    threshold: float = 1000  # more elements than this -> summarise with "..."
    edgeitems: int = 3  # items kept at each end of a summarised dimension
    linewidth: int = 80  # characters per line before wrapping
    sci_mode: bool | None = None  # None = choose automatically


PRINT_OPTS = PrintOptions()  # the module-level options object

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None,
                     linewidth=None, profile=None, sci_mode=None):
    """Change how tensors are printed; mirrors ``torch.set_printoptions``.

    A ``profile`` ("default", "short" or "full") is applied first, then any
    explicitly given option overrides it.  Like in PyTorch, ``sci_mode`` is
    *always* overwritten, so calling without it resets it to automatic.
    """
    if profile is not None and profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Current options as a dict that can be fed back to set_printoptions."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change print options inside a ``with`` block."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# --------------------------------------------------------------------------
# Choosing a number style and a column width
# --------------------------------------------------------------------------
class _Formatter:
    """Looks at every value that will be printed and decides, once, how to
    print all of them.  Three styles exist for floating point data:

    * int_mode  - every finite value is a whole number: print ``3.`` / ``-1.``
    * sci_mode  - values span a huge range, or are very large / very small:
                  print ``1.0000e-05``
    * otherwise - fixed point with ``precision`` decimals: print ``0.1000``

    Integer and bool data is simply printed with ``str()``.  ``max_width`` is
    the widest string produced; every value is right-aligned to that width.
    """

    def __init__(self, data: np.ndarray):
        self.floating = bool(np.issubdtype(data.dtype, np.floating))
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = data.reshape(-1)

        if not self.floating:  # ints / bools: width of the longest str()
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return

        # Only non-zero finite numbers take part in choosing the style
        # (zeros, nan and inf fit any style).
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return  # nothing to look at: keep int_mode, width 1

        # Style decisions are made in float64, like PyTorch does.
        abs_vals = np.abs(vals).astype(np.float64)
        vmin, vmax = abs_vals.min(), abs_vals.max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            with np.errstate(over="ignore"):  # huge/tiny ratio -> inf is fine
                ratio = vmax / vmin
            self.sci_mode = bool(ratio > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        p = PRINT_OPTS.precision
        for value in vals.tolist():  # .tolist() gives Python floats
            if self.sci_mode:
                width = len(f"{value:.{p}e}")
            elif self.int_mode:
                width = len(f"{value:.0f}") + 1  # +1 for the trailing "."
            else:
                width = len(f"{value:.{p}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value) -> str:
        """Format one Python number, right-aligned to ``max_width``."""
        p = PRINT_OPTS.precision
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{p}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."  # the dot shows that this is a float tensor
        else:
            text = f"{value:.{p}f}"
        return " " * (self.max_width - len(text)) + text


# --------------------------------------------------------------------------
# Summarisation ("..." for big tensors)
# --------------------------------------------------------------------------
def _summarized_data(a: np.ndarray) -> np.ndarray:
    """Keep only the values that a summarised print will show.  They are used
    to build the formatter, so hidden values do not influence the style."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        if a.shape[0] > 2 * e:
            # Note: with e == 0, a[-0:] is the *whole* array; torch does the same.
            return np.concatenate((a[:e], a[-e:]))
        return a
    if not e:
        return np.empty((0,) * a.ndim, dtype=a.dtype)
    rows = range(a.shape[0])
    if a.shape[0] > 2 * e:
        rows = list(range(e)) + list(range(a.shape[0] - e, a.shape[0]))
    return np.stack([_summarized_data(a[i]) for i in rows])


# --------------------------------------------------------------------------
# Building the text recursively
# --------------------------------------------------------------------------
def _vector_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """A 1-d row such as ``[1., 2., 3.]``, wrapped to fit ``linewidth``.
    ``indent`` is the column where the opening bracket sits."""
    e = PRINT_OPTS.edgeitems
    element_length = fmt.max_width + 2  # each value is followed by ", "
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([fmt.format(v) for v in a[:e].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-e:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]

    # Chop into lines of `per_line` items; continuation lines are indented
    # so that they start just after the opening "[".
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(a: np.ndarray, indent: int, summarize: bool,
                               fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)

    e = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        slices = ([_tensor_str_with_formatter(a[i], indent + 1, summarize, fmt)
                   for i in range(e)]
                  + ["..."]
                  + [_tensor_str_with_formatter(a[i], indent + 1, summarize, fmt)
                     for i in range(n - e, n)])
    else:
        slices = [_tensor_str_with_formatter(a[i], indent + 1, summarize, fmt)
                  for i in range(n)]

    # Sub-blocks are separated by "," plus (ndim - 1) newlines: one newline
    # between rows of a matrix, a blank line between matrices of a 3-d
    # tensor, two blank lines for 4-d, and so on.
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(slices) + "]"


def _tensor_str(a: np.ndarray, indent: int) -> str:
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized_data(a) if summarize else a)
    return _tensor_str_with_formatter(a, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: Iterable[str], indent: int) -> str:
    """Append ``, suffix`` items and the closing ")"; a suffix that would make
    the current line longer than ``linewidth`` starts a new line instead."""
    parts = [text]
    # (This length is 2 more than the true last-line length when there is no
    # newline; PyTorch computes it this way, so we do too.)
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------
def format_tensor(array, suffixes: Sequence[str] = ()) -> str:
    """Return what ``repr()`` of a PyTorch CPU tensor with these values prints.

    ``suffixes`` are extra ``key=value`` strings in PyTorch's order, e.g.
    ``["dtype=torch.float64", "grad_fn=<AddBackward0>"]``.  The ``size=(...)``
    suffix of empty tensors is added here (in front of the caller's ones), and
    so is the ``dtype=`` that PyTorch always shows for empty non-float32
    tensors, unless the caller already passed a ``dtype=`` suffix.
    """
    a = np.asarray(array)
    if np.iscomplexobj(a):
        raise TypeError("format_tensor does not support complex arrays")
    prefix = "tensor("
    indent = len(prefix)
    suffixes = list(suffixes)
    extra = []

    if a.size == 0:
        # An empty tensor shows its shape unless it is simply (0,) ...
        if a.ndim != 1:
            extra.append(f"size={tuple(a.shape)}")
        # ... and its dtype, because there are no values to guess it from.
        has_dtype = any(s.startswith("dtype=") for s in suffixes)
        if a.dtype != _default_float() and not has_dtype:
            extra.append(f"dtype=torch.{a.dtype.name}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:  # nothing shown, so at least show size
            extra.append(f"size={tuple(a.shape)}")
        body = _tensor_str(a, indent)

    return _add_suffixes(prefix + body, extra + suffixes, indent)
