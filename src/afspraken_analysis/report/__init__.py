"""The yearly report: notebooks run with papermill, a print PDF, a slide deck and a manifest.

``afspraken report --year 2025`` runs every numbered notebook in ``notebooks/`` (jupytext
py:percent text, converted to .ipynb at run time) with papermill on the project's own
``python3`` kernel, in a temporary directory next to the output directory. From the executed
notebooks it renders ``report.pdf`` (nbconvert HTML without code, a print stylesheet, WeasyPrint),
builds ``slides.pptx`` from the tables and figure data the notebooks wrote, and writes
``manifest.json``. Only a complete build replaces the previous outputs of that year; a failing
notebook stops the run, names the notebook and the cell, and is kept in ``<out>.failed/``.

The notebooks call ``blocks`` (chapters, sections, tables, captions), ``content`` and ``outlook``
(the tables and sentences they show), ``plots`` (the charts) and ``params`` (their parameters).
"""

import importlib

from .manifest import BuildInfo, data_basis, git_commit, inputs_are_fictitious
from .notebooks import NotebookFailure, Progress, notebook_sources, run_notebook
from .outlook import scenario_assumptions, scenario_for, what_it_takes

__all__ = [
    "BuildInfo",
    "NotebookFailure",
    "Progress",
    "build_report",
    "data_basis",
    "git_commit",
    "inputs_are_fictitious",
    "notebook_sources",
    "run_notebook",
    "scenario_assumptions",
    "scenario_for",
    "what_it_takes",
]


def __getattr__(name: str):
    # build_report is loaded on first use: the pipeline imports python-pptx (through slides),
    # which the notebooks and the other commands importing this package do not need.
    if name == "build_report":
        return importlib.import_module(f"{__name__}.build").build_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
