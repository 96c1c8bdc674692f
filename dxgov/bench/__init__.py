"""Benchmark commands; no domain app imports this package."""
