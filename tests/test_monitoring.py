"""Monitoring input: reading, validating and templates (afspraken_analysis.monitoring).

Samples: tests/data/malformed/ holds small hand-written files, each breaking one rule (the table
MALFORMED below says which); the XLSX cases are built in tmp_path by the tests themselves. The
example monitoring data in data/voorbeeld-fictieve-cijfers/ is fictitious: its totals below are
the hand arithmetic written in its README.
"""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import afspraken_analysis as aa
from afspraken_analysis import labels, monitoring, tracking
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import DOCS_DIR, EXAMPLE_MONITORING_DIR, TESTS_DATA_DIR

MALFORMED_DIR = TESTS_DATA_DIR / "malformed"

# file: (spreadsheet row, column, words of the hint); None where the problem is the whole file
MALFORMED = {
    "realisations_empty.csv": (1, None, "header row"),
    "realisations_header_only.csv": (2, None, "at least one row"),
    "realisations_missing_column.csv": (1, "value", "must name the columns"),
    "realisations_unexpected_column.csv": (1, "opmerking", "allowed columns"),
    "realisations_misnamed_column.csv": (1, "Year", "rename it to 'year'"),
    "realisations_duplicate_column.csv": (1, "value", "keep one of them"),
    "realisations_windows1252.csv": (2, "note", "save it as UTF-8"),
    "realisations_utf16.csv": (1, None, "save it as UTF-8"),
    "realisations_tab_separated.csv": (1, None, "commas or semicolons"),
    "realisations_unknown_indicator.csv": (2, "indicator", "did you mean 'social_new_builds'?"),
    "realisations_derived_indicator.csv": (2, "indicator", "solar_panels_cumulative"),
    "realisations_unknown_party.csv": (2, "party", "did you mean 'De Goede Woning'?"),
    "realisations_party_not_a_corporation.csv": (2, "party", "per corporation"),
    "realisations_party_missing.csv": (2, "party", "fill in the corporation"),
    "realisations_party_for_whole_municipality.csv": (2, "party", "leave party empty"),
    "realisations_year_out_of_range.csv": (2, "year", "years run from 2000 to 2050"),
    "realisations_year_not_a_year.csv": (2, "year", "four digits"),
    "realisations_negative_count.csv": (2, "value", "never negative"),
    "realisations_fraction_of_homes.csv": (2, "value", "whole number"),
    "realisations_percentage_above_100.csv": (2, "value", "between 0 and 100"),
    "realisations_duplicate_row.csv": (3, "value", "keep one of the two rows"),
    "realisations_cumulative_decreases.csv": (3, "value", "never decreases"),
    "realisations_empty_value.csv": (2, "value", "fill in the figure"),
    "realisations_empty_indicator.csv": (2, "indicator", "fill in an indicator"),
    "realisations_ambiguous_thousands.csv": (2, "value", "without a thousands separator"),
    "realisations_decimal_point_semicolon.csv": (2, "value", "decimals take a comma: '7,5'"),
    "realisations_percent_sign.csv": (2, "value", "leave out the % sign"),
    "realisations_words_in_number.csv": (2, "value", "put words such as 'circa' in the note"),
    "realisations_project_not_kept.csv": (2, "project", "leave project empty"),
    "realisations_total_and_projects.csv": (2, "project", "counted twice"),
    "realisations_project_spelling.csv": (2, "project", "'H-flats'"),
    "realisations_project_without_corporation.csv": (2, "project", "fill in the corporation"),
    "realisations_too_many_cells.csv": (2, "F (no header)", "double quotes"),
    "realisations_too_few_cells.csv": (2, "value", "add the missing ','"),
    "realisations_unclosed_quote.csv": (2, None, "every quote must be closed"),
    "realisations_whole_municipality_below_parts.csv": (2, "value", "total for all of Apeldoorn"),
    "realisations_column_without_name.csv": (2, "E (no header)", "give the column a name"),
    "realisations_not_a_workbook.xlsx": (None, None, "save it as 'Excel-werkmap (.xlsx)'"),
    "realisations_old_excel.xls": (None, None, "save it as an Excel workbook (.xlsx)"),
    "unknown_table.csv": (1, None, "name the file realisations.csv"),
    "agreement_status_unknown_agreement.csv": (2, "agreement_id", "agreement numbers are 1.1-1.9"),
    "agreement_status_unknown_status.csv": (2, "status", "choose one of: niet gestart"),
    "agreement_status_misspelled_status.csv": (2, "status", "did you mean 'gerealiseerd'?"),
    "agreement_status_duplicate.csv": (3, "status", "keep one of the two rows"),
    "agreement_status_no_explanation.csv": (2, "explanation", "say why"),
    "agreement_status_year_before_agreements.csv": (2, "year", "the agreements start in 2024"),
    "agreement_status_missing_column.csv": (1, "status", "must name the columns"),
    "agreement_status_comma_in_id.csv": (2, "agreement_id", "did you mean '2.10'?"),
    "category_overrides_unknown_target.csv": (2, "target_id", "did you mean 'skaeve_huse'?"),
    "category_overrides_unknown_category.csv": (
        2,
        "category",
        "Beperkte voortgang (limited_progress)",
    ),
    "category_overrides_party_not_of_target.csv": (2, "party", "choose one of Ons Huis"),
    "category_overrides_party_of_a_joint_target.csv": (2, "party", "leave party empty"),
    "category_overrides_no_justification.csv": (2, "justification", "needs a justification"),
    "category_overrides_duplicate.csv": (3, "category", "keep one of the two rows"),
    "category_overrides_year_before_agreements.csv": (2, "year", "the agreements start in 2024"),
    "category_overrides_whole_target_and_party.csv": (3, "party", "one row per party"),
}


def test_the_malformed_corpus_is_complete_and_large_enough():
    files = {p.name for p in MALFORMED_DIR.iterdir()}
    assert files == set(MALFORMED)
    assert len(files) >= 25


def assert_reported(path: Path, expected: tuple, capsys) -> None:
    """validate exits non-zero and prints one problem naming file, row, column and the hint."""
    row, column, hint = expected
    assert main(["--lang", "en", "validate", str(path)]) != 0
    out = capsys.readouterr().out
    assert path.name in out
    if row is not None:
        assert f"row {row}" in out
    if column is not None:
        assert f"column {column!r}" in out
    assert f" — {hint}" in out or (" — " in out and hint in out.split(" — ", 1)[1]), out
    problems = monitoring.validate_paths([path])
    assert len(problems) == 1, "\n".join(p.render("en") for p in problems)
    assert problems[0].hint


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_each_malformed_file_is_rejected_with_file_row_column_and_hint(name, capsys):
    assert_reported(MALFORMED_DIR / name, MALFORMED[name], capsys)


@pytest.mark.parametrize("name", sorted(n for n in MALFORMED if n.startswith("realisations")))
def test_loading_a_malformed_file_raises_a_user_error_with_the_same_problem(name):
    problems = monitoring.validate_paths([MALFORMED_DIR / name])
    with pytest.raises(UserError) as info:
        monitoring.load_realisations(MALFORMED_DIR / name)
    assert problems[0].render("en") in info.value.render("en")
    assert str(problems[0]) in str(info.value)  # str() is the Dutch text


@pytest.mark.parametrize("name", sorted(n for n in MALFORMED if n.startswith("category_overrides")))
def test_a_malformed_overrides_file_stops_loading_the_directory(name, tmp_path):
    (tmp_path / "category_overrides.csv").write_bytes((MALFORMED_DIR / name).read_bytes())
    (problem,) = monitoring.validate_paths([MALFORMED_DIR / name])
    with pytest.raises(UserError) as info:
        monitoring.load_monitoring(tmp_path)
    shown = info.value.render("en")
    assert problem.message.render("en") in shown and "category_overrides.csv" in shown


HEADER = ["year", "indicator", "party", "value"]


def xlsx(path: Path, rows: list, sheet: str = "realisations", edit=None) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    if edit:
        edit(workbook, worksheet)
    workbook.save(path)
    return path


def _set(cell: str, value, number_format: str | None = None):
    def edit(workbook, worksheet):
        worksheet[cell] = value
        if number_format:
            worksheet[cell].number_format = number_format

    return edit


def _second_sheet(workbook, worksheet):
    worksheet.title = "Blad1"
    workbook.create_sheet("Blad2")


XLSX_CASES = {
    "formula": (
        [HEADER, [2024, "homes_sold", "Ons Huis", "=1+2"]],
        None,
        (2, "value", "paste them as values"),
    ),
    "error_value": (
        [HEADER, [2024, "homes_sold", "Ons Huis", 3]],
        _set("D2", "#DIV/0!"),
        (2, "value", "replace it by the value itself"),
    ),
    "percent_formatted_cell": (
        [HEADER, [2024, "lottery_allocation_share_pct", None, 0]],
        _set("D2", 0.075, "0.0%"),
        (2, "value", "type the percentage itself"),
    ),
    "date_as_year": (
        [HEADER, [datetime(2024, 1, 1), "homes_sold", "Ons Huis", 3]],
        None,
        (2, "year", "four digits"),
    ),
    "number_stored_as_text": (
        [HEADER, [2024, "retrofits_label_b", "De Goede Woning", "1.047"]],
        None,
        (2, "value", "formatted as a number"),
    ),
    "true_false_cell": (
        [HEADER, [2024, "homes_sold", "Ons Huis", True]],
        None,
        (2, "value", "type the number"),
    ),
    "empty_sheet": ([], None, (1, None, "row 1 must hold the column names")),
    "two_sheets_without_a_known_name": (
        [HEADER, [2024, "homes_sold", "Ons Huis", 3]],
        _second_sheet,
        (None, None, "name the data sheet 'realisations'"),
    ),
}


@pytest.mark.parametrize("case", sorted(XLSX_CASES))
def test_each_malformed_xlsx_is_rejected_with_row_column_and_hint(case, tmp_path, capsys):
    rows, edit, expected = XLSX_CASES[case]
    path = xlsx(tmp_path / f"realisations_{case}.xlsx", rows, edit=edit)
    assert_reported(path, expected, capsys)


def test_column_letters_are_excels_as_openpyxl_names_them():
    from afspraken_analysis.spreadsheet import column_letter

    last = 18278  # XFD, Excel's last column
    assert [column_letter(i) for i in range(1, last + 1)] == [
        openpyxl.utils.get_column_letter(i) for i in range(1, last + 1)
    ]


def test_reading_csv_monitoring_does_not_import_openpyxl():
    """openpyxl costs every report kernel ~0.2 s CPU: only an .xlsx file (or a template) needs it."""
    code = (
        "import sys\n"
        "import afspraken_analysis.report.content, afspraken_analysis.report.blocks\n"
        "from afspraken_analysis import monitoring\n"
        f"monitoring.load_monitoring({str(EXAMPLE_MONITORING_DIR)!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openpyxl'))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_an_agreement_number_typed_as_a_number_is_rejected_when_ambiguous(tmp_path, capsys):
    header = ["year", "agreement_id", "status", "explanation"]
    path = xlsx(
        tmp_path / "agreement_status.xlsx",
        [header, [2025, 2.1, "achieved", None]],
        sheet="agreement_status",
    )
    assert_reported(path, (2, "agreement_id", "format the column as text"), capsys)
    unambiguous = xlsx(
        tmp_path / "agreement_status_3.xlsx",
        [header, [2025, 3.4, "achieved", None]],
        sheet="agreement_status",
    )
    assert monitoring.load_agreement_status(unambiguous)["agreement_id"].tolist() == ["3.4"]


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\x03", b"PK\x03\x04garbage", b"\xff" * 50, b"year,indicator\x00,party\n1,2\n"],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_garbage_gives_problems_not_a_traceback(content, suffix, tmp_path):
    path = tmp_path / f"realisations{suffix}"
    path.write_bytes(content)
    problems = monitoring.validate_paths([path])
    assert problems and all(path.name in p.render("en") and p.hint for p in problems)


def test_every_problem_in_a_file_is_reported_not_just_the_first(tmp_path):
    path = tmp_path / "realisations.csv"
    path.write_text(
        "year,indicator,party,value\n"
        "2024,homes_sold,Goede Woningen,3\n"
        "1999,retrofits_label_b,Ons Huis,-1\n"
        "2024,social_newbuilds,,1.047\n",
        encoding="utf-8",
    )
    problems = monitoring.validate_paths([path])
    assert [(p.row, p.column) for p in problems] == [
        (2, "party"),
        (3, "year"),
        (3, "value"),
        (4, "indicator"),
        (4, "value"),
    ]
    assert all(p.hint and p.value is not None for p in problems)
    with pytest.raises(UserError, match="^5 problemen") as info:
        monitoring.load_realisations(path)
    assert info.value.render("en").startswith("5 problems in the monitoring input:")


# --- Valid input in every format loads to the same table -------------------------------------

ROWS = [
    [2024, "social_new_builds", "De Goede Woning", "H-flats", 32, "jaarverslag", None],
    [2024, "solar_panels_cumulative", "Ons Huis", None, 2860, None, None],
    [2024, "lottery_allocation_share_pct", None, None, 7.5, None, "loting, spoedzoekers"],
    [2024, "dwellings_total", None, None, 76300, None, None],
]
COLUMNS = ["year", "indicator", "party", "project", "value", "source", "note"]
COMMA_CSV = (
    "year,indicator,party,project,value,source,note\n"
    "2024,social_new_builds,De Goede Woning,H-flats,32,jaarverslag,\n"
    "2024,solar_panels_cumulative,Ons Huis,,2860,,\n"
    '2024,lottery_allocation_share_pct,,,7.5,,"loting, spoedzoekers"\n'
    "2024,dwellings_total,,,76300,,\n"
)
SEMICOLON_CSV = (
    "year;indicator;party;project;value;source;note\r\n"
    "2024;social_new_builds;De Goede Woning;H-flats;32;jaarverslag;\r\n"
    "2024;solar_panels_cumulative;Ons Huis;;2.860;;\r\n"
    "2024;lottery_allocation_share_pct;;;7,5;;loting, spoedzoekers\r\n"
    "2024;dwellings_total;;;76.300;;\r\n"
)


def formats(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "comma": tmp_path / "comma" / "realisations.csv",
        "semicolon": tmp_path / "semicolon" / "realisations.csv",
        "bom": tmp_path / "bom" / "realisations.csv",
        "xlsx": tmp_path / "xlsx" / "realisations.xlsx",
    }
    for path in paths.values():
        path.parent.mkdir()
    paths["comma"].write_text(COMMA_CSV, encoding="utf-8")
    paths["semicolon"].write_bytes(SEMICOLON_CSV.encode("utf-8"))
    paths["bom"].write_text(SEMICOLON_CSV, encoding="utf-8-sig")
    xlsx(paths["xlsx"], [COLUMNS, *ROWS])
    return paths


def test_comma_semicolon_bom_and_xlsx_load_to_identical_frames(tmp_path):
    frames = {
        name: monitoring.load_realisations(path.parent).drop(columns="source_file")
        for name, path in formats(tmp_path).items()
    }
    for name in ("semicolon", "bom", "xlsx"):
        assert_frame_equal(frames["comma"], frames[name])
    expected = pd.DataFrame(ROWS, columns=COLUMNS)
    frame = frames["comma"]
    assert frame["value"].tolist() == expected["value"].tolist()
    assert frame["source_row"].tolist() == [2, 3, 4, 5]
    assert frame["party"].isna().tolist() == [False, False, True, True]
    assert frame["project"].tolist() == ["H-flats", pd.NA, pd.NA, pd.NA]


def test_loaded_realisations_have_the_promised_types(tmp_path):
    frame = monitoring.load_realisations(formats(tmp_path)["xlsx"])
    assert list(frame.columns) == list(monitoring.schema("realisations").columns)
    assert str(frame["year"].dtype) == "Int64" and str(frame["value"].dtype) == "Float64"
    categories = frame["indicator"].cat.categories
    assert list(categories) == aa.load("indicators")["indicator"].tolist()
    assert set(frame["party"].cat.categories) == set(aa.load("parties")["party"])
    assert str(frame["project"].dtype) == "string"
    assert frame["source_file"].str.endswith("realisations.xlsx").all()


def test_dutch_numbers_in_a_semicolon_file(tmp_path):
    path = tmp_path / "realisations.csv"
    path.write_text(
        "year;indicator;party;value\n"
        "2024;retrofits_label_b;De Goede Woning;1.047\n"
        "2024;lottery_allocation_share_pct;;7,5\n"
        "2024;dwellings_total;;1.000.000\n"
        "2024;renewable_generation_tj;;1.047,5\n",
        encoding="utf-8",
    )
    assert monitoring.load_realisations(path)["value"].tolist() == [1047, 7.5, 1_000_000, 1047.5]


def test_comma_file_plain_numbers(tmp_path):
    path = tmp_path / "realisations.csv"
    path.write_text(
        "year,indicator,party,value\n"
        "2024,retrofits_label_b,De Goede Woning,1047\n"
        "2024,lottery_allocation_share_pct,,7.5\n"
        "2024,renewable_generation_tj,,0.125\n"
        "2024,energy_use_reduction_pct,,12.5\n",
        encoding="utf-8",
    )
    assert monitoring.load_realisations(path)["value"].tolist() == [1047, 7.5, 0.125, 12.5]


@pytest.mark.parametrize("indicator", ["renewable_generation_tj", "lottery_allocation_share_pct"])
def test_thousands_dot_in_a_comma_file_is_ambiguous_even_where_decimals_are_allowed(
    indicator, tmp_path
):
    path = tmp_path / "realisations.csv"
    path.write_text(f"year,indicator,party,value\n2024,{indicator},,1.047\n", encoding="utf-8")
    (problem,) = monitoring.validate_paths([path])
    assert (problem.row, problem.column, problem.value) == (2, "value", "1.047")
    assert problem.message.key == "mon.problem.ambiguous_thousands"
    assert "ambiguous" in problem.message.render("en") and "1047" in problem.hint.render("en")


def test_aliases_statuses_and_whitespace_are_read_as_documented(tmp_path):
    realisations = tmp_path / "realisations.csv"
    realisations.write_text(
        "year,indicator,party,value\n2024,homes_sold, DGW ,4\n2024,homes_sold,woonmensen,2\n",
        encoding="utf-8",
    )
    frame = monitoring.load_realisations(realisations)
    assert frame["party"].tolist() == ["De Goede Woning", "de Woonmensen"]
    statuses = tmp_path / "agreement_status.csv"
    statuses.write_text(
        "year;agreement_id;status;explanation\n"
        "2025;2.10;Gerealiseerd;\n2025;2.1;in_progress;\n2025;1.8;vertraagd;geen locatie\n",
        encoding="utf-8",
    )
    frame = monitoring.load_agreement_status(statuses)
    assert frame["agreement_id"].tolist() == ["2.10", "2.1", "1.8"]
    assert frame["status"].tolist() == ["achieved", "in_progress", "delayed"]
    assert list(frame["status"].cat.categories) == list(monitoring.STATUS_CODES)


def test_rows_without_a_value_are_not_filled_in_and_validate_says_so(tmp_path, capsys):
    path = tmp_path / "realisations.csv"
    path.write_text(
        "year,indicator,party,value,note\n2024,homes_sold,Ons Huis,3,\n2024,homes_sold,Mooiland,,\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    assert "1 rij niet ingevuld" in capsys.readouterr().out
    assert monitoring.load_realisations(path)["party"].tolist() == ["Ons Huis"]


# --- Directories --------------------------------------------------------------------------------


def test_a_directory_without_monitoring_files_names_the_expected_files(tmp_path):
    with pytest.raises(UserError) as info:
        monitoring.load_monitoring(tmp_path)
    for name in ("realisations.csv", "realisations.xlsx", "agreement_status.csv"):
        assert name in str(info.value)
    (problem,) = monitoring.validate_paths([tmp_path])
    assert "agreement_status.xlsx" in problem.hint.render("en")


def test_a_directory_with_only_one_file_gives_none_for_the_other(tmp_path):
    (tmp_path / "agreement_status.csv").write_text(
        "year,agreement_id,status,explanation\n2025,1.1,achieved,\n", encoding="utf-8"
    )
    realisations, statuses, overrides = monitoring.load_monitoring(tmp_path)
    assert realisations is None and len(statuses) == 1 and overrides is None


def test_csv_and_xlsx_for_one_table_in_one_directory_is_a_problem(tmp_path):
    paths = formats(tmp_path)
    (paths["comma"].parent / "realisations.xlsx").write_bytes(paths["xlsx"].read_bytes())
    with pytest.raises(UserError) as info:
        monitoring.load_monitoring(paths["comma"].parent)
    assert "keep one of them" in info.value.render("en")


# --- Category overrides ---------------------------------------------------------------------------


def test_overrides_accept_codes_labels_and_party_aliases(tmp_path):
    path = tmp_path / "category_overrides.csv"
    path.write_text(
        "year;target_id;party;category;justification\n"
        "2025;skaeve_huse;;Beperkte voortgang;Locatie gevonden, bouw start 2026\n"
        "2025;free_allocation_room;DGW;on_track; onder 10 % volgens jaarverslag \n"
        "2024;short_stay_homes;;Target achieved;Alle 30 woningen verhuurd\n",
        encoding="utf-8",
    )
    frame = monitoring.load_category_overrides(path)
    assert list(frame.columns) == list(monitoring.schema("category_overrides").columns)
    assert frame["category"].tolist() == ["limited_progress", "on_track", "achieved"]
    assert frame["party"].tolist()[1] == "De Goede Woning" and pd.isna(frame["party"].tolist()[0])
    assert frame["justification"].tolist()[1] == "onder 10 % volgens jaarverslag"
    goals = tracking.goal_tracking(2025, overrides=frame)
    by_hand = goals[goals["is_override"]]
    assert sorted(zip(by_hand["target_id"], by_hand["party"].fillna(""), strict=True)) == [
        ("free_allocation_room", "De Goede Woning"),
        ("skaeve_huse", ""),
    ]  # the 2024 row does not touch the 2025 tracking
    assert by_hand["override_source"].str.endswith("category_overrides.csv:3").sum() == 1


def test_an_overrides_file_without_filled_in_rows_means_no_overrides(tmp_path, capsys):
    path = tmp_path / "category_overrides.csv"
    path.write_text("year,target_id,party,category,justification\n2025,skaeve_huse,,,\n")
    assert main(["validate", str(path)]) == 0
    assert "0 rijen; 1 rij niet ingevuld" in capsys.readouterr().out
    assert monitoring.load_category_overrides(path).empty
    path.write_text("year,target_id,party,category,justification\n")
    assert monitoring.load_category_overrides(path).empty


def test_overrides_are_recognised_by_their_columns(tmp_path):
    path = tmp_path / "handmatig.csv"
    path.write_bytes((EXAMPLE_MONITORING_DIR / "category_overrides.csv").read_bytes())
    assert monitoring.validate_paths([path]) == []


# --- Templates ----------------------------------------------------------------------------------


def fill(path: Path, values: dict) -> None:
    """Set cells of a template: values maps a tuple of the row's key cells to {column: value}."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    keys = header[: len(next(iter(values)))]
    for row in sheet.iter_rows(min_row=2):
        key = tuple(row[header.index(k)].value for k in keys)
        for column, value in values.get(key, {}).items():
            row[header.index(column)].value = value
    workbook.save(path)


def test_template_round_trip(tmp_path, capsys):
    directory = tmp_path / "monitoring-2025"
    assert main(["template", str(directory), "--year", "2025"]) == 0
    realisations, statuses = directory / "realisations.xlsx", directory / "agreement_status.xlsx"
    assert (directory / "csv" / "realisations.csv").exists()
    assert main(["validate", str(realisations)]) != 0  # nothing filled in yet
    fill(
        realisations,
        {
            (2025, "social_new_builds", "De Goede Woning", "H-flats"): {"value": 60},
            (2025, "retrofits_label_b", "Ons Huis", None): {"value": 570, "source": "jaarverslag"},
            (2025, "dwellings_total", None, None): {"value": 77000},
        },
    )
    fill(
        statuses,
        {(2025, "2.10"): {"status": "gerealiseerd"}, (2025, "1.8"): {"status": "in uitvoering"}},
    )
    capsys.readouterr()
    assert main(["validate", str(realisations), str(statuses)]) == 0
    assert "ok:" in capsys.readouterr().out
    frame = monitoring.load_realisations(realisations)
    assert sorted(frame["value"].tolist()) == [60, 570, 77000]
    sheet = openpyxl.load_workbook(realisations)["realisations"]
    for row in frame.itertuples():
        assert sheet.cell(row.source_row, 2).value == row.indicator
    status = monitoring.load_agreement_status(statuses).set_index("agreement_id")["status"]
    assert status.to_dict() == {"1.8": "in_progress", "2.10": "achieved"}


def test_template_workbook_has_dropdowns_and_a_dutch_explanation_sheet(tmp_path):
    monitoring.write_templates(tmp_path, 2025)
    workbook = openpyxl.load_workbook(tmp_path / "realisations.xlsx")
    assert workbook.sheetnames[:2] == ["realisations", "toelichting"]
    lists = [
        v for v in workbook["realisations"].data_validations.dataValidation if v.type == "list"
    ]
    assert {str(v.sqref).split(":")[0] for v in lists} == {"B2", "C2"}  # indicator and party
    explanation = [
        [c for c in row if c] for row in workbook["toelichting"].iter_rows(values_only=True)
    ]
    columns = {row[0] for row in explanation if row}
    assert set(monitoring.input_columns("realisations")) <= columns
    assert any("hele gemeente" in " ".join(map(str, row)) for row in explanation)
    status_book = openpyxl.load_workbook(tmp_path / "agreement_status.xlsx")
    texts = {str(c) for row in status_book["toelichting"].iter_rows(values_only=True) for c in row}
    assert {labels.t(f"status.{c}") for c in monitoring.STATUS_CODES} <= texts
    rows = status_book["agreement_status"].iter_rows(min_row=2, values_only=True)
    ids = [row[1] for row in rows if row[1] is not None]
    assert len(ids) == 48 and "2.10" in ids


def test_template_rows_follow_the_annex_projects_of_the_year():
    rows = monitoring.template_rows("realisations", 2025)
    projects = {
        (r["party"], r["project"])
        for r in rows
        if r["indicator"] == "social_new_builds" and r["project"]
    }
    plan = aa.load("new_builds_social").query("year == 2025")
    assert projects == set(zip(plan["corporation"].astype(str), plan["project"], strict=True))
    assert all(r["year"] == 2025 for r in rows)


def test_a_filled_csv_template_validates(tmp_path):
    monitoring.write_templates(tmp_path, 2024)
    path = tmp_path / "csv" / "realisations.csv"
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("year;indicator;party;project;value;source;note")
    text = text.replace("2024;homes_sold;Ons Huis;;;;", "2024;homes_sold;Ons Huis;;3;;", 1)
    path.write_text(text, encoding="utf-8-sig")
    assert monitoring.validate_paths([path]) == []


def test_overrides_template_has_dropdowns_targets_and_round_trips(tmp_path):
    monitoring.write_templates(tmp_path, 2025)
    path = tmp_path / "category_overrides.xlsx"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:2] == ["category_overrides", "toelichting"]
    assert "doelen" in workbook.sheetnames
    sheet = workbook["category_overrides"]
    header = [c.value for c in sheet[1]]
    assert header == list(monitoring.input_columns("category_overrides"))
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    letters = {str(v.sqref).split(":")[0][0] for v in lists}
    assert {"B", "D"} <= letters  # target_id and category
    texts = {str(c) for row in workbook["toelichting"].iter_rows(values_only=True) for c in row}
    assert {labels.t(f"category.{c}") for c in tracking.CATEGORIES} <= texts
    assert any("toelichting" in t.lower() for t in texts)
    targets = [row[0] for row in workbook["doelen"].iter_rows(min_row=2, values_only=True)]
    assert targets == aa.load("targets")["target_id"].tolist()
    assert monitoring.validate_paths([path]) == []  # nothing filled in: no overrides
    fill(
        path,
        {
            (2025, "skaeve_huse"): {
                "category": "Beperkte voortgang",
                "justification": "Locatie gevonden",
            }
        },
    )
    frame = monitoring.load_category_overrides(path)
    assert frame[["target_id", "category"]].values.tolist() == [["skaeve_huse", "limited_progress"]]
    assert (tmp_path / "csv" / "category_overrides.csv").exists()


def test_template_does_not_overwrite_without_force(tmp_path):
    monitoring.write_templates(tmp_path, 2025)
    assert main(["template", str(tmp_path), "--year", "2025"]) == 2
    assert main(["template", str(tmp_path), "--year", "2025", "--force"]) == 0


# --- The example data (fictitious) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    return monitoring.load_monitoring(EXAMPLE_MONITORING_DIR)


def test_example_data_says_everywhere_that_it_is_fictitious(example):
    assert "fictieve-cijfers" in EXAMPLE_MONITORING_DIR.name
    for frame in example:
        assert (frame["source"] == monitoring.EXAMPLE_SOURCE).all()
        assert monitoring.frame_is_fictitious(frame)
    readme = (EXAMPLE_MONITORING_DIR / "README.md").read_text(encoding="utf-8")
    assert "fictieve cijfers" in readme and "verzonnen" in readme
    assert main(["validate", str(EXAMPLE_MONITORING_DIR)]) == 0


def totals(realisations: pd.DataFrame, indicator: str, parties=None) -> dict[int, float]:
    rows = realisations[realisations["indicator"] == indicator]
    rows = rows[rows["party"].notna()] if parties is None else rows[rows["party"].isna()]
    return rows.groupby("year")["value"].sum().to_dict()


def test_example_totals_match_the_hand_arithmetic_in_its_readme(example):
    realisations = example.realisations
    assert totals(realisations, "social_new_builds") == {2024: 178, 2025: 197}
    assert totals(realisations, "social_new_builds", parties="none") == {2024: 200, 2025: 220}
    assert totals(realisations, "mid_rent_new_builds") == {2024: 0, 2025: 7}
    assert totals(realisations, "retrofits_label_b") == {2024: 1008, 2025: 2170}
    assert totals(realisations, "solar_panels_cumulative") == {2024: 10341, 2025: 11840}
    assert totals(realisations, "dwellings_total", parties="none") == {2024: 76300, 2025: 77000}
    assert totals(realisations, "social_rent_stock") == {2024: 19660, 2025: 19750}
    assert totals(realisations, "homes_sold") == {2024: 10, 2025: 12}
    assert totals(realisations, "short_stay_homes") == {2024: 30}
    solar_2023 = aa.load("solar_panels").query("end_of_year == 2023")["homes_cumulative"].sum()
    assert 11840 - solar_2023 == 2719


def test_example_new_builds_follow_annex_2_with_slips(example):
    realisations = example.realisations
    built = realisations[
        (realisations["indicator"] == "social_new_builds") & realisations["party"].notna()
    ]
    assert built["value"].sum() == 392 - 17
    rooster = built[built["project"] == "Het Rooster"].set_index("year")["value"]
    assert rooster.to_dict() == {2024: 0, 2025: 38}  # delivered a year late
    plan = aa.load("new_builds_social")
    annex_projects = set(plan["project"])
    assert set(built["project"].dropna()) <= annex_projects


def test_example_statuses_leave_some_agreements_out(example):
    statuses = example.agreement_status
    assert len(statuses) == 40 and set(statuses["year"]) == {2025}
    missing = set(aa.load("agreements")["agreement_id"]) - set(statuses["agreement_id"])
    assert missing == {"2.7", "2.11", "3.3", "3.9", "4.4", "5.7", "5.9", "5.12"}
    assert statuses["status"].value_counts().to_dict() == {
        "in_progress": 18,
        "achieved": 14,
        "delayed": 4,
        "not_started": 3,
        "dropped": 1,
    }


# --- The indicator registry, labels and docs ------------------------------------------------------


def test_registry_covers_every_target_and_each_target_is_listed_under_its_indicator():
    registry = monitoring.indicator_registry().set_index("indicator")
    for target in aa.load("targets").query("basis != 'milestone'").itertuples():  # no indicator
        assert target.indicator in registry.index, target.indicator
        assert target.target_id in registry.loc[target.indicator, "serves_targets"]
    required_inputs = {
        "social_new_builds",
        "mid_rent_new_builds",
        "retrofits_label_b",
        "solar_panels_cumulative",
        "dwellings_total",
        "social_rent_stock",
        "homes_sold",
    }
    assert required_inputs <= set(registry.index[registry["is_input"]])


def test_derived_indicators_name_their_inputs_and_the_method():
    registry = monitoring.indicator_registry().set_index("indicator")
    for indicator, info in registry.iterrows():
        if info["is_input"]:
            assert info["derived_from"] == [], indicator
        else:
            assert info["derived_from"] and info["description"].startswith("Derived:"), indicator
            assert all(registry.loc[d, "is_input"] for d in info["derived_from"]), indicator
    assert registry.loc["solar_panels_cumulative", "is_cumulative"]
    assert registry["is_cumulative"].sum() == 1
    assert set(registry.index[registry["has_project_detail"]]) == set(monitoring.PROJECT_PLANS)


def test_status_labels_exist_in_both_languages():
    for code in (*monitoring.STATUS_CODES, "no_information"):
        assert labels.t(f"status.{code}", "nl") and labels.t(f"status.{code}", "en")
    assert labels.t("status.no_information") == "geen informatie"
    assert labels.t("monitoring.no_realisations", "en") == "no realisation data supplied"


def test_docs_explain_every_input_column_indicator_and_status():
    text = (DOCS_DIR / "monitoring-input.md").read_text(encoding="utf-8")
    names = [
        *(name for table in monitoring.TABLE_NAMES for name in monitoring.input_columns(table)),
        *monitoring.input_indicators(),
        *monitoring.STATUS_CODES,
        *tracking.CATEGORIES,
    ]
    assert [n for n in names if f"`{n}`" not in text] == []
