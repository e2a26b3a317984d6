"""Hostile input on the command line (issue #13): every case in tests/data/hostile/scenarios/ and a
few made here exits non-zero with one line naming the file and the problem, never a traceback."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from afspraken_analysis import cli, data, labels, yamlfile
from afspraken_analysis.cli import main
from afspraken_analysis.paths import TESTS_DATA_DIR
from afspraken_analysis.scenarios import monte_carlo
from afspraken_analysis.scenarios.config import FLOW_KEYS
from afspraken_analysis.scenarios.projection import MAX_RUNS

CORPUS = TESTS_DATA_DIR / "hostile" / "scenarios"


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """The messages asserted below are the English ones (AFSPRAKEN_LANG=en), except where a test
    asks for the default, Dutch."""
    monkeypatch.setenv(labels.LANG_ENV, "en")


def _run(capsys, argv: list[str]) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, text


# (file, scenario, what an English message says, what the Dutch one says)
SCENARIO_CASES = [
    (
        "alias_bomb.yml",
        "x",
        ["alias_bomb.yml, line 2, column 8: not valid YAML: alias *a is not allowed"],
        ["alias_bomb.yml, regel 2, kolom 8: geen geldige YAML: alias *a is niet toegestaan"],
    ),
    (
        "deep_nesting.yml",
        "x",
        ["deep_nesting.yml, line 5", "nested more than 50 levels"],
        ["deep_nesting.yml, regel 5", "meer dan 50 niveaus diep genest"],
    ),
    (
        "duplicate_key.yml",
        "x",
        ["duplicate_key.yml, line 6", "duplicate key 'sales_per_year'"],
        ["duplicate_key.yml, regel 6", "dubbele sleutel 'sales_per_year'"],
    ),
    (
        "extends_a_list.yml",
        "x",
        ["extends_a_list.yml", "extends must be a scenario name"],
        ["extends_a_list.yml", "extends moet de naam van een scenario zijn"],
    ),
    (
        "huge_additions.yml",
        "x",
        ["huge_additions.yml", "additions_total_per_year: 1e+308 is too"],
        ["huge_additions.yml", "additions_total_per_year: 1e+308 is te groot"],
    ),
    (
        "huge_sd.yml",
        "x",
        ["huge_sd.yml", "sd: 1e+308 is too large; allowed is 0 to 10,000,000"],
        ["huge_sd.yml", "sd: 1e+308 is te groot; toegestaan is 0 tot en met 10.000.000"],
    ),
    (
        "is_a_directory.yml",
        "x",
        ["is_a_directory.yml: scenario file is a directory"],
        ["is_a_directory.yml: scenariobestand is een map; geef een bestand"],
    ),
    (
        "latin1.yml",
        "x",
        ["latin1.yml: scenario file is not UTF-8 text (byte 0xE9 on line 3)"],
        ["latin1.yml: scenariobestand is geen UTF-8-tekst (byte 0xE9 op regel 3)"],
    ),
    (
        "long_extends_chain.yml",
        "s3000",
        ["chain of 'extends' is longer than 50"],
        ["de keten van 'extends' is langer dan 50"],
    ),
    (
        "year_far_away.yml",
        "x",
        ["year_far_away.yml", "base_year: -1000000000 is outside"],
        ["year_far_away.yml", "base_year: -1000000000 ligt buiten de jaren"],
    ),
]


# `scenario list` refuses the file itself (YAML, encoding, entry shape), not a scenario's values
LIST_FAILS = {c[0] for c in SCENARIO_CASES[:4]} | {"is_a_directory.yml", "latin1.yml"}


@pytest.mark.parametrize(
    ("name", "scenario", "english", "dutch"), SCENARIO_CASES, ids=lambda c: str(c)
)
@pytest.mark.parametrize("command", ["run", "solve", "list"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_scenario_file_cases(
    capsys, tmp_path, monkeypatch, lang, command, name, scenario, english, dutch
):
    """Dutch by default (no --lang, no $AFSPRAKEN_LANG), English with --lang en."""
    monkeypatch.delenv(labels.LANG_ENV)
    argv = ["--lang", "en"] if lang == "en" else []
    argv += ["scenario", command, "--file", CORPUS / name]
    if command != "list":
        argv += ["--scenario", scenario]
    if command == "run":
        argv += ["--runs", 11, "--out", tmp_path / "out.csv"]
    if command == "solve":
        argv += ["--target-share", 30, "--by", 2030]
    code, text = _run(capsys, argv)
    if command == "list" and name not in LIST_FAILS:
        assert code == 0  # listing reads the file but builds no scenario: its parameters are fine
        return
    assert code == 2, text
    assert text.startswith("error: " if lang == "en" else "fout: ")
    for part in english if lang == "en" else dutch:
        assert part in text, text
    assert len(text) < 600  # one short line, never the expanded value
    assert not (tmp_path / "out.csv").exists()


PARAMS_CASES = [
    ("params_alias_bomb.yml", "line 2, column 8: not valid YAML: alias *a is not allowed"),
    ("params_duplicate_year.yml", "line 2, column 1: not valid YAML: duplicate key 'year'"),
    ("params_latin1.yml", "parameter file is not UTF-8 text (byte 0xE9 on line 1)"),
    (
        "params_no_such_date.yml",
        "line 2, column 7: not valid YAML: 2024-02-30 is not a date that exists",
    ),
    ("is_a_directory.yml", "parameter file is a directory; give a file"),
]


@pytest.mark.parametrize(("name", "expected"), PARAMS_CASES)
def test_report_params_cases(capsys, tmp_path, name, expected):
    code, text = _run(capsys, ["report", "--params", CORPUS / name, "--out", tmp_path / "r"])
    assert code == 2, text
    assert f"{name}" in text and expected in text
    assert not (tmp_path / "r").exists()


SET_CASES = [
    ("sales_per_year=[&a [1, 2], *a, *a]", "--set 'sales_per_year', line 1", "alias *a"),
    ("sales_per_year={a: 1, a: 2}", "--set 'sales_per_year'", "duplicate key 'a'"),
    ("sales_per_year=2025-13-01", "--set 'sales_per_year'", "2025-13-01 is not a date that exists"),
    ("sales_per_year=" + "[" * 20000 + "]" * 20000, "--set", "nested more than 50 levels"),
    ("additions_total_per_year=1e308", "additions_total_per_year", "is too large"),
    (
        "uncertainty.sales_per_year={distribution: normal, mean: 20, sd: 1.0e+308}",
        "sd",
        "too large",
    ),
    ("sales_per_year=" + "x" * 5000, "sales_per_year", "is not a valid flow"),
]


@pytest.mark.parametrize(("value", "where", "problem"), SET_CASES)
def test_set_cases(capsys, tmp_path, value, where, problem):
    code, text = _run(capsys, ["scenario", "run", "--set", value, "--out", tmp_path / "o.csv"])
    assert code == 2, text
    assert where in text and problem in text
    assert len(text) < 600


@pytest.mark.parametrize("runs", [0, -3, MAX_RUNS + 1, 100_000_000])
def test_runs_out_of_range_are_refused(capsys, tmp_path, runs):
    code, text = _run(capsys, ["scenario", "run", "--runs", runs, "--out", tmp_path / "o.csv"])
    assert code == 2
    assert f"runs: {runs} is not a whole number from 1 to 1,000,000" in text


@pytest.mark.parametrize("runs", [11, 22, 39, 44])
def test_chances_never_exceed_100_pct(capsys, tmp_path, runs):
    # these run counts made count × (100 / runs) come out at 100.00000000000001
    out = tmp_path / "o.csv"
    code, text = _run(capsys, ["scenario", "run", "--runs", runs, "--seed", 1, "--out", out])
    assert code == 0, text
    assert "MB of memory" in text
    # >= 20 %: every run's start share (24,6-25,9 %) is above it, so count == runs is hit
    df = monte_carlo("afspraken", runs=runs, seed=1, thresholds=(20, 30))
    chances = df.filter(like="chance_")
    assert (chances <= 100).all().all()
    assert chances.isin([100.0]).any().any()  # the full-chance case is really hit
    assert out.read_text(encoding="utf-8").count("\n") == len(df) + 1


def test_out_problems(capsys, tmp_path):
    cases = [
        (tmp_path / "missing" / "o.csv", "does not exist; create it first"),
        (tmp_path, "is a directory; give a file name"),
    ]
    for out, problem in cases:
        code, text = _run(capsys, ["scenario", "run", "--out", out])
        assert code == 2
        assert str(out) in text and problem in text


def test_file_problems_made_here(capsys, tmp_path):
    big = tmp_path / "big.yml"
    big.write_text("scenarios: {}\n" + "#" * (yamlfile.MAX_BYTES + 10) + "\n", encoding="utf-8")
    loop = tmp_path / "loop.yml"
    loop.symlink_to(tmp_path / "loop.yml")
    cases = [
        (big, "is 1,000,025 bytes; the maximum is 1,000,000 bytes"),
        (loop, "symbolic link loop"),
        (tmp_path / "missing.yml", "not found"),
    ]
    for path, problem in cases:
        for argv in (["scenario", "list", "--file", path], ["report", "--params", path]):
            code, text = _run(capsys, argv)
            assert code == 2
            assert str(path) in text and problem in text


def test_output_directories_must_be_directories(capsys, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a directory\n", encoding="utf-8")
    for argv in (["template", a_file, "--year", 2025], ["data", "export", a_file]):
        code, text = _run(capsys, argv)
        assert code == 2
        assert f"{a_file}: is a file, not a directory" in text
    assert a_file.read_text(encoding="utf-8") == "not a directory\n"


def test_data_export_keeps_foreign_files(capsys, tmp_path):
    foreign = tmp_path / "agreements.csv"
    foreign.write_text("mine\n", encoding="utf-8")
    code, text = _run(capsys, ["data", "export", tmp_path])
    assert code == 2
    assert "agreements.csv exists already and was not written by an earlier export" in text
    assert foreign.read_text(encoding="utf-8") == "mine\n"
    again = tmp_path / "again"
    assert _run(capsys, ["data", "export", again])[0] == 0
    assert _run(capsys, ["data", "export", again])[0] == 0  # its own earlier export


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only directory")
def test_read_only_directories(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        for argv in (
            ["template", locked / "t", "--year", 2025],
            ["data", "export", locked],
            ["scenario", "run", "--out", locked / "o.csv"],
        ):
            code, text = _run(capsys, argv)
            assert code == 2
            assert "read-only" in text
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("place", ["/proc/afspraken-test", "/sys/afspraken-test"])
def test_places_nobody_may_write(capsys, place):
    """Even root cannot write under /proc or /sys: one line naming the path, exit 2."""
    for argv in (
        ["template", place, "--year", 2025],
        ["data", "export", place],
        ["scenario", "run", "--out", f"{place}/o.csv"],
    ):
        code, text = _run(capsys, argv)
        assert code == 2, argv
        assert place in text
        assert "Traceback" not in text


def test_internal_error_writes_the_traceback_to_a_file(capsys, tmp_path, monkeypatch):
    def broken(args):
        raise RuntimeError("something the code did not foresee")

    monkeypatch.setattr(cli.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(data, "_cmd_list", broken)  # bound when the parser is built
    code, text = _run(capsys, ["data", "list"])
    assert code == 3
    written = list(tmp_path.glob("afspraken-traceback-*.txt"))
    assert len(written) == 1
    assert str(written[0]) in text
    assert "RuntimeError: something the code did not foresee" in text
    assert "Traceback" in written[0].read_text(encoding="utf-8")


def test_the_corpus_has_a_line_per_case():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    names = sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md")
    assert names
    for name in names:
        assert f"`{name}" in readme, name
    assert {c[0] for c in SCENARIO_CASES} | {c[0] for c in PARAMS_CASES} == set(names)


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("symlinks and permissions differ on Windows")


def test_share_never_exceeds_100_pct_by_rounding():
    from afspraken_analysis.scenarios.model import _accumulate

    stocks = np.random.default_rng(1).uniform(1, 1e7, 1000)
    hit = stocks[stocks * 100.0 / stocks > 100]  # 100 × s / s rounds above 100 for these
    assert len(hit)
    no_flows = {key: np.zeros((0, len(hit))) for key in FLOW_KEYS}
    _, _, share = _accumulate(hit, hit, no_flows, 1.0, 1.0, 0, len(hit))
    assert share.max() == 100.0
