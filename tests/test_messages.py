"""The scenario wing's problem messages (issue #12, "one language for the user"): every message is a
label key with nl and en texts, rendered in the user's language where it is shown."""

from __future__ import annotations

import csv
import re
import string

import pytest

from afspraken_analysis import labels
from afspraken_analysis.cli import main
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import LABELS_FILE, PACKAGE_DIR
from afspraken_analysis.scenarios import scenario
from afspraken_analysis.scenarios.config import parse_overrides

PREFIXES = ("scenario.problem.", "yaml.problem.")
WIDGET_KEYS = {"scenario.problem.part_above_whole", "scenario.problem.other"}  # widgets.py's own


def _rows() -> dict[str, dict[str, str]]:
    with LABELS_FILE.open(encoding="utf-8", newline="") as f:
        return {r["key"]: r for r in csv.DictReader(f) if r["key"].startswith(PREFIXES)}


ROWS = _rows()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _used_keys() -> set[str]:
    """The keys the code asks for: problem("k"), text("k") (scenario.problem.k), Text("...")."""
    used = set()
    for path in [*PACKAGE_DIR.glob("scenarios/*.py"), PACKAGE_DIR / "yamlfile.py"]:
        source = path.read_text(encoding="utf-8")
        used |= {
            f"scenario.problem.{k}" for k in re.findall(r'\b(?:problem|text)\(\s*"(\w+)"', source)
        }
        used |= {
            f"scenario.problem.unknown_{k}" for k in re.findall(r'_unknown\(\s*"(\w+)"', source)
        }
        used |= set(re.findall(r'Text\(\s*"([\w.]+)"', source))
        for pair in re.findall(r'\(\s*"(\w+)" if [^\n]* else "(\w+)",', source):
            used |= {f"scenario.problem.{k}" for k in pair}  # problem("a" if ... else "b", ...)
    used |= set(re.findall(r'Text\(\s*"([\w.]+)"', (PACKAGE_DIR / "userfiles.py").read_text()))
    # files.* (userfiles.py) are checked with the monitoring wing's messages
    return {key for key in used if key.startswith(PREFIXES)}


def test_every_key_the_code_uses_has_a_label_and_every_label_is_used():
    used = _used_keys()
    assert {"scenario.problem.count", "yaml.problem.alias", "yaml.problem.invalid"} <= used
    assert "scenario.problem.then_invalid_woondeal" in used  # conditional keys are found too
    assert not used - set(ROWS), "keys without a label"
    assert not set(ROWS) - used - WIDGET_KEYS, "labels no code uses"


@pytest.mark.parametrize("key", sorted(ROWS))
def test_every_message_renders_in_both_languages(key):
    nl, en = ROWS[key]["nl"], ROWS[key]["en"]
    assert _fields(nl) == _fields(en), "the two languages take the same fields"
    for n in (1, 2):
        sample = {name: n if name == "n" else f"<{name}>" for name in _fields(en)}
        rendered = {lang: labels.Text(key, **sample).render(lang) for lang in ("nl", "en")}
        for lang, text in rendered.items():
            left = re.findall(r"\{[a-z_]+(?::[^ }][^}]*)?\}", text)  # not {plan: ...}
            assert not left, f"{lang}: placeholder left in {text!r}"
            assert all(value in text for value in sample.values() if isinstance(value, str))
        assert rendered["nl"] != rendered["en"], "the Dutch text is a translation"


def test_plurals_and_numbers_follow_the_language():
    one = labels.Text("scenario.problem.count", n=1)
    assert one.render("nl") == "1 probleem in de scenario-invoer:"
    assert one.render("en") == "1 problem in the scenario input:"
    assert labels.Text("scenario.problem.count", n=3).render("nl").startswith("3 problemen")
    big = labels.Number(10_000_000, 0)
    assert (big.render("nl"), big.render("en")) == ("10.000.000", "10,000,000")
    assert (labels.Number(12.5).render("nl"), labels.Number(12.0).render("en")) == ("12,5", "12")


def test_a_problem_renders_in_the_language_asked_and_str_follows_the_environment(
    tmp_path, monkeypatch
):
    path = tmp_path / "mijn.yml"
    path.write_text(
        "scenarios:\n  mijn:\n    description: x\n    parameters:\n      sales_per_yaer: 3\n"
        "    uncertainty:\n      sales_per_year: {distribution: triangle, low: 1, high: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as err:
        scenario("mijn", files=[path])
    dutch, english = err.value.render("nl"), err.value.render("en")
    assert dutch.startswith("2 problemen in de scenario-invoer:")
    assert "onbekende parameter 'sales_per_yaer' (bedoel je 'sales_per_year'?)" in dutch
    assert "onbekende verdeling 'triangle' (bedoel je 'triangular'?)" in dutch
    assert english.startswith("2 problems in the scenario input:")
    assert "unknown distribution 'triangle' (did you mean 'triangular'?)" in english
    monkeypatch.delenv(labels.LANG_ENV, raising=False)
    assert str(err.value) == dutch
    monkeypatch.setenv(labels.LANG_ENV, "en")
    assert str(err.value) == english


def test_set_problems_from_the_yaml_reader_are_dutch_by_default(capsys, monkeypatch):
    monkeypatch.delenv(labels.LANG_ENV, raising=False)
    with pytest.raises(UserError) as err:
        parse_overrides(["sales_per_year={a: 1, a: 2}"])
    assert err.value.render("nl") == (
        "--set 'sales_per_year', regel 1, kolom 8: geen geldige YAML: dubbele sleutel 'a'; "
        "geef elke sleutel één keer"
    )
    assert main(["scenario", "run", "--set", "sales_per_year=-5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fout: scenario 'afspraken'")
    assert "sales_per_year: -5 is negatief; het moet ≥ 0 zijn" in err
    assert main(["--lang", "en", "scenario", "run", "--set", "sales_per_year=-5"]) == 2
    assert "sales_per_year: -5 is negative; it must be ≥ 0" in capsys.readouterr().err
