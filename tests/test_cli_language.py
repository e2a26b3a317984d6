"""The report's parameter problems and the scenario commands' output speak the user's language
(issue #12, "one language for the user"): every text is a label (params.problem.*, scenario.cli.*)
with nl and en, Dutch by default, English with --lang en; a notebook shows its parameter problems
in its own `lang`."""

from __future__ import annotations

import re
import string

import pytest
import yaml

from afspraken_analysis import labels
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Text, fmt_number
from afspraken_analysis.paths import PACKAGE_DIR, SCENARIOS_FILE
from afspraken_analysis.report import params
from afspraken_analysis.scenarios import project, resolve, scenario, solve
from afspraken_analysis.scenarios.config import TOTAL_ADDITIONS_RULES

PREFIXES = ("params.problem.", "scenario.cli.")
KEYS = sorted(k for k in labels._table() if k.startswith(PREFIXES))


@pytest.fixture(autouse=True)
def _dutch_by_default(monkeypatch):
    monkeypatch.delenv(labels.LANG_ENV, raising=False)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_blocks_are_there():
    assert sum(k.startswith("params.problem.") for k in KEYS) >= 25
    assert sum(k.startswith("scenario.cli.note.") for k in KEYS) >= 40


@pytest.mark.parametrize("key", KEYS)
def test_every_text_renders_in_both_languages_with_the_same_fields(key):
    row = labels._table()[key]
    assert _fields(row["nl"]) == _fields(row["en"]), "the two languages take the same fields"
    for n in (1, 2):
        sample = {name: n if name == "n" else f"<{name}>" for name in _fields(row["en"])}
        rendered = {lang: Text(key, **sample).render(lang) for lang in ("nl", "en")}
        for lang, text in rendered.items():
            assert text.strip() and not re.search(r"\{\w*\}", text), f"{lang}: {text!r}"
            assert all(v in text for v in sample.values() if isinstance(v, str)), text
        assert rendered["nl"] != rendered["en"], "the Dutch text is a translation"


def _named_keys() -> set[str]:
    """The keys the code names, literally or from a list it builds them from."""
    sources = {
        path: path.read_text(encoding="utf-8")
        for path in [
            *PACKAGE_DIR.glob("scenarios/*.py"),
            PACKAGE_DIR / "report" / "params.py",
            PACKAGE_DIR / "report" / "build.py",
            PACKAGE_DIR / "report" / "cli.py",
        ]
    }
    named = set()
    for source in sources.values():
        named |= set(re.findall(r'"((?:params\.problem|scenario\.cli)\.[\w.]*\w)"', source))
        named |= {f"scenario.cli.note.{k}" for k in re.findall(r'\bnote\(\s*"([\w.]+)"', source)}
        named |= {
            f"scenario.cli.note.{k}"
            for pair in re.findall(r'\bnote\(\s*"([\w.]+)" if [^\n]* else "([\w.]+)"', source)
            for k in pair
        }
        named |= {f"params.problem.{k}" for k in re.findall(r'\b_text\(\s*"([\w.]+)"', source)}
        named |= {
            f"params.problem.{k}"
            for pair in re.findall(r'_text\(\s*"(\w+)" if [^\n]* else "(\w+)"\)', source)
            for k in pair
        }
    # built from lists: the parameters' help, the type names, the rules, the shipped scenarios
    named |= {f"params.problem.help.{name}" for name in params.SPECS}
    named |= {f"params.problem.type.{name}" for name in params.TYPE_NAMES.values()}
    named |= {f"scenario.cli.solve.rule.{rule}" for rule in TOTAL_ADDITIONS_RULES}
    named |= {f"scenario.cli.note.solve_{rule}" for rule in TOTAL_ADDITIONS_RULES}
    shipped = yaml.safe_load(SCENARIOS_FILE.read_text(encoding="utf-8"))["scenarios"]
    named |= {f"scenario.cli.description.{name}" for name in shipped}
    return named


def test_every_key_the_code_names_has_a_label_and_every_label_is_used():
    named = _named_keys()
    assert {"params.problem.heading", "scenario.cli.note.woondeal_pace"} <= named
    assert not named - set(KEYS), "keys without a label"
    assert not set(KEYS) - named, "labels no code uses"


def test_the_shipped_scenarios_descriptions_are_translated_from_their_own_text():
    shipped = yaml.safe_load(SCENARIOS_FILE.read_text(encoding="utf-8"))["scenarios"]
    for name, entry in shipped.items():
        key = f"scenario.cli.description.{name}"
        assert labels.t(key, "en") == entry["description"].strip().splitlines()[0], name
        assert labels.t(key, "nl") != labels.t(key, "en")


# --- afspraken report: the parameters ------------------------------------------------------------

REPORT_PROBLEMS = [
    (
        ["--year", "2031"],
        "ongeldige parameters:\n  jaar 2031 ligt buiten de looptijd van de afspraken, 2024-2030",
        "invalid parameters:\n  year 2031 is outside the agreements' horizon 2024-2030",
    ),
    (
        ["--scenario", "vertragin"],
        "ongeldige parameters:\n  onbekend scenario 'vertragin' (bedoel je 'vertraging'?); kies "
        "uit: 'afspraken', 'trend', 'vertraging', 'versnelling'",
        "invalid parameters:\n  unknown scenario 'vertragin' (did you mean 'vertraging'?); choose "
        "one of 'afspraken', 'trend', 'vertraging', 'versnelling'",
    ),
    (
        ["--corporation", "x"],
        "ongeldige parameters:\n  onbekende corporatie 'x'; kies uit: 'De Goede Woning', "
        "'de Woonmensen', 'Ons Huis', 'Veluwonen', 'Mooiland' (of laat leeg voor alle)",
        "invalid parameters:\n  unknown corporation 'x'; choose one of 'De Goede Woning', "
        "'de Woonmensen', 'Ons Huis', 'Veluwonen', 'Mooiland' (or leave empty for all)",
    ),
    (
        ["--monitoring", "/nonexistent"],
        "ongeldige parameters:\n  monitoringmap '/nonexistent' bestaat niet (gezocht: /nonexistent)",
        "invalid parameters:\n  monitoring directory '/nonexistent' does not exist "
        "(looked for /nonexistent)",
    ),
]


@pytest.mark.parametrize(("argv", "dutch", "english"), REPORT_PROBLEMS)
def test_afspraken_report_names_a_bad_parameter_in_the_users_language(
    argv, dutch, english, tmp_path, capsys
):
    out = ["--out", str(tmp_path / "out")]
    assert main(["report", *argv, *out]) == 2
    assert capsys.readouterr().err == f"fout: {dutch}\n"
    assert main(["--lang", "en", "report", *argv, *out]) == 2
    assert capsys.readouterr().err == f"error: {english}\n"
    assert main(["report", "--lang", "en", *argv, *out]) == 2  # the report's own language
    assert capsys.readouterr().err == f"error: {english}\n"
    assert not (tmp_path / "out").exists()


def test_a_parameter_file_with_a_misspelling_and_a_wrong_type(tmp_path, capsys):
    path = tmp_path / "p.yml"
    path.write_text('yaer: 2025\nyear: "2025"\n', encoding="utf-8")
    assert main(["report", "--params", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "fout: ongeldige parameters:"
    assert err[1].startswith("  onbekende parameter 'yaer' (bedoel je 'year'?); geldige parameters")
    assert err[2] == (
        "  parameter 'year' moet een geheel getal zijn (rapportjaar, 2024-2030), maar is tekst: "
        "'2025'"
    )
    path.write_text("- 2025\n", encoding="utf-8")
    assert main(["--lang", "en", "report", "--params", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"error: parameter file {path} must hold a mapping of parameter: value, for example "
        "year: 2025\n"
    )


def _namespace(lang) -> dict:
    """A notebook's globals after papermill injected a misspelt parameter."""
    return {
        "__annotations__": {"year": int, "lang": str},
        "year": 2025,
        "lang": lang,
        "In": ["", f"# Parameters\nyaer = 2024\nlang = {lang!r}\n"],
        "yaer": 2024,
    }


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", "invalid parameters:\n  unknown parameter 'yaer' (did you mean 'year'?)"),
        ("nl", "ongeldige parameters:\n  onbekende parameter 'yaer' (bedoel je 'year'?)"),
        ("fr", "ongeldige parameters:\n  onbekende parameter 'yaer'"),  # the CLI's language
    ],
)
def test_a_notebook_shows_its_parameter_problems_in_its_own_language(lang, shown):
    with pytest.raises(UserError) as err:
        params.check(_namespace(lang))
    assert str(err.value).startswith(shown)  # what papermill shows: str() of the error
    assert err.value.render("en").startswith("invalid parameters:\n  unknown parameter 'yaer'")


# --- afspraken scenario -----------------------------------------------------------------------


def _run(capsys, argv) -> list[str]:
    assert main(argv) == 0
    return capsys.readouterr().out.splitlines()


def test_scenario_list_in_both_languages(capsys):
    dutch = _run(capsys, ["scenario", "list"])
    english = _run(capsys, ["--lang", "en", "scenario", "list"])
    assert dutch[0].split()[0] == "afspraken" and dutch[0].endswith(
        "daarna het tempo van de Woondeal (2.550 sociale van 8.883 woningen over 2022-2030)"
    )
    assert english[0].endswith(
        "then the Woondeal pace (2,550 social of 8,883 homes over 2022-2030)"
    )
    assert len(dutch) == len(english) == 4


def test_a_users_own_scenario_keeps_its_own_description(tmp_path, capsys):
    path = tmp_path / "mijn.yml"
    path.write_text(
        "scenarios:\n  afspraken:\n    description: Mijn eigen versie\n    extends: trend\n",
        encoding="utf-8",
    )
    lines = _run(capsys, ["scenario", "list", "--file", str(path)])
    assert any(line.split(None, 1) == ["afspraken", "Mijn eigen versie"] for line in lines)


def test_scenario_run_speaks_dutch_by_default_and_english_with_lang_en(capsys):
    model = resolve(scenario())
    proj = project(model)
    first, last = proj.iloc[0], proj.iloc[-1]
    dutch = _run(capsys, ["scenario", "run"])
    english = _run(capsys, ["--lang", "en", "scenario", "run"])

    def pct(value, lang):
        return fmt_number(value, lang, 2)

    assert dutch[0].startswith("Scenario afspraken: Zoals afgesproken - bijlage 2")
    assert dutch[1] == (
        f"Aandeel sociale huur: {pct(first['social_rent_share_pct'], 'nl')} % eind "
        f"{int(first['year'])}, {pct(last['social_rent_share_pct'], 'nl')} % eind "
        f"{int(last['year'])} (deterministisch)"
    )
    assert english[1] == (
        f"Social-rent share: {pct(first['social_rent_share_pct'], 'en')}% at the end of "
        f"{int(first['year'])}, {pct(last['social_rent_share_pct'], 'en')}% at the end of "
        f"{int(last['year'])} (deterministic)"
    )
    for lines, lang, heading in ((dutch, "nl", "Aannames:"), (english, "en", "Assumptions:")):
        notes = lines[lines.index(heading) + 1 :]
        assert notes == [f"  - {note.render(lang)}" for note in model.notes]
    dutch_notes = "\n".join(dutch[dutch.index("Aannames:") :])
    assert "8.883 woningen" in dutch_notes and "0 per jaar (constant)" in dutch_notes
    assert not re.search(r"\b(a year|at the end of|homes|then|uncertainty)\b", dutch_notes)


def test_scenario_run_monte_carlo_lines_in_both_languages(capsys):
    argv = ["scenario", "run", "--runs", "20", "--seed", "5"]
    dutch = _run(capsys, argv)
    english = _run(capsys, ["--lang", "en", *argv])
    assert dutch[2].startswith("Monte Carlo: tot ongeveer ") and dutch[2].endswith(" MB geheugen")
    assert english[2].startswith("Monte Carlo: up to about ")
    assert dutch[3].startswith("Monte Carlo, 20 runs, seed 5 (herhaal met --seed 5): aandeel eind ")
    assert "kans op ≥ 25 %: " in dutch[3]
    assert english[3].startswith("Monte Carlo, 20 runs, seed 5 (repeat with --seed 5): share at")
    assert "chance of ≥ 25%: " in english[3]


def test_scenario_solve_speaks_the_users_language(capsys):
    sol = solve(scenario(), 30, 2030)
    dutch = _run(capsys, ["scenario", "solve", "--target-share", "30", "--by", "2030"])
    english = _run(capsys, ["--lang", "en", "scenario", "solve", "--target-share", "30"])
    homes = sol.additions_social_per_year
    assert dutch[0] == "Scenario afspraken: wat een aandeel sociale huur van 30 % eind 2030 vraagt"
    assert dutch[1] == "=" * len(dutch[0])
    assert dutch[2].startswith(
        f"Antwoord: {fmt_number(homes, 'nl', 1)} sociale huurwoningen per jaar (gepland), "
        "constant vanaf 2024"
    )
    assert dutch[3] == (
        f"Controle: de projectie met dit aantal komt eind 2030 op "
        f"{fmt_number(sol.share_check_pct, 'nl', 6)} %."
    )
    assert english[2].startswith(f"Answer: {homes:,.1f} social-rent homes a year (planned)")
    assert english[3] == (
        f"Check: the projection with this number reaches {sol.share_check_pct:.6f}% at the end of "
        "2030."
    )
    assert dutch[dutch.index("Aannames:") + 1].startswith(
        "  - oplossing: constante geplande sociale toevoegingen van 2024 tot en met 2030 (7 jaar)"
    )
    assert english[english.index("Assumptions:") + 1].startswith(
        "  - solve: constant planned social additions from 2024 to 2030 (7 years)"
    )


def test_a_solve_without_an_answer_gives_the_reason_in_the_users_language(capsys):
    argv = ["scenario", "solve", "--target-share", "5"]
    dutch = _run(capsys, argv)
    english = _run(capsys, ["--lang", "en", *argv])
    assert dutch[2].startswith("Geen antwoord binnen de regels: het doel wordt ook zonder")
    assert dutch[3].startswith("(Waarde zonder de regels: -") and dutch[3].endswith(" per jaar.)")
    assert english[2].startswith("No answer within the rules: the target is reached without")


# argparse's own texts (cli.ARGPARSE_TEXTS): usage, help headings, argument errors


def test_every_argparse_text_we_translate_is_one_argparse_writes_and_has_a_label():
    import argparse
    import inspect

    from afspraken_analysis.cli import ARGPARSE_TEXTS

    source = inspect.getsource(argparse)
    table = labels._table()
    for english, key in ARGPARSE_TEXTS.items():
        # a Python upgrade that rewords a message would leave it in English: caught here
        assert f"_({english!r})" in source or f'_("{english}")' in source, english
        assert table[key]["en"] + ("\n" if english.endswith("\n") else "") == english
        assert table[key]["nl"] != table[key]["en"] or key == "cli.argparse.argument"


@pytest.mark.parametrize(
    ("argv", "dutch", "english"),
    [
        (
            ["report", "--year", "abc"],
            "afspraken report: fout: argument --year: ongeldige waarde (int verwacht): 'abc'",
            "afspraken report: error: argument --year: invalid int value: 'abc'",
        ),
        (
            ["bogus"],
            "afspraken: fout: argument COMMAND: ongeldige keuze: 'bogus' (kies uit",
            "afspraken: error: argument COMMAND: invalid choice: 'bogus' (choose from",
        ),
        (
            ["validate"],
            "fout: deze argumenten ontbreken: PATH",
            "error: the following arguments are required: PATH",
        ),
        (
            ["data", "list", "--what"],
            "afspraken: fout: onbekende argumenten: --what",
            "afspraken: error: unrecognized arguments: --what",
        ),
    ],
)
def test_argument_errors_speak_the_users_language(capsys, argv, dutch, english):
    for lang, expected in (("nl", dutch), ("en", english)):
        with pytest.raises(SystemExit) as exit_:
            main(["--lang", lang, *argv])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert expected in err, err
        assert err.startswith("gebruik: " if lang == "nl" else "usage: ")
    with pytest.raises(SystemExit):
        main(argv)  # Dutch by default
    assert dutch in capsys.readouterr().err


def test_help_headings_follow_the_language(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("gebruik: afspraken") and "toon deze hulp en stop" in out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: afspraken") and "show this help message and exit" in out


# the --help texts of every command (labels cli.help.*)

HELP_SOURCES = [
    "cli.py",
    "data.py",
    "baseline.py",
    "monitoring/cli.py",
    "scenarios/cli.py",
    "report/cli.py",
]


def test_every_help_text_the_code_names_has_a_label_and_every_label_is_used():
    named = set()
    for name in HELP_SOURCES:
        source = (PACKAGE_DIR / name).read_text(encoding="utf-8")
        named |= set(re.findall(r'"(cli\.help\.[\w.]*\w)"', source))
    have = {k for k in labels._table() if k.startswith("cli.help.")}
    assert len(named) >= 50 and "cli.help.report.description" in named
    assert not named - have, "keys without a label"
    assert not have - named, "labels no code uses"
    for key in have:
        row = labels._table()[key]
        assert row["nl"] != row["en"], f"{key}: the Dutch text is a translation"
        assert _fields(row["nl"]) == _fields(row["en"]), key
        for text in row.values():  # argparse formats help with %: only %(name)s or %%
            assert not re.search(r"%(?!\(\w+\)s|%)", text), f"{key}: {text}"


def test_report_help_follows_the_language(capsys):
    dutch_line = "--out DIR             uitvoermap (standaard outputs/<jaar>)"
    english_line = "--out DIR             output directory (default outputs/<year>)"
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert dutch_line in out and "Voert elk notebook uit met papermill" in out
    assert english_line not in out
    for argv in (["--lang", "en", "report", "--help"], ["report", "--lang", "en", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert english_line in out and "Run every notebook with papermill" in out
        assert dutch_line not in out
