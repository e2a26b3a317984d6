"""Hostile monitoring input (issue #13): bounded time and memory, no traceback, nothing silent.

Corpus: tests/data/hostile/monitoring/ (its README says what each file is). Large or odd cases
(a million rows, 50 MB, symbolic-link loops, unreadable files) are built here in tmp_path. Each
case goes through `afspraken validate`, `monitoring.load_monitoring` and `afspraken scenario run
--realisations`, and must give a message naming the file and the problem, never a traceback.
"""

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from afspraken_analysis import monitoring
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.monitoring import readers
from afspraken_analysis.paths import TESTS_DATA_DIR

HOSTILE_DIR = TESTS_DATA_DIR / "hostile" / "monitoring"
HEADER = "year,indicator,party,value\n"
ROW = "2024,homes_sold,Ons Huis,3\n"

# file: words of the message that names the problem
HOSTILE = {
    "realisations_utf16_without_bom.csv": "UTF-16 ('Unicode text') without a byte order mark",
    "realisations_zip_bytes.csv": "a zip archive (an Excel workbook?), not CSV text",
    "realisations_binary_bytes.csv": "binary bytes (NUL), not CSV text",
    "realisations_400_digits.csv": "has 400 digits, more than the 15",
    "realisations_arabic_indic_year.csv": "is not a year: it has digits other than 0-9",
    "realisations_fullwidth_digit.csv": "is not a number: it has digits other than 0-9 (３)",
    "realisations_cell_too_long.csv": "the cell holds 3,000 characters, more than 2,000",
    "realisations_too_many_columns.csv": "the header has more than 50 columns",
    "realisations_chart_sheet.xlsx": "sheet 'realisations' is a chart sheet",
    "realisations_stray_far_cell.xlsx": "row 1048576, column 'XFD (no header)'",
    "realisations_far_header_cell.xlsx": "the header reaches column XFD",
}
VALID = {"realisations_far_formatting_only.xlsx"}


def run(argv: list[str], capsys) -> tuple[int, str]:
    """The command in English (--lang en): the words below are the English texts."""
    code = main(["--lang", "en", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_refused_everywhere(path: Path, words: str, tmp_path: Path, capsys) -> None:
    """validate, load_monitoring and scenario run each refuse the file, naming it and the problem."""
    code, out = run(["validate", str(path)], capsys)
    assert code != 0 and path.name in out and words in out, out
    assert "Traceback" not in out
    directory = tmp_path / "monitoring"
    directory.mkdir(exist_ok=True)
    shutil.copy(path, directory / f"realisations{path.suffix}")
    with pytest.raises(UserError) as info:
        monitoring.load_monitoring(directory)
    shown = info.value.render("en")
    assert words in shown and "realisations" in shown
    out_csv = tmp_path / "scenario.csv"
    code, out = run(
        ["scenario", "run", "--realisations", str(directory), "--out", str(out_csv)], capsys
    )
    assert code == 2 and out.startswith("error: ") and words in out, out
    assert "Traceback" not in out and not out_csv.exists()


def test_the_hostile_corpus_is_complete_and_each_file_is_described():
    files = {p.name for p in HOSTILE_DIR.iterdir()} - {"README.md"}
    assert files == set(HOSTILE) | VALID
    readme = (HOSTILE_DIR / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in files)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_refused_with_file_and_problem_named(name, tmp_path, capsys):
    assert_refused_everywhere(HOSTILE_DIR / name, HOSTILE[name], tmp_path, capsys)


def test_formatting_alone_at_the_far_corner_of_a_sheet_is_no_problem():
    frame = monitoring.load_realisations(HOSTILE_DIR / "realisations_far_formatting_only.xlsx")
    assert frame[["year", "indicator", "value"]].values.tolist() == [[2024, "homes_sold", 3.0]]


# --- Bounds ----------------------------------------------------------------------------------


def test_a_million_duplicate_rows_are_refused_at_the_row_bound(tmp_path, capsys):
    path = tmp_path / "realisations.csv"
    path.write_text(HEADER + ROW * 1_000_000, encoding="utf-8")
    assert_refused_everywhere(path, "the file has more than 100,000 rows", tmp_path, capsys)


def test_the_problem_list_is_capped_per_file_and_counted_per_kind(tmp_path, capsys):
    path = tmp_path / "realisations.csv"
    path.write_text(HEADER + ROW * 5_000, encoding="utf-8")
    code, out = run(["validate", str(path)], capsys)
    lines = out.splitlines()
    assert code == 1 and "4999 problems found" in out
    assert len(lines) == monitoring.load.MAX_PROBLEMS_PER_FILE + 2  # + the rest + the count
    assert lines[0].endswith(
        "row 3, column 'value': a second row for the same year, indicator, "
        "party and project as row 2 — keep one of the two rows"
    )
    assert "… and 4799 more problems of the same kind, the first in row 203" in lines[-2]
    with pytest.raises(UserError, match="^4999 problemen in de monitoringinvoer") as info:
        monitoring.load_realisations(path)
    assert info.value.render("en").startswith("4999 problems in the monitoring input")
    assert len(str(info.value).splitlines()) == monitoring.load.MAX_PROBLEMS_PER_FILE + 2


def test_problems_of_different_kinds_beyond_the_cap_are_each_counted(tmp_path):
    negative, early = "2024,homes_sold,Ons Huis,-1\n", "1999,homes_sold,Ons Huis,3\n"
    path = tmp_path / "realisations.csv"
    path.write_text(HEADER + negative * 205 + early * 3 + ROW * 2, encoding="utf-8")
    problems = monitoring.validate_paths([path])
    listed, rest = problems[:200], [p.render("en") for p in problems[200:]]
    assert all(p.message.render("en") == "negative value -1" for p in listed)
    assert len(rest) == 3, rest
    assert (
        "column 'value': … and 5 more problems of the same kind, the first in row 202: " in rest[0]
    )
    assert "never negative" in rest[0]
    assert (
        "column 'year': … and 3 more problems of the same kind, the first in row 207: " in rest[1]
    )
    assert "year 1999 is outside 2000-2050" in rest[1]
    assert "… and 1 more problem of the same kind, the first in row 211: a second row" in rest[2]


def test_a_file_above_the_byte_bound_is_refused_unread(tmp_path, capsys):
    path = tmp_path / "realisations.csv"
    with path.open("wb") as file:  # sparse: takes no disk space
        file.truncate(readers.MAX_BYTES + 1)
    words = "the file has 50,000,001 bytes, more than 50,000,000"
    assert_refused_everywhere(path, words, tmp_path, capsys)


def test_a_cell_beyond_the_csv_field_limit_is_named_as_too_long(tmp_path, capsys):
    path = tmp_path / "realisations.csv"
    path.write_text(HEADER + '2024,homes_sold,Ons Huis,"' + "9" * 200_000 + '"\n')
    assert_refused_everywhere(path, "a cell is longer than 131,072 characters", tmp_path, capsys)


@pytest.fixture
def stray_cell_workbook(tmp_path) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "realisations"
    worksheet.append(HEADER.strip().split(","))
    for year in range(2000, 2060):
        worksheet.append([year, "homes_sold", "Ons Huis", 3])
    worksheet["XFD100"] = "x"
    path = tmp_path / "source" / "realisations.xlsx"
    path.parent.mkdir()
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("bound", "value", "words"),
    [
        ("MAX_ROWS", 50, "the sheet has more than 50 rows with values"),
        ("MAX_UNPACKED_BYTES", 1_000, "more than 1,000 bytes unpacked"),
        ("_MAX_SCANNED_CELLS", 10_000, "the sheet is too large to read"),
    ],
)
def test_each_xlsx_bound_refuses_the_workbook(
    bound, value, words, stray_cell_workbook, monkeypatch, tmp_path, capsys
):
    # the real bounds take a workbook of 100.000 rows or 500 MB; lowered here to keep it fast
    monkeypatch.setattr(readers, bound, value)
    assert_refused_everywhere(stray_cell_workbook, words, tmp_path, capsys)


# --- Paths that are not readable files ---------------------------------------------------------


def _loop(directory: Path) -> Path:
    link = directory / "realisations.csv"
    link.symlink_to(link.name)
    return link


def _missing_target(directory: Path) -> Path:
    link = directory / "realisations.csv"
    link.symlink_to(directory / "elsewhere.csv")
    return link


def _directory(directory: Path) -> Path:
    (directory / "realisations.xlsx").mkdir()
    return directory / "realisations.xlsx"


def _fifo(directory: Path) -> Path:
    os.mkfifo(directory / "agreement_status.csv")
    return directory / "agreement_status.csv"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_loop, "a symbolic link that leads nowhere"),
        (_missing_target, "a symbolic link that leads nowhere"),
        (_directory, "a directory, not a file"),
        (_fifo, "not a regular file"),
    ],
)
def test_a_monitoring_name_that_is_not_a_file_is_named_not_passed_over(
    make, words, tmp_path, capsys
):
    directory = tmp_path / "monitoring"
    directory.mkdir()
    odd = make(directory)
    (directory / "category_overrides.csv").write_text(
        "year,target_id,party,category,justification\n", encoding="utf-8"
    )
    given = [directory] if odd.is_dir() else [directory, odd]  # a directory given is read as one
    for argv in (["validate", str(path)] for path in given):
        code, out = run(argv, capsys)
        assert code == 1 and f"{odd.name}: {words}" in out and "Traceback" not in out, out
    with pytest.raises(UserError) as info:
        monitoring.load_monitoring(directory)
    assert words in info.value.render("en")


def test_a_path_that_cannot_be_reached_is_named(tmp_path, capsys):
    path = tmp_path / ("x" * 300 + ".csv")  # longer than a file name may be
    code, out = run(["validate", str(path)], capsys)
    assert code == 1 and "the file cannot be reached (the name is too long)" in out, out
    code, out = run(["scenario", "run", "--realisations", str(path), "--out", "x.csv"], capsys)
    assert code == 2 and "cannot be reached" in out and "Traceback" not in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_an_unreadable_file_is_named(tmp_path, capsys):
    path = tmp_path / "realisations.csv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    path.chmod(0)
    words = "the file cannot be read (permission denied"
    code, out = run(["validate", str(tmp_path)], capsys)
    assert code == 1 and f"{path.name}: {words}" in out and "Traceback" not in out, out
    with pytest.raises(UserError) as info:
        monitoring.load_monitoring(tmp_path)
    assert words in info.value.render("en")
