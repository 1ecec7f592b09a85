"""Benchmarks: figures live here, never in timed tests. Run with ``make bench``."""
