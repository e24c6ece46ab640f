"""The kinds of service a user can add, one module each; the rest of the integration reads them from `KINDS`.

Adding a kind is one module here (its `KIND`, see kind.py) plus its strings (`config_subentries.<kind>`).
Every kind module is imported when the integration loads, in Home Assistant's import executor, so no library
(Shoko's SignalR one included) is first imported inside the event loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..kind import ServiceKind
from . import jellyfin, qbittorrent, radarr, seerr, shoko, sonarr

KINDS: Mapping[str, ServiceKind] = MappingProxyType(
    {module.KIND.kind: module.KIND for module in (seerr, radarr, sonarr, qbittorrent, jellyfin, shoko)}
)
"""Every kind, in the order a user is offered them."""
