"""The monitoring wing speaks the user's language: every problem, hint and error of the monitoring
input (and of the user's files) is a label in labels.csv, Dutch by default and English with
--lang en, rendered where it is shown (afspraken_analysis.labels.Text)."""

import re
import string
from pathlib import Path

import pytest

from afspraken_analysis import labels, monitoring
from afspraken_analysis.cli import main
from afspraken_analysis.labels import Text
from afspraken_analysis.paths import PACKAGE_DIR, TESTS_DATA_DIR

PREFIXES = ("mon.", "files.")
KEYS = sorted(k for k in labels._table() if k.startswith(PREFIXES))
# texts that are the same in both languages: none so far (file names and codes sit in fields)
SAME_IN_BOTH: set[str] = set()
INPUTS = sorted(
    p
    for directory in (TESTS_DATA_DIR / "hostile" / "monitoring", TESTS_DATA_DIR / "malformed")
    for p in directory.iterdir()
    if p.name not in ("README.md", "realisations_far_formatting_only.xlsx")  # that one is valid
)
# English words that no Dutch problem line may hold outside the quoted values and the column
# names (year, value, note, … are the file's own headers and stay as they are)
ENGLISH = re.compile(
    r"\b(the|is not|cannot|must|should|unknown|row|column|file|empty|missing|number|"
    r"more than|write|fill in|choose|give|leave|check|save it)\b"
)


def _fields(text: str) -> dict[str, str]:
    """Placeholder name → its format spec, e.g. {'n': 'plural:rij|rijen', 'row': ''}."""
    return {name: spec or "" for _, name, spec, _ in string.Formatter().parse(text) if name}


def _sample(fields: dict[str, str]) -> dict:
    return {
        name: 2 if spec or name in ("n", "cells") else f"<{name}>" for name, spec in fields.items()
    }


def test_there_is_a_block_of_monitoring_labels():
    assert len(KEYS) > 150


@pytest.mark.parametrize("key", KEYS)
def test_each_message_renders_in_both_languages_with_the_same_fields(key):
    row = labels._table()[key]
    assert _fields(row["nl"]).keys() == _fields(row["en"]).keys(), key
    fields = _sample(_fields(row["nl"]) | _fields(row["en"]))
    nl, en = (Text(key, **fields).render(lang) for lang in ("nl", "en"))
    for text in (nl, en):
        assert text.strip() and "{" not in text and "}" not in text, text
        assert all(str(v) in text for v in fields.values() if isinstance(v, str)), text
    assert (nl == en) == (key in SAME_IN_BOTH), (nl, en)


def test_plurals_and_dutch_number_forms():
    one = Text("mon.problem.row_cells", cells=1, width=4)
    assert one.render("nl") == "de rij heeft 1 cel, de kopregel 4"
    assert one.render("en") == "the row has 1 cell, the header 4"
    big = Text("mon.problem.too_many_bytes", size=50_000_001, max=50_000_000)
    assert big.render("nl") == "het bestand heeft 50.000.001 bytes, meer dan 50.000.000"
    assert big.render("en") == "the file has 50,000,001 bytes, more than 50,000,000"
    half = Text("mon.problem.not_whole", value=7.5, unit=Text("mon.unit.homes"))
    assert half.render("nl") == "7,5 is geen heel aantal woningen"
    assert half.render("en") == "7.5 is not a whole number of homes"
    year = Text("mon.problem.year_out_of_range", year=1999, first=2000, last=2050)
    assert year.render("nl") == "jaar 1999 ligt buiten 2000-2050"  # years are never grouped
    assert str(year) == year.render("nl")


def test_every_key_the_code_names_is_in_labels_csv():
    named = set()
    for path in [*PACKAGE_DIR.glob("monitoring/*.py"), PACKAGE_DIR / "userfiles.py"]:
        named |= set(re.findall(r'"((?:mon|files)\.[a-z0-9_.]+)"', path.read_text("utf-8")))
    prefixes = set()
    for path in PACKAGE_DIR.glob("monitoring/*.py"):
        prefixes |= set(re.findall(r'f"((?:mon|files)\.[a-z0-9_.]+)\{', path.read_text("utf-8")))
    assert named and prefixes
    assert named <= set(KEYS), named - set(KEYS)
    assert all(any(k.startswith(p) for k in KEYS) for p in prefixes), prefixes


def _dutch_lines(out: str) -> list[str]:
    """The problem lines' text after 'path, rij n, kolom 'c': ' with quoted values taken out."""
    lines = []
    for line in out.splitlines():
        text = line.split(": ", 1)[1] if ": " in line else line
        lines.append(re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\.csv[^)]*\)", "…", text))
    return lines


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_validate_in_dutch_shows_no_english_problem_text(path: Path, capsys, monkeypatch):
    monkeypatch.delenv(labels.LANG_ENV, raising=False)
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    problems = monitoring.validate_paths([path])
    assert captured.out.splitlines() == [p.render("nl") for p in problems]
    assert "rij " in captured.out or "kolom " in captured.out or problems[0].row is None
    for line in _dutch_lines(captured.out):
        assert not ENGLISH.search(line), line
    assert captured.err.strip().endswith(("probleem gevonden", "problemen gevonden"))
    assert main(["--lang", "en", "validate", str(path)]) == 1
    english = capsys.readouterr().out
    assert english.splitlines() == [p.render("en") for p in problems]
    assert english != captured.out


def test_a_report_on_bad_monitoring_input_says_so_in_the_users_language(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv(labels.LANG_ENV, raising=False)
    bad = tmp_path / "monitoring"
    bad.mkdir()
    source = TESTS_DATA_DIR / "malformed" / "realisations_negative_count.csv"
    (bad / "realisations.csv").write_bytes(source.read_bytes())
    argv = ["report", "--year", "2025", "--monitoring", str(bad), "--out", str(tmp_path / "r")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fout: 1 probleem in de monitoringinvoer:\n")
    assert "rij 2, kolom 'value': negatieve waarde -5 — realisaties zijn aantallen" in err
    assert main(["--lang", "en", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 1 problem in the monitoring input:\n")
    assert "row 2, column 'value': negative value -5 — realisations are counts" in err
    assert not (tmp_path / "r").exists()
