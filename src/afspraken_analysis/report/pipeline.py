"""The project pipeline in the report: the delivery forecast per year and segment, the social
homes cumulated towards the Woondeal, the stage probabilities used, and the share the scenario
pijplijn reaches (with what a 30 % share takes)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from afspraken_analysis import labels, monitoring, scenarios
from afspraken_analysis.scenarios.pipeline import STAGES_FILE, probabilities

from . import outlook

STAGES_OVERRIDE = "pipeline_stages.csv"  # in the monitoring directory: this run's own values
TARGET_SHARE_PCT = 30.0


class PipelineReport(NamedTuple):
    forecast: scenarios.Forecast
    outlook: scenarios.PipelineOutlook
    stages_file: str


def pipeline_for(p, realisations) -> PipelineReport | None:
    """The forecast and the pijplijn scenario for the report; None without a pipeline file."""
    if p.monitoring is None:
        return None
    pipeline = monitoring.pipeline_of(p.monitoring)
    if pipeline is None:
        return None
    own = Path(p.monitoring) / STAGES_OVERRIDE
    stages_path = own if own.is_file() else STAGES_FILE
    base = outlook.scenario_for(p)
    forecast = scenarios.pipeline_forecast(
        pipeline,
        p.year,
        stages=scenarios.stage_parameters(stages_path),
        woondeal_social=base.parameters["woondeal_homes_social"],
    )
    answer = scenarios.pipeline_outlook(
        forecast,
        base=base,
        realisations=realisations,
        base_stocks=outlook.start_base(p, realisations),
        target_share_pct=TARGET_SHARE_PCT,
    )
    shown = own.name if own.is_file() else "data/pipeline_stages.csv"
    return PipelineReport(forecast, answer, shown)


def forecast_table(result: PipelineReport, lang: str) -> pd.DataFrame:
    """Per year: social expected with P10-P90, cumulative and gap; mid-rent and other expected."""
    table = result.forecast.table
    wide = table.pivot(index="year", columns="segment", values="expected")
    social = result.forecast.social.set_index("year")
    out = pd.DataFrame(
        {
            "year": wide.index.astype(int),
            "social": wide["sociale_huur"].to_numpy(),
            "social_range": [
                f"{labels.fmt_number(r.p10, lang)} – {labels.fmt_number(r.p90, lang)}"
                for r in table[table["segment"] == "sociale_huur"].itertuples()
            ],
            "cumulative": social["cumulative_expected"].to_numpy(),
            "gap": social["gap"].to_numpy(),
            "mid_rent": wide["middenhuur"].to_numpy(),
            "other": wide["overig"].to_numpy(),
        }
    )
    return out


def probabilities_table(result: PipelineReport, lang: str) -> pd.DataFrame:
    """stage, probability, delay_years (the values the run used) with the stage's name."""
    used = probabilities(result.forecast)
    used.insert(1, "name", [labels.t(f"pipeline.stage.{s}", lang) for s in used["stage"]])
    used["basis"] = [labels.t(f"pipeline.basis.{b}", lang) for b in result.forecast.stages["basis"]]
    return used


def chart_data(result: PipelineReport) -> pd.DataFrame:
    """The social homes per year: expected, cumulative with P10-P90, the Woondeal target."""
    return result.forecast.social.copy()


def summary_lines(result: PipelineReport, lang: str) -> list[str]:
    """What the pipeline gives: the social homes to 2030 against the Woondeal, the share the
    pijplijn scenario reaches, and what a 30 % share takes on top of the pipeline."""
    forecast, answer = result.forecast, result.outlook
    social = forecast.social.iloc[-1]
    horizon = int(social["year"])
    fan = answer.fan.set_index("year").loc[horizon]
    solution = answer.solution
    projection = scenarios.project(answer.model).set_index("year")
    n = lambda v: labels.fmt_number(v, lang)  # noqa: E731
    pct = lambda v: labels.fmt_pct(v, lang)  # noqa: E731
    lines = [
        labels.t(
            "report.pipeline.social",
            lang,
            first=int(forecast.social["year"].iloc[0]),
            horizon=horizon,
            as_of=forecast.as_of,
            expected=n(social["cumulative_expected"]),
            p10=n(social["cumulative_p10"]),
            p90=n(social["cumulative_p90"]),
            target=n(social["woondeal_social"]),
            gap=n(social["gap"]),
            later=n(forecast.later["sociale_huur"]),
        ),
        labels.t(
            "report.pipeline.share",
            lang,
            horizon=horizon,
            share=pct(projection.loc[horizon, "social_rent_share_pct"]),
            p10=pct(fan["social_rent_share_pct_p10"]),
            p50=pct(fan["social_rent_share_pct_p50"]),
            p90=pct(fan["social_rent_share_pct_p90"]),
            chance=labels.fmt_pct(fan["chance_share_ge_30_pct"], lang, 0),
        ),
    ]
    if solution.feasible:
        lines.append(
            labels.t(
                "report.pipeline.needed",
                lang,
                target=labels.fmt_pct(TARGET_SHARE_PCT, lang, 0),
                horizon=horizon,
                start=solution.from_year,
                needed=n(solution.additions_social_per_year),
                pipeline=n(solution.scenario_additions_social_per_year),
                more=n(
                    solution.additions_social_per_year - solution.scenario_additions_social_per_year
                ),
            )
        )
    else:
        reason = labels.render(solution.message, lang)
        lines.append(labels.t("report.pipeline.infeasible", lang, message=reason))
    return lines
