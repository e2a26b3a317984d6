"""The start social-rent share as a range over its readings, measured start stocks, and the
scenario slider's answer (issue #9 items 5 and 7). Numbers are checked by hand arithmetic on the
shipped agreement data (annex 2 and 4) and CBS's 75,659 dwellings on 1 January 2024."""

from dataclasses import replace

import pandas as pd
import pytest

from afspraken_analysis import baseline, caveats, labels, scenarios
from afspraken_analysis.errors import UserError
from afspraken_analysis.scenarios import widgets

D = 75_659
CORPORATIONS = ["de Woonmensen", "Veluwonen", "De Goede Woning", "Ons Huis", "Mooiland"]


def test_readings_by_hand():
    r = baseline.start_readings().set_index(["reading", "rounding"])["social_rent_stock"]
    # printed percents: 3176/.64, 550/.54, 4388/.55 (rounded), minus 45 + 16 + 241 planned, + 5062
    assert r["without_mooiland", "printed"] == 4962 + 1019 + 7978 - 302 + 5062 == 18_719
    assert r["with_mooiland", "printed"] == 18_719 + round(589 / 0.78) == 19_474
    assert (
        r["without_mooiland", "low"]
        == round(3176 / 0.645) + round(550 / 0.545) + round(4388 / 0.555) - 302 + 5062
    )
    assert (
        r["with_mooiland", "high"]
        == round(3176 / 0.635)
        + round(550 / 0.535)
        + round(4388 / 0.545)
        + round(589 / 0.775)
        - 302
        + 5062
    )


def test_the_range_spans_the_readings_and_the_floor_depends_on_mooiland():
    base = baseline.base_stocks()
    share = baseline.start_share(base)
    assert base["social_rent_stock_low"] == 18_599 and base["social_rent_stock_high"] == 19_601
    assert base["low_reading"] == "without_mooiland, low"
    assert base["high_reading"] == "with_mooiland, high"
    assert (
        labels.fmt_pct(share["low_pct"]) == "24,6 %"
        and labels.fmt_pct(share["high_pct"]) == "25,9 %"
    )
    assert share["low_pct"] < 25 < share["high_pct"] and share["floor"] == "depends"
    assert 18_719 / D * 100 < 25 < 19_474 / D * 100  # 24,7 % without Mooiland, 25,7 % with


def test_the_assumptions_log_states_the_computed_ends():
    text = " ".join(caveats.for_keys("start_share", lang="nl"))
    base = baseline.base_stocks()
    for key in ("social_rent_stock_low", "social_rent_stock_high"):
        stock = base[key]
        assert labels.fmt_number(stock) in text
        assert labels.fmt_pct(stock / D * 100) in text


def test_the_fan_draws_the_start_stock_from_the_range_in_every_scenario():
    base = baseline.base_stocks()
    for name in scenarios.scenario_names():
        model = scenarios.resolve(name)
        assert model.uncertainty["social_rent_stock"] == {
            "distribution": "uniform",
            "low": base["social_rent_stock_low"],
            "high": base["social_rent_stock_high"],
        }, name


def _rows(year, stocks, dwellings=None):
    rows = [(year, "social_rent_stock", c, v, "jaarverslag") for c, v in stocks.items()]
    if dwellings is not None:
        rows.append((year, "dwellings_total", None, dwellings, "CBS"))
    return pd.DataFrame(rows, columns=["year", "indicator", "party", "value", "source"])


def test_monitoring_rows_for_2023_replace_the_estimate():
    stocks = dict(zip(CORPORATIONS, [4900, 1000, 7800, 5000, 700], strict=True))
    base = baseline.base_stocks(_rows(2023, stocks, 75_700))
    assert base["measured"] and base["quality"] == "green"
    assert base["social_rent_stock"] == 19_400 and base["dwellings_total"] == 75_700
    assert "social_rent_stock_low" not in base
    model = scenarios.resolve("afspraken", realisations=_rows(2023, stocks, 75_700))
    assert model.social_rent_stock == 19_400 and "social_rent_stock" not in model.uncertainty


def test_a_missing_corporation_in_2023_is_an_error_naming_it():
    stocks = dict(zip(CORPORATIONS[:4], [4900, 1000, 7800, 5000], strict=True))
    with pytest.raises(UserError, match="Mooiland"):
        baseline.base_stocks(_rows(2023, stocks))


def test_the_validator_accepts_2023_start_stock_rows(tmp_path):
    from afspraken_analysis import monitoring

    stocks = dict(zip(CORPORATIONS, [4900, 1000, 7800, 5000, 700], strict=True))
    _rows(2023, stocks, 75_659).to_csv(tmp_path / "realisations.csv", index=False)
    loaded = monitoring.load_realisations(tmp_path)
    assert baseline.base_stocks(loaded)["social_rent_stock"] == 19_400


STATLINE = (
    '"Voorraad woningen; eigendom, type verhuurder, bewoning, regio"\n'
    '"Status van bewoning";"Regio\'s";"Perioden";"Totale woningvoorraad (aantal)";'
    '"Eigendom/Koopwoningen (aantal)";"Eigendom/Huurwoningen/Totaal (aantal)";'
    '"Eigendom/Huurwoningen/Eigendom woningcorporatie (aantal)";'
    '"Eigendom/Huurwoningen/Eigendom overige verhuurders (aantal)";"Eigendom/Eigendom onbekend (aantal)"\n'
    '"Totaal";"Apeldoorn";"2023";"75000";"45000";"29900";"20000";"9900";"100"\n'
    '"Totaal";"Apeldoorn";"2024*";"75659";"45500";"30059";"20100";"9959";"100"\n'
    '"Bewoond";"Apeldoorn";"2024*";"74000";"45000";"29000";"19900";"9100";"0"\n'
)


def test_a_statline_export_gives_a_measured_upper_bound(tmp_path):
    path = tmp_path / "82900NED-apeldoorn.csv"
    path.write_text(STATLINE, encoding="utf-8")
    base = baseline.base_stocks(None, path)
    # the 1 January 2024 row (provisional, 'Totaal' status) is the end of 2023
    assert base["social_rent_stock"] == 20_100 and base["quality"] == "amber" and base["measured"]
    broken = tmp_path / "82900NED-broken.csv"
    broken.write_text(STATLINE.replace('"20100"', '"20101"'), encoding="utf-8")
    with pytest.raises(UserError, match="row .* column 'rented_total'"):
        baseline.base_stocks(None, broken)


def test_what_30_takes_spreads_across_the_readings():
    from afspraken_analysis.report import outlook

    s = scenarios.scenario("afspraken")
    base = baseline.base_stocks()
    answers = outlook.spread_across_readings(s, base, None, 30.0, 2030)
    low, high = answers["low"], answers["high"]
    assert low.additions_social_per_year > high.additions_social_per_year  # less stock, more homes
    for end, sol in answers.items():
        assert sol.model.social_rent_stock == base[f"social_rent_stock_{end}"]
        assert sol.share_check_pct == pytest.approx(30.0)


def _slider_values(model):
    values = {k: float(v[-1]) for k, v in model.flows.items() if k in widgets.FLOW_KEYS}
    return {**values, "delivery_rate": model.delivery_rate, "horizon_year": model.horizon_year}


@pytest.mark.parametrize("total", [None, 3000.0])
def test_setting_the_slider_to_the_answer_reaches_30(total):
    s = replace(scenarios.scenario("afspraken"), target=None)
    values = _slider_values(scenarios.resolve(s))
    values["horizon_year"] = 2029
    if total is not None:  # a total high enough: only the social slider moves
        values["additions_total_per_year"] = total
    _, _, answer = widgets.slider_answer(s, values)
    assert answer["start"] == 2026  # annex 2 plans 2024 and 2025; the slider sets the years after
    assert (answer["total"] is None) == (total is not None)
    values["additions_social_per_year"] = answer["needed"]
    if answer["total"] is not None:
        values["additions_total_per_year"] = answer["total"]
    _, proj, _ = widgets.slider_answer(s, values)
    assert proj.iloc[-1]["year"] == 2029
    assert proj.iloc[-1]["social_rent_share_pct"] == pytest.approx(30.0)


def test_widget_messages_use_labels_not_parameter_names():
    s = replace(scenarios.scenario("afspraken"), target=None)
    values = _slider_values(scenarios.resolve(s))
    values["additions_social_per_year"] = values["additions_total_per_year"] + 1
    text = widgets._slider_problem(values, "nl")
    assert "Sociale huur erbij per jaar" in text and "additions_" not in text
    other = widgets._problem_text("sales_per_year must be ≥ 0", "nl")
    assert "Verkoop per jaar" in other and "sales_per_year" not in other
