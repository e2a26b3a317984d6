"""Where a report goes, and what a run may remove there: only what this tool wrote.

- ``--out`` may name a new path, an empty directory or a previous report of this tool: a
  directory with a manifest.json whose "report" is "afspraken report" and nothing the manifest
  does not list as an output. Anything else (a file, a directory holding other files, an input or
  a directory holding inputs, a directory inside the monitoring directory) is refused before any
  work, and nothing is touched. A user's file put inside an old report is never deleted: the run
  is refused and the message names the file.
- A build happens in ``.<name>.build-<pid>-<random>`` beside the output, marked by a file written
  first (MARKER). A later run removes such a directory when its process is gone: marked, or
  complete (a report by its manifest, after the marker was taken away). ``<name>.failed`` is
  replaced only when it holds the marker too.
- The swap renames the old report aside, the new one into place, then removes the old one.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from afspraken_analysis.errors import UserError

from .params import relative

REPORT_ID = "afspraken report"  # the manifest's "report" value (manifest.write_manifest)
MARKER = ".afspraken-build"
MARKER_TEXT = (
    "afspraken report: build directory of a report run. A later run removes it once that run "
    "has stopped.\n"
)
SHOWN = 5  # foreign files named in a message


def foreign_files(directory: Path) -> list[str] | None:
    """What in `directory` a report of this tool did not write (relative paths, sorted).

    None when `directory` is no report at all (no directory, or no manifest.json of this tool);
    an empty list for a previous report with nothing else in it.
    """
    manifest = directory / "manifest.json"
    if directory.is_symlink() or not directory.is_dir() or manifest.is_symlink():
        return None
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(listed, dict) or listed.get("report") != REPORT_ID:
        return None
    files = {f for f in listed.get("outputs") or [] if isinstance(f, str)} | {"manifest.json"}
    foreign = []
    for path in directory.rglob("*"):
        name = path.relative_to(directory).as_posix()
        # the tool writes no links or special files; a folder counts only by what it holds
        # (an empty one, like figures/ of a report without charts, loses nothing)
        own = (path.is_file() and name in files) or path.is_dir()
        if path.is_symlink() or not own:
            foreign.append(name)
    return sorted(foreign)


def _is_marked(directory: Path) -> bool:
    """A build directory of this tool: the marker, written first, with its text."""
    marker = directory / MARKER
    if directory.is_symlink() or not directory.is_dir() or marker.is_symlink():
        return False
    try:
        return marker.read_text(encoding="utf-8") == MARKER_TEXT
    except (OSError, UnicodeDecodeError):
        return False


def _refuse(out: Path, why: str, hint: str) -> UserError:
    return UserError(f"--out {relative(out)}: {why}; nothing was written or removed.\n  {hint}")


def _listing(names: list[str]) -> str:
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def check_out(out: Path, inputs: list[Path], monitoring_dir: Path | None) -> None:
    """Refuse an output path the build may not replace (see the module text); `out` resolved."""
    other = "choose a new or empty directory, or the directory of a previous report"
    for path in inputs:
        path = Path(path).resolve()
        if path == out or out in path.parents:
            raise _refuse(out, f"this holds {relative(path)}, an input of the report", other)
    if monitoring_dir is not None and Path(monitoring_dir).resolve() in out.parents:
        raise _refuse(out, "this is inside the monitoring directory, an input", other)
    if out.is_symlink() and not out.exists():
        raise _refuse(out, "this is a link to nothing", other)
    if out.exists() and not out.is_dir():
        raise _refuse(out, "this is a file, not a directory", other)
    if out.is_dir() and any(out.iterdir()):
        foreign = foreign_files(out)
        if foreign is None:
            raise _refuse(
                out,
                "this directory is not empty and holds no report of afspraken (no manifest.json)",
                other,
            )
        if foreign:
            raise _refuse(
                out,
                f"this previous report also holds files the report did not write: "
                f"{_listing(foreign)}",
                "move those files elsewhere (the old report is replaced as a whole), or " + other,
            )
    failed = out.with_name(f"{out.name}.failed")
    if (failed.exists() or failed.is_symlink()) and not _is_marked(failed):
        raise _refuse(
            out,
            f"{relative(failed)} exists and is not a failed build of afspraken; a failing run "
            "would put its notebooks there",
            f"move or rename {relative(failed)}",
        )


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _stale(directory: Path, pid: int) -> bool:
    """A directory a stopped run of this tool left: marked, or a complete report."""
    return not _pid_alive(pid) and (_is_marked(directory) or foreign_files(directory) == [])


def remove_stale(out: Path) -> list[Path]:
    """Remove the build directories of runs that were killed (`kill -9`, power loss); returns them.

    Only directories named as this tool names them, holding its marker or a complete report, of a
    process that no longer runs. A previous report left aside by a run killed in the middle of
    the swap is put back when `out` is missing.
    """
    removed = []
    name = re.escape(out.name)
    pattern = re.compile(rf"\.{name}\.(build|old)-(\d+)(-[^/]*)?")
    for path in sorted(out.parent.glob(f".{glob.escape(out.name)}.*-*")):
        found = pattern.fullmatch(path.name)
        if not found or not _stale(path, int(found[2])):
            continue
        if found[1] == "old" and not out.exists() and not out.is_symlink():
            path.rename(out)
            continue
        shutil.rmtree(path)
        removed.append(path)
    return removed


def make_build_dir(out: Path) -> Path:
    """The hidden build directory beside `out`, marked as this tool's before anything else."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise UserError(
            f"--out {relative(out)}: cannot write in {relative(_existing(out.parent))} "
            f"({exc.strerror or exc}); choose a directory you can write to"
        ) from None
    (build / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return build


def _existing(path: Path) -> Path:
    """The nearest existing folder of `path` (where creating failed)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def unmark(build: Path) -> None:
    """Take the marker away once the build is complete (its manifest lists only outputs)."""
    (build / MARKER).unlink()


def move_into_place(build: Path, out: Path) -> None:
    """Replace `out` (missing, empty or a previous report) by the complete `build`.

    The old report is renamed aside, checked again (someone may have put a file in it during
    the build), and removed only once the new report is in place.
    """
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    aside = False
    try:
        if out.exists() and not (out.is_dir() and not any(out.iterdir())):
            out.rename(old)
            aside = True
            if foreign_files(old) != []:
                old.rename(out)
                raise _changed(out, build)
        build.rename(out)  # onto a missing path or an empty directory; refused otherwise
    except OSError:
        raise _changed(out, build) from None
    if aside:
        shutil.rmtree(old)


def _changed(out: Path, build: Path) -> UserError:
    return UserError(
        f"--out {relative(out)} changed during the build and is no longer a previous report; "
        f"it was left as it is. The new report is in {relative(build)}: copy it elsewhere before "
        "the next run, which removes it"
    )


def keep_failed(build: Path, out: Path) -> Path:
    """Keep a failed build as <out>.failed (replacing only an earlier failed build); its path."""
    failed = out.with_name(f"{out.name}.failed")
    if failed.exists() or failed.is_symlink():
        if not _is_marked(failed):
            return build  # appeared during the build: kept under the build's own name
        shutil.rmtree(failed)
    build.rename(failed)
    return failed
