"""What saving the report's figures costs: drawn three times (before) against drawn once (now).

    uv run python benchmarks/bench_figures.py [--repeat 5] [--monitoring DIR] [--write]

Before (commit b46cbff) `plots.save` drew every figure three times: a PNG at EMBED_DPI for the
notebook and the PDF, a PNG at PRINT_DPI for figures/ and an SVG. Now it draws the PNG at
PRINT_DPI once and derives the embedded copy from its pixels (`figurefiles._pixels`,
`_print_png`, `_embedded_png`), plus the SVG. `three_draws_save` below is the old code, kept only to measure against.

1. Per figure: every figure the report notebooks draw (collected by running them in this
   process), saved alternately the old way and the new way, `--repeat` times; CPU seconds of
   this process (time.process_time), medians.
2. Per notebook that draws: the notebook's cells in a fresh Python process (as the kernel runs
   them, outside papermill), with `plots.save` old or new, alternately, `--repeat` times; CPU
   seconds (user+sys) of the child process, start-up included; medians.
3. PNG compression level (zlib, PIL's compress_level) of the 300-dpi file: encode time and size
   summed over all figures, for levels 1, 3, 6 (zlib's default, what matplotlib writes) and 9.
4. The PDF step with each kind of embedded image: one `afspraken report` run, its notebooks'
   HTML with the figures' images swapped for: RGBA drawn at 200 dpi (before), RGB box-resized
   (now), RGB Lanczos-resized, the 300-dpi PNG itself (RGBA) and as RGB; WeasyPrint layout and
   write, alternately, `--repeat` times, CPU seconds (medians), and the sizes of HTML and PDF.

CPU time, not wall clock: the machine is shared. With --write the tables go to
benchmarks/results-figures.md (replaced: the file is this script's output).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "benchmarks" / "results-figures.md"

RUNNER = r"""
import io, contextlib, json, os, sys
sys.path.insert(0, os.path.join(sys.argv[4], "benchmarks"))
import jupytext
nb = jupytext.read(sys.argv[1], fmt="py:percent")
cells = [c for c in nb.cells if c.cell_type == "code"]
ns = {"__name__": "__main__"}
for i, cell in enumerate(cells):
    code = cell.source
    if "parameters" in cell.metadata.get("tags", []):
        code += "\n" + "\n".join(f"{k} = {v!r}" for k, v in json.loads(sys.argv[2]).items())
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, sys.argv[1], "exec"), ns)
    if i == 0 and sys.argv[3] == "old":
        from bench_figures import three_draws_save
        from afspraken_analysis.report import plots
        plots.save = three_draws_save
"""


def three_draws_save(fig, name, data, out_dir):
    """`plots.save` as it was before (b46cbff): three drawings per figure."""
    from afspraken_analysis.report.blocks import write_csv
    from afspraken_analysis.report.figurefiles import _svg_bytes
    from afspraken_analysis.style import EMBED_DPI, PNG_METADATA, PRINT_DPI, style

    def png_bytes(dpi):
        buffer = io.BytesIO()
        with style():
            fig.savefig(buffer, format="png", dpi=dpi, metadata=PNG_METADATA)
        return buffer.getvalue()

    png = png_bytes(EMBED_DPI)
    if out_dir is not None:
        figures = Path(out_dir) / "figures"
        figures.mkdir(parents=True, exist_ok=True)
        (figures / f"{name}.png").write_bytes(png_bytes(PRINT_DPI))
        (figures / f"{name}.svg").write_bytes(_svg_bytes(fig, "tight"))
        write_csv(data, figures / f"{name}.csv")
    return png


def drawing_notebooks() -> list[Path]:
    from afspraken_analysis.report.notebooks import notebook_sources

    return [s for s in notebook_sources() if "plots.show(" in s.read_text(encoding="utf-8")]


def parameters(source: Path, values: dict) -> dict:
    from afspraken_analysis.report.notebooks import declared_parameters

    names = declared_parameters([source])[source.stem]
    return {k: values[k] for k in names if k in values}


def collect_figures(values: dict) -> list[tuple[str, object, object]]:
    """(notebook/name, figure, data) of every figure the report notebooks save."""
    import contextlib

    import jupytext

    from afspraken_analysis.report import plots

    real_save, found = plots.save, []

    def capture(fig, name, data, out_dir):
        found.append((f"{current}/{name}", fig, data))
        return real_save(fig, name, data, out_dir)

    plots.save = capture
    try:
        for source in drawing_notebooks():
            current = source.stem[:2]
            nb = jupytext.read(source, fmt="py:percent")
            ns = {"__name__": "__main__"}
            for cell in (c for c in nb.cells if c.cell_type == "code"):
                code = cell.source
                if "parameters" in cell.metadata.get("tags", []):
                    given = parameters(source, values)
                    code += "\n" + "\n".join(f"{k} = {v!r}" for k, v in given.items())
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(code, str(source), "exec"), ns)
    finally:
        plots.save = real_save
    return found


def per_figure(figures, repeat: int, out: Path) -> list[tuple[str, float, float]]:
    from afspraken_analysis.report import plots

    rows = []
    for name, fig, data in figures:
        times = {"old": [], "new": []}
        for _ in range(repeat):
            for variant, save in (("old", three_draws_save), ("new", plots.save)):
                start = time.process_time()
                save(fig, name.replace("/", "-"), data, out)
                times[variant].append(time.process_time() - start)
        rows.append((name, statistics.median(times["old"]), statistics.median(times["new"])))
    return rows


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def per_notebook(values: dict, repeat: int) -> list[tuple[str, float, float]]:
    env = dict(os.environ, MPLBACKEND="agg")
    rows = []
    for source in drawing_notebooks():
        given = json.dumps(parameters(source, values))
        times = {"old": [], "new": []}
        for _ in range(repeat):
            for variant in ("old", "new"):
                start = children_cpu()
                command = [sys.executable, "-c", RUNNER, str(source), given, variant, str(ROOT)]
                subprocess.run(command, cwd=ROOT, env=env, check=True)
                times[variant].append(children_cpu() - start)
        rows.append((source.stem, statistics.median(times["old"]), statistics.median(times["new"])))
        print(f"{source.stem}: {rows[-1][1]:.2f} -> {rows[-1][2]:.2f} s CPU", file=sys.stderr)
    return rows


def compress_levels(figures, repeat: int) -> list[tuple[int, float, int]]:
    """(level, encode CPU seconds summed over the figures, bytes summed) of the 300-dpi PNG."""
    from PIL import Image

    from afspraken_analysis.report import figurefiles

    images = [
        Image.open(
            io.BytesIO(
                figurefiles._print_png(figurefiles._pixels(fig, figurefiles._tight_box(fig)))
            )
        )
        for _, fig, _ in figures
    ]
    for image in images:
        image.load()
    rows = []
    for level in (1, 3, 6, 9):
        spent, size = [], 0
        for _ in range(repeat):
            start, size = time.process_time(), 0
            for image in images:
                buffer = io.BytesIO()
                image.save(buffer, format="png", compress_level=level, dpi=(300, 300))
                size += len(buffer.getvalue())
            spent.append(time.process_time() - start)
        rows.append((level, statistics.median(spent), size))
    return rows


def embedded_sizes(figures) -> tuple[int, int]:
    from afspraken_analysis.report import plots

    old = sum(len(three_draws_save(fig, "x", data, None)) for _, fig, data in figures)
    new = sum(len(plots.save(fig, "x", data, None)) for _, fig, data in figures)
    return old, new


def embedded_variants(figures) -> dict[str, dict[str, bytes]]:
    """Kind of embedded image -> figure name -> PNG bytes."""
    from PIL import Image

    from afspraken_analysis.report import figurefiles
    from afspraken_analysis.style import EMBED_DPI, PRINT_DPI

    def png(image, dpi) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format="png", dpi=(dpi, dpi))
        return buffer.getvalue()

    kinds = ("RGBA drawn at 200 dpi (before)", "RGB box-resized (now)", "RGB Lanczos-resized")
    kinds += ("RGBA 300 dpi (figures/)", "RGB 300 dpi")
    variants = {kind: {} for kind in kinds}
    for name, fig, data in figures:
        key = name.split("/", 1)[1]
        pixels = figurefiles._pixels(fig, figurefiles._tight_box(fig))
        printed, embedded = figurefiles._print_png(pixels), figurefiles._embedded_png(pixels)
        rgb = Image.open(io.BytesIO(printed)).convert("RGB")
        small = rgb.resize(Image.open(io.BytesIO(embedded)).size, Image.LANCZOS)
        images = (three_draws_save(fig, key, data, None), embedded, png(small, EMBED_DPI))
        images += (printed, png(rgb, PRINT_DPI))
        for kind, image in zip(kinds, images, strict=True):
            variants[kind][key] = image
    return variants


def pdf_step(report: Path, variants: dict, p, repeat: int) -> list[tuple[str, float, int, int]]:
    """(kind, layout + write CPU s, HTML bytes, PDF bytes) with each kind of embedded image."""
    import base64
    import re

    from weasyprint import CSS, HTML

    from afspraken_analysis.report import manifest, pdf

    meta = manifest.title_meta(p, manifest.inputs_are_fictitious(p))
    order = sorted(path.stem for path in (report / "notebooks").glob("*.ipynb"))
    bodies = pdf.PrintLayout(report, order, meta, p.lang).bodies()
    document = pdf.report_html(bodies, meta, p.lang)
    figure = re.compile(
        r'(<figure class="chart" id="fig-([^"]+)">\s*<img alt="[^"]*" src=")data:image/png;base64,[^"]+"'
    )
    documents = {}
    for kind, images in variants.items():
        documents[kind] = figure.sub(
            lambda m, images=images: (
                (
                    m.group(1)
                    + "data:image/png;base64,"
                    + base64.b64encode(images[m.group(2)]).decode()
                )
                + '"'
            ),
            document,
        )
        assert len(figure.findall(document)) == len(images), "every figure swapped"
    sheets = [
        CSS(filename=str(pdf.STYLESHEET)),
        CSS(string=pdf.page_css(meta, p.lang, title_page=True)),
    ]
    times = {kind: [] for kind in documents}
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            for kind, doc in documents.items():
                start = time.process_time()
                HTML(string=doc, base_url=tmp).render(stylesheets=sheets).write_pdf(
                    Path(tmp) / "r.pdf"
                )
                times[kind].append(time.process_time() - start)
                sizes[kind] = (Path(tmp) / "r.pdf").stat().st_size
    return [
        (kind, statistics.median(times[kind]), len(documents[kind]), sizes[kind])
        for kind in documents
    ]


def tables(label, figure_rows, notebook_rows, levels, sizes, pdf_rows, repeat) -> str:
    total_old = sum(r[1] for r in figure_rows)
    total_new = sum(r[2] for r in figure_rows)
    lines = [
        f"{label} (machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at the end;"
        f" medians of {repeat} alternating runs).",
        "",
        "Saving one figure (PNG 200 dpi + PNG 300 dpi + SVG, CSV): CPU s",
        "",
        "| figure | three drawings (before) | one raster drawing (now) | saved |",
        "| --- | --- | --- | --- |",
    ]
    for name, old, new in figure_rows:
        lines.append(f"| {name} | {old:.3f} | {new:.3f} | {old - new:.3f} |")
    lines += [
        f"| all {len(figure_rows)} | {total_old:.2f} | {total_new:.2f} | "
        f"{total_old - total_new:.2f} |",
        "",
        "A notebook's cells in a fresh process (start-up and imports included): CPU s",
        "",
        "| notebook | before | now | saved |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {n} | {old:.2f} | {new:.2f} | {old - new:.2f} |" for n, old, new in notebook_rows]
    lines += [
        "",
        f"Embedded PNGs (notebook, PDF, HTML), all figures: {sizes[0] / 1e3:.0f} kB before "
        f"(RGBA, drawn at 200 dpi), {sizes[1] / 1e3:.0f} kB now (RGB, resized).",
        "",
        "figures/*.png (300 dpi) by zlib compress level, all figures: encode CPU s, size",
        "",
        "| level | encode | size |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {lv} | {t:.3f} | {s / 1e3:.0f} kB |" for lv, t, s in levels]
    lines += [
        "",
        "The PDF step (WeasyPrint layout + write) by kind of embedded image: CPU s, sizes",
        "",
        "| embedded image | layout + write | HTML | PDF |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {kind} | {t:.2f} | {h / 1e6:.2f} MB | {f / 1e6:.2f} MB |" for kind, t, h, f in pdf_rows
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--monitoring", default="")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write benchmarks/results-figures.md")
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "agg")
    from afspraken_analysis.report import params

    given = {"year": args.year} | ({"monitoring": args.monitoring} if args.monitoring else {})
    p = params.validate(given)
    with tempfile.TemporaryDirectory() as tmp:
        values = {
            "year": p.year,
            "monitoring": args.monitoring,
            "lang": p.lang,
            "scenario": p.scenario,
            "output_dir": str(Path(tmp) / "collect"),
        }
        figures = collect_figures(values)
        figure_rows = per_figure(figures, args.repeat, Path(tmp) / "saved")
        sizes = embedded_sizes(figures)
        levels = compress_levels(figures, args.repeat)
        notebook_rows = per_notebook(values | {"output_dir": str(Path(tmp) / "nb")}, args.repeat)
        report = Path(tmp) / "report"
        command = [sys.executable, "-m", "afspraken_analysis.cli", "report", "--year"]
        command += [str(p.year), "--out", str(report), "--quiet"]
        command += ["--monitoring", args.monitoring] if args.monitoring else []
        subprocess.run(command, cwd=ROOT, check=True)
        pdf_rows = pdf_step(report, embedded_variants(figures), p, args.repeat)
    label = f"Report {args.year}" + (
        f" with --monitoring {args.monitoring}" if args.monitoring else ""
    )
    text = tables(label, figure_rows, notebook_rows, levels, sizes, pdf_rows, args.repeat)
    print(text)
    if args.write:
        header = (
            "# Figures: drawn three times against drawn once\n\n"
            "Written by `uv run python benchmarks/bench_figures.py --write` (see its docstring).\n\n"
        )
        RESULT.write_text(header + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
