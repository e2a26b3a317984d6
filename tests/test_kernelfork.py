"""The report's kernels forked from one zygote (report/kernelfork.py): they are kernels as
jupyter_client starts them (working directory, environment, session, interrupt, shutdown), they
give notebooks the same output as fresh kernels, they end with the report's process, and
without a zygote kernels start as before."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from afspraken_analysis import cli
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
    "'plots': 'afspraken_analysis.report.plots' in _s.modules, "
    "'fds': sorted(_o.readlink(f) for f in (f'/proc/self/fd/{{n}}' for n in _o.listdir("
    "'/proc/self/fd')) if _o.path.exists(f))}}))"
)


@pytest.fixture
def forker():
    notebooks.check_kernel()  # this environment's kernelspec first, as the report does
    forker = kernelfork.start_forker()
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
        assert "anon_inode:[pidfd]" not in facts["fds"]  # none of the zygote's own files
        assert km.is_alive()
    finally:
        shutdown_kernels([km])
    assert not km.has_kernel
    assert _gone(facts["pid"])  # ended and reaped: no zombie left


def test_a_forked_kernel_is_interrupted_as_a_kernel(forker, tmp_path):
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    assert isinstance(km.provisioner.process, kernelfork.ForkedKernel)
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


def test_notebooks_give_the_same_output_on_forked_and_fresh_kernels(forker, tmp_path):
    """01 (tables) and then, after the reset between notebooks, 03 (charts) on one kernel."""
    sources = [s for s in notebooks.notebook_sources() if s.stem[:2] in ("01", "03")]
    out = {}
    for kind, fork in (("forked", forker), ("fresh", None)):
        km = start_kernel(runtime_dir=tmp_path, forker=fork)
        try:
            assert isinstance(km.provisioner.process, kernelfork.ForkedKernel) == (kind == "forked")
            (tmp_path / kind).mkdir()
            for i, source in enumerate(sources):
                if i:
                    execute(km, notebooks.RESET)
                parameters = {"year": 2025} if source.stem.startswith("01") else {}
                path = tmp_path / kind / f"{source.stem}.ipynb"
                notebooks.run_notebook(source, path, parameters, km)
                out[kind, source.stem] = path.read_bytes()
        finally:
            shutdown_kernels([km])
    for source in sources:
        forked, fresh = out["forked", source.stem], out["fresh", source.stem]
        assert forked == fresh, source.stem
    assert b"image/png" in out["forked", sources[1].stem]  # a chart was drawn


def test_the_zygote_imports_no_pyplot_nor_the_inline_backend():
    """Either hooks into an IPython shell when imported; the zygote has none, so its kernels
    would not show figures as a fresh kernel does."""
    code = (
        "import importlib, sys; from afspraken_analysis.report import kernelfork as k; "
        "[importlib.import_module(m) for m in k.IMPORTS]; "
        "print(sorted({'matplotlib.pyplot', 'matplotlib_inline.backend_inline'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "fresh"])
def test_a_kernel_listens_on_unix_sockets_of_its_own_not_on_tcp_ports(forked, forker, tmp_path):
    # a TCP port is chosen free and bound by the kernel a moment later; another connection can
    # take it meanwhile (CI: "Address already in use", the kernel hung until a 60 s timeout)
    km = start_kernel(runtime_dir=tmp_path, forker=forker if forked else None)
    try:
        fds = _facts(km, tmp_path)["fds"]
        own = {fd[len("socket:[") : -1] for fd in fds if fd.startswith("socket:[")}
        info = json.loads(Path(km.connection_file).read_text())
        assert info["transport"] == "ipc" and info["ip"].startswith("@afspraken-")
        unix = [line.split() for line in Path("/proc/net/unix").read_text().splitlines()[1:]]
        for port in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"):
            name = f"{info['ip']}-{info[port]}"
            assert {row[6] for row in unix if row[-1] == name} & own  # bound by this kernel
        assert not list(tmp_path.glob("*ipc*")) and not list(ROOT.glob("@*"))  # no files
    finally:
        shutdown_kernels([km])


def test_kernels_start_as_before_when_the_zygote_is_gone(forker, tmp_path):
    forker.process.kill()
    forker.process.wait()
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    try:
        assert isinstance(km.provisioner.process, subprocess.Popen)  # launched as usual
        assert _facts(km, tmp_path)["ppid"] == os.getpid()
    finally:
        shutdown_kernels([km])


def test_kernels_start_as_before_when_the_zygote_cannot_import(tmp_path, monkeypatch):
    notebooks.check_kernel()
    broken = tmp_path / "broken" / "ipykernel"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('broken for the test')\n")
    monkeypatch.setenv("PYTHONPATH", str(broken.parent))  # the zygote's imports only
    forker = kernelfork.start_forker()
    monkeypatch.delenv("PYTHONPATH")
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    try:
        km = start_kernel(runtime_dir=runtime, forker=forker)
        try:
            assert isinstance(km.provisioner.process, subprocess.Popen)  # launched as usual
            assert len(list(runtime.glob(".kernel-*.json"))) == 1  # at the first attempt
            execute(km, "import ipykernel")
        finally:
            shutdown_kernels([km])
        assert not forker.forks([sys.executable, "-m", kernelfork.LAUNCHER])  # asks no more
    finally:
        forker.close()


def test_a_kernel_stops_when_its_zygote_goes(forker, tmp_path):
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    pid = _facts(km, tmp_path)["pid"]
    try:
        forker.close()
        # ipykernel's parent poller looks once a second; reaping is then up to the system
        assert _gone(pid, seconds=15, reaped=False)
    finally:
        shutdown_kernels([km])


KILLED_REPORT = textwrap.dedent(
    """
    import os, sys, time
    from afspraken_analysis.report import kernelfork, notebooks
    notebooks.check_kernel()
    forker = kernelfork.start_forker()
    km = notebooks.start_kernel(runtime_dir=__import__("pathlib").Path(sys.argv[1]), forker=forker)
    notebooks.execute(km, "1")
    if os.fork() == 0:  # a process of the report's that holds the zygote's socket (as _Beside)
        time.sleep(60)
        os._exit(0)
    print(forker.process.pid, km.provisioner.pid, flush=True)
    time.sleep(60)
    """
)


def test_the_zygote_and_its_kernels_end_with_the_reports_process(tmp_path):
    """kill -9 of the report, while another of its processes still holds the zygote's socket:
    the zygote watches the report's process itself, and the kernels watch the zygote."""
    report = subprocess.Popen(
        [sys.executable, "-c", KILLED_REPORT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        zygote, kernel = map(int, report.stdout.readline().split())
        os.kill(report.pid, signal.SIGKILL)
        report.wait()
        assert _gone(zygote, seconds=5, reaped=False)
        assert _gone(kernel, seconds=15, reaped=False)
    finally:
        os.killpg(report.pid, signal.SIGKILL)  # the holder of the socket


def test_the_report_command_closes_its_forker_on_a_bad_input(monkeypatch, capsys):
    started = []

    def start_forker():
        started.append(kernelfork.Forker(sys.executable).start())
        return started[-1]

    monkeypatch.setattr(kernelfork, "start_forker", start_forker)
    assert cli.main(["report", "--year", "1999"]) == 2
    assert "1999" in capsys.readouterr().err
    (forker,) = started  # started before the command's imports, and closed
    assert forker.process.poll() is not None
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    assert len(started) == 1  # no forker for --help


def test_a_forked_kernel_signalled_after_its_end_raises_nothing(forker, tmp_path):
    km = start_kernel(runtime_dir=tmp_path, forker=forker)
    process = km.provisioner.process
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == 0  # its status is the zygote's to know
    process.send_signal(signal.SIGTERM)  # ended: nothing sent, to it or to a later process
    shutdown_kernels([km])


def test_execute_answers_a_kernel_just_started_and_stops_when_it_dies(forker, tmp_path):
    """notebooks.execute waits for the reply on the shell channel, which a kernel answering in a
    tenth of a second (forked) cannot outrun; a kernel that stops ends the wait at once."""
    for _ in range(3):
        km = start_kernel(runtime_dir=tmp_path, forker=forker)
        try:
            assert isinstance(km.provisioner.process, kernelfork.ForkedKernel)
            assert not os.get_inheritable(km.provisioner.process._pidfd)  # not to other programs
            start = time.monotonic()
            for _ in range(5):  # a new client each time, as the resets between notebooks
                execute(km, "pass")
            assert time.monotonic() - start < 30
            with pytest.raises(RuntimeError, match="ZeroDivisionError") as failed:
                execute(km, "1 / 0")
            assert "1 / 0" in str(failed.value)  # the kernel's traceback, for the traceback file
            assert "\x1b[" not in str(failed.value)
            assert str(failed.value).splitlines()[-1] == (
                "1 / 0 failed: ZeroDivisionError: division by zero"
            )
            os.kill(km.provisioner.pid, signal.SIGKILL)
            start = time.monotonic()
            with pytest.raises(RuntimeError, match="the kernel stopped"):
                execute(km, "import time; time.sleep(30)", timeout=60)
            assert time.monotonic() - start < 10
        finally:
            shutdown_kernels([km])


def _refused(pid):
    raise PermissionError(1, "Operation not permitted")


def test_a_zygote_refused_pidfds_says_so_and_ends(monkeypatch):
    """Where pidfds are refused (an old container's seccomp) the zygote tells the report, whose
    kernels then start as before, and ends without a traceback."""

    monkeypatch.setattr(os, "pidfd_open", _refused)
    here, there = socket.socketpair()
    with here:
        kernelfork._zygote(there.detach(), os.getpid())
        assert here.recv(1024) == b"no pidfd: [Errno 1] Operation not permitted\n"
        assert here.recv(1024) == b""  # ended: its end of the socket closed


def test_a_zygote_whose_report_is_gone_ends_quietly(monkeypatch, capsys):
    """Killed before the zygote could watch it, or while it imported, or as it answered: the
    zygote ends without a word on the terminal (its stderr is the report's)."""
    here, there = socket.socketpair()
    here.close()  # the report is gone
    kernelfork._zygote(there.detach(), 4_000_000)  # a pid no process has
    here, there = socket.socketpair()
    here.close()
    monkeypatch.setattr(os, "pidfd_open", _refused)
    kernelfork._zygote(there.detach(), os.getpid())  # refused pidfds, and no one to tell
    assert capsys.readouterr() == ("", "")
