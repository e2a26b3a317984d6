"""Strict validation of notebook parameters (report/params.py) and the shape of the notebooks."""

import ast
from pathlib import Path

import pytest

from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR, NOTEBOOKS_DIR
from afspraken_analysis.report import params

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py"))


def test_defaults_are_valid():
    p = params.validate({"year": 2025, "lang": "nl", "scenario": "afspraken", "corporation": ""})
    assert (p.year, p.lang, p.scenario, p.corporation, p.monitoring) == (
        2025,
        "nl",
        "afspraken",
        None,
        None,
    )


def test_misspelt_parameter_is_rejected_with_a_suggestion():
    with pytest.raises(UserError) as err:
        params.validate({"yaer": 2025})
    message = err.value.render("en")
    assert "unknown parameter 'yaer'" in message
    assert "did you mean 'year'" in message
    assert "valid parameters: year, monitoring, scenario, lang, corporation" in message


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"year": "2025"}, "parameter 'year' must be a whole number"),
        ({"year": True}, "parameter 'year' must be a whole number"),
        ({"year": 2019}, "outside the agreements' horizon 2024-2030"),
        ({"lang": "de"}, "unknown language 'de'; choose one of 'nl', 'en'"),
        ({"scenario": "basis"}, "choose one of 'afspraken', 'trend', 'vertraging', 'versnelling'"),
        ({"corporation": "Woonbedrijf"}, "choose one of 'De Goede Woning', 'de Woonmensen'"),
        (
            {"monitoring": "/nonexistent/dir"},
            "monitoring directory '/nonexistent/dir' does not exist",
        ),
        ({"woondeal_start_year": 2014}, "woondeal_start_year 2014 is outside 2015-2030"),
        ({"woondeal_start_year": 2031}, "woondeal_start_year 2031 is outside 2015-2030"),
        ({"woondeal_start_year": "2024"}, "parameter 'woondeal_start_year' must be a whole number"),
        ({"woondeal_start_year": 2024.0}, "parameter 'woondeal_start_year' must be a whole number"),
        ({"woondeal_start_year": True}, "parameter 'woondeal_start_year' must be a whole number"),
    ],
)
def test_wrong_values_stop_with_the_valid_choices(values, expected):
    with pytest.raises(UserError) as err:
        params.validate(values)
    assert expected in err.value.render("en")


def test_woondeal_start_year_defaults_to_the_same_year_everywhere():
    import yaml

    from afspraken_analysis import tracking
    from afspraken_analysis.paths import SCENARIOS_FILE

    scenarios = yaml.safe_load(SCENARIOS_FILE.read_text(encoding="utf-8"))
    assert (
        params.validate({}).woondeal_start_year
        == params.DEFAULT_WOONDEAL_START_YEAR
        == tracking.DEFAULT_WOONDEAL_START_YEAR
        == scenarios["defaults"]["woondeal_start_year"]
        == 2022
    )
    for year in (2015, 2024, 2030):
        assert params.validate({"woondeal_start_year": year}).woondeal_start_year == year
    declaring = [path for path in NOTEBOOKS if "woondeal_start_year" in path.read_text()]
    assert len(declaring) >= 3  # the summary, goal tracking and scenarios
    for path in declaring:
        assert "woondeal_start_year: int = 2022  #" in path.read_text(encoding="utf-8"), path.name


def test_every_problem_is_reported_at_once():
    with pytest.raises(UserError) as err:
        params.validate({"lang": "fr", "year": "x", "scenaro": "afspraken"})
    message = err.value.render("en")
    assert "'scenaro'" in message and "'year'" in message and "'fr'" in message


def test_corporation_is_matched_without_regard_to_case():
    assert params.validate({"corporation": "DE WOONMENSEN"}).corporation == "de Woonmensen"
    assert params.validate({"corporation": "Mooiland"}).corporations() == ["Mooiland"]
    assert len(params.validate({}).corporations()) == 5


def test_example_monitoring_is_recognised():
    p = params.validate({"monitoring": str(EXAMPLE_MONITORING_DIR)})
    assert p.is_example
    assert not params.validate({}).is_example


def _namespace(injected: str, **values):
    """What a kernel's globals look like after papermill injected `injected`."""
    annotations = {"year": int, "lang": str, "output_dir": str}
    ns = {"__annotations__": annotations, "year": 2025, "lang": "nl", "output_dir": ""}
    ns.update(values)
    ns["In"] = ["", "from afspraken_analysis.report import params", "year: int = 2025", injected]
    return ns


def test_check_rejects_a_name_papermill_injected_but_the_notebook_does_not_declare():
    ns = _namespace('# Parameters\nyaer = 2024\nlang = "en"\n', yaer=2024, lang="en")
    with pytest.raises(UserError, match="unknown parameter 'yaer'.*did you mean 'year'"):
        params.check(ns)


def test_check_rejects_a_known_parameter_this_notebook_does_not_declare():
    ns = _namespace('# Parameters\ncorporation = "Ons Huis"\n', corporation="Ons Huis")
    with pytest.raises(UserError) as err:
        params.check(ns)
    assert "unknown parameter 'corporation'" in err.value.render("en")
    assert str(err.value).startswith("ongeldige parameters:\n  onbekende parameter 'corporation'")


def test_check_accepts_declared_parameters():
    p = params.check(_namespace('# Parameters\nyear = 2024\nlang = "en"\n', year=2024, lang="en"))
    assert (p.year, p.lang, p.output_dir) == (2024, "en", None)


def test_check_rejects_a_wrong_type_from_papermill():
    with pytest.raises(UserError) as err:
        params.check(_namespace('# Parameters\nyear = "2024"\n', year="2024"))
    assert "parameter 'year' must be a whole number" in err.value.render("en")


def test_injected_names_reads_the_last_parameters_cell():
    history = ["x = 1", "# Parameters\na = 1\n", "# Parameters\nb = 2\nc: int = 3\n"]
    assert params.injected_names(history) == ["b", "c"]
    assert params.injected_names(None) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_has_one_typed_commented_parameters_cell(path: Path):
    text = path.read_text(encoding="utf-8")
    headers = [line for line in text.splitlines() if line.startswith("# %%")]
    assert sum('tags=["parameters"]' in h for h in headers) == 1
    names = params.parameter_names(text)
    assert names and set(names) <= set(params.SPECS)
    cell = text.split('# %% tags=["parameters"]', 1)[1].split("# %%", 1)[0]
    for line in filter(None, (line.strip() for line in cell.splitlines())):
        assert ":" in line.split("=")[0] and "#" in line, f"untyped or uncommented: {line}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_thin(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
    ]
    assert not defined, f"{path.name} defines functions or classes: move them to the library"


def test_the_required_notebooks_exist():
    stems = [p.stem for p in NOTEBOOKS]
    for name in ("afspraken", "doelen", "scenarios", "corporatie"):
        assert any(stem.endswith(name) for stem in stems), name
