"""Text written for spreadsheets never runs as a formula (OWASP's rule against CSV injection).

A text cell that starts with '=', '+', '-', '@', a tab or a carriage return is written with a
leading apostrophe, so Excel and LibreOffice show it as text; numbers are never touched. Text
that already starts with apostrophes before such a character gets one more, so that `restore`
gives back exactly what was written (the rule is reversible). In XLSX the value stays as it is
and the cell is stored as text with Excel's own quote prefix.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

RULE = (
    "Text cells that start with '=', '+', '-', '@', a tab or a carriage return (after any "
    "apostrophes) are written with one more leading apostrophe (') so that a spreadsheet shows "
    "them as text instead of running them as a formula (OWASP's rule against CSV injection); "
    "remove that one apostrophe to get the original text. Numbers are written as they are."
)


def _at_risk(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_START)


def column_letter(index: int) -> str:
    """Excel's name of the 1-based column `index`: 1 → A, 27 → AA (as openpyxl's
    get_column_letter, without importing openpyxl, which a CSV file does not need)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def neutralise(value):
    """`value` with a leading apostrophe if it is text a spreadsheet would read as a formula."""
    return "'" + value if isinstance(value, str) and _at_risk(value) else value


def restore(value):
    """The text `neutralise` was given: one leading apostrophe fewer where it added one."""
    if isinstance(value, str) and value.startswith("'") and _at_risk(value):
        return value[1:]
    return value


def _converted(series: pd.Series, fn) -> pd.Series | None:
    """`fn` on the series' text cells, or None when that changes nothing (numbers never change)."""
    dtype = series.dtype

    def changes(value) -> bool:
        return isinstance(value, str) and fn(value) != value

    if isinstance(dtype, pd.CategoricalDtype):
        return series.cat.rename_categories(fn) if any(map(changes, dtype.categories)) else None
    if (dtype == "object" or isinstance(dtype, pd.StringDtype)) and series.map(changes).any():
        return series.map(fn).astype(dtype)
    return None


def _convert(frame: pd.DataFrame, fn) -> pd.DataFrame:
    """`fn` on every text cell and column name; the frame itself when nothing changes."""
    out = frame
    for i in range(frame.shape[1]):
        new = _converted(frame.iloc[:, i], fn)
        if new is not None:
            out = frame.copy() if out is frame else out
            out.isetitem(i, new)
    names = [fn(c) for c in frame.columns]
    return out if names == list(frame.columns) else out.set_axis(names, axis=1)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` ready for `to_csv`: text cells and column names through `neutralise`."""
    return _convert(frame, neutralise)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame read back from a CSV this tool wrote: text cells and names through `restore`."""
    return _convert(frame, restore)


def protect_workbook(workbook) -> None:
    """Store every text cell of an openpyxl workbook that looks like a formula as text.

    openpyxl turns a string starting with '=' into a formula; the cell is set back to text and
    given Excel's quote prefix (as if the user had typed an apostrophe), so its value is unchanged.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True


# ---------------------------------------------------------------------------------------------
# CSVs for people: what Excel with Dutch settings opens as columns and numbers
# ---------------------------------------------------------------------------------------------

PEOPLE_CSV_RULE = (
    "CSV for people (Excel with Dutch settings): separated by semicolons, decimal comma, UTF-8 "
    "with a byte-order mark; numbers rounded for reading (whole numbers stay whole, otherwise 2 "
    "decimals, 1 where a column reaches 10 or more); the full precision is in the CSV beside it."
)


def _decimals(values: pd.Series) -> int:
    """Decimals a number column is shown with: 0 when whole, else 1 from 10 up, else 2."""
    numbers = values.dropna().astype(float)
    if numbers.empty or (numbers == numbers.round()).all():
        return 0
    return 1 if numbers.abs().max() >= 10 else 2


def _number_text(values: pd.Series, decimal: str) -> pd.Series:
    """A number column as text, rounded for reading; a missing value is empty."""
    decimals = _decimals(values)

    def text(value) -> str:
        if pd.isna(value):
            return ""
        return f"{float(value):.{decimals}f}".replace(".", decimal)

    return values.map(text).astype(object)


def _is_number_column(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def readable_text(frame: pd.DataFrame) -> str:
    """`frame` as a plain-text table for a screen, numbers rounded as in the people's CSV."""
    out = frame.copy()
    for i in range(out.shape[1]):
        if _is_number_column(out.iloc[:, i]):
            out.isetitem(i, _number_text(out.iloc[:, i], ".").replace("", "–"))
    return out.to_string(index=False)


def people_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as text for the people's CSV: numbers rounded with a decimal comma, text that a
    spreadsheet would run as a formula neutralised (numbers are never touched by that rule)."""
    out = neutralise_frame(frame).copy()
    for i in range(out.shape[1]):
        if _is_number_column(out.iloc[:, i]):
            out.isetitem(i, _number_text(out.iloc[:, i], ","))
    return out


def write_people_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write `frame` as a CSV for people (PEOPLE_CSV_RULE); the same bytes every time."""
    people_frame(frame).to_csv(
        path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n"
    )


def people_csv_path(path: str | Path) -> Path:
    """Where the people's CSV of the machine-readable CSV `path` goes: `x.csv` → `x.excel.csv`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.excel{path.suffix or '.csv'}")
