"""Timing and memory helpers: interleaved engines, paired ratios, tracemalloc.

Timing on a shared machine is noisy, so every number here is relative and interleaved:

* the engines take turns, round after round (the order rotates each round), so a slow
  moment of the machine hits them all alike; a ratio is the median, over the rounds, of the
  ratio measured *within* each round (a paired ratio), which cancels slow drifts of load;
* before each engine's turn the machine settles for ``settle`` seconds and the step runs
  once untimed: BLAS and OpenMP worker threads keep spinning for a while after their last
  call, and without the pause they steal a core from whichever engine runs next (with two
  cores that doubled torch's times after a NumPy turn, and the floor's after a torch turn).
"""
import ctypes
import gc
import math
import statistics
import time
import tracemalloc


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def keep_freed_memory():
    """Ask glibc's malloc to keep freed memory for the next step instead of handing it back
    to the operating system, which then zeroes it page by page when the next step asks again
    (a fifth of a LeNet step went there). Deep-learning frameworks keep such a cache in their
    own allocators; preloading jemalloc or tcmalloc does the same. Applies to every engine of
    the process. Returns False where it is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return (libc.mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1      # keep up to 1 GiB free
                and libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1)  # big arrays on the heap
    except (OSError, AttributeError):
        return False


def interleaved_samples(steps, repeats=15, inner=5, warmup=3, settle=0.0, min_turn=0.0):
    """Seconds per call of each step, one sample per round: {name: [seconds, ...]}.
    Each turn runs a step ``inner`` times, or more for a fast step, so that the turn lasts
    at least ``min_turn`` seconds (a turn of a few microseconds measures only noise)."""
    calls = {}
    for name, fn in steps.items():
        elapsed = 0.0
        for _ in range(warmup):
            t0 = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - t0
        calls[name] = max(inner, math.ceil(min_turn / elapsed)) if elapsed and min_turn else inner
    names = list(steps)
    samples = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names):] + names[:r % len(names)]  # rotate who goes first
        for name in order:
            fn, n = steps[name], calls[name]
            if settle:
                time.sleep(settle)
                fn()  # wakes the thread pools; not timed
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - t0) / n)
    return samples


def medians(samples):
    return {name: statistics.median(v) for name, v in samples.items()}


def paired_ratio(samples, a, b):
    """(median, spread) of a/b measured round by round; spread is half the interquartile
    range of those ratios (how much they wandered while the benchmark ran)."""
    if a not in samples or b not in samples:
        return None, None
    ratios = sorted(x / y for x, y in zip(samples[a], samples[b]))
    if len(ratios) < 4:
        return statistics.median(ratios), None
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), (q3 - q1) / 2


def interleaved_medians(steps, repeats=15, inner=5, warmup=3, settle=0.0):
    """Median seconds per call of each step (engines interleaved)."""
    return medians(interleaved_samples(steps, repeats, inner, warmup, settle))


def peak_memory(fn, calls=3):
    """Peak bytes allocated through Python/NumPy during `calls` calls (tracemalloc; torch's
    own allocator is not seen by it)."""
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(calls):
            fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def memory_growth(fn, steps=10_000, warmup=200):
    """Bytes still allocated after `steps` more calls than after the warm-up: a leak shows
    up here (a graph kept alive, a growing list)."""
    for _ in range(warmup):
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(steps):
            fn()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
