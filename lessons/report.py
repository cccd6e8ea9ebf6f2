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
