"""One agreement as a data package: its period, and the checks that `afspraken data check` runs.

A package is a directory named after its period (``2024-2025``) with the agreement's tables
(`paths.AGREEMENT_TABLES`) and, in raw/, the agreement's text as received with its origin record.
The checks here work on tables already read against their schemas (`data.check_package` reads
them): every text at its recorded lines in the package's own text, and the cross-checks between
the tables. Each problem names file, row and column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from . import document
from .paths import ROOT

PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
ORIGIN_FIELDS = ("path", "title", "producer", "what", "received_from", "accessed", "licence")
ORIGIN_FIELDS += ("sha256",)

# Columns whose text must stand in the package's raw text at the row's source_lines.
TEXT_COLUMNS = {
    "themes": ["vision_2030", "tasks"],
    "agreements": ["text", "parties_text", "initiators_text"],
    "long_term_agreements": ["text"],
    "new_builds_mid_rent": ["source_text"],
    "new_builds_social": ["source_text"],
    "targets": ["quote"],
}
# Annex tables: the year column and how far before the period's first year it may reach
# (annex 4 counts from the end of the year before the agreement).
ANNEX_YEARS = {
    "new_builds_mid_rent": ("year", 0),
    "new_builds_social": ("year", 0),
    "retrofits_label_b": ("year", 0),
    "solar_panels": ("end_of_year", 1),
}


def period_years(period: str) -> tuple[int, int]:
    """(first, last) year of a period name such as '2024-2025'."""
    match = PERIOD.match(period)
    if not match or int(match[1]) > int(match[2]):
        raise ValueError(f"{period!r} is not a period such as '2024-2025'")
    return int(match[1]), int(match[2])


def is_period(name: str) -> bool:
    try:
        period_years(name)
    except ValueError:
        return False
    return True


def where(path: Path, row: int | None = None, column: str | None = None) -> str:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return (
        f"{shown}"
        + (f", row {row}" if row is not None else "")
        + (f", column {column!r}" if column else "")
    )


def carries_over(targets: pd.DataFrame, period: str) -> pd.Series:
    """Targets that reach beyond their agreement's period (the 2030 goals and the long-term
    agreements without a deadline); the others end with the period."""
    last = period_years(period)[1]
    end = targets["end_year"]
    return (end > last).fillna(False) | (end.isna() & targets["agreement_id"].isna())


def origin_problems(package: Path) -> list[str]:
    """raw/ holds one agreement text, recorded completely in raw/origins.yml, checksum matching."""
    raw = package / "raw"
    texts = document.text_files(package)
    problems = []
    if len(texts) != 1:
        found = ", ".join(p.name for p in texts) or "none"
        problems.append(f"{where(raw)}: needs exactly one agreement text (*.txt); found {found}")
    origins_file = raw / "origins.yml"
    try:
        records = document.package_origins(package)
    except FileNotFoundError:
        return [*problems, f"{where(origins_file)}: file not found; record the text's origin"]
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        return [*problems, f"{where(origins_file)}: not a list of files under 'files:' ({exc})"]
    for i, record in enumerate(records, start=1):
        missing = [f for f in ORIGIN_FIELDS if not record.get(f)]
        if missing:
            problems.append(f"{where(origins_file)}, record {i}: lacks {', '.join(missing)}")
    problems += document.checksum_problems([r for r in records if r.get("sha256")])
    recorded = {r["file"].resolve() for r in records}
    problems += [
        f"{where(t)}: has no origin record in {where(origins_file)}"
        for t in texts
        if t.resolve() not in recorded
    ]
    return problems


def _cells(value) -> list[str]:
    if isinstance(value, list):
        return value
    return [] if pd.isna(value) else [value]


def text_problems(name: str, df: pd.DataFrame, path: Path, text: Path) -> list[str]:
    """Every text of the table at its recorded lines of the package's raw text."""
    lines = document.source_lines_of(text)
    problems = []
    for i, row in enumerate(df.to_dict("records"), start=2):
        first, last = document.parse_line_range(row["source_lines"])
        if not 1 <= first <= last <= len(lines):
            problems.append(
                f"{where(path, i, 'source_lines')}: lines {row['source_lines']} are not within "
                f"{text.name} (lines 1-{len(lines)}, first before last)"
            )
            continue
        excerpt = document.excerpt(lines, row["source_lines"])
        for column in TEXT_COLUMNS.get(name, []):
            for value in _cells(row[column]):
                if document.normalise(value) not in excerpt:
                    problems.append(
                        f"{where(path, i, column)}: {value[:60]!r} is not in {text.name} at lines "
                        f"{row['source_lines']}; correct the text or the line range"
                    )
    return problems


def _unknown(df, column, known, path, what) -> list[str]:
    return [
        f"{where(path, i, column)}: {value!r} is not {what}"
        for i, value in enumerate(df[column], start=2)
        if pd.notna(value) and value not in known
    ]


def _year_problems(frames: dict, package: Path, first: int, last: int) -> list[str]:
    problems = []
    for name, (column, before) in ANNEX_YEARS.items():
        lowest = first - before
        problems += [
            f"{where(package / f'{name}.csv', i, column)}: {year} is outside the agreement period "
            f"{first}-{last}" + (f" (or the end of {lowest})" if before else "")
            for i, year in enumerate(frames[name][column], start=2)
            if not lowest <= year <= last
        ]
    return problems


def cross_problems(frames: dict, period: str, package: Path, indicators: set[str]) -> list[str]:
    """The tables agree with each other, with the period and with the indicator registry."""
    first, last = period_years(period)
    targets, agreements = frames["targets"], frames["agreements"]
    file = {name: package / f"{name}.csv" for name in frames}
    themes = set(frames["themes"]["theme_id"])
    problems = [
        f"{where(file['targets'], i, 'agreement_period')}: {value!r} differs from the package's "
        f"period {period!r} (the directory name)"
        for i, value in enumerate(targets["agreement_period"], start=2)
        if value != period
    ]
    problems += _unknown(
        targets, "agreement_id", set(agreements["agreement_id"]), file["targets"],
        "an agreement_id of agreements.csv",
    )  # fmt: skip
    problems += _unknown(
        targets, "long_term_id", set(frames["long_term_agreements"]["long_term_id"]),
        file["targets"], "a long_term_id of long_term_agreements.csv",
    )  # fmt: skip
    problems += _unknown(
        targets, "indicator", indicators, file["targets"], "an indicator of data/indicators.csv"
    )
    for name in ("agreements", "long_term_agreements"):
        problems += _unknown(frames[name], "theme_id", themes, file[name], "a theme of themes.csv")
    with_target = set(targets["agreement_id"].dropna())
    problems += [
        f"{where(file['agreements'], i, 'agreement_type')}: result agreement {a!r} has no target "
        "in targets.csv (add one, or type it 'process')"
        for i, (a, kind) in enumerate(
            zip(agreements["agreement_id"], agreements["agreement_type"], strict=True), start=2
        )
        if kind == "result" and a not in with_target
    ]
    return problems + _year_problems(frames, package, first, last)
