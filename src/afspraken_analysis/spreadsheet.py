"""Text written for spreadsheets never runs as a formula (OWASP's rule against CSV injection).

A text cell that starts with '=', '+', '-', '@', a tab or a carriage return is written with a
leading apostrophe, so Excel and LibreOffice show it as text; numbers are never touched. Text
that already starts with apostrophes before such a character gets one more, so that `restore`
gives back exactly what was written (the rule is reversible). In XLSX the value stays as it is
and the cell is stored as text with Excel's own quote prefix.
"""

from __future__ import annotations

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
