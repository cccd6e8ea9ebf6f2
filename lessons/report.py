"""What a run prints at its end: the one-line result and where files were written."""


def one_line(lesson, result, lang="en"):
    """``lesson 05 done in 0.4 s on edu (cpu): dx = 7, ...``."""
    if result.get("stopped"):
        return (f"第 {lesson.code} 课已退出。" if lang == "zh"
                else f"lesson {lesson.code} stopped.")
    timing = f"{result['seconds']:.1f} s"
    if result.get("seconds_per_epoch"):
        timing += (f"，每轮 {seconds(result['seconds_per_epoch'])}" if lang == "zh" else
                   f", {seconds(result['seconds_per_epoch'])}/epoch")
    where = f"{result['engine']} ({result['device']})"
    if lang == "zh":
        summary = result.get("summary_zh") or result["summary"]
        return f"第 {lesson.code} 课完成（{timing}，{where}）：{summary}"
    return f"lesson {lesson.code} done in {timing} on {where}: {result['summary']}"


def files_written(result, lang="en"):
    """The files a run wrote, one per line (empty string when none)."""
    files = result.get("files") or []
    if not files:
        return ""
    head = "写出的文件：" if lang == "zh" else "files written:"
    if lang == "zh":
        files = [(FILES_ZH.get(what, what), path) for what, path in files]
    width = max(_width(what) for what, _ in files)
    return "\n".join([head] + [f"  {what}{' ' * (width - _width(what))}  {path}"
                                for what, path in files])


FILES_ZH = {  # what a file is, in Chinese (the lessons name them in English)
    "graph": "计算图", "graph (DOT text)": "计算图（DOT 文本）",
    "backward step-through": "反向传播单步演示", "plot": "图",
    "loss curve": "损失曲线", "loss curves": "损失曲线", "cost curve": "代价曲线",
    "loss curve (y = x * w)": "损失曲线（y = x * w）", "loss per mini-batch": "每个小批量的损失",
    "test accuracy": "测试集精准度", "MSE vs w": "MSE 随 w 的变化", "loss surface": "损失曲面",
    "P(pass) vs hours": "及格概率随学习时间的变化", "model state_dict": "模型参数 state_dict",
}


def _width(text):
    """Columns on a terminal: a Chinese character takes two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def seconds(s):
    """A duration for people: 154 µs, 12.3 ms, 1.25 s."""
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    return f"{s * 1000:.1f} ms" if s < 0.1 else f"{s:.2f} s"


# -- the course notes by chapter title ------------------------------------------------------
CHAPTERS = {  # the course notes, numbered 000-004 in the registry's ``source``: (en, zh)
    "000": ("Deep learning basics", "深度学习入门"),
    "001": ("PyTorch deep learning in practice", "PyTorch 深度学习实践基础"),
    "002": ("DNN and CNN", "DNN 与 CNN"),
    "003": ("the PyTorch quick-start", "PyTorch 快速入门"),
    "004": ("PyTorch neural networks", "PyTorch 神经网络学习"),
}


def source(lesson, lang="en"):
    """The course chapters a lesson follows, by title: ``001 §5, 004 §3`` becomes
    ``PyTorch deep learning in practice §5, PyTorch neural networks §3`` (the learner
    has no files named 001 or 004). Sources beyond the course (``makemore 1``) stay."""
    import re
    zh = lang == "zh"
    def title(match):   # "002 CNN §2": the CNN part of chapter 002
        part = match.group(2)
        return CHAPTERS[match.group(1)][zh] + (("：" if zh else ": ") + part if part else "")
    return re.sub(r"\b(00[0-4])\b(?: (CNN)\b)?", title, lesson.source)


# -- the table after `run all` --------------------------------------------------------------
QUICK_NOTE = ("quick: not trained to convergence", "快速模式：未训练到收敛")

# lesson: (the key metric (part of its name), its name in Chinese, a unit, and what the
# course or real torch gets (docs/lessons.md), in English and in Chinese)
KEY_NUMBERS = {
    1: ("sum of tensor_x", "tensor_x 之和", "", "shapes and dtypes as torch prints them",
        "形状和类型与 torch 的输出相同"),
    2: ("best w", "最优 w", "", "w = 2.0 (MSE 0)", "w = 2.0（MSE 为 0）"),
    3: ("predict(4)", "predict(4)", "", "7.99978", "7.99978"),
    4: ("predict(4)", "predict(4)", "", "8.0000", "8.0000"),
    5: ("dx", "dx", "", "dx = 7", "dx = 7"),
    6: ("predict(4)", "predict(4)", "", "≈ 8.544", "≈ 8.544"),
    7: ("predict(4)", "predict(4)", "", "≈ 8 (torch 7.9994)", "≈ 8（torch 7.9994）"),
    8: ("crossing (hours)", "P = 0.5 处（小时）", " h", "≈ 2.46 h (torch 2.42 h)",
        "≈ 2.46 小时（torch 2.42 小时）"),
    9: ("last loss", "最终损失", "", "0.675 (torch, seed 0)", "0.675（torch，种子 0）"),
    10: ("last epoch loss", "最后一轮损失", "", "0.644 (torch, seed 0)", "0.644（torch，种子 0）"),
    11: ("test accuracy", "测试集精准度", " %", "67.17 % (course)", "67.17 %（课程）"),
    12: ("test accuracy", "测试集精准度", " %", "70–72 % (torch)", "70–72 %（torch）"),
    13: ("test accuracy", "测试集精准度", " %", "75–79 % (torch)", "75–79 %（torch）"),
    14: ("test accuracy", "测试集精准度", " %", "86.4 % (torch, MNIST sample)",
         "86.4 %（torch，MNIST 样本）"),
    15: ("test accuracy", "测试集精准度", " %", "≈ 92 % (torch, MNIST sample)",
         "≈ 92 %（torch，MNIST 样本）"),
    16: ("test accuracy", "测试集精准度", " %", "97.10 % (torch, MNIST sample)",
         "97.10 %（torch，MNIST 样本）"),
    17: ("test accuracy", "测试集精准度", " %", "72.9 % (torch, MNIST sample)",
         "72.9 %（torch，MNIST 样本）"),
    18: ("TwoLayerNN loss", "TwoLayerNN 损失", "", "≈ 0.005 (torch 0.0059)",
         "≈ 0.005（torch 0.0059）"),
    19: ("test accuracy", "测试集精准度", " %", "NumPy, edu and torch agree",
         "NumPy、edu 与 torch 一致"),
    20: ("nll (loop)", "负对数似然（循环）", "", "2.4544", "2.4544"),
    21: ("nll", "负对数似然", "", "2.4653 (torch)", "2.4653（torch）"),
    22: ("val loss", "验证集损失", "", "≈ 2.17 (lecture)", "≈ 2.17（课程视频）"),
    24: ("val loss", "验证集损失", "", "—", "—"),
    25: ("test loss", "测试集损失", "", "—", "—"),
}


def key_number(lesson, result, lang="en"):
    """``(name, value text)``: the lesson's key number from ``result['metrics']`` (the
    one of this engine where a metric is given per engine, e.g. lesson 19); the first
    metric for a lesson without an entry; ``("", "—")`` when there is none."""
    metrics = result.get("metrics") or {}
    if not metrics:
        return "", "—"
    name, name_zh, unit, *_ = KEY_NUMBERS.get(lesson.number, ("", "", "", "", ""))
    found = [k for k in metrics if name and name in k]
    if not found:
        first = next(iter(metrics))
        return first, _value(metrics[first], "")
    engine = str(result.get("engine", ""))
    key = next((k for k in found if engine and engine in k), found[0])
    label = name_zh if lang == "zh" else name
    return label, _value(metrics[key], unit)


def expected(lesson, lang="en"):
    """What the course or real torch gets for the lesson's key number (docs/lessons.md)."""
    entry = KEY_NUMBERS.get(lesson.number)
    if entry is None:
        return "—"
    return entry[4] if lang == "zh" else entry[3]


def _value(value, unit):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value)}{unit}"
    return (f"{value:.2f}" if unit.strip() == "%" else f"{value:.5g}") + unit


def summary_table(rows, quick=False, lang="en"):
    """The table printed after ``run all``: one row per ``(lesson, result)``: the lesson,
    the engine, the time, the key number and what the course or real torch gets. In
    quick mode every row says it was not trained to convergence."""
    zh = lang == "zh"
    head = (("课", "引擎", "用时", "关键数字", "课程 / torch 的结果")
            if zh else ("lesson", "engine", "time", "key number", "course / torch"))
    table = [head]
    for lesson, result in rows:
        title = lesson.title_zh if zh else lesson.title
        name, value = key_number(lesson, result, lang)
        if result.get("stopped"):
            value = "已退出" if zh else "stopped"
        key = f"{name} = {value}" if name else value
        table.append((f"{lesson.code} {title}", str(result.get("engine", "")),
                      seconds(result.get("seconds", 0.0)), key, expected(lesson, lang)))
    if quick:   # a last column: the mark of a quick run, on every row
        table = [row + (QUICK_NOTE[zh] if i else "",) for i, row in enumerate(table)]
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["", "=== 总结 ===" if zh else "=== summary ==="]
    for row in table:
        lines.append("  ".join(cell + " " * (w - _width(cell))
                               for cell, w in zip(row, widths)).rstrip())
    return "\n".join(lines)
