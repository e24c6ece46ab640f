"""The demo's parts that need no Home Assistant: its configuration directory and how it fills in forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.demo.api import fill_form
from simulator.demo.config import MARKER, prepare_config_dir
from simulator.demo.errors import DemoError
from simulator.demo.scenario import DemoScenario
from simulator.demo.stack import DemoStack

INTEGRATION = Path(__file__).resolve().parents[2] / "custom_components" / "media_request_tracker"


def test_the_config_dir_is_minimal_and_runs_the_working_tree(tmp_path: Path) -> None:
    config = tmp_path / "config"
    prepare_config_dir(config, port=8124, integration_dir=INTEGRATION)
    configuration = (config / "configuration.yaml").read_text()
    assert "server_port: 8124" in configuration
    assert "internal_url: http://127.0.0.1:8124" in configuration
    assert "default_config" not in configuration.replace("Not `default_config:`", "")
    assert (config / "custom_components" / "media_request_tracker").resolve() == INTEGRATION
    onboarding = json.loads((config / ".storage" / "onboarding").read_text())
    assert "user" not in onboarding["data"]["done"], "the demo user is created through the onboarding API"


def test_a_second_start_begins_afresh(tmp_path: Path) -> None:
    config = tmp_path / "config"
    prepare_config_dir(config, port=8123, integration_dir=INTEGRATION)
    (config / ".storage" / "auth").write_text("{}")
    prepare_config_dir(config, port=8123, integration_dir=INTEGRATION)
    assert not (config / ".storage" / "auth").exists()
    assert (config / MARKER).exists()


def test_a_directory_that_is_not_the_demos_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "configuration.yaml").write_text("homeassistant:\n")
    with pytest.raises(DemoError, match="not a demo configuration directory"):
        prepare_config_dir(tmp_path, port=8123, integration_dir=INTEGRATION)
    assert (tmp_path / "configuration.yaml").read_text() == "homeassistant:\n"


def test_a_form_is_submitted_with_its_defaults_sections_included() -> None:
    form = {
        "data_schema": [
            {"name": "retention_hours", "required": True, "default": 72},
            {"name": "qbittorrent_slow_seconds", "required": True, "default": 60},
            {"name": "url", "required": True},
            {
                "name": "stall_minutes",
                "type": "expandable",
                "schema": [{"name": "grabbing", "default": 30}, {"name": "importing", "default": 60}],
            },
        ]
    }
    assert fill_form(form, {"qbittorrent_slow_seconds": 10, "url": "http://x"}) == {
        "retention_hours": 72,
        "qbittorrent_slow_seconds": 10,
        "url": "http://x",
        "stall_minutes": {"grabbing": 30, "importing": 60},
    }


def test_the_scenario_plays_in_order_within_two_minutes() -> None:
    scenario = DemoScenario(DemoStack())
    steps = scenario.steps()
    assert [step.at for step in steps] == sorted(step.at for step in steps)
    assert steps[-1].at <= 110
    assert set(scenario.expected.values()) == {"available", "requested"}
