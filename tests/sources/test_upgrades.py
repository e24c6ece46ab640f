"""Radarr/Sonarr upgrades: the replaced file's deletion is no deletion, and the import names what it replaced."""

from __future__ import annotations

from custom_components.media_request_tracker.sources.arr.parser import parse_webhook
from custom_components.media_request_tracker.tracker.evidence import FilesImported
from custom_components.media_request_tracker.words import timeline_detail

from .parser_support import fixture

AT = 100.0


def test_radarr_upgrade_import_names_the_files_it_replaced() -> None:
    body = fixture("radarr", "grab")
    new_path = "/media/movies/The Quiet Orchard (2018)/The.Quiet.Orchard.2018.2160p.Remux.mkv"
    old_path = "/media/movies/The Quiet Orchard (2018)/The.Quiet.Orchard.2018.1080p.mkv"
    body.update(
        eventType="Download",
        isUpgrade=True,
        movieFile={"id": 2, "relativePath": new_path.rsplit("/", 1)[1], "path": new_path, "size": 9},
        deletedFiles=[{"id": 1, "relativePath": old_path.rsplit("/", 1)[1], "path": old_path, "size": 5}],
    )
    [imported] = parse_webhook(body, source="radarr", kind="radarr", at=AT)
    assert isinstance(imported, FilesImported)
    assert imported.upgrade
    assert imported.replaced == (old_path,)
    assert timeline_detail(imported.describe()) == "upgraded to The.Quiet.Orchard.2018.2160p.Remux.mkv"


def test_a_file_deleted_for_an_upgrade_is_no_deletion() -> None:
    assert parse_webhook(fixture("radarr", "movie_file_delete_upgrade"), source="radarr", kind="radarr", at=AT) == []
    body = fixture("sonarr", "episode_file_delete")
    body["deleteReason"] = "upgrade"
    assert parse_webhook(body, source="sonarr", kind="sonarr", at=AT) == []
