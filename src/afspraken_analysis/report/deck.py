"""The deck's frame: a Presentation with its slide helpers (title, footer, text, tables).

Slide functions in `slides` build on :class:`Deck`; positions are for a 16:9 slide.
"""

from __future__ import annotations

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from afspraken_analysis import labels

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
TOP = Inches(1.4)  # below the slide title
DARK = RGBColor(0x00, 0x3F, 0x6B)
GREY = RGBColor(0x55, 0x55, 0x55)
ORANGE_RED = RGBColor(0xD5, 0x5E, 0x00)


def _rgb(hex_colour: str, tint: float = 0.0) -> RGBColor:
    """A colour from '#RRGGBB', mixed with white by `tint` (0: as is, 1: white)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return RGBColor(*(round(c + (255 - c) * tint) for c in (r, g, b)))


class Deck:
    """A thin helper around one Presentation: slides with title, footer and example marker."""

    def __init__(self, meta: dict, lang: str):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.meta, self.lang = meta, lang
        self.count = 0

    def t(self, key: str, **fields) -> str:
        return labels.t(key, self.lang, **fields)

    def slide(self, title: str, source: str | None = None):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])  # blank
        self.count += 1
        self.text(
            slide, title, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8), 24, True, DARK
        )
        footer = self.t("slides.footer", year=self.meta["year"], n=self.count)
        if source:
            self.text(
                slide,
                f"{self.t('report.source_prefix')} {source}",
                MARGIN,
                HEIGHT - Inches(0.8),
                WIDTH - 2 * MARGIN,
                Inches(0.45),
                10,
                colour=GREY,
            )
        self.text(
            slide,
            footer,
            MARGIN,
            HEIGHT - Inches(0.4),
            WIDTH - 2 * MARGIN,
            Inches(0.3),
            10,
            colour=GREY,
        )
        if self.meta["fictitious"]:
            self.text(
                slide,
                self.t("plot.example_data"),
                WIDTH - Inches(4.6),
                Inches(0.1),
                Inches(4.2),
                Inches(0.35),
                14,
                True,
                ORANGE_RED,
                align=PP_ALIGN.RIGHT,
            )
        return slide

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
        box = self.text(
            slide, items, MARGIN, y, WIDTH - 2 * MARGIN, h or HEIGHT - y - Inches(1.0), size
        )
        for para in box.text_frame.paragraphs:
            para.space_after = Pt(6)
        return box

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
