"""Adding, reconfiguring and re-authenticating services from the UI, against simulated services."""

from __future__ import annotations

import socket
from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.kinds import KINDS
from custom_components.media_request_tracker.kinds.arr import UPSTREAM_WEBHOOK_NAME
from simulator.arr import SimulatedArr
from simulator.jellyfin import SimulatedJellyfin
from simulator.seerr import SimulatedSeerr

from .conftest import add_service, arr_input, jellyfin_input, seerr_input

SERVICES = ("radarr", "sonarr", "seerr", "jellyfin")


@pytest.fixture
def services(
    radarr: SimulatedArr, sonarr: SimulatedArr, seerr: SimulatedSeerr, jellyfin: SimulatedJellyfin
) -> dict[str, Any]:
    return {"radarr": radarr, "sonarr": sonarr, "seerr": seerr, "jellyfin": jellyfin}


def _input(kind: str, service: Any) -> dict[str, Any]:
    if kind == "seerr":
        return seerr_input(service)
    if kind == "jellyfin":
        return jellyfin_input(service)
    return arr_input(service)


async def _start(hass: HomeAssistant, entry: MockConfigEntry, kind: str, user_input: dict[str, Any]) -> dict:
    flows = hass.config_entries.subentries
    result = await flows.async_init((entry.entry_id, kind), context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    return await flows.async_configure(result["flow_id"], user_input)


@pytest.mark.parametrize("kind", SERVICES)
async def test_add_each_service(
    hass: HomeAssistant, tracker: MockConfigEntry, services: dict[str, Any], kind: str
) -> None:
    subentry = await add_service(hass, tracker, kind, _input(kind, services[kind]), **_later_steps(kind))
    assert subentry.subentry_type == kind
    assert subentry.unique_id == services[kind].url
    assert len(subentry.data["webhook_id"]) == 64, "a 256-bit webhook id"
    assert subentry.data["api_key"] == services[kind].api_key


@pytest.mark.parametrize("kind", SERVICES)
async def test_errors_leave_nothing_behind(
    hass: HomeAssistant, tracker: MockConfigEntry, services: dict[str, Any], kind: str
) -> None:
    service = services[kind]
    wrong_key = await _start(hass, tracker, kind, {**_input(kind, service), "api_key": "wrong"})
    assert wrong_key["errors"] == {"base": "invalid_auth"}

    other = services["sonarr" if kind == "radarr" else "radarr"]
    wrong_kind = await _start(hass, tracker, kind, {**_input(kind, service), "url": other.url})
    assert wrong_kind["errors"] in ({"base": "wrong_service"}, {"base": "invalid_auth"})

    bad_url = await _start(hass, tracker, kind, {**_input(kind, service), "url": "radarr.local:7878"})
    assert bad_url["errors"] == {"url": "invalid_url"}

    await service.down()
    refused = await _start(hass, tracker, kind, _input(kind, service))
    assert refused["errors"] == {"base": "cannot_connect"}
    assert tracker.subentries == {}


async def test_a_sonarr_is_not_accepted_as_radarr(
    hass: HomeAssistant, tracker: MockConfigEntry, sonarr: SimulatedArr
) -> None:
    result = await _start(hass, tracker, "radarr", arr_input(sonarr))
    assert result["errors"] == {"base": "wrong_service"}


async def test_the_same_url_cannot_be_added_twice(
    hass: HomeAssistant, tracker: MockConfigEntry, radarr: SimulatedArr
) -> None:
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    result = await _start(hass, tracker, "radarr", {**arr_input(radarr), "name": "Again", "url": radarr.url + "/"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_two_radarrs_each_get_their_own_webhook(
    hass: HomeAssistant, tracker: MockConfigEntry, radarr: SimulatedArr, radarr4k: SimulatedArr
) -> None:
    first = await add_service(hass, tracker, "radarr", arr_input(radarr))
    second = await add_service(hass, tracker, "radarr", arr_input(radarr4k, "Radarr 4K"))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert first.data["webhook_id"] != second.data["webhook_id"]
    assert [n["name"] for n in radarr.notifications.values()] == [UPSTREAM_WEBHOOK_NAME]
    assert [n["name"] for n in radarr4k.notifications.values()] == [UPSTREAM_WEBHOOK_NAME]
    assert _urls(radarr) != _urls(radarr4k)


@pytest.mark.parametrize("kind", SERVICES)
async def test_reconfigure_changes_url_and_key_and_keeps_the_webhook(
    hass: HomeAssistant, tracker: MockConfigEntry, services: dict[str, Any], kind: str
) -> None:
    service = services[kind]
    subentry = await add_service(hass, tracker, kind, _input(kind, service), **_later_steps(kind))
    webhook_id = subentry.data["webhook_id"]
    flows = hass.config_entries.subentries
    result = await flows.async_init(
        (tracker.entry_id, kind), context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id}
    )
    assert result["type"] is FlowResultType.FORM
    wrong = await flows.async_configure(result["flow_id"], {**_input(kind, service), "api_key": "wrong"})
    assert wrong["errors"] == {"base": "invalid_auth"}
    # A blank key keeps the stored one; the name changes.
    changed = {**_input(kind, service), "name": "Renamed"}
    changed.pop("api_key")
    done = await flows.async_configure(wrong["flow_id"], changed)
    assert done["type"] is FlowResultType.ABORT
    assert done["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    updated = tracker.subentries[subentry.subentry_id]
    assert updated.title == "Renamed"
    assert updated.data["api_key"] == service.api_key
    assert updated.data["webhook_id"] == webhook_id


@pytest.mark.parametrize("kind", SERVICES)
async def test_reauth_takes_a_new_key(
    hass: HomeAssistant, tracker: MockConfigEntry, services: dict[str, Any], kind: str
) -> None:
    service = services[kind]
    subentry = await add_service(hass, tracker, kind, _input(kind, service), **_later_steps(kind))
    old_key = service.api_key
    service.api_key = "rotated-key"
    tracker.runtime_data.services[subentry.subentry_id].link.port.start_reauth()
    await hass.async_block_till_done(wait_background_tasks=True)
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"api_key": old_key})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"api_key": "rotated-key"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert tracker.subentries[subentry.subentry_id].data["api_key"] == "rotated-key"


def _urls(service: SimulatedArr) -> list[str]:
    return [
        field["value"]
        for notification in service.notifications.values()
        for field in notification["fields"]
        if field["name"] == "url"
    ]


@pytest.mark.parametrize("kind", SERVICES)
async def test_one_flow_goes_through_every_error_and_then_adds_the_service(
    hass: HomeAssistant,
    tracker: MockConfigEntry,
    services: dict[str, Any],
    kind: str,
) -> None:
    service = services[kind]
    other = services["sonarr" if kind == "radarr" else "radarr"]
    flows = hass.config_entries.subentries
    result = await flows.async_init((tracker.entry_id, kind), context={"source": SOURCE_USER})
    assert result["description_placeholders"]["example_url"].startswith("http://")
    flow_id = result["flow_id"]
    attempts = [
        ({"url": "radarr.local:7878"}, {"url": "invalid_url"}),
        ({"api_key": "wrong"}, {"base": "invalid_auth"}),
        ({"url": other.url}, {"base": "wrong_service"} if kind in ("radarr", "sonarr") else None),
        ({"url": f"http://127.0.0.1:{_closed_port()}"}, {"base": "cannot_connect"}),
    ]
    for change, errors in attempts:
        result = await flows.async_configure(flow_id, {**_input(kind, service), **change})
        assert result["type"] is FlowResultType.FORM
        if errors is not None:
            assert result["errors"] == errors, change
        else:
            assert result["errors"]["base"] in ("wrong_service", "invalid_auth"), change
    # A fault nobody foresaw is logged and shown as "unknown", and the flow goes on.
    original = KINDS[kind].validate

    async def broken(*_: Any) -> dict[str, Any]:
        raise RuntimeError("a fault in the client")

    object.__setattr__(KINDS[kind], "validate", broken)
    try:
        result = await flows.async_configure(flow_id, _input(kind, service))
    finally:
        object.__setattr__(KINDS[kind], "validate", original)
    assert result["errors"] == {"base": "unknown"}
    assert tracker.subentries == {}
    result = await flows.async_configure(flow_id, _input(kind, service))
    if result["type"] is FlowResultType.FORM:
        assert result["step_id"] == "webhook"
        result = await flows.async_configure(flow_id, {"configure_webhook": False} if kind == "seerr" else {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [sub.subentry_type for sub in tracker.subentries.values()] == [kind]


async def test_reconfigure_to_the_url_of_another_instance_is_refused(
    hass: HomeAssistant, tracker: MockConfigEntry, radarr: SimulatedArr, radarr4k: SimulatedArr
) -> None:
    first = await add_service(hass, tracker, "radarr", arr_input(radarr))
    await add_service(hass, tracker, "radarr", arr_input(radarr4k, "Radarr 4K"))
    flows = hass.config_entries.subentries
    result = await flows.async_init(
        (tracker.entry_id, "radarr"), context={"source": SOURCE_RECONFIGURE, "subentry_id": first.subentry_id}
    )
    result = await flows.async_configure(result["flow_id"], {**arr_input(radarr), "url": radarr4k.url})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert tracker.subentries[first.subentry_id].data["url"] == radarr.url


async def test_reauth_of_a_removed_service_stops(
    hass: HomeAssistant, tracker: MockConfigEntry, radarr: SimulatedArr
) -> None:
    subentry = await add_service(hass, tracker, "radarr", arr_input(radarr))
    tracker.runtime_data.services[subentry.subentry_id].link.port.start_reauth()
    await hass.async_block_till_done(wait_background_tasks=True)
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert hass.config_entries.async_remove_subentry(tracker, subentry.subentry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"api_key": radarr.api_key})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "service_removed"


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _later_steps(kind: str) -> dict[str, Any]:
    """The second step's answers: Seerr asks whether to take its webhook agent over, Radarr/Sonarr about 4K."""
    return {"configure_webhook": False} if kind == "seerr" else {}
