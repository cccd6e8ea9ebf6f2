"""How numbers, shapes and text look in every drawing: one place, so the graph, the stepper
and the terminal show a tensor the same way."""
import numpy as np

FULL_LIMIT = 12      # tensors with at most this many elements are shown in full
ROW_LIMIT = 6        # ... and with at most this many rows


# the few words a tensor's numbers are written with, in English and in Chinese
NUMBER_WORDS = {
    "en": {"scalar": "scalar", "empty": "(empty)", "true": "{n} of {size} True",
           "ints": "min {lo} · max {hi}", "floats": "min {lo} · mean {mean} · max {hi}"},
    "zh": {"scalar": "标量", "empty": "（空）", "true": "{size} 个中 {n} 个为 True",
           "ints": "最小 {lo} · 最大 {hi}", "floats": "最小 {lo} · 平均 {mean} · 最大 {hi}"},
}


def _word(lang, key, **values):
    return NUMBER_WORDS.get(lang, NUMBER_WORDS["en"])[key].format(**values)


def shape_text(shape, lang="en"):
    """(2, 3) -> '2×3'; () -> 'scalar' ('标量' in Chinese)."""
    shape = tuple(int(n) for n in shape)
    return "×".join(str(n) for n in shape) if shape else _word(lang, "scalar")


def number(v):
    """One number, 4 significant digits, always recognisable as a float when it is one:
    2.0 -> '2.0', 0.000123456 -> '0.0001235', 1e-9 -> '1e-09'."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if v != v or v in (float("inf"), float("-inf")):
        return str(v)
    if v == 0:
        return "0.0"
    text = f"{v:.4g}"
    if "e" not in text and "." not in text:
        text += ".0"
    return text


def _row(values):
    return "[" + ", ".join(number(v) for v in values) + "]"


def value_lines(array, limit=FULL_LIMIT, lang="en"):
    """The numbers of a tensor as a few short lines: in full when small (a row per line),
    else a summary 'min … mean … max …' (so a 784×512 weight still fits in a node)."""
    a = np.asarray(array)
    if a.ndim == 0:
        return [number(a.item())]
    if a.size == 0:
        return [_word(lang, "empty")]
    if a.size <= limit and (a.ndim == 1 or a.shape[0] <= ROW_LIMIT) and a.ndim <= 2:
        if a.ndim == 1:
            return [_row(a.tolist())]
        rows = [_row(r) for r in a.tolist()]
        if len(rows) == 1:
            return ["[" + rows[0] + "]"]
        pad = "\u00a0"  # a no-break space: SVG text would swallow a plain leading space
        return (["[" + rows[0] + ","] + [pad + r + "," for r in rows[1:-1]]
                + [pad + rows[-1] + "]"])
    return [summary(a, lang)]


def summary(array, lang="en"):
    """'min -0.31 · mean 0.002 · max 0.29' (ints: min/max; bools: how many are True);
    lang='zh': '最小 -0.31 · 平均 0.002 · 最大 0.29'."""
    a = np.asarray(array)
    if a.dtype == np.bool_:
        return _word(lang, "true", n=int(a.sum()), size=a.size)
    if a.dtype.kind in "iu":
        return _word(lang, "ints", lo=int(a.min()), hi=int(a.max()))
    a = a.astype(np.float64)
    return _word(lang, "floats", lo=number(a.min()), mean=number(a.mean()), hi=number(a.max()))


def value_text(array, limit=FULL_LIMIT, lang="en"):
    """value_lines on one line (for edge labels, captions and the terminal)."""
    return " ".join(line.strip() for line in value_lines(array, limit, lang))


def html_escape(text):
    """Escape for Graphviz HTML-like labels and for the HTML player."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def dtype_name(array):
    return str(np.asarray(array).dtype) if not hasattr(array, "dtype") else str(array.dtype)


def as_numpy(t):
    """The numbers of a tensor of either engine (or an array) as a NumPy array copy."""
    if t is None:
        return None
    if hasattr(t, "_data"):
        return np.array(t._data, copy=True)
    if hasattr(t, "detach"):
        t = t.detach()
        if t.is_floating_point() and t.element_size() < 4:
            t = t.float()  # float16/bfloat16 shown as float32 numbers
        return t.cpu().numpy().copy()
    return np.array(t, copy=True)
