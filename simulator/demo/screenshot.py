"""`python -m simulator.demo.screenshot` (run by `scripts/screenshot`): photograph the demo in headless Chromium.

It starts the demo (on a free port and a configuration directory of its own, so a running `scripts/develop` is not
disturbed), waits until the movie is available while the season pack still downloads, logs in on Home Assistant's
login page with the demo user, and saves the entities page filtered to the integration and the tracker's device
page (which shows each request's stage) as PNGs.

Exit status as `python -m simulator.demo`: 0 saved, 1 failed, 3 something it needs is missing.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import suppress
from pathlib import Path
import socket
import sys

from .browser import Chromium, Page
from .errors import EXIT_FAILED, EXIT_MISSING, DemoError, MissingPrerequisite
from .runner import DEMO_PASSWORD, DEMO_USERNAME, PROJECT_ROOT, Demo, DemoOptions, running_demo, say
from .scenario import MOVIE

WIDTH, HEIGHT = 1440, 900
PAGE_SECONDS = 60.0
"""How long the UI may take to log in and show the requests (the first load compiles a lot of JavaScript)."""
AVAILABLE_SECONDS = 150.0
"""How long the movie may take to become available (about a minute in the scenario)."""


def parse_args(argv: list[str] | None) -> tuple[Path, Path]:
    """The directory the PNGs go to, and the configuration directory to use."""
    parser = argparse.ArgumentParser(prog="scripts/screenshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs", help="where the PNGs go (docs/)")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / ".develop" / "screenshot-config")
    args = parser.parse_args(argv)
    return args.output.resolve(), args.config.resolve()


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_until_available(demo: Demo, name: str) -> None:
    """Wait until Home Assistant shows the request `name` as available."""
    try:
        async with asyncio.timeout(AVAILABLE_SECONDS):
            while True:
                if (await demo.request_stages()).get(name) == "available":
                    return
                await asyncio.sleep(1)
    except TimeoutError as err:
        raise DemoError(f"{name} did not become available within {AVAILABLE_SECONDS:.0f} s") from err


async def log_in(page: Page, url: str) -> None:
    """Open `url`; Home Assistant sends the browser to its login page, where the demo user logs in."""
    await page.open(url)
    await page.wait_for_text("Username", "Password", seconds=PAGE_SECONDS)
    await page.type_into(0, DEMO_USERNAME)
    await page.type_into(1, DEMO_PASSWORD)
    await page.press_enter()


async def photograph(demo: Demo, output: Path) -> list[Path]:
    """Log in; save the entities page filtered to the integration, then the tracker's device page."""
    names = list(demo.scenario.expected)
    device = await tracker_device(demo)
    browser = Chromium()
    await browser.start()
    try:
        page = await browser.new_page(WIDTH, HEIGHT)
        await log_in(page, f"{demo.options.url}/config/entities?domain=media_request_tracker")
        await page.wait_for_text(*names, seconds=PAGE_SECONDS)
        await _settle()
        await page.screenshot(entities := output / "demo-entities.png")
        await page.navigate_in_app(f"/config/devices/device/{device}")
        await page.wait_for_text(*names, "Available", "Downloading", seconds=PAGE_SECONDS)
        await _settle()
        await page.screenshot(device_page := output / "demo-device.png")
    finally:
        await browser.stop()
    return [entities, device_page]


async def tracker_device(demo: Demo) -> str:
    """The tracker's device (every request sensor belongs to it)."""
    states = await demo.api.states()
    entity_id = next(state["entity_id"] for state in states if "timeline" in state["attributes"])
    return await demo.api.device_id(entity_id)


async def _settle() -> None:
    """Let the page finish laying out: icons and badges arrive after the text."""
    await asyncio.sleep(2)


async def run(output: Path, config_dir: Path) -> None:
    """Start the demo, photograph it midway, stop it."""
    hass = Path(sys.executable).parent / "hass"
    options = DemoOptions(port=free_port(), config_dir=config_dir, hass=hass)
    async with running_demo(options, say) as demo:
        playing = asyncio.create_task(demo.play(say))
        try:
            await wait_until_available(demo, MOVIE.name)
            for saved in await photograph(demo, output):
                say(f"Saved {saved}")
        finally:
            playing.cancel()
            with suppress(asyncio.CancelledError):
                await playing


def main(argv: list[str] | None = None) -> int:
    """Take the screenshot; returns the exit status."""
    output, config_dir = parse_args(argv)
    try:
        asyncio.run(run(output, config_dir))
    except MissingPrerequisite as err:
        sys.stderr.write(f"scripts/screenshot: {err}\n")
        return EXIT_MISSING
    except DemoError as err:
        sys.stderr.write(f"scripts/screenshot: {err}\n")
        return EXIT_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
