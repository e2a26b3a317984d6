"""Reading a monitoring file (CSV or XLSX) into header and rows; the Problem record that every
check reports. Single cells are read in `cells`."""

from __future__ import annotations

import csv
import io
import itertools
import operator
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from afspraken_analysis.labels import Text, t
from afspraken_analysis.paths import ROOT
from afspraken_analysis.spreadsheet import column_letter, restore
from afspraken_analysis.userfiles import os_text

from .tables import TABLE_NAMES, input_columns

_BOM = b"\xef\xbb\xbf"
_FAILED = object()  # a cell whose problem was already reported while reading the file

# Bounds on every input file (docs/monitoring-input.md): a monitoring file holds a few hundred
# rows, so anything far beyond is a mistake, refused with a message before it costs time or memory.
MAX_BYTES = 50_000_000  # 50 MB on disk
MAX_UNPACKED_BYTES = 500_000_000  # an XLSX is a zip: its parts unpacked
MAX_ROWS = 100_000  # data rows (CSV: lines after the header; XLSX: rows that hold a value)
MAX_COLUMNS = 50
MAX_CELL_CHARS = 2_000
MAX_DIGITS = 15  # a float holds 15 significant digits exactly
_EXCEL_MAX_ROW = 1_048_576
_TOO_LARGE_HINT = Text("mon.hint.too_large")
_MAX_SCANNED_CELLS = 20_000_000  # XLSX cells, empty ones included, walked while reading a sheet


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, where a spreadsheet shows it, with a hint to fix it.

    Message and hint are `labels.Text`s: language-neutral until `render(lang)` (str() gives
    Dutch). A column without a name in the file is a Text too ('F (geen kop)' / 'F (no header)').
    """

    file: str
    row: int | None
    column: str | Text | None
    value: object
    message: Text
    hint: Text | None = None

    def render(self, lang: str = "nl") -> str:
        """'file, row 3, column 'value': message — hint' in `lang` (nl or en)."""
        where = [self.file]
        if self.row:
            where.append(t("mon.where.row", lang, row=self.row))
        if self.column:
            column = self.column.render(lang) if isinstance(self.column, Text) else self.column
            where.append(t("mon.where.column", lang, column=column))
        text = f"{', '.join(where)}: {self.message.render(lang)}"
        return text + (f" — {self.hint.render(lang)}" if self.hint else "")

    def __str__(self) -> str:
        return self.render("nl")


class _Bad(Exception):
    """A cell that cannot be taken as it is: a message naming the value, and a hint."""

    def __init__(self, message: Text, hint: Text | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def _display(path: Path) -> str:
    """The path as messages and source_file show it: relative to the project root if inside."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symlink loop
        return str(path)


def _fmt(number: float) -> str:
    """A figure as the problem record's value: 7.5, or 1047 when whole."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _no_header(j: int) -> Text:
    """The column of cell j (from 0) where the header has no name: 'F (no header)'."""
    return Text("mon.where.no_header", letter=column_letter(j + 1))


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
    if suffix in (".csv", ".xlsx") and not _readable(path, report):
        return None
    if suffix == ".csv":
        return _read_csv(path, report)
    if suffix == ".xlsx":
        return _read_xlsx(path, table, report)
    hint = Text("mon.hint.save_csv_or_xlsx")
    if suffix in (".xls", ".ods", ".xlsm"):
        hint = Text("mon.hint.suffix_not_read", suffix=suffix)
    if path.suffix:
        message = Text("mon.problem.unsupported_type", suffix=path.suffix)
    else:
        message = Text("mon.problem.no_suffix")
    report(None, None, path.suffix, message, hint)
    return None


def _readable(path: Path, report) -> bool:
    """True when the file can be opened and is within MAX_BYTES; else reports why not."""
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        report(
            None,
            None,
            None,
            Text("mon.problem.cannot_read", reason=os_text(exc)),
            Text("mon.hint.check_readable"),
        )
        return False
    if size > MAX_BYTES:
        message = Text("mon.problem.too_many_bytes", size=size, max=MAX_BYTES)
        report(None, None, None, message, _TOO_LARGE_HINT)
        return False
    return True


def _read_csv(path: Path, report) -> _Sheet | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = Text("mon.problem.cannot_read", reason=os_text(exc))
        report(None, None, None, message, Text("mon.hint.check_readable"))
        return None
    if not _looks_like_text(data, report):
        return None
    data = data.removeprefix(_BOM)
    if not data.strip():
        report(
            1,
            None,
            "",
            Text("mon.problem.empty_file"),
            Text("mon.hint.start_with_header"),
        )
        return None
    try:
        text, bad_encoding = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, bad_encoding = data.decode("utf-8", errors="replace"), True
    first_line = text[: text.find("\n")] if "\n" in text else text  # no copy of the rest
    delimiter = _delimiter(first_line, report)
    if delimiter is not None and len(first_line.split(delimiter)) > MAX_COLUMNS:
        report(
            1,
            None,
            None,
            Text("mon.problem.too_many_columns", max=MAX_COLUMNS),
            Text("mon.hint.at_most_7_columns"),
        )
        return None
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
        # '=… written as text by this tool's templates and outputs reads as =…
        cells = [restore(cell.strip()) for cell in record]
        if any(cells) and _row_fits(number, cells, header, delimiter, report):
            sheet.rows.append((number, _named_cells(number, header, cells, report)))
    return sheet


_SAVE_AS_UTF8 = Text("mon.hint.save_as_utf8")


def _looks_like_text(data: bytes, report) -> bool:
    """False after reporting bytes that are UTF-16, a zip (XLSX) or another binary file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report(1, None, None, Text("mon.problem.utf16"), _SAVE_AS_UTF8)
        return False
    if data.startswith(b"PK\x03\x04"):
        report(
            1,
            None,
            None,
            Text("mon.problem.zip_not_csv"),
            Text("mon.hint.xlsx_extension"),
        )
        return False
    head = data[:4096]
    if b"\x00" in head:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) > len(head) // 4 and min(odd, even) < len(head) // 50:
            report(
                1,
                None,
                None,
                Text("mon.problem.utf16_without_bom"),
                _SAVE_AS_UTF8,
            )
        else:
            report(
                1,
                None,
                None,
                Text("mon.problem.binary"),
                Text("mon.hint.save_csv_utf8_or_xlsx"),
            )
        return False
    return True


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
            Text("mon.problem.tabs"),
            Text("mon.hint.commas_or_semicolons"),
        )
        return None
    return ","  # one column only: the header check names the missing columns


def _csv_records(text: str, delimiter: str, report) -> list[list[str]] | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                message = Text("mon.problem.too_many_rows", max=MAX_ROWS)
                report(len(records), None, None, message, _TOO_LARGE_HINT)
                return None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            report(
                len(records) + 1,
                None,
                None,
                Text("mon.problem.cell_over_limit", limit=csv.field_size_limit()),
                Text("mon.hint.cell_limit", max=MAX_CELL_CHARS),
            )
            return None
        report(
            len(records) + 1,
            None,
            None,
            Text("mon.problem.csv_unreadable", error=str(exc)),
            Text("mon.hint.close_quotes"),
        )
        return None
    return records


def _report_bad_encoding(records, header, data: bytes, delimiter: str, report) -> None:
    """Each cell that is not UTF-8, shown as Windows-1252 would read it where it can."""
    try:
        ansi = list(csv.reader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=delimiter))
        hint = Text("mon.hint.windows1252", then=_SAVE_AS_UTF8)
    except (UnicodeDecodeError, csv.Error):
        ansi, hint = records, _SAVE_AS_UTF8
    for number, (record, shown) in enumerate(zip(records, ansi, strict=False), start=1):
        for j, (cell, text) in enumerate(zip(record, shown, strict=False)):
            if "\ufffd" in cell:
                name = header[j] if number > 1 and j < len(header) else column_letter(j + 1)
                report(number, name, text, Text("mon.problem.not_utf8", text=text), hint)


def _row_fits(number: int, cells: list[str], header: list[str], delimiter: str, report) -> bool:
    width = len(header)
    if len(cells) > width and any(cells[width:]):
        report(
            number,
            _no_header(width),
            delimiter.join(cells),
            Text("mon.problem.row_cells", cells=len(cells), width=width),
            Text("mon.hint.quote_separator", separator=delimiter),
        )
        return False
    if len(cells) < width:
        report(
            number,
            header[len(cells)],
            delimiter.join(cells),
            Text("mon.problem.row_cells", cells=len(cells), width=width),
            Text("mon.hint.add_separators", separator=delimiter),
        )
        return False
    return True


def _named_cells(number: int, header: list[str], cells: list, report) -> dict:
    """The row's cells by column name; a value under a column without a name is a problem."""
    named = {}
    for j, value in enumerate(cells):
        name = header[j] if j < len(header) else ""
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            report(
                number,
                name or _no_header(j),
                value[:40] + "…",
                Text("mon.problem.cell_too_long", n=len(value), max=MAX_CELL_CHARS),
                Text("mon.hint.shorten"),
            )
            value = _FAILED
        if name:
            named[name] = value
        elif not _is_empty(value) and value is not _FAILED:
            _report_nameless(number, j, value, report)
            named[""] = _FAILED
    return named


def _report_nameless(number: int, j: int, value, report) -> None:
    report(
        number,
        _no_header(j),
        value,
        Text("mon.problem.nameless_value", value=value),
        Text("mon.hint.name_column"),
    )


@cache
def _xlsx_types() -> tuple:
    """openpyxl's empty cell and formula types; openpyxl loads with the first XLSX file only."""
    from openpyxl.cell.read_only import EMPTY_CELL
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return EMPTY_CELL, ArrayFormula, DataTableFormula


def _read_xlsx(path: Path, table: str | None, report) -> _Sheet | None:
    if not _unpacked_size_fits(path, report):
        return None
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            # read-only streams the sheet row by row: memory does not grow with the used range
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # any unreadable file must give a message, not a traceback
        report(
            None,
            None,
            None,
            Text("mon.problem.not_xlsx", error=type(exc).__name__),
            Text("mon.hint.save_xlsx_or_csv"),
        )
        return None
    try:
        worksheet = _data_worksheet(workbook, table, report)
        return None if worksheet is None else _read_worksheet(path, worksheet, report)
    except Exception as exc:  # a damaged sheet inside a readable zip: a message, not a traceback
        report(
            None,
            None,
            None,
            Text("mon.problem.workbook_unreadable", error=f"{type(exc).__name__}: {exc}"),
            Text("mon.hint.save_xlsx_again"),
        )
        return None
    finally:
        workbook.close()


def _unpacked_size_fits(path: Path, report) -> bool:
    """False after reporting a workbook whose parts unpack to more than MAX_UNPACKED_BYTES."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # not a zip: openpyxl's own error names it
    if unpacked <= MAX_UNPACKED_BYTES:
        return True
    message = Text("mon.problem.unpacked_too_large", size=unpacked, max=MAX_UNPACKED_BYTES)
    report(None, None, None, message, _TOO_LARGE_HINT)
    return False


def _read_worksheet(path: Path, worksheet, report) -> _Sheet | None:
    # The stored used range may reach XFD1048576 because of one stray cell: forget it, so that
    # only the cells the file holds are walked (a gap of empty rows comes as empty tuples).
    worksheet.reset_dimensions()
    rows = enumerate(worksheet.iter_rows(), start=1)
    _, first = next(rows, (1, ()))
    header = ["" if c.value is None else str(c.value).strip() for c in first]
    while header and not header[-1]:
        header.pop()
    if not header:
        report(
            1,
            None,
            "",
            Text("mon.problem.empty_sheet", sheet=worksheet.title),
            Text("mon.hint.row1_names"),
        )
        return None
    if len(header) > MAX_COLUMNS:
        column = column_letter(len(header))
        report(
            1,
            column,
            header[-1][:40],
            Text("mon.problem.header_too_wide", column=column, max=MAX_COLUMNS),
            Text("mon.hint.clear_right"),
        )
        return None
    sheet = _Sheet(path, "xlsx", header)
    scanned = 0
    for number, cells in rows:
        scanned += len(cells)
        if number > _EXCEL_MAX_ROW or scanned > _MAX_SCANNED_CELLS:
            report(number, None, None, Text("mon.problem.sheet_too_large"), _TOO_LARGE_HINT)
            return None
        named = _xlsx_row(number, cells, header, report) if cells else None
        if named is not None:
            sheet.rows.append((number, named))
            if len(sheet.rows) > MAX_ROWS:
                message = Text("mon.problem.sheet_too_many_rows", max=MAX_ROWS)
                report(number, None, None, message, _TOO_LARGE_HINT)
                return None
    return sheet


def _xlsx_row(number: int, cells, header: list[str], report) -> dict | None:
    """The row's cells by column name, or None for an empty row; cells right of the header
    are looked at only when they are not empty (a row may reach column XFD)."""
    width = len(header)
    EMPTY_CELL = _xlsx_types()[0]
    values = [_xlsx_value(cell, number, j, header, report) for j, cell in enumerate(cells[:width])]
    extra = cells[width:]
    beyond = []
    # at C speed (list.count would call ReadOnlyCell.__eq__, which fails on EMPTY_CELL)
    if any(map(operator.is_not, extra, itertools.repeat(EMPTY_CELL))):
        beyond = [
            (j, _xlsx_value(cell, number, j, header, report))
            for j, cell in enumerate(extra, start=width)
            if cell is not EMPTY_CELL and cell.value is not None
        ]
        beyond = [(j, value) for j, value in beyond if not _is_empty(value)]
    if not beyond and all(_is_empty(v) for v in values):
        return None
    values += [""] * (width - len(values))
    named = _named_cells(number, header, values, report)
    for j, value in beyond:
        if value is not _FAILED:
            _report_nameless(number, j, value, report)
        named[""] = _FAILED
    return named


def _data_worksheet(workbook, table: str | None, report):
    names = workbook.sheetnames
    for name in [table, *TABLE_NAMES]:
        if name in names:
            return _cell_sheet(workbook[name], report)
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if len(visible) == 1:
        return visible[0]
    report(
        None,
        None,
        ", ".join(names),
        Text("mon.problem.which_sheet", sheets=", ".join(names)),
        Text("mon.hint.name_sheet", sheet=table or "realisations"),
    )
    return None


def _cell_sheet(sheet, report):
    """The sheet when it holds cells; None after reporting a chart sheet."""
    if hasattr(sheet, "iter_rows"):
        return sheet
    report(
        None,
        None,
        sheet.title,
        Text("mon.problem.chart_sheet", sheet=sheet.title),
        Text("mon.hint.chart_sheet"),
    )
    return None


def _xlsx_value(cell, number: int, j: int, header: list[str], report):
    """The cell's value (None → ''), or _FAILED after reporting a formula, error or % cell."""
    EMPTY_CELL, ArrayFormula, _ = _xlsx_types()
    if cell is EMPTY_CELL:
        return ""
    value = cell.value
    name = header[j] if j < len(header) and header[j] else column_letter(j + 1)
    try:
        return _checked_xlsx_value(cell, value)
    except _Bad as bad:
        report(
            number,
            name,
            value if not isinstance(value, ArrayFormula) else value.text,
            bad.message,
            bad.hint,
        )
        return _FAILED


def _checked_xlsx_value(cell, value):
    _, ArrayFormula, DataTableFormula = _xlsx_types()
    if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
        text = value.text if isinstance(value, ArrayFormula) else str(value)
        raise _Bad(Text("mon.problem.formula", text=text), Text("mon.hint.paste_values"))
    if cell.data_type == "e":
        raise _Bad(Text("mon.problem.error_value", value=value), Text("mon.hint.replace_error"))
    if _is_number(value) and "%" in (cell.number_format or ""):
        raise _Bad(
            Text("mon.problem.percent_cell", value=value, shown=float(value) * 100),
            Text("mon.hint.percent_cell"),
        )
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
