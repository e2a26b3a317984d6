"""Monitoring input: what a policy officer fills in each year (realisations, statuses, overrides).

Three tables, one file each in a directory the user names (CSV separated by commas or semicolons,
UTF-8 with or without BOM, or XLSX); each file may be left out:

- ``realisations``: year, indicator, party, value; optional project, source, note.
- ``agreement_status``: year, agreement_id, status, explanation; optional source.
- ``category_overrides``: year, target_id, category, justification; optional party, source. A
  progress category set by hand, with the reason (goal tracking shows it as set by hand).

Reading never guesses: every problem is collected with file, spreadsheet row, column, value and
a hint, and a file with any problem is rejected as a whole. Indicators come from the registry
(the curated table ``indicators``, data/indicators.csv). How to fill in the files:
docs/monitoring-input.md.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import NamedTuple

import openpyxl
import pandas as pd
import pandera.pandas as pa
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from . import labels, parties, tracking
from .data import load
from .errors import UserError
from .paths import ROOT
from .schemas import CORPORATIONS, PartyDtype

TABLE_NAMES = ("realisations", "agreement_status", "category_overrides")
OPTIONAL_TABLES = ("category_overrides",)  # a file with no row filled in means: none
FILE_SUFFIXES = (".csv", ".xlsx")
STATUS_CODES = ("not_started", "in_progress", "achieved", "delayed", "dropped")
STATUSES_NEEDING_EXPLANATION = ("delayed", "dropped")
YEAR_MIN, YEAR_MAX = 2000, 2050
FIRST_STATUS_YEAR = 2024  # the agreements were signed in December 2023
COUNT_UNITS = ("homes", "pitches", "inhabitants", "persons")
GEMEENTE = "gemeente Apeldoorn"
EXAMPLE_SOURCE = "voorbeeld, fictieve cijfers"
# Indicators kept per project, and the annex table that plans their projects.
PROJECT_PLANS = {
    "social_new_builds": "new_builds_social",
    "mid_rent_new_builds": "new_builds_mid_rent",
}

_BOM = b"\xef\xbb\xbf"
_FAILED = object()  # a cell whose problem was already reported while reading the file


# ---------------------------------------------------------------------------------------------
# Schemas of the two input tables (written once; the XLSX explanation sheet comes from here)


def _column(dtype, en: str, *checks, nl: str = "", input: str | None = None, nullable=False):
    """A column; `input` says how the file holds it: 'required' (column and cell), 'column'
    (column required, cell may be empty), 'optional' (column may be left out) or None (added
    by the loader)."""
    return pa.Column(
        dtype,
        checks=list(checks),
        nullable=nullable,
        description=en,
        metadata={"nl": nl, "input": input},
    )


def _provenance_columns() -> dict:
    return {
        "source_file": _column("string", "File the row was read from"),
        "source_row": _column(
            "Int64", "Row of that file as a spreadsheet shows it (header = row 1)", pa.Check.ge(2)
        ),
    }


@cache
def schema(table: str) -> pa.DataFrameSchema:
    """The schema of a loaded monitoring table (one of TABLE_NAMES)."""
    if table == "realisations":
        columns = {
            "year": _column(
                "Int64",
                "Year of the figure: the year of delivery for a flow, the end of the year for a stock",
                pa.Check.in_range(YEAR_MIN, YEAR_MAX),
                nl="Jaar van het cijfer, vier cijfers (bijv. 2025). Bij een stroom (bijv. opgeleverde "
                "woningen) het jaar zelf; bij een stand (bijv. woningvoorraad) de stand op 31 december.",
                input="required",
            ),
            "indicator": _column(
                pd.CategoricalDtype(list(_registry().index)),
                "Indicator id from the registry (data/indicators.csv); only input indicators occur",
                nl="Welk cijfer: een id uit de indicatorenlijst (tabblad 'indicatoren'), bijv. "
                "social_new_builds. Afgeleide indicatoren vul je niet in.",
                input="required",
            ),
            "party": _column(
                PartyDtype,
                "Corporation or gemeente the figure is for; <NA> = the whole municipality",
                nl="Corporatie of gemeente, geschreven zoals in de afspraken (bijv. 'De Goede Woning', "
                "'de Woonmensen', 'gemeente Apeldoorn'). Leeg = de hele gemeente Apeldoorn.",
                input="column",
                nullable=True,
            ),
            "project": _column(
                "string",
                "Project of a new build, as annex 1 or 2 names it; <NA> = all projects together",
                nl="Alleen bij nieuwbouw (social_new_builds, mid_rent_new_builds): het project zoals "
                "in bijlage 1 of 2 (bijv. 'H-flats'). Leeg = alle projecten samen. Geef per "
                "corporatie en jaar óf één totaal óf één rij per project.",
                input="optional",
                nullable=True,
            ),
            "value": _column(
                "Float64",
                "The figure, in the indicator's unit",
                pa.Check.ge(0),
                nl="Het cijfer. Aantallen als heel getal vanaf 0; percentages van 0 tot 100 zonder "
                "%-teken. CSV met puntkomma's: 1.047 of 1047, en 7,5. CSV met komma's: 1047 en 7.5.",
                input="required",
            ),
            "source": _column(
                "string",
                "Where the figure comes from",
                nl="Bron van het cijfer (bijv. 'jaarverslag De Goede Woning 2025').",
                input="optional",
                nullable=True,
            ),
            "note": _column(
                "string",
                "Remarks on the figure",
                nl="Toelichting, bijv. waarom een project later wordt opgeleverd.",
                input="optional",
                nullable=True,
            ),
        }
    elif table == "agreement_status":
        columns = {
            "year": _column(
                "Int64",
                "Year of the status (2024 or later)",
                pa.Check.in_range(FIRST_STATUS_YEAR, YEAR_MAX),
                nl="Jaar waarop de stand van zaken betrekking heeft, vier cijfers (2024 of later).",
                input="required",
            ),
            "agreement_id": _column(
                "string",
                "Agreement number as in the tables 'Afspraken voor 2024 - 2025', e.g. '2.10'",
                nl="Nummer van de afspraak zoals in de tabellen 'Afspraken voor 2024 - 2025', bijv. "
                "2.10 (als tekst: 2.10 is niet 2.1).",
                input="required",
            ),
            "status": _column(
                pd.CategoricalDtype(list(STATUS_CODES)),
                "Status code: " + ", ".join(STATUS_CODES),
                nl="Stand van zaken: "
                + ", ".join(f"{labels.t(f'status.{c}')} ({c})" for c in STATUS_CODES)
                + ". De Nederlandse omschrijving of de code mag allebei.",
                input="required",
            ),
            "explanation": _column(
                "string",
                "Explanation of the status; required for delayed and dropped",
                nl="Toelichting op de stand van zaken; verplicht bij vertraagd en vervallen.",
                input="column",
                nullable=True,
            ),
            "source": _column(
                "string",
                "Where the status comes from",
                nl="Bron (bijv. 'monitoringsoverleg 12 maart 2026').",
                input="optional",
                nullable=True,
            ),
        }
    elif table == "category_overrides":
        columns = {
            "year": _column(
                "Int64",
                "Year of the goal tracking whose category is set (2024 or later)",
                pa.Check.in_range(FIRST_STATUS_YEAR, YEAR_MAX),
                nl="Jaar van de rapportage waarin de voortgang handmatig wordt vastgesteld, vier "
                "cijfers (2024 of later).",
                input="required",
            ),
            "target_id": _column(
                "string",
                "Target id from data/targets.csv, e.g. 'skaeve_huse'",
                pa.Check.isin(list(_target_ids())),
                nl="Welk doel: een id uit de doelenlijst (tabblad 'doelen'), bijv. skaeve_huse.",
                input="required",
            ),
            "party": _column(
                PartyDtype,
                "One corporation of a target that binds each corporation; <NA> = every row of the target",
                nl="Alleen bij een doel dat voor elke corporatie apart geldt (tabblad 'doelen', "
                "kolom 'per partij'): de corporatie. Leeg = het doel als geheel (bij een doel per "
                "corporatie: alle corporaties).",
                input="optional",
                nullable=True,
            ),
            "category": _column(
                pd.CategoricalDtype(list(tracking.CATEGORIES)),
                "Progress category set by hand: " + ", ".join(tracking.CATEGORIES),
                nl="De voortgang die je vaststelt: "
                + ", ".join(f"{labels.t(f'category.{c}')} ({c})" for c in tracking.CATEGORIES)
                + ". De Nederlandse omschrijving of de code mag allebei.",
                input="required",
            ),
            "justification": _column(
                "string",
                "Why the category is set by hand (required; shown in the report)",
                nl="Waarom je de voortgang met de hand vaststelt, bijv. 'Locatie gevonden, bouw "
                "start 2026'. Verplicht; het rapport toont deze toelichting onder de tabel.",
                input="required",
            ),
            "source": _column(
                "string",
                "Where the decision comes from",
                nl="Bron (bijv. 'monitoringsoverleg 12 maart 2026').",
                input="optional",
                nullable=True,
            ),
        }
    else:
        raise ValueError(f"unknown monitoring table {table!r}")
    return pa.DataFrameSchema(columns | _provenance_columns(), strict=True, ordered=True)


def input_columns(table: str) -> dict[str, str]:
    """Columns of the input file in order, each with 'required', 'column' or 'optional'."""
    return {
        name: column.metadata["input"]
        for name, column in schema(table).columns.items()
        if column.metadata["input"]
    }


# ---------------------------------------------------------------------------------------------
# The indicator registry and the agreement numbers


@cache
def _registry() -> pd.DataFrame:
    registry = load("indicators")
    for column in ("is_input", "is_cumulative", "has_project_detail"):
        registry[column] = registry[column].astype(bool)
    return registry.set_index("indicator", drop=False)


def indicator_registry() -> pd.DataFrame:
    """The indicator registry with real booleans in is_input, is_cumulative, has_project_detail."""
    return _registry().reset_index(drop=True).copy()


def input_indicators() -> list[str]:
    registry = _registry()
    return list(registry.index[registry["is_input"]])


@cache
def _agreement_ids() -> tuple[str, ...]:
    return tuple(load("agreements")["agreement_id"])


@cache
def _targets() -> pd.DataFrame:
    return load("targets").set_index("target_id", drop=False)


def _target_ids() -> tuple[str, ...]:
    return tuple(_targets().index)


@cache
def _planned_projects() -> dict[str, dict[tuple[str, int], list[str]]]:
    """Per project indicator: (corporation, year) → the projects its annex plans."""
    plans = {}
    for indicator, table in PROJECT_PLANS.items():
        plan = load(table)
        plans[indicator] = {
            (str(corporation), int(year)): list(group["project"])
            for (corporation, year), group in plan.groupby(["corporation", "year"], observed=True)
        }
    return plans


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, where a spreadsheet shows it, with a hint to fix it."""

    file: str
    row: int | None
    column: str | None
    value: object
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" + (f" — {self.hint}" if self.hint else "")


class _Bad(Exception):
    """A cell that cannot be taken as it is: a message naming the value, and a hint."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def _display(path: Path) -> str:
    """The path as messages and source_file show it: relative to the project root if inside."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


# ---------------------------------------------------------------------------------------------
# Reading a file into header and rows (CSV or XLSX)


@dataclass
class _Sheet:
    """A file as read: header names and its non-empty rows with their spreadsheet row numbers.

    `numbers` is how numbers are written: 'nl' (semicolon CSV: 1.047 and 7,5), 'en' (comma CSV:
    1047 and 7.5) or 'xlsx' (typed cells).
    """

    path: Path
    numbers: str
    columns: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read(path: Path, table: str | None, report) -> _Sheet | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, report)
    if suffix == ".xlsx":
        return _read_xlsx(path, table, report)
    hint = "save it as CSV (UTF-8) or as an Excel workbook (.xlsx)"
    if suffix in (".xls", ".ods", ".xlsm"):
        hint = f"{suffix} is not read: save it as an Excel workbook (.xlsx) or as CSV UTF-8"
    report(None, None, path.suffix, f"unsupported file type {path.suffix or '(none)'!r}", hint)
    return None


def _read_csv(path: Path, report) -> _Sheet | None:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report(1, None, None, "the file is UTF-16 ('Unicode text'), not UTF-8", _SAVE_AS_UTF8)
        return None
    data = data.removeprefix(_BOM)
    if not data.strip():
        report(
            1,
            None,
            "",
            "the file is empty",
            "start with a header row; `afspraken template` writes one",
        )
        return None
    try:
        text, bad_encoding = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, bad_encoding = data.decode("utf-8", errors="replace"), True
    delimiter = _delimiter(text.split("\n", 1)[0], report)
    if delimiter is None:
        return None
    records = _csv_records(text, delimiter, report)
    if records is None:
        return None
    header = [name.strip() for name in records[0]]
    if bad_encoding:
        _report_bad_encoding(records, header, data, delimiter, report)
        return None
    sheet = _Sheet(path, "nl" if delimiter == ";" else "en", header)
    for number, record in enumerate(records[1:], start=2):
        cells = [cell.strip() for cell in record]
        if any(cells) and _row_fits(number, cells, header, delimiter, report):
            sheet.rows.append((number, _named_cells(number, header, cells, report)))
    return sheet


_SAVE_AS_UTF8 = "save it as UTF-8: in Excel 'CSV UTF-8 (door komma's gescheiden)'"


def _delimiter(first_line: str, report) -> str | None:
    """';' or ',' as the header line shows; with both, the one that splits off known names."""
    counts = {d: first_line.count(d) for d in ";,"}
    if counts[";"] and counts[","]:
        known = {name for table in TABLE_NAMES for name in input_columns(table)}

        def hits(d):
            return sum(n.strip().strip('"') in known for n in first_line.split(d))

        return ";" if hits(";") >= hits(",") else ","
    if counts[";"] or counts[","]:
        return ";" if counts[";"] else ","
    if "\t" in first_line:
        report(
            1,
            None,
            first_line,
            "the columns are separated by tabs",
            "save it as CSV with commas or semicolons",
        )
        return None
    return ","  # one column only: the header check names the missing columns


def _csv_records(text: str, delimiter: str, report) -> list[list[str]] | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        report(
            len(records) + 1,
            None,
            None,
            f"the CSV cannot be read here ({exc})",
            'a value that holds the separator must stand in double quotes ("..."), and every quote must be closed',
        )
        return None
    return records


def _report_bad_encoding(records, header, data: bytes, delimiter: str, report) -> None:
    """Each cell that is not UTF-8, shown as Windows-1252 would read it where it can."""
    try:
        ansi = list(csv.reader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=delimiter))
        hint = "it looks like Windows-1252 ('ANSI'); " + _SAVE_AS_UTF8
    except (UnicodeDecodeError, csv.Error):
        ansi, hint = records, _SAVE_AS_UTF8
    for number, (record, shown) in enumerate(zip(records, ansi, strict=False), start=1):
        for j, (cell, text) in enumerate(zip(record, shown, strict=False)):
            if "\ufffd" in cell:
                name = header[j] if number > 1 and j < len(header) else get_column_letter(j + 1)
                report(number, name, text, f"text that is not UTF-8: {text!r}", hint)


def _row_fits(number: int, cells: list[str], header: list[str], delimiter: str, report) -> bool:
    width = len(header)
    if len(cells) > width and any(cells[width:]):
        extra = get_column_letter(width + 1)
        report(
            number,
            f"{extra} (no header)",
            delimiter.join(cells),
            f"the row has {len(cells)} cells, the header {width}",
            f"a value that holds {delimiter!r} must stand in double quotes",
        )
        return False
    if len(cells) < width:
        report(
            number,
            header[len(cells)],
            delimiter.join(cells),
            f"the row has {len(cells)} cells, the header {width}",
            f"give every column a cell: add the missing {delimiter!r} separators (empty cells)",
        )
        return False
    return True


def _named_cells(number: int, header: list[str], cells: list, report) -> dict:
    """The row's cells by column name; a value under a column without a name is a problem."""
    named = {}
    for j, value in enumerate(cells):
        name = header[j] if j < len(header) else ""
        if name:
            named[name] = value
        elif not _is_empty(value) and value is not _FAILED:
            report(
                number,
                f"{get_column_letter(j + 1)} (no header)",
                value,
                f"a value in a column without a name: {value!r}",
                "give the column a name in row 1, or clear it",
            )
            named[""] = _FAILED
    return named


def _read_xlsx(path: Path, table: str | None, report) -> _Sheet | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            workbook = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # any unreadable file must give a message, not a traceback
        report(
            None,
            None,
            None,
            f"not a readable XLSX workbook ({type(exc).__name__})",
            "open it in Excel and save it as 'Excel-werkmap (.xlsx)'; a CSV file needs the extension .csv",
        )
        return None
    worksheet = _data_worksheet(workbook, table, report)
    if worksheet is None:
        return None
    rows = worksheet.iter_rows()
    first = next(rows, None)
    if first is None or all(_is_empty(c.value) for c in first):
        report(
            1,
            None,
            "",
            f"sheet {worksheet.title!r} is empty",
            "row 1 must hold the column names; `afspraken template` writes one",
        )
        return None
    header = ["" if c.value is None else str(c.value).strip() for c in first]
    while header and not header[-1]:
        header.pop()
    sheet = _Sheet(path, "xlsx", header)
    for cells in rows:
        values = [_xlsx_value(cell, header, report) for cell in cells]
        if all(_is_empty(v) for v in values):
            continue
        values += [""] * (len(header) - len(values))
        sheet.rows.append((cells[0].row, _named_cells(cells[0].row, header, values, report)))
    return sheet


def _data_worksheet(workbook, table: str | None, report):
    names = workbook.sheetnames
    for name in [table, *TABLE_NAMES]:
        if name in names:
            return workbook[name]
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if len(visible) == 1:
        return visible[0]
    report(
        None,
        None,
        ", ".join(names),
        f"cannot tell which sheet holds the data (sheets: {', '.join(names)})",
        f"name the data sheet {table or 'realisations'!r}",
    )
    return None


def _xlsx_value(cell, header: list[str], report):
    """The cell's value (None → ''), or _FAILED after reporting a formula, error or % cell."""
    value = cell.value
    column = cell.column - 1
    name = (
        header[column]
        if column < len(header) and header[column]
        else get_column_letter(cell.column)
    )
    try:
        return _checked_xlsx_value(cell, value)
    except _Bad as bad:
        report(
            cell.row,
            name,
            value if not isinstance(value, ArrayFormula) else value.text,
            bad.message,
            bad.hint,
        )
        return _FAILED


def _checked_xlsx_value(cell, value):
    if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
        text = value.text if isinstance(value, ArrayFormula) else str(value)
        raise _Bad(
            f"a formula instead of a value: {text!r}",
            "copy the cells and paste them as values (Plakken speciaal > Waarden)",
        )
    if cell.data_type == "e":
        raise _Bad(f"an error value: {value!r}", "replace it by the value itself")
    if _is_number(value) and "%" in (cell.number_format or ""):
        raise _Bad(
            f"{value!r} in a cell formatted as a percentage (shows {value * 100:g}%)",
            "format the cell as a number (Getal) and type the percentage itself, e.g. 7,5 for 7,5 %",
        )
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------
# Reading single cells: each returns the value or raises _Bad


def _text(value) -> str:
    if isinstance(value, bool):
        raise _Bad(f"a TRUE/FALSE cell ({value})", "type the text itself")
    if isinstance(value, datetime | date | time):
        raise _Bad(
            f"a date ({value}), not text", "format the cell as text (Tekst) and type the value"
        )
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _year(value, first: int = YEAR_MIN) -> int:
    if isinstance(value, bool | datetime | date | time):
        raise _Bad(
            f"{value!r} is not a year", "type the year as a number of four digits, e.g. 2025"
        )
    if _is_number(value):
        if not float(value).is_integer():
            raise _Bad(f"{value!r} is not a year", "type the year as four digits, e.g. 2025")
        year = int(value)
    elif re.fullmatch(r"\d{4}", str(value)):
        year = int(value)
    else:
        hint = "write the year as four digits, e.g. 2025"
        if re.fullmatch(r"\d[.,]\d{3}", str(value)):
            hint += ", without a thousands separator"
        raise _Bad(f"{value!r} is not a year", hint)
    if not first <= year <= YEAR_MAX:
        hint = f"years run from {first} to {YEAR_MAX}: check the year"
        if first == FIRST_STATUS_YEAR:
            hint = f"the agreements start in {first}; years run from {first} to {YEAR_MAX}"
        raise _Bad(f"year {year} is outside {first}-{YEAR_MAX}", hint)
    return year


_DIGITS = re.compile(r"\d+")
_DOT_DECIMAL = re.compile(r"\d+\.\d+")
_COMMA_DECIMAL = re.compile(r"\d+,\d+")
_DUTCH_GROUPED = re.compile(r"[1-9]\d{0,2}(\.\d{3})+(,\d+)?")  # 1.047 and 1.047,5


def _number(value, numbers: str) -> float:
    """A number as the file's convention writes it; anything ambiguous or unusual is rejected."""
    if isinstance(value, bool | datetime | date | time):
        raise _Bad(
            f"{value!r} is not a number", "format the cell as a number (Getal) and type the number"
        )
    if _is_number(value):
        return float(value)
    text = str(value).strip()
    negative = text[:1] in ("-", "−")
    number = _unsigned_number(text[1:] if negative else text, text, numbers)
    return -number if negative else number


def _unsigned_number(body: str, text: str, numbers: str) -> float:
    if _DIGITS.fullmatch(body):
        return float(body)
    if numbers == "nl":
        if _DUTCH_GROUPED.fullmatch(body) or _COMMA_DECIMAL.fullmatch(body):
            return float(body.replace(".", "").replace(",", "."))
        if _DOT_DECIMAL.fullmatch(body):
            raise _Bad(
                f"{text!r} has a decimal point",
                f"in a file separated by semicolons decimals take a comma: {text.replace('.', ',')!r}",
            )
    if numbers == "en":
        if _DUTCH_GROUPED.fullmatch(body) and "," not in body:
            raise _Bad(
                f"{text!r} is ambiguous: {body.replace('.', '')} with a Dutch thousands separator, "
                f"or {body} with a decimal point",
                "in a file separated by commas write numbers without a thousands separator (1047) "
                "and decimals with a point (7.5); or separate the file by semicolons and use Dutch "
                "number formats (1.047 and 7,5)",
            )
        if _DOT_DECIMAL.fullmatch(body):
            return float(body)
        if "," in body:
            raise _Bad(
                f"{text!r} has a comma",
                "in a file separated by commas write numbers without a thousands separator (1047) "
                "and decimals with a point (7.5)",
            )
    if numbers == "xlsx":
        raise _Bad(
            f"the number {text!r} is stored as text",
            "type it in a cell formatted as a number (Standaard or Getal), without separators",
        )
    raise _Bad(f"{text!r} is not a number", _number_hint(text))


def _number_hint(text: str) -> str:
    if "%" in text:
        return "leave out the % sign: 7,5 % is written 7,5 (or 7.5 in a file separated by commas)"
    if "€" in text:
        return "leave out the € sign"
    if re.search(r"\d\s+\d", text):
        return "write the number without spaces"
    return "give only the number; put words such as 'circa' in the note"


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
        info = _registry().loc[indicator]
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
    "target_id": "fill in a target id (sheet 'doelen' or data/targets.csv), or clear the row",
    "category": "choose a category: " + ", ".join(tracking.CATEGORIES) + " (or their Dutch labels)",
    "justification": "say why the category is set by hand (e.g. 'Locatie gevonden, bouw start "
    "2026'): a manual category needs a justification",
}


def _indicator(value) -> str:
    text = _text(value)
    registry = _registry()
    if text in registry.index:
        info = registry.loc[text]
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


def _check_party_level(party: str | None, info: pd.Series) -> None:
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


def _check_project(project: str | None, party: str | None, info: pd.Series) -> None:
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
    known = {p for projects in _planned_projects().get(indicator, {}).values() for p in projects}
    for name in known:
        if name != project and _simplified(name) == _simplified(project):
            raise _Bad(
                f"project {project!r} is written differently from the annex",
                f"write it as the annex does: {name!r}",
            )


def _simplified(name: str) -> str:
    return re.sub(r"[\s\-_,.]+", "", name.lower())


def _check_value(value: float, info: pd.Series, numbers: str) -> None:
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
    registry = _registry()
    for (indicator, party, _), group in _groups(records, ("indicator", "party", "project")).items():
        if not registry.loc[indicator, "is_cumulative"]:
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
    registry = _registry()
    for (year, indicator), group in _groups(records, ("year", "indicator")).items():
        info = registry.loc[indicator]
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
    found = re.search(r"[1-5][.,]\d{1,2}", text)
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
        + "use a target id from data/targets.csv (sheet 'doelen' of the template)",
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
# Checking files and directories


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
}


@dataclass
class _Checked:
    """The result of checking one file: its table, the frame (when valid) and the problems."""

    path: Path
    table: str | None = None
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    unfilled_rows: list[int] = field(default_factory=list)

    def report(self, row, column, value, message, hint="") -> None:
        self.problems.append(Problem(_display(self.path), row, column, value, message, hint))


def _table_of(path: Path, columns: list[str] | None = None) -> str | None:
    stem = path.stem.lower()
    for table in TABLE_NAMES:
        if stem.startswith(table):
            return table
    names = set(columns or ())
    if names & {"indicator", "value"}:
        return "realisations"
    if names & {"agreement_id", "status"}:
        return "agreement_status"
    if names & {"target_id", "category", "justification"}:
        return "category_overrides"
    return None


def _check_file(path: Path, table: str | None = None) -> _Checked:
    """Read and check one file; `table` forces the table, else the file name or header tells."""
    checked = _Checked(Path(path))
    if not checked.path.is_file():
        checked.report(None, None, str(path), "file not found", "check the path")
        return checked
    sheet = _read(checked.path, table or _table_of(checked.path), checked.report)
    if sheet is None:
        return checked
    checked.table = table or _table_of(checked.path, sheet.columns)
    if checked.table is None:
        checked.report(
            1,
            None,
            ", ".join(sheet.columns),
            "cannot tell which table this is",
            "name the file realisations.csv / .xlsx, agreement_status.csv / .xlsx or "
            "category_overrides.csv / .xlsx",
        )
        return checked
    if not _check_header(sheet, checked):
        return checked
    _check_rows(sheet, checked)
    return checked


def _check_header(sheet: _Sheet, checked: _Checked) -> bool:
    """Problems with the header row: duplicate, unexpected or missing columns. True when fine."""
    spec, report = input_columns(checked.table), checked.report
    present = [name for name in sheet.columns if name]
    missing = [name for name, need in spec.items() if need != "optional" and name not in present]
    problems_before = len(checked.problems)
    for name in sorted({n for n in present if present.count(n) > 1}):
        report(1, name, name, f"column {name!r} appears more than once", "keep one of them")
    for name in present:
        if name in spec:
            continue
        guess = parties.suggest(name, list(spec))
        if guess in missing:
            missing.remove(guess)
            report(
                1,
                name,
                name,
                f"column {name!r} should be named {guess!r}",
                f"rename it to {guess!r}",
            )
        else:
            hint = f"did you mean {guess!r}? " if guess else ""
            report(
                1,
                name,
                name,
                f"unexpected column {name!r}",
                hint + "allowed columns: " + ", ".join(spec),
            )
    for name in missing:
        report(
            1,
            name,
            None,
            f"missing column {name!r}",
            "row 1 must name the columns "
            + ", ".join(n for n, need in spec.items() if need != "optional")
            + (f" (found: {', '.join(present)})" if present else ""),
        )
    return len(checked.problems) == problems_before


def _check_rows(sheet: _Sheet, checked: _Checked) -> None:
    read_record, filled_columns, check_together, build_frame = _TABLE_RULES[checked.table]
    records = []
    for number, cells in sheet.rows:
        if all(_is_empty(cells.get(c)) for c in filled_columns):
            checked.unfilled_rows.append(number)
            continue
        record = read_record(number, cells, sheet.numbers, checked.report)
        if record is not None:
            records.append(record)
    check_together(records, checked.report)
    must_have_rows = checked.table not in OPTIONAL_TABLES  # an empty optional table: none
    if must_have_rows and not sheet.rows and not checked.problems:
        checked.report(
            2,
            None,
            "",
            "the file has a header but no rows",
            "fill in at least one row, or leave the file out",
        )
    elif must_have_rows and not records and not checked.problems:
        checked.report(
            checked.unfilled_rows[0],
            filled_columns[0],
            "",
            f"none of the {len(checked.unfilled_rows)} rows is filled in (column {filled_columns[0]!r} is empty everywhere)",
            f"fill in {filled_columns[0]!r} for what you know, or leave the file out",
        )
    if not checked.problems:
        checked.frame = build_frame(records, checked.path)


def _directory_files(directory: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The monitoring files in a directory (table → path); two files for one table is a problem."""
    files, problems = {}, []
    for table in TABLE_NAMES:
        found = [directory / f"{table}{suffix}" for suffix in FILE_SUFFIXES]
        found = [p for p in found if p.is_file()]
        if len(found) > 1:
            problems.append(
                Problem(
                    _display(directory),
                    None,
                    None,
                    ", ".join(p.name for p in found),
                    f"both {' and '.join(p.name for p in found)}: which one holds the data?",
                    "keep one of them in the directory",
                )
            )
        elif found:
            files[table] = found[0]
    return files, problems


def _expected_names() -> str:
    return " and/or ".join(" or ".join(f"{t}{s}" for s in FILE_SUFFIXES) for t in TABLE_NAMES)


def _check_path(path: Path) -> list[_Checked]:
    path = Path(path)
    if not path.is_dir():
        return [_check_file(path)]
    files, problems = _directory_files(path)
    if not files and not problems:
        problems.append(
            Problem(
                _display(path),
                None,
                None,
                None,
                "no monitoring files",
                f"expected {_expected_names()}",
            )
        )
    results = [_Checked(path, problems=problems)] if problems else []
    return results + [_check_file(file, table) for table, file in files.items()]


def validate_paths(paths) -> list[Problem]:
    """Every problem in the given files and directories (an empty list: all valid)."""
    return [
        problem
        for path in paths
        for checked in _check_path(Path(path))
        for problem in checked.problems
    ]


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        heading = (
            f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the monitoring input"
        )
        raise UserError(heading + ":\n" + "\n".join(map(str, problems)))


def _load(path_or_dir, table: str) -> pd.DataFrame:
    path = Path(path_or_dir)
    if path.is_dir():
        files, problems = _directory_files(path)
        _raise_problems(problems)
        if table not in files:
            expected = " or ".join(f"{table}{s}" for s in FILE_SUFFIXES)
            raise UserError(f"{_display(path)}: no {expected}")
        path = files[table]
    checked = _check_file(path, table)
    _raise_problems(checked.problems)
    return checked.frame


def load_realisations(path_or_dir) -> pd.DataFrame:
    """Realisations from a file, or from realisations.csv/.xlsx in a directory; validated.

    Columns: year, indicator, party (<NA> = whole municipality), project, value, source, note,
    source_file, source_row. Raises UserError listing every problem.
    """
    return _load(path_or_dir, "realisations")


def load_agreement_status(path_or_dir) -> pd.DataFrame:
    """Agreement statuses from a file, or agreement_status.csv/.xlsx in a directory; validated."""
    return _load(path_or_dir, "agreement_status")


def load_category_overrides(path_or_dir) -> pd.DataFrame:
    """Categories set by hand, from a file or category_overrides.csv/.xlsx in a directory; validated.

    Columns: year, target_id, party (<NA> = the whole target), category, justification, source,
    source_file, source_row; for tracking.goal_tracking(..., overrides=...). A file without a
    filled-in row gives an empty table.
    """
    return _load(path_or_dir, "category_overrides")


class Monitoring(NamedTuple):
    """The monitoring input of one directory; None for a table whose file is absent."""

    realisations: pd.DataFrame | None
    agreement_status: pd.DataFrame | None
    category_overrides: pd.DataFrame | None


NO_MONITORING = Monitoring(None, None, None)


def load_monitoring(directory) -> Monitoring:
    """(realisations, agreement_status, category_overrides) from a directory, each validated.

    None for a file that is absent. Raises UserError listing every problem in every file.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(
            f"{_display(directory)}: not a directory; expected one with {_expected_names()}"
        )
    files, problems = _directory_files(directory)
    if not files and not problems:
        raise UserError(f"{_display(directory)}: no monitoring files; expected {_expected_names()}")
    checked = {table: _check_file(path, table) for table, path in files.items()}
    _raise_problems(problems + [p for c in checked.values() for p in c.problems])
    return Monitoring(*(checked[t].frame if t in checked else None for t in TABLE_NAMES))


def is_fictitious(frame: pd.DataFrame | None) -> bool:
    """True when monitoring data says it is the fictitious example ('voorbeeld, fictieve cijfers')."""
    if frame is None or "source" not in frame:
        return False
    return bool(frame["source"].str.contains("fictieve cijfers", case=False, regex=False).any())


# ---------------------------------------------------------------------------------------------
# Templates


TEMPLATE_LAST_ROW = 1000  # dropdowns reach this row, so rows can be added below the pre-filled ones
_MEASURE_NL = {
    "flow": "stroom: aantal in het jaar",
    "stock": "stand op 31 december",
    "share": "aandeel in % (0-100)",
}
_LEVEL_NL = {
    "municipality": "hele gemeente (partij leeg)",
    "corporation": "per corporatie",
    "either": "per corporatie, gemeente of hele gemeente (partij leeg)",
}
_UNIT_NL = {
    "homes": "woningen",
    "pitches": "standplaatsen",
    "percent": "procent",
    "inhabitants": "inwoners",
    "TJ": "terajoule",
    "persons": "personen",
}
_NEED_NL = {
    "required": "ja",
    "column": "kolom ja, cel mag leeg",
    "optional": "nee (kolom mag ontbreken)",
}


def template_rows(table: str, year: int) -> list[dict]:
    """The pre-filled rows of a template: what to fill in for `year`, value or status empty.

    category_overrides: one row per target, category and justification empty (a row left
    empty is no override).
    """
    if table == "agreement_status":
        return [{"year": year, "agreement_id": a} for a in _agreement_ids()]
    if table == "category_overrides":
        return [{"year": year, "target_id": t} for t in _target_ids()]
    registry, plans, rows = _registry(), _planned_projects(), []
    for info in registry[registry["is_input"]].itertuples():
        level = info.party_level
        who = (
            [None]
            if level == "municipality"
            else [*CORPORATIONS] + ([None] if level == "either" else [])
        )
        for party in who:
            projects = plans.get(info.indicator, {}).get((party, year), [])
            for project in projects or [None]:
                rows.append(
                    {"year": year, "indicator": info.indicator, "party": party, "project": project}
                )
    return rows


def write_templates(directory, year: int, force: bool = False) -> list[Path]:
    """Ready-to-fill templates for `year`: XLSX in `directory`, CSV in `directory`/csv."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise UserError(f"--year {year} is outside {YEAR_MIN}-{YEAR_MAX}")
    directory = Path(directory)
    paths = [directory / f"{t}.xlsx" for t in TABLE_NAMES] + [
        directory / "csv" / f"{t}.csv" for t in TABLE_NAMES
    ]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise UserError(
            f"{', '.join(map(_display, existing))} already exist; use --force to overwrite"
        )
    (directory / "csv").mkdir(parents=True, exist_ok=True)
    for table in TABLE_NAMES:
        rows = template_rows(table, year)
        _write_xlsx_template(directory / f"{table}.xlsx", table, rows, year)
        _write_csv_template(directory / "csv" / f"{table}.csv", table, rows)
    return paths


def _write_csv_template(path: Path, table: str, rows: list[dict]) -> None:
    """Semicolon-separated UTF-8 with BOM: what Dutch Excel opens and saves as 'CSV UTF-8'."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(input_columns(table))
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in input_columns(table)])


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_WIDTHS = {
    "indicator": 34,
    "party": 20,
    "project": 26,
    "source": 30,
    "note": 40,
    "explanation": 60,
    "target_id": 36,
    "category": 30,
    "justification": 60,
}


def _write_xlsx_template(path: Path, table: str, rows: list[dict], year: int) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = table
    columns = list(input_columns(table))
    _write_table(sheet, columns, [[row.get(c) for c in columns] for row in rows])
    for name in columns:
        sheet.column_dimensions[_letter(columns, name)].width = _WIDTHS.get(name, 12)
    lists = workbook.create_sheet("lijsten")
    lists.sheet_state = "hidden"
    _add_year_validation(sheet, columns, YEAR_MIN if table == "realisations" else FIRST_STATUS_YEAR)
    if table == "realisations":
        _add_list(sheet, lists, 1, columns, "indicator", input_indicators())
        _add_list(sheet, lists, 2, columns, "party", [*CORPORATIONS, GEMEENTE])
        _add_value_validation(sheet, columns)
        _write_indicator_sheet(workbook.create_sheet("indicatoren"))
    elif table == "category_overrides":
        _add_list(sheet, lists, 1, columns, "target_id", list(_target_ids()))
        categories = [labels.t(f"category.{c}") for c in tracking.CATEGORIES]
        _add_list(sheet, lists, 2, columns, "category", categories)
        _add_list(sheet, lists, 3, columns, "party", list(CORPORATIONS))
        _write_target_sheet(workbook.create_sheet("doelen"))
    else:
        _add_list(sheet, lists, 1, columns, "agreement_id", list(_agreement_ids()))
        statuses = [labels.t(f"status.{c}") for c in STATUS_CODES]
        _add_list(sheet, lists, 2, columns, "status", statuses)
        for row in range(2, TEMPLATE_LAST_ROW + 1):
            sheet.cell(row, columns.index("agreement_id") + 1).number_format = "@"
        _write_agreement_sheet(workbook.create_sheet("afspraken"))
    _write_explanation_sheet(workbook.create_sheet("toelichting", 1), table, year)
    workbook.save(path)


def _letter(columns: list[str], name: str) -> str:
    return get_column_letter(columns.index(name) + 1)


def _write_table(sheet, header: list[str], rows: list[list]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def _add_list(sheet, lists, index: int, columns: list[str], name: str, values: list[str]) -> None:
    """A dropdown on column `name`; its choices stand in column `index` of the sheet 'lijsten'."""
    lists.cell(1, index, name)
    for i, value in enumerate(values, start=2):
        lists.cell(i, index, value)
    letter = get_column_letter(index)
    validation = DataValidation(
        type="list",
        formula1=f"lijsten!${letter}$2:${letter}${len(values) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Onbekende waarde",
        error="Kies een waarde uit de lijst (zie het tabblad 'toelichting').",
    )
    sheet.add_data_validation(validation)
    column = _letter(columns, name)
    validation.add(f"{column}2:{column}{TEMPLATE_LAST_ROW}")


def _add_year_validation(sheet, columns: list[str], first: int) -> None:
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1=str(first),
        formula2=str(YEAR_MAX),
        showErrorMessage=True,
        errorTitle="Jaar",
        error=f"Een jaar van vier cijfers, {first} tot en met {YEAR_MAX}.",
    )
    sheet.add_data_validation(validation)
    column = _letter(columns, "year")
    validation.add(f"{column}2:{column}{TEMPLATE_LAST_ROW}")


def _add_value_validation(sheet, columns: list[str]) -> None:
    validation = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        showErrorMessage=True,
        errorTitle="Waarde",
        error="Een getal vanaf 0 (percentages 0 tot 100, zonder %-teken).",
    )
    sheet.add_data_validation(validation)
    column = _letter(columns, "value")
    validation.add(f"{column}2:{column}{TEMPLATE_LAST_ROW}")


def _write_explanation_sheet(sheet, table: str, year: int) -> None:
    """The sheet 'toelichting': each column explained in Dutch (from the schema), plus the rules."""
    what, row, needed = _TEMPLATE_INTRO_NL[table]
    lines = [
        [f"Monitoring prestatieafspraken Apeldoorn 2024-2025: {what}, jaar {year}"],
        [
            f"Vul het tabblad '{table}' in: één rij per {row}. Rijen zonder {needed} tellen niet mee."
        ],
        [],
        ["kolom", "verplicht", "toelichting"],
    ]
    for name, column in schema(table).columns.items():
        need = column.metadata["input"]
        if need:
            lines.append([name, _NEED_NL[need], column.metadata["nl"]])
    lines.append([])
    if table == "category_overrides":
        lines.append(["voortgang", "code", "wanneer"])
        lines += [[labels.t(f"category.{c}"), c, _CATEGORY_WHEN_NL[c]] for c in tracking.CATEGORIES]
        lines += [[], *([rule] for rule in _OVERRIDE_RULES_NL)]
    elif table == "agreement_status":
        lines.append(["status", "code", "wanneer"])
        lines += [[labels.t(f"status.{c}"), c, _STATUS_WHEN_NL[c]] for c in STATUS_CODES]
        lines.append(
            [
                labels.t("status.no_information"),
                "",
                "Geen rij voor een afspraak: de monitor toont 'geen informatie'.",
            ]
        )
    else:
        lines += [[rule] for rule in _NUMBER_RULES_NL]
    lines += [[], ["Controleer het bestand met: afspraken validate <bestand>"]]
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=12)
    for cell in sheet[4]:
        cell.font = _HEADER_FONT
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 22, 24
    sheet.column_dimensions["C"].width = 110
    for row in sheet.iter_rows(min_row=5):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")


_TEMPLATE_INTRO_NL = {
    "realisations": ("realisaties", "cijfer", "waarde"),
    "agreement_status": ("stand van zaken van de afspraken", "afspraak", "status"),
    "category_overrides": (
        "voortgang van doelen handmatig vaststellen",
        "doel waarvan je de voortgang zelf vaststelt",
        "voortgang en toelichting",
    ),
}

_CATEGORY_WHEN_NL = {
    "achieved": "Het doel is gehaald.",
    "on_track": "Het tempo is voldoende om het doel op tijd te halen.",
    "acceleration_needed": "Er is voortgang, maar het tempo moet omhoog.",
    "limited_progress": "Er is weinig voortgang.",
    "deterioration": "De situatie gaat achteruit.",
    "no_data": "Er is geen betrouwbaar cijfer om de voortgang op te baseren.",
}

_OVERRIDE_RULES_NL = [
    "De monitor berekent de voortgang zelf uit de realisaties. Vul hier alleen iets in als je die "
    "berekende voortgang bewust vervangt, bijv. bij een procesafspraak zonder cijfer.",
    "Elke rij vraagt een toelichting; het rapport markeert de voortgang als 'handmatig' en toont "
    "de toelichting onder de tabel.",
    "Partij: alleen bij een doel dat per corporatie geldt (tabblad 'doelen'); leeg = het hele doel.",
    "Een rij zonder voortgang en toelichting telt niet mee. Geen handmatige voortgang? Laat het "
    "bestand leeg of weg.",
]

_STATUS_WHEN_NL = {
    "not_started": "Er is nog niets gebeurd.",
    "in_progress": "Partijen werken eraan, volgens planning.",
    "achieved": "De afspraak is nagekomen.",
    "delayed": "Loopt achter op de planning; toelichting verplicht.",
    "dropped": "Wordt niet meer uitgevoerd; toelichting verplicht.",
}

_NUMBER_RULES_NL = [
    "Getallen: aantallen zijn hele getallen vanaf 0; percentages 0 tot 100, zonder %-teken.",
    "In Excel (XLSX): typ getallen als getal, niet als tekst, en gebruik geen formules.",
    "CSV met puntkomma's (;): Nederlandse notatie, 1.047 of 1047 en 7,5.",
    "CSV met komma's (,): 1047 en 7.5; '1.047' is dan dubbelzinnig en wordt geweigerd.",
    "Partij leeg = de hele gemeente Apeldoorn. Nieuwbouw mag per project (kolom project).",
    "Cumulatieve cijfers (solar_panels_cumulative) dalen nooit.",
]


def _write_indicator_sheet(sheet) -> None:
    registry = _registry()
    rows = [
        [
            info.indicator,
            _UNIT_NL[info.unit],
            _MEASURE_NL[info.measure],
            _LEVEL_NL[info.party_level],
            "ja" if info.has_project_detail else "nee",
            info.definition_nl,
        ]
        for info in registry[registry["is_input"]].itertuples()
    ]
    _write_table(
        sheet, ["indicator", "eenheid", "soort", "partij", "per project", "definitie"], rows
    )
    for letter, width in zip("ABCDEF", (34, 14, 24, 34, 11, 110), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_target_sheet(sheet) -> None:
    rows = []
    for target in _targets().itertuples():
        members, per_party = tracking.target_parties(target)
        rows.append(
            [
                target.target_id,
                labels.t(f"report.target.{target.target_id}"),
                ", ".join(members),
                "ja" if per_party else "nee",
                target.quote,
            ]
        )
    _write_table(
        sheet, ["target_id", "doel", "partijen", "per partij", "tekst in de afspraken"], rows
    )
    for letter, width in zip("ABCDE", (36, 44, 40, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")


def _write_agreement_sheet(sheet) -> None:
    agreements = load("agreements")
    rows = [
        [
            a.agreement_id,
            int(a.theme_id),
            "resultaat" if a.agreement_type == "result" else "proces",
            a.text,
        ]
        for a in agreements.itertuples()
    ]
    _write_table(sheet, ["agreement_id", "thema", "soort", "afspraak"], rows)
    sheet.column_dimensions["D"].width = 110
    for row in sheet.iter_rows(min_row=2):
        row[0].number_format = "@"
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


# ---------------------------------------------------------------------------------------------
# Command line


def _cmd_validate(args) -> int:
    checked = [c for path in args.paths for c in _check_path(Path(path))]
    count = sum(len(c.problems) for c in checked)
    for result in checked:
        for problem in result.problems:
            print(problem)
        if not result.problems:
            note = (
                f"; {len(result.unfilled_rows)} rows not filled in" if result.unfilled_rows else ""
            )
            print(f"ok: {_display(result.path)} ({result.table}, {len(result.frame)} rows{note})")
    if count:
        print(f"{count} problem{'s' if count > 1 else ''} found", file=sys.stderr)
        return 1
    return 0


def _cmd_template(args) -> int:
    for path in write_templates(Path(args.directory), args.year, force=args.force):
        print(path)
    print(
        "Vul de XLSX-bestanden in (of de CSV-bestanden in csv/) en controleer ze met: afspraken validate\n"
        "category_overrides is alleen voor een voortgang die je met de hand vaststelt; laat het "
        "anders leeg of haal het weg."
    )
    return 0


def configure_cli(sub) -> None:
    parser = sub.add_parser(
        "validate",
        help="check monitoring input files (realisations, agreement_status, category_overrides)",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, or directories holding them"
    )
    parser.set_defaults(func=_cmd_validate)
    parser = sub.add_parser(
        "template", help="write ready-to-fill monitoring templates (XLSX and CSV)"
    )
    parser.add_argument("directory", help="output directory")
    parser.add_argument("--year", type=int, required=True, help="the year to report on, e.g. 2025")
    parser.add_argument("--force", action="store_true", help="overwrite existing templates")
    parser.set_defaults(func=_cmd_template)
