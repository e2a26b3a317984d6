"""Everyday use (issue #12 item 5): paths in notebooks, the CLI's language, scenario files and
results, CSVs for people, the walkthrough's monitoring folder."""

from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest

from afspraken_analysis import labels, spreadsheet
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR, NOTEBOOKS_DIR, ROOT
from afspraken_analysis.report import params
from afspraken_analysis.scenarios import project, resolve, scenario


def _notebook_namespace(**values) -> dict:
    """What a notebook's globals hold after its parameters cell, as JupyterLab runs it."""
    annotations = {"year": int, "monitoring": str, "lang": str}
    namespace = {"year": 2025, "monitoring": "", "lang": "nl", **values}
    return {**namespace, "__annotations__": annotations, "In": []}


def test_a_notebook_in_jupyterlab_finds_a_relative_monitoring_dir_from_the_project_root(
    monkeypatch,
):
    monkeypatch.chdir(NOTEBOOKS_DIR)  # where a JupyterLab kernel runs
    relative = EXAMPLE_MONITORING_DIR.relative_to(ROOT)
    p = params.check(_notebook_namespace(monitoring=str(relative)))
    assert p.monitoring == EXAMPLE_MONITORING_DIR.resolve()
    assert p.is_example


def test_a_missing_relative_dir_in_a_notebook_names_where_it_was_looked_for(monkeypatch):
    monkeypatch.chdir(NOTEBOOKS_DIR)
    with pytest.raises(UserError) as err:
        params.check(_notebook_namespace(monitoring="mijn-monitor-bestaat-niet"))
    assert f"looked for {ROOT / 'mijn-monitor-bestaat-niet'}" in err.value.render("en")


def test_the_command_line_resolves_relative_paths_from_the_working_directory(monkeypatch):
    monkeypatch.chdir(EXAMPLE_MONITORING_DIR.parent)
    p = params.validate({"monitoring": EXAMPLE_MONITORING_DIR.name})
    assert p.monitoring == EXAMPLE_MONITORING_DIR.resolve()


def test_the_readme_walkthrough_monitoring_folder_is_ignored_by_git():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "afspraken template mijn-monitor" in readme
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "mijn-monitor/realisations.xlsx"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode == 128:
        pytest.skip(f"not a git checkout: {result.stderr.strip()}")
    assert result.returncode == 0, "mijn-monitor/ is not ignored by git"


BROKEN_SCENARIOS = """\
scenarios:
  mijn:
    description: three mistakes at once
    parameters:
      sales_per_yaer: 20
      additions_social_per_year: woondel
    uncertainty:
      sales_per_year: {distribution: triangle, low: 10, mode: 20, high: 30}
  ander:
    description: and one in another scenario
    parameters:
      horizon_year: 2099
"""


def test_every_problem_in_a_scenario_file_is_reported_at_once(tmp_path):
    path = tmp_path / "mijn.yml"
    path.write_text(BROKEN_SCENARIOS, encoding="utf-8")
    with pytest.raises(UserError) as err:
        scenario("mijn", files=[path])
    text = err.value.render("en")
    lines = text.splitlines()
    assert lines[0] == "4 problems in the scenario input:"
    assert "unknown parameter 'sales_per_yaer' (did you mean 'sales_per_year'?)" in text
    assert "'woondel' is not a valid flow (did you mean 'woondeal'?)" in text
    assert "unknown distribution 'triangle' (did you mean 'triangular'?)" in text
    assert "scenario 'ander', horizon_year: 2099 is after 2040" in text
    assert all(str(path) in line for line in lines[1:])


def test_a_misspelt_scenario_name_gets_a_suggestion(capsys, monkeypatch):
    monkeypatch.delenv(labels.LANG_ENV, raising=False)
    code = main(["scenario", "run", "--scenario", "vertragin"])
    err = capsys.readouterr().err
    assert code == 2
    assert "fout: onbekend scenario 'vertragin' (bedoel je 'vertraging'?)" in err
    code = main(["--lang", "en", "scenario", "run", "--scenario", "vertragin"])
    err = capsys.readouterr().err
    assert "error: unknown scenario 'vertragin' (did you mean 'vertraging'?)" in err


def _out(capsys, argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_scenario_run_without_out_prints_its_table(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = _out(capsys, ["scenario", "run"])
    assert code == 0
    projection = project(resolve(scenario()))
    last = projection.iloc[-1]
    row = next(line for line in out.splitlines() if line.startswith(str(int(last["year"]))))
    assert f"{last['social_rent_share_pct']:.1f}" in row.split()
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_automatic_seed_is_short_printed_and_repeats_the_run(capsys, tmp_path):
    args = ["scenario", "run", "--scenario", "vertraging", "--runs", 300]
    code, out, _ = _out(capsys, [*args, "--out", tmp_path / "a.csv"])
    assert code == 0
    seed = re.search(r"seed (\d+) \(herhaal met --seed \1\)", out).group(1)
    assert len(seed) <= 6
    code, out, _ = _out(capsys, [*args, "--seed", seed, "--out", tmp_path / "b.csv"])
    assert code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_scenario_run_refuses_to_overwrite_a_file_unless_asked(capsys, tmp_path):
    mine = tmp_path / "mijn.csv"
    mine.write_text("my own numbers\n", encoding="utf-8")
    code, _, err = _out(capsys, ["scenario", "run", "--out", mine])
    assert code == 2
    assert "bestaat al; er is niets geschreven" in err and "--overwrite" in err
    assert mine.read_text(encoding="utf-8") == "my own numbers\n"
    assert not (tmp_path / "mijn.excel.csv").exists()
    code, _, _ = _out(capsys, ["scenario", "run", "--out", mine, "--overwrite"])
    assert code == 0
    assert mine.read_text(encoding="utf-8").startswith("year,dwellings_total")


def test_the_people_csv_holds_the_same_numbers_rounded_with_a_decimal_comma(capsys, tmp_path):
    out = tmp_path / "s.csv"
    assert _out(capsys, ["scenario", "run", "--runs", 200, "--seed", 7, "--out", out])[0] == 0
    machine = pd.read_csv(out)
    raw = (tmp_path / "s.excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    people = pd.read_csv(tmp_path / "s.excel.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert list(people.columns) == list(machine.columns)
    share = "social_rent_share_pct_p50"
    assert (people[share] - machine[share]).abs().max() <= 0.05 + 1e-9  # one decimal
    assert people[share].map(lambda v: round(v, 1) == v).all()
    assert (people["year"] == machine["year"]).all()
    assert "," in raw.decode("utf-8-sig").splitlines()[1]  # a decimal comma, not a point


def test_people_csv_neutralises_formulas_and_leaves_numbers_alone(tmp_path):
    frame = pd.DataFrame(
        {"text": ["=HYPERLINK(1)", "-3 woningen", "gewoon"], "gap": [-1.5, 2.25, None]}
    )
    path = tmp_path / "t.csv"
    spreadsheet.write_people_csv(frame, path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["text;gap", "'=HYPERLINK(1);-1,50", "'-3 woningen;2,25", "gewoon;"]


def test_plurals_follow_the_count_in_both_languages():
    one = labels.t("report.corporation.initiative", "nl", n=1, statuses="x")
    assert "bij 1 afspraak (" in one
    assert "bij 2 afspraken (" in labels.t("report.corporation.initiative", "nl", n=2, statuses="x")
    fields = {"year": 2025, "targets": 1, "agreements": 1, "attention": 0, "no_data": 0}
    assert "Bereikt: 1 doel;" in labels.t("report.summary.lead", "nl", achieved=1, **fields)
    assert "Achieved: 1 target;" in labels.t("report.summary.lead", "en", achieved=1, **fields)
    assert "Bereikt: 0 doelen;" in labels.t("report.summary.lead", "nl", achieved=0, **fields)


def _validate_output(capsys, argv, monkeypatch, env=None) -> tuple[str, str]:
    if env is None:
        monkeypatch.delenv(labels.LANG_ENV, raising=False)
    else:
        monkeypatch.setenv(labels.LANG_ENV, env)
    main([str(a) for a in argv])
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_the_command_line_speaks_dutch_by_default_and_english_on_request(
    capsys, tmp_path, monkeypatch
):
    good = EXAMPLE_MONITORING_DIR / "category_overrides.csv"
    out, _ = _validate_output(capsys, ["validate", good], monkeypatch)
    assert "(category_overrides, 1 rij)" in out
    out, _ = _validate_output(capsys, ["--lang", "en", "validate", good], monkeypatch)
    assert "(category_overrides, 1 row)" in out
    out, _ = _validate_output(capsys, ["validate", good], monkeypatch, env="en")
    assert "(category_overrides, 1 row)" in out
    missing = tmp_path / "realisations.csv"
    _, err = _validate_output(capsys, ["validate", missing], monkeypatch)
    assert err.strip().endswith("1 probleem gevonden")
    _, err = _validate_output(
        capsys, ["--lang", "en", "scenario", "run", "--scenario", "x"], monkeypatch
    )
    assert err.startswith("error: unknown scenario 'x'")
    _, err = _validate_output(capsys, ["scenario", "run", "--scenario", "x"], monkeypatch)
    assert err.startswith("fout: onbekend scenario 'x'")


def test_an_unknown_language_in_the_environment_is_refused(capsys, monkeypatch):
    monkeypatch.setenv(labels.LANG_ENV, "de")
    assert main(["scenario", "list"]) == 2
    assert "AFSPRAKEN_LANG='de': choose one of nl, en" in capsys.readouterr().err


def test_a_report_table_gets_its_people_csv_in_excel_beside_it(tmp_path):
    from afspraken_analysis.report import blocks

    frame = pd.DataFrame({"year": [2024, 2025], "share_pct": [25.349, 26.0]})
    blocks.write_csv(frame, tmp_path / "tables" / "aandeel.csv", people=True)
    machine = (tmp_path / "tables" / "aandeel.csv").read_text(encoding="utf-8")
    people = (tmp_path / "tables" / "excel" / "aandeel.csv").read_text(encoding="utf-8-sig")
    assert machine.splitlines()[1] == "2024,25.349"
    assert people.splitlines() == ["year;share_pct", "2024;25,3", "2025;26,0"]
