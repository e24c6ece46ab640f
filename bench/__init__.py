"""Benchmarks (run as modules: `.venv/bin/python -m bench.<name>`); not part of the timed test suite."""
