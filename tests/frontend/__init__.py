"""Tests of the dashboard card."""
