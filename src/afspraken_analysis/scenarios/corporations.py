"""Label-B retrofits and solar panels per corporation: the corporations' stocks implied by annex 4
and projections of both against the annex 3 and 4 plans."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from afspraken_analysis.labels import Number

from .config import (
    DEFAULT_SCENARIO,
    TREND_INDICATORS,
    Scenario,
    _check_horizon,
    _is_number,
    scenario,
)
from .messages import Joined, listed, note, on, problem, year_values
from .resolve import _Context, _fallback_note, _realisations, _realised, _trend_what

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
) -> tuple[pd.DataFrame, Joined]:
    """Homes per projection year (rows, indexed by year) and corporation (columns)."""
    plan = _corporation_plan(key, ctx)
    n = len(years)
    index = pd.Index(years, name="year")
    if _is_number(spec):
        out = _allocate(np.full(n, float(spec)), plan).set_index(index)
        return out, on(key, note("split", value=Number(float(spec), 1)))
    if spec == "plan_mean":
        out = pd.DataFrame([plan.mean()] * n).set_index(index)
        return out, on(key, note("each_plan_mean"))
    if spec == "trend":
        spec = {"pace": "trend"}
    if "plan" in spec:
        then = spec["then"]
        if then == "plan_mean":
            later = pd.DataFrame([plan.mean()] * n)
            then_note = note("then_each_plan_mean")
        else:
            later = _allocate(np.full(n, float(then)), plan)
            then_note = note("then_split", value=Number(float(then), 1))
        later = later.set_index(index)
        in_plan = [y for y in years if int(y) in plan.index]
        later.loc[in_plan] = plan.loc[in_plan].to_numpy()
        shown = year_values(plan.sum(axis=1).items())
        return later, on(key, Joined([note("plan", plan=spec["plan"], shown=shown), then_note]))
    known = None
    if key == "solar_panels_per_year":  # annex 4 gives the level before the first realised year
        known = ctx.table("solar_panels").pivot_table(
            index="end_of_year", columns="corporation", values="homes_cumulative", observed=True
        )
        known.index, known.columns = known.index.astype(int), known.columns.astype(str)
    realised, _ = _realised(ctx, key, by_party=True, known_levels=known)
    if realised is None:
        if "fallback" not in spec:
            raise problem("trend_needs_data", key=key, indicator=TREND_INDICATORS[key][0])
        out, fallback = _resolve_corporation_flow(key, spec["fallback"], years, ctx)
        return out, _fallback_note(key, fallback)
    out = pd.DataFrame(index=index, columns=plan.columns, dtype=float)
    for corp in plan.columns:
        if corp in realised:
            series = realised[corp].dropna()
            out[corp] = [series.get(int(y), series.mean()) for y in years]
        else:
            out[corp] = plan[corp].mean()
    missing = [c for c in plan.columns if c not in realised]
    extra = note("no_realisations_for", corporations=", ".join(missing)) if missing else ""
    return out, on(key, note("trend_each", what=_trend_what(key), extra=extra))


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
    flows, flow_note = _resolve_corporation_flow(key, s.parameters[key], years, ctx)
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
    out = CORPORATION_SCHEMA.validate(out[list(CORPORATION_SCHEMA.columns)])
    out.attrs["notes"] = [flow_note, on("stock_homes", note("stock_homes"))]  # as project()
    return out


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
            raise problem("solar_base_year", years=listed(cumulative.index), base_year=base_year)
        start = cumulative.loc[base_year].astype(float)
    return _project_corporations(
        "solar_panels_per_year", s, start, cumulative.astype(float), ctx, stocks
    )
