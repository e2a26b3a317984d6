"""Projections through the model's arithmetic: the deterministic run (project) and the Monte Carlo
(simulate, summarise, monte_carlo), with the schemas of their tables."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from afspraken_analysis.labels import Number
from afspraken_analysis.userfiles import shown

from .config import Scenario
from .messages import problem
from .model import Model, _accumulate, _column, _effective_flows
from .resolve import _as_model

DEFAULT_THRESHOLDS = (25.0, 30.0)
DEFAULT_PERCENTILES = (10, 50, 90)
MAX_RUNS = (
    1_000_000  # Monte Carlo runs at most (memory grows with runs × years; see memory_estimate)
)


def _fmt_q(q: float) -> str:
    return f"{q:g}".replace(".", "_")


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
            raise problem(
                "stock_below_zero", name=repr(model.name), key=name, year=int(negative.iloc[0])
            )
    for key, values in _effective_flows(model).items():
        out[key] = np.concatenate([[np.nan], values])
    # validated before the attrs are set: pandas deep-copies a frame's attrs into every column
    # the validation takes out (half the time of a projection)
    out = PROJECTION_SCHEMA.validate(out[list(PROJECTION_SCHEMA.columns)])
    out.attrs["scenario"] = model.name
    out.attrs["notes"] = list(model.notes)
    return out


def check_runs(runs: Any) -> int:
    """The number of Monte Carlo runs: a whole number from 1 to MAX_RUNS."""
    if (
        not isinstance(runs, int | np.integer)
        or isinstance(runs, bool)
        or not 1 <= runs <= MAX_RUNS
    ):
        raise problem("runs_invalid", runs=str(runs)[:50], maximum=Number(MAX_RUNS, 0))
    return int(runs)


def memory_estimate(model: Model, runs: int) -> int:
    """Bytes the Monte Carlo of `model` takes at its peak, roughly: the stock, share and sort
    arrays (years × runs) plus one array per uncertain parameter (per year or once)."""
    years = len(model.years)
    draws = sum(years - 1 if spec.get("per_year") else 1 for spec in model.uncertainty.values())
    return 8 * runs * (5 * years + draws + len(model.flows))


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
    check_runs(runs)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    elif not isinstance(seed, int) or seed < 0:
        raise problem("seed_invalid", seed=shown(seed))
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
        # count × 100 / runs, not count × (100 / runs): for 11 runs of 11 the latter is 100.00000000000001
        out[f"chance_share_ge_{_fmt_q(t)}_pct"] = (
            np.count_nonzero(sim.social_rent_share_pct >= t, axis=1) * 100 / sim.runs
        )
    df = _monte_carlo_schema(q, thresholds).validate(pd.DataFrame(out))
    df.attrs.update(runs=sim.runs, seed=sim.seed)  # after the validation: see project()
    return df


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
