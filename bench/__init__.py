"""Benchmarks for Traject: `python -m bench` (full) or `python -m bench --quick`.

Each measurement lives in its own module (lifecycle, worklist, startup, growth, memory); __main__ runs
them, writes bench/results/latest.json and prints a table. Speed is measured here, never asserted in tests.
"""
