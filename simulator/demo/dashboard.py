"""The demo's dashboard: the tracker's card on Home Assistant's default (storage-mode) dashboard.

Written into `.storage` before the first start, as if someone had added the card with the card picker. The card's
file itself is served and registered as a dashboard resource by the integration.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CARD: dict[str, Any] = {
    "type": "custom:media-request-tracker-card",
    "title": "Media requests",
    "filter": "all",
    "max_items": 10,
    "show_posters": True,
}
DASHBOARD: dict[str, Any] = {"views": [{"title": "Requests", "path": "requests", "cards": [CARD]}]}


def write_dashboard(storage: Path) -> None:
    """Store the default dashboard's configuration in `storage` (the `.storage` directory)."""
    stored = {"version": 1, "minor_version": 1, "key": "lovelace", "data": {"config": DASHBOARD}}
    (storage / "lovelace").write_text(json.dumps(stored, indent=2))
