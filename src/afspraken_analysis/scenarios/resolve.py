"""Resolution: a scenario's specs, read against the annex tables, realisations and the baseline,
become a Model (a number per flow and year) with the notes behind every number."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from afspraken_analysis.baseline import base_stocks
from afspraken_analysis.data import load
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Number, Text
from afspraken_analysis.schemas import CORPORATIONS

from .config import (
    FLOW_KEYS,
    PIPELINE_FLOW,
    PLAN_SOURCES,
    RATE_KEYS,
    STOCK_KEYS,
    TREND_INDICATORS,
    WOONDEAL_FLOWS,
    WOONDEAL_KEYS,
    Scenario,
    _check_horizon,
    _check_series,
    _is_number,
    scenario,
)
from .messages import NOTE_PREFIX, Joined, at, listed, note, on, problem, uses, year_values
from .model import Model, _solve_model

REALISATION_COLUMNS = ("year", "indicator", "party", "value")
# The social-stock account's flows: a year counts only when every corporation supplied it.
COMPLETE_YEARS_ONLY = ("social_rent_demolished", "social_rent_liberalised", "social_rent_acquired")


@dataclass(frozen=True)
class _Context:
    """What resolution may read: data tables, realisations and the baseline (each optional)."""

    tables: Mapping[str, pd.DataFrame] | None = None
    realisations: pd.DataFrame | None = None
    base: Mapping[str, Any] | None = None
    pipeline: pd.DataFrame | None = None  # a pipeline forecast: year, segment, expected, ...

    def table(self, name: str) -> pd.DataFrame:
        if self.tables is not None and name in self.tables:
            return self.tables[name]
        return load(name)

    def base_stocks(self) -> Mapping[str, Any]:
        if self.base is not None:
            return self.base
        # measured start figures (monitoring rows for the base year) replace the estimate
        return base_stocks(self.realisations)


def _realisations(ctx: _Context) -> pd.DataFrame | None:
    df = ctx.realisations
    if df is None:
        return None
    missing = [c for c in REALISATION_COLUMNS if c not in df.columns]
    if missing:
        raise problem(
            "missing_columns",
            where="realisations",
            n=len(missing),
            columns=listed(missing),
            expected=listed(REALISATION_COLUMNS),
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
    scope = note("scope.per_corporation" if by_party else "scope.municipality")
    if by_party or has_party.any():
        rows = rows[has_party]
        scope = scope if by_party else note("scope.corporations")
    if rows.empty:
        return None, None
    if indicator in COMPLETE_YEARS_ONLY and not by_party:
        rows, scope = _complete_years(rows, scope)
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


def _complete_years(rows: pd.DataFrame, scope: Text) -> tuple[pd.DataFrame, Text | Joined]:
    """Only the years every corporation supplied: a missing corporation's flow is not 0."""
    per_year = rows.groupby(rows["year"].astype(int))["party"].agg(lambda p: set(p.astype(str)))
    partial = [int(y) for y, parties in per_year.items() if not set(CORPORATIONS) <= parties]
    if partial:
        rows = rows[~rows["year"].astype(int).isin(partial)]
        scope = Joined([scope, note("scope.left_out", years=listed(partial))], sep="; ")
    return rows, scope


def _trend_what(key: str) -> Text | str:
    """What a trend flow follows: an indicator, or its yearly change."""
    indicator, difference = TREND_INDICATORS[key]
    what = note("yearly_change", indicator=indicator) if difference else indicator
    if key == "demolitions_total_per_year":
        what = note("social_demolitions_only", what=what)
    return what


def _fallback_note(key: str, fallback: Joined) -> Joined:
    """'key: no realisation data supplied for ...; fallback: <the fallback's own note>'."""
    return on(key, note("no_data_fallback", what=_trend_what(key), fallback=fallback.parts[1]))


def _woondeal_pace(key: str, params: Mapping[str, Any]) -> tuple[float, Text]:
    homes = params[
        "woondeal_homes_total" if key == "additions_total_per_year" else "woondeal_homes_social"
    ]
    start, end = params["woondeal_start_year"], params["woondeal_end_year"]
    years = end - start + 1
    pace = homes / years
    what = note("homes" if key == "additions_total_per_year" else "social_homes")
    return pace, note(
        "woondeal_pace",
        homes=Number(homes, 1),
        what=what,
        years=years,
        start=start,
        end=end,
        pace=Number(pace, 1),
    )


def _plan_series(key: str, plan: Any, ctx: _Context) -> tuple[dict[int, float], Text]:
    if isinstance(plan, Mapping):
        series = _check_series(plan, key)
        return series, note("plan_given", shown=year_values(sorted(series.items())))
    table_name = PLAN_SOURCES[plan][0]
    df = ctx.table(table_name)
    totals = df.groupby("year", observed=True)["homes"].sum()
    series = {int(y): float(v) for y, v in totals.items()}
    shown = year_values(sorted(series.items()))
    return series, note("plan_table", plan=plan, table=table_name, shown=shown)


def _resolve_flow(
    key: str,
    spec: Any,
    years: np.ndarray,
    params: Mapping,
    ctx: _Context,
    known_levels: pd.DataFrame | None = None,
) -> tuple[np.ndarray, Joined]:
    """One planned value per projection year, and a note saying where the numbers come from."""
    n = len(years)
    if _is_number(spec):
        return np.full(n, float(spec)), on(key, note("constant", value=Number(float(spec), 1)))
    if spec == "woondeal":
        pace, pace_note = _woondeal_pace(key, params)
        return np.full(n, pace), on(key, pace_note)
    if spec == "pipeline":
        return _resolve_pipeline(key, years, ctx)
    if spec == "trend":
        spec = {"pace": "trend"}
    if "plan" in spec:
        return _resolve_plan(key, spec, years, params, ctx)
    if "pace" in spec:
        return _resolve_trend(key, spec, years, params, ctx, known_levels)
    return _resolve_series(key, spec, years)


def _resolve_plan(
    key: str, spec: Mapping, years: np.ndarray, params: Mapping, ctx: _Context
) -> tuple[np.ndarray, str]:
    """{plan: ..., then: ...}: the plan's years as planned, the other years at the `then` pace."""
    series, plan_note = _plan_series(key, spec["plan"], ctx)
    then = spec["then"]
    if then == "plan_mean":
        pace = sum(series.values()) / len(series)
        then_note = note("then_plan_mean", pace=Number(pace, 1))
    elif then == "woondeal":
        pace, pace_note = _woondeal_pace(key, params)
        then_note = note("then_woondeal", pace=pace_note)
    else:
        pace = float(then)
        then_note = note("then_value", pace=Number(pace, 1))
    values = np.array([series.get(int(y), pace) for y in years], dtype=float)
    used = [y for y in years if int(y) in series]
    if not used:
        plan_note = note("plan_outside", plan=plan_note)
    return values, on(key, Joined([plan_note, then_note]))


def _resolve_trend(
    key: str,
    spec: Mapping,
    years: np.ndarray,
    params: Mapping,
    ctx: _Context,
    known_levels: pd.DataFrame | None,
) -> tuple[np.ndarray, Joined]:
    """{pace: trend}: realised years as realised, the others at the realised mean (or the
    fallback without realisations)."""
    realised, scope = _realised(ctx, key, by_party=False, known_levels=known_levels)
    if realised is None:
        if "fallback" not in spec:
            indicator = TREND_INDICATORS[key][0]
            raise problem("trend_needs_data", key=key, indicator=indicator)
        values, fallback = _resolve_flow(key, spec["fallback"], years, params, ctx)
        return values, _fallback_note(key, fallback)
    series = realised["all"]
    pace = float(series.mean())
    values = np.array([series.get(int(y), pace) for y in years], dtype=float)
    if (values < 0).any():
        raise problem("trend_negative", key=key, pace=Number(pace, 1))
    trend = note(
        "trend",
        what=_trend_what(key),
        scope=scope,
        shown=year_values(series.items()),
        pace=Number(pace, 1),
    )
    return values, on(key, trend)


def _resolve_pipeline(key: str, years: np.ndarray, ctx: _Context) -> tuple[np.ndarray, Joined]:
    """'pipeline': the expected social-rent deliveries of the pipeline forecast per year; a year
    after the forecast's first year without one gets nothing (no project delivers then)."""
    forecast = ctx.pipeline
    if forecast is None or key != PIPELINE_FLOW:
        raise problem("pipeline_needs_forecast", key=key)
    social = forecast[forecast["segment"] == "sociale_huur"]
    series = {int(y): float(v) for y, v in zip(social["year"], social["expected"], strict=True)}
    first = min(series, default=None)
    if first is None or first > int(years[0]):
        raise problem("pipeline_starts_late", key=key, first=first, start=int(years[0]))
    values = np.array([series.get(int(y), 0.0) for y in years], dtype=float)
    shown = year_values(zip(years, values, strict=True))
    return values, on(key, note("pipeline", shown=shown))


def _resolve_series(key: str, spec: Mapping, years: np.ndarray) -> tuple[np.ndarray, Joined]:
    """{year: n}: a value for every projection year."""
    series = _check_series(spec, key)
    missing = [int(y) for y in years if int(y) not in series]
    if missing:
        raise problem(
            "series_gap",
            key=key,
            years=listed(missing),
            first=int(years[0]),
            last=int(years[-1]),
        )
    values = np.array([series[int(y)] for y in years], dtype=float)
    return values, on(key, note("series", shown=year_values(zip(years, values, strict=True))))


def _base_stocks(
    params: Mapping[str, Any], ctx: _Context
) -> tuple[int, float, float, list, Mapping | None]:
    missing = [k for k in ("base_year", *STOCK_KEYS) if params.get(k) is None]
    base = ctx.base_stocks() if missing else None
    base_year = params.get("base_year", base["base_year"] if base else None)
    notes = []
    stocks = {}
    for key in STOCK_KEYS:
        if params.get(key) is not None:
            stocks[key] = float(params[key])
            notes.append(on(key, note("stock_given", value=Number(stocks[key]), year=base_year)))
            continue
        if base["base_year"] != base_year:
            raise problem(
                "baseline_year", key=key, baseline_year=base["base_year"], base_year=base_year
            )
        stocks[key] = float(base[key])
        extra = ""
        if key == "social_rent_stock" and "social_rent_stock_low" in base:
            low, high = base["social_rent_stock_low"], base["social_rent_stock_high"]
            extra = note("interval", low=Number(low), high=Number(high))
        stock = note("stock_baseline", value=Number(stocks[key]), extra=extra, year=base_year)
        notes.append(on(key, stock))
    if base is not None and any(params.get(k) is None for k in STOCK_KEYS):
        notes.append(note("baseline_source", source=base.get("source") or note("not_stated")))
    if stocks["dwellings_total"] <= 0:
        raise problem("must_be_positive", where="dwellings_total")
    if stocks["social_rent_stock"] > stocks["dwellings_total"]:
        raise problem("social_above_total")
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
            uncertain = part in uncertainty or whole in uncertainty
            raise problem(
                "part_can_exceed_whole" if uncertain else "part_exceeds_whole",
                part=part,
                whole=whole,
                year=int(years[y]),
                high=Number(hi[y], 1),
                low=Number(lo[y], 1),
            )


def resolve(
    s: Scenario | str,
    *,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
    pipeline: pd.DataFrame | None = None,
) -> Model:
    """Resolve a scenario against the data: base stocks, a planned value per flow and year, numeric
    distributions, and the notes behind every number. A `target` block is solved here.

    `tables` replaces data.load for the named tables, `base` replaces baseline.base_stocks(),
    `realisations` (year, indicator, party, value) feeds the `trend` paces, `pipeline` (a forecast
    of scenarios.pipeline_forecast) the flow 'pipeline'.
    """
    if isinstance(s, str):
        s = scenario(s)
    model = _resolve_untargeted(s, _Context(tables, realisations, base, pipeline))
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
        raise UserError(Joined([at(f"scenario {s.name!r}", "target"), sol.message], sep=": "))
    return sol.model


def _resolve_untargeted(s: Scenario, ctx: _Context) -> Model:
    params = s.parameters
    _check_complete(s)
    base_year, d0, s0, notes, base = _base_stocks(params, ctx)
    horizon = params["horizon_year"]
    _check_horizon(base_year, horizon, f"scenario {s.name!r}")
    years = np.arange(base_year + 1, horizon + 1)
    flows = _resolve_flows(params, years, ctx, base_year, d0, notes)
    _add_rate_notes(params, notes)
    uncertainty = _resolve_uncertainty(s, base, notes)
    _check_parts(flows, uncertainty, years)
    if (
        "dwellings_total" in uncertainty
        and _distribution_support(uncertainty["dwellings_total"])[0] <= 0
    ):
        raise problem("distribution_above_zero", where=at("uncertainty", "dwellings_total"))
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


def _check_complete(s: Scenario) -> None:
    """Every flow, rate and the horizon given; the Woondeal numbers too when a flow uses them."""
    params = s.parameters
    missing = [k for k in (*FLOW_KEYS, *RATE_KEYS, "horizon_year") if k not in params]
    if any(_mentions(params.get(k), "woondeal") for k in WOONDEAL_FLOWS):
        missing += [k for k in WOONDEAL_KEYS if k not in params]
    if missing:
        raise problem("missing_parameters", name=repr(s.name), n=len(missing), keys=listed(missing))


def _resolve_flows(
    params: Mapping[str, Any],
    years: np.ndarray,
    ctx: _Context,
    base_year: int,
    d0: float,
    notes: list,
) -> dict[str, np.ndarray]:
    """Every flow resolved (read-only arrays); their notes are appended to `notes`."""
    flows = {}
    # the base stock is the level before the first realised dwellings_total (trend of additions)
    known = {"additions_total_per_year": pd.DataFrame({"all": [d0]}, index=[base_year])}
    for key in FLOW_KEYS:
        values, note = _resolve_flow(key, params[key], years, params, ctx, known.get(key))
        flows[key] = values
        notes.append(note)
    _gross_up_net_additions(flows, params, ctx, known, notes)
    for values in flows.values():
        values.setflags(write=False)
    return flows


def _is_trend(spec: Any) -> bool:
    return spec == "trend" or (isinstance(spec, Mapping) and spec.get("pace") == "trend")


def _gross_up_net_additions(
    flows: dict[str, np.ndarray], params: Mapping, ctx: _Context, known: Mapping, notes: list
) -> None:
    """A realised trend of dwellings_total is a net change, demolitions already deducted: the
    model deducts demolitions_total again, so the additions are grossed up by it."""
    key, demolished = "additions_total_per_year", flows["demolitions_total_per_year"]
    if not _is_trend(params[key]) or not demolished.any():
        return
    realised, _ = _realised(ctx, key, by_party=False, known_levels=known.get(key))
    if realised is None:
        return
    flows[key] = flows[key] + demolished
    notes.append(on(key, note("net_of_demolitions")))


def _add_rate_notes(params: Mapping[str, Any], notes: list) -> None:
    """Notes on delivery rates below or above 1 and on the Woondeal's assumed period."""
    for key in RATE_KEYS:
        if params[key] != 1:
            notes.append(on(key, note("rate", rate=float(params[key]))))
    if any(uses(n, NOTE_PREFIX + "woondeal_pace") for n in notes):
        woondeal = note(
            "woondeal",
            total=Number(params["woondeal_homes_total"], 1),
            social=Number(params["woondeal_homes_social"], 1),
            start=params["woondeal_start_year"],
            end=params["woondeal_end_year"],
        )
        notes.append(woondeal)


def _resolve_uncertainty(
    s: Scenario, base: Mapping | None, notes: list
) -> dict[str, dict[str, Any]]:
    """Numeric distributions: 'baseline' becomes the baseline's interval for the social-rent
    stock (or is dropped, with a note); notes are appended to `notes`."""
    uncertainty = {}
    specs = dict(s.uncertainty)
    if "social_rent_stock" not in specs and s.parameters.get("social_rent_stock") is None:
        # the estimated start stock is a range: the fan draws from it unless told otherwise
        specs["social_rent_stock"] = {"distribution": "baseline"}
    for key, spec in specs.items():
        spec = dict(spec)
        if spec["distribution"] == "baseline":
            if s.parameters.get("social_rent_stock") is not None or base is None:
                if key not in s.uncertainty:
                    continue
                notes.append(note("uncertainty", key=key, what=note("uncertainty_given")))
                continue
            if "social_rent_stock_low" not in base or "social_rent_stock_high" not in base:
                if key in s.uncertainty:
                    notes.append(note("uncertainty", key=key, what=note("uncertainty_no_interval")))
                continue
            spec = {
                "distribution": "uniform",
                "low": float(base["social_rent_stock_low"]),
                "high": float(base["social_rent_stock_high"]),
            }
        uncertainty[key] = spec
        shown = ", ".join(f"{k} {v}" for k, v in spec.items() if k != "distribution")
        drawn = note("uncertainty_drawn", distribution=spec["distribution"], shown=shown)
        notes.append(note("uncertainty", key=key, what=drawn))
    return uncertainty


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
