"""The card in a browser: headless Chromium on the real Home Assistant of `scripts/develop`, its demo playing.

The card is on the demo's dashboard (storage mode, resource registered by the integration). The test logs in as a
person does, then checks that the card is in the card picker, shows the demo's requests, moves a download's progress
bar without a reload, opens a request's timeline on a click, and that its "Mark available" button works. It saves
screenshots in light and dark themes and at phone width (to $CARD_SCREENSHOTS, e.g. docs/, or a temporary
directory), and prints the card's bundle size and its time to first render.

Skipped, saying why, when Chromium (scripts/install-chromium), the venv's `hass` or Home Assistant's frontend
package is missing.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import suppress
import gzip
import json
import os
from pathlib import Path
import shutil
import sys
from typing import Any

import pytest

from custom_components.media_request_tracker.card import CARD_FILE, CARD_URL
from simulator.demo.browser import Chromium, Page
from simulator.demo.runner import Demo, DemoOptions, running_demo
from simulator.demo.scenario import AWAITING_APPROVAL, MOVIE, SEASON_PACK
from simulator.demo.screenshot import free_port, log_in, wait_until_available

from .test_develop import skip_without_prerequisites

CARD_TAG = "media-request-tracker-card"
PAGE_SECONDS = 90.0
"""How long the UI may take to log in and draw the card (the first load compiles a lot of JavaScript)."""
PROGRESS_SECONDS = 90.0
"""How long a running download may take to show more progress (the tracker writes progress every 30 s)."""
ACTION_SECONDS = 30.0
DESKTOP = (1280, 900)
PHONE = (400, 860)

# The card's rendered requests, read from its shadow root (Home Assistant nests it in many shadow roots).
READ_CARD = """
(() => {
  const find = (root) => {
    const here = root.querySelector("%(tag)s");
    if (here) return here;
    for (const element of root.querySelectorAll("*")) {
      if (element.shadowRoot) { const found = find(element.shadowRoot); if (found) return found; }
    }
    return null;
  };
  const card = find(document);
  if (!card || !card.shadowRoot) return null;
  window.__card = card;
  const box = card.getBoundingClientRect();
  return {
    box: {x: box.x, y: box.y, width: box.width, height: box.height},
    requests: [...card.shadowRoot.querySelectorAll("li[data-entity-id]")].map((item) => ({
      entity_id: item.dataset.entityId,
      title: item.querySelector(".title")?.textContent.trim(),
      stage: item.querySelector(".stage")?.textContent.trim(),
      current_step: item.querySelector(".step.current")?.dataset.stage ?? null,
      progress: item.querySelector("[role=progressbar]")?.getAttribute("aria-valuenow") ?? null,
      timeline: [...item.querySelectorAll(".timeline li")].map((entry) => ({
        stage: entry.dataset.stage, inferred: entry.classList.contains("inferred"),
      })),
      actions: [...item.querySelectorAll(".actions button")].map((button) => button.dataset.action),
      outcome: item.querySelector(".outcome")?.textContent.trim() ?? null,
    })),
  };
})()
""".replace("%(tag)s", CARD_TAG)

CLICK = """
((entityId, selector) => {
  const element = window.__card.shadowRoot.querySelector(`li[data-entity-id="${entityId}"] ${selector}`);
  if (!element) return false;
  element.click();
  return true;
})(%s, %s)
"""

# The card picker: the dashboard's edit mode (as its menu's "Edit dashboard" sets it), then its "Add card" button.
OPEN_CARD_PICKER = """
(() => {
  const find = (root, test) => {
    for (const element of root.querySelectorAll("*")) {
      if (test(element)) return element;
      if (element.shadowRoot) { const found = find(element.shadowRoot, test); if (found) return found; }
    }
    return null;
  };
  const root = find(document, (element) => element.tagName === "HUI-ROOT");
  if (!root || !root.lovelace) return false;
  if (!root.lovelace.editMode) root.lovelace.setEditMode(true);
  const fab = find(document, (element) => element.tagName === "HA-FAB");
  if (!fab) return false;
  fab.click();
  return true;
})()
"""

# The picker lists custom cards last, drawn as they scroll into view: search for the card as a person would.
FOCUS_PICKER_SEARCH = """
(() => {
  const find = (root, test) => {
    for (const element of root.querySelectorAll("*")) {
      if (test(element)) return element;
      if (element.shadowRoot) { const found = find(element.shadowRoot, test); if (found) return found; }
    }
    return null;
  };
  const picker = find(document, (element) => element.tagName === "HUI-CARD-PICKER");
  const input = picker && find(picker.shadowRoot || picker, (element) => element.tagName === "INPUT");
  if (!input) return false;
  input.focus();
  return true;
})()
"""


# The picker shows the card by its name, with a live preview of it (`preview: true` in window.customCards).
PICKER_OFFERS_THE_CARD = """
(() => {
  const find = (root, test) => {
    for (const element of root.querySelectorAll("*")) {
      if (test(element)) return element;
      if (element.shadowRoot) { const found = find(element.shadowRoot, test); if (found) return found; }
    }
    return null;
  };
  const picker = find(document, (element) => element.tagName === "HUI-CARD-PICKER");
  if (!picker) return false;
  const preview = find(picker.shadowRoot || picker, (element) => element.tagName === "%(tag)s");
  return Boolean(preview) && (picker.shadowRoot || picker).textContent.includes("Media requests");
})()
""".replace("%(tag)s", CARD_TAG.upper())


@pytest.fixture
async def demo(tmp_path: Path, socket_enabled: None) -> AsyncIterator[Demo]:
    """The demo (as scripts/develop runs it), on a free port, not playing yet."""
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed: scripts/install-chromium (as root) installs Debian's package")
    skip_without_prerequisites()
    hass = Path(sys.executable).parent / "hass"
    options = DemoOptions(port=free_port(), config_dir=tmp_path / "config", hass=hass)
    async with running_demo(options, lambda line: None) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Chromium]:
    chromium = Chromium()
    await chromium.start()
    try:
        yield chromium
    finally:
        await chromium.stop()


def screenshot_dir(tmp_path: Path) -> Path:
    configured = os.environ.get("CARD_SCREENSHOTS")
    return Path(configured).resolve() if configured else tmp_path


async def read_card(page: Page) -> dict[str, Any] | None:
    card: dict[str, Any] | None = await page.evaluate(READ_CARD)
    return card


async def wait_for_card(page: Page, seconds: float, condition: Any, what: str) -> dict[str, Any]:
    """Read the card until `condition(card)` holds; fail saying `what` did not happen."""
    card: dict[str, Any] | None = None
    try:
        async with asyncio.timeout(seconds):
            while True:
                card = await read_card(page)
                if card is not None and condition(card):
                    return card
                # Polled: the page lives in another process, and DevTools has no "card redrawn" event.
                await asyncio.sleep(0.25)
    except TimeoutError:
        pytest.fail(f"{what} within {seconds:.0f} s; the card shows {json.dumps(card, indent=1)}")


def by_title(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {request["title"]: request for request in card["requests"]}


async def click(page: Page, entity_id: str, selector: str) -> None:
    assert await page.evaluate(CLICK % (json.dumps(entity_id), json.dumps(selector))), f"no {selector} for {entity_id}"


async def save_card(page: Page, card: dict[str, Any], path: Path) -> None:
    """Save the part of the page the card covers, with a margin."""
    box, margin = card["box"], 12
    clip = {
        "x": max(0, box["x"] - margin),
        "y": max(0, box["y"] - margin),
        "width": box["width"] + 2 * margin,
        "height": box["height"] + 2 * margin,
        "scale": 1,
    }
    shot = await page.call("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})
    await asyncio.to_thread(_write, path, base64.b64decode(shot["data"]))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def set_dark(page: Page, *, dark: bool) -> None:
    """The system's colour scheme, which Home Assistant's default theme follows."""
    value = "dark" if dark else "light"
    await page.call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": value}]})


async def set_width(page: Page, width: int, height: int, *, mobile: bool) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
    await page.call("Emulation.setDeviceMetricsOverride", metrics)


async def figures(page: Page) -> dict[str, float]:
    """The card's bundle (as served, and gzipped) and when it first rendered, from the page's own timings."""
    timings = await page.evaluate(
        f"""(() => {{
          const mark = performance.getEntriesByName("{CARD_TAG}:first-render")[0];
          const file = performance.getEntriesByType("resource").find((entry) => entry.name.includes("{CARD_URL}"));
          return {{first_render_ms: mark ? mark.startTime : null, bundle_load_ms: file ? file.duration : null}};
        }})()"""
    )
    raw = CARD_FILE.read_bytes()
    return {"bundle_bytes": len(raw), "bundle_gzip_bytes": len(gzip.compress(raw, 9)), **timings}


@pytest.mark.demo
@pytest.mark.timeout(600)
async def test_the_card_in_a_browser(demo: Demo, browser: Chromium, tmp_path: Path) -> None:
    shots = screenshot_dir(tmp_path)
    page = await browser.new_page(*DESKTOP)
    await set_dark(page, dark=False)
    await log_in(page, f"{demo.options.url}/lovelace/0")
    await wait_for_card(page, PAGE_SECONDS, lambda card: True, "the card did not appear on the demo's dashboard")
    measured = await figures(page)
    assert measured["first_render_ms"] is not None, "the card never marked its first render"
    # A marker that a reload would lose: every later check happens in this same document.
    await page.evaluate("window.__sameDocument = true")

    playing = asyncio.create_task(demo.play(lambda line: None))
    try:
        await _check_the_requests_and_progress(page)
        await wait_until_available(demo, MOVIE.name)
        card = await wait_for_card(
            page, ACTION_SECONDS, lambda c: by_title(c)[MOVIE.title]["stage"] == "Available", "the movie stayed"
        )
        await save_card(page, card, shots / "card-light.png")

        await _check_the_timeline(page, demo, card)
        await set_dark(page, dark=True)
        await asyncio.sleep(1)  # the theme's colours apply on the next frame
        await save_card(page, await _card(page), shots / "card-dark.png")
        await set_dark(page, dark=False)
        await set_width(page, *PHONE, mobile=True)
        await asyncio.sleep(1)  # the dashboard lays out again for the narrow screen
        await page.screenshot(shots / "card-phone.png")
        await set_width(page, *DESKTOP, mobile=False)

        await _check_mark_available(page, demo)
        assert await page.evaluate("window.__sameDocument === true"), "the page was reloaded"
        await _check_the_card_picker(page, shots)
    finally:
        playing.cancel()
        with suppress(asyncio.CancelledError):
            await playing

    sys.stdout.write(f"\ncard figures: {json.dumps(measured)}\nscreenshots: {shots}\n")


async def _card(page: Page) -> dict[str, Any]:
    card = await read_card(page)
    assert card is not None
    return card


async def _check_the_requests_and_progress(page: Page) -> None:
    """Every demo request is listed (newest first), and the season pack's progress bar moves on its own."""
    names = {MOVIE.title, SEASON_PACK.title}
    card = await wait_for_card(
        page,
        PAGE_SECONDS,
        lambda c: names <= set(by_title(c)) and by_title(c)[SEASON_PACK.title]["progress"] is not None,
        "the season pack's download did not show a progress bar",
    )
    first = float(by_title(card)[SEASON_PACK.title]["progress"])
    card = await wait_for_card(
        page,
        PROGRESS_SECONDS,
        lambda c: float(by_title(c)[SEASON_PACK.title]["progress"] or 0) > first,
        f"the season pack's progress bar did not move on from {first} %",
    )
    assert by_title(card)[SEASON_PACK.title]["current_step"] == "downloading"
    card = await wait_for_card(
        page, PAGE_SECONDS, lambda c: AWAITING_APPROVAL.title in by_title(c), "the request awaiting approval is missing"
    )
    # Newest first: the request made last heads the list.
    assert card["requests"][0]["title"] == AWAITING_APPROVAL.title


async def _check_the_timeline(page: Page, demo: Demo, card: dict[str, Any]) -> None:
    """A click on the movie opens its timeline, as the sensor's `timeline` attribute has it (newest first)."""
    movie = by_title(card)[MOVIE.title]
    await click(page, movie["entity_id"], ".request")
    state = next(s for s in await demo.api.states() if s["entity_id"] == movie["entity_id"])
    expected = [{"stage": e["stage"], "inferred": e["inferred"]} for e in reversed(state["attributes"]["timeline"])]
    card = await wait_for_card(
        page,
        ACTION_SECONDS,
        lambda c: len(by_title(c)[MOVIE.title]["timeline"]) == len(expected),
        "the movie's timeline did not open",
    )
    assert by_title(card)[MOVIE.title]["timeline"] == expected
    assert expected[0]["stage"] == "available"


async def _check_mark_available(page: Page, demo: Demo) -> None:
    """The request awaiting approval, marked available with the card's button: the action runs in Home Assistant."""
    card = await _card(page)
    waiting = by_title(card)[AWAITING_APPROVAL.title]
    assert waiting["stage"] == "Requested"
    await click(page, waiting["entity_id"], ".request")
    card = await wait_for_card(
        page,
        ACTION_SECONDS,
        lambda c: "mark_available" in by_title(c)[AWAITING_APPROVAL.title]["actions"],
        "the request's actions did not show",
    )
    assert {"approve", "decline", "remove"} <= set(by_title(card)[AWAITING_APPROVAL.title]["actions"])
    await click(page, waiting["entity_id"], 'button[data-action="mark_available"]')
    await wait_for_card(
        page,
        ACTION_SECONDS,
        lambda c: (
            by_title(c)[AWAITING_APPROVAL.title]["stage"] == "Available"
            and by_title(c)[AWAITING_APPROVAL.title]["outcome"] == "Done"
        ),
        "Mark available did not make the request available",
    )
    assert (await demo.request_stages())[AWAITING_APPROVAL.name] == "available"


async def _check_the_card_picker(page: Page, shots: Path) -> None:
    """In the dashboard's edit mode, "Add card" lists the card (from window.customCards) by its name, previewed."""
    registered = await page.evaluate(f"(window.customCards || []).map((card) => card.type).includes('{CARD_TAG}')")
    assert registered, "the card is not in window.customCards"
    try:
        async with asyncio.timeout(PAGE_SECONDS):
            while True:
                if await page.evaluate(OPEN_CARD_PICKER):
                    break
                await asyncio.sleep(0.25)  # polled, as the card: the edit mode draws its button when it is ready
            while True:
                if await page.evaluate(FOCUS_PICKER_SEARCH):
                    break
                await asyncio.sleep(0.25)
        await page.call("Input.insertText", {"text": "Media requests"})
        async with asyncio.timeout(PAGE_SECONDS):
            while True:
                if await page.evaluate(PICKER_OFFERS_THE_CARD):
                    break
                await asyncio.sleep(0.25)
        await page.screenshot(shots / "card-picker.png")
    except TimeoutError as err:
        await page.screenshot(shots / "card-picker-failed.png")
        pytest.fail(f"the card picker does not offer the card: {err!r}")
