"""Scenario engine: where do the dwelling stock and the corporations' social-rent stock land?

A stock-flow model of Apeldoorn's total dwelling stock and the corporations' social-rent stock, per
year from a base year to a horizon (default 2030, at most 2040), with named scenarios from
`data/scenarios.yml`, Monte Carlo uncertainty, and a closed-form answer to "how many social-rent
homes a year does a target share take?". Retrofit (label B) and solar-panel projections per
corporation sit alongside. Full description: docs/scenarios.md.

Year convention: the row for year y holds the stocks at the end of y (= 1 January y+1). The row
for `base_year` holds the given base stocks; every later row is the previous row plus that year's
flows:

    dwellings_total[y]   = dwellings_total[y-1] + additions_total - demolitions_total
    social_rent_stock[y] = social_rent_stock[y-1] + additions_social - demolitions_social
                           - sales - liberalisations + acquisitions

Social additions are part of total additions and social demolitions part of total demolitions;
sales, liberalisations and acquisitions move homes between segments and leave the total unchanged.
Delivery rates scale the planned additions: effective social additions = delivery_rate *
delivery_rate_social * planned social additions; effective total additions = delivery_rate *
planned total additions - delivery_rate * (1 - delivery_rate_social) * planned social additions
(social homes that do not come are not replaced by other homes).

The deterministic projection is the Monte Carlo arithmetic with one run and no draws, so the two
cannot drift apart.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import difflib
import math
import sys
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from .errors import UserError
from .paths import SCENARIOS_FILE

# ---------------------------------------------------------------------------------------------
# Vocabulary: the parameter names are a contract with the notebooks, the report and user files.
# ---------------------------------------------------------------------------------------------

YEAR_KEYS = ("base_year", "horizon_year")
STOCK_KEYS = ("dwellings_total", "social_rent_stock")
FLOW_KEYS = (
    "additions_total_per_year",
    "additions_social_per_year",
    "demolitions_total_per_year",
    "demolitions_social_per_year",
    "sales_per_year",
    "liberalisations_per_year",
    "acquisitions_per_year",
)
RATE_KEYS = ("delivery_rate", "delivery_rate_social")
WOONDEAL_KEYS = (
    "woondeal_homes_total",
    "woondeal_homes_social",
    "woondeal_start_year",
    "woondeal_end_year",
)
CORPORATION_KEYS = ("retrofits_label_b_per_year", "solar_panels_per_year")
PARAMETER_KEYS = YEAR_KEYS + STOCK_KEYS + FLOW_KEYS + RATE_KEYS + WOONDEAL_KEYS + CORPORATION_KEYS
UNCERTAIN_KEYS = STOCK_KEYS + FLOW_KEYS + RATE_KEYS

FILE_KEYS = ("defaults", "scenarios")
SCENARIO_KEYS = ("description", "extends", "parameters", "uncertainty", "target")
TARGET_KEYS = ("share_pct", "by_year", "from_year", "total_additions")
TOTAL_ADDITIONS_RULES = ("on_top", "fixed")
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (required fields, optional fields); every distribution also takes `per_year`.
    "fixed": (("value",), ()),
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "baseline": ((), ()),
}
MAX_HORIZON_YEAR = 2040
DEFAULT_SCENARIO = "afspraken"
DEFAULT_THRESHOLDS = (25.0, 30.0)
DEFAULT_PERCENTILES = (10, 50, 90)

# Named plan sources: the annex tables, read through data.load (never hard-coded here).
PLAN_SOURCES = {
    "annex2": ("new_builds_social", ("additions_social_per_year",)),
    "annex3": ("retrofits_label_b", ("retrofits_label_b_per_year",)),
    "annex4": ("solar_panels", ("solar_panels_per_year",)),
}
WOONDEAL_FLOWS = {
    "additions_total_per_year": "woondeal_homes_total",
    "additions_social_per_year": "woondeal_homes_social",
}
# Monitoring indicator behind each `trend` pace; "difference" means the yearly change of a level.
TREND_INDICATORS = {
    "additions_social_per_year": ("social_new_builds", False),
    "additions_total_per_year": ("dwellings_total", True),
    "sales_per_year": ("homes_sold", False),
    "retrofits_label_b_per_year": ("retrofits_label_b", False),
    "solar_panels_per_year": ("solar_panels_cumulative", True),
}
REALISATION_COLUMNS = ("year", "indicator", "party", "value")

# ---------------------------------------------------------------------------------------------
# Output schemas (descriptions written once; docs/scenarios.md points here).
# ---------------------------------------------------------------------------------------------

_FLOW_DESCRIPTIONS = {
    "additions_total_per_year": "Homes added to the total stock in the year (after delivery rates)",
    "additions_social_per_year": "Social-rent homes added by the corporations in the year "
    "(after delivery rates; part of additions_total_per_year)",
    "demolitions_total_per_year": "Homes demolished in the year",
    "demolitions_social_per_year": "Social-rent homes demolished (part of demolitions_total_per_year)",
    "sales_per_year": "Social-rent homes sold by the corporations (stay in the total stock)",
    "liberalisations_per_year": "Social-rent homes moved to the non-social segment",
    "acquisitions_per_year": "Homes bought by the corporations into social rent",
}


def _stock_col(description: str) -> pa.Column:
    return pa.Column(float, pa.Check.ge(0), description=description, metadata={"unit": "homes"})


PROJECTION_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(
            "int64",
            description="Year; the row holds the stocks at the end of the year (1 January of the next)",
        ),
        "dwellings_total": _stock_col("Total dwelling stock of gemeente Apeldoorn"),
        "social_rent_stock": _stock_col("Social-rent stock of the corporations"),
        "social_rent_share_pct": pa.Column(
            float,
            pa.Check.in_range(0, 100),
            description="social_rent_stock as a percentage of dwellings_total",
            metadata={"unit": "percent"},
        ),
        **{
            key: pa.Column(
                float,
                pa.Check.ge(0),
                nullable=True,
                description=f"{text}; empty on the base-year row",
                metadata={"unit": "homes"},
            )
            for key, text in _FLOW_DESCRIPTIONS.items()
        },
    },
    strict=True,
    ordered=True,
)


def _monte_carlo_schema(
    percentiles: Sequence[float], thresholds: Sequence[float]
) -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {"year": pa.Column("int64", description="Year (end of year)")}
    for name, unit in (
        ("dwellings_total", "homes"),
        ("social_rent_stock", "homes"),
        ("social_rent_share_pct", "percent"),
    ):
        for q in percentiles:
            columns[f"{name}_p{_fmt_q(q)}"] = pa.Column(
                float,
                description=f"{name}: percentile {_fmt_q(q)} over the runs",
                metadata={"unit": unit},
            )
    columns["social_rent_share_pct_mean"] = pa.Column(float, description="Mean share over the runs")
    for t in thresholds:
        columns[f"chance_share_ge_{_fmt_q(t)}_pct"] = pa.Column(
            float,
            pa.Check.in_range(0, 100),
            description=f"Percentage of runs with a social-rent share of at least {_fmt_q(t)} %",
            metadata={"unit": "percent"},
        )
    return pa.DataFrameSchema(columns, strict=True, ordered=True)


CORPORATION_SCHEMA = pa.DataFrameSchema(
    {
        "corporation": pa.Column("string", description="Housing corporation"),
        "year": pa.Column("int64", description="Year (end of year)"),
        "planned_homes": pa.Column(
            float,
            nullable=True,
            description="Annex plan for the year; empty outside the plan years",
        ),
        "planned_homes_cumulative": pa.Column(
            float, nullable=True, description="Annex plan, cumulative; empty after the plan years"
        ),
        "homes": pa.Column(
            float, nullable=True, description="Projected homes in the year; empty on the base row"
        ),
        "homes_cumulative": pa.Column(float, pa.Check.ge(0), description="Projected, cumulative"),
        "stock_homes": pa.Column(
            float,
            nullable=True,
            description="Corporation stock used for the share; empty if unknown",
        ),
        "share_of_stock_pct": pa.Column(
            float, nullable=True, description="homes_cumulative as a percentage of stock_homes"
        ),
        "is_capped": pa.Column(
            bool, description="True where the projection was capped at the corporation's stock"
        ),
    },
    strict=True,
    ordered=True,
)

# ---------------------------------------------------------------------------------------------
# Data types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: parameter specs as written (not yet resolved against data)."""

    name: str
    description: str
    parameters: Mapping[str, Any]
    uncertainty: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    target: Mapping[str, Any] | None = None
    source: str = ""


@dataclass(frozen=True, eq=False)
class Model:
    """A scenario resolved to numbers: base stocks and one planned value per flow and year.

    `flows[key]` has one value per projection year (base_year + 1 .. horizon_year), before the
    delivery rates. `uncertainty` holds numeric distributions only. `notes` say where each number
    comes from; they are the assumptions printed with every answer.
    """

    name: str
    base_year: int
    horizon_year: int
    dwellings_total: float
    social_rent_stock: float
    flows: Mapping[str, np.ndarray]
    delivery_rate: float = 1.0
    delivery_rate_social: float = 1.0
    uncertainty: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def years(self) -> np.ndarray:
        """All rows: base_year .. horizon_year."""
        return np.arange(self.base_year, self.horizon_year + 1)


class Simulation(NamedTuple):
    """Monte Carlo result. Arrays are year-major, shape (len(years), runs): each year's runs are
    contiguous, so a year step is one vector add and a percentile partitions one row."""

    years: np.ndarray
    dwellings_total: np.ndarray
    social_rent_stock: np.ndarray
    social_rent_share_pct: np.ndarray
    runs: int
    seed: int
    draws: dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class Solution:
    """What a target share takes: constant social additions from `from_year` on."""

    scenario: str
    target_share_pct: float
    by_year: int
    from_year: int
    total_additions: str
    additions_social_per_year: float
    scenario_additions_social_per_year: float
    share_without_pct: float
    share_check_pct: float
    feasible: bool
    message: str
    notes: tuple[str, ...]
    model: Model | None


@dataclass(frozen=True)
class _Context:
    """What resolution may read: data tables, realisations and the baseline (each optional)."""

    tables: Mapping[str, pd.DataFrame] | None = None
    realisations: pd.DataFrame | None = None
    base: Mapping[str, Any] | None = None

    def table(self, name: str) -> pd.DataFrame:
        if self.tables is not None and name in self.tables:
            return self.tables[name]
        from .data import load

        return load(name)

    def base_stocks(self) -> Mapping[str, Any]:
        if self.base is not None:
            return self.base
        try:
            from .baseline import base_stocks
        except ImportError as exc:
            raise UserError(
                "base stocks are not given and the baseline module is not available "
                f"({exc}); give base_year, dwellings_total and social_rent_stock, e.g. "
                "--set base_year=2023 --set dwellings_total=75659 --set social_rent_stock=20000"
            ) from None
        return base_stocks()


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _fmt_q(q: float) -> str:
    return f"{q:g}".replace(".", "_")


def _num(value: float, decimals: int = 1) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _suggest(key: str, valid: Iterable[str]) -> str:
    valid = list(valid)
    close = difflib.get_close_matches(str(key), valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{hint}; valid keys: {', '.join(valid)}"


def _unknown(kind: str, key: Any, valid: Iterable[str], where: str) -> UserError:
    return UserError(f"{where}: unknown {kind} {key!r}{_suggest(key, valid)}")


def _year_key(year: Any, where: str) -> int:
    if isinstance(year, bool):
        raise UserError(f"{where}: {year!r} is not a year")
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise UserError(f"{where}: {year!r} is not a year") from None
    if str(value) != str(year).strip():
        raise UserError(f"{where}: {year!r} is not a year")
    return value


# ---------------------------------------------------------------------------------------------
# Validation of specs (structure only; data-dependent checks happen in resolve)
# ---------------------------------------------------------------------------------------------


def _check_count(value: Any, where: str) -> float:
    if not _is_number(value):
        raise UserError(f"{where}: {value!r} is not a number")
    if value < 0:
        raise UserError(f"{where}: {value!r} is negative; it must be ≥ 0")
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
    raise UserError(
        f"{where}: {spec!r} is not valid after a plan; give a number, 'plan_mean'"
        + (" or 'woondeal'" if key in WOONDEAL_FLOWS else "")
    )


def _check_flow_spec(key: str, spec: Any, where: str) -> None:
    """Check a flow spec: number | pace name | {year: n} | {plan:, then:} | {pace: trend, fallback:}."""
    per_corporation = key in CORPORATION_KEYS
    if _is_number(spec) or isinstance(spec, bool):
        _check_count(spec, where)
        return
    if isinstance(spec, str):
        if spec == "woondeal" and key in WOONDEAL_FLOWS:
            return
        if spec == "plan_mean" and per_corporation:
            return
        if spec == "trend":
            _check_trend_key(key, where)
            return
        valid = ["a number", "{year: number, ...}", "{plan: ..., then: ...}", "{pace: trend, ...}"]
        if key in WOONDEAL_FLOWS:
            valid.insert(1, "'woondeal'")
        if per_corporation:
            valid.insert(1, "'plan_mean'")
        raise UserError(f"{where}: {spec!r} is not a valid flow; give {', '.join(valid)}")
    if not isinstance(spec, Mapping):
        raise UserError(f"{where}: {spec!r} is not a valid flow (number, name or mapping)")
    if "plan" in spec:
        extra = set(spec) - {"plan", "then"}
        if extra:
            raise _unknown("field", sorted(extra)[0], ["plan", "then"], where)
        if "then" not in spec:
            raise UserError(f"{where}: a plan needs 'then' (the pace after the plan years)")
        plan = spec["plan"]
        sources = [s for s, (_, keys) in PLAN_SOURCES.items() if key in keys]
        if isinstance(plan, str):
            if plan not in sources:
                choices = (
                    ", ".join([*sources, "{year: number, ...}"])
                    if not per_corporation
                    else ", ".join(sources)
                )
                raise UserError(f"{where}: unknown plan {plan!r} for {key}; choose {choices}")
        elif isinstance(plan, Mapping) and not per_corporation:
            _check_series(plan, f"{where}, plan")
        else:
            choices = (
                ", ".join(sources) if per_corporation else ", ".join([*sources, "{year: number}"])
            )
            raise UserError(f"{where}: plan {plan!r} is not valid for {key}; choose {choices}")
        _check_then(key, spec["then"], f"{where}, then")
        return
    if "pace" in spec:
        extra = set(spec) - {"pace", "fallback"}
        if extra:
            raise _unknown("field", sorted(extra)[0], ["pace", "fallback"], where)
        if spec["pace"] != "trend":
            raise UserError(
                f"{where}: unknown pace {spec['pace']!r}; the only mapped pace is 'trend'"
            )
        _check_trend_key(key, where)
        if "fallback" in spec:
            fallback = spec["fallback"]
            if (isinstance(fallback, Mapping) and "pace" in fallback) or fallback == "trend":
                raise UserError(f"{where}: the fallback of a trend cannot be a trend")
            _check_flow_spec(key, fallback, f"{where}, fallback")
        return
    if per_corporation:
        raise UserError(
            f"{where}: give a number, 'plan_mean', {{plan: ..., then: ...}} or {{pace: trend, ...}}"
        )
    _check_series(spec, where)


def _check_trend_key(key: str, where: str) -> None:
    if key not in TREND_INDICATORS:
        raise UserError(
            f"{where}: there is no realisation indicator for {key}; 'trend' is valid for "
            f"{', '.join(TREND_INDICATORS)}"
        )


def _check_distribution(key: str, spec: Any, where: str) -> None:
    if not isinstance(spec, Mapping):
        raise UserError(
            f"{where}: give a mapping such as {{distribution: uniform, low: 0.8, high: 1}}"
        )
    name = spec.get("distribution")
    if name not in DISTRIBUTIONS:
        raise UserError(
            f"{where}: unknown distribution {name!r}; choose one of {', '.join(DISTRIBUTIONS)}"
        )
    required, optional = DISTRIBUTIONS[name]
    valid = ("distribution", *required, *optional, "per_year")
    for k in spec:
        if k not in valid:
            raise _unknown("field", k, valid, where)
    for k in required:
        if k not in spec:
            raise UserError(f"{where}: distribution {name!r} needs {', '.join(required)}")
    numbers = {}
    for k in (*required, *optional):
        if k in spec:
            if not _is_number(spec[k]):
                raise UserError(f"{where}, {k}: {spec[k]!r} is not a number")
            numbers[k] = float(spec[k])
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
    per_year = spec.get("per_year", False)
    if not isinstance(per_year, bool):
        raise UserError(f"{where}, per_year: {per_year!r} is not true or false")
    if per_year and key in STOCK_KEYS:
        raise UserError(f"{where}: per_year is for flows and rates; {key} is a base stock")


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
            raise UserError(f"{where}, {k}: {target[k]!r} is not a year")
    rule = target.get("total_additions", "on_top")
    if rule not in TOTAL_ADDITIONS_RULES:
        raise UserError(
            f"{where}, total_additions: {rule!r} is not valid; choose {', '.join(TOTAL_ADDITIONS_RULES)}"
        )


def _check_share(value: Any, where: str) -> float:
    if not _is_number(value) or not 0 < value < 100:
        raise UserError(f"{where}: {value!r} is not a percentage between 0 and 100 (exclusive)")
    return float(value)


def _check_parameters(params: Mapping[str, Any], where: str) -> None:
    for key in params:
        if key not in PARAMETER_KEYS:
            raise _unknown("parameter", key, PARAMETER_KEYS, where)
    for key in (*YEAR_KEYS, "woondeal_start_year", "woondeal_end_year"):
        if key in params:
            value = params[key]
            if not isinstance(value, int) or isinstance(value, bool):
                raise UserError(f"{where}, {key}: {value!r} is not a year")
    base, horizon = params.get("base_year"), params.get("horizon_year")
    if horizon is not None:
        _check_horizon(base, horizon, where)
    if params.get("woondeal_start_year", 0) > params.get("woondeal_end_year", 10**6):
        raise UserError(
            f"{where}: woondeal_start_year {params['woondeal_start_year']} is after "
            f"woondeal_end_year {params['woondeal_end_year']}"
        )
    for key in STOCK_KEYS + ("woondeal_homes_total", "woondeal_homes_social") + RATE_KEYS:
        if key in params:
            _check_count(params[key], f"{where}, {key}")
    if params.get("dwellings_total") == 0:
        raise UserError(f"{where}, dwellings_total: must be > 0")
    if params.get("woondeal_homes_social", 0) > params.get("woondeal_homes_total", math.inf):
        raise UserError(f"{where}: woondeal_homes_social is above woondeal_homes_total")
    for key in FLOW_KEYS + CORPORATION_KEYS:
        if key in params:
            _check_flow_spec(key, params[key], f"{where}, {key}")


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


def _check_scenario(s: Scenario) -> Scenario:
    where = f"scenario {s.name!r}" + (f" ({s.source})" if s.source else "")
    _check_parameters(s.parameters, where)
    for key, spec in s.uncertainty.items():
        if key not in UNCERTAIN_KEYS:
            raise _unknown("uncertain parameter", key, UNCERTAIN_KEYS, f"{where}, uncertainty")
        _check_distribution(key, spec, f"{where}, uncertainty, {key}")
    if s.target is not None:
        _check_target(s.target, f"{where}, target")
    return s


# ---------------------------------------------------------------------------------------------
# Scenario files
# ---------------------------------------------------------------------------------------------


def _check_entry(name: str, entry: Any, where: str) -> None:
    if not isinstance(entry, Mapping):
        raise UserError(f"{where}: scenario {name!r} must be a mapping")
    for key in entry:
        if key not in SCENARIO_KEYS:
            raise _unknown("key", key, SCENARIO_KEYS, f"{where}, scenario {name!r}")
    if not isinstance(entry.get("description"), str) or not entry["description"].strip():
        raise UserError(f"{where}, scenario {name!r}: give a one-line description")
    for key in ("parameters", "uncertainty"):
        if entry.get(key) is not None and not isinstance(entry[key], Mapping):
            raise UserError(f"{where}, scenario {name!r}: {key} must be a mapping")


def _read_file(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: scenario file not found") from None
    try:
        content = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(content, Mapping):
        raise UserError(f"{path}: expected a mapping with {', '.join(FILE_KEYS)}")
    for key in content:
        if key not in FILE_KEYS:
            raise _unknown("top-level key", key, FILE_KEYS, str(path))
    scenarios = content.get("scenarios") or {}
    if not isinstance(scenarios, Mapping):
        raise UserError(f"{path}: 'scenarios' must map names to scenarios")
    for name, entry in scenarios.items():
        _check_entry(name, entry, str(path))
    defaults = content.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        raise UserError(f"{path}: 'defaults' must be a mapping of parameters")
    _check_parameters(defaults, f"{path}, defaults")
    return {"defaults": dict(defaults), "scenarios": dict(scenarios), "path": Path(path)}


def _as_paths(files: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if files is None:
        return []
    if isinstance(files, str | Path):
        return [Path(files)]
    return [Path(f) for f in files]


def _catalogue(files=None) -> tuple[dict, dict[str, tuple[dict, dict]]]:
    """Built-in defaults and every scenario entry with the defaults of its own file."""
    builtin = _read_file(SCENARIOS_FILE)
    entries = {name: (entry, builtin) for name, entry in builtin["scenarios"].items()}
    for path in _as_paths(files):
        if path.resolve() == SCENARIOS_FILE.resolve():
            continue
        user = _read_file(path)
        user["defaults"] = {**builtin["defaults"], **user["defaults"]}
        for name, entry in user["scenarios"].items():
            entries[name] = (entry, user)
    return builtin, entries


def _build(
    name: str, entries: Mapping[str, tuple[dict, dict]], chain: tuple[str, ...] = ()
) -> Scenario:
    if name not in entries:
        raise UserError(f"unknown scenario {name!r}; choose one of: {', '.join(entries)}")
    if name in chain:
        raise UserError(f"scenario {name!r} extends itself via {' → '.join((*chain, name))}")
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
    _, entries = _catalogue(files)
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
    return list(_catalogue(files)[1])


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """`["KEY=VALUE", ...]` (the CLI's --set) to a dict; VALUE is read as YAML."""
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key or not text.strip():
            raise UserError(f"--set {item!r}: write KEY=VALUE, e.g. --set sales_per_year=20")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise UserError(f"--set {item!r}: the value is not valid YAML ({exc})") from None
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
                raise _unknown("uncertain parameter", name, UNCERTAIN_KEYS, f"override {key!r}")
            if not fld:
                if value is None:
                    uncertainty.pop(name, None)
                else:
                    uncertainty[name] = value
            elif name not in uncertainty:
                raise UserError(
                    f"override {key!r}: {name} has no distribution in scenario {s.name!r}; set the "
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


# ---------------------------------------------------------------------------------------------
# Resolution: specs → numbers
# ---------------------------------------------------------------------------------------------


def _realisations(ctx: _Context) -> pd.DataFrame | None:
    df = ctx.realisations
    if df is None:
        return None
    missing = [c for c in REALISATION_COLUMNS if c not in df.columns]
    if missing:
        raise UserError(
            f"realisations: missing column(s) {', '.join(missing)}; expected {', '.join(REALISATION_COLUMNS)}"
        )
    return df


def _realised(
    ctx: _Context, key: str, *, by_party: bool, known_levels: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, str] | tuple[None, None]:
    """Realised yearly values for a flow key: a frame indexed by year, one column per corporation
    when `by_party`, else one column 'all'. None without data.

    Rows with a party (the corporations) are summed; rows with an empty party (the whole
    municipality) are used only when an indicator has no rows with a party, because the
    municipality's social new builds include homes of other builders. A level (a stock at the end
    of the year) becomes its yearly change; `known_levels` (year × column, e.g. the base stock)
    supply the years before the first realised one. Returns (table, which rows were used)."""
    df = _realisations(ctx)
    if df is None:
        return None, None
    indicator, difference = TREND_INDICATORS[key]
    rows = df.loc[df["indicator"] == indicator, ["year", "party", "value"]].dropna(subset=["value"])
    has_party = rows["party"].notna()
    scope = "per corporation" if by_party else "whole municipality"
    if by_party or has_party.any():
        rows = rows[has_party]
        scope = scope if by_party else "sum over the corporations"
    if rows.empty:
        return None, None
    parties = rows["party"].astype(str) if by_party else "all"
    rows = rows.assign(
        party=parties, year=rows["year"].astype(int), value=rows["value"].astype(float)
    )
    table = rows.pivot_table(index="year", columns="party", values="value", aggfunc="sum")
    table.columns = table.columns.astype(str)
    if difference:
        if known_levels is not None:
            earlier = known_levels[known_levels.index < table.index.min()]
            table = table.combine_first(earlier[[c for c in earlier if c in table]])
        table = table.reindex(range(table.index.min(), table.index.max() + 1)).diff().iloc[1:]
        table = table.dropna(how="all")
        if table.empty:
            return None, None
    return table, scope


def _trend_note(key: str, fallback_used: bool) -> str:
    indicator, difference = TREND_INDICATORS[key]
    what = f"yearly change of {indicator}" if difference else indicator
    if fallback_used:
        return f"no realisation data supplied for {what}; "
    return f"trend of realised {what}: "


def _woondeal_pace(key: str, params: Mapping[str, Any]) -> tuple[float, str]:
    homes = params[
        "woondeal_homes_total" if key == "additions_total_per_year" else "woondeal_homes_social"
    ]
    start, end = params["woondeal_start_year"], params["woondeal_end_year"]
    years = end - start + 1
    pace = homes / years
    what = "homes" if key == "additions_total_per_year" else "social-rent homes"
    return pace, (
        f"Woondeal pace {_num(homes)} {what} / {years} years ({start}-{end}, assumed period) "
        f"= {_num(pace)} a year"
    )


def _plan_series(key: str, plan: Any, ctx: _Context) -> tuple[dict[int, float], str]:
    if isinstance(plan, Mapping):
        series = _check_series(plan, key)
        shown = ", ".join(f"{y}: {_num(v)}" for y, v in sorted(series.items()))
        return series, f"plan ({shown})"
    table_name = PLAN_SOURCES[plan][0]
    df = ctx.table(table_name)
    totals = df.groupby("year", observed=True)["homes"].sum()
    series = {int(y): float(v) for y, v in totals.items()}
    shown = ", ".join(f"{y}: {_num(v)}" for y, v in sorted(series.items()))
    return series, f"{plan} plan from table {table_name} ({shown})"


def _resolve_flow(
    key: str,
    spec: Any,
    years: np.ndarray,
    params: Mapping,
    ctx: _Context,
    known_levels: pd.DataFrame | None = None,
) -> tuple[np.ndarray, str]:
    """One planned value per projection year, and a note saying where the numbers come from."""
    n = len(years)
    if _is_number(spec):
        return np.full(n, float(spec)), f"{key}: {_num(spec)} a year (constant)"
    if spec == "woondeal":
        pace, note = _woondeal_pace(key, params)
        return np.full(n, pace), f"{key}: {note}"
    if spec == "trend":
        spec = {"pace": "trend"}
    if "plan" in spec:
        series, plan_note = _plan_series(key, spec["plan"], ctx)
        then = spec["then"]
        if then == "plan_mean":
            pace = sum(series.values()) / len(series)
            then_note = f"then the plan mean {_num(pace)} a year"
        elif then == "woondeal":
            pace, note = _woondeal_pace(key, params)
            then_note = f"then the {note}"
        else:
            pace = float(then)
            then_note = f"then {_num(pace)} a year"
        values = np.array([series.get(int(y), pace) for y in years], dtype=float)
        used = [y for y in years if int(y) in series]
        if not used:
            plan_note += " (no plan year falls in the projection)"
        return values, f"{key}: {plan_note}, {then_note}"
    if "pace" in spec:
        realised, scope = _realised(ctx, key, by_party=False, known_levels=known_levels)
        if realised is None:
            if "fallback" not in spec:
                indicator = TREND_INDICATORS[key][0]
                raise UserError(
                    f"{key}: 'trend' needs realisation data (indicator {indicator}) and none was "
                    "supplied; pass realisations or give a fallback: {pace: trend, fallback: ...}"
                )
            values, note = _resolve_flow(key, spec["fallback"], years, params, ctx)
            body = note.split(": ", 1)[1]
            return values, f"{key}: {_trend_note(key, True)}fallback: {body}"
        series = realised["all"]
        pace = float(series.mean())
        values = np.array([series.get(int(y), pace) for y in years], dtype=float)
        if (values < 0).any():
            raise UserError(f"{key}: the realised trend is negative ({_num(pace)} a year)")
        shown = ", ".join(f"{y}: {_num(v)}" for y, v in series.items())
        return values, (
            f"{key}: {_trend_note(key, False)}realised ({scope}) {shown}; realised years as realised, "
            f"other years at the realised mean {_num(pace)} a year"
        )
    series = _check_series(spec, key)
    missing = [int(y) for y in years if int(y) not in series]
    if missing:
        raise UserError(
            f"{key}: the series has no value for {', '.join(map(str, missing))}; give every year from "
            f"{years[0]} to {years[-1]}, or use {{plan: {{...}}, then: ...}}"
        )
    return np.array([series[int(y)] for y in years], dtype=float), f"{key}: series " + ", ".join(
        f"{int(y)}: {_num(series[int(y)])}" for y in years
    )


def _base_stocks(
    params: Mapping[str, Any], ctx: _Context
) -> tuple[int, float, float, list[str], Mapping | None]:
    missing = [k for k in ("base_year", *STOCK_KEYS) if params.get(k) is None]
    base = ctx.base_stocks() if missing else None
    base_year = params.get("base_year", base["base_year"] if base else None)
    notes = []
    stocks = {}
    for key in STOCK_KEYS:
        if params.get(key) is not None:
            stocks[key] = float(params[key])
            notes.append(f"{key}: {_num(stocks[key])} at the end of {base_year} (given)")
            continue
        if base["base_year"] != base_year:
            raise UserError(
                f"{key}: the baseline gives stocks for the end of {base['base_year']}, but base_year is "
                f"{base_year}; give {key} for the end of {base_year} as well"
            )
        stocks[key] = float(base[key])
        extra = ""
        if key == "social_rent_stock" and "social_rent_stock_low" in base:
            low, high = base["social_rent_stock_low"], base["social_rent_stock_high"]
            extra = f" (interval {_num(low)}-{_num(high)})"
        notes.append(f"{key}: {_num(stocks[key])}{extra} at the end of {base_year} (baseline)")
    if base is not None and any(params.get(k) is None for k in STOCK_KEYS):
        notes.append(f"baseline source: {base.get('source', 'not stated')}")
    if stocks["dwellings_total"] <= 0:
        raise UserError("dwellings_total must be > 0")
    if stocks["social_rent_stock"] > stocks["dwellings_total"]:
        raise UserError("social_rent_stock is above dwellings_total")
    return base_year, stocks["dwellings_total"], stocks["social_rent_stock"], notes, base


def _distribution_support(spec: Mapping[str, Any]) -> tuple[float, float]:
    name = spec["distribution"]
    if name == "fixed":
        return spec["value"], spec["value"]
    if name == "normal":
        return spec.get("low", 0.0), spec.get("high", math.inf)
    return spec["low"], spec["high"]


def _check_parts(flows: Mapping[str, np.ndarray], uncertainty: Mapping, years: np.ndarray) -> None:
    """Social additions ≤ total additions and social demolitions ≤ total demolitions, every year
    and over the whole support of any distribution."""
    for part, whole in (
        ("additions_social_per_year", "additions_total_per_year"),
        ("demolitions_social_per_year", "demolitions_total_per_year"),
    ):
        hi = (
            flows[part]
            if part not in uncertainty
            else np.full(len(years), _distribution_support(uncertainty[part])[1])
        )
        lo = (
            flows[whole]
            if whole not in uncertainty
            else np.full(len(years), _distribution_support(uncertainty[whole])[0])
        )
        bad = np.flatnonzero(hi > lo)
        if bad.size:
            y = bad[0]
            detail = "can be" if part in uncertainty or whole in uncertainty else "is"
            raise UserError(
                f"{part} {detail} above {whole} in {years[y]} ({_num(hi[y])} > {_num(lo[y])}); "
                f"the social homes are part of the total, so raise {whole} or lower {part}"
            )


def resolve(
    s: Scenario | str,
    *,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> Model:
    """Resolve a scenario against the data: base stocks, a planned value per flow and year, numeric
    distributions, and the notes behind every number. A `target` block is solved here.

    `tables` replaces data.load for the named tables, `base` replaces baseline.base_stocks(),
    `realisations` (year, indicator, party, value) feeds the `trend` paces.
    """
    if isinstance(s, str):
        s = scenario(s)
    model = _resolve_untargeted(s, _Context(tables, realisations, base))
    if s.target is None:
        return model
    t = s.target
    sol = _solve_model(
        model,
        float(t["share_pct"]),
        int(t["by_year"]),
        from_year=t.get("from_year"),
        total_additions=t.get("total_additions", "on_top"),
    )
    if not sol.feasible:
        raise UserError(f"scenario {s.name!r}, target: {sol.message}")
    return sol.model


def _resolve_untargeted(s: Scenario, ctx: _Context) -> Model:
    params = s.parameters
    missing = [k for k in (*FLOW_KEYS, *RATE_KEYS, "horizon_year") if k not in params]
    if any(_mentions(params.get(k), "woondeal") for k in WOONDEAL_FLOWS):
        missing += [k for k in WOONDEAL_KEYS if k not in params]
    if missing:
        raise UserError(f"scenario {s.name!r}: missing parameter(s) {', '.join(missing)}")
    base_year, d0, s0, notes, base = _base_stocks(params, ctx)
    horizon = params["horizon_year"]
    _check_horizon(base_year, horizon, f"scenario {s.name!r}")
    years = np.arange(base_year + 1, horizon + 1)
    flows = {}
    # the base stock is the level before the first realised dwellings_total (trend of additions)
    known = {"additions_total_per_year": pd.DataFrame({"all": [d0]}, index=[base_year])}
    for key in FLOW_KEYS:
        values, note = _resolve_flow(key, params[key], years, params, ctx, known.get(key))
        values.setflags(write=False)
        flows[key] = values
        notes.append(note)
    for key in RATE_KEYS:
        if params[key] != 1:
            notes.append(f"{key}: {params[key]:g} of planned additions arrive")
    if any("Woondeal pace" in note for note in notes):
        notes.append(
            f"Woondeal: {_num(params['woondeal_homes_total'])} homes of which "
            f"{_num(params['woondeal_homes_social'])} social rent; the document gives no period, assumed "
            f"{params['woondeal_start_year']}-{params['woondeal_end_year']} (woondeal_start_year, "
            "woondeal_end_year); the pace continues after the period"
        )
    uncertainty = {}
    for key, spec in s.uncertainty.items():
        spec = dict(spec)
        if spec["distribution"] == "baseline":
            if params.get("social_rent_stock") is not None or base is None:
                notes.append(
                    "uncertainty, social_rent_stock: the stock is given explicitly, so the baseline "
                    "interval is not used (fixed)"
                )
                continue
            if "social_rent_stock_low" not in base or "social_rent_stock_high" not in base:
                notes.append(
                    "uncertainty, social_rent_stock: the baseline gives no interval (fixed)"
                )
                continue
            spec = {
                "distribution": "uniform",
                "low": float(base["social_rent_stock_low"]),
                "high": float(base["social_rent_stock_high"]),
            }
        uncertainty[key] = spec
        shown = ", ".join(f"{k} {v}" for k, v in spec.items() if k != "distribution")
        notes.append(f"uncertainty, {key}: {spec['distribution']} ({shown}) in Monte Carlo runs")
    _check_parts(flows, uncertainty, years)
    if (
        "dwellings_total" in uncertainty
        and _distribution_support(uncertainty["dwellings_total"])[0] <= 0
    ):
        raise UserError("uncertainty, dwellings_total: the distribution must stay above 0")
    return Model(
        name=s.name,
        base_year=int(base_year),
        horizon_year=int(horizon),
        dwellings_total=d0,
        social_rent_stock=s0,
        flows=flows,
        delivery_rate=float(params["delivery_rate"]),
        delivery_rate_social=float(params["delivery_rate_social"]),
        uncertainty=uncertainty,
        notes=tuple(notes),
    )


def _mentions(spec: Any, name: str) -> bool:
    if spec == name:
        return True
    if isinstance(spec, Mapping):
        return any(_mentions(v, name) for v in spec.values())
    return False


def _as_model(s, realisations=None, tables=None, base=None) -> Model:
    if isinstance(s, Model):
        return s
    return resolve(s, realisations=realisations, tables=tables, base=base)


# ---------------------------------------------------------------------------------------------
# The arithmetic (one function for the deterministic run and the Monte Carlo)
# ---------------------------------------------------------------------------------------------


def _accumulate(d0, s0, flows: Mapping[str, np.ndarray], rate, rate_social, n: int, runs: int):
    """Stocks per year, year-major arrays of shape (n + 1, runs).

    Every argument is a scalar or broadcasts to (n, runs) — per-run draws are (1, runs), per-year
    draws (n, runs), deterministic flows (n, 1). Each row is the previous row plus the flows, added
    in the order of the module docstring, so a hand computation reproduces it exactly.
    """
    dwellings = np.empty((n + 1, runs))
    social = np.empty((n + 1, runs))
    dwellings[0] = d0
    social[0] = s0
    add_social = flows["additions_social_per_year"]
    if n:
        np.multiply(rate * rate_social, add_social, out=social[1:])
        np.multiply(rate, flows["additions_total_per_year"], out=dwellings[1:])
        if np.any(np.not_equal(rate_social, 1)):
            dwellings[1:] -= rate * (1 - rate_social) * add_social
        dwellings[1:] -= flows["demolitions_total_per_year"]
        social[1:] -= flows["demolitions_social_per_year"]
        social[1:] -= flows["sales_per_year"]
        social[1:] -= flows["liberalisations_per_year"]
        social[1:] += flows["acquisitions_per_year"]
    for i in range(1, n + 1):
        dwellings[i] += dwellings[i - 1]
        social[i] += social[i - 1]
    share = np.multiply(social, 100.0)
    share /= dwellings
    return dwellings, social, share


def _effective_flows(model: Model) -> dict[str, np.ndarray]:
    """The flows the deterministic run adds, after delivery rates."""
    r, rs = model.delivery_rate, model.delivery_rate_social
    f = dict(model.flows)
    a_s = f["additions_social_per_year"]
    total = r * f["additions_total_per_year"]
    if rs != 1:
        total = total - r * (1 - rs) * a_s
    f["additions_social_per_year"] = r * rs * a_s
    f["additions_total_per_year"] = total
    return f


def _column(values: np.ndarray) -> np.ndarray:
    return values.reshape(-1, 1)


def project(
    s: Scenario | Model | str,
    *,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The deterministic projection: one row per year (base_year .. horizon_year) with the stocks at
    the end of the year, the share, and the flows used (empty on the base row). Uncertainty is
    ignored: every parameter takes its given value."""
    model = _as_model(s, realisations, tables, base)
    n = len(model.years) - 1
    flows = {k: _column(v) for k, v in model.flows.items()}
    dwellings, social, share = _accumulate(
        model.dwellings_total,
        model.social_rent_stock,
        flows,
        model.delivery_rate,
        model.delivery_rate_social,
        n,
        1,
    )
    out = pd.DataFrame(
        {
            "year": model.years.astype("int64"),
            "dwellings_total": dwellings[:, 0],
            "social_rent_stock": social[:, 0],
            "social_rent_share_pct": share[:, 0],
        }
    )
    for name in ("dwellings_total", "social_rent_stock"):
        negative = out.loc[out[name] < 0, "year"]
        if len(negative):
            raise UserError(
                f"scenario {model.name!r}: {name} falls below 0 in {negative.iloc[0]}; the outflows "
                "exceed the stock, so lower them"
            )
    for key, values in _effective_flows(model).items():
        out[key] = np.concatenate([[np.nan], values])
    out = out[list(PROJECTION_SCHEMA.columns)]
    out.attrs["scenario"] = model.name
    out.attrs["notes"] = list(model.notes)
    return PROJECTION_SCHEMA.validate(out)


def _draw(spec: Mapping[str, Any], key: str, seed: int, n: int, runs: int) -> np.ndarray:
    """Draws for one key: (1, runs), or (n, runs) with per_year. Each key has its own stream
    derived from (seed, key), so adding a key to a scenario leaves the others' draws unchanged."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(key.encode())]))
    size = (n if spec.get("per_year") else 1, runs)
    name = spec["distribution"]
    if name == "fixed":
        return np.full(size, float(spec["value"]))
    if name == "uniform":
        return rng.uniform(spec["low"], spec["high"], size)
    if name == "triangular":
        if spec["low"] == spec["high"]:
            return np.full(size, float(spec["low"]))
        return rng.triangular(spec["low"], spec["mode"], spec["high"], size)
    values = rng.normal(spec["mean"], spec["sd"], size)
    low = spec.get("low", 0.0)
    high = spec.get("high", math.inf)
    return np.clip(values, low, high, out=values)


def simulate(
    s: Scenario | Model | str,
    runs: int = 10_000,
    seed: int | None = None,
    *,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> Simulation:
    """Monte Carlo: draw every uncertain parameter (once per run, or per year with per_year) and
    run the stock-flow arithmetic for all runs at once. An uncertain flow replaces its planned path;
    an uncertain rate scales the planned additions. Same seed, same result."""
    model = _as_model(s, realisations, tables, base)
    if not isinstance(runs, int) or runs < 1:
        raise UserError(f"runs: {runs!r} is not a positive whole number")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    elif not isinstance(seed, int) or seed < 0:
        raise UserError(f"seed: {seed!r} is not a whole number ≥ 0")
    n = len(model.years) - 1
    draws = {key: _draw(spec, key, seed, n, runs) for key, spec in model.uncertainty.items()}
    flows = {k: draws.get(k, _column(v) if n else v) for k, v in model.flows.items()}
    dwellings, social, share = _accumulate(
        draws.get("dwellings_total", model.dwellings_total),
        draws.get("social_rent_stock", model.social_rent_stock),
        flows,
        draws.get("delivery_rate", model.delivery_rate),
        draws.get("delivery_rate_social", model.delivery_rate_social),
        n,
        runs,
    )
    return Simulation(model.years, dwellings, social, share, runs, seed, draws)


def _percentiles(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Percentiles of each row, shape (len(q), rows): the same numbers as
    `np.percentile(values, q, axis=1)` (method "linear"), from one sort of each row, which is
    several times faster than numpy's multi-point partition for 10^5 runs (tested for equality)."""
    ordered = np.sort(values, axis=1)
    n = ordered.shape[1]
    virtual = np.true_divide(np.asarray(q, dtype=float), 100) * (n - 1)
    below = np.floor(virtual).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    gamma = virtual - below
    a, b = ordered[:, below], ordered[:, above]
    diff = b - a
    # numpy's lerp: from below for gamma < 0.5, from above otherwise (exact at both ends)
    result = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    return result.T


def summarise(
    sim: Simulation,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Per year: percentiles of the stocks and the share, the mean share, and the percentage of
    runs at or above each threshold share."""
    q = list(percentiles)
    out = {"year": sim.years.astype("int64")}
    for name, values in (
        ("dwellings_total", sim.dwellings_total),
        ("social_rent_stock", sim.social_rent_stock),
        ("social_rent_share_pct", sim.social_rent_share_pct),
    ):
        result = _percentiles(values, q)
        for i, p in enumerate(q):
            out[f"{name}_p{_fmt_q(p)}"] = result[i]
    out["social_rent_share_pct_mean"] = sim.social_rent_share_pct.mean(axis=1)
    for t in thresholds:
        out[f"chance_share_ge_{_fmt_q(t)}_pct"] = np.count_nonzero(
            sim.social_rent_share_pct >= t, axis=1
        ) * (100.0 / sim.runs)
    df = pd.DataFrame(out)
    df.attrs.update(runs=sim.runs, seed=sim.seed)
    return _monte_carlo_schema(q, thresholds).validate(df)


def monte_carlo(
    s: Scenario | Model | str,
    runs: int = 10_000,
    seed: int | None = None,
    *,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """`summarise(simulate(...))`: P10/P50/P90 per year and the chance of ≥ 25 % and ≥ 30 %."""
    model = _as_model(s, realisations, tables, base)
    df = summarise(simulate(model, runs, seed), percentiles, thresholds)
    df.attrs.update(scenario=model.name, notes=list(model.notes))
    return df


# ---------------------------------------------------------------------------------------------
# What it takes
# ---------------------------------------------------------------------------------------------


def _with_social_additions(model: Model, additions: float, from_year: int, rule: str) -> Model:
    """The model with planned social additions set to `additions` from `from_year` on. With
    "on_top" the non-social additions stay, so total additions change by the same amount; with
    "fixed" total additions stay and the social homes take the place of others."""
    years = model.years[1:]
    later = years >= from_year
    a_s = np.array(model.flows["additions_social_per_year"], dtype=float)
    a = np.array(model.flows["additions_total_per_year"], dtype=float)
    if rule == "on_top":
        a[later] = a[later] - a_s[later] + additions
    a_s[later] = additions
    for values in (a, a_s):
        values.setflags(write=False)
    flows = {**model.flows, "additions_social_per_year": a_s, "additions_total_per_year": a}
    return replace(model, flows=flows)


def _share_at(model: Model, year: int) -> float:
    n = len(model.years) - 1
    flows = {k: _column(v) for k, v in model.flows.items()}
    _, _, share = _accumulate(
        model.dwellings_total,
        model.social_rent_stock,
        flows,
        model.delivery_rate,
        model.delivery_rate_social,
        n,
        1,
    )
    return float(share[year - model.base_year, 0])


def _stocks_at(model: Model, year: int) -> tuple[float, float]:
    n = len(model.years) - 1
    flows = {k: _column(v) for k, v in model.flows.items()}
    dwellings, social, _ = _accumulate(
        model.dwellings_total,
        model.social_rent_stock,
        flows,
        model.delivery_rate,
        model.delivery_rate_social,
        n,
        1,
    )
    i = year - model.base_year
    return float(dwellings[i, 0]), float(social[i, 0])


def _check_solve_years(model: Model, by_year: int, from_year: int | None) -> int:
    if not isinstance(by_year, int) or isinstance(by_year, bool):
        raise UserError(f"by_year: {by_year!r} is not a year")
    if not model.base_year < by_year <= model.horizon_year:
        raise UserError(
            f"by_year: {by_year} is outside the projection; choose a year from {model.base_year + 1} "
            f"to {model.horizon_year}"
        )
    from_year = model.base_year + 1 if from_year is None else from_year
    if not isinstance(from_year, int) or not model.base_year < from_year <= by_year:
        raise UserError(
            f"from_year: {from_year!r} must lie from {model.base_year + 1} to by_year {by_year}"
        )
    return from_year


def _solve_model(
    model: Model,
    target_share_pct: float,
    by_year: int,
    *,
    from_year: int | None = None,
    total_additions: str = "on_top",
) -> Solution:
    """Closed form. With x the constant planned social additions from `from_year` (k years up to
    `by_year`), e = delivery_rate * delivery_rate_social the effective share of a planned social
    home, and c the change in effective total additions per planned social home (e with "on_top",
    e - delivery_rate with "fixed"): S(T) = S_0 + k e x and D(T) = D_0 + k c x, where S_0, D_0 are
    the stocks in `by_year` with x = 0. share(T) = p gives x = (p D_0 - S_0) / (k (e - p c)).

    With constant flows, "on_top", rates 1 and from_year = base_year + 1 this is
    x = (p (D0 + n (a - a_s - d)) - S0 + n (d_s + sales + lib - acq)) / (n (1 - p)).
    """
    p = _check_share(target_share_pct, "target share") / 100
    if total_additions not in TOTAL_ADDITIONS_RULES:
        raise UserError(
            f"total_additions: {total_additions!r} is not valid; choose {', '.join(TOTAL_ADDITIONS_RULES)}"
        )
    from_year = _check_solve_years(model, by_year, from_year)
    k = by_year - from_year + 1
    r, rs = model.delivery_rate, model.delivery_rate_social
    e = r * rs
    c = e if total_additions == "on_top" else e - r
    if e == 0:
        raise UserError(
            "delivery_rate × delivery_rate_social is 0: no social addition ever arrives"
        )
    zero = _with_social_additions(model, 0.0, from_year, total_additions)
    d_zero, s_zero = _stocks_at(zero, by_year)
    x = (p * d_zero - s_zero) / (k * (e - p * c))
    share_without = _share_at(model, by_year)
    rule_text = (
        "total additions rise by the same amount (social homes on top of the others)"
        if total_additions == "on_top"
        else "total additions stay as planned (social homes replace other homes)"
    )
    later = f", and on to {model.horizon_year}" if model.horizon_year > by_year else ""
    base_notes = (
        f"solve: constant planned social additions from {from_year} to {by_year} ({k} years"
        f"{later}); {rule_text}; uncertainty ignored (deterministic)",
        *(note for note in model.notes if not note.startswith("uncertainty,")),
    )
    answer = {
        "scenario": model.name,
        "target_share_pct": float(target_share_pct),
        "by_year": by_year,
        "from_year": from_year,
        "total_additions": total_additions,
        "additions_social_per_year": x,
        "scenario_additions_social_per_year": float(
            np.mean(
                model.flows["additions_social_per_year"][
                    (model.years[1:] >= from_year) & (model.years[1:] <= by_year)
                ]
            )
        ),
        "share_without_pct": share_without,
        "notes": base_notes,
    }
    if x < 0:
        share_zero = _share_at(zero, by_year)
        message = (
            f"the target is reached without social additions: with none from {from_year} the share "
            f"in {by_year} would be {share_zero:.2f} %"
        )
        return Solution(
            **answer, share_check_pct=math.nan, feasible=False, message=message, model=None
        )
    if total_additions == "fixed":
        totals = np.asarray(model.flows["additions_total_per_year"])[model.years[1:] >= from_year]
        if (x > totals).any():
            message = (
                f"{_num(x)} social homes a year exceed the planned total additions "
                f"({_num(totals.min())} a year); use total_additions on_top"
            )
            return Solution(
                **answer, share_check_pct=math.nan, feasible=False, message=message, model=None
            )
    solved = _with_social_additions(model, x, from_year, total_additions)
    note = (
        f"additions_social_per_year from {from_year}: {_num(x, 1)} a year, solved for a "
        f"{target_share_pct:g} % share in {by_year} ({total_additions})"
    )
    solved = replace(solved, notes=(*model.notes, note))
    check = _share_at(solved, by_year)
    message = (
        f"{_num(x, 1)} social-rent homes a year from {from_year} reach {check:.2f} % in {by_year}"
    )
    return Solution(**answer, share_check_pct=check, feasible=True, message=message, model=solved)


def solve(
    s: Scenario | Model | str,
    target_share_pct: float | None = None,
    by_year: int | None = None,
    *,
    from_year: int | None = None,
    total_additions: str | None = None,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> Solution:
    """The constant yearly social additions (planned homes, before delivery rates) that bring the
    social-rent share to `target_share_pct` in `by_year`, all other flows as in the scenario.

    The constant applies from `from_year` (default base_year + 1) to the horizon; earlier years keep
    the scenario's flows. `total_additions`: "on_top" (default; total additions rise with the
    social ones) or "fixed". A scenario with a `target` block supplies the defaults and is solved
    without its own target applied. A `by_year` after the horizon extends the horizon.
    The answer is checked by running the projection with it (`share_check_pct`).
    """
    target = None
    if isinstance(s, str):
        s = scenario(s)
    if isinstance(s, Scenario):
        target = s.target or {}
        if by_year is None:
            by_year = target.get("by_year", s.parameters.get("horizon_year"))
        horizon = s.parameters.get("horizon_year")
        extended = isinstance(by_year, int) and horizon is not None and by_year > horizon
        if extended:
            s = _apply_overrides(s, {"horizon_year": by_year})
        model = _resolve_untargeted(s, _Context(tables, realisations, base))
        if extended:
            note = f"horizon_year: extended from {horizon} to {by_year} for this answer"
            model = replace(model, notes=(*model.notes, note))
        if target_share_pct is None:
            target_share_pct = target.get("share_pct")
        from_year = target.get("from_year") if from_year is None else from_year
        total_additions = total_additions or target.get("total_additions")
    else:
        model = s
        by_year = model.horizon_year if by_year is None else by_year
    if target_share_pct is None:
        raise UserError("give a target share (e.g. --target-share 30)")
    return _solve_model(
        model,
        target_share_pct,
        by_year,
        from_year=from_year,
        total_additions=total_additions or "on_top",
    )


def share_reached(
    s: Scenario | Model | str,
    additions_social_per_year: float,
    by_year: int | None = None,
    *,
    from_year: int | None = None,
    total_additions: str = "on_top",
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> float:
    """The social-rent share (%) in `by_year` (default: the horizon) with constant planned social
    additions from `from_year` on; the converse of `solve`."""
    model = _as_model(s, realisations, tables, base)
    by_year = model.horizon_year if by_year is None else by_year
    from_year = _check_solve_years(model, by_year, from_year)
    _check_count(additions_social_per_year, "additions_social_per_year")
    if total_additions not in TOTAL_ADDITIONS_RULES:
        raise UserError(
            f"total_additions: {total_additions!r} is not valid; choose {', '.join(TOTAL_ADDITIONS_RULES)}"
        )
    changed = _with_social_additions(
        model, float(additions_social_per_year), from_year, total_additions
    )
    _check_parts(changed.flows, {}, model.years[1:])
    return _share_at(changed, by_year)


def describe_solution(sol: Solution) -> str:
    """The answer and the assumptions behind it, as printed by `afspraken scenario solve`."""
    head = (
        f"Scenario {sol.scenario}: what a {sol.target_share_pct:g} % social-rent share in "
        f"{sol.by_year} takes"
    )
    lines = [head, "=" * len(head)]
    if sol.feasible:
        lines += [
            f"Answer: {_num(sol.additions_social_per_year, 1)} social-rent homes a year (planned), "
            f"constant from {sol.from_year}; total additions: {sol.total_additions}.",
            f"Check: the projection with this number reaches {sol.share_check_pct:.6f} % in {sol.by_year}.",
        ]
    else:
        lines += [
            f"No answer within the rules: {sol.message}.",
            f"(Unconstrained value: {_num(sol.additions_social_per_year, 1)} a year.)",
        ]
    lines += [
        f"The scenario as it stands plans {_num(sol.scenario_additions_social_per_year, 1)} social-rent "
        f"homes a year over {sol.from_year}-{sol.by_year} and reaches {sol.share_without_pct:.2f} % in "
        f"{sol.by_year}.",
        "",
        "Assumptions:",
        *(f"  - {note}" for note in sol.notes),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Retrofits and solar panels per corporation
# ---------------------------------------------------------------------------------------------


def corporation_stocks(solar: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each corporation's stock implied by annex 4: homes with panels at the end of 2025 ÷ share of
    stock. The shares are whole percents, so the stock lies in an interval (low, high); empty where
    the annex gives no share."""
    solar = _Context().table("solar_panels") if solar is None else solar
    share_col = (
        "share_of_stock_pct" if "share_of_stock_pct" in solar else "share_of_stock_end_2025_pct"
    )
    last = solar[solar["end_of_year"] == solar["end_of_year"].max()]
    rows = []
    for _, r in last.iterrows():
        pct = r[share_col]
        homes = float(r["homes_cumulative"])
        if pd.isna(pct) or pct == 0:
            rows.append((str(r["corporation"]), math.nan, math.nan, math.nan))
            continue
        pct = float(pct)
        high = homes / ((pct - 0.5) / 100) if pct > 0.5 else math.inf
        rows.append((str(r["corporation"]), homes / (pct / 100), homes / ((pct + 0.5) / 100), high))
    out = pd.DataFrame(
        rows, columns=["corporation", "stock_homes", "stock_homes_low", "stock_homes_high"]
    )
    return out.astype({"corporation": "string"})


def _corporation_plan(key: str, ctx: _Context) -> pd.DataFrame:
    """Planned homes per year (rows) and corporation (columns) from annex 3 or annex 4."""
    if key == "retrofits_label_b_per_year":
        df = ctx.table("retrofits_label_b")
        plan = df.pivot_table(
            index="year", columns="corporation", values="homes", aggfunc="sum", observed=True
        )
    else:
        df = ctx.table("solar_panels")
        cumulative = df.pivot_table(
            index="end_of_year",
            columns="corporation",
            values="homes_cumulative",
            aggfunc="sum",
            observed=True,
        )
        plan = cumulative.diff().iloc[1:]
    plan.index = plan.index.astype(int)
    plan.columns = plan.columns.astype(str)
    return plan.astype(float)


def _allocate(total: np.ndarray, plan: pd.DataFrame) -> pd.DataFrame:
    weights = plan.sum() / plan.sum().sum()
    return pd.DataFrame(np.outer(total, weights.to_numpy()), columns=plan.columns)


def _resolve_corporation_flow(
    key: str, spec: Any, years: np.ndarray, ctx: _Context
) -> tuple[pd.DataFrame, str]:
    """Homes per projection year (rows, indexed by year) and corporation (columns)."""
    plan = _corporation_plan(key, ctx)
    n = len(years)
    index = pd.Index(years, name="year")
    split = "split over the corporations in proportion to their plan"
    if _is_number(spec):
        out = _allocate(np.full(n, float(spec)), plan).set_index(index)
        return out, f"{key}: {_num(spec)} a year in all, {split}"
    if spec == "plan_mean":
        out = pd.DataFrame([plan.mean()] * n).set_index(index)
        return out, f"{key}: each corporation at its plan mean every year"
    if spec == "trend":
        spec = {"pace": "trend"}
    if "plan" in spec:
        then = spec["then"]
        if then == "plan_mean":
            later = pd.DataFrame([plan.mean()] * n)
            then_note = "then each corporation at its plan mean"
        else:
            later = _allocate(np.full(n, float(then)), plan)
            then_note = f"then {_num(then)} a year in all, {split}"
        later = later.set_index(index)
        in_plan = [y for y in years if int(y) in plan.index]
        later.loc[in_plan] = plan.loc[in_plan].to_numpy()
        shown = ", ".join(f"{y}: {_num(v)}" for y, v in plan.sum(axis=1).items())
        return later, f"{key}: {spec['plan']} plan ({shown}), {then_note}"
    known = None
    if key == "solar_panels_per_year":  # annex 4 gives the level before the first realised year
        known = ctx.table("solar_panels").pivot_table(
            index="end_of_year", columns="corporation", values="homes_cumulative", observed=True
        )
        known.index, known.columns = known.index.astype(int), known.columns.astype(str)
    realised, _ = _realised(ctx, key, by_party=True, known_levels=known)
    if realised is None:
        if "fallback" not in spec:
            raise UserError(
                f"{key}: 'trend' needs realisation data (indicator {TREND_INDICATORS[key][0]}) and "
                "none was supplied; give a fallback: {pace: trend, fallback: ...}"
            )
        out, note = _resolve_corporation_flow(key, spec["fallback"], years, ctx)
        return out, f"{key}: {_trend_note(key, True)}fallback: {note.split(': ', 1)[1]}"
    out = pd.DataFrame(index=index, columns=plan.columns, dtype=float)
    for corp in plan.columns:
        if corp in realised:
            series = realised[corp].dropna()
            out[corp] = [series.get(int(y), series.mean()) for y in years]
        else:
            out[corp] = plan[corp].mean()
    missing = [c for c in plan.columns if c not in realised]
    extra = f"; no realisations for {', '.join(missing)}: plan mean" if missing else ""
    return out, (
        f"{key}: {_trend_note(key, False)}realised years as realised, other years at each "
        f"corporation's realised mean{extra}"
    )


def _project_corporations(
    key: str,
    s: Scenario | str,
    start: pd.Series,
    planned_cumulative: pd.DataFrame,
    ctx: _Context,
    stocks: pd.DataFrame | None,
) -> pd.DataFrame:
    if isinstance(s, str):
        s = scenario(s)
    base_year = s.parameters.get("base_year")
    if base_year is None:
        base_year = ctx.base_stocks()["base_year"]
    horizon = s.parameters["horizon_year"]
    _check_horizon(base_year, horizon, f"scenario {s.name!r}")
    years = np.arange(base_year + 1, horizon + 1)
    flows, note = _resolve_corporation_flow(key, s.parameters[key], years, ctx)
    plan = _corporation_plan(key, ctx)
    if stocks is None:
        stocks = corporation_stocks(ctx.table("solar_panels"))
    stock = stocks.set_index(stocks["corporation"].astype(str))["stock_homes"]
    rows = []
    for corp in plan.columns:
        total = float(start.get(corp, 0.0))
        corp_stock = float(stock.get(corp, math.nan))
        capped = False
        rows.append((corp, base_year, math.nan, total, False))
        for y in years:
            homes = float(flows.at[y, corp])
            total += homes
            if not math.isnan(corp_stock) and total > corp_stock:
                homes -= total - corp_stock
                total, capped = corp_stock, True
            rows.append((corp, int(y), homes, total, capped))
    out = pd.DataFrame(
        rows, columns=["corporation", "year", "homes", "homes_cumulative", "is_capped"]
    )
    out["planned_homes"] = [
        plan.at[y, c] if y in plan.index else math.nan
        for c, y in zip(out["corporation"], out["year"], strict=True)
    ]
    out["planned_homes_cumulative"] = [
        planned_cumulative.at[y, c]
        if y in planned_cumulative.index and c in planned_cumulative
        else math.nan
        for c, y in zip(out["corporation"], out["year"], strict=True)
    ]
    out["stock_homes"] = out["corporation"].map(stock).astype(float)
    out["share_of_stock_pct"] = out["homes_cumulative"] * 100.0 / out["stock_homes"]
    out = out.astype({"corporation": "string", "year": "int64", "planned_homes": float})
    out = out[list(CORPORATION_SCHEMA.columns)]
    out.attrs["notes"] = [
        note,
        "stock_homes: implied by annex 4 (panels at end 2025 ÷ share of stock), held constant; "
        "cumulative numbers are capped at the stock",
    ]
    return CORPORATION_SCHEMA.validate(out)


def project_retrofits(
    s: Scenario | str = DEFAULT_SCENARIO,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    realisations: pd.DataFrame | None = None,
    stocks: pd.DataFrame | None = None,
    base: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Label-B retrofits per corporation and year under the scenario's retrofits_label_b_per_year:
    homes in the year, cumulative since the base year, the annex 3 plan, and the cumulative number
    as a share of the corporation's stock where known (`stocks`: corporation, stock_homes)."""
    ctx = _Context(tables, realisations, base)
    plan = _corporation_plan("retrofits_label_b_per_year", ctx)
    return _project_corporations(
        "retrofits_label_b_per_year", s, pd.Series(dtype=float), plan.cumsum(), ctx, stocks
    )


def project_solar(
    s: Scenario | str = DEFAULT_SCENARIO,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    realisations: pd.DataFrame | None = None,
    stocks: pd.DataFrame | None = None,
    base: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Homes with solar panels per corporation, cumulative from the annex 4 count at the end of the
    base year, under the scenario's solar_panels_per_year; against the annex 4 plan and as a share
    of the corporation's stock where known."""
    ctx = _Context(tables, realisations, base)
    s = scenario(s) if isinstance(s, str) else s
    df = ctx.table("solar_panels")
    cumulative = df.pivot_table(
        index="end_of_year",
        columns="corporation",
        values="homes_cumulative",
        aggfunc="sum",
        observed=True,
    )
    cumulative.index = cumulative.index.astype(int)
    cumulative.columns = cumulative.columns.astype(str)
    base_year = s.parameters.get("base_year") or ctx.base_stocks()["base_year"]
    start = None
    realised = _realisations(ctx)
    if realised is not None:
        rows = realised[
            (realised["indicator"] == "solar_panels_cumulative") & (realised["year"] == base_year)
        ]
        if not rows.empty:
            start = rows.groupby(rows["party"].astype(str))["value"].sum()
    if start is None:
        if base_year not in cumulative.index:
            raise UserError(
                f"solar panels: annex 4 counts homes at the end of {', '.join(map(str, cumulative.index))}, "
                f"not {base_year}; supply realisations with solar_panels_cumulative for {base_year}"
            )
        start = cumulative.loc[base_year].astype(float)
    return _project_corporations(
        "solar_panels_per_year", s, start, cumulative.astype(float), ctx, stocks
    )


# ---------------------------------------------------------------------------------------------
# Charts and the interactive widget box (notebooks call these; no def/class in notebooks)
# ---------------------------------------------------------------------------------------------


def plot_share(
    projection: pd.DataFrame, *, band: pd.DataFrame | None = None, lang: str = "nl", ax=None
):
    """The social-rent share per year with the 25 % floor and the 30 % aim; `band` (a monte_carlo
    summary) adds the P10-P90 band and the median. Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    from .labels import t

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    if band is not None:
        ax.fill_between(
            band["year"],
            band["social_rent_share_pct_p10"],
            band["social_rent_share_pct_p90"],
            alpha=0.25,
            label=t("scenario.band", lang),
        )
        ax.plot(
            band["year"],
            band["social_rent_share_pct_p50"],
            ls="--",
            label=t("scenario.median", lang),
        )
    ax.plot(
        projection["year"],
        projection["social_rent_share_pct"],
        marker="o",
        label=t("scenario.projection", lang),
    )
    ax.axhline(25, color="tab:red", lw=1, label=t("scenario.floor_25", lang))
    ax.axhline(30, color="tab:green", lw=1, label=t("scenario.aim_30", lang))
    ax.set_xlabel(t("scenario.axis_year", lang))
    ax.set_ylabel(t("scenario.axis_share", lang))
    ax.set_title(t("scenario.title", lang, name=projection.attrs.get("scenario", "")))
    ax.legend(loc="best", fontsize="small")
    return ax


def _with_then(spec: Any, value: float) -> Any:
    """Replace the pace after the plan (or the whole flow, when it has no plan) by `value`."""
    if isinstance(spec, Mapping) and "plan" in spec:
        return {**spec, "then": value}
    return value


def interactive(
    s: Scenario | str = DEFAULT_SCENARIO,
    *,
    files=None,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
    lang: str = "nl",
):
    """An ipywidgets box with sliders for the main flows; the chart and a summary (share at the
    horizon, social additions a year a 30 % share takes) follow the sliders. In a notebook:
    `scenarios.interactive("afspraken")` as the last line of a cell."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from .labels import fmt_number, fmt_pct, t

    if isinstance(s, str):
        s = scenario(s, files=files)
    model = resolve(s, realisations=realisations, tables=tables, base=base)
    # The sliders set the flows; a target block would override them, so it is dropped here (the
    # sliders start at the solved values, which is the same for a target from the end of the plan).
    s = replace(s, target=None)
    flows = model.flows
    last = {k: float(v[-1]) if len(v) else 0.0 for k, v in flows.items()}

    def slider(key, value, high, step=10.0):
        return widgets.FloatSlider(
            value=value,
            min=0.0,
            max=max(high, value),
            step=step,
            description=t(f"scenario.slider.{key}", lang),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )

    controls = {
        "additions_social_per_year": slider(
            "additions_social_per_year", last["additions_social_per_year"], 2000
        ),
        "additions_total_per_year": slider(
            "additions_total_per_year", last["additions_total_per_year"], 4000
        ),
        "sales_per_year": slider("sales_per_year", last["sales_per_year"], 200, 1),
        "demolitions_total_per_year": slider(
            "demolitions_total_per_year", last["demolitions_total_per_year"], 500
        ),
        "demolitions_social_per_year": slider(
            "demolitions_social_per_year", last["demolitions_social_per_year"], 500
        ),
        "liberalisations_per_year": slider(
            "liberalisations_per_year", last["liberalisations_per_year"], 500
        ),
        "acquisitions_per_year": slider(
            "acquisitions_per_year", last["acquisitions_per_year"], 500
        ),
        "delivery_rate": widgets.FloatSlider(
            value=model.delivery_rate,
            min=0.0,
            max=1.5,
            step=0.05,
            description=t("scenario.slider.delivery_rate", lang),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        ),
        "horizon_year": widgets.IntSlider(
            value=model.horizon_year,
            min=model.base_year + 1,
            max=MAX_HORIZON_YEAR,
            description=t("scenario.slider.horizon_year", lang),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        ),
    }
    summary = widgets.HTML()
    chart = widgets.Output()

    def update(**values):
        overrides = {
            key: _with_then(s.parameters[key], value) if key in FLOW_KEYS else value
            for key, value in values.items()
        }
        try:
            changed = _apply_overrides(s, overrides)
            m = resolve(changed, realisations=realisations, tables=tables, base=base)
            proj = project(m)
            sol = _solve_model(m, 30.0, m.horizon_year)
        except UserError as exc:
            summary.value = f"<b>{exc}</b>"
            return
        end = proj.iloc[-1]
        needed = fmt_number(sol.additions_social_per_year, lang) if sol.feasible else "–"
        summary.value = t(
            "scenario.summary",
            lang,
            year=int(end["year"]),
            share=fmt_pct(end["social_rent_share_pct"], lang),
            needed=needed,
        )
        chart.clear_output(wait=True)
        with chart:
            fig, ax = plt.subplots(figsize=(7, 4))
            plot_share(proj, lang=lang, ax=ax)
            plt.show()
            plt.close(fig)

    widgets.interactive_output(update, controls)
    return widgets.VBox([widgets.VBox(list(controls.values())), summary, chart])


# ---------------------------------------------------------------------------------------------
# Command line: afspraken scenario list | run | solve
# ---------------------------------------------------------------------------------------------


def _load_realisations(directory: str | None) -> pd.DataFrame | None:
    """Realisations through monitoring.load_realisations; says so when they are fictitious."""
    if directory is None:
        return None
    try:
        from . import monitoring
    except ImportError as exc:
        raise UserError(f"--realisations: the monitoring module is not available ({exc})") from None
    df = monitoring.load_realisations(Path(directory))
    if getattr(monitoring, "is_fictitious", lambda _: False)(df):
        from .labels import t

        print(t("monitoring.example_notice", "en"))
    return df


def _cli_scenario(args) -> Scenario:
    return scenario(args.scenario, files=args.file, overrides=parse_overrides(args.set or []))


def _print_notes(notes: Iterable[str], out=None) -> None:
    out = out or sys.stdout
    print("Assumptions:", file=out)
    for note in notes:
        print(f"  - {note}", file=out)


def _cmd_list(args) -> int:
    table = list_scenarios(args.file)
    width = max(map(len, table["name"]))
    for row in table.itertuples():
        print(f"{row.name:<{width}}  {row.description}")
    return 0


def _cmd_run(args) -> int:
    s = _cli_scenario(args)
    realisations = _load_realisations(args.realisations)
    if args.table != "stock":
        if args.runs:
            raise UserError("--runs: the Monte Carlo covers the stock table only (--table stock)")
        fn = project_retrofits if args.table == "retrofits" else project_solar
        df = fn(s, realisations=realisations)
        df.to_csv(args.out, index=False)
        print(f"{args.table} per corporation, scenario {s.name}: {len(df)} rows → {args.out}")
        _print_notes(df.attrs["notes"])
        return 0
    model = resolve(s, realisations=realisations)
    proj = project(model)
    first, last = proj.iloc[0], proj.iloc[-1]
    print(f"Scenario {s.name}: {s.description}")
    print(
        f"Social-rent share: {first['social_rent_share_pct']:.2f} % at the end of {int(first['year'])}, "
        f"{last['social_rent_share_pct']:.2f} % at the end of {int(last['year'])} (deterministic)"
    )
    if args.runs:
        if not model.uncertainty:
            print("Note: this scenario declares no uncertainty; every run is the same.")
        df = monte_carlo(model, runs=args.runs, seed=args.seed)
        end = df.iloc[-1]
        print(
            f"Monte Carlo, {args.runs:,} runs, seed {df.attrs['seed']}: share in {int(end['year'])} "
            f"P10 {end['social_rent_share_pct_p10']:.2f} %, P50 {end['social_rent_share_pct_p50']:.2f} %, "
            f"P90 {end['social_rent_share_pct_p90']:.2f} %; chance ≥ 25 %: {end['chance_share_ge_25_pct']:.1f} %, "
            f"≥ 30 %: {end['chance_share_ge_30_pct']:.1f} %"
        )
    else:
        df = proj
    df.to_csv(args.out, index=False)
    print(f"Written: {args.out}")
    _print_notes(model.notes)
    return 0


def _cmd_solve(args) -> int:
    s = _cli_scenario(args)
    sol = solve(
        s,
        args.target_share,
        args.by,
        from_year=args.from_year,
        total_additions=args.total_additions,
        realisations=_load_realisations(args.realisations),
    )
    print(describe_solution(sol))
    return 0


def configure_cli(sub) -> None:
    """Add `afspraken scenario list|run|solve`."""
    parser = sub.add_parser(
        "scenario", help="2030 projections of the dwelling and social-rent stock"
    )
    scen_sub = parser.add_subparsers(dest="scenario_command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, with_scenario: bool = True) -> None:
        p.add_argument(
            "--file",
            action="append",
            metavar="FILE",
            help="your own scenario file (YAML, same format as data/scenarios.yml); repeatable",
        )
        if not with_scenario:
            return
        p.add_argument("--scenario", default=DEFAULT_SCENARIO, metavar="NAME", help="scenario name")
        p.add_argument(
            "--set",
            action="append",
            metavar="KEY=VALUE",
            help="override a parameter (VALUE is YAML), e.g. --set sales_per_year=20 or "
            "--set 'additions_social_per_year={plan: annex2, then: 400}'; repeatable",
        )
        p.add_argument(
            "--realisations", metavar="DIR", help="monitoring data directory for the trend paces"
        )

    p = scen_sub.add_parser("list", help="the scenarios with a one-line description")
    common(p, with_scenario=False)
    p.set_defaults(func=_cmd_list)

    p = scen_sub.add_parser("run", help="project a scenario and write a CSV")
    common(p)
    p.add_argument("--runs", type=int, metavar="N", help="Monte Carlo runs (percentiles per year)")
    p.add_argument("--seed", type=int, metavar="S", help="random seed (reproducible runs)")
    p.add_argument(
        "--table",
        choices=("stock", "retrofits", "solar"),
        default="stock",
        help="stock (default), or retrofits/solar per corporation",
    )
    p.add_argument("--out", required=True, metavar="FILE.csv", help="output CSV")
    p.set_defaults(func=_cmd_run)

    p = scen_sub.add_parser("solve", help="social-rent homes a year that a target share takes")
    common(p)
    p.add_argument(
        "--target-share", type=float, metavar="PCT", help="target share in percent, e.g. 30"
    )
    p.add_argument(
        "--by", type=int, metavar="YEAR", help="year the share must be reached (end of year)"
    )
    p.add_argument(
        "--from",
        dest="from_year",
        type=int,
        metavar="YEAR",
        help="first year of the constant additions (default: the year after the base year)",
    )
    p.add_argument(
        "--total-additions",
        choices=TOTAL_ADDITIONS_RULES,
        help="on_top (default): total additions rise with the social ones; fixed: they stay",
    )
    p.set_defaults(func=_cmd_solve)


__all__ = [
    "FLOW_KEYS",
    "PARAMETER_KEYS",
    "Model",
    "Scenario",
    "Simulation",
    "Solution",
    "configure_cli",
    "corporation_stocks",
    "describe_solution",
    "interactive",
    "list_scenarios",
    "monte_carlo",
    "parse_overrides",
    "plot_share",
    "project",
    "project_retrofits",
    "project_solar",
    "resolve",
    "scenario",
    "scenario_from_dict",
    "scenario_names",
    "share_reached",
    "simulate",
    "solve",
    "summarise",
]
