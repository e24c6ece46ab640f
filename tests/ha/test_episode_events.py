"""The episodes-available event: one per import, listing the episodes it brought to the library."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.media_request_tracker.const import EVENT_EPISODES_AVAILABLE
from custom_components.media_request_tracker.tracker import FilesImported, LibraryItemFound, ReleaseGrabbed

from ..tracker.lifecycles import movie, series
from .conftest import feed

SHOW = "sensor.media_request_tracker_the_show_2022"


def _labels(events: list) -> list[list[str]]:
    return [[episode["label"] for episode in event.data["episodes"]] for event in events]


async def test_a_season_pack_is_one_event_listing_its_episodes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_EPISODES_AVAILABLE)
    for item in series(episodes=4).evidence:
        await feed(hass, loaded_entry, [item])

    assert _labels(events) == [["S01E01", "S01E02", "S01E03", "S01E04"]]
    data = events[0].data
    assert data["completes_request"] is True
    assert data["entity_id"] == SHOW
    assert (data["title"], data["year"], data["media_type"], data["requested_by"]) == ("The Show", 2022, "tv", "bo")
    assert data["episodes"][0] == {"season": 1, "episode": 1, "label": "S01E01"}
    assert "poster" in data
    assert data["jellyfin_url"] is None, "no Jellyfin service is configured to link it"


async def test_episodes_grabbed_one_by_one_are_one_event_each(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Three episodes grabbed, each imported on its own; Jellyfin lists the series after the first import."""
    evidence = series(episodes=3, per_episode=True).evidence
    library = next(item for item in evidence if isinstance(item, LibraryItemFound))
    grabs = [item for item in evidence if isinstance(item, ReleaseGrabbed)]
    per_episode = [item for item in evidence[2:-1] if not isinstance(item, ReleaseGrabbed)]
    first_import = next(n for n, item in enumerate(per_episode) if isinstance(item, FilesImported))
    ordered = [*evidence[:2], *grabs, *per_episode[: first_import + 1], library, *per_episode[first_import + 1 :]]
    events = async_capture_events(hass, EVENT_EPISODES_AVAILABLE)
    for item in ordered:
        await feed(hass, loaded_entry, [item])

    assert _labels(events) == [["S01E01"], ["S01E02"], ["S01E03"]]
    assert [event.data["completes_request"] for event in events] == [False, False, True]


async def test_a_restart_announces_nothing_again_and_movies_never(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    await feed(hass, loaded_entry, series(episodes=2).evidence)
    await feed(hass, loaded_entry, movie().evidence)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_EPISODES_AVAILABLE)
    await feed(hass, loaded_entry, series(episodes=2).evidence)  # the same reports again
    assert events == []
