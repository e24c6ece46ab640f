"""Fixtures shared by every test."""

from __future__ import annotations

from pathlib import Path

import custom_components

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The test harness ships a `custom_components` package of its own; the loader must find this project's.
if Path(custom_components.__file__).resolve().parent != PROJECT_ROOT / "custom_components":
    raise RuntimeError(f"custom_components imported from {custom_components.__file__}, not from the project")
