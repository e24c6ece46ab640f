"""The Jellyfin parser: webhook plugin ItemAdded bodies and REST `/Items` entries, regular and Shokofin."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.media_request_tracker.sources.jellyfin.parser import parse_item, parse_item_added
from custom_components.media_request_tracker.sources.payload import PayloadError
from custom_components.media_request_tracker.tracker.evidence import LibraryItemFound, MediaInfo, MediaType
from custom_components.media_request_tracker.tracker.ids import IdKind

from .parser_support import JSON_VALUES, assert_evidence_or_payload_error, fixture, fixture_names, mutated

SOURCE = "jellyfin"
AT = 3000.0
STARFALL_SERIES = "7d3b4c5d6e7f8091a2b3c4d5e6f7a8b9"
HARBOR_SERIES = "b17f8091a2b3c4d5e6f7a8b9c0d1e2f3"


def added(name: str) -> LibraryItemFound:
    [found] = parse_item_added(fixture("jellyfin", name), source=SOURCE, at=AT)
    assert isinstance(found, LibraryItemFound)
    assert found.source == SOURCE
    assert found.at == AT
    return found


def rest_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = fixture("jellyfin", "items")["Items"]
    return items


def test_movie() -> None:
    found = added("movie")
    assert found.item_type == "Movie"
    assert found.ids == {
        (IdKind.JELLYFIN_ITEM, "5b1f2e3d4c5a69788796a5b4c3d2e1f0"),
        (IdKind.TMDB_MOVIE, "401122"),
        (IdKind.IMDB, "tt7012345"),
    }
    assert found.media == MediaInfo(title="The Quiet Orchard", year=2018, media_type=MediaType.MOVIE)
    assert found.episodes == frozenset()


def test_shokofin_movie() -> None:
    found = added("shokofin_movie")
    assert found.ids == {
        (IdKind.JELLYFIN_ITEM, "6c2a3b4c5d6e7f8091a2b3c4d5e6f7a8"),
        (IdKind.SHOKO_SERIES, "2210"),
        (IdKind.SHOKO_FILE, "5120"),
    }
    assert found.media == MediaInfo(title="Skyward Tide", year=2021, media_type=MediaType.MOVIE)


def test_movie_anidb_id() -> None:
    body = fixture("jellyfin", "shokofin_movie")
    body["Provider_anidb"] = "17720"
    [found] = parse_item_added(body, source=SOURCE, at=AT)
    assert (IdKind.ANIDB, "17720") in found.ids


def test_shokofin_series() -> None:
    found = added("shokofin_series")
    assert found.item_type == "Series"
    assert found.ids == {
        (IdKind.JELLYFIN_ITEM, STARFALL_SERIES),
        (IdKind.TVDB, "421337"),
        (IdKind.ANIDB, "18801"),
        (IdKind.SHOKO_SERIES, "2301"),
    }
    assert found.media == MediaInfo(title="Starfall Academy", year=2024, media_type=MediaType.TV)
    assert found.episodes == frozenset()


def test_series_tmdb_id_is_a_tv_id() -> None:
    body = fixture("jellyfin", "shokofin_series")
    body["Provider_tmdb"] = "230045"
    body["Provider_imdb"] = "tt20450001"
    [found] = parse_item_added(body, source=SOURCE, at=AT)
    assert {(IdKind.TMDB_TV, "230045"), (IdKind.IMDB, "tt20450001")} <= found.ids


def test_shokofin_episode_uses_series_ids_only() -> None:
    found = added("shokofin_episode")
    assert found.item_type == "Episode"
    # The episode's own TVDB/TMDB/AniDB ids name the episode, not the series: only the series' ids are kept.
    assert found.ids == {(IdKind.JELLYFIN_ITEM, STARFALL_SERIES), (IdKind.SHOKO_SERIES, "2301")}
    assert found.episodes == {(1, 2), (1, 3)}
    assert found.media == MediaInfo(title="Starfall Academy", year=2024, media_type=MediaType.TV)


def test_regular_episode() -> None:
    found = added("episode")
    assert found.ids == {(IdKind.JELLYFIN_ITEM, HARBOR_SERIES)}
    assert found.episodes == {(2, 3)}
    assert found.media == MediaInfo(title="Harbor Lights", year=2023, media_type=MediaType.TV)


def test_season_names_its_series_and_no_episodes() -> None:
    found = added("season")
    assert found.item_type == "Season"
    assert found.ids == {(IdKind.JELLYFIN_ITEM, HARBOR_SERIES)}
    assert found.episodes == frozenset()
    assert found.media == MediaInfo(title="Harbor Lights", year=2023, media_type=MediaType.TV)


def test_shokofin_season_keeps_its_anime_ids() -> None:
    body = fixture("jellyfin", "season")
    body.update({"Provider_shoko series": "2302", "Provider_anidb": "18802"})
    [found] = parse_item_added(body, source=SOURCE, at=AT)
    assert found.ids == {
        (IdKind.JELLYFIN_ITEM, HARBOR_SERIES),
        (IdKind.SHOKO_SERIES, "2302"),
        (IdKind.ANIDB, "18802"),
    }


def test_episode_without_numbers_gives_nothing() -> None:
    body = fixture("jellyfin", "episode")
    del body["EpisodeNumber"]
    assert parse_item_added(body, source=SOURCE, at=AT) == []


def test_template_numbers_as_text() -> None:
    body = fixture("jellyfin", "episode")
    body.update(SeasonNumber="2", EpisodeNumber="3", EpisodeNumberEnd="4", Year="2023")
    [found] = parse_item_added(body, source=SOURCE, at=AT)
    assert found.episodes == {(2, 3), (2, 4)}
    assert found.media.year == 2023


def test_dashed_item_ids_are_the_same_item() -> None:
    body = fixture("jellyfin", "movie")
    body["ItemId"] = "5b1f2e3d-4c5a-6978-8796-a5b4c3d2e1f0"
    [found] = parse_item_added(body, source=SOURCE, at=AT)
    assert (IdKind.JELLYFIN_ITEM, "5b1f2e3d4c5a69788796a5b4c3d2e1f0") in found.ids


@pytest.mark.parametrize("name", ["audio", "playback_start"])
def test_other_items_and_notifications(name: str) -> None:
    assert parse_item_added(fixture("jellyfin", name), source=SOURCE, at=AT) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda body: body.pop("NotificationType"),
        lambda body: body.pop("ItemId"),
        lambda body: body.update(ItemType=3),
        lambda body: body.update(Provider_tmdb=["401122"]),
        lambda body: body.update(Year="MMXVIII"),
        lambda body: (
            body.update(ItemType="Episode", SeriesId=HARBOR_SERIES, SeasonNumber=1, EpisodeNumber=1)
            or body.update(EpisodeNumberEnd=10_000_000)
        ),
    ],
)
def test_unknown_shapes_raise(change: Any) -> None:
    body = fixture("jellyfin", "movie")
    change(body)
    with pytest.raises(PayloadError):
        parse_item_added(body, source=SOURCE, at=AT)


# --- REST --------------------------------------------------------------------------------------------------------


def test_rest_movie() -> None:
    [found] = parse_item(rest_items()[0], source=SOURCE, at=AT)
    assert isinstance(found, LibraryItemFound)
    # The same as the webhook's, and the file it plays, in a library of the standard copy.
    path_ids = {(IdKind.FILE, "the.quiet.orchard.2018.mkv"), (IdKind.COPY, "standard")}
    assert found == replace(added("movie"), ids=added("movie").ids | path_ids)


def test_rest_shokofin_series() -> None:
    [found] = parse_item(rest_items()[1], source=SOURCE, at=AT)
    assert found.ids == {
        (IdKind.JELLYFIN_ITEM, STARFALL_SERIES),
        (IdKind.ANIDB, "18801"),
        (IdKind.SHOKO_SERIES, "2301"),
    }
    assert found.media == MediaInfo(title="Starfall Academy", year=2024, media_type=MediaType.TV)


def test_rest_season() -> None:
    [found] = parse_item(rest_items()[2], source=SOURCE, at=AT)
    assert found.ids == {(IdKind.JELLYFIN_ITEM, HARBOR_SERIES)}
    assert found.episodes == frozenset()


def test_rest_episode() -> None:
    [found] = parse_item(rest_items()[3], source=SOURCE, at=AT)
    assert isinstance(found, LibraryItemFound)
    assert found.ids == {(IdKind.JELLYFIN_ITEM, STARFALL_SERIES), (IdKind.SHOKO_SERIES, "2301")}
    assert found.episodes == {(1, 2), (1, 3)}
    assert found.item_type == "Episode"


def test_rest_other_types() -> None:
    assert parse_item(rest_items()[4], source=SOURCE, at=AT) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda item: item.pop("Id"),
        lambda item: item.update(ProviderIds=["Tmdb"]),
        lambda item: item.update(ProductionYear="2018"),
        lambda item: item.update(ProviderIds={"Tmdb": {"id": 1}}),
    ],
)
def test_rest_unknown_shapes_raise(change: Any) -> None:
    item = rest_items()[0]
    change(item)
    with pytest.raises(PayloadError):
        parse_item(item, source=SOURCE, at=AT)


# --- fuzzing -----------------------------------------------------------------------------------------------------

WEBHOOKS = [name for name in fixture_names("jellyfin") if name != "items"]


@settings(max_examples=150, deadline=None)
@given(body=JSON_VALUES)
def test_fuzz_any_json(body: Any) -> None:
    assert_evidence_or_payload_error(lambda: parse_item_added(body, source=SOURCE, at=AT))
    assert_evidence_or_payload_error(lambda: parse_item(body, source=SOURCE, at=AT))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), name=st.sampled_from(WEBHOOKS))
def test_fuzz_broken_webhooks(data: st.DataObject, name: str) -> None:
    body = data.draw(mutated(fixture("jellyfin", name)))
    assert_evidence_or_payload_error(lambda: parse_item_added(body, source=SOURCE, at=AT))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), index=st.integers(0, 4))
def test_fuzz_broken_items(data: st.DataObject, index: int) -> None:
    item = data.draw(mutated(rest_items()[index]))
    assert_evidence_or_payload_error(lambda: parse_item(item, source=SOURCE, at=AT))
