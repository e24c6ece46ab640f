"""Config flow: one tracker entry; its options; the upstream services as subentries."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback
from homeassistant.helpers.selector import NumberSelector, NumberSelectorConfig, NumberSelectorMode
import voluptuous as vol

from .const import (
    CONF_PENDING_HOURS,
    CONF_RETENTION_HOURS,
    DEFAULT_PENDING_HOURS,
    DEFAULT_RETENTION_HOURS,
    DOMAIN,
)

DEFAULT_OPTIONS = {CONF_RETENTION_HOURS: DEFAULT_RETENTION_HOURS, CONF_PENDING_HOURS: DEFAULT_PENDING_HOURS}


class MediaRequestTrackerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Create the tracker (one per Home Assistant); services are added to it afterwards."""

    VERSION = 1
    MINOR_VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Confirm creating the tracker."""
        await self.async_set_unique_id(DOMAIN)
        self._abort_if_unique_id_configured()
        if user_input is None:
            return self.async_show_form(step_id="user")
        return self.async_create_entry(title="Media Request Tracker", data={}, options=DEFAULT_OPTIONS)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Options: how long finished requests and unmatched events are kept."""
        return TrackerOptionsFlow()


def _hours(maximum: int) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(min=1, max=maximum, step=1, unit_of_measurement="h", mode=NumberSelectorMode.BOX)
    )


class TrackerOptionsFlow(OptionsFlow):
    """Retention of finished requests and of events no request claimed yet."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options."""
        if user_input is not None:
            return self.async_create_entry(data={key: int(value) for key, value in user_input.items()})
        options = {**DEFAULT_OPTIONS, **self.config_entry.options}
        schema = vol.Schema(
            {
                vol.Required(CONF_RETENTION_HOURS, default=options[CONF_RETENTION_HOURS]): _hours(24 * 365),
                vol.Required(CONF_PENDING_HOURS, default=options[CONF_PENDING_HOURS]): _hours(24 * 7),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
