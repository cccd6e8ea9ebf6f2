"""Timing and memory helpers: interleaved engines, medians, tracemalloc."""
import gc
import statistics
import time
import tracemalloc


def interleaved_medians(steps, repeats=15, inner=5, warmup=3):
    """Median seconds per call of each step, the engines taking turns in every round so
    that a noisy moment of the machine hits them all alike."""
    for fn in steps.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in steps}
    for _ in range(repeats):
        for name, fn in steps.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[name].append((time.perf_counter() - t0) / inner)
    return {name: statistics.median(v) for name, v in samples.items()}


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
