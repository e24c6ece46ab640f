"""Sonarr: series (see arr.py for what Radarr and Sonarr share)."""

from __future__ import annotations

from .arr import arr_kind

KIND = arr_kind("sonarr", "Sonarr", 8989)
