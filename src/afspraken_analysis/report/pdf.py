"""The print PDF: executed notebooks as HTML without code (their rich outputs), framed by a title page and
contents, styled by report.css and rendered by WeasyPrint as a tagged, archivable PDF (PDF/A-2a,
also identified as PDF/UA-1). Laid out chapter by chapter (PrintLayout), each chapter as soon as its
notebook has run, so that most of the layout is done while later notebooks still run."""

from __future__ import annotations

import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path

from afspraken_analysis import labels
from afspraken_analysis.paths import PACKAGE_DIR

from . import pdflayout, pdftags

STYLESHEET = PACKAGE_DIR / "report" / "report.css"
# a PNG a notebook displays itself (the report's charts are HTML figures with their own text)
PNG_ALT = "No description has been provided for this image"  # as nbconvert wrote it
# PDF/A-2a: archivable and tagged (WeasyPrint's variant); PDF/A-2 rather than 3 because the report
# embeds no files. WeasyPrint writes one variant's identification, so the PDF/UA-1 part is added
# to the same XMP packet, with the extension schema PDF/A asks for a namespace it does not define.
PDF_VARIANT = "pdf/a-2a"
_PDFUA_XMP = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
</rdf:RDF>"""
# The contents' page numbers as PrintLayout found them: the chapters are documents of their own,
# which report.css's target-counter does not reach.
FRONT_CSS = '\nnav.contents a::after { content: leader(". ") attr(data-page); }'
# the CSS counters report.css increments, and the elements it increments them on
COUNTERS = {"figure": "figure.chart", "table": ".table-block"}
_HEADING = re.compile(r'<h([12])(?: class="(?!no-toc)[^"]*")? id="([^"]+)">(.*?)</h\1>', re.S)


def _joined(value) -> str:
    """A notebook text field: one string, or the list of lines the .ipynb file stores."""
    return value if isinstance(value, str) else "".join(value)


def output_html(output: dict) -> str | None:
    """One rich output as print HTML, or None: text/html as is, SVG inline, PNG as an image.

    The choice follows nbconvert's order (HTML before SVG before PNG); streams (log lines,
    warnings), errors, widgets and plain-text reprs are not printed.
    """
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    data = output.get("data", {})
    if "text/html" in data:
        return _joined(data["text/html"])
    if "image/svg+xml" in data:
        return _joined(data["image/svg+xml"])
    if "image/png" in data:
        encoded = "".join(_joined(data["image/png"]).split())
        return f'<img alt="{PNG_ALT}" src="data:image/png;base64,{encoded}">'
    return None


def notebook_html(nb: dict) -> str:
    """The printable HTML of an executed notebook: its code cells' rich outputs in order, no code.

    Markdown cells are developer notes and stay out; the outputs are joined without the wrapper
    elements nbconvert adds (they only cost WeasyPrint time).
    """
    parts = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            parts += filter(None, map(output_html, cell.get("outputs", [])))
    return "\n".join(parts)


def read_notebook(path: Path) -> dict:
    """An executed notebook as papermill wrote it (JSON; nbformat 4)."""
    return json.loads(path.read_text(encoding="utf-8"))


def contents_html(bodies: list[str], lang: str, pages: dict[str, int] | None = None) -> str:
    """The contents: every chapter and section heading, with its page number in the PDF when
    `pages` (anchor → page number) is given (none for a heading on no page, as target-counter)."""
    items = []
    for body in bodies:
        for level, anchor, text in _HEADING.findall(body):
            page = f' data-page="{pages[anchor]}"' if pages and anchor in pages else ""
            items.append(f'<li class="toc-{level}"><a href="#{anchor}"{page}>{text}</a></li>')
    title = html.escape(labels.t("report.contents", lang))
    return f'<nav class="contents"><h1 class="no-toc">{title}</h1><ul>{"".join(items)}</ul></nav>'


def title_page_html(meta: dict, lang: str) -> str:
    t = lambda key, **kw: html.escape(labels.t(key, lang, **kw))  # noqa: E731
    rows = "".join(
        f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>'
        for k, v in meta["facts"]
    )
    basis = "".join(f"<li>{html.escape(item)}</li>" for item in meta["basis"])
    example = (
        f'<p class="example-banner">{t("plot.example_data")}</p>' if meta["fictitious"] else ""
    )
    return (
        '<section class="title-page">'
        f'<p class="kicker">{t("report.kicker")}</p>'
        f'<h1 class="no-toc">{t("report.title", year=meta["year"])}</h1>'
        f'<p class="subtitle">{t("report.subtitle")}</p>{example}'
        f'<table class="facts">{rows}</table>'
        f'<h2 class="no-toc">{t("report.data_basis")}</h2><ul class="basis">{basis}</ul>'
        f'<p class="disclaimer">{t("report.title_note")}</p>'
        "</section>"
    )


def page_css(meta: dict, lang: str, *, title_page: bool = False) -> str:
    """The language- and data-dependent part of the print stylesheet (running texts);
    `title_page`: for the document that opens with the title page (no running texts on it)."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    css = [
        "@page { @bottom-left { content: "
        + q(labels.t("report.running_title", lang, year=meta["year"]))
        + "; } @bottom-right { content: "
        + q(labels.t("report.page", lang))
        + ' " " counter(page) " / " counter(pages); } }',
        "figure.chart .caption .title::before { content: "
        + q(labels.t("report.figure", lang) + " ")
        + ' counter(figure) ": "; }',
        ".table-block .caption .title::before { content: "
        + q(labels.t("report.table", lang) + " ")
        + ' counter(table) ": "; }',
    ]
    if title_page:
        css.append(
            "@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }"
        )
    if meta["fictitious"]:
        marker = q(labels.t("plot.example_data", lang))
        css.append(
            f"@page {{ @top-center {{ content: {marker}; color: #D55E00; font-weight: bold; }} }}"
        )
        if title_page:
            css.append(f"@page :first {{ @top-center {{ content: {marker}; }} }}")
    return "\n".join(css)


def _article_class(index: int) -> str:
    """The chapter's class: the first is the opening chapter (report.css styles it tighter)."""
    return "notebook opening" if index == 0 else "notebook"


def _front(meta: dict, lang: str, contents: str, articles: str = "") -> str:
    """The document that opens with the title page and the contents (and, in report_html, goes on
    with the chapters)."""
    # The PDF's dates: the data date, not the clock (WeasyPrint reads these two tags).
    date = html.escape(meta["data_date"])
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="dcterms.created" content="{date}">'
        f'<meta name="dcterms.modified" content="{date}">'
        f"<title>{html.escape(labels.t('report.title', lang, year=meta['year']))}</title>"
        f"</head><body>{title_page_html(meta, lang)}{contents}{articles}</body></html>"
    )


def report_html(bodies: list[str], meta: dict, lang: str) -> str:
    """The whole report as one HTML document. report.pdf is WeasyPrint's rendering of it with
    report.css and page_css(title_page=True), laid out chapter by chapter (PrintLayout);
    tests/test_pdf_layout.py holds the two equal."""
    articles = "".join(
        f'<article class="{_article_class(i)}">{b}</article>' for i, b in enumerate(bodies)
    )
    return _front(meta, lang, contents_html(bodies, lang), articles)


def _chapter_html(body: str, index: int, lang: str) -> str:
    """One chapter as a document of its own."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head>'
        f'<body><article class="{_article_class(index)}">{body}</article></body></html>'
    )


def _with_pdfua(rdf_metadata):
    """WeasyPrint's XMP generator with the PDF/UA-1 identification added to the same rdf:RDF."""
    from xml.etree import ElementTree

    def generate(*args, **kwargs) -> bytes:
        rdf = ElementTree.fromstring(rdf_metadata(*args, **kwargs))
        rdf.extend(ElementTree.fromstring(_PDFUA_XMP))
        return ElementTree.tostring(rdf)

    return generate


class PrintLayout:
    """report.pdf, laid out chapter by chapter. A chapter is laid out once its notebook and those
    of the chapters before it have run (its figures and tables are numbered on from theirs);
    `write` lays out what is left, then the title page and contents (the page numbers of the
    headings are known by then), numbers the pages and writes the file. The result is the PDF
    WeasyPrint makes of the whole report as one document (tests/test_pdf_layout.py)."""

    def __init__(self, build: Path, names: list[str], meta: dict, lang: str):
        self.build, self.names, self.meta, self.lang = build, names, meta, lang
        self._bodies: dict[str, str] = {}
        self.chapters: list[pdflayout.LaidOut] = []  # laid out so far, in report order
        self.counted = dict.fromkeys(COUNTERS, 0)  # figures and tables in those chapters

    @cached_property
    def fonts(self):
        """One font configuration for all chapters: one set of embedded fonts."""
        from weasyprint.text.fonts import FontConfiguration

        return FontConfiguration()

    @cached_property
    def stylesheet(self):
        from weasyprint import CSS

        return CSS(filename=str(STYLESHEET), font_config=self.fonts)

    def body(self, name: str) -> str:
        """A chapter's printable HTML, from its executed notebook in build/notebooks (read once)."""
        if name not in self._bodies:
            self._bodies[name] = notebook_html(
                read_notebook(self.build / "notebooks" / f"{name}.ipynb")
            )
        return self._bodies[name]

    def bodies(self) -> list[str]:
        """Every chapter's printable HTML, in report order (shared with the web edition)."""
        return [self.body(name) for name in self.names]

    def next_chapter(self) -> str | None:
        """The notebook whose chapter is laid out next; None when all are."""
        return self.names[len(self.chapters)] if len(self.chapters) < len(self.names) else None

    def lay_out_next(self) -> None:
        """Lay out the next chapter, its figures and tables numbered on from the chapters before."""
        index = len(self.chapters)
        resets = " ".join(f"{counter} {n}" for counter, n in self.counted.items())
        css = page_css(self.meta, self.lang) + f"\nbody {{ counter-reset: {resets}; }}"
        chapter = self._laid_out(_chapter_html(self.body(self.names[index]), index, self.lang), css)
        for counter, n in _counts(chapter).items():
            self.counted[counter] += n
        self.chapters.append(chapter)

    def write(self, target: Path) -> None:
        """Lay out the chapters still to do and the title page and contents; write the PDF."""
        pool = ThreadPoolExecutor(1, thread_name_prefix="pdf-images")
        try:
            for chapter in self.chapters:
                chapter.encode_images(pool)
            while self.next_chapter() is not None:
                self.lay_out_next()
                self.chapters[-1].encode_images(pool)
            self._write(target)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # an interruption is not kept waiting
            raise
        pool.shutdown()

    def _write(self, target: Path) -> None:
        """The title page and contents laid out with the headings' page numbers; every page
        numbered; the PDF written."""
        front_pages = 2  # the title page and a page of contents; corrected if the contents run on
        for _ in range(3):
            pages = self._heading_pages(front_pages + 1)
            front = self._laid_out(
                _front(self.meta, self.lang, contents_html(self.bodies(), self.lang, pages)),
                page_css(self.meta, self.lang, title_page=True) + FRONT_CSS,
            )
            if len(front.pages) == front_pages:
                break
            front_pages = len(front.pages)
        else:
            raise RuntimeError("the contents' page count does not settle")
        total = sum(len(laid.pages) for laid in (front, *self.chapters))
        pages, first = [], 1
        for laid in (front, *self.chapters):
            pages += laid.number(first, total)
            first += len(laid.pages)
        write_rendered(pdflayout.document(pages, front, self.fonts), target)

    def _laid_out(self, document: str, css: str) -> pdflayout.LaidOut:
        from weasyprint import CSS

        stylesheets = [self.stylesheet, CSS(string=css, font_config=self.fonts)]
        return pdflayout.LaidOut(document, stylesheets, self.fonts, str(self.build), PDF_VARIANT)

    def _heading_pages(self, first: int) -> dict[str, int]:
        """Anchor → page number of the chapters' headings (and every other id), the chapters
        starting on page `first`."""
        pages: dict[str, int] = {}
        for chapter in self.chapters:
            for page in chapter.pages:
                for anchor in page.anchors:
                    pages.setdefault(anchor, first)
                first += 1
        return pages


def _counts(laid: pdflayout.LaidOut) -> dict[str, int]:
    """Counter → the elements of a laid-out document that increment it (COUNTERS), matched as
    WeasyPrint matches selectors."""
    import cssselect2

    root = cssselect2.ElementWrapper.from_html_root(laid.html.etree_element)
    return {counter: sum(1 for _ in root.query_all(sel)) for counter, sel in COUNTERS.items()}


def write_rendered(rendered, target: Path) -> None:
    """Write the rendered report as PDF/A-2a + PDF/UA-1: tagged, with language, title, outline."""
    from xml.etree import ElementTree

    for prefix, uri in (
        ("pdfaExtension", "http://www.aiim.org/pdfa/ns/extension/"),
        ("pdfaSchema", "http://www.aiim.org/pdfa/ns/schema#"),
        ("pdfaProperty", "http://www.aiim.org/pdfa/ns/property#"),
    ):
        ElementTree.register_namespace(prefix, uri)
    rendered.metadata.generate_rdf_metadata = _with_pdfua(rendered.metadata.generate_rdf_metadata)
    rendered.write_pdf(
        target,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        uncompressed_pdf=False,
        pdf_identifier=True,  # the file /ID: a hash of the content, so equal runs stay equal
        finisher=pdftags.finish,  # running headers as artifacts, TH scopes, the ID tree
    )
