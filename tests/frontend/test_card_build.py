"""The committed card is what its source builds to: HACS installs the committed file, people read the source.

The source (`frontend/`, without its `node_modules`) is copied to a temporary directory, its pinned packages are
installed with `npm ci --offline` from npm's cache (scripts/setup fills it; tests reach no registry) and built
there; the bundle must equal the committed file byte for byte. Skipped, saying why, only when node or npm is missing.
"""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess

import pytest

from custom_components.media_request_tracker.card import CARD_FILE
from tests.conftest import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "frontend"
NPM_SECONDS = 600


def _npm(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    assert npm is not None
    return subprocess.run(  # noqa: S603  # npm with fixed arguments
        [npm, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=NPM_SECONDS
    )


@pytest.mark.timeout(NPM_SECONDS * 2)
def test_the_committed_card_is_what_the_source_builds_to(tmp_path: Path) -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed, so the card cannot be built (Debian: apt-get install nodejs npm)")
    work = tmp_path / "frontend"
    shutil.copytree(SOURCE, work, ignore=shutil.ignore_patterns("node_modules"))

    installed = _npm(["ci", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], work)
    assert installed.returncode == 0, f"npm ci failed:\n{installed.stdout}\n{installed.stderr}"
    checked = _npm(["run", "--silent", "check"], work)
    assert checked.returncode == 0, f"the card's TypeScript does not type-check:\n{checked.stdout}\n{checked.stderr}"
    built = _npm(["run", "--silent", "build", "--", str(tmp_path / "card.js")], work)
    assert built.returncode == 0, f"the build failed:\n{built.stdout}\n{built.stderr}"

    assert (tmp_path / "card.js").read_bytes() == CARD_FILE.read_bytes(), (
        f"{CARD_FILE.relative_to(PROJECT_ROOT)} is not what frontend/ builds to: run scripts/build-card and commit it"
    )
