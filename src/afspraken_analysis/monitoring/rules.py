"""The rules per monitoring table: reading a row into a record, checks across rows, and the
validated frame."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from afspraken_analysis import labels, parties, tracking
from afspraken_analysis.labels import Text
from afspraken_analysis.schemas import CORPORATIONS, PartyDtype

from .cells import (
    _canonical_party,
    _CellReader,
    _choice,
    _did_you_mean,
    _guess_then,
    _number,
    _party,
    _text,
    _year,
)
from .readers import _Bad, _display, _fmt, _is_number
from .tables import (
    FIRST_STATUS_YEAR,
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


def _indicator(value) -> str:
    text = _text(value)
    info = _indicator_info().get(text)
    if info is not None:
        if not info["is_input"]:
            sources = ", ".join(info["derived_from"])
            raise _Bad(
                Text("mon.problem.derived_indicator", indicator=text),
                Text("mon.hint.derived_from", sources=sources),
            )
        return text
    guess = parties.suggest(text, input_indicators())
    raise _Bad(
        Text("mon.problem.unknown_indicator", indicator=text),
        _did_you_mean(guess, Text("mon.hint.indicator_ids")),
    )


def _check_party_level(party: str | None, info: dict) -> None:
    indicator, level = info["indicator"], info["party_level"]
    if level == "municipality" and party is not None:
        raise _Bad(
            Text("mon.problem.party_for_municipality", party=party, indicator=indicator),
            Text("mon.hint.leave_party_empty"),
        )
    if level == "corporation" and party not in CORPORATIONS:
        if party is None:
            message = Text("mon.problem.no_party_per_corporation", indicator=indicator)
        else:
            message = Text("mon.problem.party_per_corporation", party=party, indicator=indicator)
        raise _Bad(message, Text("mon.hint.fill_corporation", choices=", ".join(CORPORATIONS)))


def _check_project(project: str | None, party: str | None, info: dict) -> None:
    if project is None:
        return
    indicator = info["indicator"]
    if not info["has_project_detail"]:
        kept = ", ".join(_registry().index[_registry()["has_project_detail"]])
        raise _Bad(
            Text("mon.problem.project_not_kept", project=project, indicator=indicator),
            Text("mon.hint.only_per_project", kept=kept),
        )
    if party not in CORPORATIONS:
        raise _Bad(
            Text("mon.problem.project_without_corporation", project=project),
            Text("mon.hint.fill_delivering_corporation"),
        )
    for name in _annex_spellings(indicator).get(_simplified(project), ()):
        if name != project:
            raise _Bad(
                Text("mon.problem.project_spelling", project=project),
                Text("mon.hint.write_as_annex", name=name),
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
        raise _Bad(Text("mon.problem.negative", value=value), Text("mon.hint.never_negative"))
    if unit in COUNT_UNITS and not float(value).is_integer():
        units = Text(f"mon.unit.{unit}")
        key = "mon.hint.whole_number_semicolons" if numbers == "nl" else "mon.hint.whole_number"
        raise _Bad(
            Text("mon.problem.not_whole", value=value, unit=units),
            Text(key, indicator=indicator, unit=units),
        )
    if unit == "percent" and value > 100:
        raise _Bad(
            Text("mon.problem.percentage_above_100", value=value),
            Text("mon.hint.percentage_range"),
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
        Text("mon.problem.same.realisations"),
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
                Text("mon.problem.duplicate_row", what=what, row=first_row[k]),
                Text("mon.hint.keep_one_row"),
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
                    Text(
                        "mon.problem.total_and_projects",
                        party=party or Text("monitoring.whole_municipality"),
                        indicator=indicator,
                        year=year,
                        rows=rows,
                    ),
                    Text("mon.hint.total_or_projects"),
                )


def _check_cumulative(records, report) -> None:
    for (indicator, party, _), group in _groups(records, ("indicator", "party", "project")).items():
        if not _indicator_info()[indicator]["is_cumulative"]:
            continue
        ordered = sorted(group, key=lambda r: r["year"])
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after["value"] < before["value"]:
                report(
                    after["source_row"],
                    "value",
                    _fmt(after["value"]),
                    Text(
                        "mon.problem.cumulative_falls",
                        indicator=indicator,
                        party=party or Text("monitoring.whole_municipality"),
                        before=before["value"],
                        before_year=before["year"],
                        before_row=before["source_row"],
                        after=after["value"],
                        after_year=after["year"],
                    ),
                    Text("mon.hint.cumulative"),
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
                    Text(
                        "mon.problem.total_below_parts",
                        indicator=indicator,
                        year=year,
                        total=total["value"],
                        parts=parts,
                    ),
                    Text("mon.hint.total_includes_parties"),
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
            Text("mon.problem.no_explanation", status=Text(f"status.{status}")),
            Text("mon.hint.explanation_required"),
        )
    return None if read.bad else record


def _agreement_id(value) -> str:
    ids = _agreement_ids()
    if _is_number(value):
        text = f"{value:g}"
        if text in ids and f"{text}0" in ids:
            raise _Bad(
                Text("mon.problem.ambiguous_agreement", value=value, one=text, other=f"{text}0"),
                Text("mon.hint.agreement_as_text"),
            )
    else:
        text = _text(value)
    if text in ids:
        return text
    found = re.search(r"[1-5][.,][0-9]{1,2}", text)
    guess = found.group().replace(",", ".") if found else None
    ranges = ", ".join(f"{theme}.1-{theme}.{n}" for theme, n in _ids_per_theme().items())
    raise _Bad(
        Text("mon.problem.unknown_agreement", agreement=text),
        _did_you_mean(
            guess if guess in ids else None, Text("mon.hint.agreement_ranges", ranges=ranges)
        ),
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
        Text("mon.problem.unknown_status", status=text),
        _guess_then(guess, Text("mon.hint.choose_one", choices=listed)),
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
        records,
        ("year", "agreement_id"),
        "status",
        Text("mon.problem.same.agreement_status"),
        report,
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
        Text("mon.problem.unknown_target", target=text),
        _guess_then(guess, Text("mon.hint.target_ids")),
    )


def _override_party(value) -> str:
    return _canonical_party(_text(value), Text("mon.hint.party_as_written"))


def _check_override_party(party: str, target_id: str) -> None:
    members, per_party = tracking.target_parties(_targets().loc[target_id])
    if party not in members:
        names = ", ".join(members)
        raise _Bad(
            Text("mon.problem.party_not_of_target", party=party, target=target_id, members=names),
            Text("mon.hint.choose_member", members=names)
            if per_party
            else Text("mon.hint.leave_party_empty_joint"),
        )
    if not per_party:
        raise _Bad(
            Text("mon.problem.target_joint", target=target_id, members=", ".join(members)),
            Text("mon.hint.leave_party_empty"),
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
        Text("mon.problem.unknown_category", category=text),
        _guess_then(guess, Text("mon.hint.choose_one", choices=listed)),
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
        Text("mon.problem.same.category_overrides"),
        report,
    )
    for (year, target_id), group in _groups(records, ("year", "target_id")).items():
        whole = [r for r in group if r["party"] is None]
        for record in [r for r in group if r["party"] is not None] if whole else []:
            report(
                record["source_row"],
                "party",
                record["party"],
                Text(
                    "mon.problem.whole_target_and_party",
                    row=whole[0]["source_row"],
                    target=target_id,
                    year=year,
                ),
                Text("mon.hint.whole_or_per_party"),
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


def _whole_homes(value, numbers: str) -> int:
    number = _number(value, numbers)
    if number < 1 or not float(number).is_integer():
        raise _Bad(Text("mon.problem.homes_not_whole", value=number), Text("mon.hint.homes"))
    return int(number)


def _check_delivery_year(record: dict) -> None:
    """Delivered by the end of the year, or expected after it; dropped projects need no year."""
    year, stage, delivery = record["year"], record["stage"], record["expected_delivery_year"]
    if delivery is None and stage != "vervallen":
        raise _Bad(
            Text("mon.problem.no_delivery_year", stage=stage), Text("mon.hint.delivery_year")
        )
    if stage == "opgeleverd" and delivery > year:
        raise _Bad(
            Text("mon.problem.delivered_after", delivery=delivery, year=year),
            Text("mon.hint.delivered_after", year=year),
        )
    if stage not in ("opgeleverd", "vervallen") and delivery <= year:
        raise _Bad(
            Text("mon.problem.expected_not_delivered", delivery=delivery, year=year, stage=stage),
            Text("mon.hint.expected_year", next=year + 1),
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
        Text("mon.problem.same.pipeline"),
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
