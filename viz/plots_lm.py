"""The language-model lessons' figures (20-22) as PNG files, drawn like ``viz.plots``:
matplotlib's Agg backend, labels in Chinese with ``lang='zh'`` when a CJK font is
installed (English otherwise, without warnings), the path of the PNG returned.

- ``bigram_heatmap``: a 27 x 27 table of counts (or probabilities) with each cell's letter
  pair and number, the letters on both axes;
- ``step_losses``: a loss per training step on a log10 scale, with its running mean and the
  step where the learning rate drops;
- ``embedding_2d``: each character at its 2-D embedding vector."""
import numpy as np

from .plots import COLOURS, _figure, _language, _numbers, _save, cjk_font

LABELS = {
    "counts_title": ("bigram counts N[first, second] over {total} bigrams",
                     "二元组计数 N[前一个字符, 后一个字符]（共 {total} 个二元组）"),
    "probs_title": ("P[first, second]: the probability of the second character after the first",
                    "P[前一个字符, 后一个字符]：前一个字符之后出现后一个字符的概率"),
    "first": ("first character (row)", "前一个字符（行）"),
    "second": ("second character (column)", "后一个字符（列）"),
    "step": ("step", "步数"), "log_loss": ("log10(loss)", "log10(损失)"),
    "per_step": ("mini-batch loss", "小批量损失"),
    "mean": ("running mean of {n} steps", "{n} 步的滑动平均"),
    "decay": ("learning rate {a} → {b}", "学习率 {a} → {b}"),
    "loss_title": ("training loss per step", "每一步的训练损失"),
    "emb_title": ("the characters' 2-D embedding C", "字符的二维嵌入 C"),
    "vowels": ("vowels", "元音"), "consonants": ("consonants", "辅音"),
    "dot": ("'.' (start / end)", "'.'（开头 / 结尾）"),
}


def _text(key, lang, **values):
    en, zh = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


def _plain_figure(lang, size, box):
    """A figure without constrained layout (its extra drawing pass over 1,458 texts would
    double the time), one axes at ``box`` = (left, bottom, width, height) in figure
    fractions."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=size, dpi=100)
    ax = fig.add_axes(box)
    return fig, ax, (cjk_font() if lang == "zh" else None)


def _cell_text(value, integer):
    if integer:
        return str(int(value))
    return f"{value:.2f}".lstrip("0") if value < 1 else f"{value:.1f}"


def bigram_heatmap(table, itos, path, title=None, lang="en"):
    """A 27 x 27 bigram table: ``table[i, j]`` for the pair (itos[i], itos[j]), as a heat
    map whose cells show the pair (e.g. 'an') and its number: counts when the table holds
    integers, probabilities otherwise. The characters label both axes. ``table``: a
    tensor of either engine or an array; ``itos``: {index: character}."""
    lang = _language(lang)
    values = _numbers(table)
    rows, cols = values.shape
    integer = bool(np.all(values == np.round(values)))
    fig, ax, font = _plain_figure(lang, (15.0, 15.6), (0.05, 0.03, 0.93, 0.9))
    image = ax.imshow(values, cmap="Blues", interpolation="nearest")
    rgb = image.to_rgba(values)[..., :3]          # white text on the dark cells
    dark = rgb @ np.array([0.299, 0.587, 0.114]) < 0.55
    for i in range(rows):
        for j in range(cols):
            colour = "white" if dark[i, j] else "#1f2937"
            ax.text(j, i - 0.17, itos[i] + itos[j], ha="center", va="center", fontsize=8.5,
                    color=colour, fontweight="bold")
            ax.text(j, i + 0.2, _cell_text(values[i, j], integer), ha="center",
                    va="center", fontsize=6.5, color=colour)
    letters = [itos[i] for i in range(max(rows, cols))]
    ax.set_xticks(range(cols), letters[:cols], fontsize=11)
    ax.set_yticks(range(rows), letters[:rows], fontsize=11)
    ax.tick_params(top=True, labeltop=True, length=0)
    ax.spines[:].set_visible(False)
    ax.set_xlabel(_text("second", lang), fontsize=12)
    ax.set_ylabel(_text("first", lang), fontsize=12)
    if title is None:
        title = (_text("counts_title", lang, total=f"{int(values.sum()):,}") if integer
                 else _text("probs_title", lang))
    ax.set_title(title, fontsize=14, pad=28)
    return _save(fig, path, font)


def step_losses(losses, path, decay_at=None, rates=(0.1, 0.01), window=None, title=None,
                lang="en"):
    """The loss of each training step, as log10(loss) (the first steps' large losses
    would flatten the rest on a linear scale), thin and light, with its running mean over
    ``window`` steps on top. ``decay_at``: the step where the learning rate drops from
    ``rates[0]`` to ``rates[1]``, marked by a dashed line."""
    lang = _language(lang)
    ys = np.log10(_numbers(losses))
    steps = np.arange(len(ys))
    fig, ax, font = _figure(lang, size=(8.0, 4.6))
    ax.plot(steps, ys, color=COLOURS[0], lw=0.4, alpha=0.35, label=_text("per_step", lang))
    window = window or max(len(ys) // 200, 1)
    if len(ys) > window > 1:
        mean = np.convolve(ys, np.ones(window) / window, mode="valid")
        ax.plot(steps[window - 1:], mean, color=COLOURS[1], lw=1.6,
                label=_text("mean", lang, n=window))
    if decay_at is not None and 0 < decay_at < len(ys):
        ax.axvline(decay_at, color=COLOURS[6], ls="--", lw=1,
                   label=_text("decay", lang, a=rates[0], b=rates[1]))
    ax.set_title(title or _text("loss_title", lang))
    ax.set_xlabel(_text("step", lang))
    ax.set_ylabel(_text("log_loss", lang))
    ax.legend(frameon=False, loc="upper right")
    return _save(fig, path, font)


def embedding_2d(C, itos, path, title=None, lang="en"):
    """Each character drawn at its row of the embedding table ``C`` (27 x 2): characters
    the network treats alike end up close together."""
    lang = _language(lang)
    points = _numbers(C)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"C has shape {points.shape}; embedding_2d draws a table of "
                         f"2-D vectors (n, 2)")
    fig, ax, font = _figure(lang, size=(7.0, 7.0))
    kinds = {"vowel": (COLOURS[1], set("aeiou")), "dot": (COLOURS[6], {"."})}
    for i, (x, y) in enumerate(points):
        ch = itos[i]
        colour = next((c for c, members in kinds.values() if ch in members), COLOURS[0])
        ax.scatter([x], [y], s=230, color=colour, alpha=0.9, zorder=2, linewidths=0)
        ax.text(x, y, ch, ha="center", va="center", color="white", fontsize=10,
                fontweight="bold", zorder=3)
    for key, colour in (("vowels", COLOURS[1]), ("consonants", COLOURS[0]),
                        ("dot", COLOURS[6])):
        ax.scatter([], [], s=80, color=colour, label=_text(key, lang))
    ax.legend(frameon=False, loc="best")
    ax.margins(0.08)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("C[:, 0]")
    ax.set_ylabel("C[:, 1]")
    ax.set_title(title or _text("emb_title", lang))
    return _save(fig, path, font)
