"""A Radarr/Sonarr that holds the 4K copies says so of everything it reports, whatever its names and folders say."""

from __future__ import annotations

from custom_components.media_request_tracker.kinds.arr import as_instance_copy
from custom_components.media_request_tracker.settings import ServiceConfig
from custom_components.media_request_tracker.sources.arr.parser import parse_webhook
from custom_components.media_request_tracker.tracker import IdKind
from tests.sources.parser_support import fixture


def config(*, holds_4k: bool) -> ServiceConfig:
    return ServiceConfig(
        subentry_id="radarr_b", kind="radarr", title="Radarr B", url="http://127.0.0.1:7878", holds_4k=holds_4k
    )


def copies(holds_4k: bool) -> list[list[str]]:
    evidence = parse_webhook(fixture("radarr", "grab"), source="radarr_b", kind="radarr", at=1.0)
    return [
        sorted(v for k, v in item.ids if k is IdKind.COPY)
        for item in as_instance_copy(config(holds_4k=holds_4k), evidence)
    ]


def test_an_instance_that_holds_4k_marks_its_evidence_4k() -> None:
    assert copies(False) == [["standard"]], "neither the name nor the folders say 4K"
    assert copies(True) == [["4k"]]
