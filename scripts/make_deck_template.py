"""Write the deck's default template, src/afspraken_analysis/report/deck-template.pptx.

Made from python-pptx's own default template (Office theme): widened to 16:9 (13.333 x 7.5 in),
every placeholder of the master and the layouts scaled along, the titles left-aligned in the
report's dark blue, the footer left and the slide number right at the bottom. Run from the
project root after changing it: `uv run python scripts/make_deck_template.py`.
A corporate template replaces it with `afspraken report --slide-template FILE.pptx`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

TARGET = Path(__file__).resolve().parents[1] / "src/afspraken_analysis/report/deck-template.pptx"
WIDTH, HEIGHT = Emu(12192000), Inches(7.5)  # 16:9 widescreen, 13.333 x 7.5 in
MARGIN = Inches(0.5)
DARK = "003F6B"
# where the deck puts its content: the title above TOP (1.4 in), the footer below 6.7 in
PLACES = {
    PP_PLACEHOLDER.TITLE: (MARGIN, Inches(0.45), WIDTH - 2 * MARGIN, Inches(0.8)),
    PP_PLACEHOLDER.CENTER_TITLE: (MARGIN, Inches(2.1), WIDTH - 2 * MARGIN, Inches(1.2)),
    PP_PLACEHOLDER.SUBTITLE: (MARGIN, Inches(3.3), WIDTH - 2 * MARGIN, Inches(1.0)),
    PP_PLACEHOLDER.FOOTER: (MARGIN, Inches(7.1), Inches(9.0), Inches(0.3)),
    PP_PLACEHOLDER.SLIDE_NUMBER: (
        WIDTH - MARGIN - Inches(1.5),
        Inches(7.1),
        Inches(1.5),
        Inches(0.3),
    ),
    PP_PLACEHOLDER.DATE: (WIDTH - MARGIN - Inches(3.2), Inches(7.1), Inches(1.6), Inches(0.3)),
}


def _place(shapes, scale: float) -> None:
    for ph in shapes.placeholders:
        kind = ph.placeholder_format.type
        if kind in PLACES:
            ph.left, ph.top, ph.width, ph.height = (Emu(int(v)) for v in PLACES[kind])
        elif ph.element.xfrm is not None:
            ph.left, ph.width = Emu(int(ph.left * scale)), Emu(int(ph.width * scale))


def _title_style(master) -> None:
    """Left-aligned bold dark-blue titles (24 pt; 40 pt on the title slide)."""
    lvl = master.element.find(f"{qn('p:txStyles')}/{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    lvl.set("algn", "l")
    rpr = lvl.find(qn("a:defRPr"))
    rpr.set("sz", "2400")
    rpr.set("b", "1")
    for old in rpr.findall(qn("a:solidFill")):
        rpr.remove(old)
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", DARK)
    rpr.insert(0, fill)


def _small_footer(shapes) -> None:
    for ph in shapes.placeholders:
        if ph.placeholder_format.type in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
            body = ph.element.find(f"{qn('p:txBody')}/{qn('a:lstStyle')}")
            if body is None:
                continue
            lvl = body.find(qn("a:lvl1pPr"))
            if lvl is None:
                lvl = etree.SubElement(body, qn("a:lvl1pPr"))
            lvl.set("algn", "l" if ph.placeholder_format.type == PP_PLACEHOLDER.FOOTER else "r")
            rpr = lvl.find(qn("a:defRPr"))
            if rpr is None:
                rpr = etree.SubElement(lvl, qn("a:defRPr"))
            rpr.set("sz", "1000")


def _title_slide_text(layout) -> None:
    """The title slide's title 40 pt, its subtitle left-aligned at 20 pt like the rest."""
    for ph in layout.placeholders:
        kind = ph.placeholder_format.type
        if kind not in (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.SUBTITLE):
            continue
        styles = ph.element.find(f"{qn('p:txBody')}/{qn('a:lstStyle')}")
        lvl = styles.find(qn("a:lvl1pPr"))
        if lvl is None:
            lvl = etree.SubElement(styles, qn("a:lvl1pPr"))
        lvl.set("algn", "l")
        rpr = lvl.find(qn("a:defRPr"))
        if rpr is None:
            rpr = etree.SubElement(lvl, qn("a:defRPr"))
        rpr.set("sz", "4000" if kind == PP_PLACEHOLDER.CENTER_TITLE else "2000")


def main() -> None:
    prs = Presentation()
    scale = WIDTH / prs.slide_width
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    master = prs.slide_master
    _place(master, scale)
    _title_style(master)
    _small_footer(master)
    for layout in master.slide_layouts:
        _place(layout, scale)
    _title_slide_text(master.slide_layouts[0])
    blob = io.BytesIO()
    prs.save(blob)
    # fixed zip dates: the same script gives the same file
    out = io.BytesIO()
    with zipfile.ZipFile(blob) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    TARGET.write_bytes(out.getvalue())
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
