"""Applying evidence to a request: grow its facts, derive its stage, and write its timeline.

The rules (DESIGN.md, "Evidence, not commands"):
- a request moves forward to the stage evidence proves; stages it jumped over enter the timeline as inferred;
- stale or repeated evidence never moves it back, though it may still update details;
- it enters a problem stage only on explicit failure evidence, and leaves it only on explicit new progress;
- applying the same evidence twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from .evidence import (
    AnimeFileMatched,
    AnimeFileNotMatched,
    AnimeFileSeen,
    DownloadCompleted,
    DownloadFailed,
    DownloadPhase,
    DownloadProgress,
    Evidence,
    FilesImported,
    ImportBlocked,
    LibraryItemFound,
    MediaDeleted,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
    RequestDeclined,
    RequestFailed,
    SearchCompleted,
)
from .ids import IdKind, file_key
from .model import DownloadFacts, FileFacts, SearchFacts, TimelineEntry, TrackedRequest, UnitFacts
from .notes import Note
from .stages import Stage, later, stages_between
from .stalls import DOWNLOAD_TROUBLES, IMPORT_BLOCKED, NO_RELEASE_FOUND, download_trouble, no_release_found


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying one piece of evidence did."""

    changed: bool
    old_stage: Stage
    new_stage: Stage

    @property
    def stage_changed(self) -> bool:
        """Whether the request moved to another stage."""
        return self.old_stage is not self.new_stage


def apply(request: TrackedRequest, evidence: Evidence) -> Outcome:
    """Apply evidence to a request (which must be the one the evidence belongs to)."""
    old_stage = request.stage
    changed = _merge_media(request, evidence.media)
    new_ids = evidence.ids - request.ids
    if new_ids:
        request.ids |= new_ids
        changed = True
    files_before = set(request.files)
    changed |= _merge_facts(request, evidence)
    changed |= _record_proof(request, evidence)
    new_stage = request.derive_stage()
    changed |= _confirm_inferred(request, evidence)
    if new_stage is not old_stage or not request.timeline:
        _enter_stage(request, new_stage, evidence)
        changed = True
    elif isinstance(evidence, FilesImported) and evidence.upgrade and _imported_keys(evidence) - files_before:
        # An upgrade of media already in place changes no stage, but people want to know the file changed.
        request.add_timeline(TimelineEntry(new_stage, evidence.at, evidence.source, evidence.describe()))
    changed |= _note_troubles(request, evidence)
    if isinstance(evidence, SearchCompleted):
        changed |= _note_searches(request, evidence)
    if changed:
        request.updated_at = max(request.updated_at, evidence.at)
    return Outcome(changed, old_stage, new_stage)


def _imported_keys(evidence: FilesImported) -> set[str]:
    return {file_key(imported.path) for imported in evidence.files}


def _merge_media(request: TrackedRequest, media: MediaInfo) -> bool:
    """Fill in what the request did not know yet; the first source to name a title keeps it."""
    changed = False
    for name in ("title", "year", "media_type", "poster", "requested_by"):
        value = getattr(media, name)
        if value is not None and getattr(request, name) is None:
            setattr(request, name, value)
            changed = True
    if media.anime and not request.anime:
        request.anime = changed = True
    if not media.seasons <= request.seasons:
        request.seasons |= media.seasons
        changed = True
    return changed


def _merge_facts(request: TrackedRequest, evidence: Evidence) -> bool:
    match evidence:
        case MediaDeleted():
            return _start_over(request, evidence)
        case ReleaseGrabbed() | DownloadProgress() | DownloadCompleted() | DownloadFailed():
            return _merge_download(request, evidence)
    if Stage.DELETED in request.problems:
        # Reports still in flight when the media was deleted (the library listing it a while longer) describe
        # the life that ended; only a new download starts the next one.
        return False
    match evidence:
        case FilesImported():
            return _merge_import(request, evidence)
        case AnimeFileSeen() | AnimeFileMatched() | AnimeFileNotMatched():
            return _merge_anime_file(request, evidence)
        case RequestDeclined() | RequestFailed():
            return _add_problem(request, evidence.stage, evidence.reason)
        case ImportBlocked():
            return _set_stall(request, evidence.describe())
        case SearchCompleted():
            return _merge_search(request, evidence) | _reach(request, evidence)
        case LibraryItemFound() if request.media_type is MediaType.TV and not evidence.episodes:
            # A new series arrives in the library as one item: its episodes are in once they have a file.
            changed = not request.series_in_library
            request.series_in_library = True
            return changed | _list_in_library(request, evidence)
        case LibraryItemFound():
            return _list_in_library(request, evidence) | _reach(request, evidence)
    return _reach(request, evidence)


def _reach(request: TrackedRequest, evidence: Evidence) -> bool:
    """Record that the request, or the episodes the evidence names, reached the evidence's stage."""
    stage = evidence.stage
    if stage is None or stage.is_problem:
        return False
    units = [_episode(request, ep) for ep in evidence.episodes] or [request.whole]
    changed = False
    for unit in units:
        if later(unit.reached, stage) is not unit.reached:
            unit.reached = stage
            changed = True
    return changed


def _episode(request: TrackedRequest, episode: tuple[int, int]) -> UnitFacts:
    return request.episodes.setdefault(episode, UnitFacts())


def _merge_download(
    request: TrackedRequest, evidence: ReleaseGrabbed | DownloadProgress | DownloadCompleted | DownloadFailed
) -> bool:
    download_id = _canonical_download(request, evidence)
    if download_id is None:
        return False
    changed = download_id not in request.downloads
    download = request.downloads.setdefault(download_id, DownloadFacts())
    if download.superseded and isinstance(evidence, ReleaseGrabbed):
        # Radarr grabbed the same release again after the deletion (the torrent was still there): a new life.
        request.downloads[download_id] = download = DownloadFacts()
        changed = True
    if download.superseded:
        return changed
    if download.first_seen is None or evidence.at < download.first_seen:
        download.first_seen = evidence.at
        changed = True
    for episode in evidence.episodes - download.episodes:
        _episode(request, episode)
        download.episodes.add(episode)
        changed = True
    match evidence:
        case DownloadFailed():
            if download.failed is None:
                download.failed = evidence.reason or "failed"
                download.trouble = None
                changed = True
        case ReleaseGrabbed():
            changed |= _set_release(request, evidence)
        case DownloadProgress():
            changed |= _set_progress(request, download, evidence)
        case DownloadCompleted():
            changed |= _set_details(
                download,
                progress=1.0,
                download_speed=0,
                eta=0,
                size=evidence.size or download.size,
                phase=DownloadPhase.COMPLETED,
                trouble=None,
            )
    stage = evidence.stage
    if stage is not None and not stage.is_problem and later(download.stage, stage) is not download.stage:
        download.stage = stage
        changed = True
    if Stage.DELETED in request.problems and changed:
        # A new download after a deletion is the explicit new progress that ends the deletion.
        del request.problems[Stage.DELETED]
    return changed


def _canonical_download(request: TrackedRequest, evidence: Evidence) -> str | None:
    """One key per download: qBittorrent names a hybrid torrent by two hashes, Radarr by one of them."""
    hashes = sorted(value for kind, value in evidence.ids if kind is IdKind.DOWNLOAD)
    if not hashes:
        return None
    known = [request.download_aliases.get(h, h) for h in hashes]
    canonical = next((h for h in known if h in request.downloads), hashes[0])
    for alias in hashes:
        if alias != canonical:
            request.download_aliases[alias] = canonical
    return canonical


def _set_release(request: TrackedRequest, grab: ReleaseGrabbed) -> bool:
    if grab.at < request.release_at:
        return False  # an older grab (the release an upgrade replaced) reported late
    changed = grab.at != request.release_at
    request.release_at = grab.at
    for name, value in (("release", grab.release), ("release_size", grab.size), ("indexer", grab.indexer)):
        if value is not None and getattr(request, name) != value:
            setattr(request, name, value)
            changed = True
    return changed


def _set_progress(request: TrackedRequest, download: DownloadFacts, report: DownloadProgress) -> bool:
    if download.stage.rank > Stage.DOWNLOADING.rank or report.progress < download.progress:
        # A report older than what is known (it arrived late, or again) says nothing new.
        return False
    if report.progress > download.progress:
        request.last_activity = max(request.last_activity, report.at)
        if request.stall and request.stage is Stage.DOWNLOADING:
            request.stall = None
    return _set_details(
        download,
        progress=report.progress,
        # A torrent fetching metadata reports size 0: keep what was known rather than go back.
        size=report.size or download.size,
        download_speed=report.download_speed,
        eta=report.eta,
        phase=report.phase,
        trouble=download_trouble(report.phase, report.seeds, report.client, report.problem),
    )


def _set_details(download: DownloadFacts, **details: object) -> bool:
    changed = False
    for name, value in details.items():
        if getattr(download, name) != value:
            setattr(download, name, value)
            changed = True
    return changed


def _merge_import(request: TrackedRequest, evidence: FilesImported) -> bool:
    changed = _reach(request, evidence) | _replace_files(request, evidence)
    for imported in evidence.files:
        key = file_key(imported.path)
        if (IdKind.FILE, key) not in request.ids:
            request.ids.add((IdKind.FILE, key))
            changed = True
        file = request.files.get(key)
        if file is None:
            episodes = set(imported.episodes or (evidence.episodes if len(evidence.files) == 1 else ()))
            request.files[key] = FileFacts(path=imported.path, size=imported.size, episodes=episodes)
            changed = True
        elif imported.size and file.size != imported.size:
            file.size = imported.size
            changed = True
    return changed


def _replace_files(request: TrackedRequest, evidence: FilesImported) -> bool:
    """Mark the files an upgrade replaced (known yet or not, so the order of the imports does not matter)."""
    own = _imported_keys(evidence)
    changed = False
    for path in evidence.replaced:
        key = file_key(path)
        if key in own:
            continue  # replaced by a file of the same name: that is the new one
        file = request.files.setdefault(key, FileFacts(path=path))
        if not file.replaced:
            file.replaced = changed = True
    return changed


def _list_in_library(request: TrackedRequest, evidence: LibraryItemFound) -> bool:
    """Remember which library item plays which file: after an upgrade, the new item plays the new file."""
    items = sorted(value for kind, value in evidence.ids if kind is IdKind.JELLYFIN_ITEM)
    if not items:
        return False
    changed = False
    for key in sorted(value for kind, value in evidence.ids if kind is IdKind.FILE):
        listing = (evidence.at, items[-1])
        if key not in request.listings or request.listings[key] < listing:
            request.listings[key] = listing
            changed = True
    return changed


def _merge_anime_file(
    request: TrackedRequest, evidence: AnimeFileSeen | AnimeFileMatched | AnimeFileNotMatched
) -> bool:
    file = _file_for_shoko(request, evidence)
    changed = not request.anime
    request.anime = True
    if evidence.file_id and file.shoko_id != evidence.file_id:
        file.shoko_id = evidence.file_id
        changed = True
    if later(file.reached, Stage.ANIME_MATCHING) is not file.reached:
        file.reached = Stage.ANIME_MATCHING
        changed = True
    if isinstance(evidence, AnimeFileMatched) and not file.matched:
        file.matched = changed = True
    if isinstance(evidence, AnimeFileNotMatched) and file.unmatched_reason is None:
        file.unmatched_reason = evidence.reason or "not matched"
        changed = True
    return changed


def _file_for_shoko(request: TrackedRequest, evidence: Evidence) -> FileFacts:
    """The imported file a Shoko event is about: by name, else by Shoko id, else one only Shoko saw."""
    names = [value for kind, value in evidence.ids if kind is IdKind.FILE]
    for name in names:
        if name in request.files:
            return request.files[name]
    shoko_id = getattr(evidence, "file_id", None)
    for file in request.files.values():
        if shoko_id and file.shoko_id == shoko_id:
            return file
    key = names[0] if names else f"shoko:{shoko_id}"
    return request.files.setdefault(key, FileFacts(path=key, reached=Stage.ANIME_MATCHING))


def _add_problem(request: TrackedRequest, stage: Stage | None, reason: str) -> bool:
    if stage is None or stage in request.problems:
        return False
    request.problems[stage] = reason or stage.value
    return True


def _set_stall(request: TrackedRequest, reason: Note) -> bool:
    if request.stall == reason:
        return False
    request.stall = reason
    return True


def _merge_search(request: TrackedRequest, evidence: SearchCompleted) -> bool:
    key = f"{evidence.source}:{evidence.search_id}"
    if key in request.searches:
        return False
    request.searches[key] = SearchFacts(at=evidence.at, grabbed=evidence.grabbed)
    return True


def _note_searches(request: TrackedRequest, evidence: SearchCompleted) -> bool:
    """While nothing is grabbed, say how many searches found nothing since when, in one timeline line."""
    if evidence.grabbed or request.stage not in (Stage.APPROVED, Stage.SEARCHING):
        return False
    note = no_release_found(request)
    if note is None or request.stall == note:
        return False
    last = request.timeline[-1] if request.timeline else None
    if last is not None and last.note.code in (NO_RELEASE_FOUND, "search_completed"):
        # One line that counts the searches, not a line per search (a new entry: an entry is never changed).
        request.timeline[-1] = TimelineEntry(last.stage, max(last.at, evidence.at), last.source, note, last.inferred)
    else:
        request.add_timeline(TimelineEntry(request.stage, evidence.at, evidence.source, note))
    request.stall = note
    return True


def _note_troubles(request: TrackedRequest, evidence: Evidence) -> bool:
    """Show what a download client says is wrong at once: a timeline line (once) and the stall, until it moves."""
    changed = False
    # Once every download is done (or the request is in a problem stage), a report of old trouble is history.
    downloading = not request.stage.is_problem and request.stage.rank <= Stage.DOWNLOADING.rank
    shown = request.shown_downloads() if downloading else []
    for download in shown:
        trouble = download.trouble
        if trouble is not None and trouble.code not in download.troubles_noted:
            download.troubles_noted.add(trouble.code)
            request.add_timeline(TimelineEntry(request.stage, evidence.at, evidence.source, trouble))
            changed = True
    current = next((d.trouble for d in shown if d.trouble is not None), None)
    held = request.stall
    if held is not None and (held.code == IMPORT_BLOCKED or (current is None and held.code not in DOWNLOAD_TROUBLES)):
        return changed
    if held != current:
        request.stall = current
        changed = True
    return changed


def _start_over(request: TrackedRequest, evidence: MediaDeleted) -> bool:
    """Deletion ends the request's current life: what was downloaded and imported no longer counts."""
    if (
        Stage.DELETED in request.problems
        and not request.files
        and not any(d.counts for d in request.downloads.values())
    ):
        return False
    request.problems[Stage.DELETED] = evidence.reason or "deleted"
    for download in request.downloads.values():
        download.superseded = True
    request.files.clear()
    request.listings.clear()
    request.series_in_library = False
    cap = Stage.APPROVED
    for unit in (request.whole, *request.episodes.values()):
        if unit.reached is not None and unit.reached.rank > cap.rank:
            unit.reached = cap
    return True


def _record_proof(request: TrackedRequest, evidence: Evidence) -> bool:
    stage = evidence.stage
    if stage is None or stage.is_problem or stage in request.proofs:
        return False
    request.proofs[stage] = TimelineEntry(stage, evidence.at, evidence.source, evidence.describe())
    return True


def _confirm_inferred(request: TrackedRequest, evidence: Evidence) -> bool:
    """Evidence arriving late for a stage the timeline only inferred makes that entry a seen one."""
    stage = evidence.stage
    if stage is None or stage.is_problem:
        return False
    for entry in request.timeline:
        if entry.stage is stage and entry.inferred:
            entry.inferred = False
            entry.source = evidence.source
            entry.note = evidence.describe()
            return True
    return False


def _entry_for(request: TrackedRequest, stage: Stage, evidence: Evidence) -> TimelineEntry:
    """The timeline entry for entering a stage: seen, if this or earlier evidence proves it, else inferred.

    Earlier proof exists when the evidence came while a problem held the request back, or out of order.
    """
    if evidence.stage is stage:
        return TimelineEntry(stage, evidence.at, evidence.source, evidence.describe())
    proof = request.proofs.get(stage)
    if proof is not None:
        return TimelineEntry(stage, evidence.at, proof.source, proof.note)
    note = evidence.describe().inferred()
    return TimelineEntry(stage, evidence.at, evidence.source, note, inferred=not stage.is_problem)


def _enter_stage(request: TrackedRequest, stage: Stage, evidence: Evidence) -> None:
    if not stage.is_problem:
        for skipped in stages_between(request.highest_progress_in_timeline(), stage, anime=request.anime):
            request.add_timeline(_entry_for(request, skipped, evidence))
    request.add_timeline(_entry_for(request, stage, evidence))
    request.stage = stage
    request.stage_since = evidence.at
    request.last_activity = max(request.last_activity, evidence.at)
    if not isinstance(evidence, ImportBlocked):
        request.stall = None
