"""Saving a chart: one raster drawing serves figures/<name>.png and the image the notebook, the
PDF and report.html embed (one source for both), plus one vector drawing for the SVG."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from afspraken_analysis.report import figurefiles, plots
from afspraken_analysis.style import EMBED_DPI, PNG_METADATA, PRINT_DPI, style

DATA = pd.DataFrame(
    {
        "corporation": ["Ons Huis", "Ons Huis", "Mooiland"],
        "year": [2024, 2025, 2025],
        "planned": [90, 120, 40],
        "realised": [80, None, 45],
    }
)


def _chart():
    return plots.plan_vs_actual(
        DATA,
        group="corporation",
        period="year",
        plan="planned",
        actual="realised",
        lang="nl",
        title="Nieuwbouw",
        ylabel="woningen",
        plan_label="plan",
        actual_label="gerealiseerd",
    )


def test_the_embedded_image_is_the_print_figure_resized_to_opaque_rgb(tmp_path):
    embedded = Image.open(io.BytesIO(plots.save(_chart(), "f", DATA, tmp_path)))
    printed = Image.open(tmp_path / "figures" / "f.png")
    assert printed.info["dpi"] == pytest.approx((PRINT_DPI, PRINT_DPI), abs=0.01)
    assert embedded.info["dpi"] == pytest.approx((EMBED_DPI, EMBED_DPI), abs=0.01)
    # opaque RGB: WeasyPrint embeds it as is, without an alpha mask to split off
    assert embedded.mode == "RGB"
    assert printed.getextrema()[3] == (255, 255)  # the chart itself is opaque
    width, height = printed.size
    assert width > 1000  # 17 cm at 300 dpi, cropped to what is drawn
    assert embedded.size == (round(width * 2 / 3), round(height * 2 / 3))
    # the same pixels as figures/f.png, not a drawing of its own at 200 dpi
    same = printed.convert("RGB").resize(embedded.size, Image.BOX)
    assert embedded.tobytes() == same.tobytes()


def test_a_chart_is_drawn_once_as_raster_and_once_as_vector(tmp_path, monkeypatch):
    drawn = []
    real_savefig = Figure.savefig

    def counting(self, fname, *args, **kwargs):
        drawn.append((kwargs.get("format"), kwargs.get("dpi")))
        return real_savefig(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", counting)
    plots.save(_chart(), "f", DATA, tmp_path)
    assert sorted(drawn, key=str) == [("rgba", PRINT_DPI), ("svg", None)]  # PNGs from the pixels
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["f.csv", "f.png", "f.svg"]


def test_the_box_measured_once_crops_the_png_as_savefig_tight_would(tmp_path):
    fig = _chart()
    tight = io.BytesIO()
    with style():
        fig.savefig(tight, format="png", dpi=PRINT_DPI, metadata=PNG_METADATA, bbox_inches="tight")
    printed = figurefiles._print_png(figurefiles._pixels(fig, figurefiles._tight_box(fig)))
    assert printed == tight.getvalue()


def test_after_write_later_the_png_and_svg_wait_for_write_pending(tmp_path, monkeypatch):
    at_once = tmp_path / "at_once"
    embedded = plots.save(_chart(), "f", DATA, at_once)
    monkeypatch.setattr(figurefiles, "_pending", None)
    figurefiles.write_later()
    later = tmp_path / "later"
    assert plots.save(_chart(), "f", DATA, later) == embedded  # the notebook shows it at once
    assert sorted(p.name for p in (later / "figures").iterdir()) == ["f.csv"]
    assert figurefiles.write_pending() == 1
    for name in ("f.csv", "f.png", "f.svg"):
        assert (later / "figures" / name).read_bytes() == (at_once / "figures" / name).read_bytes()
    assert figurefiles.write_pending() == 0  # written once


def test_without_an_output_directory_only_the_embedded_image_is_made(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    png = plots.save(_chart(), "f", DATA, None)
    assert Image.open(io.BytesIO(png)).mode == "RGB"
    assert not list(tmp_path.iterdir())
