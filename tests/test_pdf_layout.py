"""report.pdf is laid out chapter by chapter (pdf.PrintLayout, on WeasyPrint internals in
report/pdflayout.py): each chapter a document of its own, laid out while later notebooks run. These
tests hold the result, byte for byte, to WeasyPrint's own rendering of the same report as one
document (pdf.report_html), on made-up chapters that have what crosses a chapter's border: the page
number and total in the footer, the contents' page numbers (contents of one page and of two),
figure and table numbers, the opening chapter's style, the fictitious-data marking, the links of
the contents and the outline.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from afspraken_analysis.report import blocks, manifest, params, pdf

NAMES = ["00_opening", "01_long", "02_figures"]
TEXT = (
    "De corporaties leveren in 2024 en 2025 samen sociale huurwoningen op; de gemeente zorgt voor "
    "locaties en een grondprijs die dat mogelijk maakt. "
) * 6


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), (0, 114, 178)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(name: str, lang: str) -> str:
    caption = blocks.caption_html(f"Grafiek {name}", "made up for this test", (), lang, "figure")
    return (
        f'<figure class="chart" id="fig-{name}"><img alt="a test figure" '
        f'src="data:image/png;base64,{_png()}"/>{caption}</figure>'
    )


def _table(p, name: str) -> str:
    data = pd.DataFrame({"corporation": ["De Goede Woning", "Ons Huis"], "planned": [12, 30]})
    return blocks.table(
        p,
        name,
        data,
        columns={"corporation": "Corporatie", "planned": "Gepland"},
        target="planned",
        formats={"planned": "int"},
        title=f"Tabel {name}",
        source="made up for this test",
    ).text


def _bodies(p, sections: int) -> list[str]:
    """Three chapters: a short opening one with a table, a long one (`sections` sections of text,
    tables between), one with figures and tables."""
    opening = blocks.chapter("Samenvatting", "samenvatting").text + _table(p, "summary")
    long = blocks.chapter("Afspraken", "afspraken").text
    for i in range(sections):
        long += blocks.section(f"Thema {i + 1}", f"thema-{i + 1}").text
        long += blocks.paragraph(TEXT).text
        if i % 3 == 2:
            long += _table(p, f"thema-{i + 1}")
    figures = blocks.chapter("Doelen", "doelen").text
    for i in range(4):
        figures += blocks.section(f"Doel {i + 1}", f"doel-{i + 1}").text
        figures += _figure(f"doel-{i + 1}", p.lang) + _table(p, f"doel-{i + 1}")
        figures += blocks.paragraph(TEXT).text
    return [opening, long, figures]


def _report(tmp_path: Path, lang: str, fictitious: bool, sections: int):
    """The made-up report as executed notebooks in tmp_path/notebooks, and its title meta."""
    p = params.validate({"year": 2025, "lang": lang, "output_dir": str(tmp_path)})
    (tmp_path / "tables").mkdir()
    (tmp_path / "notebooks").mkdir()
    bodies = _bodies(p, sections)
    for name, body in zip(NAMES, bodies, strict=True):
        output = {"output_type": "display_data", "data": {"text/html": body}, "metadata": {}}
        cell = {"cell_type": "code", "source": "", "outputs": [output], "metadata": {}}
        notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / "notebooks" / f"{name}.ipynb").write_text(json.dumps(notebook), "utf-8")
    meta = manifest.title_meta(p, fictitious)
    return p, bodies, meta


def _one_document(bodies: list[str], meta: dict, lang: str, target: Path) -> None:
    """WeasyPrint's own rendering of the whole report as one document (its public API)."""
    from weasyprint import CSS, HTML

    stylesheets = [
        CSS(filename=str(pdf.STYLESHEET)),
        CSS(string=pdf.page_css(meta, lang, title_page=True)),
    ]
    rendered = HTML(string=pdf.report_html(bodies, meta, lang), base_url=str(target.parent)).render(
        stylesheets=stylesheets, pdf_variant=pdf.PDF_VARIANT, pdf_tags=True
    )
    pdf.write_rendered(rendered, target)


@pytest.mark.parametrize(
    "lang, fictitious, sections, contents_pages",
    [("nl", False, 12, 1), ("en", True, 12, 1), ("nl", True, 60, 2)],
)
def test_the_chapter_by_chapter_pdf_is_the_one_document_pdf(
    tmp_path, lang, fictitious, sections, contents_pages
):
    p, bodies, meta = _report(tmp_path, lang, fictitious, sections)
    layout = pdf.PrintLayout(tmp_path, NAMES, meta, lang)
    layout.lay_out_next()  # as during the notebooks: some chapters first, the rest in write()
    layout.write(tmp_path / "chapters.pdf")
    _one_document(bodies, meta, lang, tmp_path / "one.pdf")

    ours = (tmp_path / "chapters.pdf").read_bytes()
    assert ours == (tmp_path / "one.pdf").read_bytes()
    # what the equality covers, said in readable terms
    reader = PdfReader(tmp_path / "chapters.pdf")
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 1 + contents_pages + sum(len(c.pages) for c in layout.chapters)
    assert len(layout.chapters[1].pages) > 1 and len(layout.chapters[2].pages) > 1
    word = {"nl": ("Figuur", "Tabel", "pagina"), "en": ("Figure", "Table", "page")}[lang]
    text = "\n".join(pages)
    figures = [int(n) for n in re.findall(rf"{word[0]} (\d+):", text)]
    tables = [int(n) for n in re.findall(rf"{word[1]} (\d+):", text)]
    assert figures == list(range(1, 5)), figures
    assert tables == list(range(1, len(tables) + 1)) and len(tables) == 1 + sections // 3 + 4
    last = pages[-1]
    assert f"{word[2]} {len(pages)} / {len(pages)}" in last.lower()


def _raster_images(laid) -> list:
    """The raster images of a laid-out chapter, each once (WeasyPrint loads a data URL once)."""
    from weasyprint.images import RasterImage

    found = {
        id(box.replacement): box.replacement
        for page in laid.pages
        for box in page._page_box.descendants()
        if isinstance(getattr(box, "replacement", None), RasterImage)
    }
    return list(found.values())


def test_every_image_is_written_as_encoded_beside_the_layout(tmp_path, monkeypatch):
    """write() hands the encoding of the images to a second thread, and write_pdf takes each
    result from there (byte-identity with WeasyPrint's own encoding: the test above)."""
    import threading

    from weasyprint.images import RasterImage

    p, _, meta = _report(tmp_path, "nl", False, 3)
    layout = pdf.PrintLayout(tmp_path, NAMES, meta, "nl")
    layout.lay_out_next()
    threads = []
    own = RasterImage.get_x_object

    def spied(image, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return own(image, *args, **kwargs)

    monkeypatch.setattr(RasterImage, "get_x_object", spied)
    layout.write(tmp_path / "chapters.pdf")
    images = [image for laid in layout.chapters for image in _raster_images(laid)]
    # the four figures of the made-up chapter show one PNG: one image, encoded once, beside
    assert len(images) == 1 and len(threads) == 1 and threads[0].startswith("pdf-images")
    assert not any("get_x_object" in vars(image) for image in images)  # the result was taken


def test_an_encoded_image_is_given_once_and_only_when_asked_for_as_encoded(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    p, _, meta = _report(tmp_path, "nl", False, 3)
    layout = pdf.PrintLayout(tmp_path, NAMES, meta, "nl")
    for _ in NAMES:
        layout.lay_out_next()
    chapter = layout.chapters[2]
    (image,) = _raster_images(chapter)
    with ThreadPoolExecutor(1) as pool:
        chapter.encode_images(pool)
        chapter.encode_images(pool)  # asked twice: still one encoding waiting
    assert "get_x_object" in vars(image)  # the encoded result is waiting
    ours = image.get_x_object(True, 1)
    assert "get_x_object" not in vars(image)  # given once: WeasyPrint's own method again
    theirs = image.get_x_object(True, 1)
    assert ours.data == theirs.data and ours.extra == theirs.extra
    # asked for otherwise than encoded (not interpolated): WeasyPrint's own encoding of that
    with ThreadPoolExecutor(1) as pool:
        chapter.encode_images(pool)
    other = image.get_x_object(False, 1)
    assert other.extra["Interpolate"] == "false" and "get_x_object" not in vars(image)
