"""`python -m simulator.demo` (run by `scripts/develop`): the demo, until Ctrl-C or, with `--once`, until done.

Exit status: 0 when it ran (and, with `--once`, every request reached the stage the demo ends with), 1 when it
failed, 3 when the machine lacks something it needs (no venv, the port is taken).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import signal
import sys

from .errors import EXIT_FAILED, EXIT_MISSING, DemoError, MissingPrerequisite
from .runner import DEMO_PASSWORD, DEMO_USERNAME, PROJECT_ROOT, Demo, DemoOptions, running_demo, say

SETTLE_SECONDS = 30.0
"""With --once: how long the requests may take to show their last stage after the last step was played."""


def parse_args(argv: list[str] | None) -> tuple[DemoOptions, bool]:
    """The options, and whether to exit once the demo has played."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Run Home Assistant with this integration and play simulated media requests through it.",
    )
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant's port on 127.0.0.1 (8123)")
    parser.add_argument(
        "--config",
        type=Path,
        default=PROJECT_ROOT / ".develop" / "config",
        help="Home Assistant's configuration directory, emptied at every start (.develop/config)",
    )
    parser.add_argument(
        "--once", action="store_true", help="stop when every request has reached its last stage (status 1 if not)"
    )
    args = parser.parse_args(argv)
    hass = Path(sys.executable).parent / "hass"
    return DemoOptions(port=args.port, config_dir=args.config.resolve(), hass=hass), args.once


def banner(demo: Demo) -> None:
    """Where to look and how to log in."""
    url = demo.options.url
    say(f"Home Assistant is ready: {url}")
    say(f"  user:     {DEMO_USERNAME}")
    say(f"  password: {DEMO_PASSWORD}")
    say(f"  requests: {url}/config/entities?domain=media_request_tracker")
    say(f"  log:      {demo.hass.log_file}")
    say(f"Playing {len(demo.scenario.expected)} requests; the movie is available after about a minute. Ctrl-C stops.")


async def run(options: DemoOptions, *, once: bool) -> int:
    """Start the demo, play it, and either check the outcome (`once`) or keep serving until cancelled."""
    async with running_demo(options, say) as demo:
        banner(demo)
        await demo.play(say)
        if not once:
            say("The demo has played; Home Assistant keeps running until Ctrl-C.")
            await asyncio.Event().wait()
        missing = await demo.wait_for_expected_stages(SETTLE_SECONDS)
        for name, stage in missing.items():
            say(f"error: {name} shows {stage}, not {demo.scenario.expected[name]}")
        if not missing:
            say("Every request reached its last stage.")
        return EXIT_FAILED if missing else 0


async def _main(options: DemoOptions, *, once: bool) -> int:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def stop() -> None:
        # The first Ctrl-C stops the demo in order; more of them must not interrupt that.
        if task is not None and not task.cancelling():
            task.cancel()

    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop)
    try:
        return await run(options, once=once)
    except asyncio.CancelledError:
        say("Stopped.")
        return 0


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the exit status."""
    options, once = parse_args(argv)
    try:
        return asyncio.run(_main(options, once=once))
    except MissingPrerequisite as err:
        sys.stderr.write(f"scripts/develop: {err}\n")
        return EXIT_MISSING
    except DemoError as err:
        sys.stderr.write(f"scripts/develop: {err}\n")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
