"""The tracker's config flow and options."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.media_request_tracker.config_flow import DEFAULT_OPTIONS, DEFAULT_STALL_MINUTES
from custom_components.media_request_tracker.const import CONF_PENDING_HOURS, CONF_RETENTION_HOURS, DOMAIN
from custom_components.media_request_tracker.tracker import Stage


async def test_user_flow_creates_the_tracker(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Media Request Tracker"
    assert result["options"] == DEFAULT_OPTIONS
    assert result["options"][CONF_RETENTION_HOURS] == 72
    await hass.async_block_till_done()


async def test_only_one_tracker(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def test_options_flow_changes_retention_and_reloads(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    runtime_before = loaded_entry.runtime_data
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            **DEFAULT_OPTIONS,
            CONF_RETENTION_HOURS: 24,
            CONF_PENDING_HOURS: 2,
            "stall_minutes": {**DEFAULT_STALL_MINUTES, "importing": 45},
        },
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_RETENTION_HOURS] == 24
    assert loaded_entry.options[CONF_PENDING_HOURS] == 2
    assert loaded_entry.options["stall_minutes"]["importing"] == 45
    assert loaded_entry.runtime_data is not runtime_before, "the entry reloaded with the new options"
    assert loaded_entry.runtime_data.hub.retention_seconds == 24 * 3600
    assert loaded_entry.runtime_data.hub.tracker.pending_ttl == 2 * 3600
    assert loaded_entry.runtime_data.hub.stall_policy[Stage.IMPORTING] == 45 * 60
