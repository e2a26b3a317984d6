"""A chart's files: figures/<name>.png at print resolution, .svg and .csv, and the copy the
notebook and the PDF embed; written at once or, in the report's kernels, later (write_later).

Saving is deterministic: fixed SVG hash salt, no dates in the files, stable ordering of the
CSV, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

import pandas as pd

from afspraken_analysis.style import (
    EMBED_DPI,
    PNG_METADATA,
    PRINT_DPI,
    STYLE,
    SVG_METADATA,
    style,
)

from .blocks import write_csv


def _tight_box(fig):
    """The box that savefig's bbox "tight" crops to, measured once at PRINT_DPI (as for the PNG)
    and handed to both the PNG and the SVG: each savefig would lay the figure out again only to
    measure it (~0.1 s a figure). The PNG is the same to the byte; the SVG's box, measured by the
    SVG renderer before, moves by less than a point."""
    with style():
        screen = fig.dpi
        fig.dpi = PRINT_DPI
        try:
            fig.draw_without_rendering()  # places what only a drawing places (legends, ticks)
            return fig.get_tightbbox().padded(STYLE["savefig.pad_inches"])
        finally:
            fig.dpi = screen


def _svg_bytes(fig, box) -> bytes:
    buffer = io.BytesIO()
    with style():
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA, bbox_inches=box)
    return buffer.getvalue()


def _pixels(fig, box):
    """The figure drawn once, at PRINT_DPI and cropped to `box`, as RGBA pixels (H x W x 4)."""
    import numpy as np

    buffer = io.BytesIO()
    with style():
        fig.savefig(buffer, format="rgba", dpi=PRINT_DPI, bbox_inches=box)
    width, height = int(box.width * PRINT_DPI), int(box.height * PRINT_DPI)  # as Agg sizes it
    return np.frombuffer(buffer.getvalue(), np.uint8).reshape(height, width, 4)


def _print_png(pixels) -> bytes:
    """figures/<name>.png: the pixels as matplotlib's savefig writes them (the same bytes)."""
    from matplotlib.image import imsave

    buffer = io.BytesIO()
    imsave(buffer, pixels, format="png", dpi=PRINT_DPI, metadata=PNG_METADATA)
    return buffer.getvalue()


def _embedded_png(pixels) -> bytes:
    """The copy the notebook and the PDF embed: the same pixels at EMBED_DPI, opaque RGB
    (WeasyPrint would split an alpha channel into a mask of its own). The box filter averages
    the pixels each new pixel covers; Lanczos looked the same at 100 % and made the PNGs twice
    as large."""
    from PIL import Image

    image = Image.fromarray(pixels, "RGBA")
    if image.getextrema()[3][0] < 255:  # a transparent pixel: on the page's white
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    rgb = image.convert("RGB")
    size = tuple(max(1, round(n * EMBED_DPI / PRINT_DPI)) for n in rgb.size)
    buffer = io.BytesIO()
    rgb.resize(size, Image.BOX).save(buffer, format="png", dpi=(EMBED_DPI, EMBED_DPI))
    return buffer.getvalue()


# The figure files `save` keeps to write later (write_later), or None: written at once.
_pending: list | None = None


def write_later() -> None:
    """From now on `save` writes a figure's CSV at once but keeps its 300-dpi PNG and SVG to
    write in `write_pending`: the report's kernels write them while report.pdf renders, so that
    the notebooks are done sooner. A notebook run on its own writes everything at once."""
    global _pending
    if _pending is None:
        _pending = []


def write_pending() -> int:
    """Write the figure files kept since `write_later`, in the order they were made; returns
    how many figures."""
    jobs = list(_pending or ())
    for job in jobs:
        job()
        _pending.remove(job)
    return len(jobs)


def _write_files(fig, box, pixels, figures: Path, name: str) -> None:
    (figures / f"{name}.png").write_bytes(_print_png(pixels))
    (figures / f"{name}.svg").write_bytes(_svg_bytes(fig, box))


def save(fig, name: str, data: pd.DataFrame, out_dir: Path | None) -> bytes:
    """Write figures/<name>.png (300 dpi), .svg and .csv (the data shown) under `out_dir`
    (the PNG and SVG later, after `write_later`).

    Returns the PNG bytes at EMBED_DPI (opaque RGB) that the notebook and the PDF embed: the
    same drawing as figures/<name>.png, resized.
    """
    box = _tight_box(fig)
    pixels = _pixels(fig, box)
    if out_dir is not None:
        figures = Path(out_dir) / "figures"
        figures.mkdir(parents=True, exist_ok=True)
        write_csv(data, figures / f"{name}.csv")
        files = partial(_write_files, fig, box, pixels, figures, name)
        if _pending is None:
            files()
        else:
            _pending.append(files)
    return _embedded_png(pixels)
