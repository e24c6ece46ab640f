"""eta_available: the download's ETA plus the median time from `downloaded` to `available` of past requests."""

from __future__ import annotations

from hypothesis import given, strategies as st

from custom_components.media_request_tracker.tracker import LibraryItemFound, TrackedRequest
from custom_components.media_request_tracker.tracker.eta import MAX_SAMPLES, FinishingTimes, route_of

from .builders import FILM, HASH_A, completed, feed, grab, movie_ids, movie_imported, progress


def finished(key: str, *, downloaded: float, available: float, source: str = "radarr") -> TrackedRequest:
    """A movie that was downloaded at `downloaded` and listed by Jellyfin at `available`."""
    request = TrackedRequest(key=key, created_at=0.0, updated_at=0.0)
    feed(
        request,
        grab(at=1, source=source),
        completed(at=downloaded),
        movie_imported(at=downloaded + 1),
        LibraryItemFound(source="jellyfin", at=available, ids=movie_ids(jellyfin_item="f00d"), media=FILM),
    )
    return request


def downloading(*, eta: int | None, source: str = "radarr") -> TrackedRequest:
    request = TrackedRequest(key="now", created_at=0.0, updated_at=0.0)
    feed(request, grab(at=1, source=source), progress(HASH_A, 0.4, at=2, eta=eta))
    return request


def learnt(*seconds: float, source: str = "radarr") -> FinishingTimes:
    times = FinishingTimes()
    for number, duration in enumerate(seconds):
        assert times.learn(finished(f"past-{number}", downloaded=100, available=100 + duration, source=source))
    return times


def test_no_estimate_until_three_requests_went_the_same_way() -> None:
    """Two past requests are not enough to promise anything; the third makes an estimate."""
    request = downloading(eta=600)
    assert learnt(900, 1200).eta_available(request, now=2) is None
    assert learnt(900, 1200, 3000).eta_available(request, now=2) == 600 + 1200


def test_routes_are_per_instance_and_anime_apart() -> None:
    """What the 4K Radarr taught says nothing about the HD one."""
    request = downloading(eta=60, source="radarr-hd")
    assert route_of(request) == "radarr-hd/plain"
    assert learnt(10, 20, 30, source="radarr-4k").eta_available(request, now=2) is None


def test_after_the_download_the_waiting_time_counts_against_the_median() -> None:
    """Ten minutes after `downloaded` with a 30-minute median: 20 minutes to go; late requests say "now"."""
    times = learnt(1800, 1800, 1800)
    request = TrackedRequest(key="now", created_at=0.0, updated_at=0.0)
    feed(request, grab(at=1), completed(at=1000), movie_imported(at=1010))
    assert times.eta_available(request, now=1600) == 1200
    assert times.eta_available(request, now=9000) == 0


def test_no_estimate_without_a_download_eta_or_once_available() -> None:
    """qBittorrent does not know yet (or the request is done): no number is better than a made-up one."""
    times = learnt(60, 60, 60)
    assert times.eta_available(downloading(eta=None), now=2) is None
    assert times.eta_available(finished("done", downloaded=5, available=9), now=10) is None


def test_a_request_without_its_download_time_teaches_nothing() -> None:
    """Marked available by hand before anything was downloaded: no finishing time to learn."""
    request = TrackedRequest(key="manual", created_at=0.0, updated_at=0.0)
    feed(request, grab(at=1))
    assert not FinishingTimes().learn(request)


def test_samples_survive_a_dump_and_load() -> None:
    """The learnt times are stored with the tracker; unreadable stored values are skipped."""
    times = learnt(100, 200, 300)
    restored = FinishingTimes()
    restored.load({**times.dump(), "broken/plain": ["x", -5, 7]})  # type: ignore[list-item]
    assert restored.dump() == {"radarr/plain": [100.0, 200.0, 300.0], "broken/plain": [7.0]}
    assert restored.median("radarr/plain") == 200


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=MAX_SAMPLES + 1, max_size=3 * MAX_SAMPLES))
def test_only_the_most_recent_requests_count(seconds: list[float]) -> None:
    """However many requests finished, the median is that of the last MAX_SAMPLES."""
    times = learnt(*seconds)
    # What was learnt is (100 + s) - 100: not always s to the last bit.
    recent = sorted((100 + s) - 100 for s in seconds[-MAX_SAMPLES:])
    middle = len(recent) // 2
    expected = recent[middle] if len(recent) % 2 else (recent[middle - 1] + recent[middle]) / 2
    assert times.median("radarr/plain") == expected
