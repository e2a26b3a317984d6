"""The agreement documents as received: their text, origin records, checksums and normalisation.

Each agreement package keeps its text in raw/ beside an origin record (raw/origins.yml, paths
relative to that raw/ directory); the shared raw files (CBS tables) are recorded in
data/raw/origins.yml with paths relative to the project root.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import yaml

from .paths import ORIGINS_FILE, ROOT, package_dir

_HYPHEN_BREAK = re.compile(r"(?<=[a-zà-ÿ])-[ \t]*\n[ \t\n]*(?=[a-zà-ÿ])")


def normalise(text: str) -> str:
    """Join line-end hyphenation, turn tabs and line breaks into spaces, collapse runs of spaces."""
    text = _HYPHEN_BREAK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def text_files(package: Path) -> list[Path]:
    """The agreement text(s) in a package's raw/ directory; a valid package has exactly one."""
    return sorted((package / "raw").glob("*.txt"))


def source_file(period: str | None = None) -> Path:
    """The raw text of an agreement period's package (the current package when none is given)."""
    return text_files(package_dir(period))[0]


@cache
def source_lines_of(path: Path) -> list[str]:
    """The lines of a raw text file (line 1 is index 0)."""
    return path.read_text(encoding="utf-8").splitlines()


def source_lines(period: str | None = None) -> list[str]:
    """The raw document text, one string per line (line 1 is index 0)."""
    return source_lines_of(source_file(period))


def parse_line_range(lines: str) -> tuple[int, int]:
    first, _, last = str(lines).partition("-")
    return int(first), int(last or first)


def excerpt(lines: list[str], line_range: str) -> str:
    """The normalised text of a line range such as '147-154' of `lines`."""
    first, last = parse_line_range(line_range)
    return normalise("\n".join(lines[first - 1 : last]))


def source_excerpt(lines: str, period: str | None = None) -> str:
    """The normalised text of a line range such as '147-154' of an agreement's raw text."""
    return excerpt(source_lines(period), lines)


def _records(origins_file: Path, base: Path) -> list[dict]:
    records = yaml.safe_load(origins_file.read_text(encoding="utf-8"))["files"]
    return [{**r, "file": base / r["path"], "recorded_in": origins_file} for r in records]


def package_origins(package: Path) -> list[dict]:
    """Origin records of a package's raw files, each with its resolved `file`."""
    raw = package / "raw"
    return _records(raw / "origins.yml", raw)


def origins(period: str | None = None) -> list[dict]:
    """Origin records of the shared raw files and of one agreement package's raw text."""
    return _records(ORIGINS_FILE, ROOT) + package_origins(package_dir(period))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksum_problems(records: list[dict]) -> list[str]:
    """A missing file or a checksum that does not match its record, named by its origins file."""
    problems = []
    for record in records:
        path, recorded_in = record["file"], record["recorded_in"]
        shown = recorded_in.relative_to(ROOT) if recorded_in.is_relative_to(ROOT) else recorded_in
        if not path.exists():
            problems.append(f"{record['path']}: file missing (recorded in {shown})")
        elif sha256(path) != record["sha256"]:
            problems.append(f"{record['path']}: checksum differs from {shown}")
    return problems


def verify_checksums(period: str | None = None) -> list[str]:
    """Problems with the raw files: a missing file or a checksum that does not match its record."""
    return checksum_problems(origins(period))
