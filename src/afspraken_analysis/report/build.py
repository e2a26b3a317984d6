"""The yearly report end to end: notebooks, report.pdf, slides.pptx and manifest.json built in a
temporary directory that replaces the year's outputs only when complete.

Nothing but a report is ever replaced: the checks in ``outputs`` run before any work.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import queue
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from afspraken_analysis import monitoring
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Text
from afspraken_analysis.paths import NOTEBOOKS_DIR

from . import computed, outputs, params, slides
from .kernelfork import Forker
from .manifest import (
    BuildInfo,
    input_files,
    inputs_are_fictitious,
    slide_template,
    title_meta,
    write_manifest,
    write_timings,
)
from .notebooks import (
    NotebookFailure,
    Progress,
    check_kernel,
    declared_parameters,
    execute,
    notebook_sources,
    run_notebooks,
    run_order,
    shutdown_kernels,
)
from .pdf import PrintLayout
from .web import render_web

# The report's kernels keep the figures' 300-dpi PNG and SVG (figurefiles.write_later) and
# write them after the notebooks, at low priority, while report.pdf renders: the notebooks, which
# the PDF waits for, are done sooner. The deck, which shows those PNGs, waits for them.
WRITE_TIMEOUT = 600  # seconds: a kernel that died writing would otherwise be waited for forever
FIGURES_LATER = "import afspraken_analysis.report.figurefiles as _f; _f.write_later(); del _f"
WRITE_FIGURES = (
    "import os as _os; _os.nice(10); del _os\n"
    "import afspraken_analysis.report.figurefiles as _f; _f.write_pending(); del _f"
)


def _preload() -> None:
    """Import the PDF libraries while the kernels run (the main process waits anyway)."""
    import importlib

    for name in ("weasyprint",):
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
    forker: Forker | None = None,
) -> Path:
    """Run the whole report for validated parameters `p` into directory `out`; returns `out`.

    `forker`: a started kernelfork.Forker to fork the kernels from (the command's, started
    before its imports); without it they start as fresh processes."""
    progress = progress or Progress()
    out = Path(out).resolve()
    if p.monitoring is not None:
        monitoring.load_monitoring(p.monitoring)  # the problems `afspraken validate` lists
    sources = notebook_sources(notebooks_dir)
    declared = declared_parameters(sources)
    outputs.check_out(out, input_files(p, sources, params_file), p.monitoring)
    kernel = progress.run("kernel python3", check_kernel)  # step names: the same in nl and en
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
        slide_template=slide_template(p),
    )
    meta = title_meta(p, info.fictitious)
    layout = PrintLayout(build, info.notebooks, meta, p.lang)
    try:
        kernels = _run_notebooks(build, sources, per_notebook, progress, p, layout, forker)
        try:
            _render(build, p, meta, layout, progress, kernels)
        finally:
            shutdown_kernels(kernels)
        files = input_files(p, sources, params_file)
        outputs.unmark(build)  # complete: from here on its manifest says what it is
        progress.run("manifest.json", write_manifest, build, info, files, kernel)
        write_timings(build, progress.steps, progress.elapsed())
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
    build: Path,
    sources: list[Path],
    per_notebook: dict,
    progress: Progress,
    p: params.Params,
    layout: PrintLayout,
    forker: Forker | None = None,
) -> list:
    """The notebooks, in report order but for one that asks to run first (run_order): the PDF's
    chapters are laid out meanwhile (_lay_out), each once its notebook and those before it have
    run. Returns their kernels, still running: they hold the figure files still to write.

    The frames several notebooks show (goal tracking and the like) are computed once, here, while
    the first kernels boot, and cached in the build directory until the notebooks are done.
    """
    for sub in ("figures", "tables", "notebooks"):
        (build / sub).mkdir()
    preload = threading.Thread(target=_preload, daemon=True)

    def prepare() -> None:  # while the kernels start (run_notebooks says when)
        preload.start()
        computed.write_cache(dataclasses.replace(p, output_dir=build))

    try:
        kernels = progress.run(
            "notebooks",
            run_notebooks,
            run_order(sources),
            build,
            per_notebook,
            progress,
            prepare=prepare,
            first=FIGURES_LATER,
            meanwhile=partial(_lay_out, layout, progress),
            forker=forker,
        )
    finally:
        computed.remove_cache(build)  # not an output: gone before the manifest lists the files
    if preload.ident is not None:  # started by prepare
        preload.join()
    return kernels


def _lay_out(layout: PrintLayout, progress: Progress, finished: queue.Queue) -> None:
    """Lay out the PDF's chapters while the notebooks run, each once its notebook and those before
    it have run (`finished`: notebook names as they finish, then None), until the last finished:
    the rest is laid out beside the other outputs (_render)."""
    ran = set()
    while (name := finished.get()) is not None:
        ran.add(name)
        while layout.next_chapter() in ran and finished.empty():
            with _no_collections():
                progress.run(f"report.pdf {layout.next_chapter()}", layout.lay_out_next)


def _render(
    build: Path, p: params.Params, meta: dict, layout: PrintLayout, progress: Progress, kernels
) -> None:
    """report.pdf and report.html from the executed notebooks, slides.pptx from the tables and
    figures; the PDF here (its chapters not laid out yet, then the rest), the other two meanwhile
    in a second process, and the kernels write the figure files meanwhile (the deck waits for
    them)."""
    bodies = layout.bodies()  # the HTML of both editions, read once
    written = multiprocessing.Event()  # shared with the process forked by _Beside
    beside = [
        ("report.html", render_web, (build, bodies, meta, p.lang)),
        ("figures/", _wait, (written, os.getpid())),
        ("slides.pptx", slides.build_deck, (build, meta, p)),
    ]
    with _Beside(beside, progress):  # forked first: a fork beside running threads is risky
        writers = _Writers(kernels, written)
        with _no_collections():
            progress.run("report.pdf", layout.write, build / "report.pdf")
        writers.join()


def _wait(event, report: int) -> None:
    """In the process beside: wait for the kernels' figure files, or end when the report's
    process (`report`) has gone, as after kill -9: nothing would set `event` then, and there is
    no one to tell."""
    while not event.wait(1.0):
        if os.getppid() != report:
            os._exit(1)


class _Writers:
    """Each kernel writes its figure files (WRITE_FIGURES) in a thread of its own; `written` is
    set when all are done, or failed; join() raises the first failure."""

    def __init__(self, kernels, written):
        self.written, self.failures = written, []
        self.left = len(kernels)
        self.lock = threading.Lock()
        # daemons: a kernel stopped on an interruption never answers, and must not keep the
        # process alive
        self.threads = [
            threading.Thread(target=self.write, args=(km,), daemon=True) for km in kernels
        ]
        for thread in self.threads:
            thread.start()
        if not kernels:
            written.set()

    def write(self, km) -> None:
        try:
            execute(km, WRITE_FIGURES, timeout=WRITE_TIMEOUT)
        except BaseException as exc:  # noqa: BLE001 - raised by join()
            self.failures.append(exc)
        finally:
            shutdown_kernels([km])  # done: stopped here, beside the PDF
            with self.lock:
                self.left -= 1
                if self.left == 0:
                    self.written.set()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()
        if self.failures:
            raise self.failures[0]


@contextmanager
def _no_collections():
    """The cyclic collector paused: WeasyPrint makes and drops about a million objects, and the
    collector's passes over them cost ~0.5 s of the PDF's 6 (measured with gc.callbacks); the
    garbage left for the next pass is ~10 MB for the 25-page report."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Beside:
    """Steps run one after another in a forked process while the main process works on.

    Each step is shown and timed here (progress lines, timings.json) as the child reports it;
    the first failure is raised here once the main work is done; when the main work fails or is
    interrupted (Ctrl-C, SIGTERM) the child is stopped before the build directory is removed.
    Without fork (not Linux) the steps run here afterwards, as before.
    """

    def __init__(self, steps: list[tuple], progress: Progress):
        self.steps = steps
        self.progress = progress
        self.process = None
        self.failure: BaseException | None = None

    def __enter__(self):
        if not sys.platform.startswith("linux"):
            return self
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_run_steps, args=(self.steps, send), daemon=True)
        try:
            with _signals_held():
                self.process.start()
        except BaseException:  # Ctrl-C or SIGTERM during the fork: __exit__ will not run
            if self.process.pid is not None:
                self.process.kill()  # just forked: it may not take SIGTERM yet, and holds nothing
                self.process.join()
            raise
        send.close()
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()
        return self

    def _watch(self) -> None:
        try:
            for name, _, _ in self.steps:
                self.progress.run(name, self._done, name)
        except BaseException as exc:  # noqa: BLE001 - raised in the main thread by __exit__
            self.failure = exc

    def _done(self, name: str) -> None:
        try:
            failure, where = self.receive.recv()
        except EOFError:
            raise RuntimeError(f"the process writing {name} ended without a word") from None
        if failure is not None:
            raise failure from _ChildTraceback(where)

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.process is None:
            if exc_type is None:
                for name, func, args in self.steps:
                    self.progress.run(name, func, *args)
            return
        if exc_type is not None:
            self.process.terminate()
        self.process.join()
        self.watcher.join()
        self.receive.close()
        if exc_type is None and self.failure is not None:
            raise self.failure


# The handlers _signals_held has replaced while it holds the signals; a process forked meanwhile
# gets them back at once (it must stop on the SIGTERM that stops it).
_replaced_handlers: dict = {}


def _restore_handlers() -> None:
    for signum, handler in _replaced_handlers.items():
        signal.signal(signum, handler)
    _replaced_handlers.clear()


os.register_at_fork(after_in_child=_restore_handlers)


@contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM held while the process forks, then raised: a signal that comes during
    the fork is handled at the first Python line after it, which is an at-fork handler
    (logging's), and Python prints an exception raised there and goes on: the run went on to
    the end with a traceback on the screen."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not None:  # None: set outside Python, left alone
            _replaced_handlers[signum] = signal.signal(signum, lambda n, frame: held.append(n))
    try:
        yield
    finally:
        _restore_handlers()
        for signum in held:
            signal.raise_signal(signum)


class _ChildTraceback(Exception):
    """Where a step of the forked process failed (its traceback as text, for the traceback file)."""


def _run_steps(steps: list[tuple], send) -> None:
    """In the forked process: each step in turn, its outcome sent back; stops at a failure."""
    import pickle
    import traceback

    for _name, func, args in steps:
        try:
            func(*args)
        except BaseException as exc:  # noqa: BLE001 - the main process raises it
            where = "".join(traceback.format_exception(exc))
            try:
                pickle.loads(pickle.dumps(exc))
            except Exception:  # noqa: BLE001 - what cannot travel goes as text
                exc = RuntimeError(where.strip().splitlines()[-1])
            send.send((exc, where))
            return
        send.send((None, None))


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
