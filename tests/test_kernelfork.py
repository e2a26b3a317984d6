"""The report's kernels forked from one zygote (report/kernelfork.py): they are kernels as
jupyter_client starts them (working directory, environment, session, interrupt, shutdown), they
give a notebook the same output as a fresh kernel, and without a zygote kernels start as before."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from afspraken_analysis.paths import ROOT
from afspraken_analysis.report import kernelfork, notebooks
from afspraken_analysis.report.notebooks import execute, shutdown_kernels, start_kernel

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="kernels are forked on Linux only"
)

FACTS = (
    "import json as _j, os as _o, sys as _s; "
    "open({path!r}, 'w').write(_j.dumps({{'ppid': _o.getppid(), 'pid': _o.getpid(), "
    "'sid': _o.getsid(0), 'cwd': _o.getcwd(), 'parent': _o.environ.get('JPY_PARENT_PID'), "
    "'marker': _o.environ.get('AFSPRAKEN_TEST_MARKER'), "
    "'plots': 'afspraken_analysis.report.plots' in _s.modules}}))"
)


@pytest.fixture
def forker(monkeypatch):
    notebooks.check_kernel()  # this environment's kernelspec first, as the report does
    forker = kernelfork.early()
    if forker is None:
        pytest.skip("kernels cannot be forked here")
    yield forker
    forker.close()


def _facts(km, tmp_path: Path) -> dict:
    path = tmp_path / f"facts-{time.monotonic_ns()}.json"
    execute(km, FACTS.format(path=str(path)))
    return json.loads(path.read_text())


def _gone(pid: int, seconds: float = 10, reaped: bool = True) -> bool:
    """Whether process `pid` ends within `seconds`; `reaped`: and is reaped by its parent (not
    left a zombie)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if status == "Z" and not reaped:
            return True
        time.sleep(0.05)
    return False


def test_a_forked_kernel_is_a_kernel_as_jupyter_client_starts_it(forker, tmp_path, monkeypatch):
    monkeypatch.setenv("AFSPRAKEN_TEST_MARKER", "from the report's environment")
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    try:
        facts = _facts(km, tmp_path)
        assert isinstance(km.provisioner.process, kernelfork.ForkedKernel)
        assert facts["ppid"] == forker.process.pid  # forked from the zygote
        assert facts["plots"]  # which imported the library before the fork
        assert facts["pid"] == km.provisioner.pid == facts["sid"]  # a session of its own
        assert facts["cwd"] == str(ROOT)  # start_kernel's working directory
        assert facts["marker"] == "from the report's environment"  # the environment given
        assert facts["parent"] == str(forker.process.pid)  # it watches the zygote
        assert km.is_alive()
    finally:
        shutdown_kernels([km])
    assert not km.has_kernel
    assert _gone(facts["pid"])  # ended and reaped: no zombie left


def test_a_forked_kernel_is_interrupted_as_a_kernel(forker, tmp_path):
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        msg_id = kc.execute("import time; time.sleep(60)")
        time.sleep(1)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert km.is_alive()  # interrupted, not stopped
    finally:
        kc.stop_channels()
        shutdown_kernels([km])


def test_a_notebook_gives_the_same_output_on_a_forked_and_a_fresh_kernel(forker, tmp_path):
    source = notebooks.notebook_sources()[1]  # 01_afspraken: every kind of output but charts
    out = {}
    for kind, fork in (("forked", forker), ("fresh", None)):
        km = start_kernel(runtime_dir=tmp_path, forker=fork)
        try:
            assert isinstance(km.provisioner.process, kernelfork.ForkedKernel) == (kind == "forked")
            out[kind] = tmp_path / kind / f"{source.stem}.ipynb"
            out[kind].parent.mkdir()
            notebooks.run_notebook(source, out[kind], {"year": 2025}, km)
        finally:
            shutdown_kernels([km])
    assert out["forked"].read_bytes() == out["fresh"].read_bytes()


def test_kernels_start_as_before_when_the_zygote_is_gone(forker, tmp_path):
    forker.process.kill()
    forker.process.wait()
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    try:
        assert isinstance(km.provisioner.process, subprocess.Popen)  # launched as usual
        assert _facts(km, tmp_path)["ppid"] == os.getpid()
    finally:
        shutdown_kernels([km])
    assert not forker.forks([sys.executable, "-m", kernelfork.LAUNCHER])  # closed: asks no more


def test_kernels_start_as_before_when_the_zygote_cannot_import(tmp_path, monkeypatch):
    notebooks.check_kernel()
    broken = tmp_path / "broken" / "ipykernel"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('broken for the test')\n")
    monkeypatch.setenv("PYTHONPATH", str(broken.parent))  # the zygote's imports only
    forker = kernelfork.early()
    monkeypatch.delenv("PYTHONPATH")
    try:
        km = start_kernel(runtime_dir=tmp_path, forker=forker)
        try:
            assert isinstance(km.provisioner.process, subprocess.Popen)  # launched as usual
            execute(km, "import ipykernel")
        finally:
            shutdown_kernels([km])
        assert forker.process.poll() is not None  # the zygote closed
    finally:
        forker.close()


def test_a_kernel_stops_when_its_zygote_goes(forker, tmp_path):
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    pid = _facts(km, tmp_path)["pid"]
    try:
        forker.close()  # as when the report's process is killed: the zygote goes
        # ipykernel's parent poller looks once a second; reaping is then up to the system
        assert _gone(pid, seconds=15, reaped=False)
    finally:
        shutdown_kernels([km])


def test_the_report_command_closes_its_zygote_on_a_bad_input(tmp_path):
    """`afspraken report` starts the zygote before its imports; an input error stops the run
    with exit 2 and leaves no zygote behind."""
    before = _zygotes()
    done = subprocess.run(
        [sys.executable, "-m", "afspraken_analysis.cli", "report", "--year", "1999"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert "1999" in done.stderr
    assert _zygotes() <= before


def _zygotes() -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"afspraken_analysis.report.kernelfork" in command:
                found.add(int(entry.name))
    return found


def test_a_forked_kernel_signalled_after_its_end_raises_nothing(forker, tmp_path):
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    process = km.provisioner.process
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == 0  # its status is the zygote's to know
    process.send_signal(signal.SIGTERM)  # ended: nothing sent, to it or to a later process
    shutdown_kernels([km])
