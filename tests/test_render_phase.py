"""The render phase: the PDF's chapters laid out while later notebooks run, the rest of report.pdf
in the main process after them, report.html and slides.pptx meanwhile in a second one, with the
failure safety of one process: a failing step leaves the earlier report untouched and no build
directory behind, an interrupted PDF stops the second process, and every step is shown and timed.

Each test builds a tiny one- or two-notebook report (the real renderers of the steps it does not
replace).
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from afspraken_analysis.errors import UserError
from afspraken_analysis.report import Progress, build, params, slides

NOTEBOOK = """\
# %% tags=["parameters"]
year: int = 2025
output_dir: str = ""

# %%
from afspraken_analysis.report import blocks, params

p = params.check(globals())
blocks.chapter("Klein", "klein")
"""
WAIT = 120  # seconds a step waits for the other process before the test fails


def _tree(root: Path) -> dict[str, bytes | None]:
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


OVERLAP = 1.5  # seconds the PDF and the deck are made to take, side by side


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def tiny(tmp_path) -> dict:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "01_klein.py").write_text(NOTEBOOK, encoding="utf-8")
    return {"notebooks": notebooks, "out": tmp_path / "outputs" / "2025"}


SLOW = """\
# %% tags=["parameters"]
year: int = 2025
output_dir: str = ""

# %%
import time

from afspraken_analysis.report import blocks, params

p = params.check(globals())
time.sleep(3)
blocks.chapter("Traag", "traag")
"""


@pytest.fixture
def two(tiny) -> dict:
    """The tiny report with a second notebook that takes three seconds."""
    (tiny["notebooks"] / "02_traag.py").write_text(SLOW, encoding="utf-8")
    return tiny


def _build(tiny: dict, progress: Progress | None = None) -> Path:
    return build.build_report(
        params.validate({"year": 2025}),
        tiny["out"],
        notebooks_dir=tiny["notebooks"],
        progress=progress or Progress(quiet=True),
    )


@pytest.mark.slow
def test_the_html_and_the_deck_are_made_in_a_second_process_while_the_pdf_renders(
    tiny, tmp_path, monkeypatch
):
    signs = tmp_path / "signs"
    signs.mkdir()
    render_web, write_pdf = build.render_web, build.PrintLayout.write
    build_deck = build.slides.build_deck

    def web(build_dir, *args):
        (signs / "web.pid").write_text(str(os.getpid()))
        render_web(build_dir, *args)

    def pdf(layout, target):
        _wait_for(signs / "web.pid")  # in one process after the other this would never come
        time.sleep(OVERLAP)
        write_pdf(layout, target)

    def deck(*args):
        time.sleep(
            OVERLAP
        )  # long enough for the overlap to outweigh the untimed bits between steps
        build_deck(*args)

    monkeypatch.setattr(build, "render_web", web)
    monkeypatch.setattr(build.PrintLayout, "write", pdf)
    monkeypatch.setattr(build.slides, "build_deck", deck)
    stream = io.StringIO()
    out = _build(tiny, Progress(stream=stream))

    assert int((signs / "web.pid").read_text()) != os.getpid()
    for name in ("report.pdf", "report.html", "slides.pptx"):
        assert (out / name).stat().st_size > 0
        assert f"▸ {name} …" in stream.getvalue() and f"✓ {name} (" in stream.getvalue()
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    steps = {s["name"]: s["seconds"] for s in timings["steps"]}
    assert {"report.pdf", "report.html", "slides.pptx"} <= steps.keys()
    assert steps["report.pdf"] >= steps["report.html"]  # the PDF waited for the HTML to start
    # the total is the wall clock, not the sum of overlapping steps
    overlapping = steps["report.pdf"] + steps["report.html"] + steps["slides.pptx"]
    assert steps["notebooks"] + steps["report.pdf"] <= timings["total_seconds"]
    assert timings["total_seconds"] < steps["notebooks"] + overlapping + steps["manifest.json"]


DRAWING = """\
# %% tags=["parameters"]
year: int = 2025
output_dir: str = ""

# %%
import pandas as pd

from afspraken_analysis.report import figurefiles, params, plots

p = params.check(globals())
fig, (ax,) = plots.new_figure()
ax.plot([2024, 2025], [1, 2])
figurefiles.save(fig, "lijn", pd.DataFrame({"year": [2024, 2025], "n": [1, 2]}), p.output_dir)
figures = p.output_dir / "figures"
print(sorted(path.name for path in figures.iterdir()))
"""


@pytest.mark.slow
def test_the_kernels_write_the_figure_files_beside_the_pdf_and_the_deck_waits(tiny):
    (tiny["notebooks"] / "02_tekening.py").write_text(DRAWING, encoding="utf-8")
    stream = io.StringIO()
    out = _build(tiny, Progress(stream=stream))
    # the notebook had only the CSV when it printed; the PNG and SVG came after it
    printed = (out / "notebooks" / "02_tekening.ipynb").read_text(encoding="utf-8")
    assert "['lijn.csv']" in printed
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "lijn.csv",
        "lijn.png",
        "lijn.svg",
    ]
    assert (out / "figures" / "lijn.png").read_bytes().startswith(b"\x89PNG")
    lines = stream.getvalue().splitlines()
    done = [i for i, line in enumerate(lines) if "✓ figures/" in line]
    deck = [i for i, line in enumerate(lines) if "▸ slides.pptx" in line]
    assert done and deck and done[0] < deck[0]  # the deck started once the figures were written
    assert not list(out.parent.glob(".2025.build-*"))


@pytest.mark.slow
def test_a_kernel_failing_to_write_its_figures_fails_the_run_and_leaves_nothing(tiny, monkeypatch):
    out = _build(tiny)
    before = _tree(out.parent)
    monkeypatch.setattr(build, "WRITE_FIGURES", "raise OSError('no space left on device')")
    with pytest.raises(RuntimeError, match="no space left on device"):
        _build(tiny)
    assert _tree(out.parent) == before  # no .2025.build-*, the old report as it was


@pytest.mark.slow
def test_a_failing_deck_leaves_the_earlier_report_and_no_build_directory(tiny, monkeypatch):
    out = _build(tiny)
    before = _tree(out.parent)

    def broken(*args):
        raise UserError("the deck template has no title layout")

    monkeypatch.setattr(slides, "build_deck", broken)
    with pytest.raises(UserError, match="the deck template has no title layout"):
        _build(tiny)
    assert _tree(out.parent) == before  # no .2025.build-*, the old report as it was


@pytest.mark.slow
def test_an_unexpected_error_beside_keeps_its_traceback(tiny, monkeypatch):
    def broken(*args):
        raise ValueError("a bug in the web edition")

    monkeypatch.setattr(build, "render_web", broken)
    with pytest.raises(ValueError, match="a bug in the web edition") as raised:
        _build(tiny)
    assert "in broken" in str(raised.value.__cause__)  # the child's traceback, as text
    assert not tiny["out"].exists() and not list(tiny["out"].parent.iterdir())


@pytest.mark.slow
def test_an_interrupted_pdf_stops_the_second_process_first(tiny, tmp_path, monkeypatch):
    out = _build(tiny)
    before = _tree(out.parent)
    signs = tmp_path / "signs"
    signs.mkdir()

    def slow_deck(*args):
        (signs / "deck.pid").write_text(str(os.getpid()))
        time.sleep(WAIT)

    def interrupted_pdf(layout, target):
        _wait_for(signs / "deck.pid")
        raise KeyboardInterrupt

    monkeypatch.setattr(slides, "build_deck", slow_deck)
    monkeypatch.setattr(build.PrintLayout, "write", interrupted_pdf)
    with pytest.raises(KeyboardInterrupt):
        _build(tiny)
    assert not _running(int((signs / "deck.pid").read_text()))
    assert _tree(out.parent) == before


def _at(lines: str, step: str) -> float:
    """When a progress line was printed (seconds since the start)."""
    return float(re.search(rf"\[\s*([\d.]+) s\] {re.escape(step)}", lines).group(1))


@pytest.mark.slow
def test_a_chapter_is_laid_out_while_the_next_notebook_runs(two):
    stream = io.StringIO()
    out = _build(two, Progress(stream=stream))
    lines = stream.getvalue()
    assert _at(lines, "✓ report.pdf 01_klein") < _at(lines, "✓ notebook 02_traag")
    steps = [s["name"] for s in json.loads((out / "timings.json").read_text("utf-8"))["steps"]]
    assert "report.pdf 01_klein" in steps and "report.pdf" in steps
    text = "".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages)
    assert text.index("Klein") < text.index("Traag")


@pytest.mark.slow
def test_a_chapter_failing_to_lay_out_stops_the_run_and_leaves_nothing(two, monkeypatch):
    out = _build(two)
    before = _tree(out.parent)

    def broken(layout):
        raise RuntimeError("a bug in the layout")

    monkeypatch.setattr(build.PrintLayout, "lay_out_next", broken)
    with pytest.raises(RuntimeError, match="a bug in the layout"):
        _build(two)
    assert _tree(out.parent) == before  # no .2025.build-*, the old report as it was


def test_the_process_beside_waits_for_the_figure_files_only_while_the_report_runs():
    """Its step `figures/` waits for the kernels' files; after a kill -9 of the report nothing
    would end that wait, so it ends when the report's process is no longer its parent."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    written = context.Event()
    beside = context.Process(target=build._wait, args=(written, os.getpid()))
    beside.start()
    time.sleep(1.5)
    assert beside.is_alive()  # its parent is the report: it waits
    written.set()
    beside.join(10)
    assert beside.exitcode == 0
    orphan = context.Process(target=build._wait, args=(context.Event(), os.getpid() + 10**6))
    orphan.start()  # as if its report had gone: its parent is not that process
    orphan.join(10)
    assert orphan.exitcode == 1


SIGNAL_DURING_FORK = """
import multiprocessing, os, signal, sys, time
from afspraken_analysis.report import Progress, build

# Ctrl-C arriving while the process beside is forked: Python handles it at the first Python
# line after the fork, an at-fork handler (here one that sends it, as logging's runs one)
signal.signal(signal.SIGINT, signal.default_int_handler)  # also where it was inherited ignored
with build._signals_held():  # a process forked meanwhile gets the handlers back
    pid = os.fork()
    if pid == 0:
        os._exit(0 if signal.getsignal(signal.SIGINT) is signal.default_int_handler else 1)
print("child", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGINT))
try:
    with build._Beside([("wait", time.sleep, (60,))], Progress(quiet=True)):
        print("went on", flush=True)
except KeyboardInterrupt:
    print("interrupted", len(multiprocessing.active_children()), flush=True)
"""


def test_ctrl_c_during_the_fork_of_the_process_beside_stops_the_run():
    """Before, the KeyboardInterrupt (or SIGTERM's SystemExit) was raised inside the at-fork
    handler, which prints it and goes on: the run ended normally, a traceback on the screen."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_DURING_FORK], capture_output=True, text=True, timeout=60
    )
    # raised after the fork, the child stopped; a child forked meanwhile got the handlers back
    assert done.stdout.split("\n")[:2] == ["child 0", "interrupted 0"]
    assert "Exception ignored" not in done.stderr
