"""What the tracker says about a request, as codes with values: the glue turns them into words (`words.py`).

The core names no service in prose and writes no sentence, so a stall reason can become a translated repair issue
and a timeline line can be shown in any language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT = "text"
"""The code of a note that is only text: what stores written before notes existed held."""
INFERRED_PREFIX = "inferred_from:"
"""Prefixes the code of a timeline note whose stage was inferred from other evidence."""


@dataclass(frozen=True, slots=True)
class Note:
    """A code (what happened or why a request is stuck) and the values that fill in its wording."""

    code: str
    values: tuple[tuple[str, str], ...] = ()
    """(name, value) pairs sorted by name: values are text, as translation placeholders are."""

    @classmethod
    def of(cls, code: str, **values: object) -> Note:
        """A note; values that are None or empty are left out, numbers are written as text."""
        kept = ((name, _text(value)) for name, value in values.items() if value is not None and value != "")
        return cls(code, tuple(sorted(kept)))

    @classmethod
    def text(cls, text: str) -> Note:
        """A note that is only text (a reason an upstream wrote, or a stored string from before notes)."""
        return cls.of(TEXT, text=text)

    def get(self, name: str, default: str = "") -> str:
        """One value, or `default` when the note has none by that name."""
        return next((value for key, value in self.values if key == name), default)

    def as_dict(self) -> dict[str, str]:
        """The values by name."""
        return dict(self.values)

    def inferred(self) -> Note:
        """This note, said of a stage it only implied."""
        return self if self.is_inferred else Note(INFERRED_PREFIX + self.code, self.values)

    @property
    def is_inferred(self) -> bool:
        """Whether this note is said of a stage the evidence only implied."""
        return self.code.startswith(INFERRED_PREFIX)

    @property
    def base(self) -> Note:
        """The note itself, without the inferred mark."""
        return Note(self.code.removeprefix(INFERRED_PREFIX), self.values)

    def to_json(self) -> list[Any]:
        """JSON-ready: [code, {name: value}]."""
        return [self.code, dict(self.values)]

    @classmethod
    def from_json(cls, raw: Any) -> Note:
        """A note from `to_json` output; a plain string (stored before notes existed) is a text note."""
        if isinstance(raw, str):
            return cls.text(raw)
        code, values = raw
        if not isinstance(code, str) or not isinstance(values, dict):
            raise TypeError(f"not a note: {raw!r}")
        return cls(code, tuple(sorted((str(name), str(value)) for name, value in values.items())))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
