"""The yearly report: notebooks run with papermill, a print PDF, a slide deck and a manifest.

``afspraken report --year 2025`` runs every numbered notebook in ``notebooks/`` (jupytext
py:percent text, converted to .ipynb at run time) with papermill on the project's own
``python3`` kernel, in a temporary directory next to the output directory. From the executed
notebooks it renders ``report.pdf`` (the notebooks' HTML outputs without code, a print
stylesheet, WeasyPrint), builds ``slides.pptx`` from the tables and figure data the notebooks
wrote, and writes ``manifest.json``. Only a complete build replaces the previous outputs of that
year; a failing notebook stops the run, names the notebook and the cell, and is kept in
``<out>.failed/``.

The notebooks call ``blocks`` (chapters, sections, tables, captions), ``content`` and ``outlook``
(the tables and sentences they show), ``plots`` (the charts) and ``params`` (their parameters);
``report.build.build_report`` runs the whole pipeline (it imports python-pptx and WeasyPrint, which
the notebooks do not need, so it is not imported here).
"""

from typing import TYPE_CHECKING

from afspraken_analysis.lazyimport import attributes

if TYPE_CHECKING:
    from .manifest import BuildInfo, data_basis, git_commit, inputs_are_fictitious
    from .notebooks import NotebookFailure, Progress, notebook_sources, run_notebook
    from .outlook import scenario_assumptions, scenario_for, what_it_takes

# name → the module that defines it, imported when the name is first used
_NAMES = {
    "BuildInfo": "manifest",
    "data_basis": "manifest",
    "git_commit": "manifest",
    "inputs_are_fictitious": "manifest",
    "NotebookFailure": "notebooks",
    "Progress": "notebooks",
    "notebook_sources": "notebooks",
    "run_notebook": "notebooks",
    "scenario_assumptions": "outlook",
    "scenario_for": "outlook",
    "what_it_takes": "outlook",
}
__all__ = [
    "BuildInfo",
    "NotebookFailure",
    "Progress",
    "data_basis",
    "git_commit",
    "inputs_are_fictitious",
    "notebook_sources",
    "run_notebook",
    "scenario_assumptions",
    "scenario_for",
    "what_it_takes",
]
__getattr__, __dir__ = attributes(__name__, _NAMES)
