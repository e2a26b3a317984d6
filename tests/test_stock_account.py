"""The social-stock account (issue #11 item 1), checked by hand arithmetic.

The example data (data/voorbeeld-fictieve-cijfers/) is fictitious; every expectation below is
computed by hand from its rows or from small frames written here.
"""

import pandas as pd
import pytest

from afspraken_analysis import baseline, monitoring, stock
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.schemas import CORPORATIONS

SRC = "test, fictieve cijfers"


def _rows(*records) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"year": y, "indicator": i, "party": p, "value": v, "source": SRC}
            for y, i, p, v in records
        ]
    )


def _full_year(year: int, corporation: str, stock_end: int, flows: dict) -> list[tuple]:
    indicators = {
        "new_builds": "social_new_builds",
        "sold": "homes_sold",
        "demolished": "social_rent_demolished",
        "liberalised": "social_rent_liberalised",
        "acquired": "social_rent_acquired",
    }
    out = [(year, "social_rent_stock", corporation, stock_end)]
    out += [(year, indicators[k], corporation, v) for k, v in flows.items()]
    return out


@pytest.fixture(scope="module")
def example():
    data = monitoring.load_monitoring(EXAMPLE_MONITORING_DIR)
    account = stock.stock_account(data.realisations, 2025)
    return account.set_index(["corporation", "year"])


def test_the_estimated_start_per_corporation_is_the_central_baseline_reading():
    start = stock.estimated_start()
    # annex 4 implied stock (printed percents) minus annex 2 plan 2024-2025; Ons Huis 2018
    assert start["de Woonmensen"] == 4962 - 45
    assert start["Veluwonen"] == 1019 - 16
    assert start["De Goede Woning"] == 7978 - 241
    assert start["Mooiland"] == 755 - 0
    assert start["Ons Huis"] == 5062
    readings = baseline.start_readings().set_index(["reading", "rounding"])
    assert start.sum() == readings.loc[("with_mooiland", "printed"), "social_rent_stock"] == 19474


def test_the_csv_columns_are_exactly_the_issues():
    assert stock.COLUMNS == [
        "corporation",
        "year",
        "stock_start",
        "new_builds",
        "sold",
        "demolished",
        "liberalised",
        "acquired",
        "net_change",
        "stock_end_expected",
        "stock_end_reported",
        "difference",
    ]


def test_example_2025_reconciles_by_hand(example):
    dgw = example.loc[("De Goede Woning", 2025)]
    # start = reported end 2024 (7900); new builds 63 + 60 + 16 + 38 = 177 (projects summed)
    assert dgw["stock_start"] == 7900 and dgw["stock_start_basis"] == "reported"
    assert dgw["new_builds"] == 177
    assert dgw["net_change"] == 177 - 5 - 40 - 30 + 0 == 102
    assert dgw["stock_end_expected"] == 8002
    assert dgw["difference"] == 8000 - 8002 == -2
    oh = example.loc[("Ons Huis", 2025)]
    assert oh["net_change"] == 0 - 2 - 0 - 0 + 2 == 0 and oh["difference"] == 0
    total = example.loc[("Totaal", 2025)]
    assert total["stock_start"] == 7900 + 4950 + 5050 + 1010 + 750 == 19660
    assert total["new_builds"] == 177 + 12 + 0 + 8 + 0 == 197
    assert total["net_change"] == 197 - 12 - 56 - 39 + 2 == 92
    assert total["stock_end_expected"] == 19752
    assert total["difference"] == 19750 - 19752 == -2


def test_example_2024_starts_from_the_estimate_and_names_what_is_missing(example):
    dgw = example.loc[("De Goede Woning", 2024)]
    assert dgw["stock_start_basis"] == "estimate" and dgw["stock_start"] == 7737
    # 7737 + (32 + 28 + 0) - 4 - 20 - 15 + 0 = 7758; reported 7900
    assert dgw["stock_end_expected"] == 7758 and dgw["difference"] == 142
    mooiland = example.loc[("Mooiland", 2024)]
    assert mooiland["missing"] == ["liberalised"]
    assert pd.isna(mooiland["liberalised"]) and pd.isna(mooiland["net_change"])
    assert pd.isna(mooiland["difference"]) and mooiland["stock_end_reported"] == 750
    total = example.loc[("Totaal", 2024)]
    # a missing corporation's flow is not zero: the total has no liberalised and no difference
    assert total["missing"] == ["liberalised"] and pd.isna(total["liberalised"])
    assert total["sold"] == 4 + 2 + 3 + 1 + 0 and pd.isna(total["difference"])
    assert total["stock_start"] == 19474 and total["stock_start_basis"] == "estimate"


def test_a_2023_row_replaces_the_estimate_and_a_missing_start_stays_missing():
    flows = {"new_builds": 10, "sold": 1, "demolished": 2, "liberalised": 3, "acquired": 4}
    rows = _rows(
        (2023, "social_rent_stock", "Veluwonen", 1000),
        *_full_year(2024, "Veluwonen", 1010, flows),
        *_full_year(2026, "Veluwonen", 1020, flows),
    )
    account = stock.stock_account(rows).set_index(["corporation", "year"])
    vel = account.loc[("Veluwonen", 2024)]
    assert vel["stock_start"] == 1000 and vel["stock_start_basis"] == "reported"
    assert vel["net_change"] == 10 - 1 - 2 - 3 + 4 == 8
    assert vel["difference"] == 1010 - 1008 == 2
    # 2025 has no rows: only its start (the end of 2024) is known; 2026 has no reported start
    assert account.loc[("Veluwonen", 2025), "stock_start"] == 1010
    assert account.loc[("Veluwonen", 2025), "missing"] == [*stock.FLOWS, "stock_end_reported"]
    later = account.loc[("Veluwonen", 2026)]
    assert later["missing"] == ["stock_start"] and pd.isna(later["stock_start_basis"])
    assert later["net_change"] == 8 and pd.isna(later["difference"])
    # De Goede Woning supplied nothing: its 2024 row has only the estimated start
    dgw = account.loc[("De Goede Woning", 2024)]
    assert dgw["stock_start"] == 7737 and dgw["missing"] == [*stock.FLOWS, "stock_end_reported"]


def test_whole_municipality_rows_and_later_years_are_left_out():
    rows = _rows(
        (2024, "social_new_builds", None, 500),
        (2024, "social_new_builds", "Ons Huis", 7),
        (2026, "homes_sold", "Ons Huis", 1),
    )
    account = stock.stock_account(rows, 2025)
    assert list(account["year"].unique()) == [2024]
    assert len(account) == len(CORPORATIONS) + 1
    oh = account.set_index("corporation").loc["Ons Huis"]
    assert oh["new_builds"] == 7


def test_no_realisations_give_an_empty_account():
    assert stock.stock_account(None).empty
    assert list(stock.stock_account(None).columns[:12]) == stock.COLUMNS


def test_the_trend_scenario_takes_its_paces_from_the_realised_flows():
    from afspraken_analysis import scenarios as sc

    data = monitoring.load_monitoring(EXAMPLE_MONITORING_DIR).realisations
    base = {"base_year": 2023, "dwellings_total": 75659, "social_rent_stock": 19474}
    model = sc.resolve("trend", realisations=data, base=base)
    flows = {k: v.tolist() for k, v in model.flows.items()}
    # demolished: 2024 20 + 0 + 0 + 0 + 0 = 20, 2025 40 + 0 + 0 + 16 + 0 = 56, then the mean 38
    assert flows["demolitions_social_per_year"] == [20.0, 56.0] + [38.0] * 5
    assert flows["demolitions_total_per_year"] == flows["demolitions_social_per_year"]
    # liberalised: Mooiland did not supply 2024, so only 2025 (30 + 9 = 39) counts, also as pace
    assert flows["liberalisations_per_year"] == [39.0] * 7
    assert any(
        "2024 left out: not every corporation supplied it" in n.render("en") for n in model.notes
    )
    assert flows["acquisitions_per_year"] == [0.0, 2.0] + [1.0] * 5
    # dwellings_total rose 76300 - 75659 = 641 and 77000 - 76300 = 700 net of demolitions: the
    # additions are grossed up by them, so the projected stock keeps the realised net change
    assert flows["additions_total_per_year"][:2] == [641.0 + 20, 700.0 + 56]
    assert flows["sales_per_year"][:2] == [10.0, 12.0]


def test_without_realisations_the_trend_flows_fall_back_to_zero_and_say_so():
    from afspraken_analysis import scenarios as sc

    base = {"base_year": 2023, "dwellings_total": 75659, "social_rent_stock": 19474}
    model = sc.resolve("trend", base=base)
    for key in ("demolitions_social_per_year", "liberalisations_per_year", "acquisitions_per_year"):
        assert model.flows[key].tolist() == [0.0] * 7
        assert any(
            n.render("en").startswith(f"{key}: no realisation data supplied") for n in model.notes
        )


def test_the_report_flags_differences_and_incomplete_accounts_in_words(example):
    from afspraken_analysis.report import account

    acc = example.reset_index()
    notes = account.notes(acc, "nl")
    assert "Mooiland 2024: rekening onvolledig, niet aangeleverd: geliberaliseerd." in notes[4]
    assert notes[6].startswith(
        "De Goede Woning 2025: gemeld 8.000, verwacht 8.002: 2 woningen minder"
    )
    assert "schatting" in notes[0] and "schatting" not in notes[6]
    shown = account.table(acc, "en").set_index(["corporation", "year"])
    assert shown.loc[("All corporations *", "2024"), "stock_start"] == 19474
    assert pd.isna(shown.loc[("All corporations *", "2024"), "difference"])


def test_the_waterfall_steps_walk_from_start_to_end_by_hand(example):
    from afspraken_analysis.report import account

    steps = account.waterfall_data(example.reset_index(), "nl")
    assert list(steps["year"].unique()) == [2025]  # the 2024 total is incomplete
    walk = steps.set_index("step")
    assert walk.loc["sold", "value"] == -12
    # 19660 + 197 = 19857, - 12 = 19845, - 56 = 19789, - 39 = 19750, + 2 = 19752
    assert (walk.loc["liberalised", "low"], walk.loc["liberalised", "high"]) == (19750, 19789)
    assert (walk.loc["acquired", "low"], walk.loc["acquired", "high"]) == (19750, 19752)
    assert walk.loc["stock_end_expected", "high"] == 19752
    assert walk.loc["stock_end_reported", "high"] == 19750


def test_a_waterfall_without_a_complete_year_shows_its_note_and_no_axis_numbers(example):
    from afspraken_analysis.report import account, plots

    empty = account.waterfall_data(example.reset_index().iloc[0:0], "nl")
    assert empty.empty
    fig = plots.waterfall(
        empty, lang="nl", title="t", ylabel="y", axis_note="as", empty_note="geen volledig jaar"
    )
    (ax,) = fig.axes
    assert not ax.get_xticks().size and not ax.get_yticks().size  # no made-up 0.0-1.0 scale
    assert [t.get_text() for t in ax.texts] == ["geen volledig jaar"]


def test_the_template_explains_the_new_flows(tmp_path):
    from openpyxl import load_workbook

    from afspraken_analysis.monitoring import templates

    templates.write_templates(tmp_path, 2025)
    book = load_workbook(next(tmp_path.glob("realisations*.xlsx")))
    cells = [c for row in book["indicatoren"].iter_rows(values_only=True) for c in row]
    for indicator in ("social_rent_demolished", "social_rent_liberalised", "social_rent_acquired"):
        assert indicator in cells
    assert any(isinstance(c, str) and "liberalisatiegrens" in c for c in cells)
