"""The screen edition: report.html, the same report as the PDF on one self-contained page.

Built from the very HTML the PDF is built from (``pdf.PrintLayout.bodies``, the title page and the
contents), then made fit for a screen and for assistive technology: a viewport, a skip link,
landmarks, numbered captions written out (the PDF numbers them with CSS counters), tables in a
labelled scroll container with a caption and column header cells, and web.css inlined. Figures
stay the PNGs the PDF shows, with their alternative text. Nothing is loaded from elsewhere.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from afspraken_analysis import labels
from afspraken_analysis.paths import PACKAGE_DIR

from .pdf import contents_html, title_page_html

STYLESHEET = PACKAGE_DIR / "report" / "web.css"
# marks a table box that has more to the right (web.css draws a shadow there); without
# scripts the tables still scroll, only the hint is missing
SCRIPT = (
    "for(const b of document.querySelectorAll('.table-scroll')){const m=()=>"
    "b.parentNode.classList.toggle('more-right',b.scrollLeft+b.clientWidth<b.scrollWidth-1);"
    "b.addEventListener('scroll',m,{passive:true});addEventListener('resize',m);m();}"
)

_CAPTIONED = re.compile(
    r'(?P<start><figure class="chart" id="(?P<fig>[^"]+)">|<div class="table-block" id="(?P<tab>[^"]+)">)'
    r'(?P<between>.*?)<p class="title">(?P<title>.*?)</p>',
    re.S,
)
_TABLE_BLOCK = re.compile(
    r'<div class="table-block" id="(?P<id>[^"]+)">(?P<table><table class="[^"]*">.*?</table>)',
    re.S,
)


def number_captions(body: str, lang: str) -> str:
    """Write out 'Figuur n: ' and 'Tabel n: ' before each caption title, in document order.

    The PDF numbers the same captions with CSS counters on ``figure.chart`` and ``.table-block``
    (report.css), in the same order, so both editions carry the same numbers. Each title gets
    an id (``<block id>-title``) that the table's scroll container is labelled by.
    """
    counts = {"fig": 0, "tab": 0}
    prefix = {
        "fig": labels.t("report.figure", lang),
        "tab": labels.t("report.table", lang),
    }

    def numbered(m: re.Match) -> str:
        kind = "fig" if m["fig"] else "tab"
        counts[kind] += 1
        block_id = m[kind]
        return (
            f'{m["start"]}{m["between"]}<p class="title" id="{block_id}-title">'
            f'<span class="number">{html.escape(prefix[kind])} {counts[kind]}:</span> '
            f"{m['title']}</p>"
        )

    return _CAPTIONED.sub(numbered, body)


def responsive_tables(body: str) -> str:
    """Each report table in a focusable scroll container labelled by its caption.

    The table keeps its ``<caption>`` (title, source and caveats, as in the PDF) and its header
    cells with their ``scope``; the scroll box is labelled by the caption's numbered title.
    """

    def wrapped(m: re.Match) -> str:
        title_id = f"{m['id']}-title"
        # <th> cells only: not <thead>, which a bare "<th" would also match
        table = re.sub(r"<th(?=[\s>])(?![^>]*\bscope=)", '<th scope="col"', m["table"])
        return (
            f'<div class="table-block" id="{m["id"]}">'
            '<div class="table-frame">'
            f'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{title_id}">'
            f"{table}</div></div>"
        )

    return _TABLE_BLOCK.sub(wrapped, body)


def web_html(bodies: list[str], meta: dict, lang: str) -> str:
    """The whole screen edition as one HTML document (UTF-8 text)."""
    t = lambda key, **kw: html.escape(labels.t(key, lang, **kw))  # noqa: E731
    title = t("report.title", year=meta["year"])
    ribbon = ""
    if meta["fictitious"]:
        # the PDF marks every page; on screen a bar that stays in view marks every screenful
        ribbon = (
            f'<aside class="example-ribbon" aria-label="{t("web.marking")}">'
            f"<p>{t('plot.example_data')}</p></aside>"
        )
        title = f"{t('plot.example_data')} · {title}"
    facts = title_page_html(meta, lang).replace(
        '<table class="facts">', f'<table class="facts" aria-label="{t("web.facts")}">'
    )
    facts = re.sub(r"<tr><th>", '<tr><th scope="row">', facts)
    contents = contents_html(bodies, lang).replace(
        '<nav class="contents">', f'<nav class="contents" aria-label="{t("report.contents")}">'
    )
    articles = "".join(
        f'<article class="notebook">{responsive_tables(b)}</article>'
        for b in _numbered_bodies(bodies, lang)
    )
    date = html.escape(meta["data_date"])
    css = STYLESHEET.read_text(encoding="utf-8")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="dcterms.created" content="{date}">'
        f"<title>{title}</title><style>{css}</style></head>"
        f"<body{' class=example' if meta['fictitious'] else ''}>"
        f'<a class="skip-link" href="#main">{t("web.skip_link")}</a>'
        f"{ribbon}<header>{facts}</header>{contents}"
        f'<main id="main" tabindex="-1">{articles}</main>'
        f"<footer><p>{t('report.running_title', year=meta['year'])} · "
        f"{t('report.fact.data_date')}: {date}</p></footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def _numbered_bodies(bodies: list[str], lang: str) -> list[str]:
    """The bodies as one stream for numbering (figures count on across chapters), split back."""
    marker = "<!--afspraken:chapter-break-->"
    joined = number_captions(marker.join(bodies), lang)
    return joined.split(marker)


def render_web(build: Path, bodies: list[str], meta: dict, lang: str) -> None:
    """Write build/report.html from the notebooks' printable HTML, the very HTML of the PDF."""
    (build / "report.html").write_text(web_html(bodies, meta, lang), encoding="utf-8", newline="\n")
