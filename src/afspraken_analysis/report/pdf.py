"""The print PDF: executed notebooks as HTML without code (their rich outputs), framed by a title page and
contents, styled by report.css and rendered by WeasyPrint as a tagged, archivable PDF (PDF/A-2a,
also identified as PDF/UA-1)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from afspraken_analysis import labels
from afspraken_analysis.paths import PACKAGE_DIR

from . import pdftags

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


def notebook_bodies(build: Path, order: list[str]) -> list[str]:
    """The printable HTML of each executed notebook in build/notebooks, in report order; computed
    once and shared by the PDF and the web edition."""
    return [notebook_html(read_notebook(build / "notebooks" / f"{name}.ipynb")) for name in order]


def contents_html(bodies: list[str], lang: str) -> str:
    items = []
    for body in bodies:
        for level, anchor, text in _HEADING.findall(body):
            items.append(f'<li class="toc-{level}"><a href="#{anchor}">{text}</a></li>')
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


def page_css(meta: dict, lang: str) -> str:
    """The language- and data-dependent part of the print stylesheet (running texts)."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    css = [
        "@page { @bottom-left { content: "
        + q(labels.t("report.running_title", lang, year=meta["year"]))
        + "; } @bottom-right { content: "
        + q(labels.t("report.page", lang))
        + ' " " counter(page) " / " counter(pages); } }',
        "@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }",
        "figure.chart .caption .title::before { content: "
        + q(labels.t("report.figure", lang) + " ")
        + ' counter(figure) ": "; }',
        ".table-block .caption .title::before { content: "
        + q(labels.t("report.table", lang) + " ")
        + ' counter(table) ": "; }',
    ]
    if meta["fictitious"]:
        marker = q(labels.t("plot.example_data", lang))
        css.append(
            f"@page {{ @top-center {{ content: {marker}; color: #D55E00; font-weight: bold; }} }}"
            f"@page :first {{ @top-center {{ content: {marker}; }} }}"
        )
    return "\n".join(css)


def _article_class(index: int) -> str:
    """The chapter's class: the first is the opening chapter (report.css styles it tighter)."""
    return "notebook opening" if index == 0 else "notebook"


def report_html(bodies: list[str], meta: dict, lang: str) -> str:
    # The PDF's dates: the data date, not the clock (WeasyPrint reads these two tags).
    date = html.escape(meta["data_date"])
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="dcterms.created" content="{date}">'
        f'<meta name="dcterms.modified" content="{date}">'
        f"<title>{html.escape(labels.t('report.title', lang, year=meta['year']))}</title>"
        f"</head><body>{title_page_html(meta, lang)}{contents_html(bodies, lang)}"
        + "".join(
            f'<article class="{_article_class(i)}">{b}</article>' for i, b in enumerate(bodies)
        )
        + "</body></html>"
    )


def _with_pdfua(rdf_metadata):
    """WeasyPrint's XMP generator with the PDF/UA-1 identification added to the same rdf:RDF."""
    from xml.etree import ElementTree

    def generate(*args, **kwargs) -> bytes:
        rdf = ElementTree.fromstring(rdf_metadata(*args, **kwargs))
        rdf.extend(ElementTree.fromstring(_PDFUA_XMP))
        return ElementTree.tostring(rdf)

    return generate


def write_pdf(document: str, meta: dict, lang: str, target: Path) -> None:
    """Render the report as PDF/A-2a + PDF/UA-1: tagged, with language, title and outline."""
    from xml.etree import ElementTree

    from weasyprint import CSS, HTML

    for prefix, uri in (
        ("pdfaExtension", "http://www.aiim.org/pdfa/ns/extension/"),
        ("pdfaSchema", "http://www.aiim.org/pdfa/ns/schema#"),
        ("pdfaProperty", "http://www.aiim.org/pdfa/ns/property#"),
    ):
        ElementTree.register_namespace(prefix, uri)
    stylesheets = [CSS(filename=str(STYLESHEET)), CSS(string=page_css(meta, lang))]
    rendered = HTML(string=document, base_url=str(target.parent)).render(
        stylesheets=stylesheets, pdf_variant=PDF_VARIANT, pdf_tags=True
    )
    rendered.metadata.generate_rdf_metadata = _with_pdfua(rendered.metadata.generate_rdf_metadata)
    rendered.write_pdf(
        target,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        uncompressed_pdf=False,
        pdf_identifier=True,  # the file /ID: a hash of the content, so equal runs stay equal
        finisher=pdftags.finish,  # running headers as artifacts, TH scopes, the ID tree
    )


def render_pdf(build: Path, bodies: list[str], meta: dict, lang: str) -> None:
    """Write build/report.pdf from the notebooks' printable HTML (``notebook_bodies``)."""
    write_pdf(report_html(bodies, meta, lang), meta, lang, build / "report.pdf")
