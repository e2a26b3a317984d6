"""Goal tracking on tiny inline realisations, each expectation worked out by hand."""

import math

import pandas as pd
import pytest

import afspraken_analysis as aa
from afspraken_analysis import tracking
from afspraken_analysis.errors import UserError

CORPORATIONS = ["De Goede Woning", "de Woonmensen", "Ons Huis", "Veluwonen", "Mooiland"]


def realisations(rows) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=["year", "indicator", "party", "value", "project"][: len(rows[0])]
    )
    df = df.astype({"year": "Int64", "value": "Float64", "party": "string"})
    if "project" not in df:
        df["project"] = pd.Series(pd.NA, index=df.index, dtype="string")
    return df


def target(target_id) -> pd.DataFrame:
    targets = aa.load("targets")
    return targets[targets["target_id"] == target_id]


def row_of(df, target_id, party=None):
    rows = df[df["target_id"] == target_id]
    if party is not None:
        rows = rows[rows["party"] == party]
    assert len(rows) == 1
    return rows.iloc[0]


def test_retrofits_under_plan_need_acceleration():
    plan = aa.load("retrofits_label_b")
    rows = [
        (r.year, "retrofits_label_b", str(r.corporation), r.homes - (100 if r.year == 2025 else 0))
        for r in plan.itertuples()
    ]
    result = row_of(
        tracking.goal_tracking(
            2025, realisations(rows), targets=target("retrofits_label_b_2024_2025")
        ),
        "retrofits_label_b_2024_2025",
    )
    # 2024: 1047 as planned; 2025: 2387 - 5 x 100 = 1887; together 2934 against "ruim 3.400"
    assert result["actual"] == 2934
    assert result["gap"] == 2934 - 3400
    assert result["achieved_pace"] == 2934 / 2
    assert result["ratio"] == pytest.approx((2934 / 2) / (3400 / 2))  # 0.863
    assert result["category"] == "acceleration_needed"
    assert pd.isna(result["required_pace"])  # the deadline (2025) is reached


def test_retrofits_at_mid_period_give_the_required_pace():
    plan = aa.load("retrofits_label_b").query("year == 2024")
    rows = [(2024, "retrofits_label_b", str(r.corporation), r.homes) for r in plan.itertuples()]
    result = row_of(
        tracking.goal_tracking(
            2024, realisations(rows), targets=target("retrofits_label_b_2024_2025")
        ),
        "retrofits_label_b_2024_2025",
    )
    assert result["actual"] == 1047
    assert result["required_pace"] == 3400 - 1047  # one year left
    assert result["ratio"] == pytest.approx(1047 / 1700)  # 0.616
    assert result["category"] == "acceleration_needed"


def test_a_corporation_missing_from_a_year_gives_no_data_not_a_short_total():
    rows = [
        (y, "retrofits_label_b", c, 500)
        for y in (2024, 2025)
        for c in CORPORATIONS
        if (y, c) != (2025, "Mooiland")
    ]
    result = row_of(
        tracking.goal_tracking(
            2025, realisations(rows), targets=target("retrofits_label_b_2024_2025")
        ),
        "retrofits_label_b_2024_2025",
    )
    assert result["category"] == "no_data" and pd.isna(result["actual"])
    assert result["missing"] == "2025"


@pytest.mark.parametrize(
    "cumulative_2025,category", [(11_800, "achieved"), (11_700, "acceleration_needed")]
)
def test_solar_panels_added_since_annex_4_end_2023_with_circa_tolerance(cumulative_2025, category):
    # per corporation, split so the five add up to the municipal figure
    shares = [4000, 3000, 3000, 1000]
    rows = [(2024, "solar_panels_cumulative", c, 2000) for c in CORPORATIONS]
    rows += [
        (2025, "solar_panels_cumulative", c, v)
        for c, v in zip(CORPORATIONS, [*shares, cumulative_2025 - sum(shares)], strict=True)
    ]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=target("solar_panels_2024_2025")),
        "solar_panels_2024_2025",
    )
    added = cumulative_2025 - 9121  # annex 4: 9.121 homes with panels at the end of 2023
    assert result["actual"] == added
    assert result["category"] == category  # circa 2800 ± 5 %: 2660 or more counts as achieved
    if category != "achieved":
        assert result["ratio"] == pytest.approx(added / 2800)


@pytest.mark.parametrize(
    "homes,category,ratio",
    [
        (9, "achieved", None),
        (12, "acceleration_needed", 10 / 12),
        (25, "limited_progress", 10 / 25),
    ],
)
def test_housing_first_is_a_ceiling(homes, category, ratio):
    rows = [(2025, "housing_first_homes", None, homes)]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=target("housing_first_homes")),
        "housing_first_homes",
    )
    assert result["category"] == category
    if ratio is not None:
        assert result["ratio"] == pytest.approx(ratio)


def test_social_rent_share_uses_every_corporation_and_the_municipal_total():
    stocks = {"De Goede Woning": 8000, "de Woonmensen": 5000, "Ons Huis": 5000, "Veluwonen": 1000}
    rows = [(2024, "social_rent_stock", c, v) for c, v in stocks.items()] + [
        (2024, "social_rent_stock", "Mooiland", 800)
    ]
    rows += [(2025, "social_rent_stock", c, v + 100) for c, v in stocks.items()] + [
        (2025, "social_rent_stock", "Mooiland", 800)
    ]
    rows += [(2024, "dwellings_total", None, 76_000), (2025, "dwellings_total", None, 76_500)]
    share = tracking.social_rent_share(realisations(rows)).set_index("year")["share_pct"]
    assert share[2024] == pytest.approx(19_800 / 76_000 * 100)  # 26.05 %
    assert share[2025] == pytest.approx(20_200 / 76_500 * 100)  # 26.41 %

    result = tracking.goal_tracking(
        2025,
        realisations(rows),
        targets=aa.load("targets").query("indicator == 'social_rent_share_pct'"),
    )
    floor, ambition = (
        row_of(result, "social_rent_share_floor"),
        row_of(result, "social_rent_share_ambition"),
    )
    assert floor["category"] == "achieved"
    # 'groeit richting 30%' has no date: a growing share needs no pace and gets no ratio
    # (before the review it was judged against 2030: R 0.569, 'limited progress')
    assert ambition["actual"] == pytest.approx(20_200 / 76_500 * 100)
    assert pd.isna(ambition["end_year"]) and pd.isna(ambition["required_pace"])
    assert pd.isna(ambition["ratio"])
    assert (ambition["category"], ambition["missing"]) == ("no_data", "deadline")


def test_a_share_falling_is_deterioration():
    rows = [(y, "social_rent_stock", c, 4000) for y in (2024, 2025) for c in CORPORATIONS]
    rows += [(2024, "dwellings_total", None, 76_000), (2025, "dwellings_total", None, 77_000)]
    result = tracking.goal_tracking(
        2025, realisations(rows), targets=target("social_rent_share_ambition")
    )
    assert row_of(result, "social_rent_share_ambition")["category"] == "deterioration"


def test_per_corporation_targets_get_a_row_each():
    rows = [
        (2025, "free_allocation_room_pct", c, v)
        for c, v in [
            ("De Goede Woning", 9.5),
            ("de Woonmensen", 12.0),
            ("Mooiland", 7.5),
            ("Ons Huis", 10.0),
        ]
    ]
    result = tracking.goal_tracking(
        2025, realisations(rows), targets=target("free_allocation_room")
    )
    assert list(result["party"]) == ["De Goede Woning", "de Woonmensen", "Mooiland", "Ons Huis"]
    assert list(result["category"]) == ["achieved", "acceleration_needed", "achieved", "achieved"]
    assert row_of(result, "free_allocation_room", "de Woonmensen")["ratio"] == pytest.approx(
        10 / 12
    )


def test_without_realisations_every_target_has_no_data():
    result = tracking.goal_tracking(2025)
    assert (result["category"] == "no_data").all()
    assert len(result) >= len(aa.load("targets"))


def test_woondeal_counts_from_its_start_year():
    rows = [(y, "social_new_builds", None, 250) for y in (2023, 2024, 2025)]
    targets = target("woondeal_social_homes")
    missing = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=targets), "woondeal_social_homes"
    )
    assert missing["category"] == "no_data" and missing["missing"] == "2022"
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=targets, woondeal_start_year=2023),
        "woondeal_social_homes",
    )
    assert result["actual"] == 750 and result["start_year"] == 2023
    assert result["required_pace"] == pytest.approx((2550 - 750) / 5)
    assert result["ratio"] == pytest.approx(250 / (2550 / 8))  # 2023-2030 is eight years
    assert result["category"] == "acceleration_needed"  # 0.60 <= 0.784 < 0.95


def test_override_needs_a_justification_and_is_marked():
    base = tracking.goal_tracking(2025)
    overrides = pd.DataFrame(
        [
            {
                "target_id": "skaeve_huse",
                "year": 2025,
                "category": "limited_progress",
                "justification": "Locatie gevonden, bouw start 2026",
            }
        ]
    )
    result = tracking.apply_overrides(base, overrides)
    row = row_of(result, "skaeve_huse")
    assert row["category"] == "limited_progress" and row["is_override"]
    assert row["override_reason"] == "Locatie gevonden, bouw start 2026"
    with pytest.raises(UserError, match="justification"):
        tracking.apply_overrides(base, overrides.assign(justification=" "))
    with pytest.raises(UserError, match="choose one of"):
        tracking.apply_overrides(base, overrides.assign(category="great"))


def test_an_override_for_one_corporation_keeps_the_computed_category_and_its_source():
    base = tracking.goal_tracking(2025)
    overrides = pd.DataFrame(
        {
            "year": [2025, 2024],
            "target_id": ["free_allocation_room", "skaeve_huse"],
            "party": ["Mooiland", None],
            "category": ["on_track", "achieved"],
            "justification": ["Onder 10 % volgens het jaarverslag", "Niet voor 2025"],
            "source_file": ["mijn-monitor/category_overrides.csv"] * 2,
            "source_row": [2, 3],
        }
    )
    result = tracking.apply_overrides(base, overrides)
    by_hand = result[result["is_override"]]
    assert list(zip(by_hand["target_id"], by_hand["party"], strict=True)) == [
        ("free_allocation_room", "Mooiland")
    ]  # one corporation's row; the 2024 row is for another year's tracking
    row = by_hand.iloc[0]
    assert (row["category"], row["computed_category"]) == ("on_track", "no_data")
    assert row["override_source"] == "mijn-monitor/category_overrides.csv:2"
    others = result[(result["target_id"] == "free_allocation_room") & ~result["is_override"]]
    assert len(others) == 3 and (others["category"] == "no_data").all()
    with pytest.raises(UserError, match=r"mijn-monitor/category_overrides.csv, row 2.*Veluwonen"):
        tracking.apply_overrides(base, overrides.assign(party=["Veluwonen", None]))


def test_an_override_without_party_sets_every_corporation_of_the_target():
    overrides = pd.DataFrame(
        [[2025, "free_allocation_room", "achieved", "Alle vier onder 10 %"]],
        columns=["year", "target_id", "category", "justification"],
    )
    result = tracking.goal_tracking(2025, overrides=overrides)
    rows = result[result["target_id"] == "free_allocation_room"]
    assert len(rows) == 4 and rows["is_override"].all() and (rows["category"] == "achieved").all()


def test_status_rollup_keeps_every_agreement():
    status = pd.DataFrame(
        {
            "year": [2025, 2025, 2024],
            "agreement_id": ["1.1", "3.1", "1.2"],
            "status": ["achieved", "delayed", "achieved"],
            "explanation": ["", "", ""],
        }
    )
    rollup = tracking.status_rollup(status, 2025)
    assert len(rollup) == 48
    assert rollup.set_index("agreement_id")["status"].to_dict()["1.2"] == "no_information"
    counts = tracking.status_counts(rollup)
    assert counts.loc[1, "achieved"] == 1 and counts.loc[3, "delayed"] == 1
    assert counts.sum().sum() == 48
    by_initiator = tracking.status_counts(rollup, by="initiator")
    agreements = aa.load("agreements").set_index("agreement_id")
    mooiland = sum("Mooiland" in initiators for initiators in agreements["initiators"])
    assert (
        "Mooiland" in agreements.loc["3.1", "initiators"]
    )  # the one of its agreements with a status
    assert by_initiator.loc["Mooiland", "no_information"] == mooiland - 1


def test_project_progress_counts_homes_that_slipped():
    rows = [
        (2024, "social_new_builds", "De Goede Woning", 20, "H-flats"),
        (2025, "social_new_builds", "De Goede Woning", 12, "H-flats"),
        (2025, "social_new_builds", "Ons Huis", 30, "Short Stay Havenpark"),
    ]
    progress = tracking.project_progress(realisations(rows), 2025).set_index(
        ["corporation", "project", "planned_year"]
    )
    h_flats = progress.loc[("De Goede Woning", "H-flats", 2024)]
    assert (h_flats["delivered_on_time"], h_flats["slipped"], h_flats["outstanding"]) == (20, 12, 0)
    short_stay = progress.loc[("Ons Huis", "Short Stay Havenpark", 2024)]
    assert (short_stay["delivered_on_time"], short_stay["slipped"]) == (0, 30)
    assert pd.isna(
        progress.loc[("Veluwonen", "De Doorvaart Klarenbeek", 2025), "delivered_on_time"]
    )


def test_annex_progress_compares_plan_and_realisation_per_corporation():
    rows = [(2024, "retrofits_label_b", "Ons Huis", 300)]
    progress = tracking.annex_progress(realisations(rows), 2025)
    row = progress[
        (progress["annex"] == 3)
        & (progress["corporation"] == "Ons Huis")
        & (progress["year"] == 2024)
    ].iloc[0]
    assert (row["planned"], row["realised"], row["difference"]) == (341, 300, -41)
    solar = progress[progress["annex"] == 4]
    assert solar["planned"].sum() == 10_424 + 11_915
    assert math.isclose(progress[progress["annex"] == 2]["planned"].sum(), 392)


def test_homes_added_start_from_the_cbs_stock_and_give_the_affordable_share():
    rows = [(2024, "dwellings_total", None, 76_459), (2025, "dwellings_total", None, 77_259)]
    rows += [(2025, "affordable_homes_added", None, 600)]
    result = tracking.goal_tracking(
        2025,
        realisations(rows),
        targets=target("affordable_share_of_additions"),
        woondeal_start_year=2024,
    )
    share = row_of(result, "affordable_share_of_additions")
    assert share["actual"] == pytest.approx(
        600 / 800 * 100
    )  # 77,259 - 76,459 = 800 homes added in 2025
    assert share["category"] == "achieved"  # 75 % against 70 %
    homes = row_of(
        tracking.goal_tracking(
            2025, realisations(rows), targets=target("woondeal_homes"), woondeal_start_year=2024
        ),
        "woondeal_homes",
    )
    assert homes["actual"] == (76_459 - 75_659) + 800  # CBS: 75,659 on 1 January 2024


def test_vsw_share_needs_the_municipal_total_of_all_builders():
    vsw = [
        (2025, "social_new_builds", c, 40)
        for c in ["De Goede Woning", "de Woonmensen", "Ons Huis", "Veluwonen"]
    ]
    targets = target("vsw_share_of_social_new_builds")
    assert (
        row_of(
            tracking.goal_tracking(2025, realisations(vsw), targets=targets),
            "vsw_share_of_social_new_builds",
        )["category"]
        == "no_data"
    )
    rows = vsw + [(2025, "social_new_builds", None, 200)]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=targets),
        "vsw_share_of_social_new_builds",
    )
    assert result["actual"] == pytest.approx(160 / 200 * 100)
    assert (
        result["ratio"] == pytest.approx(80 / 85) and result["category"] == "acceleration_needed"
    )  # 0.94


def test_a_row_without_party_never_stands_in_for_one_corporation():
    rows = [
        (2025, "free_allocation_room_pct", None, 9),
        (2025, "free_allocation_room_pct", "Veluwonen", 20),
    ]
    result = tracking.goal_tracking(
        2025, realisations(rows), targets=target("free_allocation_room")
    )
    assert (result["category"] == "no_data").all() and result["actual"].isna().all()


def test_a_municipal_new_builds_total_does_not_fill_in_for_a_missing_corporation():
    # Veluwonen does not report 2024; the municipal 400 includes other builders
    rows = [
        (2024, "social_new_builds", c, 112)
        for c in ["De Goede Woning", "de Woonmensen", "Ons Huis"]
    ]
    rows += [
        (2025, "social_new_builds", c, 50)
        for c in ["De Goede Woning", "de Woonmensen", "Ons Huis", "Veluwonen"]
    ]
    rows += [(2024, "social_new_builds", None, 400)]
    result = row_of(
        tracking.goal_tracking(
            2025, realisations(rows), targets=target("social_new_builds_2024_2025")
        ),
        "social_new_builds_2024_2025",
    )
    assert result["category"] == "no_data" and result["missing"] == "2024"


def test_the_municipal_figure_is_never_a_sum_of_whoever_reported():
    rows = [
        (2024, "social_new_builds", "Ons Huis", 90),
        (2024, "social_new_builds", "De Goede Woning", 60),
        (2025, "social_new_builds", None, 220),
    ]
    result = row_of(
        tracking.goal_tracking(
            2025,
            realisations(rows),
            targets=target("woondeal_social_homes"),
            woondeal_start_year=2024,
        ),
        "woondeal_social_homes",
    )
    assert result["category"] == "no_data" and result["missing"] == "2024"


def test_woondeal_homes_count_to_2030():
    rows = [(y, "dwellings_total", None, 75_659 + 1000 * (y - 2023)) for y in range(2021, 2026)]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=target("woondeal_homes")),
        "woondeal_homes",
    )
    assert result["actual"] == 4 * 1000  # 2022-2025: the CBS stock stands for 2023 as given
    assert result["end_year"] == 2030
    assert result["ratio"] == pytest.approx(1000 / (8883 / 9)) and result["category"] == "on_track"


def test_a_goal_of_zero_is_judged_on_linear_paces():
    rows = [
        (2024, "involuntary_homeless_persons", None, 200),
        (2025, "involuntary_homeless_persons", None, 150),
    ]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=target("homelessness_2030")),
        "homelessness_2030",
    )
    # the national task 'dakloosheid uit te bannen voor 2030' (lines 666-668)
    # achieved -50 a year; required (0 - 200) / (2030 - 2024) = -33.3 a year
    assert result["ratio"] == pytest.approx(50 / (200 / 6)) and result["category"] == "on_track"


def test_a_share_falling_below_the_floor_is_deterioration():
    rows = [(2024, "social_rent_stock", c, 4000) for c in CORPORATIONS] + [
        (2025, "social_rent_stock", c, 3900) for c in CORPORATIONS
    ]
    rows += [(2024, "dwellings_total", None, 76_000), (2025, "dwellings_total", None, 79_000)]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=target("social_rent_share_floor")),
        "social_rent_share_floor",
    )
    assert result["actual"] == pytest.approx(19_500 / 79_000 * 100)  # 24.7 %, below 25 %
    assert result["category"] == "deterioration"


def test_annex_tables_hold_only_the_annex_years():
    rows = [
        (2023, "retrofits_label_b", "Veluwonen", 40),
        (2024, "retrofits_label_b", "Veluwonen", 28),
        (2026, "retrofits_label_b", "Veluwonen", 600),
    ]
    progress = tracking.annex_progress(realisations(rows), 2026)
    veluwonen = progress[(progress["annex"] == 3) & (progress["corporation"] == "Veluwonen")]
    assert list(veluwonen["year"]) == [2024, 2025]
    assert veluwonen["realised"].sum() == 28


@pytest.mark.parametrize(
    "sold,category",
    [(3, "achieved"), (10, "achieved"), (10.4, "achieved"), (11, "acceleration_needed")],
)
def test_homes_sold_is_a_ceiling_of_about_10_a_year(sold, category):
    # 2.10 'terughoudend verkoopbeleid ... ongeveer 10 woningen per jaar': at most 10 + 5 %
    rows = [(2025, "homes_sold", None, sold)]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=target("homes_sold_per_year")),
        "homes_sold_per_year",
    )
    assert result["category"] == category
    if category != "achieved":
        assert result["ratio"] == pytest.approx(10 / sold)


def test_a_milestone_has_no_data_until_its_status_is_set_by_hand():
    rows = [(2025, "homes_sold", None, 4)]
    result = row_of(
        tracking.goal_tracking(2025, realisations(rows), targets=target("natural_gas_free_2050")),
        "natural_gas_free_2050",
    )
    assert (result["category"], result["missing"]) == ("no_data", "status")
    assert pd.isna(result["actual"]) and pd.isna(result["ratio"]) and result["end_year"] == 2050
    overrides = pd.DataFrame(
        {
            "target_id": ["natural_gas_free_2050"],
            "year": [2025],
            "category": ["on_track"],
            "justification": ["Warmtetransitievisie: two neighbourhoods under way"],
        }
    )
    set_by_hand = row_of(
        tracking.goal_tracking(2025, targets=target("natural_gas_free_2050"), overrides=overrides),
        "natural_gas_free_2050",
    )
    assert set_by_hand["category"] == "on_track" and set_by_hand["is_override"]
    assert set_by_hand["computed_category"] == "no_data"


def test_homelessness_without_a_year_needs_no_pace_but_the_2030_task_does():
    rows = [
        (2024, "involuntary_homeless_persons", None, 200),
        (2025, "involuntary_homeless_persons", None, 150),
    ]
    both = pd.concat([target("involuntary_homelessness"), target("homelessness_2030")])
    result = tracking.goal_tracking(2025, realisations(rows), targets=both)
    undated = row_of(result, "involuntary_homelessness")  # 5-06: '(zoveel mogelijk) uitbannen'
    assert (undated["category"], undated["missing"]) == ("no_data", "deadline")
    assert pd.isna(undated["ratio"])
    dated = row_of(result, "homelessness_2030")  # 'uit te bannen voor 2030'
    assert dated["category"] == "on_track" and dated["end_year"] == 2030
