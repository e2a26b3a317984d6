"""The scenario wing's problem messages: a label key (`scenario.problem.*` in labels.csv) with its
fields, kept as a `labels.Text` and put into words in the user's language where it is shown (the
command line, the widget, str()); the key paths that say where a problem is, numbers written the
language's way, and the "did you mean" hints. The notes behind a model's numbers (the assumptions
`afspraken scenario run|solve` prints) are kept the same way (`scenario.cli.note.*`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Number, Rendered, Text, render

PREFIX = "scenario.problem."
NOTE_PREFIX = "scenario.cli.note."


def text(key: str, /, **fields) -> Text:
    """The message `scenario.problem.<key>` with its fields, not yet in words."""
    return Text(PREFIX + key, **fields)


def problem(key: str, /, **fields) -> UserError:
    """A UserError carrying the message `scenario.problem.<key>`."""
    return UserError(text(key, **fields))


class Joined(Rendered):
    """Parts joined by `sep`, each in the language: a key path ("file, scenario 'x', sd") or the
    lines of several problems."""

    def __init__(self, parts: Iterable[Any], sep: str = ", "):
        self.parts, self.sep = [p for p in parts if p != ""], sep

    def render(self, lang: str) -> str:
        return self.sep.join(str(render(p, lang)) for p in self.parts)


def at(where: Any, *parts: Any) -> Joined:
    """The key path `where, part, ...` (a part may be a Text, e.g. "year 2025")."""
    return Joined([where, *parts])


def at_year(where: Any, year: Any) -> Joined:
    return at(where, text("at_year", year=year))


def did_you_mean(value: Any, valid: Iterable[str]) -> Text | str:
    """' (did you mean 'x'?)' for a misspelt key or value, or '' when nothing is close."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value[:100], list(valid), n=1)
    return text("did_you_mean", close=repr(close[0])) if close else ""


def listed(values: Iterable[Any]) -> str:
    """Names as the user types them, comma-separated (YAML keys and values stay untranslated)."""
    return ", ".join(map(str, values))


def note(key: str, /, **fields) -> Text:
    """The note `scenario.cli.note.<key>` with its fields, not yet in words."""
    return Text(NOTE_PREFIX + key, **fields)


def on(key: str, body: Any) -> Joined:
    """A note about one parameter: "key: body" (the body in the language)."""
    return Joined([key, body], sep=": ")


def year_values(pairs: Iterable[tuple[Any, float]]) -> Joined:
    """'2024: 216, 2025: 176,5' (numbers written the language's way)."""
    return Joined([Joined([int(y), Number(v, 1)], sep=": ") for y, v in pairs])


def uses(message: Any, key: str) -> bool:
    """True when `message` (a Text, a Joined, or text) holds the label `key` anywhere inside."""
    if isinstance(message, Text):
        return message.key == key or any(uses(v, key) for v in message.fields.values())
    if isinstance(message, Joined):
        return any(uses(p, key) for p in message.parts)
    return False
