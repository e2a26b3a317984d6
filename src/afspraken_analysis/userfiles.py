"""Files named by the user: read them and check where outputs go, with one clear error per
problem (missing, a directory, unreadable, a symlink loop, not UTF-8, read-only, a file where a
directory is wanted), and values cut short when a message shows them."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from .errors import UserError
from .labels import Text

MAX_SHOWN = 200  # characters of a value a message shows at most


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """`repr(value)`, cut to `limit` characters (a message never prints a whole huge value)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


_OS_PROBLEMS = {
    errno.ENOENT: "enoent",
    errno.EISDIR: "eisdir",
    errno.ENOTDIR: "enotdir",
    errno.EEXIST: "eexist",
    errno.EACCES: "eacces",
    errno.EPERM: "eacces",
    errno.EROFS: "erofs",
    errno.ELOOP: "eloop",
    errno.ENOSPC: "enospc",
    errno.ENAMETOOLONG: "enametoolong",
}


def os_text(exc: OSError) -> Text | str:
    """What an OSError means for the user, with a hint (the system's own words when unknown)."""
    name = _OS_PROBLEMS.get(exc.errno)
    return Text(f"files.os.{name}") if name else exc.strerror or str(exc)


def os_problem(exc: OSError, lang: str = "nl") -> str:
    """`os_text` in `lang`."""
    problem = os_text(exc)
    return problem.render(lang) if isinstance(problem, Text) else problem


def read_text(path: str | Path, what: str | Text, *, max_bytes: int) -> str:
    """The UTF-8 text of a user's file (a BOM is allowed), at most `max_bytes` long; `what`
    names the file in messages (a Text is shown in the reader's language)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise UserError(Text("files.error.read_directory", path=str(path), what=what))
        size = path.stat().st_size
        if size > max_bytes:
            raise UserError(
                Text("files.error.too_large", path=str(path), what=what, size=size, max=max_bytes)
            )
        data = path.read_bytes()
    except OSError as exc:
        problem = os_text(exc)
        raise UserError(
            Text("files.error.unreadable", path=str(path), what=what, problem=problem)
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = f"0x{data[exc.start]:02X}"
        raise UserError(
            Text("files.error.not_utf8", path=str(path), what=what, byte=byte, line=line)
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
    where = {"option": option, "path": str(path)}
    if path.exists() and not path.is_dir():
        raise UserError(Text("files.error.out_is_file", **where))
    base = _nearest_existing(path.absolute())
    if not base.is_dir():
        raise UserError(Text("files.error.base_is_file", **where, base=str(base)))
    if not os.access(base, os.W_OK | os.X_OK):
        raise UserError(Text("files.error.base_read_only", **where, base=str(base)))
    return path


def check_output_file(path: str | Path, option: str) -> Path:
    """A file an output may be written to: not a directory, in an existing writable directory."""
    path = Path(path)
    where = {"option": option, "path": str(path)}
    if path.is_dir():
        raise UserError(Text("files.error.out_is_directory", **where))
    parent = path.absolute().parent
    if not parent.is_dir():
        key = "files.error.no_parent" if not parent.exists() else "files.error.parent_is_file"
        raise UserError(Text(key, **where, parent=str(parent)))
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(Text("files.error.read_only", **where))
    return path
