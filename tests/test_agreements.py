"""Successive agreements as data packages: loading by period, `afspraken data check`, and reports
for years in, between and after agreements.

tests/data/agreements/2026-2027 is a FICTITIOUS second package (a made-up text of 25 lines), put
beside the real 2024-2025 package through AFSPRAKEN_AGREEMENTS_DIR.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import afspraken_analysis as aa
from afspraken_analysis import data, tracking
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import AGREEMENTS_DIR, AGREEMENTS_ENV, TESTS_DATA_DIR
from afspraken_analysis.report import content, manifest, params

SHIPPED = AGREEMENTS_DIR / "2024-2025"
FICTITIOUS = TESTS_DATA_DIR / "agreements" / "2026-2027"


@pytest.fixture
def two_periods(tmp_path, monkeypatch):
    """The real 2024-2025 package and the fictitious 2026-2027 one side by side."""
    root = tmp_path / "agreements"
    root.mkdir()
    (root / "2024-2025").symlink_to(SHIPPED, target_is_directory=True)
    (root / "2026-2027").symlink_to(FICTITIOUS, target_is_directory=True)
    monkeypatch.setenv(AGREEMENTS_ENV, str(root))
    return root


def test_load_gives_the_current_package_or_a_named_one():
    assert data.current_period() == "2024-2025"
    assert aa.load("targets").equals(aa.load("targets", period="2024-2025"))
    assert aa.load("parties", period="2024-2025").equals(aa.load("parties"))  # shared registry
    with pytest.raises(UserError, match="no agreement package for period '2030-2031'"):
        aa.load("targets", period="2030-2031")


def test_two_periods_side_by_side(two_periods):
    assert data.periods() == ["2024-2025", "2026-2027"]
    current = aa.load("targets")  # the latest package by start year
    assert list(current["target_id"]) == ["social_new_builds_2026_2027"]
    assert "social_new_builds_2024_2025" in set(aa.load("targets", "2024-2025")["target_id"])
    assert [data.period_in_force(y) for y in (2024, 2025, 2026, 2027, 2028)] == [
        "2024-2025",
        "2024-2025",
        "2026-2027",
        "2026-2027",
        None,
    ]
    assert data.period_for(2028) == "2026-2027"


def test_a_report_year_tracks_its_agreements_targets_and_the_2030_goals_carry_over(two_periods):
    goals_2026 = tracking.goal_tracking(2026)
    ids_2026 = set(goals_2026["target_id"])
    assert "social_new_builds_2026_2027" in ids_2026
    assert "social_new_builds_2024_2025" not in ids_2026  # ended with its agreement
    # the long-term goals of 2024-2025 carry over: the 2030 floor and the Woondeal
    assert {"social_rent_share_floor", "woondeal_social_homes", "homelessness_2030"} <= ids_2026
    in_force = data.targets_in_force(2026).set_index("target_id")["agreement_period"]
    assert in_force["social_rent_share_floor"] == "2024-2025"
    assert in_force["social_new_builds_2026_2027"] == "2026-2027"
    ids_2025 = set(tracking.goal_tracking(2025)["target_id"])
    assert "social_new_builds_2024_2025" in ids_2025
    assert "social_new_builds_2026_2027" not in ids_2025


def test_annexes_and_agreements_follow_the_package_in_force(two_periods):
    annex = tracking.annex_progress(None, 2027)
    social = annex[annex["annex"] == 2].set_index("year")["planned"]
    assert social.to_dict() == {2026: 120, 2027: 80}  # the fictitious annex 2
    rollup = tracking.status_rollup(None, 2026)
    assert list(rollup["agreement_id"]) == ["1.1", "1.2"]
    assert set(tracking.status_rollup(None, 2025)["agreement_id"]) >= {"1.1", "5.12"}


def test_a_year_after_the_last_agreement_says_so_and_keeps_the_final_balance():
    assert data.period_in_force(2026) is None and data.period_for(2026) == "2024-2025"
    p = params.Params(year=2026)
    note = content.agreement_note(p)
    assert "prestatieafspraken 2024-2025" in note and "2026" in note
    assert manifest.title_meta(p, False)["basis"][0] == note
    assert content.agreement_note(params.Params(year=2025)) == ""
    assert content.agreement_note(params.Params(year=2026, lang="en")).startswith(
        "After the end of the performance agreements 2024-2025"
    )
    goals = tracking.goal_tracking(2026).set_index("target_id")
    # a period target keeps its own end: its balance is the final one of 2024-2025
    assert goals.loc["social_new_builds_2024_2025", "end_year"] == 2025
    assert goals.loc["social_rent_share_floor", "end_year"] == 2030


def test_data_check_passes_the_shipped_and_the_fictitious_package(capsys):
    assert main(["data", "check", str(SHIPPED)]) == 0
    assert main(["data", "check", str(FICTITIOUS)]) == 0
    assert "agreement package 2026-2027 is valid" in capsys.readouterr().out


def _edit(path, row, column, value):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row, column] = value
    df.to_csv(path, index=False)


@pytest.mark.parametrize(
    "edit,expected",
    [
        (  # a typo in a text: not at its lines
            lambda d: _edit(d / "agreements.csv", 1, "text", "Gemeente en corporaties overleggen"),
            None,
        ),
        (
            lambda d: _edit(d / "agreements.csv", 0, "text", "Er worden 300 sociale woningen"),
            "agreements.csv, row 2, column 'text': 'Er worden 300 sociale woningen' is not in "
            "fictieve-prestatieafspraken-2026-2027.txt at lines 11-13",
        ),
        (
            lambda d: _edit(d / "new_builds_social.csv", 1, "source_lines", "99"),
            "new_builds_social.csv, row 3, column 'source_lines': lines 99 are not within",
        ),
        (
            lambda d: _edit(d / "targets.csv", 0, "agreement_period", "2024-2025"),
            "targets.csv, row 2, column 'agreement_period': '2024-2025' differs from the "
            "package's period '2026-2027'",
        ),
        (
            lambda d: _edit(d / "targets.csv", 0, "agreement_id", "1.9"),
            "targets.csv, row 2, column 'agreement_id': '1.9' is not an agreement_id",
        ),
        (
            lambda d: _edit(d / "retrofits_label_b.csv", 0, "year", "2025"),
            "retrofits_label_b.csv, row 2, column 'year': 2025 is outside the agreement period",
        ),
        (
            lambda d: _edit(d / "agreements.csv", 1, "agreement_type", "result"),
            "agreements.csv, row 3, column 'agreement_type': result agreement '1.2' has no target",
        ),
        (
            lambda d: _edit(d / "targets.csv", 0, "indicator", "social_newbuilds"),
            "targets.csv, row 2, column 'indicator': 'social_newbuilds' is not an indicator",
        ),
        (
            lambda d: _edit(d / "solar_panels.csv", 0, "homes_cumulative", "4.388"),
            "solar_panels.csv, row 2, column 'homes_cumulative'",
        ),
        (
            lambda d: (d / "raw" / "fictieve-prestatieafspraken-2026-2027.txt").write_text(
                "changed\n", encoding="utf-8"
            ),
            "fictieve-prestatieafspraken-2026-2027.txt: checksum differs from",
        ),
        (
            lambda d: (d / "raw" / "origins.yml").unlink(),
            "raw/origins.yml: file not found",
        ),
    ],
)
def test_data_check_names_file_row_and_column_of_each_mistake(tmp_path, capsys, edit, expected):
    package = tmp_path / "2026-2027"
    shutil.copytree(FICTITIOUS, package)
    edit(package)
    code = main(["data", "check", str(package)])
    out = capsys.readouterr().out
    if expected is None:  # a shortened text still stands in the source: no false alarm
        assert code == 0, out
        return
    assert code == 1 and expected in out, out


def test_data_check_wants_a_period_as_directory_name(tmp_path, capsys):
    package = tmp_path / "nieuw"
    shutil.copytree(FICTITIOUS, package)
    assert main(["data", "check", str(package)]) == 1
    assert "the directory name must be the agreement period" in capsys.readouterr().out
    assert main(["data", "check", str(tmp_path / "missing")]) == 2
    assert "not a directory" in capsys.readouterr().err
