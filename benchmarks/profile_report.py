"""Where the time of `afspraken report` goes: per notebook and for the PDF step.

    uv run python benchmarks/profile_report.py [--year 2025] [--monitoring DIR] [--write]

Per notebook (each in a fresh Python process, outside papermill, as the kernel runs it):
the import cell (split by package from `python -X importtime`, self time), the other cells
(work) and the figure rendering inside them (matplotlib's savefig, timed around
`figurefiles`: the tight box, the pixels, both PNGs and the SVG). Then the PDF step on the
executed notebooks of one report run: HTML export (the notebooks' rich outputs), the layout of
each chapter as the report does it (`pdf.PrintLayout`, mostly while later notebooks run), then
the title page, contents and page numbers with the drawing and writing (the step `report.pdf`);
and, for WeasyPrint's own costs, the same pages as one document: layout (`render`) and
drawing/writing (`write_pdf`), the image handling being the difference against the same document
whose images are replaced by a 1x1 PNG (same CSS width, so the same layout otherwise).

Times are CPU seconds (user+sys) of the process, with wall clock next to them: on a shared
machine the CPU time is the steadier number. With --write the tables go to
benchmarks/profile-report.md (replaced: the file is this script's output).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "benchmarks" / "profile-report.md"

# Runs in a fresh process: one notebook's cells with the parameters injected after the
# parameters cell (as papermill does); prints one JSON line with the times.
NOTEBOOK_RUNNER = r"""
import json, sys, time, io, contextlib
def clock():
    t = __import__("os").times()
    return t.user + t.system, time.perf_counter()
import jupytext
path, parameters = sys.argv[1], json.loads(sys.argv[2])
nb = jupytext.read(path, fmt="py:percent")
cells = [c for c in nb.cells if c.cell_type == "code"]
ns = {"__name__": "__main__"}
times = {"imports": [0.0, 0.0], "work": [0.0, 0.0], "figures": [0.0, 0.0]}
def run(key, code):
    c0, w0 = clock()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, path, "exec"), ns)
    c1, w1 = clock()
    times[key][0] += c1 - c0
    times[key][1] += w1 - w0
print("IMPORT-CELL", file=sys.stderr, flush=True)  # -X importtime lines after this are the cell's
run("imports", cells[0].source)
print("END-IMPORT-CELL", file=sys.stderr, flush=True)
files = sys.modules.get("afspraken_analysis.report.figurefiles")  # only where a notebook draws
names = ("_tight_box", "_pixels", "_print_png", "_embedded_png", "_svg_bytes")
for fname in names if files is not None else ():
    original = getattr(files, fname)
    def timed(*a, _f=original, **k):
        c0, w0 = clock()
        try:
            return _f(*a, **k)
        finally:
            c1, w1 = clock()
            times["figures"][0] += c1 - c0
            times["figures"][1] += w1 - w0
    setattr(files, fname, timed)
for cell in cells[1:]:
    code = cell.source
    if "parameters" in cell.metadata.get("tags", []):
        code += "\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    run("work", code)
times["work"] = [times["work"][0] - times["figures"][0], times["work"][1] - times["figures"][1]]
print("PROFILE " + json.dumps(times))
"""

_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_split(stderr: str, top: int = 6) -> list[tuple[str, float]]:
    """Self import time per top-level package (seconds), largest first."""
    per_package: dict[str, float] = defaultdict(float)
    for match in _IMPORTTIME.finditer(
        stderr.split("IMPORT-CELL", 1)[-1].split("END-IMPORT-CELL", 1)[0]
    ):
        per_package[match.group(4).split(".")[0]] += int(match.group(1)) / 1e6
    ranked = sorted(per_package.items(), key=lambda kv: -kv[1])
    rest = sum(v for _, v in ranked[top:])
    return ranked[:top] + ([("other", rest)] if rest else [])


def profile_notebook(source: Path, parameters: dict) -> dict:
    env = dict(os.environ, MPLBACKEND="agg")
    cpu0, wall0 = children_cpu(), time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            NOTEBOOK_RUNNER,
            str(source),
            json.dumps(parameters),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    cpu, wall = children_cpu() - cpu0, time.perf_counter() - wall0
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("PROFILE ")), None)
    if done.returncode or line is None:
        sys.exit(f"{source.name} failed:\n{done.stderr[-3000:]}")
    times = json.loads(line.removeprefix("PROFILE "))
    # Python start-up and jupytext (the runner's own imports) are the rest of the process
    times["process"] = [cpu, wall]
    times["import_split"] = import_split(done.stderr)
    return times


def _clock() -> tuple[float, float]:
    t = os.times()
    return t.user + t.system, time.perf_counter()


def _since(start: tuple[float, float]) -> list[float]:
    now = _clock()
    return [now[0] - start[0], now[1] - start[1]]


def profile_pdf(build: Path, order: list[str], meta: dict, lang: str) -> dict:
    """HTML export; report.pdf as the report makes it (PDF/A-2a, tagged, with the finisher): the
    layout of each chapter, then the title page and contents, page numbers, drawing and writing;
    and the same pages as one document, with the part the images take, and WeasyPrint's bare
    cost (a plain PDF: no PDF/A, no tags, no images)."""
    from afspraken_analysis.report import pdf, pdftags

    start = _clock()
    from weasyprint import CSS, HTML

    times = {"pdf imports": _since(start)}
    start = _clock()
    layout = pdf.PrintLayout(build, order, meta, lang)
    document = pdf.report_html(layout.bodies(), meta, lang)
    times["html export"] = _since(start)
    for name in order:  # as the report lays it out: chapter by chapter, most while notebooks run
        start = _clock()
        layout.lay_out_next()
        times[f"layout of chapter {name}"] = _since(start)
    with tempfile.TemporaryDirectory() as tmp:
        start = _clock()
        layout.write(Path(tmp) / "report.pdf")
        times["title page, contents, page numbers, draw + write"] = _since(start)
    # WeasyPrint's own costs for the same pages as one document, with and without images
    tiny = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    )
    without_images = re.sub(r'src="data:image/[^"]+"', f'src="{tiny}"', document)
    page_css = pdf.page_css(meta, lang, title_page=True)
    stylesheets = [CSS(filename=str(pdf.STYLESHEET)), CSS(string=page_css)]
    archival = {"pdf_variant": pdf.PDF_VARIANT, "pdf_tags": True}
    variants = (
        ("", document, archival),
        (" (no images)", without_images, archival),
        (" (plain PDF, no images)", without_images, {}),
    )
    with tempfile.TemporaryDirectory() as tmp:
        for label, doc, options in variants:
            start = _clock()
            rendered = HTML(string=doc, base_url=tmp).render(stylesheets=stylesheets, **options)
            times["layout" + label] = _since(start)
            start = _clock()
            finisher = {"finisher": pdftags.finish} if options else {}
            rendered.write_pdf(Path(tmp) / "r.pdf", pdf_identifier=True, **options, **finisher)
            times["draw + write" + label] = _since(start)
    full = [a + b for a, b in zip(times["layout"], times["draw + write"], strict=True)]
    bare = [
        a + b
        for a, b in zip(times["layout (no images)"], times["draw + write (no images)"], strict=True)
    ]
    times["image handling (difference)"] = [f - b for f, b in zip(full, bare, strict=True)]
    times["images"] = [len(re.findall(r'src="data:image/', document)), len(document)]
    return times


def report_run(year: int, monitoring: str | None, out: Path) -> tuple[float, float]:
    command = [sys.executable, "-m", "afspraken_analysis.cli", "report", "--year", str(year)]
    command += ["--out", str(out), "--quiet"] + (["--monitoring", monitoring] if monitoring else [])
    cpu0, wall0 = children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    return children_cpu() - cpu0, time.perf_counter() - wall0


def report_steps(out: Path) -> list[tuple[str, float]]:
    """The report's own step times (timings.json): the notebooks as they ran there, on two
    kernels that each run several notebooks (report/notebooks.py)."""
    steps = json.loads((out / "timings.json").read_text(encoding="utf-8"))["steps"]
    return [(s["name"], s["seconds"]) for s in steps]


def fmt(pair) -> str:
    return f"{pair[0]:.2f} ({pair[1]:.1f})"


def tables(year, monitoring, report, steps, shared, notebooks, pdf_times) -> str:
    lines = [
        f"Report {year}" + (f" with --monitoring {monitoring}" if monitoring else ""),
        f"(machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at the end).",
        "",
        f"Whole report (one `afspraken report` process and its kernels): CPU {report[0]:.1f} s, "
        f"wall {report[1]:.1f} s. Its steps as timings.json records them (wall s; the notebooks"
        " run two at a time, a kernel taking the next notebook when it is done; 'report.pdf"
        " <notebook>' is the layout of its chapter, once it and the chapters before it have"
        " run, while later notebooks still run; report.html, the figures' PNG and SVG (figures/,"
        " by the kernels) and slides.pptx are made beside the rest of report.pdf):",
        "",
        "| step | wall s |",
        "| --- | --- |",
        *(f"| {name} | {seconds:.1f} |" for name, seconds in steps),
        "",
        f"Frames computed once per report in the main process (monitoring input, goal tracking, "
        f"annex progress, status roll-up; report/computed.py): {fmt(shared)}.",
        "",
        "Per notebook, in a fresh process outside papermill, reading those frames from the cache:",
        "CPU s (wall s). 'process' includes Python start-up and the runner's jupytext; import",
        "split: wall-clock self time per package.",
        "",
        "| notebook | process | imports | work | figure rendering | largest imports (self time, s) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, t in notebooks.items():
        split = ", ".join(f"{k} {v:.2f}" for k, v in t["import_split"])
        lines.append(
            f"| {name} | {fmt(t['process'])} | {fmt(t['imports'])} | {fmt(t['work'])} | "
            f"{fmt(t['figures'])} | {split} |"
        )
    count, size = pdf_times.pop("images")
    lines += [
        "",
        f"PDF ({count} embedded images, HTML {size / 1e6:.1f} MB), one part after the other in"
        " one process: CPU s (wall s)",
        "",
        "| part | time |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {fmt(v)} |" for k, v in pdf_times.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--monitoring", default=None)
    parser.add_argument("--write", action="store_true", help="write benchmarks/profile-report.md")
    args = parser.parse_args()

    from afspraken_analysis.report import build, computed, manifest, outputs, params
    from afspraken_analysis.report.notebooks import declared_parameters, notebook_sources

    values = {"year": args.year} | ({"monitoring": args.monitoring} if args.monitoring else {})
    p = params.validate(values)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        report = report_run(args.year, args.monitoring, out)
        steps = report_steps(out)
        sources = notebook_sources()
        # as in the build: the shared frames computed once and cached in a build directory,
        # which the notebooks read (report/computed.py)
        build_dir = outputs.make_build_dir(Path(tmp) / "nb")
        values = build._parameter_values(p, build_dir)
        start = _clock()
        computed.write_cache(dataclasses.replace(p, output_dir=build_dir))
        shared = _since(start)
        notebooks = {}
        for source in sources:
            names = declared_parameters([source])[source.stem]
            notebooks[source.stem] = profile_notebook(
                source, {k: values[k] for k in names if k in values}
            )
            print(
                f"{source.stem}: {notebooks[source.stem]['process'][0]:.1f} s CPU", file=sys.stderr
            )
        meta = manifest.title_meta(p, manifest.inputs_are_fictitious(p))
        pdf_times = profile_pdf(out, [s.stem for s in sources], meta, p.lang)
    text = tables(args.year, args.monitoring, report, steps, shared, notebooks, pdf_times)
    print(text)
    if args.write:
        header = (
            "# Profile: where the time of `afspraken report` goes\n\n"
            "Written by `uv run python benchmarks/profile_report.py --write` (see its docstring).\n\n"
        )
        RESULT.write_text(header + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
