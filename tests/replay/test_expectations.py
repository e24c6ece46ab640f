"""The scenario expectation checker catches what it is meant to, and only that."""

from __future__ import annotations

from typing import Any

from .expectations import problems

RESULT: dict[str, Any] = {
    "requests": [
        {
            "entity_id": "sensor.media_request_tracker_the_film_1999",
            "state": "available",
            "attributes": {
                "title": "The Film",
                "anime": False,
                "stalled_reason": None,
                "timeline": [
                    {"stage": "requested", "source": "seerr", "detail": "requested by ana", "inferred": False},
                    {"stage": "downloading", "source": "qbit", "detail": "download started", "inferred": False},
                    {"stage": "downloaded", "source": "qbit", "detail": "download complete", "inferred": False},
                    {"stage": "available", "source": "jellyfin", "detail": "in the library", "inferred": False},
                ],
            },
        }
    ],
    "events": [
        {"title": "The Film", "from_stage": None, "to_stage": "requested"},
        {"title": "The Film", "from_stage": "requested", "to_stage": "available"},
    ],
    "repairs": ["stalled_abc", "radarr_webhook_unreachable"],
}


def test_a_result_that_holds_has_no_problems() -> None:
    expected = {
        "about": "anything",
        "requests": [
            {
                "title": "The Film",
                "state": "available",
                "attributes": {"anime": False},
                "timeline_includes": ["requested", {"stage": "downloaded", "source": "qbit"}, "available"],
                "timeline_details_exclude": ["metadata"],
            }
        ],
        "events": [{"to_stage": "available"}],
        "event_count": 2,
        "repairs": ["stalled_*", "*_webhook_unreachable"],
    }
    assert problems(expected, RESULT) == []


def test_each_shortfall_is_named() -> None:
    expected = {
        "requests": [
            {
                "title": "The Film",
                "state": "importing",
                "attributes": {"anime": True},
                "attributes_contain": {"stalled_reason": "metadata"},
                "timeline_includes": ["available", "downloaded"],
                "timeline_details_exclude": ["LIBRARY"],
            },
            {"title": "Another"},
        ],
        "events": [{"to_stage": "available"}, {"to_stage": "requested"}],
        "event_count": 3,
        "repairs": ["stalled_*", "shoko_*"],
    }
    found = "\n".join(problems(expected, RESULT))
    for text in (
        "state is 'available', expected 'importing'",
        "attribute anime is False, expected True",
        "attribute stalled_reason is None, expected it to mention 'metadata'",
        "lacks {'stage': 'downloaded'} (in order)",
        "timeline details mention 'LIBRARY'",
        "'Another': expected one request sensor, found 0",
        "lack {'to_stage': 'requested'} (in order)",
        "2 stage-changed events, expected 3",
        "unexpected repair issues: ['radarr_webhook_unreachable']",
        "no repair issue matches ['shoko_*']",
    ):
        assert text in found


def test_requests_not_listed_are_unexpected_unless_allowed() -> None:
    assert problems({"requests": []}, RESULT) == [
        "unexpected request sensors: ['sensor.media_request_tracker_the_film_1999']"
    ]
    assert problems({"requests": [], "only_these_requests": False}, RESULT) == []


def test_a_misspelt_expectation_is_not_silently_ignored() -> None:
    found = problems({"repair": [], "requests": [{"title": "The Film", "sate": "x"}]}, RESULT)
    assert found == ["unknown expectation keys: ['repair']", "unknown expectation keys for 'The Film': ['sate']"]
