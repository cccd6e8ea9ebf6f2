"""Benchmarks: tinygrad_edu against real torch and a hand-written NumPy floor."""
