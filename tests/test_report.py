"""The yearly report: every notebook under papermill on the shipped data, the PDF, the deck,
the manifest, strict parameters and failures that leave earlier outputs alone.

Two report builds are shared by the tests (module-scoped fixtures, about half a minute each): the
shipped data in Dutch, and the fictitious example data (data/voorbeeld-fictieve-cijfers, with its
category override) in English with another Woondeal start year. The failure tests use two tiny
notebooks of their own.
"""

import json
import sys
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from afspraken_analysis import cli, labels, report, scenarios
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR, ROOT
from afspraken_analysis.report import params, plots
from afspraken_analysis.report.build import build_report

CODE_MARKERS = (
    "import ",
    "params.check",
    "report.table",
    "globals()",
    "Traceback",
    "def ",
    "plots.show",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "2025"
    build_report(params.validate({"year": 2025}), out, progress=report.Progress(quiet=True))
    return out


@pytest.fixture(scope="module")
def pdf_text(built) -> list[str]:
    return [page.extract_text() for page in PdfReader(built / "report.pdf").pages]


@pytest.fixture(scope="module")
def built_example(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "voorbeeld"
    p = params.validate(
        {
            "year": 2025,
            "monitoring": str(EXAMPLE_MONITORING_DIR),
            "lang": "en",
            "woondeal_start_year": 2024,
        }
    )
    build_report(p, out, progress=report.Progress(quiet=True))
    return out


@pytest.fixture(scope="module")
def example_pages(built_example) -> list[str]:
    """The text of each page of the example report, white space collapsed."""
    reader = PdfReader(built_example / "report.pdf")
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.mark.slow
def test_every_notebook_runs_under_papermill(built):
    for source in report.notebook_sources():
        executed = nbformat.read(built / "notebooks" / f"{source.stem}.ipynb", as_version=4)
        assert not executed.metadata.papermill.exception, source.stem
        errors = [
            o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"
        ]
        assert not errors, source.stem


@pytest.mark.slow
def test_outputs_are_complete(built):
    for name in ("report.pdf", "slides.pptx", "manifest.json"):
        assert (built / name).stat().st_size > 0
    figures = {p.stem for p in (built / "figures").glob("*.png")}
    assert {
        "aandeel_sociale_huur",
        "nieuwbouw_sociaal",
        "label_b",
        "zonnepanelen",
        "scenarios",
    } <= figures
    for stem in figures:  # beside each figure: SVG and the CSV of the data it shows
        assert (built / "figures" / f"{stem}.svg").exists() and (
            built / "figures" / f"{stem}.csv"
        ).exists()
    assert {"samenvatting_doelen", "samenvatting_status", "doelen", "scenarios"} <= {
        p.stem for p in (built / "tables").glob("*.csv")
    }
    assert not list(built.parent.glob(".2025.build-*")), "temporary build directory left behind"


@pytest.mark.slow
def test_figure_data_holds_the_annex_totals(built):
    new_builds = pd.read_csv(built / "figures" / "nieuwbouw_sociaal.csv")
    retrofits = pd.read_csv(built / "figures" / "label_b.csv")
    solar = pd.read_csv(built / "figures" / "zonnepanelen.csv")
    assert new_builds["planned"].sum() == 392
    assert retrofits["planned"].sum() == 3434
    assert solar.query("year == 2025")["planned"].sum() == 11915
    assert new_builds["realised"].isna().all()  # shipped data: no realisations


@pytest.mark.slow
def test_pdf_holds_the_key_figures_in_dutch_and_no_code(pdf_text):
    text = "\n".join(pdf_text)
    for figure in ("392", "3.434", "11.915", "1.047", "2.387", "9.121", "25 %"):
        assert figure in text, figure
    assert "geen realisatiegegevens aangeleverd" in text
    for marker in CODE_MARKERS:
        assert marker not in text, marker
    assert "Voorbeeld, fictieve cijfers" not in text  # real data only


@pytest.mark.slow
def test_pdf_is_a4_with_title_contents_and_summary_first(built, pdf_text):
    page = PdfReader(built / "report.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert "Jaarrapportage 2025" in pdf_text[0] and "afspraken" in pdf_text[0]
    assert "Inhoud" in pdf_text[1]
    assert "Samenvatting" in pdf_text[2] and "Doelen en hun voortgang" in pdf_text[2]
    summary, after = " ".join(pdf_text[2].split()), " ".join(pdf_text[3].split())
    assert "Tabel 2: Status van de afspraken per thema" in summary
    assert "(tekstlaag regels 147-839)" in summary, "the summary must fit on one page"
    assert "Tabel 2" not in after and "Afspraken per thema" in after
    assert any("Thema 5 Wonen en zorg" in t for t in pdf_text[3:])


@pytest.mark.slow
def test_every_figure_of_the_report_has_an_alt_text_with_its_numbers(built):
    from test_pdf_accessibility import struct_elements

    alts = [str(f["/Alt"]) for f in struct_elements(PdfReader(built / "report.pdf"), "/Figure")]
    assert len(alts) == len(list((built / "figures").glob("*.png")))
    for name in ("nieuwbouw_sociaal", "label_b", "zonnepanelen"):
        planned = pd.read_csv(built / "figures" / f"{name}.csv")["planned"]
        (alt,) = [a for a in alts if all(f" {v:,.0f}".replace(",", ".") in a for v in planned)]
        assert alt.endswith("Gerealiseerd: geen gegevens.")  # shipped data: no realisations


@pytest.mark.slow
def test_the_english_summary_with_example_data_fits_on_one_page(example_pages):
    summary, after = example_pages[2], example_pages[3]
    assert "Summary: state of play 2025" in summary and "Example, fictitious figures" in summary
    assert "Table 1: Targets and their progress in 2025" in summary
    assert "Table 2: Status of the agreements per theme in 2025" in summary
    assert "(text layer lines 147-839)" in summary, "table 2's source line runs onto the next page"
    assert "Table 2" not in after and "Agreements per theme" in after


@pytest.mark.slow
def test_a_category_override_reaches_the_goal_tracking_tables_pdf_and_deck(
    built_example, example_pages
):
    goals = pd.read_csv(built_example / "tables" / "doelen.csv")
    by_hand = goals[goals["is_override"]]
    assert by_hand["target_id"].tolist() == ["skaeve_huse"]
    row = by_hand.iloc[0]
    assert (row["category"], row["computed_category"]) == ("limited_progress", "no_data")
    assert row["override_reason"] == "Locatie gevonden, bouw start 2026"
    summary = pd.read_csv(built_example / "tables" / "samenvatting_doelen.csv")
    assert summary.set_index("target_id").loc["skaeve_huse", "is_override"]
    assert summary["is_override"].sum() == 1
    note = (
        "(1) Skaeve huse (1.8): progress set by hand (computed: No data). "
        "Justification: Locatie gevonden, bouw start 2026"
    )
    marked = [i for i, text in enumerate(example_pages) if "set by hand (1)" in text]
    noted = [i for i, text in enumerate(example_pages) if note in text]
    assert marked[0] == noted[0] == 2  # the summary page
    assert len(noted) == 2  # and the table of all targets
    deck = Presentation(built_example / "slides.pptx")
    text = "\n".join(
        s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame
    )
    assert "Limited progress (set by hand)" in text


@pytest.mark.slow
def test_the_woondeal_start_year_reaches_title_page_tracking_and_scenarios(
    built_example, example_pages
):
    title_page = example_pages[0]
    assert (
        "Woondeal: 8,883 homes, 2,550 of them social rent, counted from 2024 to 2030" in title_page
    )
    goals = pd.read_csv(built_example / "tables" / "doelen.csv").set_index("target_id")
    assert goals.loc["woondeal_social_homes", "start_year"] == 2024
    woondeal = goals.loc["woondeal_social_homes"]
    # from 2024 the example's municipal rows count (2024: 200, 2025: 220); from 2022 it is no data
    assert woondeal["actual"] == 200 + 220 and woondeal["category"] == "limited_progress"
    assert woondeal["ratio"] == pytest.approx((420 / 2) / (2550 / 7))  # 0.58
    assumptions = pd.read_csv(built_example / "tables" / "aannames.csv")["text"].tolist()
    assert any("over 2024-2030" in a and "counts from 2024" in a for a in assumptions)
    assert "All homes added: 1,269 a year." in assumptions  # 8,883 / 7 years, not / 9
    manifest = json.loads((built_example / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["woondeal_start_year"] == 2024


@pytest.mark.slow
def test_deck_opens_with_the_expected_slides(built):
    deck = Presentation(built / "slides.pptx")
    assert 10 <= len(deck.slides) <= 15
    titles = [
        next(
            (s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text), ""
        )
        for slide in deck.slides
    ]
    text = "\n".join(titles)
    for expected in (
        "Stand van zaken 2025",
        "Aandeel sociale huur richting 2030",
        "Nieuwbouw sociale huur per corporatie tegen bijlage 2",
        "label B per corporatie tegen bijlage 3",
        "zonnepanelen per corporatie tegen bijlage 4",
        "aandacht",
        "Aannames",
    ):
        assert expected in text, expected
    charts = [s for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert len(charts) >= 5


@pytest.mark.slow
def test_manifest_records_parameters_inputs_and_kernel(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["year"] == 2025 and manifest["parameters"]["lang"] == "nl"
    assert manifest["agreement_period"] == "2024-2025"  # the agreement in force in 2025
    inputs = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    assert "data/agreements/2024-2025/new_builds_social.csv" in inputs and all(
        len(h) == 64 for h in inputs.values()
    )
    assert Path(manifest["kernel"]["executable"]).resolve() == Path(sys.executable).resolve()
    assert "commit" in manifest["git"] and manifest["package_version"]
    assert "steps" not in manifest and "timings.json" in manifest["outputs"]
    timings = json.loads((built / "timings.json").read_text(encoding="utf-8"))
    assert {"report.pdf", "slides.pptx", "manifest.json"} <= {s["name"] for s in timings["steps"]}


def test_a_misspelt_parameter_in_a_file_stops_the_cli(tmp_path, capsys):
    path = tmp_path / "params.yml"
    path.write_text("yaer: 2025\nlang: nl\n", encoding="utf-8")
    assert (
        cli.main(["--lang", "en", "report", "--params", str(path), "--out", str(tmp_path / "out")])
        == 2
    )
    err = capsys.readouterr().err
    assert "unknown parameter 'yaer'" in err and "did you mean 'year'" in err
    assert not (tmp_path / "out").exists()


def test_a_woondeal_start_year_outside_the_range_stops_the_cli(tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        cli.main(["--lang", "en", "report", "--woondeal-start-year", "2031", "--out", str(out)])
        == 2
    )
    assert "woondeal_start_year 2031 is outside 2015-2030" in capsys.readouterr().err
    path = tmp_path / "params.yml"
    path.write_text("woondeal_start_year: 2019.5\n", encoding="utf-8")
    assert cli.main(["--lang", "en", "report", "--params", str(path), "--out", str(out)]) == 2
    assert "parameter 'woondeal_start_year' must be a whole number" in capsys.readouterr().err
    assert not out.exists()


def test_the_woondeal_start_year_sets_the_scenarios_and_the_title_page():
    default, later = (
        params.validate({"lang": "en"}),
        params.validate({"lang": "en", "woondeal_start_year": 2024}),
    )
    assert report.scenario_for(later).parameters["woondeal_start_year"] == 2024
    assert report.scenario_for(default, "trend").parameters["woondeal_start_year"] == 2022
    shares = [
        scenarios.project(report.scenario_for(p))["social_rent_share_pct"].iloc[-1]
        for p in (default, later)
    ]
    assert shares[0] != shares[1]  # the same homes in fewer years: another pace
    assert "counted from 2024 to 2030" in report.data_basis(later, "en")[-1]
    assert "counted from 2022 to 2030" in report.data_basis(default, "en")[-1]
    assert "All homes added: 987 a year." in report.scenario_assumptions(default, None)


def test_an_unknown_scenario_on_the_command_line_lists_the_choices(tmp_path, capsys):
    assert (
        cli.main(
            [
                "--lang",
                "en",
                "report",
                "--year",
                "2025",
                "--scenario",
                "basis",
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "choose one of 'afspraken'" in capsys.readouterr().err


def _notebook(path: Path, body: str) -> None:
    head = textwrap.dedent(
        """\
        # %%
        import sys

        from afspraken_analysis.report import params

        # %% tags=["parameters"]
        year: int = 2025  # report year
        output_dir: str = ""  # where outputs go

        # %%
        p = params.check(globals())
        """
    )
    path.write_text(head + "\n# %%\n" + textwrap.dedent(body), encoding="utf-8")


@pytest.fixture
def tiny_notebooks(tmp_path) -> Path:
    directory = tmp_path / "notebooks"
    directory.mkdir()
    _notebook(directory / "01_ok.py", "print(sys.executable)\n")
    _notebook(directory / "02_fails.py", "x = 1\n\n# %%\nraise ValueError('made to fail')\n")
    return directory


@pytest.mark.slow
def test_a_misspelt_parameter_stops_the_papermill_run(tiny_notebooks, tmp_path, monkeypatch):
    monkeypatch.delenv(labels.LANG_ENV, raising=False)  # the kernel inherits the environment
    with pytest.raises(report.NotebookFailure) as err:
        report.run_notebook(tiny_notebooks / "01_ok.py", tmp_path / "out.ipynb", {"yaer": 2024})
    assert err.value.ename == "UserError"
    # a notebook without a `lang` parameter speaks the command line's language (Dutch)
    assert "onbekende parameter 'yaer' (bedoel je 'year'?)" in err.value.evalue


@pytest.mark.slow
def test_a_failing_notebook_leaves_the_previous_outputs_intact(tiny_notebooks, tmp_path):
    out = tmp_path / "outputs" / "2025"
    out.mkdir(parents=True)
    (out / "report.pdf").write_bytes(b"previous report")
    manifest = {"report": "afspraken report", "outputs": ["report.pdf"]}  # a previous report
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(UserError) as err:
        build_report(
            params.validate({"year": 2025}),
            out,
            notebooks_dir=tiny_notebooks,
            progress=report.Progress(quiet=True),
        )
    message = err.value.render("en")
    assert "notebook 02_fails failed in cell 5" in message and "made to fail" in message
    assert err.value.render("nl").startswith("notebook 02_fails is mislukt in cel 5")
    assert (out / "report.pdf").read_bytes() == b"previous report"
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "report.pdf"]
    failed = out.with_name("2025.failed") / "notebooks"
    assert (failed / "02_fails.ipynb").exists()
    assert not list(out.parent.glob(".2025.build-*"))
    # the kernel that ran is this environment's python, found without registering anything
    ok = nbformat.read(failed / "01_ok.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in ok.cells for o in c.get("outputs", []))
    assert Path(printed.strip()).resolve() == Path(sys.executable).resolve()


@pytest.mark.slow
def test_a_kernel_runs_its_next_notebook_as_a_fresh_kernel_would(tmp_path, monkeypatch):
    """Notebooks share a kernel (WORKERS kernels for all of them): what one leaves behind (names,
    open figures, execution counts) must not reach the next; its outputs are as if run alone."""
    from afspraken_analysis.report import notebooks

    directory = tmp_path / "notebooks"
    directory.mkdir()
    _notebook(
        directory / "01_leaves.py",
        "import os\n\nimport matplotlib.pyplot as plt\n\n"
        "leftover = plt.figure()\nyear = 1999\nos.chdir(os.path.expanduser('~'))\n",
    )
    probe = (
        "import matplotlib.pyplot as plt\n\n"
        "import os\n\n"
        "print(sorted(n for n in globals() if not n.startswith('_')), plt.get_fignums(),"
        " os.getcwd(), get_ipython().execution_count, p.year)\n"
    )
    _notebook(directory / "02_probe.py", probe)
    sources = notebooks.notebook_sources(directory)
    parameters = {s.stem: {"year": 2025} for s in sources}
    monkeypatch.setattr(notebooks, "WORKERS", 1)  # one kernel runs both, 01 first
    shared = tmp_path / "shared"
    kernels = notebooks.run_notebooks(sources, shared, parameters, report.Progress(quiet=True))
    notebooks.shutdown_kernels(kernels)
    alone = tmp_path / "alone"
    kernels = notebooks.run_notebooks(sources[1:], alone, parameters, report.Progress(quiet=True))
    notebooks.shutdown_kernels(kernels)

    def cells(build):
        nb = nbformat.read(build / "notebooks" / "02_probe.ipynb", as_version=4)
        return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]

    assert cells(shared) == cells(alone)
    printed = cells(shared)[-1][1][0]["text"]
    assert "leftover" not in printed and "[] " in printed and printed.strip().endswith("2025")
    assert f" {ROOT} " in printed  # the working directory the first notebook left is gone
    assert [n for n, _ in cells(shared)] == [1, 2, 3, 4, 5]
    assert not list(shared.glob(".kernel-*.json"))  # the kernel stopped, its file gone


def test_saved_figures_are_identical_on_a_rerun(tmp_path):
    data = pd.DataFrame(
        {
            "corporation": ["Ons Huis", "Ons Huis"],
            "year": [2024, 2025],
            "planned": [90, 0],
            "realised": [None, None],
        }
    )

    def draw():
        return plots.plan_vs_actual(
            data,
            group="corporation",
            period="year",
            plan="planned",
            actual="realised",
            lang="nl",
            title="t",
            ylabel="y",
            plan_label="plan",
            actual_label="gerealiseerd",
        )

    first, second = tmp_path / "a", tmp_path / "b"
    plots.save(draw(), "f", data, first)
    plots.save(draw(), "f", data, second)
    for suffix in ("png", "svg", "csv"):
        assert (first / "figures" / f"f.{suffix}").read_bytes() == (
            second / "figures" / f"f.{suffix}"
        ).read_bytes()
    assert b"<dc:date>" not in (first / "figures" / "f.svg").read_bytes()


def test_every_target_qualifier_and_unit_has_a_label_in_both_languages():
    import afspraken_analysis as aa
    from afspraken_analysis import labels, schemas

    keys = [f"report.target.{t}" for t in aa.load("targets")["target_id"]]
    keys += [f"report.qualifier.{q.replace(' ', '_')}" for q in schemas.QUALIFIERS]
    keys += [f"report.unit.{u}" for u in schemas.UNITS if u != "percent"]
    keys += [f"report.theme.{i}" for i in range(1, 6)]
    for key in keys:
        for lang in labels.LANGUAGES:
            assert labels.t(key, lang), key


def test_labels_have_one_row_per_key():
    """A key written twice silently takes the last row's text (dict), so it is a data error."""
    import csv
    from collections import Counter

    from afspraken_analysis.paths import LABELS_FILE

    with LABELS_FILE.open(encoding="utf-8", newline="") as f:
        keys = Counter(row["key"] for row in csv.DictReader(f))
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_label_key_the_code_names_exists():
    """A key written in the code (t("report.x"), labels.t("…"), deck.t("…")) but missing from
    labels.csv fails only when that line runs; this finds it at once."""
    import csv
    import re

    from afspraken_analysis.paths import LABELS_FILE, NOTEBOOKS_DIR, PACKAGE_DIR

    with LABELS_FILE.open(encoding="utf-8", newline="") as f:
        keys = {row["key"] for row in csv.DictReader(f)}
    files = [*PACKAGE_DIR.rglob("*.py"), *NOTEBOOKS_DIR.glob("*.py")]
    named = {
        (m.group(1), path.name)
        for path in files
        for m in re.finditer(r"\bt\(\s*\"([a-z0-9_]+(?:\.[a-z0-9_]+)+)\"", path.read_text())
    }
    assert sorted((k, f) for k, f in named if k not in keys) == []


CHECK_VALIDATION = """\
import sys
import afspraken_analysis.report.cli  # as `afspraken report` starts
import nbformat, papermill, jupytext
from afspraken_analysis.report import notebooks
nbformat.validate(notebooks.to_notebook(notebooks.notebook_sources()[0]))
broken = nbformat.v4.new_notebook()
broken.cells.append({"cell_type": "code"})
try:
    nbformat.validate(broken)
except nbformat.ValidationError:
    print("invalid notebook caught")
print("lark imported:", "lark" in sys.modules)
"""


def test_the_report_validates_notebooks_without_building_the_iri_grammar():
    """jsonschema's parser for IRIs (a Lark grammar, ~1.8 s of CPU) is not built in the report's
    process; notebooks are validated as before."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", CHECK_VALIDATION], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["invalid notebook caught", "lark imported: False"]


def test_a_notebook_that_asks_to_run_first_starts_first_the_others_in_report_order(tmp_path):
    from afspraken_analysis.report.notebooks import notebook_sources, run_order

    for name in ("00_a", "01_b", "02_long", "03_c"):
        _notebook(tmp_path / f"{name}.py", "x = 1\n")
    sources = notebook_sources(tmp_path)
    assert [s.stem for s in run_order(sources)] == ["00_a", "01_b", "02_long", "03_c"]
    long = tmp_path / "02_long.py"
    header = "# ---\n# jupyter:\n#   afspraken:\n#     run_first: true\n# ---\n\n"
    long.write_text(header + long.read_text(encoding="utf-8"), encoding="utf-8")
    assert [s.stem for s in run_order(sources)] == ["02_long", "00_a", "01_b", "03_c"]
    # anything but `run_first: true` under `afspraken` leaves the report order: another value,
    # a header PyYAML cannot read (an impossible date, a bad indent), one without its end line
    body = long.read_text(encoding="utf-8").split("# ---\n\n", 1)[1]
    for header in (
        "# ---\n# jupyter:\n#   afspraken:\n#     run_first: yes please\n# ---\n\n",
        "# ---\n# jupyter:\n#   afspraken:\n#     run_first: true\n# created: 2024-02-30\n# ---\n\n",
        "# ---\n# jupyter:\n#  afspraken:\n#     run_first: true\n#   x: 1\n# ---\n\n",
        "# ---\n# jupyter:\n#   afspraken:\n#     run_first: true\n\n",
    ):
        long.write_text(header + body, encoding="utf-8")
        assert [s.stem for s in run_order(sources)] == ["00_a", "01_b", "02_long", "03_c"]


def test_the_shipped_report_starts_its_longest_notebook_first():
    from afspraken_analysis.report.notebooks import notebook_sources, run_order

    order = [source.stem for source in run_order(notebook_sources())]
    assert order == [
        "02_doelen",
        "00_samenvatting",
        "01_afspraken",
        "03_scenarios",
        "04_corporatie",
    ]
