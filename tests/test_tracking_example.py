"""Goal tracking for 2025 on the shipped example data (voorbeeld, fictieve cijfers), by hand.

The example data in data/voorbeeld-fictieve-cijfers/ is fictitious; the expectations below are
computed from its rows by hand (see the comments), not copied from the program's output. Its one
category override (skaeve_huse, a process target without figures) touches no other target.
"""

import pandas as pd
import pytest

from afspraken_analysis import monitoring, tracking
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR


@pytest.fixture(scope="module")
def example():
    data = monitoring.load_monitoring(EXAMPLE_MONITORING_DIR)
    assert monitoring.frame_is_fictitious(data.realisations)
    return data


@pytest.fixture(scope="module")
def table(example):
    return tracking.goal_tracking(
        2025, example.realisations, overrides=example.category_overrides
    ).set_index("target_id")


def test_the_one_override_sets_skaeve_huse_by_hand_and_nothing_else(table):
    row = table.loc["skaeve_huse"]
    assert row["category"] == "limited_progress" and row["is_override"]
    assert row["computed_category"] == "no_data"  # no skaeve_huse figures in the example
    assert row["override_reason"] == "Locatie gevonden, bouw start 2026"
    assert row["override_source"] == "data/voorbeeld-fictieve-cijfers/category_overrides.csv:2"
    assert table["is_override"].sum() == 1


def test_social_new_builds_375_of_392(table):
    row = table.loc["social_new_builds_2024_2025"]
    # 2024: dW 28 + DGW 32+28+0 + OH 32+28+30 + Vel 0 = 178; 2025: dW 12 + Vel 8 + DGW 63+60+16+38 + OH 0 = 197
    assert row["actual"] == 178 + 197 == 375
    assert row["gap"] == 375 - 392
    assert row["achieved_pace"] == 375 / 2
    assert row["ratio"] == pytest.approx(375 / 392)  # 0.957, but the deadline (2025) has passed
    assert row["category"] == "acceleration_needed"


def test_retrofits_3178_against_ruim_3400(table):
    row = table.loc["retrofits_label_b_2024_2025"]
    # 2024: 290 + 28 + 350 + 340 + 0 = 1008; 2025: 315 + 25 + 1200 + 570 + 60 = 2170
    assert row["actual"] == 1008 + 2170
    assert row["ratio"] == pytest.approx(3178 / 3400)  # 0.935
    assert row["category"] == "acceleration_needed"


def test_solar_panels_2719_added_is_circa_2800(table):
    row = table.loc["solar_panels_2024_2025"]
    # end 2025: 3150 + 550 + 4350 + 3200 + 590 = 11,840; annex 4 end 2023: 9,121
    assert row["actual"] == 11_840 - 9_121 == 2_719
    assert row["category"] == "achieved"  # within 5 % of 2800 (2,660 or more)


def test_social_rent_share_holds_the_floor_but_falls(table):
    floor, ambition = table.loc["social_rent_share_floor"], table.loc["social_rent_share_ambition"]
    share_2024 = (7_900 + 4_950 + 5_050 + 1_010 + 750) / 76_300 * 100  # 25.77 %
    share_2025 = (8_000 + 4_950 + 5_050 + 1_000 + 750) / 77_000 * 100  # 25.65 %
    assert floor["actual"] == pytest.approx(share_2025)
    assert floor["category"] == "achieved"
    assert ambition["achieved_pace"] == pytest.approx(share_2025 - share_2024)
    # 'groeit richting 30%' has no date, so no pace is required; falling is deterioration anyway
    assert pd.isna(ambition["required_pace"]) and pd.isna(ambition["ratio"])
    assert ambition["category"] == "deterioration" and "moved away" in ambition["reason"]


def test_vsw_share_and_sales_and_mid_rent(table):
    assert table.loc["vsw_share_of_social_new_builds", "actual"] == pytest.approx(197 / 220 * 100)
    assert table.loc["vsw_share_of_social_new_builds", "category"] == "achieved"
    sold = table.loc["homes_sold_per_year"]
    assert sold["actual"] == 5 + 3 + 2 + 2 + 0  # 12 against a ceiling of about 10 (10.5 with 5 %)
    assert sold["ratio"] == pytest.approx(10 / 12) and sold["category"] == "acceleration_needed"
    assert table.loc["mid_rent_new_builds_2024_2025", "actual"] == 0 + 7
    assert table.loc["mid_rent_new_builds_2024_2025", "category"] == "achieved"


def test_short_stay_reached_in_2024_although_2025_is_not_reported(table):
    row = table.loc["short_stay_homes"]
    assert (row["actual"], row["category"], row["missing"]) == (30, "achieved", "2025")


def test_targets_without_data_say_so(table):
    assert table.loc["caravan_pitches_2024_2025", "category"] == "no_data"
    assert table.loc["woondeal_social_homes", "missing"] == "2022, 2023"  # default start year 2022


def test_projects_that_slipped(example):
    progress = tracking.project_progress(example.realisations, 2025).set_index(
        ["project", "planned_year"]
    )
    assert progress.loc[("Het Rooster", 2024), "slipped"] == 38  # delivered a year late
    assert progress.loc[("H-flats", 2024), "delivered_on_time"] == 32
    assert progress.loc[("H-flats", 2025), "outstanding"] == 64 - 60
    assert progress.loc[("Dennenkamp", 2025), "outstanding"] == 17 - 12
    assert pd.isna(
        progress.loc[("De Doorvaart Klarenbeek", 2025), "delivered_on_time"]
    )  # no project detail


def test_eight_agreements_without_status_show_as_no_information(example):
    rollup = tracking.status_rollup(example.agreement_status, 2025)
    missing = rollup.loc[rollup["status"] == tracking.NO_INFORMATION, "agreement_id"]
    assert sorted(missing) == sorted(["2.7", "2.11", "3.3", "3.9", "4.4", "5.7", "5.9", "5.12"])


def test_a_zero_delivery_is_not_a_delivery_year(example):
    progress = tracking.project_progress(example.realisations, 2025).set_index(
        ["project", "planned_year"]
    )
    assert progress.loc[("Het Rooster", 2024), "years_delivered"] == "2025"
