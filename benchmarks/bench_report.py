"""Benchmark of `afspraken report`: the whole report against the floor measured in the same run.

    uv run python benchmarks/bench_report.py [--repeat 3] [--write]

Floor: a fresh Python process that imports papermill and WeasyPrint, runs an empty notebook
through papermill once per report notebook (sequentially, each on a new python3 kernel) and
converts one empty HTML page to PDF. Report: a fresh process running
`afspraken report --year 2025` (all notebooks, PDF, deck, manifest) into a temporary directory.
Both are timed as wall-clock time of the whole process, alternately, `--repeat` times; the
medians count. Targets: report under 60 s, and within 2x the floor.

It also checks that two report runs give byte-identical CSVs and figures (PNG, SVG).
With --write the result is appended to benchmarks/results-report.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results-report.md"
TARGET_SECONDS = 60.0
TARGET_RATIO = 2.0

FLOOR = """
import sys
import nbformat, papermill
from weasyprint import HTML
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell("", metadata={"tags": ["parameters"]})]
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
for i in range(int(sys.argv[1])):
    papermill.execute_notebook(nb, sys.argv[2] + f"/empty{i}.ipynb", kernel_name="python3",
                               progress_bar=False, log_output=False)
HTML(string="<!DOCTYPE html><html><body></body></html>").write_pdf(sys.argv[2] + "/empty.pdf")
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def digests(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for sub in ("figures", "tables")
        for path in sorted((directory / sub).glob("*"))
    }


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, {cpu}, load {load:.2f} at start"


def git_commit() -> str:
    """The short commit, with '+changes' when tracked files differ from it (read-only git)."""
    from afspraken_analysis.report.manifest import git_commit as commit_info

    info = commit_info()
    if info["commit"] is None:
        return "?"
    return info["commit"][:7] + ("+changes" if info["dirty"] else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--write", action="store_true", help="append the result to results-report.md"
    )
    args = parser.parse_args()
    notebooks = len(sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")))
    floors, reports, outputs = [], [], []
    host = machine()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            work = Path(tmp) / f"floor{i}"
            work.mkdir()
            floors.append(timed([sys.executable, "-c", FLOOR, str(notebooks), str(work)]))
            out = Path(tmp) / f"report{i}"
            reports.append(
                timed(
                    [
                        sys.executable,
                        "-m",
                        "afspraken_analysis.cli",
                        "report",
                        "--year",
                        "2025",
                        "--out",
                        str(out),
                        "--quiet",
                    ]
                )
            )
            outputs.append(digests(out))
            print(
                f"run {i + 1}: floor {floors[-1]:.1f} s, report {reports[-1]:.1f} s",
                file=sys.stderr,
            )
    floor, report = statistics.median(floors), statistics.median(reports)
    ratio = report / floor
    pair_ratios = [r / f for f, r in zip(floors, reports, strict=True)]  # same moment, same load
    identical = all(o == outputs[0] for o in outputs[1:])
    verdict = (
        f"report {report:.1f} s (target < {TARGET_SECONDS:.0f} s: {'met' if report < TARGET_SECONDS else 'NOT met'}); "
        f"floor {floor:.1f} s; ratio {ratio:.2f} (target <= {TARGET_RATIO:.0f}: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}; per run "
        f"{', '.join(f'{r:.2f}' for r in pair_ratios)}); "
        f"re-runs byte-identical: {'yes' if identical else 'NO'} ({len(outputs[0])} files)"
    )
    print(verdict)
    if args.write:
        row = (
            f"| {dt.date.today().isoformat()} | {git_commit()} | {host} | {notebooks} | "
            f"{', '.join(f'{f:.1f}' for f in floors)} | {', '.join(f'{r:.1f}' for r in reports)} | "
            f"{floor:.1f} | {report:.1f} | {ratio:.2f} | {', '.join(f'{r:.2f}' for r in pair_ratios)} | "
            f"{'yes' if identical else 'no'} |\n"
        )
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Benchmark: afspraken report\n\nWritten by `uv run python benchmarks/bench_report.py "
                "--write`. Times in seconds, wall clock of a fresh process; medians of the runs.\n\n"
                "| date | commit | machine | notebooks | floor runs | report runs | floor | report | "
                "ratio | ratio per run | identical re-runs |\n"
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
                encoding="utf-8",
            )
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(row)
    return 0 if report < TARGET_SECONDS and identical else 1


if __name__ == "__main__":
    sys.exit(main())
