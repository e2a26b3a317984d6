"""The rules per monitoring table: reading a row into a record, checks across rows, and the
validated frame."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from afspraken_analysis import labels, parties, tracking
from afspraken_analysis.schemas import CORPORATIONS, PartyDtype

from .readers import _FAILED, _Bad, _display, _fmt, _is_empty, _is_number, _number, _text, _year
from .tables import (
    FIRST_STATUS_YEAR,
    GEMEENTE,
    SEGMENTS,
    STAGES,
    STATUS_CODES,
    _agreement_ids,
    _indicator_info,
    _planned_projects,
    _registry,
    _target_ids,
    _targets,
    input_columns,
    input_indicators,
    schema,
)

STATUSES_NEEDING_EXPLANATION = ("delayed", "dropped")
COUNT_UNITS = ("homes", "pitches", "inhabitants", "persons")


# ---------------------------------------------------------------------------------------------
# Realisations


def _realisation_record(number, cells, numbers, report) -> dict | None:
    """One row of realisations as a record, or None after reporting its problems."""
    read = _CellReader(number, cells, report)
    record = {
        "year": read("year", _year, required=True),
        "indicator": read("indicator", _indicator, required=True),
        "party": read("party", _party),
        "project": read("project", _text),
        "value": read("value", lambda v: _number(v, numbers), required=True),
        "source": read("source", _text),
        "note": read("note", _text),
        "source_row": number,
    }
    indicator = record["indicator"]
    if indicator is not None and not read.failed("indicator"):
        info = _indicator_info()[indicator]
        if not read.failed("party"):
            read.check("party", _check_party_level, record["party"], info)
        if not read.failed("project") and not read.failed("party"):
            read.check("project", _check_project, record["project"], record["party"], info)
        if not read.failed("value"):
            read.check("value", _check_value, record["value"], info, numbers)
    return None if read.bad else record


class _CellReader:
    """Reads the cells of one row, reporting each problem with row, column and value."""

    def __init__(self, number: int, cells: dict, report):
        self.number, self.cells, self.report = number, cells, report
        self.bad: set[str] = set()

    def failed(self, column: str) -> bool:
        return column in self.bad

    def __call__(self, column: str, parse, required: bool = False):
        value = self.cells.get(column, "")
        if value is _FAILED:
            self.bad.add(column)
            return None
        if _is_empty(value):
            if required:
                self.report(
                    self.number,
                    column,
                    "",
                    "empty cell, a value is required",
                    _REQUIRED_HINTS[column],
                )
                self.bad.add(column)
            return None
        try:
            return parse(value)
        except _Bad as bad:
            self.report(self.number, column, value, bad.message, bad.hint)
            self.bad.add(column)
            return None

    def check(self, column: str, check, *args) -> None:
        try:
            check(*args)
        except _Bad as bad:
            self.problem(column, bad.message, bad.hint)

    def problem(self, column: str, message: str, hint: str) -> None:
        self.report(self.number, column, self.cells.get(column, ""), message, hint)
        self.bad.add(column)


_REQUIRED_HINTS = {
    "year": "fill in the year (e.g. 2025), or clear the whole row",
    "indicator": "fill in an indicator id (sheet 'indicatoren' or data/indicators.csv), or clear the row",
    "value": "fill in the figure, or clear the row (source and note too) if it is not known",
    "agreement_id": "fill in the agreement number (e.g. 2.10), or clear the row",
    "status": "choose a status: " + ", ".join(STATUS_CODES) + " (or their Dutch labels)",
    "target_id": "fill in a target id (sheet 'doelen' or data/agreements/2024-2025/targets.csv), or clear the row",
    "category": "choose a category: " + ", ".join(tracking.CATEGORIES) + " (or their Dutch labels)",
    "justification": "say why the category is set by hand (e.g. 'Locatie gevonden, bouw start "
    "2026'): a manual category needs a justification",
    "project": "fill in the project's name, or clear the row",
    "segment": "choose a segment: " + ", ".join(SEGMENTS),
    "homes": "fill in the number of homes, or clear the row",
    "stage": "choose a stage: " + ", ".join(STAGES),
}


def _indicator(value) -> str:
    text = _text(value)
    info = _indicator_info().get(text)
    if info is not None:
        if not info["is_input"]:
            sources = " and ".join(info["derived_from"])
            raise _Bad(
                f"indicator {text!r} is derived, not filled in",
                f"goal tracking computes it from {sources}: fill in those instead",
            )
        return text
    hint = parties.suggest(text, input_indicators())
    raise _Bad(
        f"unknown indicator {text!r}",
        f"did you mean {hint!r}?"
        if hint
        else "use an indicator id from data/indicators.csv (sheet 'indicatoren' of the template)",
    )


def _party(value) -> str:
    text = _text(value)
    try:
        name = parties.canonical(text)
    except KeyError as exc:
        message, _, hint = str(exc.args[0]).partition(" — ")
        raise _Bad(
            message,
            hint
            or "use a corporation as the agreements write it, 'gemeente Apeldoorn', or leave "
            "it empty for the whole municipality",
        ) from None
    if name != GEMEENTE and name not in CORPORATIONS:
        raise _Bad(
            f"{name!r} is not a corporation or the gemeente",
            "realisations are given per corporation, for the gemeente, or for the whole "
            "municipality (party empty)",
        )
    return name


def _check_party_level(party: str | None, info: dict) -> None:
    indicator, level = info["indicator"], info["party_level"]
    if level == "municipality" and party is not None:
        raise _Bad(
            f"party {party!r} for {indicator}, a figure for the whole municipality",
            "leave party empty",
        )
    if level == "corporation" and party not in CORPORATIONS:
        what = "no party" if party is None else f"party {party!r}"
        raise _Bad(
            f"{what} for {indicator}, which is given per corporation",
            "fill in the corporation: " + ", ".join(CORPORATIONS),
        )


def _check_project(project: str | None, party: str | None, info: dict) -> None:
    if project is None:
        return
    indicator = info["indicator"]
    if not info["has_project_detail"]:
        kept = ", ".join(_registry().index[_registry()["has_project_detail"]])
        raise _Bad(
            f"project {project!r} for {indicator}, which is not kept per project",
            f"only {kept} are given per project; leave project empty",
        )
    if party not in CORPORATIONS:
        raise _Bad(
            f"project {project!r} without a corporation", "fill in the corporation that delivers it"
        )
    for name in _annex_spellings(indicator).get(_simplified(project), ()):
        if name != project:
            raise _Bad(
                f"project {project!r} is written differently from the annex",
                f"write it as the annex does: {name!r}",
            )


_SEPARATORS = re.compile(r"[\s\-_,.]+")


def _simplified(name: str) -> str:
    return _SEPARATORS.sub("", name.lower())


@cache
def _annex_spellings(indicator: str) -> dict[str, list[str]]:
    """The annex's project names of a project indicator by their simplified form (once, not per
    row: a file of 10.000 rows would simplify every annex name for every row)."""
    known = {p for projects in _planned_projects().get(indicator, {}).values() for p in projects}
    spellings: dict[str, list[str]] = {}
    for name in sorted(known):
        spellings.setdefault(_simplified(name), []).append(name)
    return spellings


def _check_value(value: float, info: dict, numbers: str) -> None:
    indicator, unit = info["indicator"], info["unit"]
    if value < 0:
        raise _Bad(
            f"negative value {_fmt(value)}",
            "realisations are counts, amounts or percentages and never negative",
        )
    if unit in COUNT_UNITS and not float(value).is_integer():
        hint = f"{indicator} counts whole {unit}: write a whole number"
        if numbers == "nl":
            hint += " (in a file separated by semicolons the comma is the decimal separator: write 1.047 or 1047)"
        raise _Bad(f"{_fmt(value)} is not a whole number of {unit}", hint)
    if unit == "percent" and value > 100:
        raise _Bad(
            f"percentage {_fmt(value)} is above 100",
            "percentages lie between 0 and 100: write 7,5 % as 7,5 (or 7.5 in a file separated by commas)",
        )


def _realisation_frame(records: list[dict], path: Path) -> pd.DataFrame:
    raw = pd.DataFrame(records, columns=[*input_columns("realisations"), "source_row"])
    frame = pd.DataFrame(
        {
            "year": pd.array(raw["year"], dtype="Int64"),
            "indicator": pd.Categorical(raw["indicator"], categories=list(_registry().index)),
            "party": pd.Categorical(raw["party"], dtype=PartyDtype),
            "project": pd.array(raw["project"], dtype="string"),
            "value": pd.array(raw["value"], dtype="Float64"),
            "source": pd.array(raw["source"], dtype="string"),
            "note": pd.array(raw["note"], dtype="string"),
            "source_file": pd.array([_display(path)] * len(raw), dtype="string"),
            "source_row": pd.array(raw["source_row"], dtype="Int64"),
        }
    )
    return schema("realisations").validate(frame)


def _check_realisations_together(records: list[dict], report) -> None:
    _check_duplicates(
        records,
        ("year", "indicator", "party", "project"),
        "value",
        "the same year, indicator, party and project",
        report,
    )
    _check_totals_and_projects(records, report)
    _check_cumulative(records, report)
    _check_whole_municipality_totals(records, report)


def _check_duplicates(records, key, column, what, report) -> None:
    first_row = {}
    for record in records:
        k = tuple(record[c] for c in key)
        if k in first_row:
            report(
                record["source_row"],
                column,
                record[column],
                f"a second row for {what} as row {first_row[k]}",
                "keep one of the two rows",
            )
        else:
            first_row[k] = record["source_row"]


def _groups(records, key) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(tuple(record[c] for c in key), []).append(record)
    return groups


def _check_totals_and_projects(records, report) -> None:
    for (year, indicator, party), group in _groups(records, ("year", "indicator", "party")).items():
        totals = [r for r in group if r["project"] is None]
        projects = [r for r in group if r["project"] is not None]
        if totals and projects:
            rows = ", ".join(str(r["source_row"]) for r in projects)
            for total in totals:
                report(
                    total["source_row"],
                    "project",
                    "",
                    f"a total for {party} {indicator} {year} (project empty) next to per-project rows ({rows})",
                    "give either one total or one row per project, not both: they would be counted twice",
                )


def _check_cumulative(records, report) -> None:
    for (indicator, party, _), group in _groups(records, ("indicator", "party", "project")).items():
        if not _indicator_info()[indicator]["is_cumulative"]:
            continue
        ordered = sorted(group, key=lambda r: r["year"])
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after["value"] < before["value"]:
                who = party or "the whole municipality"
                report(
                    after["source_row"],
                    "value",
                    _fmt(after["value"]),
                    f"{indicator} for {who} falls from {_fmt(before['value'])} (end of {before['year']}, "
                    f"row {before['source_row']}) to {_fmt(after['value'])} (end of {after['year']})",
                    "a cumulative count never decreases: check both rows",
                )


def _check_whole_municipality_totals(records, report) -> None:
    for (year, indicator), group in _groups(records, ("year", "indicator")).items():
        info = _indicator_info()[indicator]
        if info["party_level"] != "either" or info["measure"] == "share":
            continue
        totals = [r for r in group if r["party"] is None]
        parts = sum(r["value"] for r in group if r["party"] is not None)
        for total in totals:
            if parts > total["value"]:
                report(
                    total["source_row"],
                    "value",
                    _fmt(total["value"]),
                    f"the whole-municipality {indicator} {year} ({_fmt(total['value'])}) is less than "
                    f"the sum of the rows per party ({_fmt(parts)})",
                    "the row with an empty party is the total for all of Apeldoorn, the parties' "
                    "figures included",
                )


# ---------------------------------------------------------------------------------------------
# Agreement statuses


def _status_record(number, cells, numbers, report) -> dict | None:
    read = _CellReader(number, cells, report)
    record = {
        "year": read("year", lambda v: _year(v, FIRST_STATUS_YEAR), required=True),
        "agreement_id": read("agreement_id", _agreement_id, required=True),
        "status": read("status", _status, required=True),
        "explanation": read("explanation", _text),
        "source": read("source", _text),
        "source_row": number,
    }
    status = record["status"]
    needs_explanation = status in STATUSES_NEEDING_EXPLANATION and not read.failed("explanation")
    if needs_explanation and record["explanation"] is None:
        read.problem(
            "explanation",
            f"no explanation for status {labels.t(f'status.{status}')!r}",
            "say why: an explanation is required for vertraagd and vervallen",
        )
    return None if read.bad else record


def _agreement_id(value) -> str:
    ids = _agreement_ids()
    if _is_number(value):
        text = f"{value:g}"
        if text in ids and f"{text}0" in ids:
            raise _Bad(
                f"the number {value!r} is ambiguous: agreement {text} or {text}0",
                "format the column as text (Tekst) and type the number, e.g. 2.10",
            )
    else:
        text = _text(value)
    if text in ids:
        return text
    found = re.search(r"[1-5][.,][0-9]{1,2}", text)
    guess = found.group().replace(",", ".") if found else None
    ranges = ", ".join(f"{theme}.1-{theme}.{n}" for theme, n in _ids_per_theme().items())
    raise _Bad(
        f"unknown agreement {text!r}",
        f"did you mean {guess!r}?" if guess in ids else f"agreement numbers are {ranges}",
    )


def _ids_per_theme() -> dict[str, int]:
    counts: dict[str, int] = {}
    for agreement_id in _agreement_ids():
        theme = agreement_id.split(".")[0]
        counts[theme] = counts.get(theme, 0) + 1
    return counts


def _status_labels() -> dict[str, str]:
    """Lower-case Dutch label → status code."""
    return {labels.t(f"status.{code}").lower(): code for code in STATUS_CODES}


def _status(value) -> str:
    text = _text(value)
    lowered = text.lower()
    if lowered in STATUS_CODES:
        return lowered
    if lowered in _status_labels():
        return _status_labels()[lowered]
    choices = [labels.t(f"status.{c}") for c in STATUS_CODES]
    guess = parties.suggest(text, [*choices, *STATUS_CODES])
    listed = ", ".join(f"{labels.t(f'status.{c}')} ({c})" for c in STATUS_CODES)
    raise _Bad(
        f"unknown status {text!r}",
        (f"did you mean {guess!r}? " if guess else "") + f"choose one of: {listed}",
    )


def _status_frame(records: list[dict], path: Path) -> pd.DataFrame:
    raw = pd.DataFrame(records, columns=[*input_columns("agreement_status"), "source_row"])
    frame = pd.DataFrame(
        {
            "year": pd.array(raw["year"], dtype="Int64"),
            "agreement_id": pd.array(raw["agreement_id"], dtype="string"),
            "status": pd.Categorical(raw["status"], categories=list(STATUS_CODES)),
            "explanation": pd.array(raw["explanation"], dtype="string"),
            "source": pd.array(raw["source"], dtype="string"),
            "source_file": pd.array([_display(path)] * len(raw), dtype="string"),
            "source_row": pd.array(raw["source_row"], dtype="Int64"),
        }
    )
    return schema("agreement_status").validate(frame)


def _check_statuses_together(records: list[dict], report) -> None:
    _check_duplicates(
        records, ("year", "agreement_id"), "status", "the same year and agreement", report
    )


# ---------------------------------------------------------------------------------------------
# Category overrides


def _override_record(number, cells, numbers, report) -> dict | None:
    read = _CellReader(number, cells, report)
    record = {
        "year": read("year", lambda v: _year(v, FIRST_STATUS_YEAR), required=True),
        "target_id": read("target_id", _target_id, required=True),
        "party": read("party", _override_party),
        "category": read("category", _category, required=True),
        "justification": read("justification", _text, required=True),
        "source": read("source", _text),
        "source_row": number,
    }
    target_id, party = record["target_id"], record["party"]
    if target_id is not None and party is not None:
        read.check("party", _check_override_party, party, target_id)
    return None if read.bad else record


def _target_id(value) -> str:
    text = _text(value)
    if text in _target_ids():
        return text
    guess = parties.suggest(text, _target_ids())
    raise _Bad(
        f"unknown target {text!r}",
        (f"did you mean {guess!r}? " if guess else "")
        + "use a target id from data/agreements/2024-2025/targets.csv (sheet 'doelen' of the template)",
    )


def _override_party(value) -> str:
    text = _text(value)
    try:
        return parties.canonical(text)
    except KeyError as exc:
        message, _, hint = str(exc.args[0]).partition(" — ")
        raise _Bad(message, hint or "use a party as the agreements write it") from None


def _check_override_party(party: str, target_id: str) -> None:
    members, per_party = tracking.target_parties(_targets().loc[target_id])
    if party not in members:
        raise _Bad(
            f"{party!r} is not among the parties of target {target_id!r} ({', '.join(members)})",
            f"choose one of {', '.join(members)}, or leave party empty for all of them"
            if per_party
            else "leave party empty: the target is tracked for its parties together",
        )
    if not per_party:
        raise _Bad(
            f"target {target_id!r} is tracked for {', '.join(members)} together, not per party",
            "leave party empty",
        )


def _category_labels() -> dict[str, str]:
    """Lower-case code, Dutch label or English label → category code."""
    out = {}
    for code in tracking.CATEGORIES:
        out[code] = code
        for lang in labels.LANGUAGES:
            out[labels.t(f"category.{code}", lang).lower()] = code
    return out


def _category(value) -> str:
    text = _text(value)
    known = _category_labels()
    if text.lower() in known:
        return known[text.lower()]
    choices = [labels.t(f"category.{c}") for c in tracking.CATEGORIES]
    guess = parties.suggest(text, [*choices, *tracking.CATEGORIES])
    listed = ", ".join(f"{labels.t(f'category.{c}')} ({c})" for c in tracking.CATEGORIES)
    raise _Bad(
        f"unknown category {text!r}",
        (f"did you mean {guess!r}? " if guess else "") + f"choose one of: {listed}",
    )


def _override_frame(records: list[dict], path: Path) -> pd.DataFrame:
    raw = pd.DataFrame(records, columns=[*input_columns("category_overrides"), "source_row"])
    frame = pd.DataFrame(
        {
            "year": pd.array(raw["year"], dtype="Int64"),
            "target_id": pd.array(raw["target_id"], dtype="string"),
            "party": pd.Categorical(raw["party"], dtype=PartyDtype),
            "category": pd.Categorical(raw["category"], categories=list(tracking.CATEGORIES)),
            "justification": pd.array(raw["justification"], dtype="string"),
            "source": pd.array(raw["source"], dtype="string"),
            "source_file": pd.array([_display(path)] * len(raw), dtype="string"),
            "source_row": pd.array(raw["source_row"], dtype="Int64"),
        }
    )
    return schema("category_overrides").validate(frame)


def _check_overrides_together(records: list[dict], report) -> None:
    _check_duplicates(
        records,
        ("year", "target_id", "party"),
        "category",
        "the same year, target and party",
        report,
    )
    for (year, target_id), group in _groups(records, ("year", "target_id")).items():
        whole = [r for r in group if r["party"] is None]
        for record in [r for r in group if r["party"] is not None] if whole else []:
            report(
                record["source_row"],
                "party",
                record["party"],
                f"row {whole[0]['source_row']} already sets the category of {target_id!r} in {year} "
                "for all its parties",
                "give either one row with party empty or one row per party, not both",
            )


# ---------------------------------------------------------------------------------------------
# The project pipeline


def _pipeline_record(number, cells, numbers, report) -> dict | None:
    read = _CellReader(number, cells, report)
    record = {
        "year": read("year", lambda v: _year(v, FIRST_STATUS_YEAR), required=True),
        "party": read("party", _party),
        "project": read("project", _text, required=True),
        "segment": read("segment", lambda v: _choice(v, SEGMENTS, "segment"), required=True),
        "homes": read("homes", lambda v: _whole_homes(v, numbers), required=True),
        "stage": read("stage", lambda v: _choice(v, STAGES, "stage"), required=True),
        "expected_delivery_year": read("expected_delivery_year", _year),
        "source": read("source", _text),
        "note": read("note", _text),
        "source_row": number,
    }
    if not read.bad:
        read.check("expected_delivery_year", _check_delivery_year, record)
    return None if read.bad else record


def _choice(value, choices: tuple[str, ...], what: str) -> str:
    text = _text(value).lower().replace(" ", "_")
    if text in choices:
        return text
    guess = parties.suggest(text, list(choices))
    raise _Bad(
        f"unknown {what} {_text(value)!r}",
        (f"did you mean {guess!r}? " if guess else "") + "choose one of: " + ", ".join(choices),
    )


def _whole_homes(value, numbers: str) -> int:
    number = _number(value, numbers)
    if number < 1 or not float(number).is_integer():
        raise _Bad(f"{_fmt(number)} is not a whole number of homes from 1", "write e.g. 24")
    return int(number)


def _check_delivery_year(record: dict) -> None:
    """Delivered by the end of the year, or expected after it; dropped projects need no year."""
    year, stage, delivery = record["year"], record["stage"], record["expected_delivery_year"]
    if delivery is None and stage != "vervallen":
        raise _Bad(
            f"no delivery year for a project in stage {stage!r}",
            "fill in the (expected) year of delivery; only a dropped project (vervallen) has none",
        )
    if stage == "opgeleverd" and delivery > year:
        raise _Bad(
            f"delivered (opgeleverd) in {delivery}, after the monitoring year {year}",
            f"the row describes the end of {year}: give the year of delivery, or another stage",
        )
    if stage not in ("opgeleverd", "vervallen") and delivery <= year:
        raise _Bad(
            f"expected in {delivery}, but not delivered by the end of {year} (stage {stage!r})",
            f"give the year now expected ({year + 1} or later), or stage 'opgeleverd'",
        )


def _pipeline_frame(records: list[dict], path: Path) -> pd.DataFrame:
    raw = pd.DataFrame(records, columns=[*input_columns("pipeline"), "source_row"])
    frame = pd.DataFrame(
        {
            "year": pd.array(raw["year"], dtype="Int64"),
            "party": pd.Categorical(raw["party"], dtype=PartyDtype),
            "project": pd.array(raw["project"], dtype="string"),
            "segment": pd.Categorical(raw["segment"], categories=list(SEGMENTS)),
            "homes": pd.array(raw["homes"], dtype="Int64"),
            "stage": pd.Categorical(raw["stage"], categories=list(STAGES)),
            "expected_delivery_year": pd.array(raw["expected_delivery_year"], dtype="Int64"),
            "source": pd.array(raw["source"], dtype="string"),
            "note": pd.array(raw["note"], dtype="string"),
            "source_file": pd.array([_display(path)] * len(raw), dtype="string"),
            "source_row": pd.array(raw["source_row"], dtype="Int64"),
        }
    )
    return schema("pipeline").validate(frame)


def _check_pipeline_together(records: list[dict], report) -> None:
    _check_duplicates(
        records,
        ("year", "party", "project", "segment", "expected_delivery_year"),
        "homes",
        "the same year, party, project, segment and delivery year",
        report,
    )


_TABLE_RULES = {
    # table: (row reader, cells that mark a filled-in row, checks across rows, frame builder)
    "realisations": (
        _realisation_record,
        ("value", "source", "note"),
        _check_realisations_together,
        _realisation_frame,
    ),
    "agreement_status": (
        _status_record,
        ("status", "explanation", "source"),
        _check_statuses_together,
        _status_frame,
    ),
    "category_overrides": (
        _override_record,
        ("category", "justification", "source"),
        _check_overrides_together,
        _override_frame,
    ),
    "pipeline": (
        _pipeline_record,
        ("stage", "expected_delivery_year", "source", "note"),
        _check_pipeline_together,
        _pipeline_frame,
    ),
}
