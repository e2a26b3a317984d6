"""Baseline stock and the CBS 82900NED loader (on the real sample in tests/data, never the network).

tests/data/82900NED-sample.csv: real rows of CBS StatLine table 82900NED (status Totaal,
1 January) for Nederland 2012-2023, Amsterdam 2012-2021 and three regions in 2023, as published;
one row (vintage=older) is from an earlier release in which CBS split 2019 differently.
"""

import pandas as pd
import pytest

from afspraken_analysis import baseline, cbs
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import TESTS_DATA_DIR

SAMPLE = TESTS_DATA_DIR / "82900NED-sample.csv"


def test_total_dwellings_and_inhabitants_come_from_cbs():
    figures = baseline.baseline_stock().set_index("item")
    assert figures.loc["dwellings_total", "value"] == 75_659
    assert figures.loc["inhabitants", "value"] == 168_211
    assert figures.loc["dwellings_total", "quality"] == "green"
    assert "85984NED" in figures.loc["dwellings_total", "source"]


def test_implied_stock_is_an_interval_around_the_point():
    implied = baseline.implied_corporation_stock().set_index("corporation")
    woonmensen = implied.loc["de Woonmensen"]
    assert woonmensen["stock"] == round(3176 / 0.64)  # 4962.5 → 4962 (round half to even)
    assert (woonmensen["stock_low"], woonmensen["stock_high"]) == (
        round(3176 / 0.645),
        round(3176 / 0.635),
    )
    assert (implied["stock_low"] <= implied["stock"]).all() and (
        implied["stock"] <= implied["stock_high"]
    ).all()
    assert "Ons Huis" not in implied.index  # annex 4 gives '--%'


def test_every_baseline_figure_has_source_date_definition_and_quality():
    figures = baseline.baseline_stock()
    assert figures[["source", "date", "definition", "method"]].notna().all().all()
    assert set(figures["quality"]) <= {"green", "amber", "red"}
    assert figures.set_index("party").loc["Ons Huis", "quality"] == "red"


def test_base_stocks_for_the_scenarios():
    stocks = baseline.base_stocks()
    assert stocks["base_year"] == 2023 and stocks["dwellings_total"] == 75_659
    # implied end-2025 stocks 4962 + 1019 + 7978 + 755, minus their planned new builds 45 + 16 + 241
    # + 0, plus Ons Huis 5062
    assert stocks["social_rent_stock"] == 4962 + 1019 + 7978 + 755 - (45 + 16 + 241) + 5062
    assert (
        stocks["social_rent_stock_low"]
        < stocks["social_rent_stock"]
        < stocks["social_rent_stock_high"]
    )


def test_82900_sample_identities_hold_and_the_newer_vintage_wins():
    df = cbs.read_82900(SAMPLE)
    assert len(df) == 26
    latest = cbs.latest_vintage(df)
    nl_2019 = latest[(latest["region"] == "Nederland") & (latest["year"] == 2019)]
    assert len(nl_2019) == 1 and nl_2019.iloc[0]["rented_corporation"] == 2_300_031
    share = cbs.corporation_share(df).set_index(["region", "year"])["corporation_share_pct"]
    assert share[("Amsterdam", 2021)] == pytest.approx(183_983 / 449_989 * 100)


def test_82900_broken_identity_names_row_and_column(tmp_path):
    df = pd.read_csv(SAMPLE, dtype=str)
    df.loc[3, "rented_other"] = "939734"
    df.loc[5, "total"] = "7.686.178"
    path = tmp_path / "broken.csv"
    df.to_csv(path, index=False)
    with pytest.raises(UserError) as info:
        cbs.read_82900(path)
    assert "broken.csv, row 7, column 'total': '7.686.178' is not a whole number" in str(info.value)
    df.loc[5, "total"] = "7686178"
    df.to_csv(path, index=False)
    with pytest.raises(UserError, match=r"row 5, column 'rented_total'"):
        cbs.read_82900(path)


def test_statline_download_maps_to_the_project_columns():
    sample = cbs.read_82900(SAMPLE)
    amsterdam = sample[sample["region"] == "Amsterdam"].head(2)
    raw = pd.DataFrame(
        {
            "StatusVanBewoning": "Totaal",
            "RegioS": ["Amsterdam  ", "Amsterdam  "],
            "Perioden": [f"{y}" for y in amsterdam["year"]],
            **{
                key: amsterdam[column].to_numpy()
                for key, column in cbs.STATLINE_82900.items()
                if column not in ("region", "year")
            },
        }
    )
    mapped = cbs.from_statline(raw)
    pd.testing.assert_frame_equal(mapped, amsterdam.reset_index(drop=True))


def test_cli_baseline_show(capsys):
    assert main(["baseline", "show"]) == 0
    out = capsys.readouterr().out
    assert "75.659" in out and "[ groen]" in out and "[  rood]" in out


def test_kwb_download_maps_by_measure_prefix_and_region_code():
    kwb = pd.read_csv(baseline.KWB_FILE, dtype={"region_code": str})
    raw = pd.DataFrame(
        {
            "WijkenEnBuurten": kwb["municipality"],
            "Codering_3": kwb["region_code"] + "  ",  # StatLine pads codes
            "AantalInwoners_5": kwb["population_2024_01_01"],
            "Woningvoorraad_35": kwb["dwellings_2024_01_01"],
        }
    )
    row = cbs.from_statline_kwb(raw, "GM0200").iloc[0]
    assert (row["population"], row["dwellings"]) == (168_211, 75_659)
    with pytest.raises(UserError, match="Woningvoorraad_"):
        cbs.from_statline_kwb(raw.drop(columns="Woningvoorraad_35"), "GM0200")
    with pytest.raises(UserError, match="one row for GM9999"):
        cbs.from_statline_kwb(raw, "GM9999")


@pytest.mark.network
def test_live_statline_refresh_matches_the_shipped_figures():
    """Run with `uv run pytest -m network` on a machine with internet access and cbsodata."""
    kwb = cbs.fetch_kwb("GM0200").iloc[0]
    assert kwb["dwellings"] == 75_659
    assert len(cbs.fetch_82900("GM0200")) > 0
