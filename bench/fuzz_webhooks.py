"""Generated webhook bodies for every webhook endpoint, and a command that posts them to a real Home Assistant.

Bodies are real captured events (tests/sources/fixtures), mutated: values replaced with hostile strings (control
characters, lone surrogates, 1 MiB), other types or deep structures; fields dropped; plus bodies that are not JSON
objects at all. Seeded: the same seed gives the same bodies.

    .venv/bin/python -m bench.fuzz_webhooks [--count 100000] [--seed 0]

It checks, for every body: no unhandled exception is logged, a rejected body changes no state, and the store and
Home Assistant's entity registry can still be saved after every accepted one; then prints what it saw.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
import json
import logging
from pathlib import Path
import random
import tempfile
import time
from typing import Any

import aiohttp

FIXTURES = Path(__file__).parent.parent / "tests" / "sources" / "fixtures"
FIXTURE_KINDS = {"seerr": "seerr", "radarr": "radarr", "sonarr": "sonarr", "jellyfin": "jellyfin"}
"""Webhook kinds whose captured events are in the fixtures (qBittorrent's webhook bodies are built here)."""
MIB = 1024 * 1024
LONE_SURROGATES = ("\ud800", "\udfff", "a\udc80b")
CONTROL = "".join(chr(code) for code in range(32)) + "\x7f"
SAFE_DEPTH = 200


@dataclass(frozen=True)
class Body:
    """One generated body for one webhook kind; `how` says how it was made."""

    kind: str
    data: bytes
    how: str


def fixture_bodies() -> dict[str, list[Any]]:
    """The captured webhook events of each kind."""
    found: dict[str, list[Any]] = {}
    for kind, folder in FIXTURE_KINDS.items():
        events = []
        for path in sorted((FIXTURES / folder).glob("*.json")):
            body = json.loads(path.read_text())
            if isinstance(body, dict) and not path.stem.startswith(
                ("queue_", "history_", "items", "movie.", "episode")
            ):
                events.append(body)
        found[kind] = events
    found["qbittorrent"] = [
        {"hash": "c2c60f66c126652a86f7f2ee73dc83d4e255929e", "name": "The.Film.1999", "category": "radarr"}
    ]
    return found


def hostile_string(rng: random.Random, *, surrogates: bool, huge: bool) -> str:
    """A string a careless parser or encoder trips on."""
    choices = [
        lambda: "".join(rng.choice(CONTROL) for _ in range(rng.randint(1, 40))),
        lambda: "\u202e\u200b\ufeff" + "x" * rng.randint(0, 10),
        lambda: "'; DROP TABLE requests; --",
        lambda: "%s%n{0}{{}}${jndi:ldap://127.0.0.1/a}",
        lambda: "😀" * rng.randint(1, 100),
        lambda: "",
    ]
    if surrogates:
        choices.append(lambda: rng.choice(LONE_SURROGATES))
    if huge:
        choices.append(lambda: "A" * MIB)
    return rng.choice(choices)()


def hostile_value(rng: random.Random, *, surrogates: bool, huge: bool, depth: int) -> Any:
    """Any JSON value, of a type the field may not expect."""
    match rng.randint(0, 9):
        case 0:
            return None
        case 1:
            return rng.choice([True, False])
        case 2:
            return rng.choice([0, -1, 2**63, -(2**63) - 1, 10**400 // 10**399])
        case 3:
            return rng.choice([1e308, -0.0, 1.5])
        case 4:
            return nested(rng.randint(1, depth), rng.choice(["list", "dict"]))
        case 5:
            return []
        case 6:
            return {"unexpected": hostile_string(rng, surrogates=surrogates, huge=False)}
        case _:
            return hostile_string(rng, surrogates=surrogates, huge=huge)


def nested(depth: int, shape: str) -> Any:
    """A value `depth` levels deep."""
    value: Any = "bottom"
    for _ in range(depth):
        value = [value] if shape == "list" else {"n": value}
    return value


def mutate(body: Any, rng: random.Random, *, surrogates: bool, huge: bool, depth: int) -> Any:
    """A copy of the body with a few of its values replaced or removed."""
    copy = json.loads(json.dumps(body))
    paths = list(_paths(copy))
    for _ in range(rng.randint(1, 4)):
        container, key = rng.choice(paths)
        if rng.random() < 0.2 and isinstance(container, dict):
            container.pop(key, None)
        else:
            try:
                container[key] = hostile_value(rng, surrogates=surrogates, huge=huge, depth=depth)
            except IndexError:
                continue
    return copy


def _paths(value: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every value inside a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield value, key
            yield from _paths(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield value, index
            yield from _paths(item)


def encode(value: Any) -> bytes:
    """JSON as a service would send it (lone surrogates escaped, as JavaScript's JSON.stringify does)."""
    return json.dumps(value, ensure_ascii=True).encode()


def generate(
    count: int, *, seed: int = 0, surrogates: bool = True, huge: bool = True, depth: int = 100_000
) -> Iterator[Body]:
    """`count` bodies spread over every webhook kind.

    `surrogates`, `huge` and `depth` (the deepest nesting) let a test leave out what is known to break today.
    """
    rng = random.Random(seed)
    bodies = fixture_bodies()
    kinds = sorted(bodies)
    for number in range(count):
        kind = kinds[number % len(kinds)]
        roll = rng.random()
        if roll < 0.03:
            data, how = _not_an_object(rng, depth), "not an object"
        elif roll < 0.05 and depth > SAFE_DEPTH:
            data, how = b"[" * depth + b"]" * depth, "deep nesting"
        elif roll < 0.10:
            data, how = encode(rng.choice(bodies[kind])), "valid"
        else:
            body = mutate(rng.choice(bodies[kind]), rng, surrogates=surrogates, huge=huge, depth=min(depth, 50))
            data, how = encode(body), "mutated"
        yield Body(kind, data, how)


def _not_an_object(rng: random.Random, depth: int) -> bytes:
    return rng.choice(
        [
            b"",
            b"null",
            b"[]",
            b'"text"',
            b"{not json",
            b"\xff\xfe\x00",
            b'{"a": NaN}',
            b'{"a": 1}garbage',
            encode(nested(min(depth, SAFE_DEPTH), "list")),
        ]
    )


# --- the command ---------------------------------------------------------------------------------------------


async def run(count: int, seed: int) -> Counter[str]:
    """Post `count` bodies to a real Home Assistant with every webhook service; returns what was seen."""
    from .fuzz_home import FuzzedHome  # noqa: PLC0415 - Home Assistant only for the command

    seen: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="media-request-tracker-fuzz-") as config_dir:
        async with FuzzedHome.start(Path(config_dir)) as home, aiohttp.ClientSession() as session:
            started = time.monotonic()
            for number, body in enumerate(generate(count, seed=seed)):
                outcome = await home.post_and_check(session, body)
                seen[f"{body.how}: {outcome}"] += 1
                if number % 5000 == 4999:
                    logging.getLogger(__name__).warning("%d bodies, %.0f s", number + 1, time.monotonic() - started)
            seen["final save"] += await home.save_everything()
    return seen


def main() -> None:
    """Run and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    seen = asyncio.run(run(args.count, args.seed))
    for what, number in sorted(seen.items()):
        print(f"{number:8d}  {what}")


if __name__ == "__main__":
    main()
