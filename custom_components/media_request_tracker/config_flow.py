"""Config flow: one tracker entry, its options, and each upstream service instance as a subentry."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any, ClassVar

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_FINISHED_SENSORS,
    CONF_PENDING_HOURS,
    CONF_QBITTORRENT_FAST,
    CONF_QBITTORRENT_SLOW,
    CONF_RETENTION_HOURS,
    CONF_SHOKO_REPAIR_MINUTES,
    CONF_STALL_MINUTES,
    CONF_TRACE_EVENTS,
    DEFAULT_FINISHED_SENSORS,
    DEFAULT_PENDING_HOURS,
    DEFAULT_RETENTION_HOURS,
    DEFAULT_SHOKO_REPAIR_MINUTES,
    DEFAULT_TRACE_EVENTS,
    DOMAIN,
)
from .kind import ServiceKind
from .kinds import KINDS
from .kinds.qbittorrent import FAST as QBITTORRENT_FAST, SLOW as QBITTORRENT_SLOW
from .links import webhook_url
from .settings import ServiceConfig, new_webhook_settings, normalize_url
from .sources.errors import CannotConnect, InvalidAuth, UnexpectedResponse
from .tracker import DEFAULT_STALL_AFTER

_LOGGER = logging.getLogger(__name__)

DEFAULT_OPTIONS: dict[str, Any] = {
    CONF_RETENTION_HOURS: DEFAULT_RETENTION_HOURS,
    CONF_FINISHED_SENSORS: DEFAULT_FINISHED_SENSORS,
    CONF_PENDING_HOURS: DEFAULT_PENDING_HOURS,
    CONF_QBITTORRENT_FAST: int(QBITTORRENT_FAST.total_seconds()),
    CONF_QBITTORRENT_SLOW: int(QBITTORRENT_SLOW.total_seconds()),
    CONF_TRACE_EVENTS: DEFAULT_TRACE_EVENTS,
    CONF_SHOKO_REPAIR_MINUTES: DEFAULT_SHOKO_REPAIR_MINUTES,
}
DEFAULT_STALL_MINUTES = {stage.value: int(seconds // 60) for stage, seconds in DEFAULT_STALL_AFTER.items()}
SECRET_FIELDS = (CONF_API_KEY, CONF_PASSWORD)

_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT = TextSelector()


class MediaRequestTrackerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Create the tracker (one per Home Assistant); services are added to it as subentries."""

    VERSION = 1
    MINOR_VERSION = 1
    _reauth_subentry_id: str

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Confirm creating the tracker."""
        await self.async_set_unique_id(DOMAIN)
        self._abort_if_unique_id_configured()
        if user_input is None:
            return self.async_show_form(step_id="user")
        return self.async_create_entry(title="Media Request Tracker", data={}, options=DEFAULT_OPTIONS)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """A service rejected its credentials; `entry_data` names the service (its subentry)."""
        self._reauth_subentry_id = str(entry_data["subentry_id"])
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the service's new credentials and check them."""
        entry = self._get_reauth_entry()
        subentry = entry.subentries.get(self._reauth_subentry_id)
        if subentry is None:
            return self.async_abort(reason="service_removed")
        kind = KINDS[subentry.subentry_type]
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**subentry.data, **{k: v for k, v in user_input.items() if v not in (None, "")}}
            learned, errors = await _async_validate(self.hass, subentry.subentry_id, kind, subentry.title, data)
            if not errors:
                self.hass.config_entries.async_update_subentry(entry, subentry, data={**data, **learned})
                return self.async_abort(reason="reauth_successful")
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(_credential_fields(kind, {}, required=kind.credentials != "api_key_or_login")),
            errors=errors,
            description_placeholders={"service": subentry.title},
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Options: how long finished requests and unmatched events are kept."""
        return TrackerOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(cls, config_entry: ConfigEntry) -> dict[str, type[ConfigSubentryFlow]]:
        """The kinds of service a user can add."""
        return dict(SERVICE_FLOWS)


class TrackerOptionsFlow(OptionsFlow):
    """How long things are kept, how often qBittorrent is polled, and when a request counts as stalled."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options."""
        if user_input is not None:
            stalls = {stage: int(minutes) for stage, minutes in user_input.pop(CONF_STALL_MINUTES).items()}
            return self.async_create_entry(
                data={**{key: int(value) for key, value in user_input.items()}, CONF_STALL_MINUTES: stalls}
            )
        options = {**DEFAULT_OPTIONS, **self.config_entry.options}
        stalls = {**DEFAULT_STALL_MINUTES, **options.get(CONF_STALL_MINUTES, {})}
        schema = vol.Schema(
            {
                vol.Required(CONF_RETENTION_HOURS, default=options[CONF_RETENTION_HOURS]): _number(24 * 365, "h"),
                vol.Required(CONF_FINISHED_SENSORS, default=options[CONF_FINISHED_SENSORS]): _number(
                    100_000, None, minimum=0
                ),
                vol.Required(CONF_PENDING_HOURS, default=options[CONF_PENDING_HOURS]): _number(24 * 7, "h"),
                vol.Required(CONF_QBITTORRENT_FAST, default=options[CONF_QBITTORRENT_FAST]): _number(300, "s"),
                vol.Required(CONF_QBITTORRENT_SLOW, default=options[CONF_QBITTORRENT_SLOW]): _number(3600, "s"),
                vol.Required(CONF_TRACE_EVENTS, default=options[CONF_TRACE_EVENTS]): _number(5000, None, minimum=0),
                vol.Required(CONF_SHOKO_REPAIR_MINUTES, default=options[CONF_SHOKO_REPAIR_MINUTES]): _number(
                    24 * 60, "min"
                ),
                vol.Required(CONF_STALL_MINUTES): section(
                    vol.Schema(
                        {
                            vol.Required(stage, default=stalls[stage]): _number(60 * 24 * 30, "min")
                            for stage in DEFAULT_STALL_MINUTES
                        }
                    ),
                    {"collapsed": True},
                ),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)


def _number(maximum: int, unit: str | None, *, minimum: int = 1) -> NumberSelector:
    config = NumberSelectorConfig(min=minimum, max=maximum, step=1, mode=NumberSelectorMode.BOX)
    if unit:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


class ServiceSubentryFlow(ConfigSubentryFlow):
    """Add or reconfigure one instance of a service; the connection and credentials are tested first."""

    kind: ClassVar[ServiceKind]

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._title = ""
        self._data: dict[str, Any] = {}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Ask for the service's address and credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._title, data = _split_name(user_input, self.kind)
            data.update(new_webhook_settings() if self.kind.webhook else {})
            if self._url_taken(data[CONF_URL], exclude=None):
                return self.async_abort(reason="already_configured")
            learned, errors = await _async_validate(self.hass, "", self.kind, self._title, data)
            if not errors:
                self._data = {**data, **learned}
                return await self.async_step_webhook()
        return self.async_show_form(
            step_id="user",
            data_schema=self._schema(user_input or {}, required=True),
            errors=errors,
            description_placeholders={"example_url": self.kind.example_url},
        )

    async def async_step_webhook(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """How the service will reach Home Assistant; kinds that need no such step skip it."""
        if self.kind.webhook_step is None:
            return self._create()
        if user_input is not None:
            self._data.update(user_input)
            return self._create()
        config = ServiceConfig.from_data("", self.kind.kind, self._title, self._data)
        url = webhook_url(self.hass, config.webhook_id)
        schema, placeholders = await self.kind.webhook_step(self.hass, config, url)
        return self.async_show_form(step_id="webhook", data_schema=schema, description_placeholders=placeholders)

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Change the address or credentials; a blank secret keeps the stored one."""
        entry = self._get_entry()
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            title, entered = _split_name(user_input, self.kind)
            data = {**subentry.data, **{k: v for k, v in entered.items() if v not in (None, "")}}
            data[CONF_VERIFY_SSL] = entered.get(CONF_VERIFY_SSL, True)
            if self._url_taken(data[CONF_URL], exclude=subentry.subentry_id):
                return self.async_abort(reason="already_configured")
            learned, errors = await _async_validate(self.hass, subentry.subentry_id, self.kind, title, data)
            if not errors:
                return self.async_update_and_abort(
                    entry, subentry, title=title, data={**data, **learned}, unique_id=normalize_url(data[CONF_URL])
                )
        shown = {CONF_NAME: subentry.title, **{k: v for k, v in subentry.data.items() if k not in SECRET_FIELDS}}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self._schema(user_input or shown, required=False),
            errors=errors,
            description_placeholders={"example_url": self.kind.example_url},
        )

    def _schema(self, values: Mapping[str, Any], *, required: bool) -> vol.Schema:
        fields: dict[Any, Any] = {
            vol.Required(CONF_NAME, default=values.get(CONF_NAME, self.kind.name)): _TEXT,
            vol.Required(CONF_URL, default=values.get(CONF_URL, "")): _URL,
            **_credential_fields(self.kind, values, required=required),
            vol.Required(CONF_VERIFY_SSL, default=values.get(CONF_VERIFY_SSL, True)): BooleanSelector(),
        }
        return vol.Schema(fields)

    def _url_taken(self, url: str, *, exclude: str | None) -> bool:
        try:
            wanted = normalize_url(url)
        except ValueError:
            return False
        return any(
            sub.subentry_type == self.kind.kind and sub.unique_id == wanted and sub.subentry_id != exclude
            for sub in self._get_entry().subentries.values()
        )

    @callback
    def _create(self) -> SubentryFlowResult:
        return self.async_create_entry(
            title=self._title, data=self._data, unique_id=normalize_url(self._data[CONF_URL])
        )


def _subentry_flow(kind: ServiceKind) -> type[ServiceSubentryFlow]:
    """The subentry flow of a kind of service."""
    return type(f"{kind.name}SubentryFlow", (ServiceSubentryFlow,), {"kind": kind})


SERVICE_FLOWS: dict[str, type[ServiceSubentryFlow]] = {name: _subentry_flow(kind) for name, kind in KINDS.items()}


def _credential_fields(kind: ServiceKind, values: Mapping[str, Any], *, required: bool) -> dict[Any, Any]:
    """The credential fields of a kind of service; when not required, blank keeps what is stored."""
    marker = vol.Required if required else vol.Optional
    match kind.credentials:
        case "api_key":
            return {marker(CONF_API_KEY): _SECRET}
        case "login":
            return {
                vol.Required(CONF_USERNAME, default=values.get(CONF_USERNAME, "")): _TEXT,
                marker(CONF_PASSWORD): _SECRET,
            }
    return {
        vol.Optional(CONF_API_KEY): _SECRET,
        vol.Optional(CONF_USERNAME, default=values.get(CONF_USERNAME) or ""): _TEXT,
        vol.Optional(CONF_PASSWORD): _SECRET,
    }


def _split_name(user_input: Mapping[str, Any], kind: ServiceKind) -> tuple[str, dict[str, Any]]:
    data = dict(user_input)
    title = str(data.pop(CONF_NAME, "") or kind.name).strip()
    return title, data


async def _async_validate(
    hass: HomeAssistant, subentry_id: str, kind: ServiceKind, title: str, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Test the service; returns what was learned, and the form errors (empty when it works)."""
    try:
        normalize_url(str(data.get(CONF_URL, "")))
    except ValueError:
        return {}, {CONF_URL: "invalid_url"}
    config = ServiceConfig.from_data(subentry_id, kind.kind, title, data)
    try:
        return await kind.validate(async_get_clientsession(hass, config.verify_ssl), config), {}
    except CannotConnect:
        return {}, {"base": "cannot_connect"}
    except InvalidAuth:
        return {}, {"base": "invalid_auth"}
    except UnexpectedResponse:
        return {}, {"base": "wrong_service"}
    except Exception:
        _LOGGER.exception("Unexpected error while checking %s", title)
        return {}, {"base": "unknown"}
