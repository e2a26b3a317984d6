"""Canonical party names: resolving the document's wording and users' spellings."""

from __future__ import annotations

import difflib
import re
from functools import cache

import pandas as pd

from .paths import table_file


@cache
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    read = {"dtype": str, "keep_default_na": False, "encoding": "utf-8"}
    return pd.read_csv(table_file("parties"), **read), pd.read_csv(
        table_file("party_groups"), **read
    )


@cache
def alias_map() -> dict[str, str]:
    """Lower-case spelling → canonical party name (names and aliases)."""
    parties, _ = _tables()
    mapping = {}
    for party, aliases in zip(parties["party"], parties["aliases"], strict=True):
        for name in [party, *filter(None, (a.strip() for a in aliases.split(";")))]:
            mapping[name.lower()] = party
    return mapping


@cache
def group_members() -> dict[str, list[str]]:
    """Lower-case group word → its member parties, in the order the table gives them."""
    _, groups = _tables()
    return {g.lower(): list(m["party"]) for g, m in groups.groupby("group_name", sort=False)}


def suggest(name: str, choices) -> str | None:
    """The closest known name, for a 'did you mean' hint."""
    by_lower = {c.lower(): c for c in choices}
    lowered = name.strip().lower()
    hits = [c for low, c in by_lower.items() if lowered and (lowered in low or low in lowered)]
    hits = hits or difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=0.6)
    return by_lower.get(hits[0].lower(), hits[0]) if hits else None


def canonical(name: str) -> str:
    """The canonical name of one party; KeyError with a suggestion when unknown."""
    try:
        return alias_map()[name.strip().lower()]
    except KeyError:
        hint = suggest(name, set(alias_map().values()))
        raise KeyError(
            f"unknown party {name!r}" + (f" — did you mean {hint!r}?" if hint else "")
        ) from None


def resolve(text: str, within: list[str] | None = None) -> list[str]:
    """Canonical parties named in a column text like 'Gemeente, corporaties en huurdersorganisaties'.

    Groups resolve to their members; with `within` (the row's parties), a group resolves to those
    of its members named there, when there are any. The result keeps first-mention order.
    """
    names: list[str] = []
    for token in re.split(r",\s*|\s+en\s+", text.strip()):
        token = token.strip()
        if not token:
            continue
        members = group_members().get(token.lower())
        if members and within and set(members) & set(within):
            members = [m for m in members if m in within]
        names.extend(members if members else [canonical(token)])
    return list(dict.fromkeys(names))
