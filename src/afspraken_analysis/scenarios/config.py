"""Scenario specs: the checks of scenario specs and the scenario files (data/scenarios.yml plus
users' own) with their overrides; the vocabulary they use is in `vocabulary`."""

from __future__ import annotations

import contextlib
import copy
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from afspraken_analysis import yamlfile
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Text
from afspraken_analysis.paths import SCENARIOS_FILE
from afspraken_analysis.userfiles import shown

from .vocabulary import (  # noqa: F401 - the vocabulary is part of config's face
    CORPORATION_KEYS,
    DEFAULT_SCENARIO,
    DISTRIBUTIONS,
    FILE_KEYS,
    FLOW_KEYS,
    MAX_EXTENDS,
    MAX_HOMES,
    MAX_HORIZON_YEAR,
    MAX_RATE,
    MAX_YEAR,
    MIN_YEAR,
    PARAMETER_KEYS,
    PIPELINE_FLOW,
    PIPELINE_SCENARIO,
    PLAN_SOURCES,
    RATE_KEYS,
    SCENARIO_KEYS,
    STOCK_KEYS,
    TARGET_KEYS,
    TOTAL_ADDITIONS_RULES,
    TREND_INDICATORS,
    UNCERTAIN_KEYS,
    WOONDEAL_FLOWS,
    WOONDEAL_KEYS,
    YEAR_KEYS,
    Scenario,
)

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _did_you_mean(value: Any, valid: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a misspelt key or value, or '' when nothing is close."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value[:100], list(valid), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _suggest(key: str, valid: Iterable[str]) -> str:
    valid = list(valid)
    return f"{_did_you_mean(str(key), valid)}; valid keys: {', '.join(valid)}"


class ScenarioProblems(UserError):
    """Several problems in scenario input, reported at once (one line each)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        count = f"{len(problems)} problems in the scenario input:"
        super().__init__("\n  ".join([count, *problems]))


def _collect(problems: list[str], check, *args) -> None:
    """Run `check(*args)`; a UserError it raises becomes one more problem (or several)."""
    try:
        check(*args)
    except ScenarioProblems as exc:
        problems.extend(exc.problems)
    except UserError as exc:
        problems.append(str(exc))


def _raise_all(problems: list[str]) -> None:
    """Raise the problems found: the one message itself, or all of them in one error."""
    unique = list(dict.fromkeys(problems))
    if len(unique) == 1:
        raise UserError(unique[0])
    if unique:
        raise ScenarioProblems(unique)


def _unknown(kind: str, key: Any, valid: Iterable[str], where: str) -> UserError:
    return UserError(f"{where}: unknown {kind} {shown(key)}{_suggest(key, valid)}")


def _year_key(year: Any, where: str) -> int:
    if isinstance(year, bool):
        raise UserError(f"{where}: {shown(year)} is not a year")
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise UserError(f"{where}: {shown(year)} is not a year") from None
    if str(value) != str(year).strip():
        raise UserError(f"{where}: {shown(year)} is not a year")
    return value


# ---------------------------------------------------------------------------------------------
# Validation of specs (structure only; data-dependent checks happen in resolve)
# ---------------------------------------------------------------------------------------------


def _check_count(value: Any, where: str, maximum: float = MAX_HOMES) -> float:
    if not _is_number(value):
        raise UserError(f"{where}: {shown(value)} is not a number")
    if value < 0:
        raise UserError(f"{where}: {shown(value)} is negative; it must be ≥ 0")
    if value > maximum:
        raise UserError(f"{where}: {shown(value)} is too large; allowed is 0 to {maximum:,.0f}")
    return float(value)


def _check_series(series: Mapping, where: str) -> dict[int, float]:
    if not series:
        raise UserError(f"{where}: the series is empty")
    out = {}
    for year, value in series.items():
        out[_year_key(year, where)] = _check_count(value, f"{where}, year {year}")
    return out


def _check_then(key: str, spec: Any, where: str) -> None:
    if _is_number(spec) or isinstance(spec, bool):
        _check_count(spec, where)
        return
    if spec == "plan_mean":
        return
    if spec == "woondeal":
        if key not in WOONDEAL_FLOWS:
            raise UserError(
                f"{where}: 'woondeal' is a pace for {', '.join(WOONDEAL_FLOWS)} only; "
                "give a number or 'plan_mean'"
            )
        return
    names = ["plan_mean", "woondeal"] if key in WOONDEAL_FLOWS else ["plan_mean"]
    raise UserError(
        f"{where}: {shown(spec)} is not valid after a plan{_did_you_mean(spec, names)}; "
        "give a number, 'plan_mean'" + (" or 'woondeal'" if key in WOONDEAL_FLOWS else "")
    )


def _check_flow_spec(key: str, spec: Any, where: str) -> None:
    """Check a flow spec: number | pace name | {year: n} | {plan:, then:} | {pace: trend, fallback:}."""
    if _is_number(spec) or isinstance(spec, bool):
        _check_count(spec, where)
        return
    if isinstance(spec, str):
        _check_flow_name(key, spec, where)
        return
    if not isinstance(spec, Mapping):
        raise UserError(f"{where}: {shown(spec)} is not a valid flow (number, name or mapping)")
    if "plan" in spec:
        _check_plan_spec(key, spec, where)
        return
    if "pace" in spec:
        _check_trend_spec(key, spec, where)
        return
    if key in CORPORATION_KEYS:
        raise UserError(
            f"{where}: give a number, 'plan_mean', {{plan: ..., then: ...}} or {{pace: trend, ...}}"
        )
    _check_series(spec, where)


def _check_flow_name(key: str, spec: str, where: str) -> None:
    """A flow given by name: 'woondeal', 'plan_mean' or 'trend', where the key takes it."""
    per_corporation = key in CORPORATION_KEYS
    if spec == "woondeal" and key in WOONDEAL_FLOWS:
        return
    if spec == "plan_mean" and per_corporation:
        return
    if spec == "trend":
        _check_trend_key(key, where)
        return
    if spec == "pipeline" and key == PIPELINE_FLOW:
        return
    valid = ["a number", "{year: number, ...}", "{plan: ..., then: ...}", "{pace: trend, ...}"]
    names = ["trend"]
    if key == PIPELINE_FLOW:
        valid.insert(1, "'pipeline'")
        names.append("pipeline")
    if key in WOONDEAL_FLOWS:
        valid.insert(1, "'woondeal'")
        names.append("woondeal")
    if per_corporation:
        valid.insert(1, "'plan_mean'")
        names.append("plan_mean")
    raise UserError(
        f"{where}: {shown(spec)} is not a valid flow{_did_you_mean(spec, names)}; "
        f"give {', '.join(valid)}"
    )


def _check_plan_spec(key: str, spec: Mapping, where: str) -> None:
    """{plan: source or {year: n}, then: pace after the plan years}."""
    extra = set(spec) - {"plan", "then"}
    if extra:
        raise _unknown("field", sorted(extra)[0], ["plan", "then"], where)
    if "then" not in spec:
        raise UserError(f"{where}: a plan needs 'then' (the pace after the plan years)")
    _check_plan(key, spec["plan"], where)
    _check_then(key, spec["then"], f"{where}, then")


def _check_plan(key: str, plan: Any, where: str) -> None:
    per_corporation = key in CORPORATION_KEYS
    sources = [s for s, (_, keys) in PLAN_SOURCES.items() if key in keys]
    if isinstance(plan, str):
        if plan not in sources:
            choices = (
                ", ".join([*sources, "{year: number, ...}"])
                if not per_corporation
                else ", ".join(sources)
            )
            raise UserError(f"{where}: unknown plan {shown(plan)} for {key}; choose {choices}")
    elif isinstance(plan, Mapping) and not per_corporation:
        _check_series(plan, f"{where}, plan")
    else:
        choices = ", ".join(sources) if per_corporation else ", ".join([*sources, "{year: number}"])
        raise UserError(f"{where}: plan {shown(plan)} is not valid for {key}; choose {choices}")


def _check_trend_spec(key: str, spec: Mapping, where: str) -> None:
    """{pace: trend, fallback: a flow spec that is not itself a trend}."""
    extra = set(spec) - {"pace", "fallback"}
    if extra:
        raise _unknown("field", sorted(extra)[0], ["pace", "fallback"], where)
    if spec["pace"] != "trend":
        raise UserError(
            f"{where}: unknown pace {shown(spec['pace'])}{_did_you_mean(spec['pace'], ['trend'])}; "
            "the only mapped pace is 'trend'"
        )
    _check_trend_key(key, where)
    if "fallback" in spec:
        fallback = spec["fallback"]
        if (isinstance(fallback, Mapping) and "pace" in fallback) or fallback == "trend":
            raise UserError(f"{where}: the fallback of a trend cannot be a trend")
        _check_flow_spec(key, fallback, f"{where}, fallback")


def _check_trend_key(key: str, where: str) -> None:
    if key not in TREND_INDICATORS:
        raise UserError(
            f"{where}: there is no realisation indicator for {key}; 'trend' is valid for "
            f"{', '.join(TREND_INDICATORS)}"
        )


def _check_distribution(key: str, spec: Any, where: str) -> None:
    name, numbers = _distribution_numbers(spec, where)
    _check_distribution_values(key, name, numbers, where)
    per_year = spec.get("per_year", False)
    if not isinstance(per_year, bool):
        raise UserError(f"{where}, per_year: {shown(per_year)} is not true or false")
    if per_year and key in STOCK_KEYS:
        raise UserError(f"{where}: per_year is for flows and rates; {key} is a base stock")


def _distribution_numbers(spec: Any, where: str) -> tuple[str, dict[str, float]]:
    """The distribution's name and its numeric fields, after checking which fields it has."""
    if not isinstance(spec, Mapping):
        raise UserError(
            f"{where}: give a mapping such as {{distribution: uniform, low: 0.8, high: 1}}"
        )
    name = spec.get("distribution")
    if name not in DISTRIBUTIONS:
        raise UserError(
            f"{where}: unknown distribution {shown(name)}{_did_you_mean(name, DISTRIBUTIONS)}; "
            f"choose one of {', '.join(DISTRIBUTIONS)}"
        )
    required, optional = DISTRIBUTIONS[name]
    valid = ("distribution", *required, *optional, "per_year")
    for k in spec:
        if k not in valid:
            raise _unknown("field", k, valid, where)
    for k in required:
        if k not in spec:
            raise UserError(f"{where}: distribution {shown(name)} needs {', '.join(required)}")
    numbers = {}
    for k in (*required, *optional):
        if k in spec:
            if not _is_number(spec[k]):
                raise UserError(f"{where}, {k}: {shown(spec[k])} is not a number")
            numbers[k] = float(spec[k])
    return name, numbers


def _check_distribution_values(
    key: str, name: str, numbers: Mapping[str, float], where: str
) -> None:
    maximum = MAX_RATE if key in RATE_KEYS else MAX_HOMES
    for k, value in numbers.items():
        if abs(value) > maximum:
            raise UserError(f"{where}, {k}: {value:g} is too large; allowed is 0 to {maximum:,.0f}")
    for k in ("value", "low", "high", "mode"):
        if k in numbers and numbers[k] < 0:
            raise UserError(f"{where}, {k}: {numbers[k]:g} is negative; {key} must be ≥ 0")
    if name == "normal" and numbers["sd"] < 0:
        raise UserError(f"{where}, sd: {numbers['sd']:g} is negative")
    low, high = numbers.get("low"), numbers.get("high")
    if low is not None and high is not None and low > high:
        raise UserError(f"{where}: low {low:g} is above high {high:g}")
    if name == "triangular" and not low <= numbers["mode"] <= high:
        raise UserError(f"{where}: mode {numbers['mode']:g} is not between low and high")
    if name == "baseline" and key != "social_rent_stock":
        raise UserError(f"{where}: 'baseline' gives an interval for social_rent_stock only")


def _check_target(target: Any, where: str) -> None:
    if not isinstance(target, Mapping):
        raise UserError(f"{where}: give a mapping with {', '.join(TARGET_KEYS)}")
    for k in target:
        if k not in TARGET_KEYS:
            raise _unknown("target field", k, TARGET_KEYS, where)
    for k in ("share_pct", "by_year"):
        if k not in target:
            raise UserError(f"{where}: a target needs share_pct and by_year")
    _check_share(target["share_pct"], f"{where}, share_pct")
    for k in ("by_year", "from_year"):
        if k in target and (not isinstance(target[k], int) or isinstance(target[k], bool)):
            raise UserError(f"{where}, {k}: {shown(target[k])} is not a year")
    rule = target.get("total_additions", "on_top")
    if rule not in TOTAL_ADDITIONS_RULES:
        raise UserError(
            f"{where}, total_additions: {shown(rule)} is not valid"
            f"{_did_you_mean(rule, TOTAL_ADDITIONS_RULES)}; choose {', '.join(TOTAL_ADDITIONS_RULES)}"
        )


def _check_share(value: Any, where: str) -> float:
    if not _is_number(value) or not 0 < value < 100:
        raise UserError(
            f"{where}: {shown(value)} is not a percentage between 0 and 100 (exclusive)"
        )
    return float(value)


def _check_parameters(params: Mapping[str, Any], where: str) -> None:
    """Every parameter's problem at once (ScenarioProblems when there are several)."""
    problems = [
        str(_unknown("parameter", key, PARAMETER_KEYS, where))
        for key in params
        if key not in PARAMETER_KEYS
    ]
    _collect(problems, _check_years, params, where)
    _collect(problems, _check_amounts, params, where)
    for key in FLOW_KEYS + CORPORATION_KEYS:
        if key in params:
            _collect(problems, _check_flow_spec, key, params[key], f"{where}, {key}")
    _raise_all(problems)


def _check_years(params: Mapping[str, Any], where: str) -> None:
    for key in (*YEAR_KEYS, "woondeal_start_year", "woondeal_end_year"):
        if key in params:
            value = params[key]
            if not isinstance(value, int) or isinstance(value, bool):
                raise UserError(f"{where}, {key}: {shown(value)} is not a year")
            if not MIN_YEAR <= value <= MAX_YEAR:
                raise UserError(
                    f"{where}, {key}: {value} is outside the years a scenario may use "
                    f"({MIN_YEAR}-{MAX_YEAR})"
                )
    base, horizon = params.get("base_year"), params.get("horizon_year")
    if horizon is not None:
        _check_horizon(base, horizon, where)
    if params.get("woondeal_start_year", 0) > params.get("woondeal_end_year", 10**6):
        raise UserError(
            f"{where}: woondeal_start_year {params['woondeal_start_year']} is after "
            f"woondeal_end_year {params['woondeal_end_year']}"
        )


def _check_amounts(params: Mapping[str, Any], where: str) -> None:
    """Stocks, Woondeal homes and rates: numbers ≥ 0, consistent with each other."""
    for key in STOCK_KEYS + ("woondeal_homes_total", "woondeal_homes_social") + RATE_KEYS:
        if key in params:
            maximum = MAX_RATE if key in RATE_KEYS else MAX_HOMES
            _check_count(params[key], f"{where}, {key}", maximum)
    if params.get("dwellings_total") == 0:
        raise UserError(f"{where}, dwellings_total: must be > 0")
    if params.get("woondeal_homes_social", 0) > params.get("woondeal_homes_total", math.inf):
        raise UserError(f"{where}: woondeal_homes_social is above woondeal_homes_total")


def _check_horizon(base: int | None, horizon: int, where: str) -> None:
    if horizon > MAX_HORIZON_YEAR:
        raise UserError(
            f"{where}, horizon_year: {horizon} is after {MAX_HORIZON_YEAR}; choose a horizon up to "
            f"{MAX_HORIZON_YEAR}"
        )
    if base is not None and horizon < base:
        raise UserError(
            f"{where}, horizon_year: {horizon} is before base_year {base}; choose a horizon from "
            f"{base} to {MAX_HORIZON_YEAR}"
        )


def _check_blocks(parameters, uncertainty, target, where: str) -> None:
    """A scenario's parameters, uncertainty and target: every problem at once."""
    problems: list[str] = []
    _collect(problems, _check_parameters, parameters, where)
    for key, spec in uncertainty.items():
        if key not in UNCERTAIN_KEYS:
            unknown = _unknown("uncertain parameter", key, UNCERTAIN_KEYS, f"{where}, uncertainty")
            problems.append(str(unknown))
        elif spec is not None:
            _collect(problems, _check_distribution, key, spec, f"{where}, uncertainty, {key}")
    if target is not None:
        _collect(problems, _check_target, target, f"{where}, target")
    _raise_all(problems)


def _check_scenario(s: Scenario) -> Scenario:
    where = f"scenario {shown(s.name)}" + (f" ({s.source})" if s.source else "")
    _check_blocks(s.parameters, s.uncertainty, s.target, where)
    return s


# ---------------------------------------------------------------------------------------------
# Scenario files
# ---------------------------------------------------------------------------------------------


def _check_entry(name: str, entry: Any, where: str, values: bool = True) -> None:
    """A scenario entry as written in a file: every problem at once; with `values`, also those
    of its parameters, uncertainty and target (as written, before `extends` and defaults)."""
    if not isinstance(entry, Mapping):
        raise UserError(f"{where}: scenario {shown(name)} must be a mapping")
    at = f"{where}, scenario {shown(name)}"
    problems = [
        str(_unknown("key", key, SCENARIO_KEYS, at)) for key in entry if key not in SCENARIO_KEYS
    ]
    if not isinstance(entry.get("description"), str) or not entry["description"].strip():
        problems.append(f"{at}: give a one-line description")
    blocks = {}
    for key in ("parameters", "uncertainty"):
        blocks[key] = entry.get(key) or {}
        if not isinstance(blocks[key], Mapping):
            problems.append(f"{at}: {key} must be a mapping")
            blocks[key] = {}
    if entry.get("extends") is not None and not isinstance(entry["extends"], str):
        problems.append(f"{at}: extends must be a scenario name")
    if values:
        target = entry.get("target")
        _collect(problems, _check_blocks, blocks["parameters"], blocks["uncertainty"], target, at)
    _raise_all(problems)


def _read_file(path: Path, values: bool = True) -> dict:
    """A scenario file, checked whole (`values`: the entries' values too; listing skips them)."""
    content = yamlfile.read(path, Text("files.what.scenario_file")) or {}
    if not isinstance(content, Mapping):
        raise UserError(f"{path}: expected a mapping with {', '.join(FILE_KEYS)}")
    problems = [
        str(_unknown("top-level key", key, FILE_KEYS, str(path)))
        for key in content
        if key not in FILE_KEYS
    ]
    scenarios = content.get("scenarios") or {}
    if not isinstance(scenarios, Mapping):
        problems.append(f"{path}: 'scenarios' must map names to scenarios")
        scenarios = {}
    for name, entry in scenarios.items():
        _collect(problems, _check_entry, name, entry, str(path), values)
    defaults = content.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        problems.append(f"{path}: 'defaults' must be a mapping of parameters")
        defaults = {}
    _collect(problems, _check_parameters, defaults, f"{path}, defaults")
    _raise_all(problems)
    return {"defaults": dict(defaults), "scenarios": dict(scenarios), "path": Path(path)}


def _as_paths(files: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if files is None:
        return []
    if isinstance(files, str | Path):
        return [Path(files)]
    return [Path(f) for f in files]


def _catalogue(files=None, values: bool = True) -> tuple[dict, dict[str, tuple[dict, dict]]]:
    """Built-in defaults and every scenario entry with the defaults of its own file."""
    builtin = _read_file(SCENARIOS_FILE)
    entries = {name: (entry, builtin) for name, entry in builtin["scenarios"].items()}
    for path in _as_paths(files):
        with contextlib.suppress(OSError, RuntimeError):  # a symlink loop: _read_file says so
            if path.resolve() == SCENARIOS_FILE.resolve():
                continue
        user = _read_file(path, values)
        user["defaults"] = {**builtin["defaults"], **user["defaults"]}
        for name, entry in user["scenarios"].items():
            entries[name] = (entry, user)
    return builtin, entries


def _build(
    name: str, entries: Mapping[str, tuple[dict, dict]], chain: tuple[str, ...] = ()
) -> Scenario:
    if name not in entries:
        raise UserError(
            f"unknown scenario {shown(name)}{_did_you_mean(name, entries)}; "
            f"choose one of: {', '.join(entries)}"
        )
    if name in chain:
        raise UserError(f"scenario {shown(name)} extends itself via {' → '.join((*chain, name))}")
    if len(chain) >= MAX_EXTENDS:
        raise UserError(
            f"scenario {shown(chain[0])}: its chain of 'extends' is longer than {MAX_EXTENDS} "
            f"(… → {' → '.join(chain[-3:])} → {name}); extend a scenario nearer the root"
        )
    entry, file = entries[name]
    source = str(file["path"])
    if entry.get("extends") is not None:
        parent = _build(entry["extends"], entries, (*chain, name))
        parameters = dict(parent.parameters)
        uncertainty = dict(parent.uncertainty)
        target = parent.target
    else:
        parameters, uncertainty, target = dict(file["defaults"]), {}, None
    parameters.update(copy.deepcopy(entry.get("parameters") or {}))
    for key, spec in (entry.get("uncertainty") or {}).items():
        if spec is None:
            uncertainty.pop(key, None)
        else:
            uncertainty[key] = copy.deepcopy(spec)
    if "target" in entry:
        target = copy.deepcopy(entry["target"])
    return Scenario(name, entry["description"].strip(), parameters, uncertainty, target, source)


def list_scenarios(files=None) -> pd.DataFrame:
    """Every scenario: name, one-line description and the file it comes from."""
    _, entries = _catalogue(files, values=False)
    rows = [
        {
            "name": name,
            "description": entry["description"].strip().splitlines()[0],
            "source": str(file["path"]),
        }
        for name, (entry, file) in entries.items()
    ]
    return pd.DataFrame(rows, columns=["name", "description", "source"])


def scenario_names(files=None) -> list[str]:
    """The scenario names, built-in first (for parameter checks and menus)."""
    return list(_catalogue(files, values=False)[1])


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """`["KEY=VALUE", ...]` (the CLI's --set) to a dict; VALUE is read as YAML."""
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key or not text.strip():
            raise UserError(f"--set {shown(item)}: write KEY=VALUE, e.g. --set sales_per_year=20")
        value = yamlfile.load(text, f"--set {shown(key)}")
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)  # "1e3": YAML 1.1 reads it as text
        out[key] = value
    return out


def _apply_overrides(s: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    parameters = dict(s.parameters)
    uncertainty = {k: dict(v) for k, v in s.uncertainty.items()}
    target = dict(s.target) if s.target is not None else None
    for key, value in overrides.items():
        head, _, rest = key.partition(".")
        value = copy.deepcopy(value)
        if head == "uncertainty" and rest:
            name, _, fld = rest.partition(".")
            if name not in UNCERTAIN_KEYS:
                raise _unknown(
                    "uncertain parameter", name, UNCERTAIN_KEYS, f"override {shown(key)}"
                )
            if not fld:
                if value is None:
                    uncertainty.pop(name, None)
                else:
                    uncertainty[name] = value
            elif name not in uncertainty:
                raise UserError(
                    f"override {shown(key)}: {name} has no distribution in scenario {shown(s.name)}; set the "
                    f"whole entry, e.g. uncertainty.{name}={{distribution: uniform, low: 0, high: 1}}"
                )
            else:
                uncertainty[name][fld] = value
        elif head == "target":
            target = {**(target or {}), rest: value} if rest else value
        elif key in PARAMETER_KEYS:
            parameters[key] = value
        else:
            valid = [*PARAMETER_KEYS, "uncertainty.<key>", "target.<field>"]
            raise _unknown("key", key, valid, "override")
    return _check_scenario(
        replace(s, parameters=parameters, uncertainty=uncertainty, target=target)
    )


def scenario(
    name: str = DEFAULT_SCENARIO,
    *,
    files=None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Scenario:
    """A named scenario from data/scenarios.yml (plus user `files`), with overrides applied.

    `overrides` maps parameter names to values; `uncertainty.KEY` and `target.FIELD` reach the
    other blocks. A list of "KEY=VALUE" strings (as on the command line) works too.
    """
    _, entries = _catalogue(files)
    s = _check_scenario(_build(name, entries))
    if overrides:
        if not isinstance(overrides, Mapping):
            overrides = parse_overrides(overrides)
        s = _apply_overrides(s, overrides)
    return s


def scenario_from_dict(spec: Mapping[str, Any], name: str = "custom", *, files=None) -> Scenario:
    """A scenario from a mapping shaped like an entry of the YAML file (notebooks, tests). Without
    `extends` it starts from the built-in defaults; with `extends` from the named scenario."""
    builtin, entries = _catalogue(files)
    spec = {"description": "(custom)", **spec}
    _check_entry(name, spec, "<dict>")
    file = {"defaults": dict(builtin["defaults"]), "path": Path("<dict>")}
    return _check_scenario(_build(name, {**entries, name: (spec, file)}))
