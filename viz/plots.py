"""The course's figures as PNG files (matplotlib, Agg backend: no window, works on servers).

Every function takes the numbers (lists, NumPy arrays or tensors of either engine) and a
path, writes the PNG and returns the path. ``lang='zh'`` labels in Chinese when a CJK font
is installed; otherwise (or with lang='en') the labels are English, without warnings.

In a Jupyter notebook (``viz.in_notebook()``) the figure also shows inline, and the path
may be left out: then nothing is written and None is returned."""
import os
import sys
import warnings

import numpy as np

from .formatting import as_numpy, number

COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"]
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Heiti SC", "STHeiti", "AR PL UMing CN", "Droid Sans Fallback")
LABELS = {
    "loss": ("loss", "损失"), "epoch": ("epoch", "轮次"), "accuracy": ("accuracy (%)", "准确率 (%)"),
    "mse_title": ("MSE for each w of y = x·w", "y = x·w 的均方误差"),
    "mse": ("MSE (mean squared error)", "均方误差 MSE"),
    "minimum": ("minimum", "最小值"),
    "surface_title": ("MSE over (w, b) for y = x·w + b", "y = x·w + b 的均方误差曲面"),
    "hours": ("hours of study", "学习时长（小时）"), "pass": ("P(pass)", "通过的概率"),
    "pass_title": ("probability of passing vs hours studied", "学习时长与通过概率"),
    "threshold": ("0.5 threshold", "0.5 分界线"), "data": ("data", "数据"),
    "loss_title": ("training loss", "训练损失"), "acc_title": ("accuracy", "准确率"),
    "crossing": ("{level} at {x:.2f} h", "{x:.2f} 小时处为 {level}"),
    "surface_min": ("min at w = {w}, b = {b}", "最小值在 w = {w}，b = {b}"),
    # labels and legends the lessons pass in English (translated by _words)
    "mini_batch": ("mini-batch", "小批量"), "iteration": ("iteration", "迭代次数"),
    "step": ("step", "步数"), "cost": ("cost", "代价"),
    "train": ("train", "训练集"), "test": ("test", "测试集"),
}
NO_CJK_HINT = ("viz.plots: no Chinese (CJK) font is installed, so the labels are in English. "
               "Install one, then run again: Debian/Ubuntu: sudo apt-get install fonts-noto-cjk "
               "(or fonts-wqy-microhei); macOS: PingFang SC ships with it (or brew install "
               "--cask font-noto-sans-cjk); Windows: Microsoft YaHei ships with it")
_cjk = []  # cached: [font name or None]


def _find_cjk(font_list):
    names = {f.name for f in font_list.ttflist}
    found = next((n for n in CJK_FONTS if n in names), None)
    if found is None:
        found = next((n for n in sorted(names) if "CJK" in n or "Hei" in n), None)
    return found


def cjk_font():
    """The name of an installed font that has Chinese glyphs, or None. matplotlib keeps
    its list of fonts in a cache; a font installed after the cache was written is not in
    it, so when the cached list has none the list is rebuilt once from the disk."""
    if not _cjk:
        from matplotlib import font_manager
        found = _find_cjk(font_manager.fontManager)
        if found is None:
            try:   # the cache may predate the font: scan the font folders again, once
                fresh = font_manager._load_fontmanager(try_read_cache=False)
            except Exception:      # a private matplotlib function: never fail a plot on it
                fresh = None
            if fresh is not None:
                font_manager.fontManager = fresh
                found = _find_cjk(fresh)
        _cjk.append(found)
    return _cjk[0]


def _language(lang):
    if lang == "zh" and cjk_font() is None:
        if not getattr(_language, "told", False):
            print(NO_CJK_HINT, file=sys.stderr)
            _language.told = True
        return "en"
    return "zh" if lang == "zh" else "en"


def _text(key, lang, **values):
    en, zh = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


_ENGLISH = {en: key for key, (en, _) in LABELS.items()}


def _words(text, lang):
    """A label given by the caller: in Chinese when it is one of LABELS' English texts
    (a lesson passes xlabel="mini-batch"); anything else (names, code) as given."""
    if lang == "zh" and text in _ENGLISH:
        return _text(_ENGLISH[text], lang)
    return text


def _numbers(values):
    """Numbers from a list, an array, a tensor of either engine, or a list of 0-d tensors."""
    if hasattr(values, "shape") and not isinstance(values, np.ndarray):
        values = as_numpy(values)
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array([float(v) for v in values], dtype=np.float64)


def _figure(lang, three_d=False, size=(7.0, 4.4)):
    from matplotlib.figure import Figure
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    ax = fig.add_subplot(projection="3d") if three_d else fig.add_subplot()
    font = cjk_font() if lang == "zh" else None
    if not three_d:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, ax, font


def _save(fig, path, font):
    """Write the PNG to ``path`` (when given) and, in a notebook, show the figure inline.
    Returns the path (None when there is none)."""
    from .notebook import in_notebook, show_figure
    inline = in_notebook()
    if path is None and not inline:
        raise TypeError("viz.plots: give the path of the PNG to write (only in a notebook "
                        "can a figure be shown without saving it)")
    if path is not None:
        path = os.fspath(path)
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
    if font:
        from matplotlib.text import Text
        for text in fig.findobj(Text):
            text.set_fontfamily([font, "DejaVu Sans"])
    with warnings.catch_warnings():  # a title in Chinese without a CJK font: no glyph spam
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        if path is not None:
            fig.savefig(path, dpi=150)
        if inline:
            show_figure(fig, path)
    return path


def _curves(series):
    """{'name': values} or a single sequence -> [(name or None, array)]."""
    if hasattr(series, "items"):
        return [(str(k), _numbers(v)) for k, v in series.items()]
    return [(None, _numbers(series))]


def loss_curve(losses, path=None, title=None, xlabel=None, ylabel=None, logy=False, lang="en"):
    """Loss per epoch (or per step). ``losses``: a sequence, or {'train': [...],
    'test': [...]} for several named curves. Returns the path of the PNG."""
    lang = _language(lang)
    fig, ax, font = _figure(lang)
    for i, (name, ys) in enumerate(_curves(losses)):
        ax.plot(np.arange(1, len(ys) + 1), ys, color=COLOURS[i % len(COLOURS)], lw=1.8,
                label=name and _words(name, lang))
    if logy:
        ax.set_yscale("log")
    ax.set_title(_words(title, lang) if title else _text("loss_title", lang))
    ax.set_xlabel(_words(xlabel, lang) if xlabel else _text("epoch", lang))
    ax.set_ylabel(_words(ylabel, lang) if ylabel else _text("loss", lang))
    if hasattr(losses, "items"):
        ax.legend(frameon=False)
    return _save(fig, path, font)


def accuracy_curve(accuracies, path=None, title=None, xlabel=None, lang="en"):
    """Accuracy per epoch, in percent (fractions ≤ 1 are scaled by 100). A sequence or
    {'train': [...], 'test': [...]}. Returns the path of the PNG."""
    lang = _language(lang)
    fig, ax, font = _figure(lang)
    for i, (name, ys) in enumerate(_curves(accuracies)):
        ys = ys * 100 if ys.size and np.nanmax(ys) <= 1.0 else ys
        ax.plot(np.arange(1, len(ys) + 1), ys, color=COLOURS[i % len(COLOURS)], lw=1.8,
                marker="o" if len(ys) <= 30 else None, ms=4, label=name and _words(name, lang))
        if ys.size:
            ax.annotate(f"{ys[-1]:.2f} %", (len(ys), ys[-1]), textcoords="offset points",
                        xytext=(4, 4), fontsize=9, color=COLOURS[i % len(COLOURS)])
    ax.set_title(_words(title, lang) if title else _text("acc_title", lang))
    ax.set_xlabel(_words(xlabel, lang) if xlabel else _text("epoch", lang))
    ax.set_ylabel(_text("accuracy", lang))
    if hasattr(accuracies, "items"):
        ax.legend(frameon=False)
    return _save(fig, path, font)


def mse_vs_w(ws, losses, path=None, title=None, lang="en"):
    """Lesson 02: the MSE of y = x·w for each w tried, with the minimum marked."""
    lang = _language(lang)
    ws, losses = _numbers(ws), _numbers(losses)
    fig, ax, font = _figure(lang)
    ax.plot(ws, losses, color=COLOURS[0], lw=2, marker="o", ms=3)
    i = int(np.argmin(losses))
    ax.scatter([ws[i]], [losses[i]], s=80, color=COLOURS[1], zorder=3,
               label=f"{_text('minimum', lang)}: w = {number(ws[i])}, MSE = {number(losses[i])}")
    ax.set_title(title or _text("mse_title", lang))
    ax.set_xlabel("w")
    ax.set_ylabel(_text("mse", lang))
    ax.legend(frameon=False)
    return _save(fig, path, font)


def loss_surface(w_grid, b_grid, loss_grid, path=None, title=None, lang="en"):
    """Lesson 02: the MSE surface over (w, b). ``w_grid``/``b_grid`` are either the 1-D
    values tried (then ``loss_grid[i, j]`` is the loss at w_grid[i], b_grid[j]) or 2-D
    meshgrids of the same shape as ``loss_grid``."""
    lang = _language(lang)
    w, b, z = _numbers(w_grid), _numbers(b_grid), _numbers(loss_grid)
    if w.ndim == 1 and b.ndim == 1:
        if z.shape != (w.size, b.size):
            raise ValueError(f"loss_grid has shape {z.shape}, expected (len(w_grid), "
                             f"len(b_grid)) = {(w.size, b.size)}")
        w, b = np.meshgrid(w, b, indexing="ij")
    if not (w.shape == b.shape == z.shape):
        raise ValueError(f"w_grid {w.shape}, b_grid {b.shape} and loss_grid {z.shape} must "
                         f"have the same shape")
    fig, ax, font = _figure(lang, three_d=True, size=(7.0, 5.6))
    ax.plot_surface(w, b, z, cmap="viridis", alpha=0.9, linewidth=0, antialiased=True)
    k = np.unravel_index(int(np.argmin(z)), z.shape)
    ax.scatter([w[k]], [b[k]], [z[k]], color=COLOURS[1], s=40, depthshade=False)
    ax.set_title(title or _text("surface_title", lang) + "\n" +
                 _text("surface_min", lang, w=number(w[k]), b=number(b[k])))
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_zlabel("MSE")
    return _save(fig, path, font)


def crossing(xs, ys, level=0.5):
    """Where the curve ys(xs) first crosses ``level`` (linear interpolation), or None."""
    xs, ys = _numbers(xs), _numbers(ys)
    above = ys >= level
    idx = np.nonzero(above[1:] != above[:-1])[0]
    if idx.size == 0:
        return None
    i = int(idx[0])
    x0, x1, y0, y1 = xs[i], xs[i + 1], ys[i], ys[i + 1]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0))


def pass_probability(hours, probs, path=None, x_data=None, y_data=None, threshold=0.5, title=None,
                     lang="en"):
    """Lesson 08: P(pass) over hours studied, with the 0.5 line and where the curve
    crosses it; the training points when given."""
    lang = _language(lang)
    hours, probs = _numbers(hours).ravel(), _numbers(probs).ravel()
    fig, ax, font = _figure(lang)
    ax.plot(hours, probs, color=COLOURS[0], lw=2, label=_text("pass", lang))
    ax.axhline(threshold, color=COLOURS[1], ls="--", lw=1.2, label=_text("threshold", lang))
    x = crossing(hours, probs, threshold)
    if x is not None:
        ax.axvline(x, color=COLOURS[6], ls=":", lw=1)
        ax.annotate(_text("crossing", lang, level=number(threshold), x=x), (x, threshold),
                    xytext=(8, -16),
                    textcoords="offset points", fontsize=9, color=COLOURS[6])
    if x_data is not None and y_data is not None:
        ax.scatter(_numbers(x_data).ravel(), _numbers(y_data).ravel(), color=COLOURS[2],
                   zorder=3, label=_text("data", lang))
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(title or _text("pass_title", lang))
    ax.set_xlabel(_text("hours", lang))
    ax.set_ylabel(_text("pass", lang))
    ax.legend(frameon=False, loc="upper left")
    return _save(fig, path, font)
