"""The presenter-ready deck: titles in title placeholders, speaker notes with the slide's own
numbers, slide-number fields, a corporate template (`--slide-template`), and a LibreOffice render."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt
from pypdf import PdfReader

from afspraken_analysis import labels, report
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.report import params, slides
from afspraken_analysis.report.build import build_report
from afspraken_analysis.report.deck import DEFAULT_TEMPLATE, open_template
from afspraken_analysis.report.manifest import title_meta

P = params.validate({"year": 2025, "monitoring": str(EXAMPLE_MONITORING_DIR)})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A Dutch report on the fictitious example data (its tables/ and figures/ feed the deck)."""
    out = tmp_path_factory.mktemp("deck") / "voorbeeld"
    build_report(P, out, progress=report.Progress(quiet=True))
    return out


def _deck(built: Path, tmp_path: Path, template: Path | None = None) -> Path:
    """slides.pptx built again from the report's CSVs into a copy (optionally on `template`)."""
    for sub in ("tables", "figures"):
        shutil.copytree(built / sub, tmp_path / sub)
    return slides.build_deck(tmp_path, title_meta(P, True), P, template)


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text


@pytest.mark.slow
def test_every_slide_has_its_title_in_a_title_placeholder(built):
    deck = Presentation(built / "slides.pptx")
    for n, slide in enumerate(deck.slides, start=1):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), f"slide {n} has no title"
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert slide.slide_layout.name == ("Title Slide" if n == 1 else "Title Only")
        others = [s for s in slide.shapes if s.has_text_frame and s.shape_id != title.shape_id]
        assert title.text_frame.text not in [s.text_frame.text for s in others]


@pytest.mark.slow
def test_every_slide_has_notes_with_its_source_and_the_example_warning(built):
    warning = labels.t("slides.notes.example", "nl")
    prefix = labels.t("report.source_prefix", "nl")
    for n, slide in enumerate(Presentation(built / "slides.pptx").slides, start=1):
        notes = _notes(slide)
        assert notes.splitlines()[-1] == warning, f"slide {n}"
        sources = [t for t in _texts(slide) if t.startswith(prefix)]
        for source in sources:  # the source line of the slide, word for word
            assert source in notes.splitlines(), f"slide {n}"
        assert len(notes.splitlines()) >= 2 + len(sources), f"slide {n}: nothing to say"


@pytest.mark.slow
def test_the_notes_repeat_the_numbers_the_slide_shows(built):
    deck = Presentation(built / "slides.pptx")
    by_title = {s.shapes.title.text_frame.text: s for s in deck.slides}
    for annex in (2, 3, 4):
        slide = by_title[labels.t(f"slides.annex{annex}", "nl")]
        side = next(t for t in _texts(slide) if t.startswith("Afspraak "))
        assert side.splitlines() == _notes(slide).splitlines()[: len(side.splitlines())]
    summary = by_title[labels.t("slides.summary", "nl", year=2025)]
    tables = [s.table for s in summary.shapes if s.has_table]
    counts = [(r.cells[0].text, r.cells[1].text) for t in tables for r in list(t.rows)[1:]]
    notes = _notes(summary)
    assert counts and all(f"{name} {n}" in notes for name, n in counts)
    status = by_title[labels.t("slides.status", "nl", year=2025)]
    table = next(s.table for s in status.shapes if s.has_table)
    header = [c.text for c in table.rows[0].cells]
    total = [c.text for c in list(table.rows)[-1].cells]
    line = _notes(status).splitlines()[0]
    assert line.startswith(f"{total[0]} ({total[1]}): ")
    assert all(f"{h} {v}" in line for h, v in zip(header[2:], total[2:], strict=True))


@pytest.mark.slow
def test_content_slides_carry_a_slide_number_field(built):
    for n, slide in enumerate(Presentation(built / "slides.pptx").slides, start=1):
        fields = slide.shapes._spTree.findall(f".//{qn('a:fld')}")
        assert [f.get("type") for f in fields] == ["slidenum"], f"slide {n}"
        assert fields[0].findtext(qn("a:t")) == str(n)


@pytest.mark.slow
def test_chart_percentages_are_written_the_languages_way(built):
    deck = Presentation(built / "slides.pptx")
    formats = {
        s.chart.value_axis.tick_labels.number_format
        for slide in deck.slides
        for s in slide.shapes
        if s.has_chart and s.chart.chart_type is not None and "LINE" in str(s.chart.chart_type)
    }
    assert formats == {'0" %"'}  # "25 %", as labels.fmt_pct writes it in Dutch
    assert labels.t("slides.pct_format", "en") == '0"%"'


def _corporate_template(path: Path) -> Path:
    """The default template with a renamed title-only layout, a green title and an example slide,
    as a corporate template would have."""
    prs = Presentation(str(DEFAULT_TEMPLATE))
    for layout in prs.slide_layouts:
        if layout.name == "Title Only":
            layout.name = "Alleen titel"
    srgb = prs.slide_master.element.find(f".//{qn('p:titleStyle')}//{qn('a:srgbClr')}")
    srgb.set("val", "00A050")
    example = prs.slides.add_slide(prs.slide_layouts[0])
    example.shapes.title.text = "Voorbeeldslide van de huisstijl"
    prs.save(str(path))
    return path


@pytest.mark.slow
def test_a_corporate_template_gives_its_master_and_layouts(built, tmp_path):
    template = _corporate_template(tmp_path / "huisstijl.pptx")
    (tmp_path / "a").mkdir()
    deck = Presentation(_deck(built, tmp_path / "a", template))
    default = Presentation(built / "slides.pptx")
    assert len(deck.slides) == len(default.slides)  # the template's own slide is not in the deck
    assert "Voorbeeldslide van de huisstijl" not in [s.shapes.title.text for s in deck.slides]
    assert {s.slide_layout.name for s in list(deck.slides)[1:]} == {"Alleen titel"}
    master = deck.slide_master.element
    assert master.find(f".//{qn('p:titleStyle')}//{qn('a:srgbClr')}").get("val") == "00A050"
    # the same inputs and template give the same bytes
    (tmp_path / "b").mkdir()
    assert (tmp_path / "a" / "slides.pptx").read_bytes() == _deck(
        built, tmp_path / "b", template
    ).read_bytes()


def test_the_shipped_template_has_the_layouts_the_deck_needs():
    prs = open_template(DEFAULT_TEMPLATE)
    assert abs(prs.slide_width - Inches(13.333)) < Inches(0.01)
    assert {"Title Slide", "Title Only"} <= {layout.name for layout in prs.slide_layouts}


def _without_title_only(path: Path) -> Path:
    prs = Presentation(str(DEFAULT_TEMPLATE))
    for layout in list(prs.slide_layouts):
        kinds = {ph.placeholder_format.type for ph in layout.placeholders}
        if kinds <= {
            PP_PLACEHOLDER.TITLE,
            PP_PLACEHOLDER.DATE,
            PP_PLACEHOLDER.FOOTER,
            PP_PLACEHOLDER.SLIDE_NUMBER,
        }:
            prs.slide_layouts.remove(layout)
    prs.save(str(path))
    return path


def _four_by_three(path: Path) -> Path:
    Presentation().save(str(path))  # python-pptx's own default: 4:3
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p, "does not exist"),
        (lambda p: (p.write_text("no zip"), p)[1], "is not a PowerPoint presentation (.pptx)"),
        (_four_by_three, "has slides of 25.40 x 19.05 cm; the deck needs 16:9"),
        (_without_title_only, "has no layout with a title placeholder and no content placeholder"),
    ],
    ids=["missing", "not-pptx", "4:3", "no-title-only-layout"],
)
def test_a_bad_template_is_refused_with_the_reason(tmp_path, make, expected):
    path = make(tmp_path / "sjabloon.pptx")
    with pytest.raises(UserError, match="slide template .*sjabloon.pptx") as error:
        open_template(path)
    assert expected in str(error.value)


def test_the_cli_refuses_a_bad_template_before_any_notebook(tmp_path, capsys):
    template = _four_by_three(tmp_path / "oud.pptx")
    out = tmp_path / "out"
    assert main(["report", "--slide-template", str(template), "--out", str(out)]) == 2
    assert "fout: slide template" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.slow
def test_libreoffice_renders_every_slide(built, tmp_path):
    """The deck as LibreOffice draws it: one page per slide, the titles and numbers on them.
    `make deck-png` renders the same to PNG for looking at."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing: scripts/setup.sh installs it")
        pytest.skip("LibreOffice (soffice) is not installed; scripts/setup.sh installs it")
    profile = tmp_path / "profile"  # its own profile: no clash with a running LibreOffice
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(built / "slides.pptx")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    deck = Presentation(built / "slides.pptx")
    pages = PdfReader(tmp_path / "slides.pdf").pages
    assert len(pages) == len(deck.slides)
    for n, (slide, page) in enumerate(zip(deck.slides, pages, strict=True), start=1):
        text = " ".join(page.extract_text().split())
        assert " ".join(slide.shapes.title.text_frame.text.split()) in text, f"slide {n}"
        assert str(n) in text.split(), f"slide {n}: no number"


def test_long_bullets_go_over_more_slides_and_short_ones_keep_a_large_font():
    from afspraken_analysis.report import deck as deck_module
    from afspraken_analysis.report.deck import Deck

    room = deck_module._room(deck_module.TOP) / Pt(1)
    short = ["Verkoop: 10 per jaar.", "Sloop: 0 per jaar."]
    assert Deck.bullet_layout(short) == (15, [short])
    long = [f"Aanname {i}: " + "een lange toelichting met bron en methode " * 12 for i in range(15)]
    size, pages = Deck.bullet_layout(long)
    assert size == 11 and len(pages) > 1
    assert [item for page in pages for item in page] == long  # all of them, in order
    assert all(deck_module._bullets_height(page, size) <= room for page in pages)
