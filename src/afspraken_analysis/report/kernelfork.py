"""The report's kernels forked from one process that imported the library once.

A python3 kernel boots a fresh interpreter and imports ipykernel, pandas, pandera, matplotlib
and this library: ~1.5 s of CPU a kernel, on a machine of two cores where the report is
CPU-bound. `afspraken report` starts one process here (the zygote) before its own imports
(cli.py), which makes those imports beside them, once; each kernel the report then starts is
forked from it (`provisioner`): it runs what `python -m ipykernel_launcher ARGS` runs, with the
environment and working directory jupyter_client chose for it, in a session of its own (as
jupyter_client starts kernels), sharing the imported modules. Linux only (pidfd); anywhere
else, or when the zygote cannot start or answer, or the kernel's command is not this
interpreter's ipykernel_launcher, kernels start as before.

The zygote ends with `Forker.close` or when the report's process ends (it watches it); its
kernels watch it (JPY_PARENT_PID) and stop when it goes.

Only the standard library (and paths) is imported here: the report's command imports this
module before anything else.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from contextlib import suppress
from functools import cache

from afspraken_analysis.paths import ROOT

LAUNCHER = "ipykernel_launcher"
READY_TIMEOUT = 60  # seconds the zygote may take to import and fork before kernels start as before
# The library modules every notebook imports (notebooks.PRELOAD imports them in a kernel launched
# as a process).
LIBRARY = (
    "afspraken_analysis.report.blocks",
    "afspraken_analysis.report.computed",
    "afspraken_analysis.report.content",
    "afspraken_analysis.report.params",
)
# What the zygote imports: the kernel (but ipykernel.kernelapp, 7 ms: its options' defaults are
# read from the environment when it is imported, and the environment is the kernel's own only
# after the fork), the library and the charts (every report kernel draws some). Never pyplot or
# the inline backend: they hook into the IPython shell when imported, and the zygote has none.
IMPORTS = ("ipykernel.ipkernel", *LIBRARY, "afspraken_analysis.report.plots")
# matplotlib reads MPLBACKEND when imported: the zygote sets the backend ipykernel sets in a
# kernel before a notebook imports it (a user's own MPLBACKEND is kept).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class ForkError(Exception):
    """The zygote cannot fork a kernel (it failed, ended, or did not answer in time)."""


def start_forker() -> Forker | None:
    """The zygote of `afspraken report`, started before the command imports its own modules
    (cli.py); None where kernels cannot be forked."""
    if not (sys.platform == "linux" and hasattr(os, "fork") and hasattr(os, "pidfd_open")):
        return None
    try:
        return Forker(sys.executable).start()
    except OSError:
        return None


class Forker:
    """One zygote: `fork` makes a kernel of it."""

    def __init__(self, python: str):
        """`python`: the interpreter the kernels run (their command line before `-m`)."""
        self.python = python
        self.process: subprocess.Popen | None = None
        self._socket: socket.socket | None = None

    def start(self) -> Forker:
        """Start the zygote; returns at once (it imports while the caller goes on)."""
        here, there = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [self.python, "-m", __name__, str(there.fileno()), str(os.getpid())],
                stdin=subprocess.DEVNULL,
                pass_fds=(there.fileno(),),
                cwd=ROOT,  # as the kernels: no other directory's modules on its import path
                start_new_session=True,  # as a kernel: the terminal's Ctrl-C goes to the report
            )
        except OSError:
            here.close()
            raise
        finally:
            there.close()
        self._socket = here
        return self

    def forks(self, cmd: list[str]) -> bool:
        """Whether a kernel of command line `cmd` is forked here: this interpreter's
        `-m ipykernel_launcher`, and a zygote still running."""
        running = self._socket is not None and self.process.poll() is None
        return running and cmd[:3] == [self.python, "-m", LAUNCHER]

    def fork(self, cmd: list[str], env: dict[str, str], cwd: str) -> ForkedKernel:
        """A kernel forked from the zygote, as if `cmd` (see `forks`) ran in `cwd` with `env`.
        Raises ForkError when the zygote cannot do it within READY_TIMEOUT (then it is closed)."""
        try:
            request = {"args": cmd[3:], "env": env, "cwd": cwd}
            self._socket.sendall(json.dumps(request).encode() + b"\n")
            if not select.select([self._socket], [], [], READY_TIMEOUT)[0]:
                raise OSError("the zygote did not answer in time")
            reply, fds, _, _ = socket.recv_fds(self._socket, 1024, 1)
        except (OSError, ValueError) as exc:
            self.close()
            raise ForkError(str(exc)) from None
        answer = reply.decode("utf-8", "replace").strip()
        if not (answer.isdigit() and len(fds) == 1):
            for fd in fds:
                os.close(fd)
            self.close()
            raise ForkError(answer or "the zygote ended")
        os.set_inheritable(fds[0], False)  # received without close-on-exec
        return ForkedKernel(int(answer), fds[0])

    def close(self) -> None:
        """End the zygote; a kernel of it still running stops when it sees it gone."""
        if self._socket is not None:
            self._socket.close()
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()  # it holds nothing: no file, no state of the report
            self.process.wait()


class ForkedKernel:
    """A forked kernel as jupyter_client sees a kernel's Popen. It is the zygote's child, not
    this process's: it is watched and signalled through the pidfd the zygote opened before it
    could be reaped (never another process that gets its pid later); its exit status is not
    known here (0)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int):
        self.pid, self._pidfd = pid, pidfd
        self.returncode: int | None = None
        self._lock = threading.Lock()  # a notebook's thread polls while another stops it

    def poll(self) -> int | None:
        return self._wait(0)

    def wait(self, timeout: float | None = None) -> int:
        code = self._wait(None if timeout is None else int(timeout * 1000))
        if code is None:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return code

    def _wait(self, milliseconds: int | None) -> int | None:
        if self.returncode is None:
            watch = select.poll()
            watch.register(self._pidfd, select.POLLIN)
            if watch.poll(milliseconds):
                self.returncode = 0
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with self._lock:
            if self.poll() is None:
                with suppress(ProcessLookupError):  # ended meanwhile
                    signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def __del__(self):
        os.close(self._pidfd)


def provisioner(km, forker: Forker):
    """A provisioner for kernel manager `km` (set as its `provisioner` before its start) that
    forks the kernel from `forker` when it can, and launches it as usual otherwise."""
    return _provisioner_class()(
        kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km, forker=forker
    )


@cache
def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, but the kernel forked when `forker` can."""

        def __init__(self, forker: Forker, **kwargs):
            super().__init__(**kwargs)
            self.forker = forker

        async def launch_kernel(self, cmd: list[str], **kwargs):
            # a kernelspec's own environment may be meant for the interpreter's start-up
            if self.forker.forks(cmd) and not self.kernel_spec.env:
                cwd = str(kwargs.get("cwd") or os.getcwd())
                try:
                    self.process = self.forker.fork(cmd, kwargs["env"], cwd)
                except ForkError:
                    pass  # launched as usual
                else:
                    self.pid = self.pgid = self.process.pid  # a session of its own
                    self.cwd = cwd
                    return self.connection_info
            return await super().launch_kernel(cmd, **kwargs)

        async def send_signal(self, signum: int) -> None:
            # the zygote reaps an ended kernel at once: its group id may be another's by now
            process = self.process  # read once: another thread may be stopping the kernel
            if isinstance(process, ForkedKernel) and process.poll() is not None:
                return
            await super().send_signal(signum)

    return ForkProvisioner


# --- the zygote ---------------------------------------------------------------------------------


def _zygote(fd: int, report_pid: int) -> None:
    """Import, then fork a kernel for each request line, until the report's process ends or
    closes its socket. What goes wrong is said to the report (whose kernels then start as
    before), never on the terminal: a report that is gone needs no word."""
    import gc
    import importlib

    channel = socket.socket(fileno=fd)
    try:
        report = os.pidfd_open(report_pid)
    except ProcessLookupError:
        return  # the report ended already
    except OSError as exc:  # pidfds refused (an old container's seccomp)
        _say(channel, f"no pidfd: {exc}")
        return
    if os.getppid() != report_pid:
        return  # the report ended before it could be watched
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    try:
        for name in IMPORTS:
            importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - said to the report
        _say(channel, f"import failed: {type(exc).__name__}: {exc}")
        return
    gc.collect()
    gc.freeze()  # shared by the forks: their collections need not scan it, nor copy its pages
    # Ended kernels are reaped at once (their CPU time then counts as the zygote's children's,
    # and so as the report's, as a kernel's does when it is the report's own child), but only
    # once their pidfd is open: the report must never watch a pid that is another's by then.
    kernels: set[int] = set()
    signal.signal(signal.SIGCHLD, lambda signum, frame: _reap(kernels))
    for request in _requests(channel, report):
        try:
            pid, pidfd = _fork(request, channel, report)
        except OSError as exc:
            _say(channel, f"fork failed: {exc}")
            continue
        kernels.add(pid)
        _reap(kernels)  # in case it ended before it was in the set
        try:
            socket.send_fds(channel, [f"{pid}\n".encode()], [pidfd])
        except OSError:
            return  # the report is gone
        finally:
            os.close(pidfd)


def _say(channel: socket.socket, problem: str) -> None:
    with suppress(OSError):  # the report is gone
        channel.sendall(f"{problem}\n".encode())


def _requests(channel: socket.socket, report: int):
    """The report's requests, one a line, until it closes the socket or its process ends (also
    when a process it forked holds the socket open: the kernels must not outlive it)."""
    pending = b""
    while True:
        while b"\n" not in pending:
            if report in select.select([channel, report], [], [])[0]:
                return
            try:
                chunk = channel.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
        line, pending = pending.split(b"\n", 1)
        yield json.loads(line)


def _fork(request: dict, channel: socket.socket, report: int) -> tuple[int, int]:
    """Fork a kernel; returns its pid and a pidfd (it is not reaped before: see _zygote)."""
    import warnings

    sys.stdout.flush()
    sys.stderr.flush()
    # Python 3.12 warns of a fork beside other threads; the only others are OpenBLAS's idle
    # workers (numpy), which OpenBLAS stops before a fork and starts again after it. Both
    # processes leave this block: the kernel's filters are a fresh interpreter's.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*multi-threaded.*fork", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        _kernel(request, channel, report)  # never returns
    try:
        return pid, os.pidfd_open(pid)
    except OSError:
        os.kill(pid, signal.SIGKILL)  # a kernel the report cannot watch must not run
        raise


def _reap(kernels: set[int]) -> None:
    """Reap the kernels of `kernels` that have ended."""
    for pid in tuple(kernels):
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                kernels.discard(pid)
        except ChildProcessError:
            kernels.discard(pid)


def _kernel(request: dict, channel: socket.socket, report: int) -> None:
    """In the fork: become `python -m ipykernel_launcher ARGS`, then exit as it would."""
    code = 1
    try:
        import importlib.util

        channel.close()
        os.close(report)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # stop when the zygote goes
        sys.argv = [importlib.util.find_spec(LAUNCHER).origin, *request["args"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - on stderr, as a kernel's failure to start
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()  # what the kernel's interpreter runs when it exits
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


if __name__ == "__main__":
    # as ipykernel_launcher: the working directory is no import path while importing
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]
    with suppress(OSError):  # said to the report, or the report is gone
        _zygote(int(sys.argv[1]), int(sys.argv[2]))
