"""Which coordinator follows which kind of service.

Kept apart from coordinator.py so that every coordinator module, Shoko's with its SignalR library included, is
imported when the integration loads (in Home Assistant's import executor), not later inside the event loop.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .const import CONF_QBITTORRENT_FAST, CONF_QBITTORRENT_SLOW
from .coordinator import (
    ARR_INTERVAL,
    JELLYFIN_INTERVAL,
    QBITTORRENT_FAST,
    QBITTORRENT_SLOW,
    SEERR_POLLED,
    SEERR_PUSHED,
    ArrCoordinator,
    JellyfinCoordinator,
    QBittorrentCoordinator,
    SeerrCoordinator,
    ServiceCoordinator,
)
from .runtime import TrackerRuntime
from .shoko import ShokoCoordinator
from .upstream import ServiceConfig


def make_coordinator(
    runtime: TrackerRuntime, config: ServiceConfig, options: dict[str, Any]
) -> ServiceCoordinator | None:
    """The coordinator polling a kind of service, if it is polled."""
    match config.kind:
        case "qbittorrent":
            return QBittorrentCoordinator(
                runtime,
                config,
                fast=timedelta(seconds=options.get(CONF_QBITTORRENT_FAST, QBITTORRENT_FAST.total_seconds())),
                slow=timedelta(seconds=options.get(CONF_QBITTORRENT_SLOW, QBITTORRENT_SLOW.total_seconds())),
            )
        case "radarr" | "sonarr":
            return ArrCoordinator(runtime, config, ARR_INTERVAL)
        case "seerr":
            # With its webhook Seerr pushes; the poll only catches up. Without it, the poll is how Seerr is followed.
            return SeerrCoordinator(runtime, config, SEERR_PUSHED if config.configure_webhook else SEERR_POLLED)
        case "jellyfin":
            return JellyfinCoordinator(runtime, config, JELLYFIN_INTERVAL)
        case "shoko":
            return ShokoCoordinator(runtime, config, options)
