"""The demo's configuration directory: a minimal configuration, the onboarding state, and the integration."""

from __future__ import annotations

import json
from pathlib import Path
import shutil

from .dashboard import write_dashboard
from .errors import DemoError

MARKER = ".media-request-tracker-demo"
"""A file that marks a directory as the demo's own: only such a directory is wiped at start."""

CONFIGURATION = """\
# Written by the demo (scripts/develop) at every start; changes are lost.
homeassistant:
  name: Media Request Tracker demo
  # A fixed place, time zone and units: Home Assistant asks nothing of the internet to find them.
  latitude: 52.3731
  longitude: 4.8922
  elevation: 0
  unit_system: metric
  time_zone: UTC
  currency: EUR
  country: NL
  language: en
  # The address the integration gives the simulated services for their webhooks.
  internal_url: {url}

http:
  server_host: 127.0.0.1
  server_port: {port}

# The UI (and, through its dependencies, auth, onboarding, dashboards and the websocket API) and the settings
# panel that lists integrations, devices and entities. Not `default_config:`, which adds components that need
# hardware (bluetooth, usb) or the internet (cloud, radio browser, SSDP/zeroconf discovery).
frontend:
config:

logger:
  default: warning
  logs:
    custom_components.media_request_tracker: info
    # Home Assistant's service helper imports the camera component, whose JPEG helper logs an error with a
    # traceback when Debian's libturbojpeg is missing. The demo has no camera.
    homeassistant.components.camera.img_util: critical
"""

ONBOARDING_DONE_BEFORE_START = ("core_config", "analytics", "integration")
"""Onboarding steps marked done before the first start; only the user step is left, for the onboarding API.

The core_config step would set up the integrations Home Assistant suggests to every new installation (weather,
radio browser, text to speech: internet services, and Python packages the demo does not install), and the
analytics step asks about sending usage data. The demo's location and units come from configuration.yaml.
"""


def prepare_config_dir(config_dir: Path, *, port: int, integration_dir: Path) -> None:
    """Create a fresh demo configuration in `config_dir` (emptying it when it is the demo's own)."""
    if config_dir.exists() and any(config_dir.iterdir()) and not (config_dir / MARKER).exists():
        raise DemoError(f"{config_dir} is not empty and not a demo configuration directory: not touching it")
    shutil.rmtree(config_dir, ignore_errors=True)
    storage = config_dir / ".storage"
    storage.mkdir(parents=True)
    (config_dir / MARKER).write_text("Home Assistant configuration of the demo; deleted at every demo start.\n")
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(url=f"http://127.0.0.1:{port}", port=port))
    onboarding = {
        "version": 4,
        "minor_version": 1,
        "key": "onboarding",
        "data": {"done": list(ONBOARDING_DONE_BEFORE_START)},
    }
    (storage / "onboarding").write_text(json.dumps(onboarding, indent=2))
    write_dashboard(storage)
    # A link, not a copy: Home Assistant runs the working tree's code, so an edit shows after a restart.
    custom_components = config_dir / "custom_components"
    custom_components.mkdir()
    (custom_components / integration_dir.name).symlink_to(integration_dir.resolve(), target_is_directory=True)
