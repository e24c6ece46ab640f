"""The tracker core: stages, requests, evidence, correlation and the state machine.

Pure Python with no Home Assistant import, so the rules that make this product hard are tested on their own.
"""

from .evidence import (
    AnimeFileMatched,
    AnimeFileNotMatched,
    AnimeFileSeen,
    DownloadCompleted,
    DownloadFailed,
    DownloadPhase,
    DownloadProgress,
    EpisodeKey,
    Evidence,
    FilesImported,
    ImportBlocked,
    ImportedFile,
    LibraryItemFound,
    MediaAdded,
    MediaDeleted,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
    RequestApproved,
    RequestAvailable,
    RequestCreated,
    RequestDeclined,
    RequestFailed,
    SearchCompleted,
)
from .ids import IdKey, IdKind, make_ids, normalize_download_id
from .model import TimelineEntry, TrackedRequest
from .notes import Note
from .stages import FINISHED_STAGES, PROBLEM_STAGES, PROGRESS_STAGES, Stage
from .stalls import DEFAULT_STALL_AFTER, STALL_CODES, StallPolicy
from .tracker import Change, Tracker

__all__ = [
    "DEFAULT_STALL_AFTER",
    "FINISHED_STAGES",
    "PROBLEM_STAGES",
    "PROGRESS_STAGES",
    "STALL_CODES",
    "AnimeFileMatched",
    "AnimeFileNotMatched",
    "AnimeFileSeen",
    "Change",
    "DownloadCompleted",
    "DownloadFailed",
    "DownloadPhase",
    "DownloadProgress",
    "EpisodeKey",
    "Evidence",
    "FilesImported",
    "IdKey",
    "IdKind",
    "ImportBlocked",
    "ImportedFile",
    "LibraryItemFound",
    "MediaAdded",
    "MediaDeleted",
    "MediaInfo",
    "MediaType",
    "Note",
    "ReleaseGrabbed",
    "RequestApproved",
    "RequestAvailable",
    "RequestCreated",
    "RequestDeclined",
    "RequestFailed",
    "SearchCompleted",
    "Stage",
    "StallPolicy",
    "TimelineEntry",
    "TrackedRequest",
    "Tracker",
    "make_ids",
    "normalize_download_id",
]
