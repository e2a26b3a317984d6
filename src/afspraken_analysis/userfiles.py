"""Files named by the user: read them and check where outputs go, with one clear error per
problem (missing, a directory, unreadable, a symlink loop, not UTF-8, read-only, a file where a
directory is wanted), and values cut short when a message shows them."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from .errors import UserError
from .labels import Number, Text

MAX_SHOWN = 200  # characters of a value a message shows at most


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """`repr(value)`, cut to `limit` characters (a message never prints a whole huge value)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def os_problem(exc: OSError) -> str:
    """What an OSError means for the user, with a hint."""
    hints = {
        errno.ENOENT: "not found; check the path",
        errno.EISDIR: "is a directory; give a file",
        errno.ENOTDIR: "a part of the path is a file, not a directory",
        errno.EEXIST: "already exists",
        errno.EACCES: "permission denied; choose a location you may read and write",
        errno.EPERM: "permission denied; choose a location you may read and write",
        errno.EROFS: "read-only file system; choose another location",
        errno.ELOOP: "symbolic link loop; point the link at a real file",
        errno.ENOSPC: "no space left on the device",
        errno.ENAMETOOLONG: "the name is too long",
    }
    return hints.get(exc.errno, exc.strerror or str(exc))


def read_text(path: str | Path, what: Any, *, max_bytes: int) -> str:
    """The UTF-8 text of a user's file (a BOM is allowed), at most `max_bytes` long. `what` names
    the file in messages (a labels.Text is put into words in the user's language)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise UserError(Text("yaml.problem.file_is_dir", path=str(path), what=what))
        size = path.stat().st_size
        if size > max_bytes:
            raise UserError(
                Text(
                    "yaml.problem.file_too_big",
                    path=str(path),
                    what=what,
                    size=Number(size, 0),
                    maximum=Number(max_bytes, 0),
                )
            )
        data = path.read_bytes()
    except OSError as exc:
        reason = os_problem(exc)
        raise UserError(
            Text("yaml.problem.file_unreadable", path=str(path), what=what, reason=reason)
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = f"{data[exc.start]:02X}"
        raise UserError(
            Text("yaml.problem.file_not_utf8", path=str(path), what=what, byte=byte, line=line)
        ) from None


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def check_output_dir(path: str | Path, option: str) -> Path:
    """A directory outputs may go into: existing and writable, or creatable (its nearest existing
    ancestor is a writable directory)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"{option} {path}: is a file, not a directory; give a directory")
    base = _nearest_existing(path.absolute())
    if not base.is_dir():
        raise UserError(f"{option} {path}: {base} is a file, not a directory; give a directory")
    if not os.access(base, os.W_OK | os.X_OK):
        raise UserError(f"{option} {path}: {base} is read-only; choose a location you may write")
    return path


def check_output_file(path: str | Path, option: str) -> Path:
    """A file an output may be written to: not a directory, in an existing writable directory."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{option} {path}: is a directory; give a file name")
    parent = path.absolute().parent
    if not parent.is_dir():
        raise UserError(
            f"{option} {path}: the directory {parent} does not exist; create it first"
            if not parent.exists()
            else f"{option} {path}: {parent} is a file, not a directory"
        )
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(f"{option} {path}: read-only; choose a location you may write")
    return path
