"""Parameters of the report notebooks, validated strictly.

Papermill only *warns* about a parameter the notebook does not declare and injects it anyway;
a misspelt ``yaer=2025`` would silently leave ``year`` at its default. Every notebook therefore
calls, in the cell right after its ``parameters`` cell::

    p = params.check(globals())

which raises :class:`~afspraken_analysis.errors.UserError` (stopping the papermill run) when

- papermill injected a name the parameters cell does not declare (a misspelling),
- a value has the wrong type (``year="2025"``),
- a value is not one of the valid choices (language, scenario, corporation, year ranges) or the
  monitoring directory does not exist,

with a message that lists the valid choices. ``afspraken report`` validates the same values with
:func:`validate` before it starts any notebook.

The parameters cell itself stays the single place that declares a notebook's parameters: names
with a type annotation and a comment, which papermill also shows with ``--help-notebook``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import LANGUAGES
from afspraken_analysis.parties import suggest
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR, ROOT
from afspraken_analysis.scenarios import DEFAULT_SCENARIO, scenario_names
from afspraken_analysis.schemas import CORPORATIONS
from afspraken_analysis.tracking import DEFAULT_WOONDEAL_START_YEAR

FIRST_YEAR, LAST_YEAR = 2024, 2030
# The document gives the Woondeal's numbers but no start year: a parameter of the report (its
# default is tracking.DEFAULT_WOONDEAL_START_YEAR, as woondeal_start_year in data/scenarios.yml).
WOONDEAL_START_YEARS = (2015, 2030)


@dataclass(frozen=True)
class Spec:
    type: type
    help: str


# Every parameter a notebook may declare; a parameters cell declares a subset of these.
SPECS: dict[str, Spec] = {
    "year": Spec(int, f"report year, {FIRST_YEAR}-{LAST_YEAR}"),
    "monitoring": Spec(str, "directory with monitoring data; empty: none (shipped data only)"),
    "scenario": Spec(str, "scenario name from data/scenarios.yml"),
    "lang": Spec(str, "language of every text: nl or en"),
    "corporation": Spec(str, "one housing corporation; empty: all"),
    "woondeal_start_year": Spec(
        int,
        f"first year the Woondeal counts (the document gives none), "
        f"{WOONDEAL_START_YEARS[0]}-{WOONDEAL_START_YEARS[1]}",
    ),
    "output_dir": Spec(str, "where figures/ and tables/ are written; empty: nothing is written"),
}


@dataclass(frozen=True)
class Params:
    """Validated parameters of one notebook run (undeclared ones keep their defaults)."""

    year: int = 2025
    monitoring: Path | None = None
    scenario: str = DEFAULT_SCENARIO
    lang: str = "nl"
    corporation: str | None = None
    woondeal_start_year: int = DEFAULT_WOONDEAL_START_YEAR
    output_dir: Path | None = None
    # not a notebook parameter: the deck's template (`--slide-template`), checked by the CLI
    slide_template: Path | None = None

    @property
    def is_example(self) -> bool:
        """True when the monitoring data is the shipped fictitious example."""
        return self.monitoring is not None and self.monitoring == EXAMPLE_MONITORING_DIR.resolve()

    def corporations(self) -> list[str]:
        """The corporation asked for, or every corporation in the document's order."""
        return [self.corporation] if self.corporation else corporation_names()


def corporation_names() -> list[str]:
    return list(CORPORATIONS)


def _did_you_mean(name: str, choices) -> str:
    hint = suggest(name, choices)
    return f" — did you mean {hint!r}?" if hint else ""


def _choices(values) -> str:
    return ", ".join(repr(v) for v in values)


def _check_names(names, declared) -> list[str]:
    problems = []
    for name in names:
        if name not in declared:
            problems.append(
                f"unknown parameter {name!r}{_did_you_mean(name, declared)} "
                f"(valid parameters: {', '.join(declared)})"
            )
    return problems


def _absolute(value: str, base: Path | None) -> Path:
    """`value` as an absolute path; a relative one from `base` (default: the working directory)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base or Path.cwd()) / path


def _check_value(name: str, value, problems: list[str], base: Path | None = None):
    """The normalised value, or None after appending a problem."""
    spec = SPECS[name]
    if not isinstance(value, spec.type) or isinstance(value, bool):
        problems.append(
            f"parameter {name!r} must be {spec.type.__name__} ({spec.help}), "
            f"got {type(value).__name__} {value!r}"
        )
        return None
    if name == "year" and not FIRST_YEAR <= value <= LAST_YEAR:
        problems.append(f"year {value} is outside the agreements' horizon {FIRST_YEAR}-{LAST_YEAR}")
    elif name == "woondeal_start_year" and not (
        WOONDEAL_START_YEARS[0] <= value <= WOONDEAL_START_YEARS[1]
    ):
        first, last = WOONDEAL_START_YEARS
        problems.append(
            f"woondeal_start_year {value} is outside {first}-{last} (the Woondeal runs to 2030; "
            f"the document gives no start year, the default is {DEFAULT_WOONDEAL_START_YEAR})"
        )
    elif name == "lang" and value not in LANGUAGES:
        problems.append(f"unknown language {value!r}; choose one of {_choices(LANGUAGES)}")
    elif name == "scenario" and value not in (names := scenario_names()):
        problems.append(
            f"unknown scenario {value!r}{_did_you_mean(value, names)}; choose one of {_choices(names)}"
        )
    elif name == "corporation" and value:
        names = corporation_names()
        match = [c for c in names if c.lower() == value.strip().lower()]
        if not match:
            problems.append(
                f"unknown corporation {value!r}{_did_you_mean(value, names)}; "
                f"choose one of {_choices(names)} (or leave empty for all)"
            )
            return None
        return match[0]
    elif name == "monitoring" and value:
        path = _absolute(value, base)
        if not path.is_dir():
            problems.append(f"monitoring directory {value!r} does not exist (looked for {path})")
            return None
        return path.resolve()
    elif name == "output_dir" and value:
        return _absolute(value, base).resolve()
    return value or None if name in ("monitoring", "corporation", "output_dir") else value


def validate(values: Mapping, declared=None, *, base: Path | None = None) -> Params:
    """Validate parameter values given as a mapping (CLI, YAML file or a notebook).

    `declared`: the names allowed (default: every known parameter); `base`: the directory
    relative paths start from (default: the working directory). Raises UserError listing every
    problem at once.
    """
    declared = list(declared if declared is not None else SPECS)
    problems = _check_names(values, declared)
    normalised = {}
    for name, value in values.items():
        if name in declared and name in SPECS:
            normalised[name] = _check_value(name, value, problems, base)
    if problems:
        raise UserError("invalid parameters:\n  " + "\n  ".join(problems))
    return Params(**normalised)


def injected_names(history) -> list[str]:
    """Names assigned in the last cell papermill injected ('# Parameters' cell) of an IPython history."""
    for source in reversed(list(history or [])):
        if isinstance(source, str) and source.lstrip().startswith("# Parameters"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            return [
                target.id
                for node in tree.body
                if isinstance(node, ast.Assign | ast.AnnAssign)
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Name)
            ]
    return []


def declared_in(namespace: Mapping) -> list[str]:
    """Parameter names a notebook declares: the annotated names of its parameters cell."""
    annotations = namespace.get("__annotations__") or {}
    declared = [name for name in annotations if name in SPECS]
    if unknown := [name for name in annotations if name not in SPECS]:
        raise UserError(
            f"the parameters cell declares {_choices(unknown)}, which the library does not know; "
            f"known parameters: {', '.join(SPECS)}"
        )
    return declared


def check(namespace: Mapping) -> Params:
    """Validate a notebook's parameters; call as ``p = params.check(globals())``.

    Checks every name papermill injected against the notebook's declared parameters, then the
    type and value of each declared parameter. Relative paths start from the project root, as on
    the command line run there: a kernel in JupyterLab runs in notebooks/, where the README's
    `mijn-monitor` would not be found.
    """
    declared = declared_in(namespace)
    problems = _check_names(injected_names(namespace.get("In")), declared)
    if problems:
        raise UserError("invalid parameters:\n  " + "\n  ".join(problems))
    values = {name: namespace[name] for name in declared if name in namespace}
    return validate(values, declared, base=ROOT)


def parameter_names(notebook_source: str) -> list[str]:
    """Names declared in the `parameters` cell of a jupytext py:percent notebook."""
    for cell in notebook_source.split("# %%")[1:]:
        header, _, body = cell.partition("\n")
        if "parameters" in header:
            tree = ast.parse(body)
            return [
                node.target.id
                for node in tree.body
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
            ]
    return []


def relative(path: Path | None) -> str:
    """A path as shown in reports: relative to the project root when inside it."""
    if path is None:
        return ""
    path = Path(path)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
