"""eta_available on a request's sensor: learnt from the requests that became available, null until there are 3."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.media_request_tracker.tracker import DownloadProgress, RequestAvailable

from ..tracker.lifecycles import movie
from .conftest import feed

FILM = "sensor.media_request_tracker_the_film_1999"


def _until_downloading() -> list:
    """The movie up to a running download with 20 s left (qBittorrent's first progress report)."""
    evidence = movie(metadata_first=False).evidence
    first_progress = next(n for n, item in enumerate(evidence) if isinstance(item, DownloadProgress))
    return evidence[: first_progress + 1]


async def test_null_without_three_past_requests(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    await feed(hass, loaded_entry, _until_downloading())
    attributes = hass.states.get(FILM).attributes
    assert attributes["eta"] == 20
    assert attributes["eta_available"] is None


async def test_the_download_eta_plus_the_median_finishing_time(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    hub = loaded_entry.runtime_data.hub
    hub.finishing.times.load({"radarr/plain": [600.0, 900.0, 3600.0]})
    await feed(hass, loaded_entry, _until_downloading())
    assert hass.states.get(FILM).attributes["eta_available"] == 20 + 900


async def test_each_move_into_available_is_learnt_once(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Downloaded at 8, listed by Jellyfin at 12: one sample of 4 s; a repeated report of it adds none."""
    hub = loaded_entry.runtime_data.hub
    await feed(hass, loaded_entry, movie().evidence)
    assert hub.finishing.times.dump() == {"radarr/plain": [4.0]}
    key = next(iter(hub.tracker.requests))
    await feed(hass, loaded_entry, movie().evidence)
    hub.apply_to(key, RequestAvailable(source="user", at=20))
    assert hub.finishing.times.dump() == {"radarr/plain": [4.0]}
    assert hass.states.get(FILM).attributes["eta_available"] is None, "an available request has nothing to wait for"
