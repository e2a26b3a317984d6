"""Labels, translations and number formatting (one place for all report text)."""

from __future__ import annotations

import csv
import os
import string
from functools import cache

from .paths import LABELS_FILE

LANGUAGES = ("nl", "en")
LANG_ENV = "AFSPRAKEN_LANG"  # the command line's language when --lang is not given


class _Formatter(string.Formatter):
    """str.format plus plurals: `{n:plural:doel|doelen}` gives 'doel' for 1, else 'doelen'."""

    def format_field(self, value, format_spec: str):
        if format_spec.startswith("plural:"):
            one, _, other = format_spec.removeprefix("plural:").partition("|")
            return one if value == 1 else other
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def default_lang() -> str:
    """The command line's language: $AFSPRAKEN_LANG, else Dutch (the report's default)."""
    value = os.environ.get(LANG_ENV, "").strip()
    if value and value not in LANGUAGES:
        raise ValueError(f"{LANG_ENV}={value!r}: choose one of {', '.join(LANGUAGES)}")
    return value or "nl"


@cache
def _table() -> dict[str, dict[str, str]]:
    with LABELS_FILE.open(encoding="utf-8", newline="") as f:
        return {row["key"]: {"nl": row["nl"], "en": row["en"]} for row in csv.DictReader(f)}


def t(key: str, lang: str = "nl", /, **fields) -> str:
    """The text for `key` in `lang`, with `{field}` placeholders filled in (`{n:plural:a|b}`:
    the singular a when n is 1, else the plural b)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    try:
        text = _table()[key][lang]
    except KeyError:
        raise KeyError(f"label {key!r} is missing from {LABELS_FILE.name}") from None
    return _FORMATTER.format(text, **fields) if fields else text


class _Number:
    """A number field of a Text: `{n}` and `{n:,}` written as the language writes numbers."""

    def __init__(self, value, lang: str):
        self.value, self.lang = value, lang

    def __eq__(self, other) -> bool:  # for {n:plural:a|b}
        return self.value == other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.value)

    def __format__(self, spec: str) -> str:
        value = self.value
        if not spec and isinstance(value, float):
            value = int(value) if value.is_integer() else value
            spec = "" if isinstance(value, int) else "g"
        return _separators(format(value, spec), self.lang)


class Rendered:
    """Something written in a language only when shown (`render(lang)`); str() uses the command
    line's language (user_lang()). A value, never changed once made."""

    __slots__ = ()

    def __str__(self) -> str:
        return self.render(user_lang())

    def __deepcopy__(self, memo) -> Rendered:
        # a value: a copy may be itself (pandas deep-copies a frame's attrs, scenario notes
        # included, into the result of every operation on it)
        return self


class Text(Rendered):
    """A message kept language-neutral until it is shown: a label key and its fields.

    `render(lang)` fills in the fields in that language: a field that renders itself (a Text, a
    Number) renders in the same language, and a plain number (not a bool) is written as the
    language writes it (`{n:,}` groups thousands: 1.047 in Dutch, 1,047 in English; a float shows
    as 7,5 or 7.5); `{n!r}` keeps a value as the user wrote it. str() uses the command line's
    language (user_lang()). The label is always a format string (literal braces doubled).
    """

    __slots__ = ("key", "fields")

    def __init__(self, key: str, /, **fields):
        self.key, self.fields = key, fields

    def render(self, lang: str) -> str:
        def field(value):
            if hasattr(value, "render"):
                return value.render(lang)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return _Number(value, lang)
            return value

        fields = {k: field(v) for k, v in self.fields.items()}
        return _FORMATTER.format(t(self.key, lang), **fields)  # always a format string

    def __repr__(self) -> str:
        return f"Text({self.key!r}, **{self.fields!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and (self.key, self.fields) == (other.key, other.fields)

    __hash__ = None


class Number(Rendered):
    """A number the tool computed, in a message, written the language's way when rendered:
    10.000.000 / 10,000,000, 12,5 / 12.5 (a whole number without decimals)."""

    def __init__(self, value: float, decimals: int = 1):
        self.value, self.decimals = value, decimals

    def render(self, lang: str) -> str:
        whole = float(self.value).is_integer()
        return fmt_number(self.value, lang, 0 if whole else self.decimals)


def render(value, lang: str):
    """`value.render(lang)` for a Text (or anything with render), else the value itself (so that
    format specs such as `{n:plural:a|b}` still see the number)."""
    return value.render(lang) if hasattr(value, "render") else value


def user_lang() -> str:
    """default_lang(), or Dutch when $AFSPRAKEN_LANG is unusable (a message must still show)."""
    try:
        return default_lang()
    except ValueError:
        return "nl"


def fmt_number(value, lang: str = "nl", decimals: int = 0) -> str:
    """Format a number the way the language writes it: 1.047 and 25,3 in Dutch."""
    if value is None or value != value:  # None or NaN
        return "–"
    return _separators(f"{value:,.{decimals}f}", lang)


def _separators(text: str, lang: str) -> str:
    """A number Python wrote (1,047.5) with the language's separators: 1.047,5 in Dutch."""
    if lang == "nl":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_pct(value, lang: str = "nl", decimals: int = 1) -> str:
    """Format a percentage: '25,3 %' in Dutch, '25.3%' in English."""
    if value is None or value != value:
        return "–"
    number = fmt_number(value, lang, decimals)
    return f"{number} %" if lang == "nl" else f"{number}%"
