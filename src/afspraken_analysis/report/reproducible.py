"""Byte-identical outputs from identical inputs: one timestamp derived from the data date instead of
the clock, zip files (the deck and the chart workbooks inside it) rewritten with that time and a
fixed member order, and executed notebooks without run times, random ids or the build directory."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
# Papermill's and nbclient's records of when a cell ran (the build's timings.json keeps the
# notebook times).
_RUN_TIMES = ("start_time", "end_time", "duration")
_OUTPUT_DIR_LINE = re.compile(r"^output_dir = .*$", re.M)  # as papermill injects it
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_REF = re.compile(r"IPY_MODEL_([0-9a-f]+)")


def epoch(data_date: str) -> dt.datetime:
    """The timestamp every output carries: midnight of the data date (ISO 'YYYY-MM-DD')."""
    return dt.datetime.fromisoformat(data_date)


def _core_dates(xml: bytes, when: dt.datetime) -> bytes:
    """An OOXML docProps/core.xml with its created and modified dates set to `when`."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(2), xml)


def stable_zip(blob: bytes, when: dt.datetime) -> bytes:
    """An OOXML zip rewritten byte-stably: members in a fixed order, all dated `when`, their
    core.xml dates set to `when`, embedded workbooks (chart data) treated the same way."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            data = src.read(name)
            if name == "docProps/core.xml":
                data = _core_dates(data, when)
            elif name.endswith(".xlsx"):
                data = stable_zip(data, when)
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the same bytes on every platform
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    return out.getvalue()


def _widget_order(nb) -> list[str]:
    """The widget model ids in an order that does not depend on the run: as displayed, each
    followed by the widgets it refers to; then any others, by their state (ids masked)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    shown = [
        o["data"][WIDGET_VIEW]["model_id"]
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if WIDGET_VIEW in o.get("data", {})
    ]
    order: list[str] = []
    stack = list(reversed(shown))
    while stack:
        model = stack.pop()
        if model in order or model not in state:
            continue
        order.append(model)
        text = json.dumps(state[model], sort_keys=True)
        stack.extend(reversed(_WIDGET_REF.findall(text)))
    rest = sorted(
        (m for m in state if m not in order),
        key=lambda m: _WIDGET_REF.sub("", json.dumps(state[m], sort_keys=True)),
    )
    return order + rest


def _widget_ids(nb, name: str) -> dict[str, str]:
    """Random widget model ids → ids derived from the notebook name and the widget's order."""
    return {
        old: hashlib.sha256(f"{name}:{i}".encode()).hexdigest()[:32]
        for i, old in enumerate(_widget_order(nb))
    }


def _replace_ids(value, ids: dict[str, str]):
    """`value` (notebook JSON) with every widget id replaced, inside text and as keys."""
    if isinstance(value, str):
        for old, new in ids.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return type(value)({_replace_ids(k, ids): _replace_ids(v, ids) for k, v in value.items()})
    if isinstance(value, list):
        return [_replace_ids(v, ids) for v in value]
    return value


def normalise_notebook(path: Path, output_dir: str, source: str) -> None:
    """Rewrite an executed notebook so that it depends on its inputs only.

    Cell ids become '<notebook>-<index>' (they are the PDF's anchors); the run times papermill
    and nbclient record go (timings.json has the notebook times); the `output_dir` parameter, the
    temporary build directory, becomes '..' (the report directory, seen from notebooks/); papermill's
    input and output paths become the notebook's source and its place in the report; widget
    model ids are derived from the notebook name.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    name = path.stem
    for i, cell in enumerate(nb.cells):
        cell.id = f"{name}-{i}"
        cell.metadata.pop("execution", None)
        for key in _RUN_TIMES:
            cell.metadata.get("papermill", {}).pop(key, None)
        if output_dir and "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = _OUTPUT_DIR_LINE.sub('output_dir = ".."', cell.source)
    run = nb.metadata.get("papermill", {})
    for key in _RUN_TIMES:
        run.pop(key, None)
    if output_dir and run.get("parameters", {}).get("output_dir") == output_dir:
        run["parameters"]["output_dir"] = ".."
    run["input_path"] = source
    run["output_path"] = f"notebooks/{path.name}"
    ids = _widget_ids(nb, name)
    if ids:
        nb = nbformat.from_dict(_replace_ids(nb, ids))
    nbformat.write(nb, path)
