"""Tests of the scenario engine (src/afspraken_analysis/scenarios/).

The projections are checked against arithmetic written out by hand; the tables are tiny inline
DataFrames. Tests that read the shipped annex tables or the baseline say so in their name.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal, assert_series_equal

from afspraken_analysis import labels
from afspraken_analysis import scenarios as sc
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.scenarios.projection import _percentiles


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """The messages asserted here are the English ones (AFSPRAKEN_LANG=en; str() of a problem
    renders in that language); tests/test_messages.py covers the Dutch ones."""
    monkeypatch.setenv(labels.LANG_ENV, "en")


matplotlib.use("Agg")

FLOWS = {
    "additions_total_per_year": 100,
    "additions_social_per_year": 40,
    "demolitions_total_per_year": 10,
    "demolitions_social_per_year": 4,
    "sales_per_year": 3,
    "liberalisations_per_year": 2,
    "acquisitions_per_year": 1,
}
BASE = {"base_year": 2023, "horizon_year": 2026, "dwellings_total": 1000, "social_rent_stock": 300}


def make(parameters=None, uncertainty=None, target=None, **extra):
    """A scenario with explicit base stocks and flows (no baseline, no data tables needed)."""
    spec = {"parameters": {**BASE, **FLOWS, **(parameters or {})}, **extra}
    if uncertainty is not None:
        spec["uncertainty"] = uncertainty
    if target is not None:
        spec["target"] = target
    return sc.scenario_from_dict(spec, name="test")


def flows_frame(years, **columns):
    """The flow columns of a projection: NaN on the base row, then the given values."""
    return {k: [np.nan, *v] for k, v in columns.items()}


# --- the deterministic projection ----------------------------------------------------------


def test_projection_matches_hand_computation_constant_flows():
    # dwellings: + 100 additions - 10 demolitions = + 90 a year
    # social:    + 40 additions - 4 demolitions - 3 sales - 2 liberalisations + 1 acquisition = + 32
    d = [1000.0, 1000.0 + 90, 1000.0 + 90 + 90, 1000.0 + 90 + 90 + 90]
    s = [300.0, 300.0 + 32, 300.0 + 32 + 32, 300.0 + 32 + 32 + 32]
    expected = pd.DataFrame(
        {
            "year": np.array([2023, 2024, 2025, 2026], dtype="int64"),
            "dwellings_total": d,
            "social_rent_stock": s,
            "social_rent_share_pct": [100 * si / di for si, di in zip(s, d, strict=True)],
            **flows_frame(
                range(3),
                additions_total_per_year=[100.0] * 3,
                additions_social_per_year=[40.0] * 3,
                demolitions_total_per_year=[10.0] * 3,
                demolitions_social_per_year=[4.0] * 3,
                sales_per_year=[3.0] * 3,
                liberalisations_per_year=[2.0] * 3,
                acquisitions_per_year=[1.0] * 3,
            ),
        }
    )
    assert_frame_equal(sc.project(make()), expected, check_exact=True)


def test_projection_with_series_flows_and_a_plan():
    s = make(
        {
            "additions_total_per_year": {2024: 100, 2025: 80, 2026: 120},
            "additions_social_per_year": {"plan": {2024: 50, 2025: 20}, "then": 30},
            "demolitions_total_per_year": 0,
            "demolitions_social_per_year": 0,
            "sales_per_year": {2024: 5, 2025: 0, 2026: 5},
            "liberalisations_per_year": 0,
            "acquisitions_per_year": 0,
        }
    )
    proj = sc.project(s)
    # social: 300 + (50 - 5) = 345; 345 + (20 - 0) = 365; 365 + (30 - 5) = 390
    # total: 1000 + 100 = 1100; + 80 = 1180; + 120 = 1300
    assert proj["social_rent_stock"].tolist() == [300.0, 345.0, 365.0, 390.0]
    assert proj["dwellings_total"].tolist() == [1000.0, 1100.0, 1180.0, 1300.0]
    assert proj["additions_social_per_year"].tolist()[1:] == [50.0, 20.0, 30.0]
    assert proj["social_rent_share_pct"].iloc[-1] == 100 * 390.0 / 1300.0


def test_delivery_rates_scale_planned_additions():
    proj = sc.project(make({"delivery_rate": 0.5, "delivery_rate_social": 0.5}))
    # social additions: 0.5 * 0.5 * 40 = 10; total: 0.5 * 100 - 0.5 * (1 - 0.5) * 40 = 40
    # dwellings + (40 - 10) = + 30; social + (10 - 4 - 3 - 2 + 1) = + 2
    assert proj["additions_social_per_year"].tolist()[1:] == [10.0] * 3
    assert proj["additions_total_per_year"].tolist()[1:] == [40.0] * 3
    assert proj["dwellings_total"].tolist() == [1000.0, 1030.0, 1060.0, 1090.0]
    assert proj["social_rent_stock"].tolist() == [300.0, 302.0, 304.0, 306.0]


def test_horizon_equal_to_base_gives_the_base_row_only():
    proj = sc.project(make({"horizon_year": 2023}))
    assert proj["year"].tolist() == [2023]
    assert proj["social_rent_share_pct"].tolist() == [30.0]


def test_woondeal_pace_and_annex2_plan_from_tables():
    tables = {
        "new_builds_social": pd.DataFrame(
            {"corporation": ["A", "B", "A"], "year": [2024, 2024, 2025], "homes": [10, 20, 5]}
        )
    }
    s = sc.scenario_from_dict(
        {
            "parameters": {
                **BASE,
                "horizon_year": 2027,
                "additions_total_per_year": "woondeal",
                "additions_social_per_year": {"plan": "annex2", "then": "woondeal"},
                "woondeal_start_year": 2022,
                "woondeal_end_year": 2030,
            }
        }
    )
    model = sc.resolve(s, tables=tables)
    assert model.flows["additions_social_per_year"].tolist() == [30.0, 5.0, 2550 / 9, 2550 / 9]
    assert model.flows["additions_total_per_year"].tolist() == [8883 / 9] * 4
    assert any("assumed 2022-2030" in note.render("en") for note in model.notes)
    shorter = sc.resolve(
        sc.scenario_from_dict(
            {"extends": None, "parameters": {**s.parameters, "woondeal_start_year": 2024}}
        ),
        tables=tables,
    )
    assert shorter.flows["additions_total_per_year"].tolist() == [8883 / 7] * 4


def test_base_stocks_come_from_the_baseline_when_left_out():
    s = sc.scenario_from_dict({"parameters": {**FLOWS, "horizon_year": 2025}})
    base = {
        "base_year": 2023,
        "dwellings_total": 2000,
        "social_rent_stock": 500,
        "social_rent_stock_low": 450,
        "social_rent_stock_high": 550,
        "source": "test baseline",
    }
    proj = sc.project(s, base=base)
    assert proj["dwellings_total"].tolist() == [2000.0, 2090.0, 2180.0]
    assert proj["social_rent_stock"].tolist() == [500.0, 532.0, 564.0]
    assert any("test baseline" in note.render("en") for note in proj.attrs["notes"])
    moved = sc.scenario_from_dict({"parameters": {**FLOWS, "base_year": 2024}})
    with pytest.raises(UserError, match="baseline gives stocks for the end of 2023"):
        sc.resolve(moved, base=base)


# --- validation -------------------------------------------------------------------------------


def test_unknown_parameter_names_the_valid_keys():
    with pytest.raises(UserError) as err:
        make({"sale_per_year": 5})
    message = str(err.value)
    assert "unknown parameter 'sale_per_year'" in message
    assert "did you mean 'sales_per_year'" in message
    assert "valid keys: base_year, horizon_year" in message


def test_negative_flow_is_an_error():
    with pytest.raises(UserError, match=r"sales_per_year: -5 is negative"):
        make({"sales_per_year": -5})
    with pytest.raises(UserError, match=r"additions_total_per_year, year 2025: -1 is negative"):
        make({"additions_total_per_year": {2024: 1, 2025: -1, 2026: 1}})


def test_horizon_before_base_year_is_an_error():
    with pytest.raises(
        UserError,
        match="horizon_year: 2020 is before base_year 2023; choose a horizon from 2023 to 2040",
    ):
        make({"horizon_year": 2020})
    with pytest.raises(UserError, match="2041 is after 2040"):
        make({"horizon_year": 2041})


def test_unknown_scenario_lists_the_names():
    with pytest.raises(
        UserError,
        match="unknown scenario 'basis'; choose one of: afspraken, trend, vertraging, versnelling",
    ):
        sc.scenario("basis")


def test_unknown_override_and_bad_set_syntax():
    with pytest.raises(UserError, match="unknown key 'horizon'.*did you mean 'horizon_year'"):
        sc.scenario("afspraken", overrides={"horizon": 2035})
    with pytest.raises(UserError, match="write KEY=VALUE"):
        sc.parse_overrides(["sales_per_year"])
    assert sc.parse_overrides(
        ["sales_per_year=20", "additions_social_per_year={plan: annex2, then: 400}"]
    ) == {
        "sales_per_year": 20,
        "additions_social_per_year": {"plan": "annex2", "then": 400},
    }


def test_uncertainty_validation_names_the_choices():
    with pytest.raises(
        UserError,
        match="unknown distribution 'beta'; choose one of fixed, uniform, triangular, normal, baseline",
    ):
        make(uncertainty={"delivery_rate": {"distribution": "beta"}})
    with pytest.raises(
        UserError, match="unknown uncertain parameter 'rate'.*valid keys: dwellings_total"
    ):
        make(uncertainty={"rate": {"distribution": "fixed", "value": 1}})
    with pytest.raises(UserError, match="unknown field 'hi'"):
        make(
            uncertainty={"delivery_rate": {"distribution": "uniform", "low": 0, "high": 1, "hi": 2}}
        )
    with pytest.raises(UserError, match="mode 2 is not between low and high"):
        make(
            uncertainty={
                "delivery_rate": {"distribution": "triangular", "low": 0, "mode": 2, "high": 1}
            }
        )


def test_social_additions_above_total_additions_is_an_error():
    with pytest.raises(
        UserError, match="additions_social_per_year is above additions_total_per_year in 2024"
    ):
        sc.resolve(make({"additions_social_per_year": 101}))
    unbounded = {"distribution": "normal", "mean": 40, "sd": 10}
    with pytest.raises(
        UserError, match="additions_social_per_year can be above additions_total_per_year"
    ):
        sc.resolve(make(uncertainty={"additions_social_per_year": unbounded}))
    bounded = {**unbounded, "high": 100}
    sc.resolve(make(uncertainty={"additions_social_per_year": bounded}))


def test_a_stock_below_zero_is_an_error():
    with pytest.raises(UserError, match="social_rent_stock falls below 0 in 2026"):
        sc.project(make({"sales_per_year": 140}))  # 300 + 3 × (40 - 4 - 140 - 2 + 1) = -15 in 2026


def test_series_must_cover_every_projection_year():
    with pytest.raises(UserError, match="the series has no value for 2026"):
        sc.resolve(make({"sales_per_year": {2024: 1, 2025: 1}}))


def test_pace_names_are_checked_per_key():
    with pytest.raises(UserError, match="'woondeal' is not a valid flow"):
        make({"sales_per_year": "woondeal"})
    with pytest.raises(UserError, match="unknown plan 'annex3' for additions_social_per_year"):
        make({"additions_social_per_year": {"plan": "annex3", "then": 1}})
    with pytest.raises(UserError, match="the fallback of a trend cannot be a trend"):
        make({"liberalisations_per_year": {"pace": "trend", "fallback": "trend"}})


def test_user_file_extends_builtin_and_is_validated(tmp_path):
    path = tmp_path / "mine.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "defaults": {"sales_per_year": 25},
                "scenarios": {
                    "mine": {"description": "My own", "parameters": {**BASE, **FLOWS}},
                    "mine_slow": {
                        "description": "Slower",
                        "extends": "mine",
                        "parameters": {"delivery_rate": 0.5},
                    },
                    "from_builtin": {"description": "Built-in plus", "extends": "afspraken"},
                },
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    assert sc.scenario_names(path)[-3:] == ["mine", "mine_slow", "from_builtin"]
    slow = sc.scenario("mine_slow", files=path)
    assert slow.parameters["delivery_rate"] == 0.5
    assert slow.parameters["sales_per_year"] == 3  # the scenario's own value beats the file default
    assert sc.scenario("from_builtin", files=path).uncertainty["delivery_rate"]["mode"] == 1.0
    bad = tmp_path / "bad.yml"
    bad.write_text("scenario: {}\n", encoding="utf-8")
    with pytest.raises(
        UserError, match="unknown top-level key 'scenario'.*valid keys: defaults, scenarios"
    ):
        sc.scenario_names(bad)
    bad.write_text("scenarios: {x: {description: y, parameter: {}}}\n", encoding="utf-8")
    with pytest.raises(UserError, match="unknown key 'parameter'.*did you mean 'parameters'"):
        sc.scenario_names(bad)


def test_builtin_scenarios_are_valid_and_complete():
    assert sc.scenario_names()[:4] == ["afspraken", "trend", "vertraging", "versnelling"]
    for name in sc.scenario_names():
        s = sc.scenario(name)
        assert s.description
        assert set(sc.FLOW_KEYS) <= set(s.parameters)


# --- trend paces ------------------------------------------------------------------------------


def realisations(rows):
    return pd.DataFrame(rows, columns=["year", "indicator", "party", "value"])


def test_trend_uses_realised_years_then_their_mean():
    data = realisations(
        [
            (2024, "social_new_builds", "A", 100),
            (2024, "social_new_builds", "B", 50),
            (2025, "social_new_builds", "A", 250),
            (2024, "dwellings_total", None, 1500),
            (2025, "dwellings_total", None, 1900),
        ]
    )
    s = make(
        {
            "additions_social_per_year": {"pace": "trend"},
            "additions_total_per_year": {"pace": "trend", "fallback": 0},
            "demolitions_total_per_year": 0,
            "demolitions_social_per_year": 0,
        }
    )
    model = sc.resolve(s, realisations=data)
    # social: 2024 = 100 + 50, 2025 = 250, 2026 = mean(150, 250)
    assert model.flows["additions_social_per_year"].tolist() == [150.0, 250.0, 200.0]
    # total: yearly changes from the base stock, 1500 - 1000 = 500 and 1900 - 1500 = 400, then 450
    assert model.flows["additions_total_per_year"].tolist() == [500.0, 400.0, 450.0]


def test_trend_sums_the_corporations_not_the_whole_municipality():
    data = realisations(
        [
            (2024, "social_new_builds", "A", 100),
            (2024, "social_new_builds", "B", 50),
            (2024, "social_new_builds", None, 160),  # all builders in the municipality
        ]
    )
    s = make({"additions_social_per_year": "trend", "additions_total_per_year": 500})
    model = sc.resolve(s, realisations=data)
    assert model.flows["additions_social_per_year"].tolist() == [150.0] * 3
    only_municipality = realisations([(2024, "social_new_builds", None, 160)])
    model = sc.resolve(s, realisations=only_municipality)
    assert model.flows["additions_social_per_year"].tolist() == [160.0] * 3


def test_solar_trend_starts_from_annex4_and_retrofit_trend_per_corporation():
    data = realisations(
        [
            (2024, "solar_panels_cumulative", "A", 70),  # annex 4: 50 at the end of 2023
            (2025, "solar_panels_cumulative", "A", 80),
            (2024, "retrofits_label_b", "A", 12),
            (2025, "retrofits_label_b", "A", 18),
        ]
    )
    s = make(
        {
            "horizon_year": 2026,
            "solar_panels_per_year": "trend",
            "retrofits_label_b_per_year": {"pace": "trend"},
        }
    )
    solar = sc.project_solar(s, tables=TABLES, realisations=data)
    # A: + 20 (70 - 50), + 10 (80 - 70), then the mean 15; B has no realisations: its plan mean 10
    assert solar[solar["corporation"] == "A"]["homes"].tolist()[1:] == [20.0, 10.0, 15.0]
    assert solar[solar["corporation"] == "B"]["homes"].tolist()[1:] == [10.0, 10.0, 10.0]
    retro = sc.project_retrofits(s, tables=TABLES, realisations=data)
    assert retro[retro["corporation"] == "A"]["homes"].tolist()[1:] == [12.0, 18.0, 15.0]


def test_trend_without_data_falls_back_and_says_so():
    s = make(
        {
            "additions_social_per_year": {
                "pace": "trend",
                "fallback": {"plan": {2024: 50}, "then": 20},
            }
        }
    )
    model = sc.resolve(s)
    assert model.flows["additions_social_per_year"].tolist() == [50.0, 20.0, 20.0]
    note = next(
        n.render("en")
        for n in model.notes
        if n.render("en").startswith("additions_social_per_year")
    )
    assert "no realisation data supplied for social_new_builds; fallback: plan (2024: 50)" in note
    with pytest.raises(UserError, match="'trend' needs realisation data"):
        sc.resolve(make({"additions_social_per_year": "trend"}))


def test_builtin_trend_scenario_without_realisations_reads_annex_tables():
    model = sc.resolve(
        "trend", base={"base_year": 2023, "dwellings_total": 75659, "social_rent_stock": 19000}
    )
    social = model.flows["additions_social_per_year"].tolist()
    assert social[:2] == [216.0, 176.0] and social[2:] == [196.0] * 5  # annex 2, then its mean
    # additions (2), sales, and the four flows of the social-stock account
    assert sum("no realisation data supplied" in note.render("en") for note in model.notes) == 7


# --- Monte Carlo ------------------------------------------------------------------------------

UNCERTAIN = {
    "delivery_rate": {"distribution": "triangular", "low": 0.6, "mode": 0.9, "high": 1.0},
    "social_rent_stock": {"distribution": "uniform", "low": 280, "high": 320},
    "sales_per_year": {"distribution": "normal", "mean": 3, "sd": 2, "per_year": True},
}


def test_monte_carlo_is_reproducible_with_a_seed():
    s = make(uncertainty=UNCERTAIN)
    first = sc.monte_carlo(s, runs=2000, seed=42)
    assert_frame_equal(first, sc.monte_carlo(s, runs=2000, seed=42), check_exact=True)
    other = sc.monte_carlo(s, runs=2000, seed=43)
    assert not first["social_rent_share_pct_p50"].equals(other["social_rent_share_pct_p50"])
    assert first.attrs["seed"] == 42


def test_monte_carlo_percentiles_are_ordered_and_chances_are_percentages():
    df = sc.monte_carlo(make(uncertainty=UNCERTAIN), runs=5000, seed=1)
    for name in ("dwellings_total", "social_rent_stock", "social_rent_share_pct"):
        assert (df[f"{name}_p10"] <= df[f"{name}_p50"]).all()
        assert (df[f"{name}_p50"] <= df[f"{name}_p90"]).all()
    assert (
        df["social_rent_share_pct_p10"].iloc[1:] < df["social_rent_share_pct_p90"].iloc[1:]
    ).all()
    assert df["chance_share_ge_25_pct"].between(0, 100).all()
    assert (df["chance_share_ge_25_pct"] >= df["chance_share_ge_30_pct"]).all()


def degenerate(name, value, per_year=False):
    specs = {
        "fixed": {"value": value},
        "uniform": {"low": value, "high": value},
        "triangular": {"low": value, "mode": value, "high": value},
        "normal": {"mean": value, "sd": 0.0},
    }
    return {"distribution": name, **specs[name], "per_year": per_year}


@pytest.mark.parametrize("name", ["fixed", "uniform", "triangular", "normal"])
def test_degenerate_distributions_collapse_to_the_deterministic_result(name):
    s = make(
        {"delivery_rate": 0.75},
        uncertainty={
            "delivery_rate": degenerate(name, 0.75),
            "sales_per_year": degenerate(name, 3.0, per_year=True),
            "social_rent_stock": degenerate(name, 300.0),
        },
    )
    det = sc.project(s)
    mc = sc.monte_carlo(s, runs=50, seed=3)
    for q in (10, 50, 90):
        for column in ("dwellings_total", "social_rent_stock", "social_rent_share_pct"):
            assert_series_equal(
                mc[f"{column}_p{q}"], det[column], check_names=False, check_exact=True
            )
    assert mc["chance_share_ge_25_pct"].tolist() == [100.0] * 4
    expected = [100.0 if share >= 30 else 0.0 for share in det["social_rent_share_pct"]]
    assert mc["chance_share_ge_30_pct"].tolist() == expected


@pytest.mark.parametrize("runs", [1, 2, 999, 1000])
def test_percentiles_equal_numpy(runs):
    values = np.random.default_rng(runs).normal(size=(3, runs))
    values[0] = 7.0  # a constant row
    q = [0, 10, 33.3, 50, 90, 100]
    np.testing.assert_array_equal(_percentiles(values, q), np.percentile(values, q, axis=1))


def test_per_year_draws_and_independent_streams_per_key():
    one = sc.simulate(
        make(uncertainty={"delivery_rate": UNCERTAIN["delivery_rate"]}), runs=100, seed=5
    )
    two = sc.simulate(make(uncertainty=UNCERTAIN), runs=100, seed=5)
    assert one.draws["delivery_rate"].shape == (1, 100)
    assert two.draws["sales_per_year"].shape == (3, 100)
    # adding uncertain keys leaves the draws of the others unchanged (common random numbers)
    np.testing.assert_array_equal(one.draws["delivery_rate"], two.draws["delivery_rate"])
    assert one.dwellings_total.shape == (4, 100)
    assert (two.draws["sales_per_year"] >= 0).all()  # normal draws are clipped at 0


def test_baseline_interval_drives_the_social_stock_uncertainty():
    s = sc.scenario_from_dict(
        {
            "parameters": {**FLOWS, "horizon_year": 2025},
            "uncertainty": {"social_rent_stock": {"distribution": "baseline"}},
        }
    )
    base = {
        "base_year": 2023,
        "dwellings_total": 1000,
        "social_rent_stock": 300,
        "social_rent_stock_low": 250,
        "social_rent_stock_high": 350,
    }
    sim = sc.simulate(s, runs=1000, seed=0, base=base)
    assert sim.social_rent_stock[0].min() >= 250 and sim.social_rent_stock[0].max() <= 350
    assert sim.social_rent_stock[0].std() > 10


# --- what it takes ----------------------------------------------------------------------------


def test_solve_matches_the_closed_form_and_the_simulation():
    s = make()
    sol = sc.solve(s, 35, 2026)
    # x = (p (D0 + n (a - a_s - d)) - S0 + n (d_s + sales + lib - acq)) / (n (1 - p))
    p, n = 0.35, 3
    x = (p * (1000 + n * (100 - 40 - 10)) - 300 + n * (4 + 3 + 2 - 1)) / (n * (1 - p))
    assert sol.feasible
    assert sol.additions_social_per_year == pytest.approx(x, rel=1e-12)
    assert abs(sol.share_check_pct - 35) < 1e-9
    proj = sc.project(sol.model)
    assert abs(proj["social_rent_share_pct"].iloc[-1] - 35) < 1e-9
    # on_top: total additions rise by the extra social homes
    assert proj["additions_total_per_year"].iloc[-1] == pytest.approx(100 - 40 + x)


@pytest.mark.parametrize("rule", ["on_top", "fixed"])
def test_solve_fed_back_hits_the_target_with_series_rates_and_from_year(rule):
    s = make(
        {
            "horizon_year": 2032,
            "additions_total_per_year": {"plan": {2024: 300, 2025: 250}, "then": 400},
            "additions_social_per_year": {"plan": {2024: 60, 2025: 90}, "then": 70},
            "delivery_rate": 0.8,
            "delivery_rate_social": 0.9,
        }
    )
    sol = sc.solve(s, 31.5, 2030, from_year=2026, total_additions=rule)
    assert sol.feasible, sol.message
    proj = sc.project(sol.model)
    assert abs(proj.set_index("year").at[2030, "social_rent_share_pct"] - 31.5) < 1e-9
    # years before from_year keep the scenario's plan
    assert sol.model.flows["additions_social_per_year"][:2].tolist() == [60.0, 90.0]
    reached = sc.share_reached(
        s, sol.additions_social_per_year, 2030, from_year=2026, total_additions=rule
    )
    assert abs(reached - 31.5) < 1e-9


def test_solve_reports_infeasible_answers():
    too_much = sc.solve(make(), 60, 2026, total_additions="fixed")
    assert (
        not too_much.feasible
        and "exceed the planned total additions" in too_much.message.render("en")
    )
    reached = sc.solve(make(), 20, 2026)
    assert not reached.feasible and "reached without social additions" in reached.message.render(
        "en"
    )
    with pytest.raises(UserError, match="not a percentage between 0 and 100"):
        sc.solve(make(), 100, 2026)
    with pytest.raises(UserError, match="from_year: 2027 must lie from 2024 to by_year 2026"):
        sc.solve(make(), 35, 2026, from_year=2027)


def test_solve_after_the_horizon_extends_it():
    sol = sc.solve(make(), 35, 2030)
    assert sol.model.horizon_year == 2030
    assert any("extended from 2026 to 2030" in note.render("en") for note in sol.notes)
    with pytest.raises(UserError, match="by_year: 2030 is outside the projection"):
        sc.solve(sc.resolve(make()), 35, 2030)


def test_target_block_is_solved_when_resolving():
    s = make({"horizon_year": 2030}, target={"share_pct": 32, "by_year": 2029, "from_year": 2025})
    proj = sc.project(s)
    assert abs(proj.set_index("year").at[2029, "social_rent_share_pct"] - 32) < 1e-9
    assert proj["additions_social_per_year"].iloc[1] == 40.0  # 2024 keeps the scenario's value
    # solve() on a scenario with a target uses the target's settings and ignores its effect
    sol = sc.solve(s)
    assert (sol.target_share_pct, sol.by_year, sol.from_year) == (32, 2029, 2025)
    assert (
        sol.share_without_pct
        == sc.project(sc.scenario_from_dict({"parameters": dict(s.parameters)}))
        .set_index("year")
        .at[2029, "social_rent_share_pct"]
    )


def test_builtin_versnelling_reaches_30_percent_in_2030():
    base = {"base_year": 2023, "dwellings_total": 75659, "social_rent_stock": 19500}
    proj = sc.project("versnelling", base=base).set_index("year")
    assert abs(proj.at[2030, "social_rent_share_pct"] - 30) < 1e-9
    assert proj.loc[[2024, 2025], "additions_social_per_year"].tolist() == [216.0, 176.0]


# --- retrofits and solar panels per corporation ---------------------------------------------

RETROFITS = pd.DataFrame(
    {
        "corporation": ["A", "A", "B", "B"],
        "year": [2024, 2025, 2024, 2025],
        "homes": [10, 30, 0, 20],
    }
)
SOLAR = pd.DataFrame(
    {
        "corporation": ["A", "A", "A", "B", "B", "B"],
        "end_of_year": [2023, 2024, 2025] * 2,
        "homes_cumulative": [50, 60, 80, 10, 10, 30],
        "share_of_stock_pct": [None, None, 80, None, None, None],
    }
).astype({"share_of_stock_pct": "Int64"})
TABLES = {"retrofits_label_b": RETROFITS, "solar_panels": SOLAR}


def test_corporation_stocks_implied_by_annex4():
    stocks = sc.corporation_stocks(SOLAR)
    assert stocks["corporation"].tolist() == ["A", "B"]
    assert stocks["stock_homes"].iloc[0] == 80 / (80 / 100)
    assert stocks["stock_homes_low"].iloc[0] == 80 / (80.5 / 100)
    assert stocks["stock_homes_high"].iloc[0] == 80 / (79.5 / 100)
    assert math.isnan(stocks["stock_homes"].iloc[1])


def test_retrofits_follow_the_plan_then_the_plan_mean():
    s = make({"horizon_year": 2027})
    df = sc.project_retrofits(s, tables=TABLES)
    a = df[df["corporation"] == "A"]
    # A: plan 10, 30, then mean 20 a year; cumulative 0, 10, 40, 60, 80; stock 100
    assert a["homes_cumulative"].tolist() == [0.0, 10.0, 40.0, 60.0, 80.0]
    assert a["share_of_stock_pct"].tolist() == [0.0, 10.0, 40.0, 60.0, 80.0]
    assert a["planned_homes_cumulative"].tolist()[1:3] == [10.0, 40.0]
    b = df[df["corporation"] == "B"]
    assert b["homes"].tolist()[1:] == [0.0, 20.0, 10.0, 10.0]
    assert b["share_of_stock_pct"].isna().all()
    # a number after the plan is split in proportion to the plan totals (A 40, B 20)
    split = sc.project_retrofits(
        make({"horizon_year": 2026, "retrofits_label_b_per_year": {"plan": "annex3", "then": 60}}),
        tables=TABLES,
    )
    assert split[split["year"] == 2026]["homes"].tolist() == [40.0, 20.0]


def test_solar_panels_start_at_annex4_and_are_capped_at_the_stock():
    df = sc.project_solar(make({"horizon_year": 2027}), tables=TABLES)
    a = df[df["corporation"] == "A"]
    # A: 50 at the end of 2023, + 10, + 20 (plan), then + 15 (plan mean), capped at stock 100
    assert a["homes_cumulative"].tolist() == [50.0, 60.0, 80.0, 95.0, 100.0]
    assert a["homes"].tolist()[1:] == [10.0, 20.0, 15.0, 5.0]
    assert a["is_capped"].tolist() == [False, False, False, False, True]
    assert a["planned_homes_cumulative"].tolist()[:3] == [50.0, 60.0, 80.0]


def test_builtin_retrofits_from_annex3_total_3434():
    base = {"base_year": 2023, "dwellings_total": 75659, "social_rent_stock": 19500}
    df = sc.project_retrofits("afspraken", base=base)
    by_year = df.groupby("year")["homes"].sum()
    assert by_year[2024] == 1047 and by_year[2025] == 2387


# --- command line -----------------------------------------------------------------------------


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "scenarios": {
                    "hand": {
                        "description": "Hand-computed",
                        "parameters": {**BASE, **FLOWS},
                        "uncertainty": {"delivery_rate": UNCERTAIN["delivery_rate"]},
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    return path


def test_cli_list(capsys):
    assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("afspraken", "trend", "vertraging", "versnelling"):
        assert name in out
    assert "As agreed" in out


def test_cli_run_writes_the_projection(scenario_file, tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert (
        main(
            [
                "scenario",
                "run",
                "--file",
                str(scenario_file),
                "--scenario",
                "hand",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    written = pd.read_csv(out)
    expected = sc.project(sc.scenario("hand", files=scenario_file))
    assert_frame_equal(written, expected, check_dtype=False)
    assert "Assumptions:" in capsys.readouterr().out


def test_cli_run_monte_carlo_is_reproducible(scenario_file, tmp_path, capsys):
    args = [
        "scenario",
        "run",
        "--file",
        str(scenario_file),
        "--scenario",
        "hand",
        "--runs",
        "500",
        "--seed",
        "9",
    ]
    assert main([*args, "--out", str(tmp_path / "a.csv")]) == 0
    assert main([*args, "--set", "sales_per_year=3", "--out", str(tmp_path / "b.csv")]) == 0
    a, b = pd.read_csv(tmp_path / "a.csv"), pd.read_csv(tmp_path / "b.csv")
    assert_frame_equal(a, b)
    assert "social_rent_share_pct_p90" in a and "chance_share_ge_30_pct" in a
    assert "chance of ≥ 25%" in capsys.readouterr().out


def test_cli_solve_prints_the_answer_and_assumptions(scenario_file, capsys):
    args = [
        "scenario",
        "solve",
        "--file",
        str(scenario_file),
        "--scenario",
        "hand",
        "--target-share",
        "35",
        "--by",
        "2026",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    x = sc.solve(sc.scenario("hand", files=scenario_file), 35, 2026).additions_social_per_year
    assert f"Answer: {x:,.1f} social-rent homes a year" in out
    assert "Assumptions:" in out and "sales_per_year: 3 a year (constant)" in out


def test_cli_solve_builtin_states_the_woondeal_assumption(capsys):
    # The "done" check of the issue; reads the shipped annex tables and the baseline.
    assert main(["scenario", "solve", "--target-share", "30", "--by", "2030"]) == 0
    out = capsys.readouterr().out
    assert "Answer:" in out and "social-rent homes a year" in out
    assert "the document gives no period, assumed 2022-2030" in out
    assert "sales_per_year: 10 a year" in out


def test_cli_errors_are_messages_not_tracebacks(capsys, monkeypatch):
    assert main(["scenario", "run", "--set", "sale_per_year=4", "--out", "x.csv"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("error: override: unknown key 'sale_per_year'") and "sales_per_year" in err
    )
    assert main(["scenario", "solve", "--scenario", "nope", "--target-share", "30"]) == 2
    assert "choose one of: afspraken" in capsys.readouterr().err
    monkeypatch.delenv(labels.LANG_ENV)  # Dutch, the default: the same problems in Dutch
    assert main(["scenario", "run", "--set", "sale_per_year=4", "--out", "x.csv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fout: aanpassing: onbekende sleutel 'sale_per_year' (bedoel je ")
    assert main(["scenario", "solve", "--scenario", "nope", "--target-share", "30"]) == 2
    assert "fout: onbekend scenario 'nope'; kies uit: afspraken" in capsys.readouterr().err


def test_cli_run_retrofits_table(tmp_path, capsys):
    out = tmp_path / "r.csv"
    args = [
        "scenario",
        "run",
        "--table",
        "retrofits",
        "--set",
        "base_year=2023",
        "--set",
        "dwellings_total=75659",
    ]
    assert main([*args, "--set", "social_rent_stock=19500", "--out", str(out)]) == 0
    df = pd.read_csv(out)
    assert set(df["corporation"]) == {
        "de Woonmensen",
        "Veluwonen",
        "De Goede Woning",
        "Ons Huis",
        "Mooiland",
    }


# --- notebook helpers -------------------------------------------------------------------------


def test_interactive_box_follows_the_sliders():
    widgets = pytest.importorskip("ipywidgets")
    box = sc.interactive(make({"horizon_year": 2026}), lang="en")
    assert isinstance(box, widgets.VBox)
    sliders = {w.description: w for w in box.children[0].children}
    summary = box.children[1]
    before = summary.value
    assert "Social-rent share at the end of 2026" in before
    sliders["Social-rent homes added a year (after the plan)"].value = 500
    assert summary.value != before


def test_plot_share_draws_the_targets_and_the_band():
    s = make(uncertainty=UNCERTAIN)
    ax = sc.plot_share(sc.project(s), band=sc.monte_carlo(s, runs=200, seed=1), lang="en")
    assert [line.get_label() for line in ax.get_lines()] == [
        "Median (P50)",
        "Projection",
        "At least 25%",
        "Towards 30%",
    ]


def test_cli_trend_with_the_fictitious_example_realisations(tmp_path, capsys):
    from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR

    out = tmp_path / "t.csv"
    args = ["scenario", "run", "--scenario", "trend", "--realisations", str(EXAMPLE_MONITORING_DIR)]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "fictitious" in printed
    # the example README: the four VSW corporations delivered 178 (2024) and 197 (2025)
    assert (
        "trend of realised social_new_builds: realised (sum over the corporations) 2024: 178, 2025: 197"
        in printed
    )
    assert pd.read_csv(out)["additions_social_per_year"].tolist()[1:4] == [178.0, 197.0, 187.5]


def test_what_it_takes_from_the_year_after_the_report_hits_the_target():
    from afspraken_analysis import report
    from afspraken_analysis.report import params

    p = params.validate({"year": 2025})
    texts = report.what_it_takes(p, None)
    # the answer, its spread across the start stock's readings, the answer from the next year
    assert len(texts) == 3 and "vanaf 2024" in texts[0] and "vanaf 2026" in texts[2]
    assert "24,6 % tot 25,9 %" in texts[1]
    solution = sc.solve(report.scenario_for(p), 30.0, 2030, from_year=2026)
    assert solution.from_year == 2026
    assert abs(solution.share_check_pct - 30.0) < 1e-9
    assert (
        sc.solve(report.scenario_for(p), 30.0, 2030).additions_social_per_year
        < solution.additions_social_per_year
    )
