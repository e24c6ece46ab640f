"""Trace v1 as the replay reads it: well-formed traces parse, malformed ones are refused naming the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator import replay
from simulator.trace_format import Step, TraceError, load_trace, parse_trace

from .support import run_replay

HEADER: dict[str, Any] = {
    "trace": 1,
    "services": [
        {"id": "seerr", "type": "seerr"},
        {"id": "radarr", "type": "radarr"},
        {"id": "radarr4k", "type": "radarr"},
        {"id": "qbit", "type": "qbittorrent"},
        {"id": "jellyfin", "type": "jellyfin"},
        {"id": "shoko", "type": "shoko"},
    ],
    "options": {"retention_hours": 72},
}


def trace(*lines: Any, header: Any = HEADER) -> str:
    """A trace's text: the header, then each line (objects are encoded, strings taken as they are)."""
    encoded = [line if isinstance(line, str) else json.dumps(line) for line in (header, *lines)]
    return "\n".join(encoded) + "\n"


def error_of(text: str) -> TraceError:
    with pytest.raises(TraceError) as caught:
        parse_trace(text)
    return caught.value


# --- well-formed traces ---------------------------------------------------------------------------------------


def test_every_action_parses_in_order() -> None:
    parsed = parse_trace(
        trace(
            {"at": 0, "state": "qbit", "torrents": [{"hash": "abc", "progress": 0.5}]},
            {"at": 1, "webhook": "radarr", "body": {"eventType": "Grab"}, "headers": {"User-Agent": "Radarr"}},
            {"at": 1, "signalr": "shoko", "event": "ShokoEvent:FileMatched", "args": [{"FileID": 1}]},
            {"at": 2.5, "down": "jellyfin"},
            {"at": 3, "up": "jellyfin"},
            {"at": 4, "restart": True},
            {"at": 5, "state": "shoko", "series": [{"IDs": {"ID": 7}}]},
        )
    )
    assert [service.id for service in parsed.services] == ["seerr", "radarr", "radarr4k", "qbit", "jellyfin", "shoko"]
    assert parsed.options == {"retention_hours": 72}
    assert [(step.line, step.at, step.action, step.service) for step in parsed.steps] == [
        (2, 0.0, "state", "qbit"),
        (3, 1.0, "webhook", "radarr"),
        (4, 1.0, "signalr", "shoko"),
        (5, 2.5, "down", "jellyfin"),
        (6, 3.0, "up", "jellyfin"),
        (7, 4.0, "restart", None),
        (8, 5.0, "state", "shoko"),
    ]
    state, webhook, signalr = parsed.steps[:3]
    assert (state.collection, state.items) == ("torrents", ({"hash": "abc", "progress": 0.5},))
    assert (webhook.body, dict(webhook.headers)) == ({"eventType": "Grab"}, {"User-Agent": "Radarr"})
    assert (signalr.event, signalr.args) == ("ShokoEvent:FileMatched", ({"FileID": 1},))


def test_blank_lines_are_ignored_but_counted() -> None:
    text = "\n" + trace({"at": 1, "down": "seerr"}).replace("\n", "\n\n   \n", 1)
    (step,) = parse_trace(text).steps
    assert step == Step(line=5, at=1.0, action="down", service="seerr")


def test_options_and_events_are_optional() -> None:
    parsed = parse_trace(trace(header={"trace": 1, "services": []}))
    assert (parsed.services, parsed.options, parsed.steps) == ((), {}, ())


def test_a_webhook_body_is_taken_as_the_service_sent_it() -> None:
    """Even a body Home Assistant will refuse: reproducing that is what a trace is for."""
    (step,) = parse_trace(trace({"at": 0, "webhook": "seerr", "body": [1, 2]})).steps
    assert step.body == [1, 2]


def test_load_trace_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(trace({"at": 0, "restart": True}))
    assert load_trace(path).steps[0].action == "restart"
    with pytest.raises(TraceError, match="cannot read"):
        load_trace(tmp_path / "missing.jsonl")


# --- malformed traces -----------------------------------------------------------------------------------------

MALFORMED = [
    pytest.param("", "line 1: the trace is empty", id="empty"),
    pytest.param(trace('{"at": 1, "down": "seerr"'), "line 2: not valid JSON", id="bad-json"),
    pytest.param(trace('{"at": NaN, "down": "seerr"}'), "line 2: not valid JSON: NaN is not a JSON number", id="nan"),
    pytest.param(trace("[1, 2]"), "line 2: expected a JSON object, got a list", id="not-an-object"),
    pytest.param(json.dumps({"at": 0, "restart": True}), "line 1: the first line must be the header", id="no-header"),
    pytest.param(trace(header={**HEADER, "trace": 2}), "line 1: trace version 2 is not supported", id="version"),
    pytest.param(trace(header={**HEADER, "services": {}}), 'line 1: "services" must be a list', id="services"),
    pytest.param(
        trace(header={"trace": 1, "services": [{"id": "x", "type": "sabnzbd"}]}),
        'line 1: services[0] (x) has unknown type "sabnzbd"',
        id="unknown-type",
    ),
    pytest.param(
        trace(header={"trace": 1, "services": [{"id": "a", "type": "seerr"}, {"id": "a", "type": "radarr"}]}),
        "line 1: service id 'a' is declared twice",
        id="duplicate-id",
    ),
    pytest.param(trace(header={**HEADER, "extra": 1}), "line 1: unknown key in the header: extra", id="header-key"),
    pytest.param(trace({"down": "seerr"}), 'line 2: no "at"', id="no-at"),
    pytest.param(trace({"at": -1, "down": "seerr"}), 'line 2: "at" must be a number of seconds >= 0', id="negative"),
    pytest.param(trace({"at": "1", "down": "seerr"}), 'line 2: "at" must be a number', id="at-string"),
    pytest.param(trace({"at": True, "down": "seerr"}), 'line 2: "at" must be a number', id="at-bool"),
    pytest.param(
        trace({"at": 5, "down": "seerr"}, "", {"at": 4, "up": "seerr"}),
        'line 4: "at" 4 is before the previous line\'s 5',
        id="decreasing",
    ),
    pytest.param(trace({"at": 1}), "line 2: no action", id="no-action"),
    pytest.param(
        trace({"at": 1, "down": "seerr", "up": "seerr"}), "line 2: several actions (down, up)", id="two-actions"
    ),
    pytest.param(
        trace({"at": 1, "webhook": "sonarr", "body": {}}),
        "line 2: unknown service 'sonarr' (the header declares: seerr, radarr, radarr4k, qbit, jellyfin, shoko)",
        id="unknown-service",
    ),
    pytest.param(trace({"at": 1, "down": 3}), 'line 2: "down" must name a service id', id="service-not-string"),
    pytest.param(
        trace({"at": 1, "webhook": "shoko", "body": {}}), "line 2: 'shoko' is a shoko service", id="shoko-hook"
    ),
    pytest.param(trace({"at": 1, "webhook": "radarr"}), 'line 2: a webhook line needs a "body"', id="no-body"),
    pytest.param(
        trace({"at": 1, "webhook": "radarr", "body": {}, "headers": {"X": 1}}),
        'line 2: "headers" must be an object of strings',
        id="headers",
    ),
    pytest.param(
        trace({"at": 1, "webhook": "radarr", "bdy": {}}), "line 2: unknown key in a webhook line: bdy", id="typo"
    ),
    pytest.param(
        trace({"at": 1, "state": "radarr", "torrents": []}),
        "line 2: unknown collection 'torrents' for radarr service 'radarr' (a radarr has: queue, history, commands)",
        id="unknown-collection",
    ),
    pytest.param(
        trace({"at": 1, "state": "radarr", "queue": [], "history": []}),
        "line 2: a state line sets exactly one collection",
        id="two-collections",
    ),
    pytest.param(trace({"at": 1, "state": "radarr"}), "line 2: a state line sets exactly one collection", id="none"),
    pytest.param(trace({"at": 1, "state": "qbit", "torrents": {}}), 'line 2: "torrents" must be a list', id="not-list"),
    pytest.param(
        trace({"at": 1, "state": "qbit", "torrents": [{"name": "x"}]}),
        'line 2: torrents[0] has no "hash"',
        id="no-hash",
    ),
    pytest.param(
        trace({"at": 1, "state": "shoko", "series": [{"IDs": {}}]}), 'line 2: series[0] has no "IDs.ID"', id="no-id"
    ),
    pytest.param(
        trace({"at": 1, "state": "seerr", "requests": [7]}), "line 2: requests[0] must be an object", id="item"
    ),
    pytest.param(
        trace({"at": 1, "signalr": "radarr", "event": "x"}), "line 2: 'radarr' is a radarr service", id="signalr-arr"
    ),
    pytest.param(trace({"at": 1, "signalr": "shoko"}), 'line 2: a signalr line needs an "event"', id="no-event"),
    pytest.param(
        trace({"at": 1, "signalr": "shoko", "event": "E", "args": {}}), 'line 2: "args" must be a list', id="args"
    ),
    pytest.param(trace({"at": 1, "restart": 1}), 'line 2: "restart" must be true', id="restart"),
    pytest.param(trace({"at": 1, "restart": True, "down": "seerr"}), "line 2: several actions", id="restart-and"),
    pytest.param(trace({"at": 1, "up": "seerr", "why": "x"}), "line 2: unknown key in a up line: why", id="extra"),
    pytest.param(trace(HEADER), "line 2: a second header", id="second-header"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_a_malformed_trace_is_refused_naming_the_line(text: str, message: str) -> None:
    assert str(error_of(text)).startswith(message)


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_the_command_exits_non_zero_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text)
    assert replay.main([str(path)]) == replay.EXIT_MALFORMED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{path}: {message}")


def test_scripts_replay_reports_a_malformed_trace(tmp_path: Path) -> None:
    """The command as people run it: the message on stderr, nothing on stdout, exit status 2."""
    path = tmp_path / "bad.jsonl"
    path.write_text(trace({"at": 3, "down": "seerr"}, {"at": 2, "up": "seerr"}))
    run = run_replay(path)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip() == f'{path}: line 3: "at" 2 is before the previous line\'s 3'


def test_the_command_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert replay.main([str(tmp_path / "nope.jsonl")]) == replay.EXIT_MALFORMED
    assert "cannot read" in capsys.readouterr().err
