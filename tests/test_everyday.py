"""Everyday use (issue #12 item 5): paths in notebooks, the CLI's language, scenario files and
results, CSVs for people, the walkthrough's monitoring folder."""

from __future__ import annotations

import subprocess

import pytest

from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR, NOTEBOOKS_DIR, ROOT
from afspraken_analysis.report import params


def _notebook_namespace(**values) -> dict:
    """What a notebook's globals hold after its parameters cell, as JupyterLab runs it."""
    annotations = {"year": int, "monitoring": str, "lang": str}
    namespace = {"year": 2025, "monitoring": "", "lang": "nl", **values}
    return {**namespace, "__annotations__": annotations, "In": []}


def test_a_notebook_in_jupyterlab_finds_a_relative_monitoring_dir_from_the_project_root(
    monkeypatch,
):
    monkeypatch.chdir(NOTEBOOKS_DIR)  # where a JupyterLab kernel runs
    relative = EXAMPLE_MONITORING_DIR.relative_to(ROOT)
    p = params.check(_notebook_namespace(monitoring=str(relative)))
    assert p.monitoring == EXAMPLE_MONITORING_DIR.resolve()
    assert p.is_example


def test_a_missing_relative_dir_in_a_notebook_names_where_it_was_looked_for(monkeypatch):
    monkeypatch.chdir(NOTEBOOKS_DIR)
    with pytest.raises(UserError) as err:
        params.check(_notebook_namespace(monitoring="mijn-monitor-bestaat-niet"))
    assert f"looked for {ROOT / 'mijn-monitor-bestaat-niet'}" in str(err.value)


def test_the_command_line_resolves_relative_paths_from_the_working_directory(monkeypatch):
    monkeypatch.chdir(EXAMPLE_MONITORING_DIR.parent)
    p = params.validate({"monitoring": EXAMPLE_MONITORING_DIR.name})
    assert p.monitoring == EXAMPLE_MONITORING_DIR.resolve()


def test_the_readme_walkthrough_monitoring_folder_is_ignored_by_git():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "afspraken template mijn-monitor" in readme
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "mijn-monitor/realisations.xlsx"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode == 128:
        pytest.skip(f"not a git checkout: {result.stderr.strip()}")
    assert result.returncode == 0, "mijn-monitor/ is not ignored by git"
