"""Why the demo stopped."""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_MISSING = 3
"""Exit statuses of the demo's commands (0 is success)."""


class DemoError(Exception):
    """The demo cannot go on; the message says why, for the person who started it."""


class MissingPrerequisite(DemoError):
    """Something the demo needs is not on this machine (or the port is taken): not a bug of the demo."""
