"""The frames several notebooks show, computed once per report: the monitoring input, goal
tracking, the annex progress and the agreements' status roll-up.

``afspraken report`` computes them in its own process while the kernels start and writes them to
a cache in the build directory (``.computed/``, removed when the notebooks are done, before the
manifest lists the outputs). A notebook asks ``frames(p, "goals", ...)``: it reads a frame from
that cache when the cache was written for exactly its inputs, and computes the frame itself
otherwise (a notebook opened in JupyterLab, a cache written for other inputs). So every table,
chart and CSV of one report is rendered from one computation of each frame.

A cache file is named by a key over everything the frame depends on: the parameters it uses, the
contents of every data, agreement and monitoring file and of the package's own code. A frame is
never read for inputs that changed after it was written; the cache is read (and written) only in
a build directory of this tool, which carries the build marker (`outputs.MARKER`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

from afspraken_analysis import tracking
from afspraken_analysis.paths import DATA_DIR, PACKAGE_DIR, agreements_dir

from . import content, params
from .outputs import MARKER

CACHE_DIR = ".computed"
FORMAT = "1"  # part of every key: raise it when what a cache file holds changes


def _monitoring(p: params.Params, get: Callable) -> tuple:
    return tuple(content.load_monitoring(p))


def _goals(p: params.Params, get: Callable):
    return content.goals_for(p, get("realisations"), get("category_overrides"))


def _progress(p: params.Params, get: Callable):
    return tracking.annex_progress(get("realisations"), p.year)


def _rollup(p: params.Params, get: Callable):
    return tracking.status_rollup(get("agreement_status"), p.year)


# a unit of the cache: the parameters it depends on (besides the files) and how it is computed
UNITS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "monitoring": (("monitoring",), _monitoring),
    "goals": (("monitoring", "year", "woondeal_start_year"), _goals),
    "progress": (("monitoring", "year"), _progress),
    "rollup": (("monitoring", "year"), _rollup),
}
# the frames a notebook may ask for: (unit, index in the unit's tuple, or None for the unit itself)
FRAMES: dict[str, tuple[str, int | None]] = {
    "realisations": ("monitoring", 0),
    "agreement_status": ("monitoring", 1),
    "category_overrides": ("monitoring", 2),
    "goals": ("goals", None),
    "progress": ("progress", None),
    "rollup": ("rollup", None),
}


def _input_files(p: params.Params) -> list[Path]:
    """Every file a frame may depend on: data, agreements, monitoring and the package itself."""
    roots = [DATA_DIR, agreements_dir(), PACKAGE_DIR]
    if p.monitoring is not None:
        roots.append(p.monitoring)
    files = {
        f for root in roots for f in root.rglob("*") if "__pycache__" not in f.parts and f.is_file()
    }
    return sorted(files)


def inputs_digest(p: params.Params) -> str:
    """SHA-256 over the names and contents of every input file (`_input_files`)."""
    digest = hashlib.sha256(FORMAT.encode())
    for path in _input_files(p):
        digest.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_file(p: params.Params, unit: str, digest: str) -> Path | None:
    """Where `unit` is cached for parameters `p` and inputs `digest`; None outside a build."""
    if p.output_dir is None or not (p.output_dir / MARKER).is_file():
        return None
    depends, _ = UNITS[unit]
    values = "\0".join(f"{name}={getattr(p, name)}" for name in depends)
    key = hashlib.sha256(f"{digest}\0{unit}\0{values}".encode()).hexdigest()
    return p.output_dir / CACHE_DIR / f"{unit}-{key}.pickle"


class _Frames:
    """Frames for parameters `p`: from the cache where it holds them, else computed (once)."""

    def __init__(self, p: params.Params, use_cache: bool = True):
        self.p, self.use_cache = p, use_cache
        self.units: dict[str, object] = {}
        self._digest: str | None = None

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = inputs_digest(self.p)
        return self._digest

    def unit(self, name: str):
        if name not in self.units:
            path = cache_file(self.p, name, self.digest) if self.use_cache else None
            if path is not None and path.is_file():
                with path.open("rb") as f:
                    self.units[name] = pickle.load(f)
            else:
                self.units[name] = UNITS[name][1](self.p, self.get)
        return self.units[name]

    def get(self, frame: str):
        unit, index = FRAMES[frame]
        value = self.unit(unit)
        return value if index is None else value[index]


def frames(p: params.Params, *names: str) -> tuple:
    """The frames `names` (keys of FRAMES) for a notebook's parameters, in that order."""
    unknown = [n for n in names if n not in FRAMES]
    if unknown:
        raise ValueError(f"unknown frame(s) {unknown}; known: {', '.join(FRAMES)}")
    source = _Frames(p)
    return tuple(source.get(name) for name in names)


def compute(p: params.Params, *names: str) -> tuple:
    """The frames `names` computed here, never read from a cache (for comparisons)."""
    source = _Frames(p, use_cache=False)
    return tuple(source.get(name) for name in names)


def write_cache(p: params.Params) -> list[Path]:
    """Compute every unit for `p` (whose output_dir is the build directory) and cache it there.

    Returns the files written; nothing outside a build directory. A unit that cannot be computed
    is left out: the notebooks then compute it and report the problem where it shows.
    """
    source = _Frames(p, use_cache=False)
    written = []
    for unit in UNITS:
        path = cache_file(p, unit, source.digest)
        if path is None:
            return written
        try:
            value = source.unit(unit)
        except Exception:  # noqa: BLE001 - the notebook that needs it fails with its own message
            continue
        path.parent.mkdir(exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)  # a kernel never sees half a file
        written.append(path)
    return written


def remove_cache(build: Path) -> None:
    """Remove the build's cache (not an output of the report)."""
    shutil.rmtree(Path(build) / CACHE_DIR, ignore_errors=True)
