"""The building blocks of notebook output: Html, chapters, sections, paragraphs, lists, tables
with a target column, captions with source and caveats, and CSV writing."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from afspraken_analysis import labels
from afspraken_analysis.spreadsheet import neutralise_frame, write_people_csv

NUMERIC_FORMATS = ("int", "pct", "pct0")


class Html:
    """A piece of report HTML; displays as HTML in a notebook and in the PDF."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        # the plain-text fallback in executed notebooks: no memory address, so runs are equal
        return f"<Html: {len(self.text)} characters>"

    def __add__(self, other: Html) -> Html:
        return Html(self.text + other.text)


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def chapter(title: str, anchor: str, intro: str | None = None) -> Html:
    """A chapter heading (one per notebook); starts a new page in the PDF."""
    out = f'<h1 class="chapter" id="{_anchor(anchor)}">{html.escape(title)}</h1>'
    return Html(out + (paragraph(intro).text if intro else ""))


def section(title: str, anchor: str, level: int = 2, new_page: bool = False) -> Html:
    """A section heading; level 2 headings appear in the table of contents."""
    cls = ' class="new-page"' if new_page else ""
    return Html(f'<h{level}{cls} id="{_anchor(anchor)}">{html.escape(title)}</h{level}>')


def keep_together(*parts: Html) -> Html:
    """Parts that stay on one page (a heading with its text and figure)."""
    return Html('<div class="keep-together">' + "".join(part.text for part in parts) + "</div>")


def paragraph(text: str, css_class: str = "") -> Html:
    cls = f' class="{css_class}"' if css_class else ""
    return Html(f"<p{cls}>{html.escape(text)}</p>")


def bullets(items: Iterable[str], css_class: str = "") -> Html:
    cls = f' class="{css_class}"' if css_class else ""
    return Html(f"<ul{cls}>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")


def caption_html(title: str, source: str, caveats, lang: str, kind: str, lead: str = "") -> str:
    """Caption under a figure or table: numbered title, source line, caveats that touch it.

    A figure's is its <figcaption>, a table's its <caption> (shown below it); `lead`: HTML
    that opens the caption (a table's legend).
    """
    tag = "figcaption" if kind == "figure" else "caption"
    cls = "caption with-lead" if lead else "caption"
    parts = [f'<{tag} class="{cls}">{lead}', f'<p class="title">{html.escape(title)}</p>']
    parts.append(
        f'<p class="source">{html.escape(labels.t("report.source_prefix", lang))} '
        f"{html.escape(source)}</p>"
    )
    for caveat in caveats:
        if caveat:
            parts.append(
                f'<p class="caveat">{html.escape(labels.t("report.caveat_prefix", lang))} '
                f"{html.escape(caveat)}</p>"
            )
    parts.append(f"</{tag}>")
    return "".join(parts)


def _cell(value, fmt: str, lang: str) -> str:
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    elif value is None or (not isinstance(value, str) and pd.isna(value)):
        value = None
    if fmt == "int":
        return labels.fmt_number(value, lang)
    if fmt.startswith("dec"):
        return labels.fmt_number(value, lang, int(fmt[3:] or 1))
    if fmt == "pct":
        return labels.fmt_pct(value, lang)
    if fmt == "pct0":
        return labels.fmt_pct(value, lang, 0)
    if fmt == "html":
        return "" if value is None or value != value else str(value)
    if fmt in ("category", "status", "quality"):
        if value is None or value != value:
            value = "no_data" if fmt == "category" else "no_information"
        text = labels.t(f"{fmt}.{value}", lang)
        return f'<span class="chip {fmt}-{html.escape(str(value))}">{html.escape(text)}</span>'
    if value is None or value != value:
        return "–"
    return html.escape(str(value))


def table(
    p,
    name: str,
    data: pd.DataFrame,
    *,
    columns: dict[str, str],
    target: str,
    title: str,
    source: str,
    caveats=(),
    formats: dict[str, str] | None = None,
    total: dict[str, object] | None = None,
    csv_data: pd.DataFrame | None = None,
    css_class: str = "",
    legend: Html | None = None,
) -> Html:
    """A report table: writes tables/<name>.csv and returns the formatted HTML with its caption.

    `columns`: column → header text, in display order; `target`: the column holding the target
    (every report table has one, shown highlighted); `formats`: column → int, pct, pct0, decN,
    category, status or text; `total`: an optional total row (column → value); `csv_data`: the
    data for the CSV when it should hold more than the displayed rows (default `data`).
    """
    if target not in columns:
        raise ValueError(f"table {name!r}: the target column {target!r} must be displayed")
    formats = formats or {}
    if p.output_dir is not None:
        write_csv(
            _csv_frame(csv_data if csv_data is not None else data),
            p.output_dir / "tables" / f"{name}.csv",
            people=True,
        )
    head = "".join(
        f'<th scope="col" class="{"target " if c == target else ""}{_align(formats.get(c, "text"))}">'
        f"{html.escape(label)}</th>"
        for c, label in columns.items()
    )
    rows = []
    for record in data.to_dict("records"):
        rows.append(_row(record, columns, formats, target, p.lang))
    if total:
        rows.append(_row(total, columns, formats, target, p.lang, css_class="total"))
    cls = f"report-table {css_class}".strip()
    return Html(
        f'<div class="table-block" id="table-{_anchor(name)}">'
        f'<table class="{cls}">'
        f"{caption_html(title, source, caveats, p.lang, 'table', legend.text if legend else '')}"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _align(fmt: str) -> str:
    return "num" if fmt in NUMERIC_FORMATS or fmt.startswith("dec") else "txt"


def _row(record: dict, columns, formats, target, lang, css_class: str = "") -> str:
    cells = []
    for c in columns:
        fmt = formats.get(c, "text")
        value = record.get(c)
        text = "" if (css_class == "total" and c not in record) else _cell(value, fmt, lang)
        cls = f"{'target ' if c == target else ''}{_align(fmt)}"
        cells.append(f'<td class="{cls}">{text}</td>')
    return (
        f'<tr class="{css_class}">' + "".join(cells) + "</tr>"
        if css_class
        else ("<tr>" + "".join(cells) + "</tr>")
    )


def write_csv(data: pd.DataFrame, path: Path, people: bool = False) -> None:
    """A CSV written the same way every time: UTF-8, '\\n' line ends, no index.

    Text a spreadsheet would run as a formula gets a leading apostrophe (`spreadsheet.RULE`).
    `people`: also the CSV for people in excel/ beside it (`spreadsheet.PEOPLE_CSV_RULE`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise_frame(data).to_csv(
        path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6g"
    )
    if people:
        (path.parent / "excel").mkdir(exist_ok=True)
        write_people_csv(data, path.parent / "excel" / path.name)


def _csv_frame(data: pd.DataFrame) -> pd.DataFrame:
    out = data.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v
            )
    return out


def example_banner(p) -> Html:
    """A banner on the first output of each chapter when the data is fictitious."""
    if not p.is_example:
        return Html("")
    return Html(
        f'<p class="example-banner">{html.escape(labels.t("plot.example_data", p.lang))}</p>'
    )


def note_list(p, name: str, items, title: str | None = None) -> Html:
    """A bullet list (assumptions, notes), also written as tables/<name>.csv (one column)."""
    items = [str(i) for i in items]
    if p.output_dir is not None:
        write_csv(
            pd.DataFrame({"text": items}), p.output_dir / "tables" / f"{name}.csv", people=True
        )
    heading = f'<p class="list-title">{html.escape(title)}</p>' if title else ""
    return Html(heading) + bullets(items, "notes")
