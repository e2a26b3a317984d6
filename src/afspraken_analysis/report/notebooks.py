"""Running the notebooks: jupytext sources under papermill on this environment's ``python3``
kernel, two at a time, with a progress display and the failing cell named on an error."""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from afspraken_analysis import yamlfile
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import NOTEBOOKS_DIR, ROOT

from . import kernelfork, params, reproducible

# nbformat (under papermill and jupytext) validates notebooks with jsonschema, whose import builds
# a parser for the "iri" string format from a Lark grammar when rfc3987-syntax is installed
# (jupyterlab's jupyter-events asks for it): ~1.8 s of CPU in the report's process, in the first
# notebook's time. No notebook schema uses that format; without the module jsonschema leaves the
# format unchecked.
sys.modules.setdefault("rfc3987_syntax", None)

KERNEL_NAME = "python3"
TIMINGS = "timings.json"  # a build's step times
WORKERS = 2  # notebooks run in parallel on this many kernels
STOP_TIMEOUT = 10  # seconds the notebook threads get to end once their kernels stop on a failure
# Kernel options: quiet logs, and the library modules every notebook imports, imported while the
# kernel boots (the kernels are started before the notebooks, so this overlaps with other work).
# Only what all notebooks use: a module one notebook needs (plots: matplotlib) would cost every
# other kernel its import. The notebooks still import what they use; a failing import here only
# shows in their own import.
# Then the collector is frozen: what is alive now (the imported modules) lives as long as the
# kernel, and the notebooks' collections need not scan it again (~0.1 s a notebook).
PRELOAD = (
    f"import {', '.join(kernelfork.LIBRARY)}; "
    "import gc as _gc; _gc.collect(); _gc.freeze(); del _gc"
)
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", f"--IPKernelApp.exec_lines={PRELOAD}"]
# Run in a kernel between two notebooks, so that the next one meets what a fresh kernel offers:
# an empty namespace but for the preload, no open figure, execution counts from 1, the project
# root as working directory. The imported modules stay: not importing them again is why a kernel
# runs more than one notebook.
RESET = (
    "import os as _os, sys as _sys\n"
    "if 'matplotlib.pyplot' in _sys.modules:\n"
    "    _sys.modules['matplotlib.pyplot'].close('all')\n"
    f"_os.chdir({str(ROOT)!r})\n"
    "del _os, _sys\n"
    "get_ipython().reset(new_session=True)\n"
    f"{PRELOAD}\n"
)


@dataclass
class Step:
    name: str
    seconds: float


class Progress:
    """A progress display: one line when a step starts and one when it ends, with its time."""

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.steps: list[Step] = []
        self._lock = threading.Lock()
        self._t0 = time.perf_counter()

    def elapsed(self) -> float:
        """Wall-clock seconds since the display started."""
        return time.perf_counter() - self._t0

    def _print(self, text: str) -> None:
        if not self.quiet:
            with self._lock:
                elapsed = self.elapsed()
                print(f"[{elapsed:6.1f} s] {text}", file=self.stream, flush=True)

    def run(self, name: str, func: Callable, *args, **kwargs):
        self._print(f"▸ {name} …")
        start = time.perf_counter()
        result = func(*args, **kwargs)
        seconds = time.perf_counter() - start
        with self._lock:
            self.steps.append(Step(name, round(seconds, 3)))
        self._print(f"✓ {name} ({seconds:.1f} s)")
        return result


def notebook_sources(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (jupytext py:percent), in report order (they run in run_order)."""
    found = sorted(directory.glob("[0-9][0-9]_*.py"))
    if not found:
        raise UserError(f"no notebooks found in {directory} (expected files like 01_afspraken.py)")
    return found


def declared_parameters(paths: list[Path]) -> dict[str, list[str]]:
    """Notebook name → the parameter names its parameters cell declares."""
    return {path.stem: params.parameter_names(path.read_text(encoding="utf-8")) for path in paths}


def check_kernel() -> str:
    """The python the `python3` kernel will run; must be this environment's interpreter."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    # Put this environment's kernelspecs first, ahead of any user-registered python3.
    env_dir = str(Path(sys.prefix) / "share" / "jupyter")
    current = os.environ.get("JUPYTER_PATH", "")
    if env_dir not in current.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [env_dir, current]))
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise UserError(
            "no 'python3' Jupyter kernel; ipykernel must be installed in the project "
            "environment (uv sync)"
        ) from None
    exe = spec.argv[0]
    v = sys.version_info
    if exe in ("python", f"python{v[0]}", f"python{v[0]}.{v[1]}"):
        exe = sys.executable  # jupyter_client starts sys.executable for these
    if Path(exe).resolve() != Path(sys.executable).resolve():
        raise UserError(
            f"the 'python3' kernel runs {exe}, not this environment's {sys.executable}; "
            "remove the user-registered kernel (jupyter kernelspec remove python3) or run "
            "through `uv run afspraken report`"
        )
    return exe


def run_order(sources: list[Path]) -> list[Path]:
    """The notebooks in the order they start: first those whose notebook metadata says
    `afspraken: {run_first: true}` (one much longer than the others: started second on its
    kernel, it would finish last and leave its chapter and those after it to be laid out after
    the notebooks), then the others in report order."""
    first = [source for source in sources if _runs_first(source)]
    return first + [source for source in sources if source not in first]


def _runs_first(source: Path) -> bool:
    """The notebook metadata's `afspraken: {run_first: true}`, read from the jupytext header (its
    `jupyter:` mapping) without jupytext: its import would delay the kernels' start."""
    lines = source.read_text(encoding="utf-8").splitlines()
    if "# ---" not in lines[1:] or lines[0] != "# ---":
        return False
    header = "\n".join(line[2:] for line in lines[1 : lines.index("# ---", 1)])
    try:
        metadata = yamlfile.load(header, str(source))
    except UserError:
        return False  # no flag; jupytext reads the header again when the notebook runs
    for key in ("jupyter", "afspraken", "run_first"):
        metadata = metadata.get(key) if isinstance(metadata, dict) else None
    return metadata is True


def to_notebook(path: Path):
    """A jupytext py:percent file as an nbformat notebook with the python3 kernelspec."""
    import jupytext

    nb = jupytext.read(path, fmt="py:percent")
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


@dataclass
class NotebookFailure(Exception):
    notebook: str
    cell: int | None
    exec_count: int | None
    first_line: str
    ename: str
    evalue: str


def start_kernel(
    attempts: int = 3, runtime_dir: Path | None = None, forker: kernelfork.Forker | None = None
):
    """Start a python3 kernel of this environment ahead of its notebook; returns its manager.

    A launch that fails (jupyter_client's OSError, RuntimeError or TimeoutError) is retried
    before giving up.
    `runtime_dir`: where the connection file goes (the build directory, so that a killed run's
    file is removed with its build directory rather than left in the temporary directory).
    `forker`: a kernelfork.Forker the kernel is forked from where it can be (see there).
    """
    import uuid

    from jupyter_client.manager import KernelManager

    for attempt in range(1, attempts + 1):
        kernel_id = uuid.uuid4().hex  # names its sockets and connection file too
        where = _sockets(kernel_id)
        if runtime_dir is not None:
            where["connection_file"] = str(runtime_dir / f".kernel-{kernel_id}.json")
        km = KernelManager(kernel_name=KERNEL_NAME, kernel_id=kernel_id, **where)
        if forker is not None:
            km.provisioner = kernelfork.provisioner(km, forker)
        try:
            km.start_kernel(cwd=str(ROOT), extra_arguments=KERNEL_ARGUMENTS)
            return km
        except (RuntimeError, OSError, TimeoutError):
            if km.has_kernel:
                km.shutdown_kernel(now=True)
            if attempt == attempts:
                raise


def _sockets(name: str) -> dict:
    """Where a kernel listens: on Linux, sockets in the abstract namespace (@afspraken-NAME-1
    to -5), elsewhere jupyter_client's TCP ports on localhost.

    A TCP port is chosen free, released, and bound by the kernel a moment later; another
    connection can take it meanwhile (it happened in CI), and a kernel that fails to bind does
    not exit: the report waited for its timeout. An abstract socket's name is this kernel's
    alone, and it leaves no file behind."""
    if sys.platform != "linux":
        return {}
    return {"transport": "ipc", "ip": f"@afspraken-{name}"}


def run_notebook(source: Path, output: Path, parameters: dict, km=None) -> None:
    """Execute one notebook with papermill on this environment's python3 kernel.

    `km`: a kernel started ahead (start_kernel) and left running for the caller to reuse or stop
    (shutdown_kernels); without it one is started (start_kernel) and stopped here.
    """
    if km is None:
        km = start_kernel()
        try:
            return run_notebook(source, output, parameters, km)
        finally:
            shutdown_kernels([km])
    import papermill as pm

    try:
        pm.execute_notebook(
            to_notebook(source),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            log_output=False,
            cwd=str(ROOT),
            request_save_on_cell_execute=False,  # write once at the end (or at the failure)
            extra_arguments=KERNEL_ARGUMENTS,
            km=km,
        )
    except pm.PapermillExecutionError as exc:
        lines = (exc.source or "").strip().splitlines()
        first = next(
            (line for line in lines if not line.startswith("#")), lines[0] if lines else ""
        )
        raise NotebookFailure(
            source.stem,
            _source_cell(output, exc.exec_count),
            exc.exec_count,
            first,
            exc.ename,
            exc.evalue,
        ) from None
    # the notebook as its inputs make it: no run times, random ids or build directory
    reproducible.normalise_notebook(
        output, parameters.get("output_dir", ""), params.relative(source)
    )


def shutdown_kernels(kernels) -> None:
    """Stop the kernels still running and remove their connection files."""
    for km in kernels:
        try:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - already stopping elsewhere (a worker's own shutdown)
            pass


def _source_cell(executed: Path, exec_count: int | None) -> int | None:
    """Cell number (1-based, as in the .py file) of the failing cell of an executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return None
    number = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        if cell.cell_type == "code" and cell.get("execution_count") == exec_count:
            return number
    return None


def execute(km, code: str, timeout: float | None = 60) -> None:
    """Run `code` in a running kernel, silently (no output, no execution count); raises when it
    fails, does not finish within `timeout` seconds (None: as long as it takes), or the kernel
    stops first.

    Only the shell channel is used, whose reply waits for a client that connected before the
    kernel listened. IOPub (execute_interactive waits there for the kernel's "idle") loses what
    the kernel publishes before a new client's subscription reaches it: a kernel forked in a
    tenth of a second answered that soon, and the wait lasted until the timeout."""
    what = code.splitlines()[-1]  # the step, in messages
    kc = km.blocking_client()
    kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        while True:
            left = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
            if left <= 0:
                raise TimeoutError(f"{what}: no reply in {timeout} s")
            try:
                reply = kc.get_shell_msg(timeout=left)
            except queue.Empty:
                if not km.is_alive():
                    raise RuntimeError(f"{what}: the kernel stopped") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
    finally:
        kc.stop_channels()
    content = reply["content"]
    if content["status"] != "ok":
        # the kernel's traceback (without its colours) for the traceback file; the last line
        # says what failed
        trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(content.get("traceback", [])))
        summary = f"{what} failed: {content.get('ename')}: {content.get('evalue')}"
        raise RuntimeError(f"{trace}\n{summary}".strip())


def run_notebooks(
    sources,
    build: Path,
    parameters: dict[str, dict],
    progress: Progress,
    prepare=None,
    first: str | None = None,
    meanwhile=None,
    forker: kernelfork.Forker | None = None,
) -> list:
    """Run the notebooks in the order given on WORKERS kernels; a kernel that finishes one takes
    the next not yet started (reset in between, see RESET). The first failure stops the rest.

    `prepare`: a function run while the kernels boot (forked: while the zygote imports), before
    any notebook starts (e.g. the frames the notebooks share, computed once). `first`: code each
    kernel runs before its first notebook. `meanwhile`: a function run in this thread while the
    notebooks run, given a queue of the names of the notebooks as they finish, None once no
    kernel runs one any more; it should return then. `forker`: a kernelfork.Forker the kernels
    are forked from (start_kernel). Returns the kernels, still running, once every notebook ran
    (the caller stops them: shutdown_kernels); on a failure they are stopped here.
    """
    (build / "notebooks").mkdir(parents=True, exist_ok=True)
    run = _Run(list(sources), build / "notebooks", parameters, progress, first)
    threads: list[threading.Thread] = []
    try:
        # a kernel launched as a process starts at once (prepare runs while it boots, and holds
        # the launch back if run first); a fork waits for the zygote's imports, which take longer
        # than this process's own (prepare runs meanwhile)
        if prepare is not None and forker is not None:
            prepare()
        for _ in range(min(WORKERS, len(sources))):
            run.kernels.append(start_kernel(runtime_dir=build, forker=forker))
        if prepare is not None and forker is None:
            prepare()
        # daemons: a notebook whose kernel was stopped under it (on a failure elsewhere) can wait
        # for its next message for ever (a blocking client), and must not keep the process alive
        threads = [threading.Thread(target=run.work, args=(km,), daemon=True) for km in run.kernels]
        run.working = len(threads)
        if not threads:
            run.finished.put(None)  # no notebook to wait for
        for thread in threads:
            thread.start()
        if meanwhile is not None:
            meanwhile(run.finished)
        for thread in threads:
            thread.join()
        if run.errors:
            raise run.errors[0]
    except BaseException:  # a failure, or Ctrl-C or SIGTERM: stop the running notebooks too
        run.failed.set()
        shutdown_kernels(run.kernels)
        # a notebook whose kernel stopped is still written (with the error) by its thread: let it
        # finish before the caller removes the build directory (a thread that waits for its
        # stopped kernel for ever writes nothing)
        deadline = time.monotonic() + STOP_TIMEOUT
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        raise
    return run.kernels


class _Run:
    """One run of run_notebooks: the notebooks still waiting, the kernels, the failures."""

    def __init__(self, waiting, out_dir, parameters, progress, first):
        self.waiting, self.out_dir, self.parameters = waiting, out_dir, parameters
        self.progress, self.first = progress, first
        self.lock = threading.Lock()
        self.failed = threading.Event()
        self.errors: list[BaseException] = []  # in the order they happened
        self.kernels: list = []  # every kernel of this run, to stop them all on any way out
        self.finished: queue.Queue = queue.Queue()  # notebook names as they finish; then None
        self.working = 0  # kernels still taking notebooks

    def next_source(self) -> Path | None:
        with self.lock:
            return self.waiting.pop(0) if self.waiting and not self.failed.is_set() else None

    def work(self, km) -> None:
        """One kernel's notebooks, one after the other."""
        try:
            self._notebooks(km)
        finally:
            with self.lock:
                self.working -= 1
                if self.working == 0:
                    self.finished.put(None)

    def _notebooks(self, km) -> None:
        fresh = True
        while (source := self.next_source()) is not None:
            try:
                prelude = self.first if fresh else RESET
                if prelude is not None:
                    execute(km, prelude)
                fresh = False
                self.progress.run(
                    f"notebook {source.stem}",
                    run_notebook,
                    source,
                    self.out_dir / f"{source.stem}.ipynb",
                    self.parameters[source.stem],
                    km,
                )
                self.finished.put(source.stem)
            except BaseException as exc:  # noqa: BLE001 - raised by run_notebooks
                with self.lock:
                    self.errors.append(exc)
                self.failed.set()  # the other kernel finishes its notebook and takes no next one
                return
