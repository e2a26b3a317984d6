"""Reports reproducible to the byte: two builds from the same inputs into different directories
give identical files (only timings.json differs), with no trace of the temporary build directory.

The whole-report test builds the fictitious example data twice (about a minute each); the others
check the pieces on their own: the deck's zip rewriting and the executed-notebook normalisation.
"""

import datetime as dt
import io
import json
import textwrap
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from afspraken_analysis import report
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.report import params, reproducible
from afspraken_analysis.report.build import build_report

TEXT_OUTPUTS = (".ipynb", ".json", ".csv", ".svg")


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(f.relative_to(root)): f.read_bytes() for f in sorted(root.rglob("*")) if f.is_file()
    }


@pytest.mark.slow
def test_two_builds_of_the_same_inputs_are_identical_to_the_byte(tmp_path):
    p = params.validate({"year": 2025, "monitoring": str(EXAMPLE_MONITORING_DIR)})
    first = build_report(p, tmp_path / "a" / "2025", progress=report.Progress(quiet=True))
    second = build_report(p, tmp_path / "elders" / "rapport", progress=report.Progress(quiet=True))
    one, two = _files(first), _files(second)
    assert one.keys() == two.keys()
    assert {"report.pdf", "slides.pptx", "manifest.json", "timings.json"} <= one.keys()
    assert any(name.startswith("notebooks/") for name in one)
    differ = sorted(name for name in one if one[name] != two[name])
    assert differ == ["timings.json"], differ
    for name, data in one.items():  # no output names the directory it was built in
        if name.endswith(TEXT_OUTPUTS):
            text = data.decode("utf-8")
            assert str(tmp_path) not in text and ".build-" not in text, name


def _ooxml(order: list[str], year: int, embedded: bytes | None = None) -> bytes:
    """A small OOXML-like zip whose member dates and core.xml dates are those of `year`."""
    core = (
        f'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">{year}-05-06T07:08:09Z'
        f'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{year}-05-06T07:08:09Z'
        "</dcterms:modified></cp:coreProperties>"
    ).encode()
    members = {"[Content_Types].xml": b"<Types/>", "docProps/core.xml": core, "a.xml": b"<a/>"}
    if embedded is not None:
        members["ppt/embeddings/Microsoft_Excel_Sheet1.xlsx"] = embedded
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in order:
            if name in members:
                z.writestr(zipfile.ZipInfo(name, (year, 5, 6, 7, 8, 10)), members[name])
    return out.getvalue()


def test_a_rewritten_zip_depends_on_its_content_only():
    when = reproducible.epoch("2025-12-31")
    names = ["a.xml", "docProps/core.xml", "[Content_Types].xml"]
    sheet = "ppt/embeddings/Microsoft_Excel_Sheet1.xlsx"
    early = _ooxml([*names, sheet], 2001, _ooxml(names, 2002))
    late = _ooxml([sheet, *reversed(names)], 2019, _ooxml(names[::-1], 2020))
    assert early != late
    stable = reproducible.stable_zip(early, when)
    assert stable == reproducible.stable_zip(late, when)
    with zipfile.ZipFile(io.BytesIO(stable)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(2025, 12, 31, 0, 0, 0)}
        assert z.read("docProps/core.xml").count(b">2025-12-31T00:00:00Z<") == 2
        with zipfile.ZipFile(io.BytesIO(z.read(sheet))) as inner:
            assert {i.date_time for i in inner.infolist()} == {(2025, 12, 31, 0, 0, 0)}
            assert b"2002" not in inner.read("docProps/core.xml")


def test_a_deck_with_a_chart_stays_readable_and_carries_the_data_date():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    data = CategoryChartData()
    data.categories = ["2024", "2025"]
    data.add_series("Aandeel", (24.9, 25.3))
    slide.shapes.add_chart(XL_CHART_TYPE.LINE, Inches(1), Inches(1), Inches(6), Inches(4), data)
    raw = io.BytesIO()
    prs.save(raw)
    stable = reproducible.stable_zip(raw.getvalue(), reproducible.epoch("2024-01-01"))
    deck = Presentation(io.BytesIO(stable))
    chart = deck.slides[0].shapes[0].chart
    assert list(chart.plots[0].series[0].values) == [24.9, 25.3]
    with zipfile.ZipFile(io.BytesIO(stable)) as z:
        [sheet] = [n for n in z.namelist() if n.endswith(".xlsx")]
        workbook = openpyxl.load_workbook(io.BytesIO(z.read(sheet)))
    assert workbook.properties.created == dt.datetime(2024, 1, 1)
    assert workbook.active["B3"].value == 25.3


@pytest.fixture
def widget_notebook(tmp_path) -> Path:
    path = tmp_path / "07_widget.py"
    path.write_text(
        textwrap.dedent(
            """\
            # %%
            import ipywidgets

            from afspraken_analysis.report import blocks

            # %% tags=["parameters"]
            output_dir: str = ""

            # %%
            blocks.Html("<p>tekst</p>")

            # %%
            ipywidgets.VBox([ipywidgets.IntSlider(value=3), ipywidgets.Label("x")])
            """
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_an_executed_notebook_holds_no_run_times_random_ids_or_build_path(
    widget_notebook, tmp_path
):
    runs = []
    for name in ("een", "twee"):
        build = tmp_path / f".out.build-{name}"
        target = build / "notebooks" / "07_widget.ipynb"
        target.parent.mkdir(parents=True)
        report.run_notebook(widget_notebook, target, {"output_dir": str(build)})
        runs.append(target.read_bytes())
    assert runs[0] == runs[1]
    text = runs[0].decode("utf-8")
    assert ".out.build-" not in text and "0x" not in text  # no build directory, no addresses
    nb = nbformat.reads(text, as_version=4)
    assert [c.id for c in nb.cells] == [f"07_widget-{i}" for i in range(len(nb.cells))]
    assert not {"start_time", "end_time", "duration"} & nb.metadata.papermill.keys()
    assert all("execution" not in c.metadata for c in nb.cells)
    assert nb.metadata.papermill.parameters.output_dir == ".."
    assert nb.metadata.papermill.output_path == "notebooks/07_widget.ipynb"
    assert nb.metadata.papermill.input_path == str(widget_notebook)  # an input: it stays
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.tags]
    assert 'output_dir = ".."' in injected[0].source
    state = nb.metadata.widgets[reproducible.WIDGET_STATE]["state"]
    shown = [
        o.data["application/vnd.jupyter.widget-view+json"]["model_id"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert shown and set(shown) <= state.keys()
    assert json.dumps(state).count("IPY_MODEL_") >= 2  # the box still points at its children


def _widget_run(path: Path, ids: list[str], state_order: list[int]) -> bytes:
    """A notebook showing a box (ids[0]) of two sliders (ids[1], ids[2]) with their widget
    state listed in `state_order`, as a run's random ids and comm order would leave it."""
    box, a, b = ids
    state = {
        box: {
            "model_name": "VBoxModel",
            "state": {"children": [f"IPY_MODEL_{a}", f"IPY_MODEL_{b}"]},
        },
        a: {"model_name": "FloatSliderModel", "state": {"value": 1.0}},
        b: {"model_name": "FloatSliderModel", "state": {"value": 2.0}},
    }
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {
        reproducible.WIDGET_STATE: {"state": {ids[i]: state[ids[i]] for i in state_order}}
    }
    view = {reproducible.WIDGET_VIEW: {"model_id": box, "version_major": 2}}
    nb.cells = [
        nbformat.v4.new_code_cell("box", outputs=[nbformat.v4.new_output("display_data", view)])
    ]
    path.parent.mkdir()
    nbformat.write(nb, path)
    reproducible.normalise_notebook(path, "", "notebooks/07_widget.py")
    return path.read_bytes()


def test_widget_ids_follow_the_display_not_the_run(tmp_path):
    first = _widget_run(
        tmp_path / "een" / "07_widget.ipynb", ["a1" * 16, "b2" * 16, "c3" * 16], [0, 1, 2]
    )
    second = _widget_run(
        tmp_path / "twee" / "07_widget.ipynb", ["d4" * 16, "e5" * 16, "f6" * 16], [2, 0, 1]
    )
    assert first == second
    nb = nbformat.reads(first.decode("utf-8"), as_version=4)
    state = nb.metadata.widgets[reproducible.WIDGET_STATE]["state"]
    box = nb.cells[0].outputs[0].data[reproducible.WIDGET_VIEW]["model_id"]
    first_child, second_child = (
        c.removeprefix("IPY_MODEL_") for c in state[box]["state"]["children"]
    )
    assert (
        state[first_child]["state"]["value"] == 1.0 and state[second_child]["state"]["value"] == 2.0
    )
