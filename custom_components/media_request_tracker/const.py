"""Constants of the Media Request Tracker integration."""

from __future__ import annotations

from typing import Final

from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_TOKEN, CONF_USERNAME, CONF_WEBHOOK_ID

DOMAIN: Final = "media_request_tracker"

EVENT_STAGE_CHANGED: Final = f"{DOMAIN}_stage_changed"
EVENT_EPISODES_AVAILABLE: Final = f"{DOMAIN}_episodes_available"

CONF_RETENTION_HOURS: Final = "retention_hours"
CONF_PENDING_HOURS: Final = "pending_hours"
DEFAULT_RETENTION_HOURS: Final = 72
DEFAULT_PENDING_HOURS: Final = 6
CONF_TRACE_EVENTS: Final = "trace_events"
CONF_QBITTORRENT_FAST: Final = "qbittorrent_fast_seconds"
CONF_QBITTORRENT_SLOW: Final = "qbittorrent_slow_seconds"
CONF_SHOKO_REPAIR_MINUTES: Final = "shoko_repair_minutes"
DEFAULT_SHOKO_REPAIR_MINUTES: Final = 15
CONF_STALL_MINUTES: Final = "stall_minutes"
"""Options section: minutes per stage without progress before a request counts as stalled."""
DEFAULT_TRACE_EVENTS: Final = 200
CONF_FINISHED_SENSORS: Final = "finished_sensors"
"""How many finished requests (the most recently finished) keep a sensor; the others only `get_requests` reports."""
DEFAULT_FINISHED_SENSORS: Final = 50

STORAGE_KEY: Final = DOMAIN
STORAGE_VERSION: Final = 2
STORAGE_MINOR_VERSION: Final = 1
STORAGE_SEGMENTS: Final = 32
"""Files the stored requests are spread over (by a hash of their key); changing it needs a new major version."""
SAVE_DELAY_SECONDS: Final = 10
"""Seconds from the first unsaved change to the write; later changes never push the write back."""
SAVE_RETRY_SECONDS: Final = 30

HOUSEKEEPING_INTERVAL_SECONDS: Final = 60
# Progress-only changes are written at most this often, so a download does not flood the recorder.
PROGRESS_WRITE_INTERVAL_SECONDS: Final = 30

# Keys whose values are secrets: never logged, shown as attributes, or put in diagnostics.
SECRET_KEYS: Final = frozenset(
    {CONF_API_KEY, "apikey", CONF_PASSWORD, CONF_USERNAME, CONF_WEBHOOK_ID, "webhook_secret", "auth_header", CONF_TOKEN}
)
