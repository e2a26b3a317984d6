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

The zygote ends with `Forker.close` (or when the report's process ends: its command pipe
closes). Its kernels watch it (JPY_PARENT_PID) and stop when it goes.

Only the standard library is imported here: the report's command imports this module first.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from functools import cache

LAUNCHER = "ipykernel_launcher"
READY_TIMEOUT = 60  # seconds the zygote may take to import and fork before kernels start as before
# What the kernels import (notebooks.PRELOAD and the charts the report's kernels all draw), once.
# Not ipykernel.kernelapp (7 ms): its options' defaults are read from the environment when it is
# imported (JPY_PARENT_PID), which is the kernel's own only in the fork. matplotlib reads
# MPLBACKEND when imported: the zygote sets the backend ipykernel sets in a kernel before the
# notebook imports it (a user's own MPLBACKEND is kept).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
IMPORTS = (
    "ipykernel.ipkernel",
    "afspraken_analysis.report.blocks",
    "afspraken_analysis.report.computed",
    "afspraken_analysis.report.content",
    "afspraken_analysis.report.params",
    "afspraken_analysis.report.plots",
)


class ForkError(Exception):
    """The zygote cannot fork a kernel (it failed, ended, or did not answer in time)."""


def early() -> Forker | None:
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
        self._commands = self._replies = None

    def start(self) -> Forker:
        """Start the zygote; returns at once (it imports while the caller goes on)."""
        commands_read, commands_write = os.pipe()
        replies_read, replies_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [self.python, "-m", __name__, str(commands_read), str(replies_write)],
                stdin=subprocess.DEVNULL,
                pass_fds=(commands_read, replies_write),
                start_new_session=True,  # as a kernel: the terminal's Ctrl-C goes to the report
            )
        except OSError:
            for fd in (commands_read, commands_write, replies_read, replies_write):
                os.close(fd)
            raise
        os.close(commands_read)
        os.close(replies_write)
        self._commands = os.fdopen(commands_write, "w", encoding="utf-8")
        self._replies = os.fdopen(replies_read, "rb", buffering=0)
        return self

    def forks(self, cmd: list[str]) -> bool:
        """Whether a kernel of command line `cmd` is forked here: this interpreter's
        `-m ipykernel_launcher`, and a zygote still running."""
        running = self._commands is not None and not self._commands.closed
        return running and cmd[:3] == [self.python, "-m", LAUNCHER]

    def fork(self, cmd: list[str], env: dict[str, str], cwd: str) -> ForkedKernel:
        """A kernel forked from the zygote, as if `cmd` (see `forks`) ran in `cwd` with `env`.
        Raises ForkError when the zygote cannot do it within READY_TIMEOUT; then it is closed."""
        try:
            self._commands.write(json.dumps({"args": cmd[3:], "env": env, "cwd": cwd}) + "\n")
            self._commands.flush()
            reply = self._read_line(time.monotonic() + READY_TIMEOUT)
        except (OSError, ValueError) as exc:
            self.close()
            raise ForkError(str(exc)) from None
        if not reply.isdigit():
            self.close()
            raise ForkError(reply or "the zygote ended")
        return ForkedKernel(int(reply))

    def _read_line(self, deadline: float) -> str:
        line = b""
        while not line.endswith(b"\n"):
            if not select.select([self._replies], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise OSError("the zygote did not answer in time")
            chunk = self._replies.read(256)
            if not chunk:
                break
            line += chunk
        return line.decode("utf-8", "replace").strip()

    def close(self) -> None:
        """End the zygote; a kernel of it still running stops when it sees it gone."""
        for stream in (self._commands, self._replies):
            if stream is not None and not stream.closed:
                stream.close()
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()  # it holds nothing: no file, no state of the report
            self.process.wait()


class ForkedKernel:
    """A forked kernel as jupyter_client sees a kernel's Popen. It is the zygote's child, not
    this process's: it is watched and signalled through a pidfd (never another process that
    gets its pid later), and its exit status is not known here (0)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # already ended
            self._pidfd, self.returncode = None, 0

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            self._ended()
        return self.returncode

    def _ended(self) -> None:
        os.close(self._pidfd)
        self._pidfd, self.returncode = None, 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def __del__(self):
        if getattr(self, "_pidfd", None) is not None:
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
            if self.forker.forks(cmd):
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

    return ForkProvisioner


# --- the zygote ---------------------------------------------------------------------------------


def _zygote(commands_fd: int, replies_fd: int) -> None:
    """Import, then fork a kernel for each command line, until the command pipe ends."""
    import gc
    import importlib
    import warnings

    replies = os.fdopen(replies_fd, "wb", buffering=0)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    try:
        for name in IMPORTS:
            importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - said to the report, whose kernels start as before
        replies.write(f"import failed: {type(exc).__name__}: {exc}\n".encode())
        return
    gc.collect()
    gc.freeze()  # shared by the forks: their collections need not scan it, nor copy its pages
    # Python 3.12 warns of a fork beside other threads; the only others are OpenBLAS's idle
    # workers (numpy), which OpenBLAS stops before a fork and starts again after it
    warnings.filterwarnings("ignore", ".*multi-threaded.*fork", DeprecationWarning)
    # ended kernels reaped at once: their CPU time counts as the zygote's children's, and so as
    # the report's (as a kernel's does when it is the report's own child)
    signal.signal(signal.SIGCHLD, _reap)
    with os.fdopen(commands_fd, encoding="utf-8") as commands:
        for line in commands:
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _kernel(request, commands.fileno(), replies)  # never returns
            replies.write(f"{pid}\n".encode())


def _reap(signum, frame) -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _kernel(request: dict, commands_fd: int, replies) -> None:
    """In the fork: become `python -m ipykernel_launcher ARGS`, then exit as it would."""
    code = 1
    try:
        import importlib.util

        os.close(commands_fd)
        replies.close()
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
    _zygote(int(sys.argv[1]), int(sys.argv[2]))
