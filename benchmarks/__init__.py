"""Benchmarks: `make bench` runs them; results go to docs/benchmarks.md."""
