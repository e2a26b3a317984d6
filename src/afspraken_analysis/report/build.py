"""The yearly report end to end: notebooks, report.pdf, slides.pptx and manifest.json built in a
temporary directory that replaces the year's outputs only when complete.

Nothing but a report is ever replaced: the checks in ``outputs`` run before any work.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from afspraken_analysis import monitoring
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Text
from afspraken_analysis.paths import NOTEBOOKS_DIR

from . import outputs, params, slides
from .manifest import (
    BuildInfo,
    input_files,
    inputs_are_fictitious,
    title_meta,
    write_manifest,
    write_timings,
)
from .notebooks import (
    NotebookFailure,
    Progress,
    check_kernel,
    declared_parameters,
    notebook_sources,
    run_notebooks,
    run_order,
)
from .pdf import render_pdf
from .web import render_web


def _preload() -> None:
    """Import the PDF libraries while the kernels run (the main process waits anyway)."""
    import importlib

    for name in ("weasyprint", "nbconvert"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the real import later reports the problem
            return


def build_report(
    p: params.Params,
    out: Path,
    *,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    params_file: Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """Run the whole report for validated parameters `p` into directory `out`; returns `out`."""
    progress = progress or Progress()
    out = Path(out).resolve()
    if p.monitoring is not None:
        monitoring.load_monitoring(p.monitoring)  # the problems `afspraken validate` lists
    sources = notebook_sources(notebooks_dir)
    declared = declared_parameters(sources)
    outputs.check_out(out, input_files(p, sources, params_file), p.monitoring)
    kernel = progress.run("kernel check", check_kernel)
    outputs.remove_stale(out)
    build = outputs.make_build_dir(out)
    values = _parameter_values(p, build)
    per_notebook = {
        name: {k: values[k] for k in names if k in values} for name, names in declared.items()
    }
    info = BuildInfo(
        params={k: v for k, v in values.items() if k != "output_dir"},
        notebooks=[s.stem for s in sources],
        fictitious=inputs_are_fictitious(p),
    )
    try:
        _run_notebooks(build, out, sources, per_notebook, progress)
        _render(build, p, info, progress)
        files = input_files(p, sources, params_file)
        outputs.unmark(build)  # complete: from here on its manifest says what it is
        progress.run("manifest.json", write_manifest, build, info, files, kernel)
        write_timings(build, progress.steps)
    except NotebookFailure as failure:
        raise _keep_failed(build, out, failure) from None
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    outputs.move_into_place(build, out)
    return out


def _parameter_values(p: params.Params, build: Path) -> dict:
    """Every parameter a notebook may declare, as papermill passes it (empty text for none)."""
    return {
        "year": p.year,
        "monitoring": str(p.monitoring) if p.monitoring else "",
        "scenario": p.scenario,
        "lang": p.lang,
        "corporation": p.corporation or "",
        "woondeal_start_year": p.woondeal_start_year,
        "output_dir": str(build),
    }


def _run_notebooks(
    build: Path, out: Path, sources: list[Path], per_notebook: dict, progress: Progress
) -> None:
    """The notebooks, slowest first (times of the previous build); the PDF libraries load meanwhile."""
    for sub in ("figures", "tables", "notebooks"):
        (build / sub).mkdir()
    order = run_order(sources, out / "timings.json")
    preload = threading.Thread(target=_preload, daemon=True)
    preload.start()
    progress.run("notebooks", run_notebooks, order, build, per_notebook, progress)
    preload.join()


def _render(build: Path, p: params.Params, info: BuildInfo, progress: Progress) -> None:
    """report.pdf and report.html from the executed notebooks, slides.pptx from the tables and
    figures."""
    meta = title_meta(p, info.fictitious)
    progress.run("report.pdf", render_pdf, build, info.notebooks, meta, p.lang)
    progress.run("report.html", render_web, build, info.notebooks, meta, p.lang)
    progress.run("slides.pptx", slides.build_deck, build, meta, p)


def _keep_failed(build: Path, out: Path, failure: NotebookFailure) -> UserError:
    """Keep the failed build as <out>.failed; the error that names the notebook and the cell."""
    failed_dir = outputs.keep_failed(build, out)
    kept = failed_dir / "notebooks" / f"{failure.notebook}.ipynb"
    where = Text("params.problem.notebook_cell", cell=failure.cell) if failure.cell else None
    return UserError(
        Text(
            "params.problem.notebook_failed",
            notebook=failure.notebook,
            where=where or Text("params.problem.notebook_a_cell"),
            count=str(failure.exec_count),
            line=repr(failure.first_line),
            ename=failure.ename,
            evalue=failure.evalue,
            kept=params.relative(kept),
            out=params.relative(out),
        )
    )
