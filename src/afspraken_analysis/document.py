"""The agreement document as received: its text, origin record, checksum and normalisation."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import yaml

from .paths import ORIGINS_FILE, RAW_DIR, ROOT

_HYPHEN_BREAK = re.compile(r"(?<=[a-zà-ÿ])-[ \t]*\n[ \t\n]*(?=[a-zà-ÿ])")


def normalise(text: str) -> str:
    """Join line-end hyphenation, turn tabs and line breaks into spaces, collapse runs of spaces."""
    text = _HYPHEN_BREAK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def source_lines() -> list[str]:
    """The raw document text, one string per line (line 1 is index 0)."""
    return (
        (RAW_DIR / "prestatieafspraken-apeldoorn-2024-2025.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )


def parse_line_range(lines: str) -> tuple[int, int]:
    first, _, last = str(lines).partition("-")
    return int(first), int(last or first)


def source_excerpt(lines: str) -> str:
    """The normalised text of a line range such as '147-154' of the raw document."""
    first, last = parse_line_range(lines)
    return normalise("\n".join(source_lines()[first - 1 : last]))


def origins() -> list[dict]:
    """Origin records of every raw input file (data/raw/origins.yml)."""
    return yaml.safe_load(ORIGINS_FILE.read_text(encoding="utf-8"))["files"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_checksums() -> list[str]:
    """Problems with the raw files: a missing file or a checksum that does not match its record."""
    problems = []
    for record in origins():
        path = ROOT / record["path"]
        if not path.exists():
            problems.append(f"{record['path']}: file missing")
        elif sha256(path) != record["sha256"]:
            problems.append(f"{record['path']}: checksum differs from data/raw/origins.yml")
    return problems
