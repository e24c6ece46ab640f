"""Fix flows of stalled requests' repair issues: with the user's consent, run the request's remedy upstream.

A request stalled in `importing` gets "scan the Jellyfin library", one in `anime_matching` "ask Shoko to rescan the
file", one that finds no release "search again" (see `tracker.remedies`). The outcome goes into its timeline.
"""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import voluptuous as vol

from .attributes import display_name
from .runtime import MediaRequestTrackerConfigEntry
from .upstream import Upstream


class StalledRequestFix(RepairsFlow):
    """Confirm, then run the remedy of one stalled request."""

    def __init__(self, entry_id: str, request_key: str) -> None:
        """Fix the request `request_key` of the tracker `entry_id`."""
        self._entry_id = entry_id
        self._key = request_key

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> data_entry_flow.FlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, str] | None = None) -> data_entry_flow.FlowResult:
        """Say what the fix does; on submit, do it."""
        upstream = self._upstream()
        request = upstream.hub.tracker.requests.get(self._key) if upstream else None
        if upstream is None or request is None or request.stall is None:
            title = display_name(request) if request else "The request"
            return self.async_abort(reason="not_stalled", description_placeholders={"title": title})
        placeholders = {"title": display_name(request), "service": ""}
        try:
            _plan, service = upstream.remedy(self._key)
            placeholders["service"] = service.config.title
            if user_input is None:
                return self.async_show_form(
                    step_id="confirm", data_schema=vol.Schema({}), description_placeholders=placeholders
                )
            await upstream.run_remedy(self._key)
        except HomeAssistantError as err:
            return self.async_abort(reason="failed", description_placeholders={**placeholders, "error": str(err)})
        return self.async_create_entry(data={})

    def _upstream(self) -> Upstream | None:
        entry: MediaRequestTrackerConfigEntry | None = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        return Upstream(entry.runtime_data)


async def async_create_fix_flow(hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None) -> RepairsFlow:
    """The fix flow of a stalled request's issue (the only fixable issues the tracker raises)."""
    data = data or {}
    return StalledRequestFix(str(data.get("entry_id", "")), str(data.get("request_key", "")))
