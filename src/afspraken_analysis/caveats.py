"""The assumptions-and-caveats log: one table (data/caveats.csv), printed where it applies."""

from __future__ import annotations

from functools import cache

import pandas as pd

from .paths import table_file

QUALITIES = ("green", "amber", "red")


@cache
def _caveats() -> pd.DataFrame:
    df = pd.read_csv(table_file("caveats"), dtype=str, keep_default_na=False, encoding="utf-8")
    df["applies_to"] = df["applies_to"].map(
        lambda v: [k.strip() for k in v.split(";") if k.strip()]
    )
    bad = df[~df["quality"].isin(QUALITIES)]
    if len(bad):
        raise ValueError(
            f"caveats.csv, row {bad.index[0] + 2}, column 'quality': choose one of {', '.join(QUALITIES)}"
        )
    return df


def caveats() -> pd.DataFrame:
    return _caveats().copy()


def for_keys(*keys: str, lang: str = "nl") -> list[str]:
    """The caveats that touch any of `keys` (indicators, target ids, table names or topics)."""
    wanted = set(keys)
    rows = _caveats()[_caveats()["applies_to"].map(lambda a: bool(wanted & set(a)))]
    return list(rows["text_" + lang])


def log_markdown() -> str:
    """docs/assumptions.md, generated from data/caveats.csv."""
    out = [
        "# Assumptions and caveats",
        "",
        "Generated from `data/caveats.csv` (`afspraken data caveats --out docs/assumptions.md`); "
        "edit the CSV, not this file. Quality: green = as published or exact; amber = derived with a "
        "stated method or a documented interpretation; red = an estimate or an old figure.",
        "",
        "| id | topic | quality | applies to |",
        "| --- | --- | --- | --- |",
    ]
    for r in _caveats().itertuples():
        out.append(f"| `{r.caveat_id}` | {r.topic} | {r.quality} | {', '.join(r.applies_to)} |")
    for r in _caveats().itertuples():
        out += [
            "",
            f"## {r.topic} (`{r.caveat_id}`, {r.quality})",
            "",
            r.text_en,
            "",
            f"*NL:* {r.text_nl}",
        ]
    return "\n".join(out) + "\n"
