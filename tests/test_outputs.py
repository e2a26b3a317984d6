"""Outputs never destroy anything: `afspraken report --out` replaces only a previous report of this
tool, refuses everything else before any work, validates the monitoring input first, and a run
killed with `kill -9` leaves nothing the next run does not remove.

The refusals need no build. One module fixture builds a tiny one-notebook report, has a second run
killed in the middle of its notebook, and builds again over the first report.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from afspraken_analysis import cli
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.report import outputs

MALFORMED = Path(__file__).parent / "data" / "malformed"


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` (itself included) with the bytes of each file."""
    found = {".": None if root.is_dir() else root.read_bytes()}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            found[path.relative_to(root).as_posix()] = None if path.is_dir() else path.read_bytes()
    return found


def _report(out: Path, capsys, *extra: str) -> tuple[int, str]:
    code = cli.main(["report", "--quiet", "--year", "2025", *extra, "--out", str(out)])
    return code, capsys.readouterr().err


@pytest.fixture
def users_files(tmp_path) -> Path:
    home = tmp_path / "home"
    (home / "sub").mkdir(parents=True)
    (home / "notes.txt").write_text("mijn aantekeningen\n", encoding="utf-8")
    (home / "sub" / "important.csv").write_bytes(b"a;b\n1;2\n")
    return home


def test_a_foreign_directory_is_refused_and_untouched(users_files, capsys):
    before = _tree(users_files.parent)
    code, err = _report(users_files, capsys)
    assert code == 2
    assert "holds no report of afspraken" in err and "nothing was written or removed" in err
    assert _tree(users_files.parent) == before


def test_a_file_is_refused_and_untouched(users_files, capsys):
    target = users_files / "notes.txt"
    before = _tree(users_files.parent)
    code, err = _report(target, capsys)
    assert code == 2 and "this is a file, not a directory" in err
    assert _tree(users_files.parent) == before


def test_the_monitoring_directory_and_a_parent_of_an_input_are_refused(tmp_path, capsys):
    monitoring = tmp_path / "inputs" / "monitoring"
    shutil.copytree(EXAMPLE_MONITORING_DIR, monitoring)
    before = _tree(tmp_path)
    for out, why in [
        (monitoring, "an input of the report"),
        (tmp_path / "inputs", "an input of the report"),
        (monitoring / "report", "inside the monitoring directory"),
    ]:
        code, err = _report(out, capsys, "--monitoring", str(monitoring))
        assert code == 2 and why in err, err
        assert _tree(tmp_path) == before
    code, err = _report(Path("data"), capsys)
    assert code == 2 and "data/caveats.csv, an input of the report" in err


def test_proc_gives_one_line(capsys):
    code, err = _report(Path("/proc/afspraken/2025"), capsys)
    assert code == 2
    assert err == (
        "fout: --out /proc/afspraken/2025: cannot write in /proc (No such file or directory); "
        "choose a directory you can write to\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_a_read_only_parent_gives_one_line(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    code, err = _report(locked / "2025", capsys)
    assert code == 2 and err.count("\n") == 1
    assert "cannot write in" in err and "Permission denied" in err
    assert list(locked.iterdir()) == []


def test_a_foreign_failed_directory_is_refused(tmp_path, capsys):
    failed = tmp_path / "2025.failed"
    failed.mkdir()
    (failed / "keep.txt").write_text("not a build\n", encoding="utf-8")
    before = _tree(tmp_path)
    code, err = _report(tmp_path / "2025", capsys)
    assert code == 2 and "is not a failed build of afspraken" in err
    assert _tree(tmp_path) == before


def test_bad_monitoring_input_stops_the_report_before_any_notebook(tmp_path, capsys):
    monitoring = tmp_path / "monitoring"
    monitoring.mkdir()
    shutil.copy(MALFORMED / "realisations_unknown_party.csv", monitoring / "realisations.csv")
    shutil.copy(
        MALFORMED / "agreement_status_unknown_status.csv", monitoring / "agreement_status.csv"
    )
    out = tmp_path / "outputs" / "2025"
    out.mkdir(parents=True)
    (out / "report.pdf").write_bytes(b"earlier report")
    before = _tree(tmp_path)
    assert cli.main(["validate", str(monitoring)]) == 1
    problems = capsys.readouterr().out.splitlines()
    start = time.perf_counter()
    code, err = _report(out, capsys, "--monitoring", str(monitoring))
    seconds = time.perf_counter() - start
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == f"fout: {len(problems)} problemen in de monitoringinvoer:"  # one language
    assert lines[1:] == problems
    assert _tree(tmp_path) == before  # no .failed, no build directory, the report as it was
    print(f"refused in {seconds:.1f} s")


# --- with builds -----------------------------------------------------------------------------

NOTEBOOK = """\
# %% tags=["parameters"]
year: int = 2025
output_dir: str = ""

# %%
import os
import time

from afspraken_analysis.report import params

p = params.check(globals())
print(os.getpid())
time.sleep(float(os.environ.get("AFSPRAKEN_TEST_SLEEP", "0")))
"""

BUILD = """\
import sys
from pathlib import Path

from afspraken_analysis.report import Progress, params
from afspraken_analysis.report.build import build_report

build_report(params.validate({"year": 2025}), Path(sys.argv[1]), notebooks_dir=Path(sys.argv[2]),
             progress=Progress(quiet=True))
"""


def _build(out: Path, notebooks: Path, sleep: float = 0) -> subprocess.Popen:
    env = {**os.environ, "AFSPRAKEN_TEST_SLEEP": str(sleep)}
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, str(out), str(notebooks)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kernel_pid(report: Path) -> int:
    nb = nbformat.read(report / "notebooks" / "01_tiny.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return int(printed.split()[0])


def _process_with(argument: str) -> int:
    """The process whose command line holds `argument` (the kernel of a connection file)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if argument in cmdline.read_bytes().decode(errors="replace").split("\0"):
                return int(cmdline.parent.name)
        except OSError:
            continue
    raise AssertionError(f"no process runs with {argument}")


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """A report, a run of it killed with kill -9 in its notebook, and a second report over the
    first (with lookalikes of a build directory the tool did not make)."""
    root = tmp_path_factory.mktemp("runs")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    (notebooks / "01_tiny.py").write_text(NOTEBOOK, encoding="utf-8")
    out = root / "outputs" / "2025"
    first = _build(out, notebooks)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    facts = {"out": out, "first_kernel": _kernel_pid(out)}
    facts["first_inode"] = out.stat().st_ino

    killed = _build(out, notebooks, sleep=120)
    deadline = time.monotonic() + 240
    while not list(out.parent.glob(".2025.build-*/notebooks")) or not list(
        out.parent.glob(".2025.build-*/.kernel-*.json")
    ):
        assert time.monotonic() < deadline and killed.poll() is None
        time.sleep(0.5)
    time.sleep(3)  # the kernel runs its notebook
    (connection,) = out.parent.glob(".2025.build-*/.kernel-*.json")
    facts["killed_kernel"] = _process_with(str(connection))
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    stale = list(out.parent.glob(".2025.build-*"))
    facts["stale"] = {path: _tree(path) for path in stale}

    lookalikes = [
        out.parent / ".2025.build-notes",
        out.parent / f".2025.build-{killed.pid}-mine",  # a dead pid, but no marker
    ]
    for path in lookalikes:
        path.mkdir()
        (path / "notes.txt").write_text("van mij\n", encoding="utf-8")
    facts["lookalikes"] = {path: _tree(path) for path in lookalikes}

    second = _build(out, notebooks)
    assert second.wait(timeout=300) == 0, second.stderr.read()
    facts["second_kernel"] = _kernel_pid(out)
    return facts


@pytest.mark.slow
def test_a_previous_report_is_replaced_as_a_whole(runs):
    out = runs["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # a new build was swapped in (the manifest itself is byte-identical across runs)
    assert out.stat().st_ino != runs["first_inode"]
    assert outputs.foreign_files(out) == []
    assert sorted(manifest["outputs"]) == sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert not list(out.parent.glob(".2025.old-*"))


@pytest.mark.slow
def test_a_killed_run_is_cleaned_up_by_the_next_and_lookalikes_are_kept(runs):
    (stale, tree), *others = runs["stale"].items()
    assert not others
    assert outputs.MARKER in tree and any(name.startswith(".kernel-") for name in tree)
    assert not stale.exists()
    for path, tree in runs["lookalikes"].items():
        assert _tree(path) == tree
    left = sorted(p.name for p in runs["out"].parent.iterdir())
    assert left == sorted(["2025", *(p.name for p in runs["lookalikes"])])


@pytest.mark.slow
def test_kernels_are_stopped_and_their_connection_files_removed(runs):
    for pid in (runs["first_kernel"], runs["second_kernel"]):
        assert not _running(pid)
    # the killed run's kernel notices its parent is gone (ipykernel polls it every second)
    deadline = time.monotonic() + 30
    while _running(runs["killed_kernel"]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _running(runs["killed_kernel"])
    assert not list(runs["out"].rglob(".kernel-*"))


@pytest.mark.slow
def test_a_users_file_in_an_old_report_is_refused(runs, tmp_path, capsys):
    out = tmp_path / "2025"
    shutil.copytree(runs["out"], out)
    (out / "figures" / "mijn-grafiek.png").write_bytes(b"\x89PNG not the tool's")
    before = _tree(tmp_path)
    code, err = _report(out, capsys)
    assert code == 2
    assert "also holds files the report did not write: figures/mijn-grafiek.png" in err
    assert _tree(tmp_path) == before
