"""The frames several notebooks show, computed once per report (report/computed.py): read from the
build's cache only for exactly the inputs it was written for, computed by the notebook otherwise,
and the same frames either way."""

import csv
import dataclasses
import pickle
import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR, ROOT
from afspraken_analysis.report import Progress, computed, outputs, params
from afspraken_analysis.report.build import _run_notebooks
from afspraken_analysis.report.manifest import title_meta
from afspraken_analysis.report.notebooks import shutdown_kernels
from afspraken_analysis.report.pdf import PrintLayout


def _params(tmp_path: Path, monitoring: Path = EXAMPLE_MONITORING_DIR, **more) -> params.Params:
    return params.validate({"year": 2025, "monitoring": str(monitoring), **more}, base=ROOT)


def _build_dir(tmp_path: Path) -> Path:
    """A directory marked as a build of this tool, as outputs.make_build_dir leaves it."""
    return outputs.make_build_dir(tmp_path / "out")


def _in(p: params.Params, directory: Path) -> params.Params:
    return dataclasses.replace(p, output_dir=directory)


def _assert_same(a, b) -> None:
    if a is None or b is None:
        assert a is None and b is None
        return
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.to_csv() == b.to_csv()  # what blocks.table and plots.show write


def test_cached_frames_are_the_computed_frames_to_the_byte(tmp_path):
    p = _in(_params(tmp_path), _build_dir(tmp_path))
    written = computed.write_cache(p)
    assert sorted(f.name.split("-")[0] for f in written) == sorted(computed.UNITS)
    cached = computed.frames(p, *computed.FRAMES)
    fresh = computed.compute(p, *computed.FRAMES)
    for a, b in zip(cached, fresh, strict=True):
        _assert_same(a, b)
    assert len(cached[list(computed.FRAMES).index("goals")]) > 0


def _plant(path: Path, value) -> None:
    with path.open("wb") as f:
        pickle.dump(value, f)


def test_a_notebook_in_the_build_reads_the_cache(tmp_path):
    p = _in(_params(tmp_path), _build_dir(tmp_path))
    computed.write_cache(p)
    (goals_file,) = (p.output_dir / computed.CACHE_DIR).glob("goals-*.pickle")
    (goals,) = computed.compute(p, "goals")
    _plant(goals_file, goals.head(2))  # a frame only the cache can give
    (read,) = computed.frames(p, "goals")
    _assert_same(read, goals.head(2))


def test_without_a_build_the_notebook_computes_the_frames(tmp_path):
    p = _params(tmp_path)
    build = _build_dir(tmp_path)
    computed.write_cache(_in(p, build))
    for cache in (build / computed.CACHE_DIR).glob("*.pickle"):
        _plant(cache, None)  # a cache that would show if it were read
    plain = tmp_path / "plain"  # an output directory of a notebook run by hand: no build marker
    shutil.copytree(build, plain)
    (plain / outputs.MARKER).unlink()
    for where in (None, plain):
        (goals,) = computed.frames(_in(p, where), "goals")
        _assert_same(goals, computed.compute(p, "goals")[0])


def test_a_cache_for_other_inputs_is_never_read(tmp_path):
    monitoring = tmp_path / "monitoring"
    shutil.copytree(EXAMPLE_MONITORING_DIR, monitoring)
    p = _in(_params(tmp_path, monitoring), _build_dir(tmp_path))
    computed.write_cache(p)
    (before,) = computed.frames(p, "realisations")
    # a correction to the monitoring input after the cache was written
    path = monitoring / "realisations.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    column = rows[0].index("value")
    rows[1][column] = str(int(float(rows[1][column])) + 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    (after,) = computed.frames(p, "realisations")
    assert after["value"].iloc[0] == before["value"].iloc[0] + 1
    _assert_same(after, computed.compute(p, "realisations")[0])
    # and a parameter the frame depends on: another Woondeal start year has its own goals
    other = dataclasses.replace(p, woondeal_start_year=2018)
    assert computed.cache_file(other, "goals", computed.inputs_digest(other)) != (
        computed.cache_file(p, "goals", computed.inputs_digest(p))
    )
    assert computed.cache_file(other, "rollup", "d") == computed.cache_file(p, "rollup", "d")


def test_unknown_frame_names_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown frame"):
        computed.frames(_params(tmp_path), "goal")


CHECK_NOTEBOOK = """\
# %%
from afspraken_analysis.report import computed, params

# %% tags=["parameters"]
year: int = 2025  # report year
monitoring: str = ""  # monitoring directory
woondeal_start_year: int = 2022  # Woondeal start
output_dir: str = ""  # where outputs go

# %%
p = params.check(globals())
digest = computed.inputs_digest(p)
missing = [u for u in computed.UNITS if not computed.cache_file(p, u, digest).is_file()]
assert not missing, f"no cache for {missing} in {p.output_dir}"
"""


@pytest.mark.slow
def test_the_build_caches_the_frames_for_its_kernels_and_removes_the_cache(tmp_path):
    """The key the build computes in its own process is the key the kernel computes from the
    parameters papermill gives it (the cache is found), and the cache is gone afterwards."""
    source = tmp_path / "notebooks" / "01_check.py"
    source.parent.mkdir()
    source.write_text(textwrap.dedent(CHECK_NOTEBOOK), encoding="utf-8")
    p = _params(tmp_path, woondeal_start_year=2019)
    build = _build_dir(tmp_path)
    values = {
        "year": p.year,
        "monitoring": str(p.monitoring),
        "woondeal_start_year": p.woondeal_start_year,
        "output_dir": str(build),
    }
    layout = PrintLayout(build, ["01_check"], title_meta(p, False), p.lang)
    kernels = _run_notebooks(build, [source], {"01_check": values}, Progress(quiet=True), p, layout)
    shutdown_kernels(kernels)  # still running: they would write the figure files
    assert (build / "notebooks" / "01_check.ipynb").is_file()  # it ran, its assert held
    assert not (build / computed.CACHE_DIR).exists()
