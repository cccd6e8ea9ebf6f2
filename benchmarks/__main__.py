"""python -m benchmarks [--quick] [--case NAME] [--threads N[,M]] [--malloc keep|default] [--out F]

Times each training step on tinygrad_edu, real torch (CPU, same thread count) and the
hand-written NumPy floor, in one process with the engines interleaved, and writes the
table of medians and paired ratios into docs/benchmarks.md (between the results markers;
the notes around them are kept). Only a full run (no --quick, no --case) writes the file
unless --out names one."""
import argparse
import os
import platform
import sys

GOALS = {  # case name prefix -> (max ratio to torch, max ratio to the NumPy floor), issue 13
    "MLP": (1.0, 1.10),
    "DNN": (1.0, 1.10),
    "wide MLP": (1.0, 1.10),
    "char-level": (1.0, 1.10),
    "Transformer": (1.0, None),
    "LeNet": (1.25, None),
    "CIFAR": (1.25, None),
}
OP_LIMIT, MEMORY_LIMIT = 1.5, 1.25  # per-op ratio to torch; peak step memory to torch
START, END = "<!-- results -->", "<!-- /results -->"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _set_threads(threads):
    """BLAS libraries read their thread count when NumPy / torch load: set it before."""
    if "numpy" in sys.modules and any(os.environ.get(v) != str(threads)
                                      for v in THREAD_VARIABLES):
        print(f"note: NumPy is already loaded, its BLAS keeps its thread count "
              f"(run as `python -m benchmarks --threads {threads}`)")
    for variable in THREAD_VARIABLES:
        os.environ[variable] = str(threads)


def _engines(threads):
    import tinygrad_edu
    engines = {"edu": tinygrad_edu}
    try:
        import torch
    except ImportError:
        print("real torch is not installed: timing tinygrad_edu and the NumPy floor only")
        return engines, None
    torch.set_num_threads(threads)
    engines["torch"] = torch
    return engines, torch


def _goal(name):
    for prefix, goal in GOALS.items():
        if name.startswith(prefix):
            return goal
    return None


def _verdict(ratio, limit):
    if limit is None or ratio is None:
        return ""
    return f"{'✅' if ratio <= limit else '❌'} ≤ {limit:g}×"


def _selected(name, patterns):
    return not patterns or any(p.lower() in name.lower() for p in patterns)


def run(quick=False, patterns=(), threads=1, settle=0.1):
    """Time every selected case; returns (rows, memory or None, torch module or None)."""
    from . import cases, epoch, timing
    import tinygrad_edu
    engines, torch = _engines(threads)
    settle = settle if threads > 1 else 0.0  # single-threaded: no worker threads to wait for
    rows = []
    for case in cases.all_cases() + [epoch.lesson15_epoch_case()]:
        if not _selected(case.name, patterns):
            continue
        steps = case.steps(engines)
        repeats, inner = (2, 1) if quick else (getattr(case, "rounds", None) or (21, 5))
        if case.name.startswith("one epoch"):
            repeats, inner = (1, 1) if quick else (5, 1)
        samples = timing.interleaved_samples(steps, repeats=repeats, inner=inner,
                                             warmup=1 if quick else 3, settle=settle,
                                             min_turn=0.0 if quick else 0.02)
        rows.append((case.name, samples))
        med = timing.medians(samples)
        print(f"{case.name}: " + ", ".join(f"{k} {v * 1e3:.3f} ms" for k, v in med.items()),
              flush=True)
    memory = None
    if _selected("memory", patterns):
        dnn = cases.all_cases()[2].steps({"edu": tinygrad_edu})
        growth_steps = 500 if quick else 10_000
        growth = timing.memory_growth(dnn["edu"], steps=growth_steps)
        mlp = cases.all_cases()[0].steps({"edu": tinygrad_edu})
        memory = {"growth": growth, "growth_steps": growth_steps,
                  "peak": timing.peak_memory(mlp["edu"]),
                  "peak_floor": timing.peak_memory(mlp["numpy"])}
    op_rows = None
    if torch is not None and _selected("per-op", patterns):
        from . import ops
        op_rows = ops.measure(engines, quick)
    return rows, memory, torch, op_rows


def _ratio_text(ratio, spread):
    if ratio is None:
        return "–"
    return f"{ratio:.2f}×" + (f" ±{spread:.2f}" if spread is not None else "")


def table(rows, memory, torch, threads=1, load=None, malloc=None, op_rows=None):
    """The markdown results: one row per case, ratios paired round by round."""
    import numpy as np
    import tinygrad_edu
    from . import timing
    load_text = ""
    if load:
        load_text = f" Load average (1 min) {load[0]:.2f} before, {load[1]:.2f} after."
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, NumPy {np.__version__}, "
        f"torch {torch.__version__ if torch else 'not installed'}, tinygrad_edu "
        f"{tinygrad_edu.__version__}; {threads} BLAS/torch thread(s)"
        f"{'; malloc: ' + malloc if malloc else ''}.{load_text}", "",
        "Times are medians; ratios are the median of the ratios measured round by round "
        "(± half their interquartile range).", "",
        "| step | tinygrad_edu | torch (CPU) | NumPy floor | edu / torch | edu / floor | goal |",
        "|---|---:|---:|---:|---:|---:|---|"]
    for name, samples in rows:
        med = timing.medians(samples)
        edu, ref, flo = med.get("edu"), med.get("torch"), med.get("numpy")
        r_torch, s_torch = timing.paired_ratio(samples, "edu", "torch")
        r_floor, s_floor = timing.paired_ratio(samples, "edu", "numpy")
        goal = _goal(name)
        verdict = ""
        if goal:
            verdict = " ".join(v for v in (
                _verdict(r_torch, goal[0]) + (" torch" if goal[0] else ""),
                _verdict(r_floor, goal[1]) + (" floor" if goal[1] else "")) if v.strip())
        fmt = (lambda v: f"{v * 1e3:.3f} ms" if v else "–")
        lines.append(f"| {name} | {fmt(edu)} | {fmt(ref)} | {fmt(flo)} | "
                     f"{_ratio_text(r_torch, s_torch)} | {_ratio_text(r_floor, s_floor)} | "
                     f"{verdict} |")
    if memory:
        kib = memory["growth"] / 1024
        lines += ["",
                  f"Memory: growth over {memory['growth_steps']:,} DNN batch-1 steps on "
                  f"tinygrad_edu: {kib:+.1f} KiB ({'✅ flat' if abs(kib) < 256 else '❌ grows'})."
                  f" Peak traced memory of one MLP batch-64 step: tinygrad_edu "
                  f"{memory['peak'] / 2**20:.1f} MiB, NumPy floor "
                  f"{memory['peak_floor'] / 2**20:.1f} MiB (tracemalloc; torch's own "
                  f"allocator is not traced)."]
    if op_rows:
        from . import ops
        lines += ["", ops.summary(op_rows, OP_LIMIT)]
    return "\n".join(lines)


def write(path, text):
    head = "# Benchmarks\n\nGenerated by `python -m benchmarks`; medians of interleaved runs.\n\n"
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else head + START + END
    if START not in old:
        old = head + START + END + "\n\n" + old
    before, rest = old.split(START, 1)
    after = rest.split(END, 1)[1] if END in rest else ""
    with open(path, "w", encoding="utf-8") as f:
        f.write(before + START + "\n" + text + "\n" + END + after)


def _load():
    try:
        return os.getloadavg()[0]
    except OSError:  # not available on every system
        return None


def _each_thread_count(args, counts):
    """Thread counts are fixed when NumPy loads: run each in a process of its own, one table
    each; then peak memory (a process per case, engine and thread count)."""
    import subprocess
    import tempfile
    from . import cases, memory
    texts = []
    for n in counts:
        with tempfile.TemporaryDirectory() as tmp:
            part = os.path.join(tmp, "part.md")
            command = [sys.executable, "-m", "benchmarks", "--threads", str(n), "--malloc",
                       args.malloc, "--settle", str(args.settle), "--out", part]
            command += ["--quick"] * args.quick + [a for c in args.case for a in ("--case", c)]
            if subprocess.run(command).returncode != 0:
                return 1
            text = open(part, encoding="utf-8").read()
            texts.append(f"### {n} thread{'s' * (n > 1)}\n\n" + text.split(START)[1].split(END)[0].strip())
    if _selected("peak memory", args.case):
        names = [c.name for c in cases.all_cases()]
        if args.quick:
            names = names[2:3]
        texts.append("### Peak step memory (glibc's default malloc, a fresh process per case, "
                     "engine and thread count; `benchmarks/memory.py`)\n\n"
                     + memory.table(names, MEMORY_LIMIT, counts))
    text = "\n\n".join(texts)
    print("\n" + text)
    out = args.out or (os.path.join("docs", "benchmarks.md") if not args.quick and not args.case
                       else None)
    if out:
        write(out, text)
        print(f"\nwritten to {out}")
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few repeats (a smoke test)")
    p.add_argument("--case", action="append", default=[], metavar="NAME",
                   help="run only the cases whose name contains NAME (repeatable; 'memory' "
                        "selects the memory check), e.g. --case MLP --case LeNet")
    p.add_argument("--threads", default="1,2",
                   help="BLAS and torch threads; several (1,2: the default) run one process "
                        "each and add the peak-memory table")
    p.add_argument("--settle", type=float, default=0.1,
                   help="seconds of pause before each engine's turn, so the previous "
                        "engine's worker threads stop spinning (default 0.1; multi-threaded "
                        "runs only)")
    p.add_argument("--malloc", choices=("keep", "default"), default="default",
                   help="keep: glibc's malloc keeps freed memory between steps, for every "
                        "engine; default: glibc's own thresholds (the default, as a user runs it)")
    p.add_argument("--out", default=None,
                   help="markdown file to update (default docs/benchmarks.md for a full run)")
    args = p.parse_args(argv)
    counts = [int(n) for n in str(args.threads).split(",")]
    if len(counts) > 1:
        return _each_thread_count(args, counts)
    args.threads = counts[0]
    _set_threads(args.threads)
    from . import timing
    malloc = "glibc defaults"
    if args.malloc == "keep":
        malloc = ("freed memory kept between steps (mallopt)" if timing.keep_freed_memory()
                  else "allocator defaults (mallopt not available)")
    load_before = _load()
    rows, memory, torch, op_rows = run(args.quick, args.case, args.threads, args.settle)
    load_after = _load()
    load = (load_before, load_after) if load_before is not None else None
    text = table(rows, memory, torch, args.threads, load, malloc, op_rows)
    print("\n" + text)
    full_run = not args.quick and not args.case
    out = args.out or (os.path.join("docs", "benchmarks.md") if full_run else None)
    if out:
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        write(out, text)
        print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
