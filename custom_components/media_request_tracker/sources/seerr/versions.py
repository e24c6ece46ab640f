"""What each Seerr-family release accepts and how it shows that a request's media became available.

Every Overseerr, Jellyseerr and Seerr release validates requests against its OpenAPI spec and answers a query
parameter the spec does not declare with HTTP 400, so the request list must be asked for in each release's terms.
"""

from __future__ import annotations

from dataclasses import dataclass
import re

_RELEASE = re.compile(r"v?(\d+)\.(\d+)")


@dataclass(frozen=True, slots=True)
class SeerrFeatures:
    """The parts of the request API that differ between releases."""

    sort_direction: bool
    """`GET /api/v1/request` declares `sortDirection`: Jellyseerr 2.2.0 (#1147) and Seerr v3; never Overseerr."""
    completes_requests: bool
    """A request whose media becomes available is saved as COMPLETED, which moves its `updatedAt` (Jellyseerr
    2.6.0+ and Seerr v3, `updateRelatedMediaRequest` in `server/subscriber/MediaSubscriber.ts`). Before that an
    approved request never changes when its media does, so a poll by modification time cannot see it."""

    @classmethod
    def of(cls, version: str) -> SeerrFeatures:
        """The features of the release reporting `version` in `/api/v1/status`.

        Overseerr never passed 1.x and Jellyseerr went from 1.x to 2.x before both became Seerr 3, so the
        number alone tells them apart. A version that is not a number (a `develop-<commit>` build) gets the
        features every release has.
        """
        match = _RELEASE.match(version.strip())
        if match is None:
            return cls(sort_direction=False, completes_requests=False)
        release = (int(match[1]), int(match[2]))
        return cls(sort_direction=release >= (2, 2), completes_requests=release >= (2, 6))
