"""The deck's frame: a template's master and layouts, slides with title, footer, notes and number.

Every slide is built on a layout of the template: the content slides on a layout with a title
placeholder and no content placeholder ("Title Only"), the first on a title-slide layout. The
title goes into the title placeholder (outlines, navigation and accessibility checkers see it), the slide number
into the layout's slide-number placeholder (a field that PowerPoint and LibreOffice renumber),
the speaker notes into the notes page. The default
template, deck-template.pptx, is made by scripts/make_deck_template.py; a corporate one is given
with `afspraken report --slide-template FILE.pptx`. Positions are for a 16:9 slide.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.exc import PackageNotFoundError
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from afspraken_analysis import labels
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import DECK_TEMPLATE

DEFAULT_TEMPLATE = DECK_TEMPLATE  # shipped; --slide-template FILE.pptx replaces it
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
TOP = Inches(1.4)  # below the slide title
BULLET_SPACE = 6  # points after each bullet
DARK = RGBColor(0x00, 0x3F, 0x6B)
GREY = RGBColor(0x55, 0x55, 0x55)
ORANGE_RED = RGBColor(0xD5, 0x5E, 0x00)
# placeholders a slide does not fill with content: a layout with only these besides its title
# is a "title only" layout
_FRAME = (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # fixed: byte-reproducible


def _rgb(hex_colour: str, tint: float = 0.0) -> RGBColor:
    """A colour from '#RRGGBB', mixed with white by `tint` (0: as is, 1: white)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return RGBColor(*(round(c + (255 - c) * tint) for c in (r, g, b)))


def _kinds(layout) -> list:
    return [ph.placeholder_format.type for ph in layout.placeholders]


def _content_layout(prs):
    """The first layout with a title and nothing else to fill ("Title Only"), or None."""
    for layout in prs.slide_layouts:
        kinds = _kinds(layout)
        if PP_PLACEHOLDER.TITLE in kinds and all(k in _FRAME + _TITLES for k in kinds):
            return layout
    return None


def _title_layout(prs, fallback):
    """The first title-slide layout (centre title and subtitle), else `fallback`."""
    for layout in prs.slide_layouts:
        kinds = _kinds(layout)
        if PP_PLACEHOLDER.CENTER_TITLE in kinds and PP_PLACEHOLDER.SUBTITLE in kinds:
            return layout
    return fallback


def open_template(path: Path):
    """The template as a Presentation after checking it can carry the deck; UserError if not."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"slide template {path} does not exist; give a .pptx file")
    try:
        prs = Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise UserError(
            f"slide template {path} is not a PowerPoint presentation (.pptx): {exc}; "
            "save the template as .pptx (a .potx: open it and save it as a presentation)"
        ) from None
    ratio = prs.slide_width / prs.slide_height
    if abs(ratio - 16 / 9) > 0.01 or abs(prs.slide_width - WIDTH) > Inches(0.05):
        raise UserError(
            f"slide template {path} has slides of {prs.slide_width / 360000:.2f} x "
            f"{prs.slide_height / 360000:.2f} cm; the deck needs 16:9 widescreen slides of "
            "33.87 x 19.05 cm (PowerPoint: Design > Slide Size > Widescreen)"
        )
    if _content_layout(prs) is None:
        found = "; ".join(
            f"{layout.name!r} ({', '.join(str(k).split('.')[-1].split(' ')[0] for k in _kinds(layout)) or 'no placeholders'})"
            for layout in prs.slide_layouts
        )
        raise UserError(
            f"slide template {path} has no layout with a title placeholder and no content "
            f"placeholder (such as 'Title Only'), which every slide of the deck is built on; "
            f"its layouts: {found}"
        )
    return prs


def _drop_slides(prs) -> None:
    """A template's own example slides are not part of the deck."""
    ids = prs.slides._sldIdLst  # noqa: SLF001 - python-pptx has no public slide removal
    for slide_id in list(ids):
        prs.part.drop_rel(slide_id.rId)
        ids.remove(slide_id)


def drop_empty_placeholders(slide) -> None:
    """Placeholders left empty would show 'Click to add text' to the presenter."""
    for ph in list(slide.placeholders):
        if ph.has_text_frame and not ph.text_frame.text.strip():
            ph.element.getparent().remove(ph.element)


class Deck:
    """A thin helper around one Presentation: slides with title, footer, number, notes and the
    example marker, built on the template's layouts."""

    def __init__(self, meta: dict, lang: str, template: Path | None = None):
        self.prs = open_template(template or DEFAULT_TEMPLATE)
        _drop_slides(self.prs)
        self.content_layout = _content_layout(self.prs)
        self.title_layout = _title_layout(self.prs, self.content_layout)
        self.meta, self.lang = meta, lang
        self.count = 0

    def t(self, key: str, **fields) -> str:
        return labels.t(key, self.lang, **fields)

    def slide(self, title: str, source: str | None = None):
        """A content slide with `title` in its title placeholder. Its speaker notes start as the
        source (and, for example data, the warning); :meth:`notes` puts what to say before them."""
        slide = self.prs.slides.add_slide(self.content_layout)
        self.count += 1
        slide.shapes.title.text = title
        drop_empty_placeholders(slide)
        if source:
            self.text(
                slide,
                f"{self.t('report.source_prefix')} {source}",
                MARGIN,
                HEIGHT - Inches(0.85),
                WIDTH - 2 * MARGIN,
                Inches(0.45),
                10,
                colour=GREY,
            )
        self.frame(slide)
        tail = [f"{self.t('report.source_prefix')} {source}"] if source else []
        self.notes(
            slide, tail + ([self.t("slides.notes.example")] if self.meta["fictitious"] else [])
        )
        return slide

    def frame(self, slide, stamp: bool = True) -> None:
        """Footer, slide number and (`stamp`) the example marker on `slide`."""
        # the footer as a text box: LibreOffice draws a footer placeholder's text unstyled
        footer = self.t("slides.footer", year=self.meta["year"])
        self.text(slide, footer, MARGIN, HEIGHT - Inches(0.4), Inches(10.5), Inches(0.3), 10,
                  colour=GREY)  # fmt: skip
        number = self._placeholder(slide, PP_PLACEHOLDER.SLIDE_NUMBER)
        if number is None:
            number = self.text(
                slide, "", WIDTH - MARGIN - Inches(1.5), HEIGHT - Inches(0.4), Inches(1.5),
                Inches(0.3), 10, colour=GREY, align=PP_ALIGN.RIGHT,
            )  # fmt: skip
        _slide_number_field(number.text_frame.paragraphs[0], self.count, self.lang)
        if stamp and self.meta["fictitious"]:
            self.text(
                slide,
                self.t("plot.example_data"),
                WIDTH - Inches(4.6),
                Inches(0.08),
                Inches(4.2),
                Inches(0.35),
                14,
                True,
                ORANGE_RED,
                align=PP_ALIGN.RIGHT,
            )

    def _placeholder(self, slide, kind):
        """A copy of the layout's placeholder of `kind` on `slide`, or None if it has none."""
        for ph in slide.slide_layout.placeholders:
            if ph.placeholder_format.type == kind:
                slide.shapes.clone_placeholder(ph)
                return slide.placeholders[ph.placeholder_format.idx]
        return None

    @staticmethod
    def notes(slide, lines: list[str]) -> None:
        """Put `lines` first in the speaker notes of `slide` (what is there already follows)."""
        frame = slide.notes_slide.notes_text_frame
        before = [line for line in frame.text.split("\n") if line]
        frame.text = "\n".join([*lines, *before])

    @staticmethod
    def text(slide, text, x, y, w, h, size=18, bold=False, colour=None, align=None):
        box = slide.shapes.add_textbox(x, y, w, h)
        frame = box.text_frame
        frame.word_wrap = True
        lines = text if isinstance(text, list) else [text]
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(size)
            para.font.bold = bold
            if colour is not None:
                para.font.color.rgb = colour
            if align is not None:
                para.alignment = align
        return box

    def bullets(self, slide, items, y=TOP, size=18, h=None):
        items = [f"• {i}" for i in items]
        box = self.text(slide, items, MARGIN, y, WIDTH - 2 * MARGIN, h or _room(y), size)
        for para in box.text_frame.paragraphs:
            para.space_after = Pt(BULLET_SPACE)
        return box

    @staticmethod
    def bullet_layout(items: list[str], sizes=(15, 13, 11), y=TOP) -> tuple[int, list[list[str]]]:
        """The font size for `items` as bullets and their share per slide: the largest of `sizes`
        at which all fit under one title, else the smallest, over as many slides as they need."""
        room = _room(y) / Pt(1)
        for size in sizes:
            if _bullets_height(items, size) <= room:
                return size, [items]
        size, pages = sizes[-1], [[]]
        for item in items:
            if pages[-1] and _bullets_height([*pages[-1], item], size) > room:
                pages.append([])
            pages[-1].append(item)
        return size, pages

    def table(self, slide, header, rows, y=TOP, widths=None, size=14, fills=None):
        """A native table; `fills`: per row, per column an optional background colour."""
        n_rows, n_cols = len(rows) + 1, len(header)
        height = Inches(0.42) * n_rows
        shape = slide.shapes.add_table(n_rows, n_cols, MARGIN, y, WIDTH - 2 * MARGIN, height)
        table = shape.table
        total = WIDTH - 2 * MARGIN
        widths = widths or [1 / n_cols] * n_cols
        for i, share in enumerate(widths):
            table.columns[i].width = Emu(int(total * share))
        for r, values in enumerate([header, *rows]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = "" if value is None else str(value)
                for para in cell.text_frame.paragraphs:
                    para.font.size = Pt(size)
                    para.font.bold = r == 0
                if r > 0 and fills and fills[r - 1] and fills[r - 1][c]:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = fills[r - 1][c]
        return table


def _bullets_height(items: list[str], size: int) -> float:
    """An estimate in points of `items` as bullets of `size` points across the slide: their
    wrapped lines (a character ~0.55 em wide, the wide side of the fonts LibreOffice and
    PowerPoint use) and the space after each."""
    width = (WIDTH - 2 * MARGIN) / Pt(1) - 20  # less the text box's own insets
    per_line = max(1, int(width / (0.55 * size)))
    lines = sum(-(-(len(item) + 2) // per_line) for item in items)
    return lines * size * 1.2 + len(items) * BULLET_SPACE


def _room(y) -> int:
    """The height from `y` down to the footer."""
    return HEIGHT - y - Inches(1.0)


def _slide_number_field(para, number: int, lang: str) -> None:
    """A slide-number field in `para`: the application shows the slide's current number."""
    for run in list(para.runs):
        para._p.remove(run._r)  # noqa: SLF001
    field = etree.SubElement(para._p, qn("a:fld"))  # noqa: SLF001
    field.set("id", _SLIDE_NUMBER_FIELD)
    field.set("type", "slidenum")
    etree.SubElement(field, qn("a:rPr")).set("lang", "nl-NL" if lang == "nl" else "en-GB")
    etree.SubElement(field, qn("a:t")).text = str(number)
    end = para._p.find(qn("a:endParaRPr"))  # noqa: SLF001
    if end is not None:  # the schema wants the end-of-paragraph properties last
        para._p.remove(end)  # noqa: SLF001
        para._p.append(end)  # noqa: SLF001
