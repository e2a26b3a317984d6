"""Snapshot what a reader sees of a built report, to prove that a change altered nothing.

    python scripts/snapshot_report.py snapshot OUTPUTS_DIR SNAPSHOT.json
    python scripts/snapshot_report.py diff BEFORE.json AFTER.json

A snapshot holds the SHA-256 of every file under figures/ and tables/, the text of report.pdf (page
by page, via pdftotext) and the text of slides.pptx (titles, text boxes, table cells and the chart
data, slide by slide). `diff` exits 1 and names each difference.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def _deck_slides(pptx: Path) -> list[list[str]]:
    from pptx import Presentation

    slides = []
    for slide in Presentation(str(pptx)).slides:
        items: list[str] = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                items.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    items.append(" | ".join(cell.text for cell in row.cells))
            if getattr(shape, "has_chart", False) and shape.has_chart:
                chart = shape.chart
                for plot in chart.plots:
                    items.append("categories: " + ", ".join(map(str, plot.categories)))
                    for series in plot.series:
                        items.append(f"series {series.name}: {list(series.values)}")
        slides.append(items)
    return slides


def snapshot(out_dir: Path) -> dict:
    files = {
        str(p.relative_to(out_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for sub in ("figures", "tables")
        for p in sorted((out_dir / sub).rglob("*"))
        if p.is_file()
    }
    return {
        "files": files,
        "pdf_pages": _pdf_pages(out_dir / "report.pdf"),
        "deck_slides": _deck_slides(out_dir / "slides.pptx"),
    }


def diff(before: dict, after: dict) -> list[str]:
    problems = []
    for name in sorted(set(before["files"]) | set(after["files"])):
        a, b = before["files"].get(name), after["files"].get(name)
        if a != b:
            problems.append(
                f"{name}: {'missing' if b is None else 'new' if a is None else 'bytes differ'}"
            )
    for key in ("pdf_pages", "deck_slides"):
        a, b = before[key], after[key]
        if len(a) != len(b):
            problems.append(f"{key}: {len(a)} before, {len(b)} after")
        for i, (x, y) in enumerate(zip(a, b, strict=False), start=1):
            if x != y:
                problems.append(f"{key} {i}: text differs")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "snapshot":
        Path(argv[2]).write_text(json.dumps(snapshot(Path(argv[1])), indent=1, ensure_ascii=False))
        return 0
    if len(argv) == 3 and argv[0] == "diff":
        before, after = (json.loads(Path(p).read_text()) for p in argv[1:])
        problems = diff(before, after)
        print("\n".join(problems) or "identical")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
