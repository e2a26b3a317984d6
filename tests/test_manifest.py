"""manifest.json names the deck's template: `--slide-template FILE.pptx` or the shipped one, with
its path and checksum, among the inputs.

The builds here run the real `build_report` with the notebooks and the rendering replaced by
nothing (what they write is not what is checked), so the manifest is written in seconds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from afspraken_analysis import report
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import ROOT
from afspraken_analysis.report import build, params
from afspraken_analysis.report.deck import DEFAULT_TEMPLATE


@pytest.fixture
def no_notebooks(monkeypatch):
    """build_report without running notebooks or rendering: inputs, manifest and the swap only."""
    monkeypatch.setattr(build, "_run_notebooks", lambda *args: [])  # no kernels
    monkeypatch.setattr(build, "_render", lambda *args: None)


def _corporate_template(path: Path) -> Path:
    """A template of its own bytes: the shipped one with something appended to its zip."""
    path.write_bytes(DEFAULT_TEMPLATE.read_bytes() + b"huisstijl")
    return path


def _manifest(p: params.Params, out: Path) -> dict:
    build.build_report(p, out, progress=report.Progress(quiet=True))
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_corporate_slide_template_is_recorded_with_its_checksum(no_notebooks, tmp_path):
    template = _corporate_template(tmp_path / "huisstijl.pptx")
    p = dataclasses.replace(params.validate({"year": 2025}), slide_template=template.resolve())
    manifest = _manifest(p, tmp_path / "out")
    # outside the project the path is shown as given (absolute: the CLI resolves it)
    recorded = {"path": str(template.resolve()), "sha256": _sha256(template)}
    assert _sha256(template) != _sha256(DEFAULT_TEMPLATE)
    assert manifest["slide_template"] == recorded
    assert recorded in manifest["inputs"]
    assert str(DEFAULT_TEMPLATE.relative_to(ROOT)) not in {i["path"] for i in manifest["inputs"]}


def test_without_a_slide_template_the_shipped_one_is_recorded(no_notebooks, tmp_path):
    manifest = _manifest(params.validate({"year": 2025}), tmp_path / "out")
    recorded = {
        "path": "src/afspraken_analysis/report/deck-template.pptx",
        "sha256": _sha256(DEFAULT_TEMPLATE),
    }
    assert manifest["slide_template"] == recorded
    assert recorded in manifest["inputs"]


def test_a_slide_template_inside_the_output_directory_is_refused(no_notebooks, tmp_path):
    """The output directory is replaced as a whole: a template kept there would be lost."""
    out = tmp_path / "out"
    first = _manifest(params.validate({"year": 2025}), out)  # a previous report
    template = _corporate_template(out / "huisstijl.pptx")
    p = dataclasses.replace(params.validate({"year": 2025}), slide_template=template.resolve())
    with pytest.raises(UserError, match="huisstijl.pptx, an input of the report"):
        build.build_report(p, out, progress=report.Progress(quiet=True))
    assert template.exists()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == first
