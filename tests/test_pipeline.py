"""The project pipeline: the monitoring table's rules, the stage parameters, the delivery forecast
checked by hand on a three-project pipeline, and the scenario pijplijn."""

from __future__ import annotations

import pandas as pd
import pytest

from afspraken_analysis import labels, monitoring, scenarios
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.scenarios import pipeline as pl


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """The problems asserted here are the English ones (AFSPRAKEN_LANG=en)."""
    monkeypatch.setenv(labels.LANG_ENV, "en")


HEADER = "year,party,project,segment,homes,stage,expected_delivery_year,source,note\n"
# Three projects as known at the end of 2025 (made up for the test).
THREE = (
    HEADER
    + "2025,De Goede Woning,Alfa,sociale_huur,100,vergunning,2027,test,\n"
    + "2025,Ons Huis,Beta,sociale_huur,50,opgeleverd,2025,test,\n"
    + "2025,,Gamma,middenhuur,40,plan,2027,test,\n"
)
# Round numbers for the hand arithmetic: a permit delivers 9 in 10, a year late; a plan 7 in 10,
# a year late.
STAGES = (
    "stage,probability,delay_years,basis,source\n"
    "initiatief,0.5,2,test,\n"
    "plan,0.7,1,test,\n"
    "vergunning,0.9,1,test,\n"
    "in_aanbouw,1,0,test,\n"
    "opgeleverd,1,0,test,\n"
    "vervallen,0,0,test,\n"
)


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def forecast(tmp_path):
    pipeline = monitoring.load_pipeline(_write(tmp_path, "pipeline.csv", THREE))
    stages = pl.stage_parameters(_write(tmp_path, "stages.csv", STAGES))
    return pl.pipeline_forecast(pipeline, 2025, stages=stages, woondeal_social=2550)


def _cell(table: pd.DataFrame, year: int, segment: str) -> pd.Series:
    return table[(table["year"] == year) & (table["segment"] == segment)].iloc[0]


def test_expected_deliveries_by_hand(forecast):
    table = forecast.table
    # Beta: delivered in 2025, 50 homes, probability 1
    assert _cell(table, 2025, "sociale_huur")["expected"] == 50
    # Alfa: permit, expected 2027 + 1 year delay = 2028, 100 × 0.9 = 90
    assert _cell(table, 2028, "sociale_huur")["expected"] == pytest.approx(90)
    assert _cell(table, 2027, "sociale_huur")["expected"] == 0
    # Gamma: plan, expected 2027 + 1 = 2028, 40 × 0.7 = 28
    assert _cell(table, 2028, "middenhuur")["expected"] == pytest.approx(28)
    assert table["expected"].sum() == pytest.approx(50 + 90 + 28)
    assert list(table["year"].unique()) == [2025, 2026, 2027, 2028, 2029, 2030]
    assert list(table.columns) == ["year", "segment", "expected", "p10", "p50", "p90"]


def test_cumulative_social_and_the_gap_to_the_woondeal(forecast):
    social = forecast.social.set_index("year")
    assert social.loc[2025, "cumulative_expected"] == 50
    assert social.loc[2028, "cumulative_expected"] == pytest.approx(140)  # 50 + 90
    assert social.loc[2030, "gap"] == pytest.approx(2550 - 140)


def test_monte_carlo_percentiles_and_mean(forecast):
    table = forecast.table
    beta = _cell(table, 2025, "sociale_huur")
    assert (beta["p10"], beta["p50"], beta["p90"]) == (50, 50, 50)  # delivered: no spread
    gamma = _cell(table, 2028, "middenhuur")  # delivered in 7 of 10 runs: 0 or 40
    assert (gamma["p10"], gamma["p50"], gamma["p90"]) == (0, 40, 40)
    alfa = _cell(table, 2028, "sociale_huur")
    assert (alfa["p50"], alfa["p90"]) == (100, 100)
    # each project delivered or not: the mean over the runs is the expected value
    assert forecast.draws.mean(axis=1)[3] == pytest.approx(90, abs=1.5)


def test_same_seed_same_forecast(tmp_path, forecast):
    pipeline = monitoring.load_pipeline(tmp_path / "pipeline.csv")
    again = pl.pipeline_forecast(pipeline, 2025, stages=forecast.stages, woondeal_social=2550)
    pd.testing.assert_frame_equal(again.table, forecast.table)


def test_the_latest_monitoring_year_up_to_the_report_year_is_used(tmp_path):
    text = THREE + "2026,Ons Huis,Beta,sociale_huur,50,opgeleverd,2025,test,\n"
    pipeline = monitoring.load_pipeline(_write(tmp_path, "pipeline.csv", text))
    assert len(pl.projects_as_of(pipeline, 2025)) == 3
    assert len(pl.projects_as_of(pipeline, 2026)) == 1
    with pytest.raises(UserError, match="no rows for 2024 or earlier"):
        pl.projects_as_of(pipeline, 2024)


def test_default_stages_cover_every_stage_and_say_where_they_come_from():
    stages = pl.stage_parameters()
    assert list(stages["stage"]) == list(monitoring.STAGES)
    assert (stages["source"].str.len() > 20).all()
    assert set(stages["basis"]) <= {"assumption", "definition"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("plan,1.5,1,x,", "row 3, column probability: 1.5 is outside 0-1"),
        ("plan,0,7,1,x,", "row 3: more cells than columns"),
        ("plan,0.7,1.5,x,", "row 3, column delay_years: 1.5 is not a whole number"),
        ("plan,zeventig,1,x,", "row 3, column probability: 'zeventig' is not a number"),
        ("fase,0.7,1,x,", "row 3, column stage: unknown stage 'fase'"),
    ],
)
def test_bad_stage_parameters_are_refused_with_row_and_column(tmp_path, row, message):
    lines = STAGES.splitlines()
    lines[2] = row
    path = _write(tmp_path, "stages.csv", "\n".join(lines) + "\n")
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        pl.stage_parameters(path)


def test_a_stage_missing_from_the_parameters_is_refused(tmp_path):
    path = _write(tmp_path, "stages.csv", STAGES.replace("vervallen,0,0,test,\n", ""))
    with pytest.raises(UserError, match="no row for vervallen"):
        pl.stage_parameters(path)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "2025,Ons Huis,X,sociale_huur,10,opgeleverd,2026,,",
            "expected_delivery_year",
            "after the monitoring year",
        ),
        (
            "2025,Ons Huis,X,sociale_huur,10,plan,2025,,",
            "expected_delivery_year",
            "not delivered by the end of 2025",
        ),
        ("2025,Ons Huis,X,sociale_huur,10,plan,,,", "expected_delivery_year", "no delivery year"),
        ("2025,Ons Huis,X,sociale_huur,10,bouw,2027,,", "stage", "unknown stage 'bouw'"),
        ("2025,Ons Huis,X,sociaal,10,plan,2027,,", "segment", "unknown segment 'sociaal'"),
        ("2025,Ons Huis,X,sociale_huur,2.5,plan,2027,,", "homes", "not a whole number of homes"),
        ("2025,Ons Huis,Beta,sociale_huur,50,opgeleverd,2025,,", "homes", "a second row"),
    ],
)
def test_bad_pipeline_rows_are_named(tmp_path, row, column, message):
    path = _write(tmp_path, "pipeline.csv", THREE + row + "\n")
    problems = monitoring.validate_paths([path])
    assert [(p.row, p.column) for p in problems] == [(5, column)]
    assert message in problems[0].message.render("en")


def test_dutch_spelling_with_spaces_is_read(tmp_path):
    text = HEADER + "2025,Ons Huis,X,sociale huur,10,In aanbouw,2026,,\n"
    frame = monitoring.load_pipeline(_write(tmp_path, "pipeline.csv", text))
    assert (frame.loc[0, "segment"], frame.loc[0, "stage"]) == ("sociale_huur", "in_aanbouw")


def test_a_dropped_project_needs_no_year_and_delivers_nothing(tmp_path, forecast):
    text = THREE + "2025,Ons Huis,Delta,sociale_huur,70,vervallen,,test,\n"
    pipeline = monitoring.load_pipeline(_write(tmp_path, "pipeline.csv", text))
    again = pl.pipeline_forecast(pipeline, 2025, stages=forecast.stages, woondeal_social=2550)
    pd.testing.assert_series_equal(again.table["expected"], forecast.table["expected"])
    assert again.later == forecast.later


def test_the_example_pipeline_agrees_with_the_example_realisations():
    pipeline = monitoring.pipeline_of(EXAMPLE_MONITORING_DIR)
    realisations = monitoring.load_realisations(EXAMPLE_MONITORING_DIR)
    delivered = pipeline[
        (pipeline["stage"] == "opgeleverd") & (pipeline["segment"] == "sociale_huur")
    ]
    by_year = delivered.groupby("expected_delivery_year")["homes"].sum()
    social = realisations[
        (realisations["indicator"] == "social_new_builds") & realisations["party"].notna()
    ]
    assert by_year.to_dict() == social.groupby("year")["value"].sum().astype(int).to_dict()
    assert monitoring.frame_is_fictitious(pipeline)


def test_scenario_pijplijn_takes_its_social_additions_from_the_forecast(tmp_path, forecast):
    text = THREE + "2025,Ons Huis,Epsilon,sociale_huur,30,opgeleverd,2024,test,\n"
    pipeline = monitoring.load_pipeline(_write(tmp_path, "pipeline.csv", text))
    with_2024 = pl.pipeline_forecast(pipeline, 2025, stages=forecast.stages, woondeal_social=2550)
    model = scenarios.resolve(scenarios.pipeline_scenario(), pipeline=with_2024.table)
    flows = dict(
        zip(model.years[1:].tolist(), model.flows["additions_social_per_year"], strict=True)
    )
    assert flows == pytest.approx(
        {2024: 30, 2025: 50, 2026: 0, 2027: 0, 2028: 90, 2029: 0, 2030: 0}
    )
    assert (model.delivery_rate, model.delivery_rate_social) == (1, 1)
    assert "delivery_rate" not in model.uncertainty
    outlook = pl.pipeline_outlook(with_2024, target_share_pct=30)
    assert outlook.solution.from_year == 2026
    # what the pipeline plans over 2026-2030: (0 + 0 + 90 + 0 + 0) / 5 a year
    assert outlook.solution.scenario_additions_social_per_year == pytest.approx(18)
    assert list(outlook.fan["year"]) == list(range(2023, 2031))


def test_a_forecast_that_starts_after_the_projection_is_refused(forecast):
    with pytest.raises(UserError, match="starts in 2025, the projection in 2024"):
        scenarios.resolve(scenarios.pipeline_scenario(), pipeline=forecast.table)


def test_the_flow_pipeline_needs_a_forecast():
    with pytest.raises(UserError, match="'pipeline' needs the forecast"):
        scenarios.resolve(scenarios.pipeline_scenario())
