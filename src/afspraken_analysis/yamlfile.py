"""The one way users' YAML is read (scenario files, --set values, report parameter files): safe
types only, no aliases (an alias bomb expands a few hundred bytes into gigabytes), no duplicate
keys (the last one would silently win), no dates that do not exist (PyYAML raises a bare
ValueError), bounded size and nesting depth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent

from .errors import UserError
from .labels import Number, Text
from .userfiles import read_text, shown

MAX_BYTES = 1_000_000  # a YAML file or --set value holds at most this many bytes
MAX_DEPTH = 50  # nesting of mappings and lists


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, duplicate keys, impossible dates and deep nesting, each
    at its line."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                Text("yaml.problem.alias", anchor=event.anchor),
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    Text("yaml.problem.too_deep", maximum=MAX_DEPTH),
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                raise ConstructorError(
                    None,
                    None,
                    Text("yaml.problem.plain_key"),
                    key_node.start_mark,
                ) from None
            if duplicate:
                raise ConstructorError(
                    None,
                    None,
                    Text("yaml.problem.duplicate_key", key=shown(key)),
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # it looks like a date, but the day does not exist (2024-02-30)
            raise ConstructorError(
                None, None, Text("yaml.problem.no_such_date", value=node.value), node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load(text: str, source: str) -> Any:
    """YAML text to Python values; `source` names where the text comes from in errors (whose
    messages are labels.Text, put into words in the user's language where they are shown; the
    problems PyYAML itself names stay in its English)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise UserError(Text("yaml.problem.too_big", source=source, maximum=Number(MAX_BYTES, 0)))
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (_Loader is a SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Text("yaml.problem.at", line=mark.line + 1, column=mark.column + 1) if mark else ""
        problem = exc.problem or exc.context or "?"
        raise UserError(
            Text("yaml.problem.invalid", source=source, where=where, problem=problem)
        ) from None
    except yaml.YAMLError as exc:
        problem = str(exc)[:200]
        raise UserError(
            Text("yaml.problem.invalid", source=source, where="", problem=problem)
        ) from None


def read(path: str | Path, what: str | Text) -> Any:
    """A user's YAML file (UTF-8, at most MAX_BYTES) to Python values."""
    return load(read_text(path, what, max_bytes=MAX_BYTES), str(path))
