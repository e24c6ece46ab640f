"""Episodes reaching the library: one arrival per import, nothing announced twice or again after a restart."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import Evidence, LibraryItemFound, Stage, Tracker
from custom_components.media_request_tracker.tracker.arrivals import EpisodeArrivals, episode_label
from tests.tracker.lifecycles import movie, series


def arrivals_per_evidence(evidence: list[Evidence]) -> tuple[Tracker, list[list[str]]]:
    """Feed evidence one piece at a time, as the hub does, and list the episodes each piece brought."""
    tracker = Tracker()
    arrivals = EpisodeArrivals()
    seen: list[list[str]] = []
    for item in evidence:
        arrived = [arrivals.arrived(change.request) for change in tracker.apply(item)]
        seen.extend([episode_label(episode) for episode in new] for new in arrived if new)
    return tracker, seen


def test_a_season_pack_is_one_arrival() -> None:
    _, seen = arrivals_per_evidence(series(episodes=4).evidence)

    assert seen == [["S01E01", "S01E02", "S01E03", "S01E04"]]


def test_episodes_of_a_listed_series_arrive_one_import_at_a_time() -> None:
    lifecycle = series(episodes=3, per_episode=True).evidence
    library = [item for item in lifecycle if isinstance(item, LibraryItemFound)]
    # The series is already in the library (an airing show): each import makes its episode available.
    listed_first = [*lifecycle[:2], *(replace_at(item, 2.5) for item in library), *lifecycle[2:-1]]

    _, seen = arrivals_per_evidence(listed_first)

    assert seen == [["S01E01"], ["S01E02"], ["S01E03"]]


def test_a_restart_announces_nothing_again() -> None:
    tracker, _ = arrivals_per_evidence(series(episodes=2).evidence)
    restarted = EpisodeArrivals()
    restarted.prime(tracker.requests.values())

    assert [restarted.arrived(request) for request in tracker.requests.values()] == [[]]


def test_a_movie_has_no_episodes() -> None:
    tracker, seen = arrivals_per_evidence(movie().evidence)

    assert [request.stage for request in tracker.requests.values()] == [Stage.AVAILABLE]
    assert seen == []


def test_episode_label() -> None:
    assert episode_label((1, 5)) == "S01E05"
    assert episode_label((12, 113)) == "S12E113"


def replace_at(item: LibraryItemFound, at: float) -> LibraryItemFound:
    return LibraryItemFound(source=item.source, at=at, ids=item.ids, item_type=item.item_type)
