"""What a run prints at its end: the one-line result and where files were written."""


def one_line(lesson, result, lang="en"):
    """``lesson 05 done in 0.4 s on edu (cpu): dx = 7, ...``."""
    if result.get("stopped"):
        return (f"第 {lesson.code} 课已退出。" if lang == "zh"
                else f"lesson {lesson.code} stopped.")
    timing = f"{result['seconds']:.1f} s"
    if result.get("seconds_per_epoch"):
        timing += f", {seconds(result['seconds_per_epoch'])}/epoch"
    where = f"{result['engine']} ({result['device']})"
    if lang == "zh":
        return f"第 {lesson.code} 课完成（{timing}，{where}）：{result['summary']}"
    return f"lesson {lesson.code} done in {timing} on {where}: {result['summary']}"


def files_written(result, lang="en"):
    """The files a run wrote, one per line (empty string when none)."""
    files = result.get("files") or []
    if not files:
        return ""
    head = "写出的文件：" if lang == "zh" else "files written:"
    width = max(len(what) for what, _ in files)
    return "\n".join([head] + [f"  {what:<{width}}  {path}" for what, path in files])


def seconds(s):
    """A duration for people: 154 µs, 12.3 ms, 1.25 s."""
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    return f"{s * 1000:.1f} ms" if s < 0.1 else f"{s:.2f} s"
