"""Figures of what happens inside a deep network (lessons 23 and 25), as PNG files.

- ``layer_histograms``: per layer, the distribution of its values (tanh outputs, or their
  gradients), one panel per variant of the network, as makemore part 3 plots them;
- ``update_ratios``: log10(lr·grad.std() / data.std()) of each weight over training,
  with the 1e-3 guide line;
- ``attention_maps``: the attention weights of each head over one sequence;
- ``losses_at_steps``: loss curves measured at different steps (every step, or every
  few hundred), drawn against the step number.

Same conventions as ``viz.plots``: numbers from lists, NumPy arrays or tensors of either
engine, a path, ``lang='zh'`` for Chinese labels (English without a CJK font)."""
import numpy as np

from .plots import COLOURS, _language, _numbers, _save, cjk_font

LABELS = {
    "density": ("density", "密度"),
    "value": ("value", "数值"),
    "stats": ("{name}: mean {mean}, std {std}", "{name}：均值 {mean}，标准差 {std}"),
    "saturated": (", {share} % saturated", "，{share}% 饱和"),
    "step": ("training step", "训练步数"),
    "guide": ("1e-3: a healthy rate", "1e-3：合适的更新幅度"),
    "ratio_title": ("update-to-data ratio of the weights: log10(update std / data std)",
                    "权重的更新量与参数值之比：log10(更新量标准差 / 参数标准差)"),
    "hist_title": ("values per layer", "各层数值的分布"),
    "query": ("position (query)", "位置（查询）"),
    "key": ("attends to (key)", "关注的位置（键）"),
    "head": ("head", "头"),
    "attention_title": ("attention weights", "注意力权重"),
    "loss": ("loss", "损失"),
    "loss_title": ("loss during training", "训练过程中的损失"),
}


def _text(key, lang, **values):
    en, zh = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


def _grid(rows, cols, size, sharex=False):
    from matplotlib.figure import Figure
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False, sharex=sharex)).ravel()
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes


def layer_histograms(panels, path, title=None, xlabel=None, saturation=None, bins=60,
                     lang="en"):
    """One panel per variant: ``panels = {'careful init': {'layer 2 (Tanh)': values, ...},
    ...}``; in each, every layer's histogram drawn as a line (density), its mean and std in
    the legend, and with ``saturation=0.97`` the share of values beyond ±0.97 (tanh's flat
    ends, where almost no gradient passes). Returns the path of the PNG.
    torch counterpart: none (the lecture plots ``torch.histogram(t, density=True)``)."""
    lang = _language(lang)
    font = cjk_font() if lang == "zh" else None
    fig, axes = _grid(len(panels), 1, (10.0, 2.6 * len(panels) + 0.6))
    for ax, (variant, layers) in zip(axes, panels.items()):
        arrays = [_numbers(values).ravel() for values in layers.values()]
        arrays = [v[np.isfinite(v)] for v in arrays]
        # the common range leaves out the farthest 0.2 % (a few huge values would squeeze
        # every curve into one spike); the statistics in the legend use every value
        edge = max([float(np.percentile(np.abs(v), 99.8)) for v in arrays if v.size] + [0.0])
        edge = edge or 1.0
        for i, (name, v) in enumerate(zip(layers, arrays)):
            density, edges = np.histogram(v, bins=bins, range=(-edge, edge), density=True)
            label = (_text("stats", lang, name=name, mean=f"{v.mean():+.2f}",
                           std=f"{v.std():.2g}") if v.size else name)
            if saturation is not None and v.size:
                label += _text("saturated", lang,
                               share=f"{100 * np.mean(np.abs(v) > saturation):.1f}")
            centres = (edges[:-1] + edges[1:]) / 2
            ax.plot(centres, density, color=COLOURS[i % len(COLOURS)], lw=1.5, label=label)
        ax.set_title(variant, fontsize=11)
        ax.set_ylabel(_text("density", lang))
        ax.legend(frameon=False, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 3))
    axes[-1].set_xlabel(xlabel or _text("value", lang))
    fig.suptitle(title or _text("hist_title", lang))
    return _save(fig, path, font)


def update_ratios(panels, path, title=None, guide=-3.0, lang="en"):
    """One panel per variant: ``panels = {'careful init': {'C': [log10 ratio per step],
    'Linear 1': [...], ...}, ...}``: the update-to-data ratio of each weight over
    training, with a dashed line at ``guide`` (log10 1e-3 = -3: updates about a thousandth
    of the weights' size). Returns the path of the PNG."""
    lang = _language(lang)
    font = cjk_font() if lang == "zh" else None
    fig, axes = _grid(len(panels), 1, (10.0, 2.5 * len(panels) + 0.6), sharex=True)
    for ax, (variant, curves) in zip(axes, panels.items()):
        for i, (name, values) in enumerate(curves.items()):
            ys = _numbers(values)
            ys = np.where(np.isfinite(ys), ys, np.nan)   # log10(0) = -inf: no update at all
            ax.plot(np.arange(len(ys)), ys, color=COLOURS[i % len(COLOURS)], lw=1.0,
                    label=name)
        ax.axhline(guide, color="black", ls="--", lw=1.0, label=_text("guide", lang))
        ax.set_title(variant, fontsize=11)
        ax.set_ylabel("log10", fontsize=9)
        ax.legend(frameon=False, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes[-1].set_xlabel(_text("step", lang))
    fig.suptitle(title or _text("ratio_title", lang))
    return _save(fig, path, font)


def attention_maps(weights, tokens, path, title=None, lang="en"):
    """Heat maps of attention weights, one per head: ``weights`` of shape (heads, T, T)
    (row t: how much position t takes from each position ≤ t), ``tokens`` the T
    characters, written along both axes. Returns the path of the PNG."""
    lang = _language(lang)
    font = cjk_font() if lang == "zh" else None
    w = _numbers(weights)
    if w.ndim == 2:
        w = w[None]
    heads, T = w.shape[0], w.shape[-1]
    fig, axes = _grid(1, heads, (2.6 * heads + 0.8, 3.2))
    for h, ax in enumerate(axes):
        ax.grid(False)
        image = ax.imshow(w[h], cmap="Blues", vmin=0.0, vmax=1.0)
        ax.set_xticks(range(T), list(tokens)[:T], fontsize=8)
        ax.set_yticks(range(T), list(tokens)[:T], fontsize=8)
        ax.set_title(f"{_text('head', lang)} {h}", fontsize=10)
        ax.set_xlabel(_text("key", lang), fontsize=8)
        if h == 0:
            ax.set_ylabel(_text("query", lang), fontsize=8)
    fig.colorbar(image, ax=list(axes), shrink=0.8)
    fig.suptitle(title or _text("attention_title", lang))
    return _save(fig, path, font)


def losses_at_steps(series, path, title=None, xlabel=None, lang="en"):
    """``series = {'train (mean of 50 steps)': (steps, losses), 'dev': (steps, losses)}``:
    each curve at its own steps, on one step axis. Returns the path of the PNG.
    torch counterpart: none."""
    lang = _language(lang)
    font = cjk_font() if lang == "zh" else None
    fig, axes = _grid(1, 1, (7.0, 4.4))
    ax = axes[0]
    for i, (name, (steps, values)) in enumerate(series.items()):
        xs, ys = _numbers(steps), _numbers(values)
        ax.plot(xs, ys, color=COLOURS[i % len(COLOURS)], lw=1.6,
                marker="o" if len(xs) <= 30 else None, ms=3.5, label=name)
        if len(ys):
            ax.annotate(f"{ys[-1]:.4f}", (xs[-1], ys[-1]), textcoords="offset points",
                        xytext=(4, 4), fontsize=8, color=COLOURS[i % len(COLOURS)])
    ax.set_xlabel(xlabel or _text("step", lang))
    ax.set_ylabel(_text("loss", lang))
    ax.set_title(title or _text("loss_title", lang))
    ax.legend(frameon=False)
    return _save(fig, path, font)
