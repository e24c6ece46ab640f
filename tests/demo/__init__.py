"""Tests of the demo (scripts/develop and the modules under simulator/demo)."""
