"""Where benchmark results go: bench/results/<name>.txt, headed by the machine they ran on."""

from __future__ import annotations

from datetime import UTC, datetime
import os
from pathlib import Path
import platform
import sys

RESULTS = Path(__file__).parent / "results"


def machine() -> str:
    """The machine, as a line: CPU model, cores, Python and Home Assistant versions."""
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415 - only when a result is written

    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line]
        model = names[0] if names else model
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {sys.version.split()[0]}, Home Assistant {ha_version}"
    )


def write_result(name: str, text: str) -> Path:
    """Print the result and write it to bench/results/<name>.txt with the date and machine."""
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.txt"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    path.write_text(f"{stamp} on {machine()}\n\n{text}\n", encoding="utf-8")
    return path
