"""SeerrClient against the simulated Seerr over loopback, and the simulated webhook agent it configures."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime
import json
from typing import Any

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.errors import (
    CannotConnect,
    InvalidAuth,
    UnexpectedResponse,
    WebhookUnreachable,
)
from custom_components.media_request_tracker.sources.seerr.client import (
    WEBHOOK_TEMPLATE,
    WEBHOOK_TYPES,
    SeerrClient,
    encode_json_payload,
)
from custom_components.media_request_tracker.sources.seerr.models import RequestStatus
from simulator import payloads
from simulator.seerr import SimulatedSeerr, request_record
from tests.sources.fake_servers import RepeatingPageServer, StaticServer, WebhookReceiver

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "seerr-test-key-5d41402abc4b2a76"
AUTH_HEADER = "Bearer seerr-shared-secret-7c9e"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def seerr() -> AsyncIterator[SimulatedSeerr]:
    server = SimulatedSeerr(API_KEY)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def client(session: aiohttp.ClientSession, seerr: SimulatedSeerr) -> SeerrClient:
    return SeerrClient(session, seerr.url, API_KEY)


def movie_request(request_id: int, **changes: Any) -> dict[str, Any]:
    return request_record(request_id=request_id, media_type="movie", tmdb_id=700_000 + request_id, **changes)


def leaves(node: Any) -> list[Any]:
    """Every scalar in a JSON document."""
    if isinstance(node, dict):
        return [leaf for value in node.values() for leaf in leaves(value)]
    if isinstance(node, list):
        return [leaf for value in node for leaf in leaves(value)]
    return [node]


# --- server check and credentials --------------------------------------------------------------------------


async def test_status_and_validate(client: SeerrClient) -> None:
    status = await client.status()
    assert status.version == "3.1.0"
    assert status.commit_tag == "v3.1.0"
    assert await client.validate() == status


async def test_wrong_key_is_invalid_auth_and_not_leaked(session: aiohttp.ClientSession, seerr: SimulatedSeerr) -> None:
    wrong = SeerrClient(session, seerr.url, "not-the-key-0123456789")
    # /status answers anyone, so the server check alone cannot tell a wrong key.
    assert (await wrong.status()).version == "3.1.0"
    with pytest.raises(InvalidAuth) as caught:
        await wrong.validate()
    assert "not-the-key-0123456789" not in str(caught.value)


async def test_refused_connection(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    await seerr.down()
    with pytest.raises(CannotConnect):
        await client.status()
    with pytest.raises(CannotConnect):
        await client.requests()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<html><body>Sign in</body></html>", "text/html"),
        ('{"ServerName": "jellyfin", "Version": "10.11.0"}', "application/json"),
        ('{"version": "1.0"}', "application/json"),
        ("[]", "application/json"),
    ],
    ids=["web-page", "other-json", "no-commit-tag", "list"],
)
async def test_server_that_is_not_seerr(session: aiohttp.ClientSession, body: str, content_type: str) -> None:
    server = StaticServer(body, content_type=content_type)
    await server.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await SeerrClient(session, server.url, API_KEY).status()
    finally:
        await server.stop()


async def test_unknown_path_is_unexpected(session: aiohttp.ClientSession) -> None:
    server = StaticServer("Not Found", status=404)
    await server.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await SeerrClient(session, server.url, API_KEY).validate()
    finally:
        await server.stop()


# --- requests ----------------------------------------------------------------------------------------------


async def test_requests_iterates_every_page(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    seerr.set_requests(
        movie_request(number, updated_at=f"2026-01-01T00:00:{number:02d}.000Z") for number in range(1, 26)
    )
    found = await client.requests(page_size=10)
    assert [request.id for request in found] == list(range(25, 0, -1))  # most recently modified first


async def test_requests_are_typed_and_keep_the_raw_object(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    raw = request_record(
        request_id=7,
        media_type="tv",
        tmdb_id=4321,
        tvdb_id=8765,
        seasons=[1, 2],
        requested_by="casey",
        requested_by_email="casey@example.org",
        external_service_id=12,
        jellyfin_media_id="a1b2c3d4e5f60718293a4b5c6d7e8f90",
        updated_at="2026-02-03T04:05:06.000Z",
    )
    seerr.set_requests([raw])
    (request,) = await client.requests()
    assert request.id == 7
    assert request.request_status is RequestStatus.APPROVED
    assert request.media_type == "tv"
    assert request.seasons == (1, 2)
    assert request.requested_by is not None
    assert (request.requested_by.display_name, request.requested_by.email) == ("casey", "casey@example.org")
    assert (request.media.tmdb_id, request.media.tvdb_id) == (4321, 8765)
    assert request.media.external_service_id == 12
    assert request.media.jellyfin_media_id == "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    assert request.updated_at == datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert not request.media_available
    assert request.raw == raw


async def test_requests_filter(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    seerr.set_requests([movie_request(1, status=1), movie_request(2, status=2), movie_request(3, status=4)])
    assert [request.id for request in await client.requests(status_filter="pending")] == [1]
    assert [request.id for request in await client.requests(status_filter="failed")] == [3]
    assert {request.id for request in await client.requests()} == {1, 2, 3}


async def test_requests_updated_since_stops_paging(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    seerr.set_requests(
        [
            movie_request(1, updated_at="2026-01-01T10:00:00.000Z"),
            movie_request(2, updated_at="2026-01-03T10:00:00.000Z"),
            movie_request(3, updated_at="2026-01-05T10:00:00.000Z"),
        ]
    )
    recent = await client.requests(updated_since=datetime(2026, 1, 2, tzinfo=UTC), page_size=1)
    assert [request.id for request in recent] == [3, 2]
    # A naive datetime is read as UTC.
    assert [request.id for request in await client.requests(updated_since=datetime(2026, 1, 4))] == [3]


async def test_requests_stop_when_the_server_ignores_skip(session: aiohttp.ClientSession) -> None:
    page = {
        "pageInfo": {"pages": 5, "pageSize": 2, "results": 10, "page": 1},
        "results": [movie_request(1), movie_request(2)],
    }
    server = RepeatingPageServer(page)
    await server.start()
    try:
        found = await SeerrClient(session, server.url, API_KEY).requests(page_size=2)
    finally:
        await server.stop()
    assert [request.id for request in found] == [1, 2]
    assert server.calls == 2


async def test_request_by_id(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    seerr.set_requests([movie_request(5, media_status=5)])
    request = await client.request(5)
    assert request.id == 5
    assert request.media.tmdb_id == 700_005
    assert request.media_available
    with pytest.raises(UnexpectedResponse):
        await client.request(6)


# --- the webhook agent -------------------------------------------------------------------------------------


def test_json_payload_is_encoded_twice() -> None:
    field = encode_json_payload(WEBHOOK_TEMPLATE)
    once = json.loads(field)
    assert isinstance(once, str)
    assert json.loads(once) == WEBHOOK_TEMPLATE
    assert WEBHOOK_TYPES == 222


async def test_default_webhook_settings(client: SeerrClient) -> None:
    settings = await client.webhook_settings()
    assert not settings.enabled
    assert settings.types == 0
    assert settings.webhook_url == ""
    assert settings.template == WEBHOOK_TEMPLATE  # the agent's default template has the same fields


async def test_configure_webhook_round_trip(
    client: SeerrClient, seerr: SimulatedSeerr, receiver: WebhookReceiver
) -> None:
    url = receiver.hook_url()
    await client.configure_webhook(url, AUTH_HEADER)
    # Stored as Seerr stores it: base64 of a JSON string literal whose content is the template.
    stored = json.loads(base64.b64decode(seerr.webhook["options"]["jsonPayload"]))
    assert isinstance(stored, str)
    assert json.loads(stored) == WEBHOOK_TEMPLATE
    settings = await client.webhook_settings()
    assert settings.enabled
    assert settings.types == WEBHOOK_TYPES
    assert settings.webhook_url == url
    assert settings.auth_header == AUTH_HEADER
    assert AUTH_HEADER not in repr(settings)
    assert settings.is_configured_for(url, AUTH_HEADER, WEBHOOK_TEMPLATE)
    assert not settings.is_configured_for(url + "x", AUTH_HEADER, WEBHOOK_TEMPLATE)
    assert not settings.is_configured_for(url, "Bearer other", WEBHOOK_TEMPLATE)


async def test_rendered_movie_notification(
    client: SeerrClient, seerr: SimulatedSeerr, receiver: WebhookReceiver
) -> None:
    await client.configure_webhook(receiver.hook_url(), AUTH_HEADER)
    seerr.set_requests([movie_request(42, media_status=2)])
    assert await seerr.notify("MEDIA_AUTO_APPROVED", 42, title="The Quiet Harbor", year=2021, poster_path="/qh.jpg")
    (delivery,) = receiver.received
    assert delivery.method == "POST"
    assert delivery.headers["Authorization"] == AUTH_HEADER
    body = delivery.json()
    assert body == payloads.seerr_notification(
        "MEDIA_AUTO_APPROVED",
        request_id=42,
        media_type="movie",
        tmdb_id=700_042,
        title="The Quiet Harbor",
        year=2021,
        poster_path="/qh.jpg",
    )
    assert all(isinstance(leaf, str) for leaf in leaves(body) if leaf is not None)
    assert body["media"]["tmdbId"] == "700042"
    assert body["media"]["tvdbId"] == ""
    assert body["request"]["request_id"] == "42"


async def test_rendered_tv_notification_has_requested_seasons(
    client: SeerrClient, seerr: SimulatedSeerr, receiver: WebhookReceiver
) -> None:
    await client.configure_webhook(receiver.hook_url(), None)
    seerr.set_requests(
        [request_record(request_id=9, media_type="tv", tmdb_id=55, tvdb_id=66, seasons=[1, 3], media_status=5)]
    )
    assert await seerr.notify("MEDIA_AVAILABLE", 9, title="Northern Lines", year=2019)
    (delivery,) = receiver.received
    assert "Authorization" not in delivery.headers
    body = delivery.json()
    assert body["extra"] == [{"name": "Requested Seasons", "value": "1, 3"}]
    assert body["event"] == "Series Request Now Available"
    assert body["media"] == {
        "media_type": "tv",
        "tmdbId": "55",
        "tvdbId": "66",
        "status": "AVAILABLE",
        "status4k": "UNKNOWN",
    }


async def test_only_tracked_types_reach_the_webhook(
    client: SeerrClient, seerr: SimulatedSeerr, receiver: WebhookReceiver
) -> None:
    seerr.set_requests([movie_request(1)])
    assert not await seerr.notify("MEDIA_PENDING", 1, title="Before Setup")  # agent still disabled
    await client.configure_webhook(receiver.hook_url(), AUTH_HEADER)
    assert not await seerr.notify("MEDIA_AUTO_REQUESTED", 1, title="Auto")  # never sent to webhooks
    for kind in ("MEDIA_PENDING", "MEDIA_APPROVED", "MEDIA_DECLINED", "MEDIA_FAILED"):
        assert await seerr.notify(kind, 1, title="Tracked")
    assert [item.json()["notification_type"] for item in receiver.received] == [
        "MEDIA_PENDING",
        "MEDIA_APPROVED",
        "MEDIA_DECLINED",
        "MEDIA_FAILED",
    ]


async def test_test_webhook_delivers_a_test_notification(
    client: SeerrClient, seerr: SimulatedSeerr, receiver: WebhookReceiver
) -> None:
    await client.test_webhook(receiver.hook_url(), AUTH_HEADER)
    (delivery,) = receiver.received
    assert delivery.headers["Authorization"] == AUTH_HEADER
    body = delivery.json()
    assert body["notification_type"] == "TEST_NOTIFICATION"
    assert (body["media"], body["request"], body["extra"]) == (None, None, [])
    assert body == payloads.seerr_test_notification()
    # Testing does not save anything.
    assert not (await client.webhook_settings()).enabled


async def test_test_webhook_unreachable(client: SeerrClient, receiver: WebhookReceiver) -> None:
    url = receiver.hook_url()
    await receiver.down()
    with pytest.raises(WebhookUnreachable) as caught:
        await client.test_webhook(url, AUTH_HEADER)
    assert AUTH_HEADER not in str(caught.value)


async def test_test_webhook_rejected_by_receiver(client: SeerrClient, receiver: WebhookReceiver) -> None:
    receiver.status = 401
    with pytest.raises(WebhookUnreachable):
        await client.test_webhook(receiver.hook_url(), "Bearer wrong")


async def test_single_encoded_payload_saves_but_every_send_fails(
    session: aiohttp.ClientSession, seerr: SimulatedSeerr, receiver: WebhookReceiver
) -> None:
    """The trap the double encoding avoids: Seerr accepts the template text, then cannot render it."""
    url = f"{seerr.url}/api/v1/settings/notifications/webhook"
    body = {
        "enabled": True,
        "types": WEBHOOK_TYPES,
        "options": {"webhookUrl": receiver.hook_url(), "jsonPayload": json.dumps(WEBHOOK_TEMPLATE)},
    }
    async with session.post(url, json=body, headers={"X-Api-Key": API_KEY}) as response:
        assert response.status == 200
    seerr.set_requests([movie_request(1)])
    assert not await seerr.notify("MEDIA_PENDING", 1, title="Broken")
    assert seerr.last_error is not None
    assert seerr.last_error.startswith("rendering failed")
    assert receiver.received == []
    # The settings route reads the stored text back as an object, which the client reports as no usable template.
    assert (await SeerrClient(session, seerr.url, API_KEY).webhook_settings()).json_payload is None


async def test_object_payload_is_rejected_on_save(session: aiohttp.ClientSession, seerr: SimulatedSeerr) -> None:
    url = f"{seerr.url}/api/v1/settings/notifications/webhook"
    body = {"enabled": True, "types": WEBHOOK_TYPES, "options": {"webhookUrl": "http://x", "jsonPayload": {}}}
    async with session.post(url, json=body, headers={"X-Api-Key": API_KEY}) as response:
        assert response.status == 500
    assert not seerr.webhook["enabled"]


async def test_configure_webhook_with_wrong_key(session: aiohttp.ClientSession, seerr: SimulatedSeerr) -> None:
    with pytest.raises(InvalidAuth):
        await SeerrClient(session, seerr.url, "wrong").configure_webhook("http://127.0.0.1:1/x", None)
    assert not seerr.webhook["enabled"]
