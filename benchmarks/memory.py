"""Peak memory of one training step, each engine and case in a fresh process of its own.

python -m benchmarks.memory CASE ENGINE [THREADS]  prints the peak in bytes (ENGINE: edu or
torch; THREADS: BLAS/torch threads, default 1).

tracemalloc does not see torch's allocator, so both engines are measured the same way, by
the operating system: the process's resident memory once the model and the data are built
is the baseline; Linux's peak-RSS mark (VmHWM) is reset (/proc/self/clear_refs) and three
steps run; the peak step memory is VmHWM minus the baseline (it includes what the steps
keep: gradients, the optimizer's state; a baseline taken after a warm-up step would instead
count the memory the allocator kept from it as resting, and hide most of a step). A fresh process per measurement: what an earlier case left in the allocator does
not count for the next one. glibc's malloc keeps its default thresholds here."""
import gc
import json
import os
import subprocess
import sys


def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(field)


def _reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident size (Linux ≥ 4.0)


def find_case(name):
    from . import cases
    for case in cases.all_cases():
        if case.name == name:
            return case
    raise KeyError(name)


def measure(case_name, engine, steps=3, threads=1):
    """Peak bytes above the resting resident size during `steps` steps, in this process."""
    if engine == "torch":
        import torch
        torch.set_num_threads(threads)
        engines = {"torch": torch}
    else:
        import tinygrad_edu
        engines = {"edu": tinygrad_edu}
    step = find_case(case_name).steps(engines)[engine]
    gc.collect()
    base = _status("VmRSS")
    _reset_peak()
    for _ in range(steps):
        step()
    return _status("VmHWM") - base


def in_fresh_process(case_name, engine, threads=1, timeout=300):
    """measure() in a new interpreter; None where it cannot be measured."""
    n = str(threads)
    env = dict(os.environ, OMP_NUM_THREADS=n, OPENBLAS_NUM_THREADS=n, MKL_NUM_THREADS=n)
    for variable in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"):
        env.pop(variable, None)  # the allocator's defaults, as a user runs it
    proc = subprocess.run([sys.executable, "-m", "benchmarks.memory", case_name, engine, n],
                          capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        print(f"memory of {case_name} on {engine} failed: {proc.stderr[-500:]}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])["peak"]


def table(case_names, limit=1.25, threads=(1,)):
    """Markdown rows: the peak step memory of each case, tinygrad_edu against torch, at each
    thread count (three columns each)."""
    head = "| step |" + "".join(f" edu, {n} t | torch, {n} t | edu / torch, {n} t |"
                                for n in threads) + " goal |"
    lines = [head, "|---|" + "---:|---:|---:|" * len(threads) + "---|"]
    for name in case_names:
        cells, worst = [], 0.0
        for n in threads:
            edu, ref = in_fresh_process(name, "edu", n), in_fresh_process(name, "torch", n)
            if edu is None or ref is None:
                cells.append(" – | – | – |")
                continue
            ratio = edu / max(ref, 1)
            worst = max(worst, ratio)
            cells.append(f" {edu / 2**20:.1f} MiB | {ref / 2**20:.1f} MiB | {ratio:.2f}× |")
        mark = "✅" if worst <= limit else "❌"
        lines.append(f"| {name} |" + "".join(cells) + f" {mark} ≤ {limit:g}× |")
        print(lines[-1], flush=True)
    return "\n".join(lines)


if __name__ == "__main__":
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    print(json.dumps({"peak": measure(sys.argv[1], sys.argv[2], threads=threads)}))
