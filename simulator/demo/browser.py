"""Headless Chromium driven over the DevTools protocol: a websocket, so no browser-automation package is needed.

Only what the demo's screenshot needs: open a page, type, press Enter, run a script, take a screenshot.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
import contextlib
import itertools
import json
from pathlib import Path
import shutil
import subprocess
import tempfile
from typing import Any

import aiohttp

from .errors import DemoError, MissingPrerequisite

CHROMIUM = "chromium"
"""Debian's package and command."""
FLAGS = (
    "--headless",
    # As root there is no sandbox; the browser only opens Home Assistant on loopback.
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    # The machine may have no network: nothing that phones home (each would be refused, many times a second).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    # Only loopback: a name (a poster's image host, say) resolves to nothing, so no request leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-port=0",
)
START_SECONDS = 30.0

# Every node's text, including the text inside shadow roots (Home Assistant's UI is made of web components).
DEEP_TEXT = """
(() => {
  const parts = [];
  const walk = (node) => {
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) parts.push(child.textContent);
      else walk(child);
    }
  };
  walk(document.documentElement);
  return parts.join(" ").replace(/\\s+/g, " ");
})()
"""

# Focus the n-th text input of the page, looking inside shadow roots.
FOCUS_INPUT = """
((index) => {
  const inputs = [];
  const walk = (root) => {
    for (const element of root.querySelectorAll("*")) {
      if (element.tagName === "INPUT" && element.type !== "hidden" && element.type !== "checkbox") inputs.push(element);
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  walk(document);
  if (inputs.length <= index) return false;
  inputs[index].focus();
  return true;
})(%d)
"""


class Chromium:
    """One headless Chromium with a fresh profile."""

    def __init__(self) -> None:
        """Find the browser (it is started by `start`)."""
        executable = shutil.which(CHROMIUM)
        if executable is None:
            raise MissingPrerequisite("chromium is not installed (scripts/screenshot installs Debian's package)")
        self.executable = executable
        self._profile = Path(tempfile.mkdtemp(prefix="demo-chromium-"))
        self._process: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)

    async def start(self) -> None:
        """Start the browser and connect to its DevTools websocket."""
        self._process = await asyncio.create_subprocess_exec(
            self.executable,
            *FLAGS,
            f"--user-data-dir={self._profile}",
            "about:blank",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = await self._devtools_endpoint()
        self._session = aiohttp.ClientSession()
        self._socket = await self._session.ws_connect(endpoint, max_msg_size=0)
        self._reader = asyncio.create_task(self._read())

    async def _devtools_endpoint(self) -> str:
        """The browser writes its DevTools port and path into the profile once it listens."""
        active = self._profile / "DevToolsActivePort"
        async with asyncio.timeout(START_SECONDS):
            while not (active.exists() and len(lines := active.read_text().split()) >= 2):
                if self._process is not None and self._process.returncode is not None:
                    raise DemoError(f"chromium exited with status {self._process.returncode}")
                await asyncio.sleep(0.1)
        return f"ws://127.0.0.1:{lines[0]}{lines[1]}"

    async def _read(self) -> None:
        """Hand each answer to the call waiting for it (events are not needed)."""
        if self._socket is None:
            return
        async for message in self._socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            future = self._pending.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)

    async def send(self, method: str, params: Mapping[str, Any] | None = None, session: str | None = None) -> Any:
        """Call a DevTools method (in a page's `session`, or the browser's) and return its result."""
        if self._socket is None:
            raise DemoError("chromium is not started")
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": dict(params or {})}
        if session is not None:
            message["sessionId"] = session
        future = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self._socket.send_json(message)
        answer = await future
        if "error" in answer:
            raise DemoError(f"chromium: {method}: {answer['error'].get('message')}")
        return answer.get("result", {})

    async def new_page(self, width: int, height: int) -> Page:
        """A new tab of `width` x `height` CSS pixels."""
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
        page = Page(self, attached["sessionId"])
        await page.call("Page.enable")
        await page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return page

    async def stop(self) -> None:
        """Close the browser and delete its profile."""
        if self._socket is not None:
            with contextlib.suppress(DemoError, aiohttp.ClientError, ConnectionError):
                await asyncio.wait_for(self.send("Browser.close"), 5)
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
        if self._session is not None:
            await self._session.close()
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await self._process.wait()
        shutil.rmtree(self._profile, ignore_errors=True)


class Page:
    """A tab."""

    def __init__(self, browser: Chromium, session: str) -> None:
        """Drive the tab of DevTools session `session`."""
        self.browser = browser
        self.session = session

    async def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call a DevTools method in this tab."""
        return await self.browser.send(method, params, self.session)

    async def open(self, url: str) -> None:
        """Navigate to `url`."""
        await self.call("Page.navigate", {"url": url})

    async def navigate_in_app(self, path: str) -> None:
        """Go to `path` inside the running web app, as its own links do (no reload, so no new login)."""
        changed = "window.dispatchEvent(new CustomEvent('location-changed'))"
        await self.evaluate(f"history.pushState(null, '', {json.dumps(path)}); {changed}")

    async def evaluate(self, expression: str) -> Any:
        """Run a script in the page and return its value."""
        result = await self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    async def text(self) -> str:
        """Every text the page shows, shadow roots included."""
        return str(await self.evaluate(DEEP_TEXT) or "")

    async def wait_for_text(self, *texts: str, seconds: float) -> None:
        """Wait until the page shows every one of `texts`."""
        try:
            async with asyncio.timeout(seconds):
                # Polled: the page lives in another process, and a DevTools event for "text shown" does not exist.
                while True:
                    shown = await self.text()
                    if all(text in shown for text in texts):
                        return
                    await asyncio.sleep(0.25)
        except TimeoutError as err:
            raise DemoError(f"the page did not show {texts} within {seconds:.0f} s") from err

    async def type_into(self, input_index: int, text: str) -> None:
        """Type `text` into the page's `input_index`-th text field, as a keyboard would."""
        if not await self.evaluate(FOCUS_INPUT % input_index):
            raise DemoError(f"the page has no text field number {input_index + 1}")
        await self.call("Input.insertText", {"text": text})

    async def press_enter(self) -> None:
        """Press and release Enter."""
        key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13}
        await self.call("Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", **key})
        await self.call("Input.dispatchKeyEvent", {"type": "keyUp", **key})

    async def screenshot(self, path: Path) -> None:
        """Save what the tab shows as a PNG."""
        shot = await self.call("Page.captureScreenshot", {"format": "png"})
        await asyncio.to_thread(_write, path, base64.b64decode(shot["data"]))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
