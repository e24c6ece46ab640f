"""The Seerr parser: webhook notifications (default template) and REST requests, field by field."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.media_request_tracker.sources.payload import PayloadError
from custom_components.media_request_tracker.sources.seerr.parser import parse_request, parse_webhook, requester
from custom_components.media_request_tracker.tracker.evidence import (
    Evidence,
    MediaInfo,
    MediaType,
    RequestApproved,
    RequestAvailable,
    RequestCreated,
    RequestDeclined,
    RequestFailed,
)
from custom_components.media_request_tracker.tracker.ids import IdKind

from .parser_support import JSON_VALUES, assert_evidence_or_payload_error, fixture, fixture_names, mutated

SOURCE = "seerr-main"
AT = 1000.0
STANDARD = (IdKind.COPY, "standard")
ORCHARD_IDS = frozenset({(IdKind.SEERR_REQUEST, "seerr-main:12"), (IdKind.TMDB_MOVIE, "401122"), STANDARD})
ORCHARD = MediaInfo(
    title="The Quiet Orchard",
    year=2018,
    media_type=MediaType.MOVIE,
    poster="https://image.tmdb.org/t/p/w600_and_h900_bestv2/quietorchardposter.jpg",
    requested_by="maria",
)


def webhook(name: str) -> list[Any]:
    return list(parse_webhook(fixture("seerr", name), source=SOURCE, at=AT))


def rest(name: str) -> list[Any]:
    return list(parse_request(fixture("seerr", name), source=SOURCE, at=AT))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("movie_pending", RequestCreated),
        ("movie_approved", RequestApproved),
        ("movie_declined", RequestDeclined),
        ("movie_failed", RequestFailed),
    ],
)
def test_movie_notifications(name: str, kind: type[Evidence]) -> None:
    [evidence] = webhook(name)
    assert type(evidence) is kind
    assert evidence.source == SOURCE
    assert evidence.at == AT
    assert evidence.ids == ORCHARD_IDS
    assert evidence.media == ORCHARD
    assert evidence.episodes == frozenset()


def test_manual_approval_is_not_automatic() -> None:
    [evidence] = webhook("movie_approved")
    assert isinstance(evidence, RequestApproved)
    assert not evidence.automatic


def test_failed_says_why() -> None:
    [evidence] = webhook("movie_failed")
    assert isinstance(evidence, RequestFailed)
    assert evidence.reason == "not accepted by Radarr/Sonarr"


def test_auto_approved_movie_with_parentheses_in_title_and_no_user_name() -> None:
    [evidence] = webhook("movie_auto_approved")
    assert isinstance(evidence, RequestApproved)
    assert evidence.automatic
    assert evidence.ids == {(IdKind.SEERR_REQUEST, "seerr-main:13"), (IdKind.TMDB_MOVIE, "518330"), STANDARD}
    assert evidence.media.title == "Nights (and Days) in Lisbon"
    assert evidence.media.year == 2021
    # No user name: the e-mail address stands in, reduced to its local part.
    assert evidence.media.requested_by == "pedro"


def test_tv_request_with_requested_seasons() -> None:
    [evidence] = webhook("tv_auto_approved_seasons")
    assert isinstance(evidence, RequestApproved)
    assert evidence.automatic
    assert evidence.ids == {
        (IdKind.SEERR_REQUEST, "seerr-main:14"),
        (IdKind.TMDB_TV, "777001"),
        (IdKind.TVDB, "388201"),
        STANDARD,
    }
    assert evidence.media == MediaInfo(
        title="Harbor Lights",
        year=2023,
        media_type=MediaType.TV,
        poster="https://image.tmdb.org/t/p/w600_and_h900_bestv2/quietorchardposter.jpg",
        requested_by="jonas",
        seasons=frozenset({1, 2}),
    )


def test_tv_available() -> None:
    [evidence] = webhook("tv_available")
    assert isinstance(evidence, RequestAvailable)
    assert (IdKind.SEERR_REQUEST, "seerr-main:14") in evidence.ids
    assert evidence.media.seasons == {1, 2}


@pytest.mark.parametrize("name", ["test_notification", "issue_created"])
def test_irrelevant_notifications(name: str) -> None:
    assert webhook(name) == []


def test_subject_without_year() -> None:
    body = fixture("seerr", "movie_pending")
    body["subject"] = "Blade Runner (Final Cut)"
    [evidence] = parse_webhook(body, source=SOURCE, at=AT)
    assert evidence.media.title == "Blade Runner (Final Cut)"
    assert evidence.media.year is None


def test_movie_tvdb_id_is_ignored() -> None:
    body = fixture("seerr", "movie_pending")
    body["media"]["tvdbId"] = "5"
    [evidence] = parse_webhook(body, source=SOURCE, at=AT)
    assert evidence.ids == ORCHARD_IDS


def test_empty_values_are_absent() -> None:
    body = fixture("seerr", "movie_pending")
    body.update(subject="", image="")
    body["request"].update(requestedBy_username="", requestedBy_email="")
    [evidence] = parse_webhook(body, source=SOURCE, at=AT)
    assert evidence.media == MediaInfo(media_type=MediaType.MOVIE)


@pytest.mark.parametrize(
    "change",
    [
        lambda body: body.update(notification_type="MEDIA_SOMETHING_NEW"),
        lambda body: body.pop("notification_type"),
        lambda body: body.update(media=None),
        lambda body: body["media"].update(media_type="music"),
        lambda body: body["media"].update(tmdbId="tt123"),
        lambda body: body["media"].update(tmdbId=401122),
        lambda body: body["request"].update(request_id="", requestedBy_username="x") or body["media"].update(tmdbId=""),
        lambda body: (
            body.update(extra=[{"name": "Requested Seasons", "value": "1, two"}])
            or body["media"].update(media_type="tv")
        ),
    ],
)
def test_unknown_shapes_raise(change: Any) -> None:
    body = fixture("seerr", "movie_pending")
    change(body)
    with pytest.raises(PayloadError):
        parse_webhook(body, source=SOURCE, at=AT)


def test_body_that_is_not_an_object() -> None:
    with pytest.raises(PayloadError):
        parse_webhook([1, 2], source=SOURCE, at=AT)


@pytest.mark.parametrize(
    ("name", "email", "expected"),
    [
        ("Maria Lopes", "maria@home.example", "Maria Lopes"),
        ("maria@home.example", "maria@home.example", "maria"),
        (None, "pedro@home.example", "pedro"),
        ("  ", None, None),
        ("@handle", None, "@handle"),
        (None, None, None),
    ],
)
def test_requester(name: str | None, email: str | None, expected: str | None) -> None:
    assert requester(name, email) == expected


# --- REST --------------------------------------------------------------------------------------------------------


def test_rest_approved_and_available_movie() -> None:
    approved, available = rest("request_movie_available")
    assert type(approved) is RequestApproved
    assert not approved.automatic
    assert type(available) is RequestAvailable
    for evidence in (approved, available):
        assert evidence.ids == {
            (IdKind.SEERR_REQUEST, "seerr-main:21"),
            (IdKind.TMDB_MOVIE, "401122"),
            (IdKind.IMDB, "tt7012345"),
            (IdKind.JELLYFIN_ITEM, "5b1f2e3d4c5a69788796a5b4c3d2e1f0"),
            STANDARD,
        }
        assert evidence.media == MediaInfo(media_type=MediaType.MOVIE, requested_by="Maria Lopes")


def test_rest_external_service_id_is_left_out() -> None:
    evidence = rest("request_movie_available")
    assert all(kind is not IdKind.ARR_ITEM for item in evidence for kind, _ in item.ids)


def test_rest_pending_tv_request() -> None:
    [evidence] = rest("request_tv_pending")
    assert type(evidence) is RequestCreated
    assert evidence.ids == {
        (IdKind.SEERR_REQUEST, "seerr-main:22"),
        (IdKind.TMDB_TV, "777001"),
        (IdKind.TVDB, "388201"),
        STANDARD,
    }
    # An empty display name falls back to the Jellyfin user name.
    assert evidence.media == MediaInfo(media_type=MediaType.TV, requested_by="jonas", seasons=frozenset({1, 2}))


def test_rest_4k_request_reads_the_4k_media_fields() -> None:
    [evidence] = rest("request_4k_declined")
    assert type(evidence) is RequestDeclined
    # The non-4K copy's Jellyfin item is not this request's.
    assert evidence.ids == {(IdKind.SEERR_REQUEST, "seerr-main:23"), (IdKind.TMDB_MOVIE, "519900"), (IdKind.COPY, "4k")}
    assert evidence.media.requested_by == "kim"


def test_rest_4k_available_only_when_the_4k_copy_is() -> None:
    raw = fixture("seerr", "request_4k_declined")
    raw.update(status=2)
    assert [type(e) for e in parse_request(raw, source=SOURCE, at=AT)] == [RequestApproved]
    raw["media"].update(status4k=5, jellyfinMediaId4k="abc-123")
    evidence = parse_request(raw, source=SOURCE, at=AT)
    assert [type(e) for e in evidence] == [RequestApproved, RequestAvailable]
    assert (IdKind.JELLYFIN_ITEM, "abc123") in evidence[0].ids


def test_rest_completed_and_available() -> None:
    evidence = rest("request_movie_completed")
    assert [type(e) for e in evidence] == [RequestApproved, RequestAvailable]
    assert (IdKind.JELLYFIN_ITEM, "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d") in evidence[0].ids


def test_rest_failed_without_requester() -> None:
    [evidence] = rest("request_failed")
    assert type(evidence) is RequestFailed
    assert evidence.media.requested_by is None


def test_rest_unknown_status_gives_nothing() -> None:
    raw = fixture("seerr", "request_failed")
    raw["status"] = 9
    assert parse_request(raw, source=SOURCE, at=AT) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw.pop("id"),
        lambda raw: raw.update(status="2"),
        lambda raw: raw.update(media=None),
        lambda raw: raw["media"].update(mediaType="music"),
        lambda raw: raw.update(seasons=[{"id": 1}]),
        lambda raw: raw.update(is4k="yes"),
    ],
)
def test_rest_unknown_shapes_raise(change: Any) -> None:
    raw = fixture("seerr", "request_tv_pending")
    change(raw)
    with pytest.raises(PayloadError):
        parse_request(raw, source=SOURCE, at=AT)


# --- fuzzing -----------------------------------------------------------------------------------------------------

WEBHOOKS = [name for name in fixture_names("seerr") if not name.startswith("request_")]
REQUESTS = [name for name in fixture_names("seerr") if name.startswith("request_")]


@settings(max_examples=150, deadline=None)
@given(body=JSON_VALUES)
def test_fuzz_webhook_any_json(body: Any) -> None:
    assert_evidence_or_payload_error(lambda: parse_webhook(body, source=SOURCE, at=AT))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), name=st.sampled_from(WEBHOOKS))
def test_fuzz_webhook_broken_fixtures(data: st.DataObject, name: str) -> None:
    body = data.draw(mutated(fixture("seerr", name)))
    assert_evidence_or_payload_error(lambda: parse_webhook(body, source=SOURCE, at=AT))


@settings(max_examples=150, deadline=None)
@given(raw=JSON_VALUES)
def test_fuzz_request_any_json(raw: Any) -> None:
    assert_evidence_or_payload_error(lambda: parse_request(raw, source=SOURCE, at=AT))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), name=st.sampled_from(REQUESTS))
def test_fuzz_request_broken_fixtures(data: st.DataObject, name: str) -> None:
    raw = data.draw(mutated(fixture("seerr", name)))
    assert_evidence_or_payload_error(lambda: parse_request(raw, source=SOURCE, at=AT))
