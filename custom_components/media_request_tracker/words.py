"""The tracker's notes (codes with values) in English: timeline details, stall reasons and their repair issues.

The one place that words what the tracker reports. Repair issues are translated by Home Assistant from
`issues.stalled_<code>` in strings.json, with the placeholders made here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from .tracker import STALL_CODES, Note
from .tracker.notes import TEXT

type Names = Mapping[str, str]
"""How each evidence source (a service instance id) is shown to people."""

NO_NAMES: Names = {}
_SERVICES = {"radarr": "Radarr", "sonarr": "Sonarr", "seerr": "Seerr", "qbittorrent": "qBittorrent"}
_CLIENT = "the download client"
_PROBLEMS = {
    "missingFiles": "its files are missing: check that the save path is mounted",
    "error": "check the save path and free disk space",
}


def timeline_detail(note: Note, names: Names = NO_NAMES) -> str:
    """A timeline entry's detail."""
    if note.is_inferred:
        return f"inferred from: {timeline_detail(note.base, names)}"
    words = _TIMELINE.get(note.code)
    if words is not None:
        return words(note, names)
    if note.code in STALL_CODES:
        return stall_reason(note, names)
    return _fallback(note)


def stall_reason(note: Note, names: Names = NO_NAMES) -> str:
    """Why a request is stuck, as its `stalled_reason` attribute says it."""
    words = _STALLS.get(note.code)
    return words(note, names) if words is not None else _fallback(note)


FIX_FLOW_ISSUES = frozenset(
    {
        "stalled_not_in_library",
        "stalled_not_matched",
        "stalled_not_grabbed",
        "stalled_not_searched",
        "stalled_no_release_found",
    }
)
"""The stalled issues whose strings offer a fix (`fix_flow` in strings.json): scan, rescan, search again."""


def stall_issue(note: Note, *, title: str, stage: str, names: Names = NO_NAMES) -> tuple[str, dict[str, str]]:
    """The translation key and placeholders of the repair issue of a stalled request."""
    key = note.code if note.code in STALL_CODES else TEXT
    placeholders = {
        "title": title,
        "stage": stage.replace("_", " "),
        "reason": stall_reason(note, names),
        "idle": duration(int(note.get("idle", "0"))),
        "service": _service(note.get("service"), names),
        "client": note.get("client") or _CLIENT,
        "problem": note.get("problem") or "error",
        "searches": note.get("searches", "0"),
        "since": _when(note.get("since")),
    }
    return f"stalled_{key}", placeholders


def duration(seconds: int) -> str:
    """A stretch of time, as roughly as people say it."""
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


# --- timeline ----------------------------------------------------------------------------------------------


def _with(prefix: str, name: str, bare: str | None = None) -> Callable[[Note, Names], str]:
    """Words that add one value when the note has it: "declined: <reason>", else "declined"."""

    def words(note: Note, _names: Names) -> str:
        value = note.get(name)
        return f"{prefix}{value}" if value else (bare if bare is not None else prefix.rstrip(": "))

    return words


def _fixed(text: str) -> Callable[[Note, Names], str]:
    return lambda _note, _names: text


def _imported(what: str) -> Callable[[Note, Names], str]:
    def words(note: Note, _names: Names) -> str:
        files = note.get("files")
        return f"{what} ({files} files)" if files else what

    return words


def _in_library(note: Note, _names: Names) -> str:
    item_type = note.get("item_type")
    return f"in the library ({item_type})" if item_type else "in the library"


def _search_completed(note: Note, _names: Names) -> str:
    grabbed = int(note.get("grabbed", "0"))
    return "searched: no release found" if not grabbed else f"searched: {grabbed} grabbed"


_ACTIONS = {
    "search_again": "searching again",
    "approve": "approving",
    "decline": "declining",
    "scan_library": "the library scan",
    "rescan_file": "the rescan",
}
_NOTHING_SEARCHED = {"in_library": "it has the file already", "queued": "it is downloading it already"}


def _by_person(what: str) -> Callable[[Note, Names], str]:
    """Something a person did in Home Assistant: "approved by Ana", with a reason when one was given."""

    def words(note: Note, _names: Names) -> str:
        by = note.get("by")
        text = f"{what} by {by}" if by else f"{what} in Home Assistant"
        reason = note.get("reason")
        return f"{text}: {reason}" if reason else text

    return words


def _search_skipped(note: Note, names: Names) -> str:
    why = note.get("why")
    return f"no search sent to {_source(note.get('service'), names)}: {_NOTHING_SEARCHED.get(why, why)}"


def _action_failed(note: Note, names: Names) -> str:
    action = _ACTIONS.get(note.get("action"), note.get("action").replace("_", " "))
    return f"{action} failed: {_source(note.get('service'), names)} answered {note.get('error')}"


def _rescan_requested(note: Note, names: Names) -> str:
    files = int(note.get("files", "1") or "1")
    what = "the file" if files == 1 else f"{files} files"
    return f"asked {_source(note.get('service'), names)} to rescan {what}"


_TIMELINE: dict[str, Callable[[Note, Names], str]] = {
    TEXT: lambda note, _names: note.get("text"),
    "requested": _with("requested by ", "by", "requested"),
    "approved": _fixed("approved"),
    "approved_automatically": _fixed("approved automatically"),
    "declined": _with("declined: ", "reason"),
    "request_failed": _with("request failed: ", "reason"),
    "added": lambda note, names: f"added to {_source(note.get('service'), names)}",
    "search_completed": _search_completed,
    "grabbed": _with("grabbed ", "release", "release grabbed"),
    "download_started": _fixed("download started"),
    "download_complete": _fixed("download complete"),
    "download_failed": _with("download failed: ", "reason"),
    "imported": _imported("imported"),
    "upgrade_imported": _imported("upgrade imported"),
    "upgraded_to": _with("upgraded to ", "file"),
    "shoko_matching": _fixed("Shoko is matching the file"),
    "shoko_matched": _fixed("Shoko matched the file"),
    "shoko_not_matched": _with("Shoko could not match the file: ", "reason", "Shoko could not match"),
    "in_library": _in_library,
    "available_from": lambda note, names: f"available according to {_source(note.get('service'), names)}",
    "deleted": _with("deleted: ", "reason"),
    # what a person asked through Home Assistant (actions and repair fixes)
    "search_sent": lambda note, names: f"asked {_source(note.get('service'), names)} to search again",
    "search_skipped": _search_skipped,
    "approved_by": _by_person("approved"),
    "declined_by": _by_person("declined"),
    "marked_available": _by_person("marked available"),
    "library_scan_started": lambda note, names: f"asked {_source(note.get('service'), names)} to scan the library",
    "rescan_requested": _rescan_requested,
    "action_failed": _action_failed,
}


# --- stalls ------------------------------------------------------------------------------------------------


def _idle(note: Note) -> str:
    return duration(int(note.get("idle", "0")))


def _not_grabbed(note: Note, names: Names) -> str:
    service = _service(note.get("service"), names)
    return (
        f"approved {_idle(note)} ago and no release was grabbed: check {service} for search results, "
        "indexer errors or a quality profile nothing matches"
    )


def _not_searched(note: Note, names: Names) -> str:
    service = _service(note.get("service"), names)
    return (
        f"{service} has looked for a release for {_idle(note)} and grabbed none: check its search results, "
        "indexer errors or a quality profile nothing matches"
    )


def _no_release_found(note: Note, names: Names) -> str:
    searches = int(note.get("searches", "0"))
    counted = "1 search" if searches == 1 else f"{searches} searches"
    service = _service(note.get("service"), names)
    return (
        f"no release found ({counted} since {_when(note.get('since'))}): check {service}'s indexers "
        "and whether the quality profile allows the releases that exist"
    )


def _download_error(note: Note, _names: Names) -> str:
    client = note.get("client") or _CLIENT
    problem = note.get("problem")
    return f"{client} reports an error: {_PROBLEMS.get(problem, problem or _PROBLEMS['error'])}"


def _no_seeds(note: Note, _names: Names) -> str:
    client = note.get("client") or _CLIENT
    return f"{client} finds no seeds for the torrent: it may never finish; search for another release"


def _not_imported(note: Note, names: Names) -> str:
    service = _service(note.get("service"), names)
    return f"downloaded {_idle(note)} ago and {service} has not imported it: check Activity > Queue in {service}"


def _not_in_library(note: Note, _names: Names) -> str:
    reason = f"imported {_idle(note)} ago and Jellyfin has not listed it: scan the library"
    if note.get("anime") == "yes":
        reason += "; with Shokofin, the VFS may need regenerating"
    return reason


_STALLS: dict[str, Callable[[Note, Names], str]] = {
    TEXT: lambda note, _names: note.get("text"),
    "waiting_approval": lambda note, _names: f"waiting {_idle(note)} for approval in Seerr",
    "not_grabbed": _not_grabbed,
    "not_searched": _not_searched,
    "no_release_found": _no_release_found,
    "not_started": lambda note, _names: (
        f"grabbed {_idle(note)} ago and the download has not started: check that qBittorrent received it"
    ),
    "fetching_metadata": lambda note, _names: (
        f"the torrent has been fetching metadata for {_idle(note)}: it may have no peers"
    ),
    "download_paused": lambda note, _names: f"the download has been paused for {_idle(note)}: resume it in qBittorrent",
    "download_error": _download_error,
    "no_seeds": _no_seeds,
    "no_progress": lambda note, _names: f"no download progress for {_idle(note)}: the torrent may have no seeds",
    "not_imported": _not_imported,
    "not_in_library": _not_in_library,
    "not_matched": lambda note, _names: (
        f"Shoko has not matched the file for {_idle(note)}: check Shoko's unrecognized files"
    ),
    "import_blocked": _with("import needs attention: ", "reason"),
}


# --- values ------------------------------------------------------------------------------------------------


def _service(kind: str, names: Names) -> str:
    """A service kind ("radarr") by its product name."""
    return _SERVICES.get(kind, names.get(kind, kind))


def _source(source: str, names: Names) -> str:
    """A service instance by the name people gave it."""
    return names.get(source, source)


def _when(timestamp: str) -> str:
    """A moment, in UTC (the glue knows no time zone of the reader)."""
    try:
        moment = datetime.fromtimestamp(float(timestamp), UTC)
    except ValueError:
        return timestamp or "?"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _fallback(note: Note) -> str:
    """A code nothing words yet (a newer core): the code and its values rather than nothing."""
    values = ", ".join(f"{name}={value}" for name, value in note.values)
    return f"{note.code.replace('_', ' ')} ({values})" if values else note.code.replace("_", " ")
