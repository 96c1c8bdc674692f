"""Helpers shared by the test suite and the in-process benchmarks (they use django.test)."""
