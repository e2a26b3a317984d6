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
:func:`validate` before it starts any notebook. Every message is a label (``params.problem.*`` in
labels.csv), kept as a :class:`~afspraken_analysis.labels.Text` until it is shown: the command
line renders it in its ``--lang``, a notebook in its own ``lang`` parameter.

The parameters cell itself stays the single place that declares a notebook's parameters: names
with a type annotation and a comment, which papermill also shows with ``--help-notebook``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import LANGUAGES, Text, render, user_lang
from afspraken_analysis.parties import suggest
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR, ROOT
from afspraken_analysis.scenarios import DEFAULT_SCENARIO, scenario_names
from afspraken_analysis.scenarios.messages import Joined
from afspraken_analysis.schemas import CORPORATIONS
from afspraken_analysis.tracking import DEFAULT_WOONDEAL_START_YEAR

FIRST_YEAR, LAST_YEAR = 2024, 2030
# The document gives the Woondeal's numbers but no start year: a parameter of the report (its
# default is tracking.DEFAULT_WOONDEAL_START_YEAR, as woondeal_start_year in data/scenarios.yml).
WOONDEAL_START_YEARS = (2015, 2030)


PREFIX = "params.problem."


@dataclass(frozen=True)
class Spec:
    type: type


# Every parameter a notebook may declare; a parameters cell declares a subset of these. What each
# one is stands in labels.csv (params.problem.help.<name>), shown when a value has the wrong type.
SPECS: dict[str, Spec] = {
    "year": Spec(int),
    "monitoring": Spec(str),
    "scenario": Spec(str),
    "lang": Spec(str),
    "corporation": Spec(str),
    "woondeal_start_year": Spec(int),
    "output_dir": Spec(str),
}
# the Python types a value may have, as the reader calls them (params.problem.type.<name>)
TYPE_NAMES = {
    int: "int",
    str: "str",
    float: "float",
    bool: "bool",
    list: "list",
    dict: "dict",
    type(None): "none",
}


def _text(key: str, /, **fields) -> Text:
    """The message `params.problem.<key>` with its fields, not yet in words."""
    return Text(PREFIX + key, **fields)


def _help(name: str) -> Text:
    """What the parameter is, in the reader's language (`params.problem.help.<name>`)."""
    first, last = WOONDEAL_START_YEARS if name == "woondeal_start_year" else (FIRST_YEAR, LAST_YEAR)
    return _text(f"help.{name}", first=first, last=last)


def _type_name(kind: type) -> Text | str:
    name = TYPE_NAMES.get(kind)
    return _text(f"type.{name}") if name else kind.__name__


def _problems(problems: list) -> UserError:
    """One UserError listing every problem, under the heading 'invalid parameters:'."""
    return UserError(Joined([_text("heading"), *problems], sep="\n  "))


class _InLanguage:
    """A message whose str() is in a given language (a notebook's `lang`: papermill shows str()),
    while render(lang) still renders it in any language."""

    def __init__(self, message, lang: str):
        self.message, self.lang = message, lang

    def render(self, lang: str) -> str:
        return str(render(self.message, lang))

    def __str__(self) -> str:
        return self.render(self.lang)


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


def _did_you_mean(name: str, choices) -> Text | str:
    hint = suggest(name, choices)
    return _text("did_you_mean", close=repr(hint)) if hint else ""


def _choices(values) -> str:
    return ", ".join(repr(v) for v in values)


def _check_names(names, declared) -> list[Text]:
    return [
        _text(
            "unknown_parameter",
            name=repr(name),
            hint=_did_you_mean(name, declared),
            valid=", ".join(declared),
        )
        for name in names
        if name not in declared
    ]


def _absolute(value: str, base: Path | None) -> Path:
    """`value` as an absolute path; a relative one from `base` (default: the working directory)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base or Path.cwd()) / path


def _check_value(name: str, value, problems: list[Text], base: Path | None = None):
    """The normalised value, or None after appending a problem."""
    spec = SPECS[name]
    if not isinstance(value, spec.type) or isinstance(value, bool):
        problems.append(
            _text(
                "wrong_type",
                name=repr(name),
                type=_type_name(spec.type),
                help=_help(name),
                got=_type_name(type(value)),
                value=repr(value),
            )
        )
        return None
    if name == "year" and not FIRST_YEAR <= value <= LAST_YEAR:
        problems.append(_text("year_outside", year=value, first=FIRST_YEAR, last=LAST_YEAR))
    elif name == "woondeal_start_year" and not (
        WOONDEAL_START_YEARS[0] <= value <= WOONDEAL_START_YEARS[1]
    ):
        first, last = WOONDEAL_START_YEARS
        problems.append(
            _text(
                "woondeal_start_year_outside",
                year=value,
                first=first,
                last=last,
                default=DEFAULT_WOONDEAL_START_YEAR,
            )
        )
    elif name == "lang" and value not in LANGUAGES:
        problems.append(_text("unknown_language", value=repr(value), choices=_choices(LANGUAGES)))
    elif name == "scenario" and value not in (names := scenario_names()):
        problems.append(
            _text(
                "unknown_scenario",
                value=repr(value),
                hint=_did_you_mean(value, names),
                choices=_choices(names),
            )
        )
    elif name == "corporation" and value:
        names = corporation_names()
        match = [c for c in names if c.lower() == value.strip().lower()]
        if not match:
            problems.append(
                _text(
                    "unknown_corporation",
                    value=repr(value),
                    hint=_did_you_mean(value, names),
                    choices=_choices(names),
                )
            )
            return None
        return match[0]
    elif name == "monitoring" and value:
        path = _absolute(value, base)
        if not path.is_dir():
            problems.append(_text("no_monitoring_dir", value=repr(value), path=str(path)))
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
        raise _problems(problems)
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
        raise UserError(_text("undeclared", names=_choices(unknown), known=", ".join(SPECS)))
    return declared


def check(namespace: Mapping) -> Params:
    """Validate a notebook's parameters; call as ``p = params.check(globals())``.

    Checks every name papermill injected against the notebook's declared parameters, then the
    type and value of each declared parameter. Relative paths start from the project root, as on
    the command line run there: a kernel in JupyterLab runs in notebooks/, where the README's
    `mijn-monitor` would not be found. A problem's message reads in the notebook's `lang` (or
    the command line's language when `lang` is itself wrong).
    """
    lang = namespace.get("lang")
    lang = lang if isinstance(lang, str) and lang in LANGUAGES else user_lang()
    try:
        declared = declared_in(namespace)
        problems = _check_names(injected_names(namespace.get("In")), declared)
        if problems:
            raise _problems(problems)
        values = {name: namespace[name] for name in declared if name in namespace}
        return validate(values, declared, base=ROOT)
    except UserError as err:  # shown by the notebook (papermill) in the notebook's language
        raise UserError(_InLanguage(err.args[0], lang)) from None


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
