"""The project pipeline as a delivery forecast: each project delivers its homes with the
probability of its plan stage, in its expected year plus the stage's typical delay
(data/pipeline_stages.csv). The expected deliveries per year and segment, P10/P50/P90 by Monte
Carlo (each project delivered or not), the social homes cumulated towards the Woondeal, and the
scenario `pijplijn` that takes its social additions from the forecast."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from afspraken_analysis.labels import Number
from afspraken_analysis.paths import DATA_DIR
from afspraken_analysis.userfiles import shown

from .config import PIPELINE_FLOW, PIPELINE_SCENARIO, Scenario, scenario
from .messages import Joined, at, listed, problem, text
from .model import Model, Solution, _accumulate, _column
from .projection import DEFAULT_PERCENTILES, Simulation, _draw, _percentiles, summarise
from .resolve import resolve
from .solver import solve

STAGES_FILE = DATA_DIR / "pipeline_stages.csv"
STAGES = ("initiatief", "plan", "vergunning", "in_aanbouw", "opgeleverd", "vervallen")
SEGMENTS = ("sociale_huur", "middenhuur", "overig")
STAGE_COLUMNS = ("stage", "probability", "delay_years", "basis", "source")
MAX_DELAY_YEARS = 10
MAX_STAGES_FILE_BYTES = 100_000  # six rows of text; anything far larger is the wrong file
DEFAULT_RUNS = 10_000
DEFAULT_SEED = 2030  # fixed: the report is byte-reproducible
DEFAULT_HORIZON = 2030


# ---------------------------------------------------------------------------------------------
# Stage parameters


def stage_parameters(path: Path | str | None = None) -> pd.DataFrame:
    """Delivery probability and typical delay per stage, from data/pipeline_stages.csv or a file
    of the same form (a run's own values); every stage exactly once. UserError names file, row
    and column of any problem."""
    path = Path(path) if path is not None else STAGES_FILE
    where = str(path)
    try:
        if path.stat().st_size > MAX_STAGES_FILE_BYTES:
            raise problem("stages_too_large", where=where, maximum=Number(MAX_STAGES_FILE_BYTES, 0))
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise problem("stages_unreadable", where=where, reason=str(exc)[:200]) from None
    rows = list(csv.DictReader(content.splitlines()))
    header = list(rows[0]) if rows else []
    missing = [c for c in STAGE_COLUMNS[:3] if c not in header]
    if missing:
        raise problem(
            "missing_columns",
            where=_at_row(where, 1),
            n=len(missing),
            columns=listed(missing),
            expected=listed(STAGE_COLUMNS),
        )
    records = [_stage_record(row, number, where) for number, row in enumerate(rows, start=2)]
    names = [r["stage"] for r in records]
    absent = [s for s in STAGES if s not in names]
    twice = sorted({n for n in names if names.count(n) > 1})
    if absent or twice:
        raise problem(
            "stages_absent" if absent else "stages_twice",
            where=where,
            n=len(absent or twice),
            found=listed(absent or twice),
            stages=listed(STAGES),
        )
    frame = pd.DataFrame(records).set_index("stage").loc[list(STAGES)].reset_index()
    return frame[list(STAGE_COLUMNS)]


def _at_row(where: str, number: int, column: str | None = None) -> Joined:
    """ "file, row 3, column probability" in the language of the message."""
    cell = text("at_column", column=column) if column else ""
    return at(where, text("at_row", row=number), cell)


def _stage_record(row: dict, number: int, where: str) -> dict:
    if None in row:  # more cells than the header names, e.g. a decimal comma in 0,7
        raise problem("stage_extra_cells", where=_at_row(where, number), cells=shown(row[None]))
    stage = (row.get("stage") or "").strip()
    if stage not in STAGES:
        raise problem(
            "unknown_stage",
            where=_at_row(where, number, "stage"),
            stage=shown(stage),
            stages=listed(STAGES),
        )
    probability = _stage_number(row, "probability", number, where)
    delay = _stage_number(row, "delay_years", number, where)
    if not 0 <= probability <= 1:
        raise problem(
            "probability_outside",
            where=_at_row(where, number, "probability"),
            value=f"{probability:g}",
        )
    if not delay.is_integer() or not 0 <= delay <= MAX_DELAY_YEARS:
        raise problem(
            "delay_invalid",
            where=_at_row(where, number, "delay_years"),
            value=f"{delay:g}",
            maximum=MAX_DELAY_YEARS,
        )
    for fixed, value in (("opgeleverd", 1.0), ("vervallen", 0.0)):
        if stage == fixed and probability != value:
            raise problem(
                "stage_fixed_probability",
                where=_at_row(where, number, "probability"),
                stage=fixed,
                value=f"{value:g}",
                given=f"{probability:g}",
            )
    if stage == "opgeleverd" and delay:
        raise problem("delivered_delay", where=_at_row(where, number, "delay_years"))
    return {
        "stage": stage,
        "probability": probability,
        "delay_years": int(delay),
        "basis": (row.get("basis") or "").strip(),
        "source": (row.get("source") or "").strip(),
    }


def _stage_number(row: dict, column: str, number: int, where: str) -> float:
    cell = (row.get(column) or "").strip()
    try:
        value = float(cell)
    except ValueError:
        raise problem(
            "not_a_number_point", where=_at_row(where, number, column), value=shown(cell)
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise problem("not_a_number", where=_at_row(where, number, column), value=shown(cell))
    return value


# ---------------------------------------------------------------------------------------------
# The forecast


class Forecast(NamedTuple):
    """A pipeline forecast. `table`: year, segment, expected, p10, p50, p90 (homes delivered in
    the year). `social`: per year the social homes cumulated from the forecast's first year,
    expected and P10/P50/P90, with the Woondeal target and the remaining gap. `later`: expected
    homes per segment delivered after the horizon. `draws`: social homes per year and run
    (years × runs), the Monte Carlo behind the percentiles. `as_of`: the monitoring year used."""

    table: pd.DataFrame
    social: pd.DataFrame
    later: dict[str, float]
    stages: pd.DataFrame
    draws: np.ndarray
    as_of: int
    runs: int
    seed: int


def projects_as_of(pipeline: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of the latest monitoring year up to `year` (the pipeline as known then)."""
    known = pipeline[pipeline["year"] <= year]
    if known.empty:
        years = ", ".join(str(int(y)) for y in sorted(pipeline["year"].dropna().unique()))
        raise problem("pipeline_no_rows", year=year, years=years if years else text("none"))
    latest = int(known["year"].max())
    return known[known["year"] == latest].reset_index(drop=True)


def pipeline_forecast(
    pipeline: pd.DataFrame,
    year: int,
    *,
    stages: pd.DataFrame | None = None,
    horizon: int = DEFAULT_HORIZON,
    woondeal_social: float | None = None,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
) -> Forecast:
    """The delivery forecast of the pipeline as known in `year` (its latest monitoring year up to
    `year`), from the forecast's first delivery year to `horizon`. Same seed, same numbers."""
    stages = stage_parameters() if stages is None else stages
    rows = projects_as_of(pipeline, year)
    by_stage = stages.set_index("stage")
    probability = rows["stage"].astype(str).map(by_stage["probability"]).to_numpy(float)
    delay = rows["stage"].astype(str).map(by_stage["delay_years"]).to_numpy(float)
    arrives = rows["expected_delivery_year"].astype("Float64").to_numpy(float, na_value=np.nan)
    arrives = arrives + delay
    homes = rows["homes"].to_numpy(float)
    segment = rows["segment"].astype(str).to_numpy()
    counted = probability > 0
    first = int(np.nanmin(arrives[counted])) if counted.any() else int(rows["year"].iloc[0]) + 1
    years = np.arange(min(first, horizon), horizon + 1)
    cells = [(y, s) for y in years for s in SEGMENTS]
    # homes[i] lands in cell (year, segment) of row i when the project is delivered
    weights = np.zeros((len(rows), len(cells)))
    for i in np.flatnonzero(counted):
        if arrives[i] <= horizon:
            weights[i, cells.index((int(arrives[i]), segment[i]))] = homes[i]
    rng = np.random.default_rng(seed)
    delivered = rng.random((runs, len(rows))) < probability  # p = 1 always, p = 0 never
    sampled = delivered.astype(float) @ weights  # runs × cells
    expected = probability @ weights
    q = _percentiles(sampled.T, DEFAULT_PERCENTILES)
    table = pd.DataFrame(
        {
            "year": [int(y) for y, _ in cells],
            "segment": [s for _, s in cells],
            "expected": expected,
            "p10": q[0],
            "p50": q[1],
            "p90": q[2],
        }
    )
    social_columns = [j for j, (_, s) in enumerate(cells) if s == "sociale_huur"]
    draws = sampled[:, social_columns].T  # years × runs
    later = {s: _later(homes, probability, arrives, segment, s, horizon) for s in SEGMENTS}
    target = _woondeal_social() if woondeal_social is None else float(woondeal_social)
    social = _cumulated(years, expected[social_columns], draws, target)
    return Forecast(table, social, later, stages, draws, int(rows["year"].iloc[0]), runs, seed)


def _later(homes, probability, arrives, segment, name: str, horizon: int) -> float:
    """Expected homes of a segment that arrive after the horizon."""
    mask = (segment == name) & (probability > 0) & (arrives > horizon)
    return float(np.sum(homes[mask] * probability[mask]))


def _cumulated(years, expected, draws, target: float) -> pd.DataFrame:
    cumulative = np.cumsum(expected)
    q = _percentiles(np.cumsum(draws, axis=0), DEFAULT_PERCENTILES)
    return pd.DataFrame(
        {
            "year": years.astype(int),
            "expected": expected,
            "cumulative_expected": cumulative,
            "cumulative_p10": q[0],
            "cumulative_p50": q[1],
            "cumulative_p90": q[2],
            "woondeal_social": target,
            "gap": np.maximum(target - cumulative, 0.0),
        }
    )


def _woondeal_social() -> float:
    return float(scenario("afspraken").parameters["woondeal_homes_social"])


def probabilities(forecast: Forecast) -> pd.DataFrame:
    """stage, probability (and delay_years): the values the forecast used."""
    return forecast.stages[["stage", "probability", "delay_years"]].copy()


# ---------------------------------------------------------------------------------------------
# The scenario `pijplijn`


def pipeline_scenario(base: Scenario | str = "afspraken") -> Scenario:
    """`base` with its social additions from the pipeline forecast (the flow 'pipeline'). The
    delivery rates are 1 and not drawn: the stage probabilities already say what arrives."""
    base = scenario(base) if isinstance(base, str) else base
    parameters = dict(base.parameters)
    parameters.update(
        {PIPELINE_FLOW: "pipeline", "delivery_rate": 1.0, "delivery_rate_social": 1.0}
    )
    uncertainty = {
        k: v
        for k, v in base.uncertainty.items()
        if k not in ("delivery_rate", "delivery_rate_social", PIPELINE_FLOW)
    }
    return replace(
        base,
        name=PIPELINE_SCENARIO,
        description=f"{base.name} with the social additions expected from the project pipeline",
        parameters=parameters,
        uncertainty=uncertainty,
        target=None,
    )


class PipelineOutlook(NamedTuple):
    """The share with what is in the pipeline: the model, the Monte Carlo summary per year (the
    pipeline's own draws for the social additions) and what a target share takes."""

    model: Model
    fan: pd.DataFrame
    solution: Solution


def pipeline_outlook(
    forecast: Forecast,
    *,
    base: Scenario | str = "afspraken",
    realisations: pd.DataFrame | None = None,
    base_stocks: dict | None = None,
    target_share_pct: float = 30.0,
) -> PipelineOutlook:
    """The pijplijn scenario resolved on the forecast; its share fan draws each run's social
    additions from the forecast's Monte Carlo (plus the scenario's other uncertain parameters);
    the solve asks what `target_share_pct` at the horizon takes from the year after the pipeline's
    monitoring year."""
    model = resolve(
        pipeline_scenario(base),
        realisations=realisations,
        base=base_stocks,
        pipeline=forecast.table,
    )
    fan = summarise(_simulate(model, forecast))
    fan.attrs.update(scenario=model.name, notes=list(model.notes))
    from_year = max(forecast.as_of + 1, model.base_year + 1)
    solution = solve(model, target_share_pct, model.horizon_year, from_year=from_year)
    return PipelineOutlook(model, fan, solution)


def _simulate(model: Model, forecast: Forecast) -> Simulation:
    """The model's arithmetic with the pipeline's draws as the social additions of each run."""
    years = model.years[1:]
    first = int(forecast.social["year"].iloc[0])
    index = [int(y) - first for y in years]
    runs = forecast.runs
    social = np.zeros((len(years), runs))
    for row, i in enumerate(index):
        if 0 <= i < forecast.draws.shape[0]:
            social[row] = forecast.draws[i]
    n = len(years)
    draws = {k: _draw(spec, k, forecast.seed, n, runs) for k, spec in model.uncertainty.items()}
    flows = {k: draws.get(k, _column(v)) for k, v in model.flows.items()}
    flows[PIPELINE_FLOW] = social
    dwellings, stock, share = _accumulate(
        draws.get("dwellings_total", model.dwellings_total),
        draws.get("social_rent_stock", model.social_rent_stock),
        flows,
        model.delivery_rate,
        model.delivery_rate_social,
        n,
        runs,
    )
    return Simulation(model.years, dwellings, stock, share, runs, forecast.seed, draws)
