"""The parts of Home Assistant's HTTP API the demo uses: onboarding, login, config flows and states.

Everything goes through the endpoints the frontend itself calls, so the demo walks the paths a person does:
the onboarding form, the login page, and the dialogs that add an integration and its services.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from .errors import DemoError

MAX_FLOW_STEPS = 10
"""A flow that shows more forms than this is going in circles."""

type Answers = Mapping[str, Mapping[str, Any]]
"""What to enter in each form of a flow, by the form's step id."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """What `/auth/token` hands out."""

    access_token: str
    refresh_token: str
    expires_in: int


class HomeAssistantApi:
    """A client of one Home Assistant, logged in once `tokens` is set."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Talk to Home Assistant at `url` (no trailing slash)."""
        self.session = session
        self.url = url
        self.tokens: Tokens | None = None

    @property
    def client_id(self) -> str:
        """The OAuth client id the frontend served by this Home Assistant uses: its own URL."""
        return f"{self.url}/"

    # --- logging in --------------------------------------------------------------------------------------------

    async def onboard(self, *, name: str, username: str, password: str) -> Tokens:
        """Create the owner through the onboarding form's endpoint and log in as them."""
        body = {
            "name": name,
            "username": username,
            "password": password,
            "client_id": self.client_id,
            "language": "en",
        }
        created = await self._request("POST", "/api/onboarding/users", json=body, authorized=False)
        return await self._exchange(created["auth_code"])

    async def login(self, username: str, password: str) -> Tokens:
        """Log in as the login page does: a login flow with the Home Assistant auth provider, then a token."""
        start = {
            "client_id": self.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{self.url}/?auth_callback=1",
        }
        flow = await self._request("POST", "/auth/login_flow", json=start, authorized=False)
        answer = {"username": username, "password": password, "client_id": self.client_id}
        result = await self._request("POST", f"/auth/login_flow/{flow['flow_id']}", json=answer, authorized=False)
        if result.get("type") != "create_entry":
            raise DemoError(f"login as {username} failed: {result.get('errors') or result.get('reason')}")
        return await self._exchange(result["result"])

    async def _exchange(self, code: str) -> Tokens:
        form = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        granted = await self._request("POST", "/auth/token", data=form, authorized=False)
        self.tokens = Tokens(granted["access_token"], granted["refresh_token"], int(granted["expires_in"]))
        return self.tokens

    # --- Home Assistant's state --------------------------------------------------------------------------------

    async def wait_until_running(self) -> None:
        """Wait until Home Assistant has set up everything it was configured with (`/api/config` says RUNNING)."""
        # Polled: the state lives in another process (its websocket could push it, at the cost of a subscription).
        while True:
            if (await self._request("GET", "/api/config")).get("state") == "RUNNING":
                return
            await asyncio.sleep(0.5)

    async def states(self) -> list[dict[str, Any]]:
        """Every entity's state."""
        states: list[dict[str, Any]] = await self._request("GET", "/api/states")
        return states

    async def device_id(self, entity_id: str) -> str:
        """The id of the device an entity belongs to (through a template: REST has no device registry view)."""
        async with self.session.post(
            f"{self.url}/api/template",
            json={"template": f"{{{{ device_id('{entity_id}') }}}}"},
            headers=self._headers(),
            timeout=aiohttp.ClientTimeout(total=60),
        ) as reply:
            if reply.status >= 400:
                raise DemoError(f"device of {entity_id}: HTTP {reply.status}")
            return (await reply.text()).strip()

    # --- config flows ------------------------------------------------------------------------------------------

    async def config_flow(self, handler: str, answers: Answers) -> list[dict[str, Any]]:
        """Add an integration as the "Add integration" dialog does; returns every step's result, the entry last."""
        return await self._flow("/api/config/config_entries/flow", {"handler": handler}, answers)

    async def options_flow(self, entry_id: str, answers: Answers) -> list[dict[str, Any]]:
        """Change an entry's options as its "Configure" button does; returns every step's result."""
        return await self._flow("/api/config/config_entries/options/flow", {"handler": entry_id}, answers)

    async def subentry_flow(self, entry_id: str, kind: str, answers: Answers) -> list[dict[str, Any]]:
        """Add a subentry of `kind` to an entry as its "Add service" button does; returns every step's result."""
        return await self._flow("/api/config/config_entries/subentries/flow", {"handler": [entry_id, kind]}, answers)

    async def _flow(self, path: str, start: dict[str, Any], answers: Answers) -> list[dict[str, Any]]:
        """Start a flow and fill in its forms until it creates its entry; a form shown again with errors fails."""
        results = [await self._request("POST", path, json=start)]
        while (form := results[-1])["type"] == "form":
            if form.get("errors") or len(results) > MAX_FLOW_STEPS:
                raise DemoError(f"{start['handler']}: form {form['step_id']} rejected: {form.get('errors')}")
            answer = fill_form(form, answers.get(form["step_id"], {}))
            results.append(await self._request("POST", f"{path}/{form['flow_id']}", json=answer))
        if form["type"] != "create_entry":
            raise DemoError(f"{start['handler']}: the flow ended with {form['type']}: {form.get('reason')}")
        return results

    # --- HTTP --------------------------------------------------------------------------------------------------

    async def _request(self, method: str, path: str, *, authorized: bool = True, **kwargs: Any) -> Any:
        headers = self._headers() if authorized else {}
        async with self.session.request(
            method, f"{self.url}{path}", headers=headers, timeout=aiohttp.ClientTimeout(total=60), **kwargs
        ) as reply:
            if reply.status >= 400:
                raise DemoError(f"{method} {path}: HTTP {reply.status} {(await reply.text())[:300]}")
            return await reply.json()

    def _headers(self) -> dict[str, str]:
        if self.tokens is None:
            raise DemoError("log in first")
        return {"Authorization": f"Bearer {self.tokens.access_token}"}


def fill_form(form: Mapping[str, Any], entered: Mapping[str, Any]) -> dict[str, Any]:
    """What a person submits: the form's defaults, overwritten by what they typed."""
    return {**defaults(form.get("data_schema") or []), **entered}


def defaults(schema: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The values a form shows before anyone types: each field's default, and those of its sections' fields."""
    values: dict[str, Any] = {}
    for field in schema:
        if field.get("type") == "expandable":
            values[field["name"]] = defaults(field.get("schema") or [])
        elif "default" in field:
            values[field["name"]] = field["default"]
    return values
