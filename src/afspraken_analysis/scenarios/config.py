"""Scenario specs: the checks of scenario specs and the scenario files (data/scenarios.yml plus
users' own) with their overrides; the vocabulary they use is in `vocabulary`."""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from afspraken_analysis import yamlfile
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Number, Text
from afspraken_analysis.paths import SCENARIOS_FILE
from afspraken_analysis.userfiles import shown

from .messages import Joined, at, at_year, did_you_mean, listed, problem, text
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


class ScenarioProblems(UserError):
    """Several problems in scenario input, reported at once (one line each)."""

    def __init__(self, problems: list):
        self.problems = problems
        count = text("count", n=len(problems))
        super().__init__(Joined([count, *problems], sep="\n  "))


def _collect(problems: list, check, *args) -> None:
    """Run `check(*args)`; a UserError it raises becomes one more problem (or several)."""
    try:
        check(*args)
    except ScenarioProblems as exc:
        problems.extend(exc.problems)
    except UserError as exc:
        problems.append(exc.args[0] if exc.args else str(exc))


def _raise_all(problems: list) -> None:
    """Raise the problems found: the one message itself, or all of them in one error."""
    unique = list({str(Joined([p])): p for p in problems}.values())
    if len(unique) == 1:
        raise UserError(unique[0])
    if unique:
        raise ScenarioProblems(unique)


UNKNOWN_KINDS = ("field", "target_field", "parameter", "uncertain", "key", "top_key")


def _unknown(kind: str, key: Any, valid: Iterable[str], where: Any) -> UserError:
    """`kind` is one of UNKNOWN_KINDS (the label scenario.problem.unknown_<kind>)."""
    valid = list(valid)
    hint = did_you_mean(str(key), valid)
    return problem(f"unknown_{kind}", where=where, key=shown(key), hint=hint, valid=listed(valid))


def _year_key(year: Any, where: str) -> int:
    if isinstance(year, bool):
        raise problem("not_a_year", where=where, value=shown(year))
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise problem("not_a_year", where=where, value=shown(year)) from None
    if str(value) != str(year).strip():
        raise problem("not_a_year", where=where, value=shown(year))
    return value


# ---------------------------------------------------------------------------------------------
# Validation of specs (structure only; data-dependent checks happen in resolve)
# ---------------------------------------------------------------------------------------------


def _check_count(value: Any, where: Any, maximum: float = MAX_HOMES) -> float:
    if not _is_number(value):
        raise problem("not_a_number", where=where, value=shown(value))
    if value < 0:
        raise problem("negative", where=where, value=shown(value))
    if value > maximum:
        raise problem("too_large", where=where, value=shown(value), maximum=Number(maximum, 0))
    return float(value)


def _check_series(series: Mapping, where: Any) -> dict[int, float]:
    if not series:
        raise problem("series_empty", where=where)
    out = {}
    for year, value in series.items():
        out[_year_key(year, where)] = _check_count(value, at_year(where, year))
    return out


def _check_then(key: str, spec: Any, where: Any) -> None:
    if _is_number(spec) or isinstance(spec, bool):
        _check_count(spec, where)
        return
    if spec == "plan_mean":
        return
    if spec == "woondeal":
        if key not in WOONDEAL_FLOWS:
            raise problem("woondeal_only", where=where, flows=listed(WOONDEAL_FLOWS))
        return
    names = ["plan_mean", "woondeal"] if key in WOONDEAL_FLOWS else ["plan_mean"]
    raise problem(
        "then_invalid_woondeal" if key in WOONDEAL_FLOWS else "then_invalid",
        where=where,
        value=shown(spec),
        hint=did_you_mean(spec, names),
    )


def _check_flow_spec(key: str, spec: Any, where: Any) -> None:
    """Check a flow spec: number | pace name | {year: n} | {plan:, then:} | {pace: trend, fallback:}."""
    if _is_number(spec) or isinstance(spec, bool):
        _check_count(spec, where)
        return
    if isinstance(spec, str):
        _check_flow_name(key, spec, where)
        return
    if not isinstance(spec, Mapping):
        raise problem("flow_invalid", where=where, value=shown(spec))
    if "plan" in spec:
        _check_plan_spec(key, spec, where)
        return
    if "pace" in spec:
        _check_trend_spec(key, spec, where)
        return
    if key in CORPORATION_KEYS:
        raise problem("corporation_flow_form", where=where)
    _check_series(spec, where)


def _check_flow_name(key: str, spec: str, where: Any) -> None:
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
    names = [
        name
        for name, valid in (
            ("plan_mean", per_corporation),
            ("woondeal", key in WOONDEAL_FLOWS),
            ("pipeline", key == PIPELINE_FLOW),
        )
        if valid
    ]
    raise problem(
        "flow_name_invalid",
        where=where,
        value=shown(spec),
        hint=did_you_mean(spec, ["trend", *names]),
        names="".join(f"'{name}', " for name in names),
    )


def _check_plan_spec(key: str, spec: Mapping, where: Any) -> None:
    """{plan: source or {year: n}, then: pace after the plan years}."""
    extra = set(spec) - {"plan", "then"}
    if extra:
        raise _unknown("field", sorted(extra)[0], ["plan", "then"], where)
    if "then" not in spec:
        raise problem("plan_needs_then", where=where)
    _check_plan(key, spec["plan"], where)
    _check_then(key, spec["then"], at(where, "then"))


def _check_plan(key: str, plan: Any, where: Any) -> None:
    per_corporation = key in CORPORATION_KEYS
    sources = [s for s, (_, keys) in PLAN_SOURCES.items() if key in keys]
    choices = Joined(sources if per_corporation else [*sources, text("series_form")])
    if isinstance(plan, str):
        if plan not in sources:
            raise problem("unknown_plan", where=where, plan=shown(plan), key=key, choices=choices)
    elif isinstance(plan, Mapping) and not per_corporation:
        _check_series(plan, at(where, "plan"))
    else:
        raise problem("plan_invalid", where=where, plan=shown(plan), key=key, choices=choices)


def _check_trend_spec(key: str, spec: Mapping, where: Any) -> None:
    """{pace: trend, fallback: a flow spec that is not itself a trend}."""
    extra = set(spec) - {"pace", "fallback"}
    if extra:
        raise _unknown("field", sorted(extra)[0], ["pace", "fallback"], where)
    if spec["pace"] != "trend":
        hint = did_you_mean(spec["pace"], ["trend"])
        raise problem("unknown_pace", where=where, pace=shown(spec["pace"]), hint=hint)
    _check_trend_key(key, where)
    if "fallback" in spec:
        fallback = spec["fallback"]
        if (isinstance(fallback, Mapping) and "pace" in fallback) or fallback == "trend":
            raise problem("fallback_trend", where=where)
        _check_flow_spec(key, fallback, at(where, "fallback"))


def _check_trend_key(key: str, where: Any) -> None:
    if key not in TREND_INDICATORS:
        raise problem("trend_no_indicator", where=where, key=key, keys=listed(TREND_INDICATORS))


def _check_distribution(key: str, spec: Any, where: Any) -> None:
    name, numbers = _distribution_numbers(spec, where)
    _check_distribution_values(key, name, numbers, where)
    per_year = spec.get("per_year", False)
    if not isinstance(per_year, bool):
        raise problem("not_boolean", where=at(where, "per_year"), value=shown(per_year))
    if per_year and key in STOCK_KEYS:
        raise problem("per_year_stock", where=where, key=key)


def _distribution_numbers(spec: Any, where: Any) -> tuple[str, dict[str, float]]:
    """The distribution's name and its numeric fields, after checking which fields it has."""
    if not isinstance(spec, Mapping):
        raise problem("distribution_mapping", where=where)
    name = spec.get("distribution")
    if name not in DISTRIBUTIONS:
        raise problem(
            "unknown_distribution",
            where=where,
            name=shown(name),
            hint=did_you_mean(name, DISTRIBUTIONS),
            choices=listed(DISTRIBUTIONS),
        )
    required, optional = DISTRIBUTIONS[name]
    valid = ("distribution", *required, *optional, "per_year")
    for k in spec:
        if k not in valid:
            raise _unknown("field", k, valid, where)
    for k in required:
        if k not in spec:
            raise problem(
                "distribution_needs", where=where, name=shown(name), fields=listed(required)
            )
    numbers = {}
    for k in (*required, *optional):
        if k in spec:
            if not _is_number(spec[k]):
                raise problem("not_a_number", where=at(where, k), value=shown(spec[k]))
            numbers[k] = float(spec[k])
    return name, numbers


def _check_distribution_values(
    key: str, name: str, numbers: Mapping[str, float], where: Any
) -> None:
    maximum = MAX_RATE if key in RATE_KEYS else MAX_HOMES
    for k, value in numbers.items():
        if abs(value) > maximum:
            raise problem(
                "too_large", where=at(where, k), value=f"{value:g}", maximum=Number(maximum, 0)
            )
    for k in ("value", "low", "high", "mode"):
        if k in numbers and numbers[k] < 0:
            raise problem("negative_for", where=at(where, k), value=f"{numbers[k]:g}", key=key)
    if name == "normal" and numbers["sd"] < 0:
        raise problem("sd_negative", where=at(where, "sd"), value=f"{numbers['sd']:g}")
    low, high = numbers.get("low"), numbers.get("high")
    if low is not None and high is not None and low > high:
        raise problem("low_above_high", where=where, low=f"{low:g}", high=f"{high:g}")
    if name == "triangular" and not low <= numbers["mode"] <= high:
        raise problem("mode_outside", where=where, mode=f"{numbers['mode']:g}")
    if name == "baseline" and key != "social_rent_stock":
        raise problem("baseline_only", where=where)


def _check_target(target: Any, where: Any) -> None:
    if not isinstance(target, Mapping):
        raise problem("target_mapping", where=where, keys=listed(TARGET_KEYS))
    for k in target:
        if k not in TARGET_KEYS:
            raise _unknown("target_field", k, TARGET_KEYS, where)
    for k in ("share_pct", "by_year"):
        if k not in target:
            raise problem("target_needs", where=where)
    _check_share(target["share_pct"], at(where, "share_pct"))
    for k in ("by_year", "from_year"):
        if k in target and (not isinstance(target[k], int) or isinstance(target[k], bool)):
            raise problem("not_a_year", where=at(where, k), value=shown(target[k]))
    _check_total_additions(target.get("total_additions", "on_top"), at(where, "total_additions"))


def _check_total_additions(rule: Any, where: Any = "total_additions") -> None:
    if rule not in TOTAL_ADDITIONS_RULES:
        raise problem(
            "not_valid_choose",
            where=where,
            value=shown(rule),
            hint=did_you_mean(rule, TOTAL_ADDITIONS_RULES),
            choices=listed(TOTAL_ADDITIONS_RULES),
        )


def _check_share(value: Any, where: Any) -> float:
    if not _is_number(value) or not 0 < value < 100:
        raise problem("not_a_percentage", where=where, value=shown(value))
    return float(value)


def _check_parameters(params: Mapping[str, Any], where: Any) -> None:
    """Every parameter's problem at once (ScenarioProblems when there are several)."""
    problems = [
        _unknown("parameter", key, PARAMETER_KEYS, where).args[0]
        for key in params
        if key not in PARAMETER_KEYS
    ]
    _collect(problems, _check_years, params, where)
    _collect(problems, _check_amounts, params, where)
    for key in FLOW_KEYS + CORPORATION_KEYS:
        if key in params:
            _collect(problems, _check_flow_spec, key, params[key], at(where, key))
    _raise_all(problems)


def _check_years(params: Mapping[str, Any], where: Any) -> None:
    for key in (*YEAR_KEYS, "woondeal_start_year", "woondeal_end_year"):
        if key in params:
            value = params[key]
            if not isinstance(value, int) or isinstance(value, bool):
                raise problem("not_a_year", where=at(where, key), value=shown(value))
            if not MIN_YEAR <= value <= MAX_YEAR:
                raise problem(
                    "year_outside", where=at(where, key), value=value, low=MIN_YEAR, high=MAX_YEAR
                )
    base, horizon = params.get("base_year"), params.get("horizon_year")
    if horizon is not None:
        _check_horizon(base, horizon, where)
    if params.get("woondeal_start_year", 0) > params.get("woondeal_end_year", 10**6):
        raise problem(
            "woondeal_years",
            where=where,
            start=params["woondeal_start_year"],
            end=params["woondeal_end_year"],
        )


def _check_amounts(params: Mapping[str, Any], where: Any) -> None:
    """Stocks, Woondeal homes and rates: numbers ≥ 0, consistent with each other."""
    for key in STOCK_KEYS + ("woondeal_homes_total", "woondeal_homes_social") + RATE_KEYS:
        if key in params:
            maximum = MAX_RATE if key in RATE_KEYS else MAX_HOMES
            _check_count(params[key], at(where, key), maximum)
    if params.get("dwellings_total") == 0:
        raise problem("must_be_positive", where=at(where, "dwellings_total"))
    if params.get("woondeal_homes_social", 0) > params.get("woondeal_homes_total", math.inf):
        raise problem("woondeal_social_above_total", where=where)


def _check_horizon(base: int | None, horizon: int, where: Any) -> None:
    where = at(where, "horizon_year")
    if horizon > MAX_HORIZON_YEAR:
        raise problem("horizon_after", where=where, horizon=horizon, maximum=MAX_HORIZON_YEAR)
    if base is not None and horizon < base:
        raise problem(
            "horizon_before", where=where, horizon=horizon, base=base, maximum=MAX_HORIZON_YEAR
        )


def _check_blocks(parameters, uncertainty, target, where: Any) -> None:
    """A scenario's parameters, uncertainty and target: every problem at once."""
    problems: list = []
    _collect(problems, _check_parameters, parameters, where)
    for key, spec in uncertainty.items():
        if key not in UNCERTAIN_KEYS:
            unknown = _unknown("uncertain", key, UNCERTAIN_KEYS, at(where, "uncertainty"))
            problems.append(unknown.args[0])
        elif spec is not None:
            _collect(problems, _check_distribution, key, spec, at(where, "uncertainty", key))
    if target is not None:
        _collect(problems, _check_target, target, at(where, "target"))
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
        raise problem("entry_mapping", where=where, name=shown(name))
    here = f"{where}, scenario {shown(name)}"
    problems = [
        _unknown("key", key, SCENARIO_KEYS, here).args[0]
        for key in entry
        if key not in SCENARIO_KEYS
    ]
    if not isinstance(entry.get("description"), str) or not entry["description"].strip():
        problems.append(text("needs_description", where=here))
    blocks = {}
    for key in ("parameters", "uncertainty"):
        blocks[key] = entry.get(key) or {}
        if not isinstance(blocks[key], Mapping):
            problems.append(text("block_mapping", where=here, key=key))
            blocks[key] = {}
    if entry.get("extends") is not None and not isinstance(entry["extends"], str):
        problems.append(text("extends_name", where=here))
    if values:
        target = entry.get("target")
        _collect(problems, _check_blocks, blocks["parameters"], blocks["uncertainty"], target, here)
    _raise_all(problems)


def _read_file(path: Path, values: bool = True) -> dict:
    """A scenario file, checked whole (`values`: the entries' values too; listing skips them)."""
    content = yamlfile.read(path, Text("files.what.scenario_file")) or {}
    if not isinstance(content, Mapping):
        raise problem("file_mapping", where=str(path), keys=listed(FILE_KEYS))
    problems = [
        _unknown("top_key", key, FILE_KEYS, str(path)).args[0]
        for key in content
        if key not in FILE_KEYS
    ]
    scenarios = content.get("scenarios") or {}
    if not isinstance(scenarios, Mapping):
        problems.append(text("scenarios_mapping", where=str(path)))
        scenarios = {}
    for name, entry in scenarios.items():
        _collect(problems, _check_entry, name, entry, str(path), values)
    defaults = content.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        problems.append(text("defaults_mapping", where=str(path)))
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
        raise problem(
            "unknown_scenario",
            name=shown(name),
            hint=did_you_mean(name, entries),
            choices=listed(entries),
        )
    if name in chain:
        raise problem("extends_itself", name=shown(name), chain=" → ".join((*chain, name)))
    if len(chain) >= MAX_EXTENDS:
        raise problem(
            "extends_too_long",
            name=shown(chain[0]),
            maximum=MAX_EXTENDS,
            tail=" → ".join((*chain[-3:], name)),
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
        key, sep, value_text = item.partition("=")
        key = key.strip()
        if not sep or not key or not value_text.strip():
            raise problem("set_form", item=shown(item))
        value = yamlfile.load(value_text, f"--set {shown(key)}")
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
                raise _unknown("uncertain", name, UNCERTAIN_KEYS, text("override", key=shown(key)))
            if not fld:
                if value is None:
                    uncertainty.pop(name, None)
                else:
                    uncertainty[name] = value
            elif name not in uncertainty:
                raise problem(
                    "no_distribution",
                    where=text("override", key=shown(key)),
                    name=name,
                    scenario=shown(s.name),
                )
            else:
                uncertainty[name][fld] = value
        elif head == "target":
            target = {**(target or {}), rest: value} if rest else value
        elif key in PARAMETER_KEYS:
            parameters[key] = value
        else:
            valid = [*PARAMETER_KEYS, "uncertainty.<key>", "target.<field>"]
            raise _unknown("key", key, valid, text("override_any"))
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
