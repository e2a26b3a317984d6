"""The report PDF is accessible and archivable: tagged (structure tree, figures with alternative
text, tables with header cells), with language, title and outline, and identified as PDF/UA-1
and PDF/A-2a in its XMP metadata.

The PDFs here are small reports made of the report's own blocks (a chapter, an annex chart and
its table) on the shipped data and on the fictitious example data, rendered by `pdf.PrintLayout`
exactly as the full report is; `test_report.py` checks the figures of the full report.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NullObject

from afspraken_analysis import labels, tracking
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.report import blocks, content, manifest, params, pdf, plots

PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def _small_report(out: Path, **values) -> Path:
    """A chapter with the annex-2 chart and table, rendered to out/report.pdf."""
    p = params.validate({"year": 2025, "output_dir": str(out), **values})
    realisations, _, _ = content.load_monitoring(p)
    progress = tracking.annex_progress(realisations, p.year)
    chart_data = content.annex_chart(progress, 2)
    wide = content.annex_wide(progress, 2)
    figure = plots.show(
        plots.plan_vs_actual(
            chart_data,
            group="corporation",
            period="year",
            plan="planned",
            actual="realised",
            lang=p.lang,
            title=labels.t("plot.annex2.title", p.lang),
            ylabel=labels.t("plot.annex2.ylabel", p.lang),
            plan_label=labels.t("plot.annex2.plan", p.lang),
            actual_label=labels.t("plot.realised", p.lang),
        ),
        "nieuwbouw_sociaal",
        chart_data,
        p,
        title=labels.t("report.f.annex2", p.lang),
        source=content.source("annex2", p),
    )
    table = blocks.table(
        p,
        "nieuwbouw_sociaal",
        wide,
        columns=content.annex_columns(wide, p.lang),
        target="planned_total",
        formats={c: "int" for c in wide.columns if c != "corporation"},
        title=labels.t("report.t.annex2", p.lang),
        source=content.source("annex2", p),
        legend=content.status_legend(p.lang),
    )
    body = (
        blocks.chapter(labels.t("report.h.goals", p.lang), "doelen")
        + blocks.section(labels.t("report.h.annex2", p.lang), "bijlage-2")
        + figure
        + table
    )
    # as the report's run leaves it: an executed notebook whose output is the chapter
    output = {"output_type": "display_data", "data": {"text/html": body.text}, "metadata": {}}
    notebook = {"cells": [{"cell_type": "code", "outputs": [output]}], "metadata": {}}
    (out / "notebooks").mkdir()
    (out / "notebooks" / "02_doelen.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    meta = manifest.title_meta(p, p.is_example)
    pdf.PrintLayout(out, ["02_doelen"], meta, p.lang).write(out / "report.pdf")
    return out


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    return _small_report(tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return _small_report(
        tmp_path_factory.mktemp("example"), monitoring=str(EXAMPLE_MONITORING_DIR), lang="en"
    )


def _kids(element: DictionaryObject):
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    return [k.get_object() for k in (kids if isinstance(kids, ArrayObject) else [kids])]


def struct_elements(reader: PdfReader, kind: str | None = None) -> list[DictionaryObject]:
    """Every structure element of the PDF (of type `kind`, e.g. '/Figure'), in reading order."""
    found, todo = [], list(_kids(reader.trailer["/Root"]["/StructTreeRoot"].get_object()))
    while todo:
        element = todo.pop(0)
        if not isinstance(element, DictionaryObject) or "/S" not in element:
            continue  # a marked-content id or an annotation reference
        if kind is None or element["/S"] == kind:
            found.append(element)
        todo[:0] = _kids(element)
    return found


def xmp(reader: PdfReader) -> ElementTree.Element:
    return ElementTree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


@pytest.mark.parametrize("report, lang", [("shipped", "nl"), ("example", "en")])
def test_the_pdf_is_tagged_with_its_language_and_title(report, lang, request):
    reader = PdfReader(request.getfixturevalue(report) / "report.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == lang
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == labels.t("report.title", lang, year=2025)
    assert struct_elements(reader, "/H1") and struct_elements(reader, "/H2")


def test_the_xmp_metadata_identifies_pdf_ua_1_and_pdf_a_2a(shipped):
    reader = PdfReader(shipped / "report.pdf")
    metadata = xmp(reader)
    values = {
        key: value
        for description in metadata.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")
        for key, value in [*description.attrib.items(), *((c.tag, c.text) for c in description)]
    }
    assert values[PDFUAID + "part"] == "1"
    assert values[PDFAID + "part"] == "2"
    assert values[PDFAID + "conformance"] == "A"
    # PDF/A knows the pdfuaid namespace only through an extension schema in the same packet
    prefixes = [e.text for e in metadata.iter("{http://www.aiim.org/pdfa/ns/schema#}prefix")]
    assert prefixes == ["pdfuaid"]
    assert len(metadata.findall("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF")) <= 1
    assert reader.pdf_header == "%PDF-1.7"


def test_the_chart_alt_text_reads_the_numbers_of_its_csv(example):
    reader = PdfReader(example / "report.pdf")
    (figure,) = struct_elements(reader, "/Figure")
    alt = str(figure["/Alt"])
    shown = pd.read_csv(example / "figures" / "nieuwbouw_sociaal.csv")
    assert shown["realised"].notna().all()  # the example data has every realisation
    assert alt.startswith(labels.t("plot.example_data", "en") + ": ")
    assert labels.t("plot.annex2.title", "en") in alt
    for corporation, rows in shown.groupby("corporation", sort=False):
        planned = " and ".join(labels.fmt_number(v, "en") for v in rows["planned"])
        realised = " and ".join(labels.fmt_number(v, "en") for v in rows["realised"])
        assert f"{corporation} {planned}" in alt.split("Realised:")[0]
        assert f"{corporation} {realised}" in alt.split("Realised:")[1]


def test_without_realisations_the_alt_text_says_there_is_no_data(shipped):
    reader = PdfReader(shipped / "report.pdf")
    (figure,) = struct_elements(reader, "/Figure")
    alt = str(figure["/Alt"])
    shown = pd.read_csv(shipped / "figures" / "nieuwbouw_sociaal.csv")
    assert shown["realised"].isna().all()
    assert alt.endswith("Gerealiseerd: geen gegevens.")
    first = shown.iloc[0]
    assert f"{first['corporation']} {labels.fmt_number(first['planned'], 'nl')} en" in alt


def test_tables_have_header_cells_linked_to_their_data_cells_and_a_caption(example):
    reader = PdfReader(example / "report.pdf")
    shown = pd.read_csv(example / "tables" / "nieuwbouw_sociaal.csv")
    tables = struct_elements(reader, "/Table")
    report_table = tables[-1]  # the first is the title page's facts
    headers = [e for e in _walk(report_table) if e["/S"] == "/TH"]
    cells = [e for e in _walk(report_table) if e["/S"] == "/TD"]
    assert len(headers) == len(content.annex_columns(shown, "en"))
    assert cells and all(len(cell["/A"]["/Headers"]) == 1 for cell in cells)
    # the caption belongs to the table; shown below it, it is read after it
    assert [e["/S"] for e in _kids(report_table)][-1] == "/Caption"
    facts = tables[0]
    assert all(len(c["/A"]["/Headers"]) == 1 for c in _walk(facts) if c["/S"] == "/TD")


def _walk(element):
    for kid in _kids(element):
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            yield kid
            yield from _walk(kid)


@pytest.mark.parametrize(
    "report, first_page, other_pages",
    [("shipped", 0, 2), ("example", 1, 3)],  # running title and page number; the example marking
)
def test_running_headers_and_page_numbers_are_pagination_artifacts(
    report, first_page, other_pages, request
):
    """Every marked content is in the structure tree or an artifact: the page margins' texts
    (no footer on the title page) are /Artifact <</Type /Pagination>>, the rest is tagged."""
    reader = PdfReader(request.getfixturevalue(report) / "report.pdf")
    in_tree = {e.indirect_reference.idnum for e in struct_elements(reader)}
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[::2], nums[1::2], strict=True))
    assert len(reader.pages) >= 2
    for n, page in enumerate(reader.pages):
        marks = [
            operands
            for operands, operator in ContentStream(page.get_contents(), reader).operations
            if operator == b"BDC"
        ]
        furniture = [m for m in marks if m[0] == "/Artifact" and m[1]["/Type"] == "/Pagination"]
        assert len(furniture) == (first_page if n == 0 else other_pages), n
        by_mcid = parents[page["/StructParents"]].get_object()
        tagged = [m[1]["/MCID"] for m in marks if "/MCID" in m[1]]
        assert tagged and all(by_mcid[mcid].idnum in in_tree for mcid in tagged), n
        # what became an artifact has no structure element any more
        assert sum(isinstance(ref, NullObject) for ref in by_mcid) == len(furniture), n


def test_header_cells_have_a_scope_and_ids_the_id_tree_resolves(example):
    reader = PdfReader(example / "report.pdf")
    facts, *_, report_table = struct_elements(reader, "/Table")

    def scopes(table):
        return [str(c["/A"]["/Scope"]) for c in _walk(table) if c["/S"] == "/TH"]

    assert scopes(facts) == ["/Row"] * len(scopes(facts)) and len(scopes(facts)) >= 4
    assert scopes(report_table) == ["/Column"] * len(scopes(report_table))
    names = reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"]
    by_id = dict(zip(names[::2], (n.get_object() for n in names[1::2]), strict=True))
    for table in (facts, report_table):
        for cell in (c for c in _walk(table) if c["/S"] == "/TD"):
            for header in cell["/A"]["/Headers"]:
                assert by_id[header]["/S"] == "/TH" and by_id[header]["/ID"] == header
                assert any(by_id[header] is th for th in _walk(table))


def test_the_headings_make_the_outline(example):
    titles = [item.title for item in _flatten(PdfReader(example / "report.pdf").outline)]
    assert labels.t("report.h.goals", "en") in titles
    assert labels.t("report.h.annex2", "en") in titles


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


# the describers on clearly labelled sample frames (not report data)


def test_a_long_series_is_summarised_by_first_last_lowest_and_highest():
    sample = pd.DataFrame(
        {
            "scenario": ["sample"] * 6,
            "year": [2025, 2026, 2027, 2028, 2029, 2030],
            "share_pct": [25.5, 24.9, 25.2, 26.0, 27.4, 27.1],
        }
    )
    alt = plots.alt_scenario_lines(sample, lang="nl", title="T", band=(25, 30), selected=None)
    assert "25,5 % in 2025, 27,1 % in 2030" in alt
    assert "laagste 24,9 % in 2026, hoogste 27,4 % in 2029" in alt
    assert "25,2 %" not in alt and "26,0 %" not in alt  # the middle is not read out


def test_a_short_series_is_read_out_and_a_missing_realisation_named():
    sample = pd.DataFrame(
        {"year": [2024, 2025, 2026], "share_pct": [25.8, None, None], "p10": [None, 24.0, 24.5],
         "p50": [None, 25.0, 25.5], "p90": [None, 26.0, 26.5]}
    )  # fmt: skip
    alt = plots.alt_trajectory(
        sample, lang="en", title="T", band=(25, 30), x="year", actual="share_pct",
        p10="p10", p50="p50", p90="p90",
    )  # fmt: skip
    assert "Realised: 2024 25.8%." in alt
    assert "Scenario P50: 2025 25.0%, 2026 25.5%." in alt
    assert "P10-P90 in 2026: 24.5% to 26.5%." in alt
    empty = plots.alt_trajectory(
        sample.assign(share_pct=None), lang="en", title="T", band=(25, 30), x="year",
        actual="share_pct", p10="p10", p50="p50", p90="p90",
    )  # fmt: skip
    assert "Realised: no data." in empty


def test_a_corporation_without_an_annex_says_so():
    sample = pd.DataFrame(
        {"annex": [3, 3], "year": [2024, 2025], "planned": [10, 20], "realised": [9, None]}
    )
    fig = plots.corporation_panels(sample, "Sample", lang="nl")
    alt = plots.alt_text(fig, sample, "fallback")
    assert "niet in bijlage 2" in alt and "niet in bijlage 4" in alt
    assert "plan 2024 en 2025: 10 en 20; gerealiseerd: 9 en geen gegevens" in alt
