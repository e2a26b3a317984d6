"""The yearly report: notebooks run with papermill, a print PDF, a slide deck and a manifest.

``afspraken report --year 2025`` runs every numbered notebook in ``notebooks/`` (jupytext
py:percent text, converted to .ipynb at run time) with papermill on the project's own
``python3`` kernel, in a temporary directory next to the output directory. From the executed
notebooks it renders ``report.pdf`` (nbconvert HTML without code, a print stylesheet, WeasyPrint),
builds ``slides.pptx`` from the tables and figure data the notebooks wrote, and writes
``manifest.json``. Only a complete build replaces the previous outputs of that year; a failing
notebook stops the run, names the notebook and the cell, and is kept in ``<out>.failed/``.

The first half of this module holds the building blocks the notebooks call for their visible
output (chapters, sections, tables with a target column, captions with source and caveats);
the second half is the orchestration.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__, labels, params
from .errors import UserError
from .paths import (
    DATA_DIR,
    LABELS_FILE,
    NOTEBOOKS_DIR,
    OUTPUTS_DIR,
    PACKAGE_DIR,
    ROOT,
    SCENARIOS_FILE,
)

STYLESHEET = PACKAGE_DIR / "report.css"
KERNEL_NAME = "python3"
WORKERS = 2  # notebooks run in parallel on this many kernels
# Kernel options: quiet logs, and the project library imported while the kernel boots (the
# kernels are started ahead of their notebook, so this overlaps with other work). The
# notebooks still import what they use; a failing import here only shows in their own import.
KERNEL_ARGUMENTS = [
    "--IPKernelApp.log_level=CRITICAL",
    "--IPKernelApp.exec_lines=import afspraken_analysis.report, afspraken_analysis.tracking",
]
FICTITIOUS_WORDS = ("fictie", "fictitious")

# ============================================================ building blocks for notebooks


class Html:
    """A piece of report HTML; displays as HTML in a notebook and in the PDF."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return self.text

    def __add__(self, other: Html) -> Html:
        return Html(self.text + other.text)


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def chapter(title: str, anchor: str, intro: str | None = None) -> Html:
    """A chapter heading (one per notebook); starts a new page in the PDF."""
    out = f'<h1 class="chapter" id="{_anchor(anchor)}">{html.escape(title)}</h1>'
    return Html(out + (paragraph(intro).text if intro else ""))


def section(title: str, anchor: str, level: int = 2, new_page: bool = False) -> Html:
    """A section heading; level 2 headings appear in the table of contents."""
    cls = ' class="new-page"' if new_page else ""
    return Html(f'<h{level}{cls} id="{_anchor(anchor)}">{html.escape(title)}</h{level}>')


def keep_together(*parts: Html) -> Html:
    """Parts that stay on one page (a heading with its text and figure)."""
    return Html('<div class="keep-together">' + "".join(part.text for part in parts) + "</div>")


def paragraph(text: str, css_class: str = "") -> Html:
    cls = f' class="{css_class}"' if css_class else ""
    return Html(f"<p{cls}>{html.escape(text)}</p>")


def bullets(items: Iterable[str], css_class: str = "") -> Html:
    cls = f' class="{css_class}"' if css_class else ""
    return Html(f"<ul{cls}>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")


def caption_html(title: str, source: str, caveats, lang: str, kind: str) -> str:
    """Caption under a figure or table: numbered title, source line, caveats that touch it."""
    tag = "figcaption" if kind == "figure" else "div"
    parts = [f'<{tag} class="caption">', f'<p class="title">{html.escape(title)}</p>']
    parts.append(
        f'<p class="source">{html.escape(labels.t("report.source_prefix", lang))} '
        f"{html.escape(source)}</p>"
    )
    for caveat in caveats:
        if caveat:
            parts.append(
                f'<p class="caveat">{html.escape(labels.t("report.caveat_prefix", lang))} '
                f"{html.escape(caveat)}</p>"
            )
    parts.append(f"</{tag}>")
    return "".join(parts)


def _cell(value, fmt: str, lang: str) -> str:
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    elif value is None or (not isinstance(value, str) and pd.isna(value)):
        value = None
    if fmt == "int":
        return labels.fmt_number(value, lang)
    if fmt.startswith("dec"):
        return labels.fmt_number(value, lang, int(fmt[3:] or 1))
    if fmt == "pct":
        return labels.fmt_pct(value, lang)
    if fmt == "pct0":
        return labels.fmt_pct(value, lang, 0)
    if fmt == "html":
        return "" if value is None or value != value else str(value)
    if fmt in ("category", "status", "quality"):
        if value is None or value != value:
            value = "no_data" if fmt == "category" else "no_information"
        text = labels.t(f"{fmt}.{value}", lang)
        return f'<span class="chip {fmt}-{html.escape(str(value))}">{html.escape(text)}</span>'
    if value is None or value != value:
        return "–"
    return html.escape(str(value))


NUMERIC_FORMATS = ("int", "pct", "pct0")


def table(
    p,
    name: str,
    data: pd.DataFrame,
    *,
    columns: dict[str, str],
    target: str,
    title: str,
    source: str,
    caveats=(),
    formats: dict[str, str] | None = None,
    total: dict[str, object] | None = None,
    csv_data: pd.DataFrame | None = None,
    css_class: str = "",
    legend: Html | None = None,
) -> Html:
    """A report table: writes tables/<name>.csv and returns the formatted HTML with its caption.

    `columns`: column → header text, in display order; `target`: the column holding the target
    (every report table has one, shown highlighted); `formats`: column → int, pct, pct0, decN,
    category, status or text; `total`: an optional total row (column → value); `csv_data`: the
    data for the CSV when it should hold more than the displayed rows (default `data`).
    """
    if target not in columns:
        raise ValueError(f"table {name!r}: the target column {target!r} must be displayed")
    formats = formats or {}
    if p.output_dir is not None:
        write_csv(
            _csv_frame(csv_data if csv_data is not None else data),
            p.output_dir / "tables" / f"{name}.csv",
        )
    head = "".join(
        f'<th class="{"target " if c == target else ""}{_align(formats.get(c, "text"))}">'
        f"{html.escape(label)}</th>"
        for c, label in columns.items()
    )
    rows = []
    for record in data.to_dict("records"):
        rows.append(_row(record, columns, formats, target, p.lang))
    if total:
        rows.append(_row(total, columns, formats, target, p.lang, css_class="total"))
    cls = f"report-table {css_class}".strip()
    return Html(
        f'<div class="table-block" id="table-{_anchor(name)}">'
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f"{legend.text if legend else ''}"
        f"{caption_html(title, source, caveats, p.lang, kind='table')}</div>"
    )


def _align(fmt: str) -> str:
    return "num" if fmt in NUMERIC_FORMATS or fmt.startswith("dec") else "txt"


def _row(record: dict, columns, formats, target, lang, css_class: str = "") -> str:
    cells = []
    for c in columns:
        fmt = formats.get(c, "text")
        value = record.get(c)
        text = "" if (css_class == "total" and c not in record) else _cell(value, fmt, lang)
        cls = f"{'target ' if c == target else ''}{_align(fmt)}"
        cells.append(f'<td class="{cls}">{text}</td>')
    return (
        f'<tr class="{css_class}">' + "".join(cells) + "</tr>"
        if css_class
        else ("<tr>" + "".join(cells) + "</tr>")
    )


def write_csv(data: pd.DataFrame, path: Path) -> None:
    """A CSV written the same way every time: UTF-8, '\\n' line ends, no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6g")


def _csv_frame(data: pd.DataFrame) -> pd.DataFrame:
    out = data.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v
            )
    return out


def example_banner(p) -> Html:
    """A banner on the first output of each chapter when the data is fictitious."""
    if not p.is_example:
        return Html("")
    return Html(
        f'<p class="example-banner">{html.escape(labels.t("plot.example_data", p.lang))}</p>'
    )


# ------------------------------------------------------------ report tables from the library

CATEGORY_ORDER = (
    "deterioration",
    "limited_progress",
    "acceleration_needed",
    "no_data",
    "on_track",
    "achieved",
)  # least favourable first: the summary of a per-corporation target takes the first present
ATTENTION_CATEGORIES = ("deterioration", "limited_progress", "acceleration_needed")
ATTENTION_STATUSES = ("delayed", "not_started", "dropped")
STATUS_ORDER = ("achieved", "in_progress", "delayed", "not_started", "dropped", "no_information")
STATUS_SYMBOLS = {
    "achieved": "✓",
    "in_progress": "►",
    "delayed": "!",
    "not_started": "○",
    "dropped": "×",
    "no_information": "?",
}
ANNEX_TABLES = {
    1: "new_builds_mid_rent",
    2: "new_builds_social",
    3: "retrofits_label_b",
    4: "solar_panels",
}


def load_monitoring(p):
    """(realisations, agreement_status, category_overrides) from the monitoring directory, as
    monitoring.load_monitoring gives them; all None without a directory."""
    from .monitoring import NO_MONITORING
    from .monitoring import load_monitoring as load

    return NO_MONITORING if p.monitoring is None else load(p.monitoring)


def scenario_for(p, name: str | None = None):
    """A scenario (default: the chosen one) with the report's Woondeal start year."""
    from . import scenarios

    return scenarios.scenario(
        name or p.scenario, overrides={"woondeal_start_year": p.woondeal_start_year}
    )


def goals_for(p, realisations, category_overrides):
    """Goal tracking for the report year, with the report's Woondeal start year and overrides."""
    from . import tracking

    return tracking.goal_tracking(
        p.year,
        realisations,
        woondeal_start_year=p.woondeal_start_year,
        overrides=category_overrides,
    )


def _lines(table_name: str, query=None) -> str:
    from .data import load

    df = load(table_name)
    if query is not None:
        df = df[query(df)]
    numbers = [int(x) for v in df["source_lines"] for x in str(v).split("-")]
    if not numbers:
        return ""
    return f"{min(numbers)}-{max(numbers)}" if min(numbers) != max(numbers) else str(min(numbers))


def monitoring_source(p) -> str:
    if p.monitoring is None:
        return labels.t("report.source.no_monitoring", p.lang)
    return labels.t("report.source.monitoring", p.lang, directory=params.relative(p.monitoring))


def source(kind: str, p, **fields) -> str:
    """The source line under a figure or table, from the translation table.

    kinds: annex1..annex4, agreements, targets, tracking, share, scenarios, baseline.
    """
    lang = p.lang
    if kind.startswith("annex"):
        number = int(kind[5:])
        table_name = ANNEX_TABLES[number]
        return labels.t(
            f"report.source.{kind}",
            lang,
            lines=_lines(table_name),
            file=f"data/{table_name}.csv",
            monitoring=monitoring_source(p),
        )
    if kind == "agreements":
        theme = fields.get("theme")
        lines = _lines("agreements", (lambda d: d["theme_id"] == theme) if theme else None)
        return labels.t(
            "report.source.agreements", lang, lines=lines, monitoring=monitoring_source(p)
        )
    if kind == "corporation":
        return labels.t("report.source.corporation", lang, monitoring=monitoring_source(p))
    if kind in ("targets", "tracking"):
        return labels.t(f"report.source.{kind}", lang, monitoring=monitoring_source(p))
    if kind in ("share", "scenarios", "baseline"):
        return labels.t(f"report.source.{kind}", lang, monitoring=monitoring_source(p), **fields)
    raise ValueError(f"unknown source kind {kind!r}")


def label_or(key: str, lang: str, fallback: str) -> str:
    """A label, or `fallback` when the translation table lacks it (a test lists missing ones)."""
    try:
        return labels.t(key, lang)
    except KeyError:
        return fallback


def theme_of(targets: pd.DataFrame) -> pd.Series:
    """Theme number of each target, from its section ('Thema 3, ...' or 'Afspraak 3.1')."""
    return targets["source_section"].str.extract(r"(?:Thema |Afspraak )(\d)")[0].astype("Int64")


def target_text(row, lang: str) -> str:
    """A target in words: 'ruim 3.400 woningen', 'minimaal 25 %', '25-30 standplaatsen'."""
    low, high = row["target_low"], row["target_high"]
    unit = str(row["unit"])
    decimals = 0

    def number(v):
        if unit == "percent":
            return labels.fmt_pct(v, lang, decimals)
        return labels.fmt_number(v, lang, decimals)

    qualifier = row.get("qualifier")
    has_q = isinstance(qualifier, str) and qualifier != ""
    if pd.notna(low) and pd.notna(high) and low != high:
        text = labels.t("report.range", lang, low=labels.fmt_number(low, lang), high=number(high))
    elif pd.notna(low) and pd.notna(high):
        text = number(low)
    elif pd.notna(low):
        text = number(low) if has_q else "≥ " + number(low)
    elif pd.notna(high):
        text = number(high) if has_q else "≤ " + number(high)
    else:
        text = "–"
    if has_q:
        text = (
            label_or(f"report.qualifier.{qualifier.replace(' ', '_')}", lang, qualifier)
            + " "
            + text
        )
    if unit != "percent":
        text += " " + label_or(f"report.unit.{unit}", lang, unit)
    if row.get("basis") == "per_year":
        text += " " + labels.t("report.per_year", lang)
    return text


def actual_text(row, lang: str) -> str:
    value = row["actual"]
    if value is None or pd.isna(value):
        return "–"
    if str(row["unit"]) == "percent":
        return labels.fmt_pct(value, lang)
    return labels.fmt_number(value, lang)


def summary_targets(tracking_df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per target: theme, name, target in words, actual, and its progress category.

    A target that binds each corporation takes the least favourable category of its rows. A
    category set by hand carries the numbers of its notes (override_numbers, see override_notes)
    and `category_html` shows the chip with the mark.
    """
    from .data import load

    targets = load("targets").assign(theme_id=lambda d: theme_of(d))
    numbers = override_numbers(tracking_df)
    rows = []
    for target_id, group in tracking_df.groupby("target_id", sort=False):
        target = targets.set_index("target_id").loc[target_id]
        present = [str(c) for c in group["category"].astype(str)]
        category = next(c for c in CATEGORY_ORDER if c in present)
        first = group.iloc[0]
        single = len(group) == 1
        by_hand = group["is_override"] & (group["category"].astype(str) == category)
        notes = [int(n) for n in numbers[by_hand[by_hand].index]]
        rows.append(
            {
                "theme_id": int(target["theme_id"]),
                "target_id": target_id,
                "target": label_or(f"report.target.{target_id}", lang, target_id),
                "target_value": target_text(first, lang),
                "end_year": first["end_year"],
                "actual": first["actual"] if single else pd.NA,
                "actual_text": actual_text(first, lang)
                if single
                else labels.t("report.per_corporation", lang),
                "category": category,
                "category_text": labels.t(f"category.{category}", lang),
                "is_override": bool(notes),
                "override_numbers": notes,
                "category_html": category_html(category, notes, lang),
            }
        )
    return pd.DataFrame(rows).sort_values(["theme_id"], kind="stable", ignore_index=True)


def override_numbers(tracking_df: pd.DataFrame) -> pd.Series:
    """The note number (1, 2, ...) of each tracking row whose category was set by hand."""
    flags = tracking_df["is_override"].astype(bool)
    numbers = pd.Series(pd.NA, index=tracking_df.index, dtype="Int64")
    numbers[flags] = range(1, int(flags.sum()) + 1)
    return numbers


def category_html(category: str, notes: list[int], lang: str) -> str:
    """A category chip; when set by hand, followed by the mark and the numbers of its notes."""
    chip = _cell(category, "category", lang)
    if not notes:
        return chip
    mark = html.escape(labels.t("report.override_mark", lang))
    return f'{chip} <span class="override-mark">{mark} ({", ".join(map(str, notes))})</span>'


def override_notes(tracking_df: pd.DataFrame, shown: pd.DataFrame, lang: str) -> Html:
    """The notes under a table for the categories set by hand that `shown` marks: which target,
    the category the monitor computed, the justification and the row of the input file."""
    numbers = override_numbers(tracking_df)
    wanted = {n for notes in shown["override_numbers"] for n in notes}
    parts = []
    for index, row in tracking_df[tracking_df["is_override"].astype(bool)].iterrows():
        if int(numbers[index]) not in wanted:
            continue
        target = label_or(f"report.target.{row['target_id']}", lang, row["target_id"])
        if pd.notna(row["party"]):
            target += f" ({row['party']})"
        computed = row["computed_category"]
        source = row["override_source"]
        text = labels.t(
            "report.override_note",
            lang,
            n=int(numbers[index]),
            target=target,
            computed=labels.t(f"category.{computed if pd.notna(computed) else 'no_data'}", lang),
            reason=row["override_reason"],
        ) + (f" ({source})" if pd.notna(source) else "")
        parts.append(f"<p>{html.escape(text)}</p>")
    return Html(f'<div class="override-notes">{"".join(parts)}</div>' if parts else "")


def status_chips(rollup: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per theme: number of agreements, chips with each agreement's status, and counts."""
    from .data import load

    themes = load("themes").set_index("theme_id")["name"]
    rows = []
    for theme_id, group in rollup.groupby("theme_id", sort=True):
        chips = "".join(
            f'<span class="chip agreement status-{html.escape(s)}" title="{html.escape(labels.t("status." + s, lang))}">'
            f"{html.escape(a)} {STATUS_SYMBOLS.get(s, '?')}</span> "
            for a, s in zip(group["agreement_id"], group["status"], strict=True)
        )
        counts = group["status"].value_counts()
        rows.append(
            {
                "theme_id": int(theme_id),
                "theme": theme_name(int(theme_id), themes, lang),
                "agreements": len(group),
                "chips": chips,
                **{f"n_{s}": int(counts.get(s, 0)) for s in STATUS_ORDER},
            }
        )
    return pd.DataFrame(rows)


def theme_name(theme_id: int, themes=None, lang: str = "nl") -> str:
    return labels.t(f"report.theme.{theme_id}", lang)


def status_legend(lang: str) -> Html:
    items = "".join(
        f'<span class="chip agreement status-{s}">{STATUS_SYMBOLS[s]} '
        f"{html.escape(labels.t('status.' + s, lang))}</span> "
        for s in STATUS_ORDER
    )
    return Html(f'<p class="legend">{items}</p>')


def category_legend(lang: str) -> Html:
    items = "".join(
        f'<span class="chip category-{c}">{html.escape(labels.t("category." + c, lang))}</span> '
        for c in reversed(CATEGORY_ORDER)
    )
    return Html(f'<p class="legend">{items}</p>')


def annex_wide(progress: pd.DataFrame, annex: int, corporations=None) -> pd.DataFrame:
    """Plan and realisation per corporation with a column per year, and totals."""
    df = progress[progress["annex"] == annex]
    if corporations is not None:
        df = df[df["corporation"].isin(corporations)]
    from .schemas import CORPORATIONS

    years = sorted(int(y) for y in df["year"].unique())
    order = [c for c in CORPORATIONS if c in set(df["corporation"])]
    out = pd.DataFrame({"corporation": order})
    for kind in ("planned", "realised"):
        for y in years:
            values = df[df["year"] == y].set_index("corporation")[kind]
            out[f"{kind}_{y}"] = out["corporation"].map(values).astype("Float64")
    cumulative = annex == 4
    last = years[-1] if years else None
    for kind in ("planned", "realised"):
        cols = [f"{kind}_{y}" for y in years]
        if cumulative:
            out[f"{kind}_total"] = out[f"{kind}_{last}"] if last else pd.NA
        else:
            out[f"{kind}_total"] = out[cols].sum(axis=1, min_count=len(cols)) if cols else pd.NA
    out["difference"] = out["realised_total"] - out["planned_total"]
    return out


def annex_totals(wide: pd.DataFrame, lang: str) -> dict:
    total = {"corporation": labels.t("report.total", lang)}
    for column in wide.columns[1:]:
        values = wide[column]
        total[column] = values.sum() if values.notna().all() and len(values) else pd.NA
    return total


def share_trajectory(p, realisations, runs: int = 2000, seed: int = 20231214):
    """Realised social-rent share per year, the baseline estimate and the scenario fan."""
    from . import scenarios
    from .tracking import social_rent_share

    realised = social_rent_share(realisations)[["year", "share_pct"]].astype({"year": "int64"})
    model = scenarios.resolve(scenario_for(p), realisations=realisations)
    projection = scenarios.project(model)
    fan = scenarios.monte_carlo(model, runs=runs, seed=seed)
    out = pd.DataFrame({"year": projection["year"].astype("int64")})
    out = out.merge(realised, on="year", how="left")
    out["projection_pct"] = projection["social_rent_share_pct"].to_numpy()
    out["p10"] = fan["social_rent_share_pct_p10"].to_numpy()
    out["p50"] = fan["social_rent_share_pct_p50"].to_numpy()
    out["p90"] = fan["social_rent_share_pct_p90"].to_numpy()
    out["target_low"] = 25.0
    out["target_high"] = 30.0
    out["scenario"] = p.scenario
    out.attrs["notes"] = list(projection.attrs.get("notes", []))
    return out


def scenario_comparison(p, realisations, runs: int = 2000, seed: int = 20231214) -> pd.DataFrame:
    """Every scenario's share at the horizon: deterministic, P10/P50/P90 and chances of 25/30 %."""
    from . import scenarios

    rows = []
    catalogue = scenarios.list_scenarios().set_index("name")["description"]
    for name in scenarios.scenario_names():
        model = scenarios.resolve(scenario_for(p, name), realisations=realisations)
        projection = scenarios.project(model)
        fan = scenarios.monte_carlo(model, runs=runs, seed=seed)
        end, mc = projection.iloc[-1], fan.iloc[-1]
        rows.append(
            {
                "scenario": name,
                "description": catalogue.get(name, ""),
                "year": int(end["year"]),
                "target": labels.t("report.share_target", p.lang),
                "share_pct": float(end["social_rent_share_pct"]),
                "p10": float(mc["social_rent_share_pct_p10"]),
                "p50": float(mc["social_rent_share_pct_p50"]),
                "p90": float(mc["social_rent_share_pct_p90"]),
                "chance_25_pct": float(mc["chance_share_ge_25_pct"]),
                "chance_30_pct": float(mc["chance_share_ge_30_pct"]),
                "social_rent_stock": float(end["social_rent_stock"]),
                "dwellings_total": float(end["dwellings_total"]),
            }
        )
    return pd.DataFrame(rows)


def scenario_lines(p, realisations) -> pd.DataFrame:
    """Deterministic share per year for every scenario (long format), for the comparison chart."""
    from . import scenarios

    frames = []
    for name in scenarios.scenario_names():
        projection = scenarios.project(scenario_for(p, name), realisations=realisations)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "year": projection["year"].astype("int64"),
                    "share_pct": projection["social_rent_share_pct"],
                    "target_low": 25.0,
                    "target_high": 30.0,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def slug(text: str) -> str:
    """A file-name-safe form of a name: 'de Woonmensen' → 'de_woonmensen'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def agreements_table(rollup: pd.DataFrame, p) -> pd.DataFrame:
    """The agreements with their parties, initiators, target in words and status.

    With `p.corporation`, only the agreements that corporation is involved in.
    """
    from .data import load

    agreements = load("agreements")
    targets = load("targets")
    targets = targets.rename(columns={"value_low": "target_low", "value_high": "target_high"})
    by_agreement = {
        aid: "; ".join(target_text(row, p.lang) for _, row in group.iterrows())
        for aid, group in targets[targets["agreement_id"].notna()].groupby("agreement_id")
    }
    df = agreements.merge(rollup[["agreement_id", "status", "explanation"]], on="agreement_id")
    if p.corporation:
        df = df[df["parties"].map(lambda ps: p.corporation in ps)]
    process = labels.t("report.process_agreement", p.lang)
    result = labels.t("report.result_agreement", p.lang)
    df["target_value"] = [
        by_agreement.get(aid, result if kind == "result" else process)
        for aid, kind in zip(df["agreement_id"], df["agreement_type"].astype(str), strict=True)
    ]
    return df[
        [
            "agreement_id",
            "theme_id",
            "text",
            "parties_text",
            "initiators_text",
            "agreement_type",
            "target_value",
            "status",
            "explanation",
        ]
    ].reset_index(drop=True)


def annex_chart(progress: pd.DataFrame, annex: int, corporations=None) -> pd.DataFrame:
    """The data of an annex chart: corporation, year, planned (the target) and realised."""
    df = progress[progress["annex"] == annex]
    if corporations is not None:
        df = df[df["corporation"].isin(corporations)]
    from .schemas import CORPORATIONS

    order = {c: i for i, c in enumerate(CORPORATIONS)}
    df = df.assign(_order=df["corporation"].map(order)).sort_values(["_order", "year"])
    return df[["corporation", "year", "planned", "realised"]].reset_index(drop=True)


def annex_caveats(annex: int, p) -> list[str]:
    from . import caveats

    keys = {1: ("new_builds_mid_rent",), 2: ("new_builds_social",), 3: (), 4: ()}[annex]
    out = caveats.for_keys(*keys, lang=p.lang) if keys else []
    if annex == 4:
        out.append(labels.t("report.caveat.solar_cumulative", p.lang))
    if p.monitoring is None:
        out.append(labels.t("report.caveat.plans_only", p.lang))
    return out


def corporation_caveats(p) -> list[str]:
    from . import caveats

    out = caveats.for_keys("annexes", lang=p.lang)[:1]
    if p.monitoring is None:
        out.append(labels.t("report.caveat.plans_only", p.lang))
    return out


def annex_columns(wide: pd.DataFrame, lang: str) -> dict[str, str]:
    """Column headers of an annex table (plan per year, plan total, realised, difference)."""
    columns = {"corporation": labels.t("report.col.corporation", lang)}
    for column in wide.columns[1:]:
        kind, _, suffix = column.partition("_")
        if column == "difference":
            columns[column] = labels.t("report.col.difference", lang)
        elif suffix == "total":
            columns[column] = labels.t(f"report.col.{kind}_total", lang)
        else:
            columns[column] = labels.t(f"report.col.{kind}_year", lang, year=suffix)
    return columns


def tracking_table(goals: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every tracking row with its target and actual in words, for the table of all targets."""
    df = goals.copy()
    df["target"] = [label_or(f"report.target.{t}", lang, t) for t in df["target_id"]]
    df["party"] = df["party"].fillna(labels.t("report.all", lang))
    df["target_value"] = [target_text(row, lang) for _, row in df.iterrows()]
    df["deadline"] = [
        (f"{int(s)}-{int(e)}" if pd.notna(s) and s != e else str(int(e))) if pd.notna(e) else "–"
        for s, e in zip(df["start_year"], df["end_year"], strict=True)
    ]
    df["actual_text"] = [actual_text(row, lang) for _, row in df.iterrows()]
    df["override_numbers"] = [
        [int(n)] if pd.notna(n) else [] for n in override_numbers(goals).reindex(df.index)
    ]
    df["category_html"] = [
        category_html(str(c), notes, lang)
        for c, notes in zip(df["category"], df["override_numbers"], strict=True)
    ]
    df["gap_text"] = [
        "–"
        if pd.isna(row["gap"])
        else (
            labels.fmt_pct(row["gap"], lang)
            if str(row["unit"]) == "percent"
            else labels.fmt_number(row["gap"], lang)
        )
        for _, row in df.iterrows()
    ]
    df["category"] = df["category"].astype(str)
    return df


def solution_text(solution, lang: str) -> str:
    """What a 30 % share takes, in one sentence from the translation table."""
    if not solution.feasible:
        return labels.t("report.solution.infeasible", lang, by=solution.by_year)
    return labels.t(
        "report.solution",
        lang,
        target=labels.fmt_pct(solution.target_share_pct, lang, 0),
        by=solution.by_year,
        start=solution.from_year,
        homes=labels.fmt_number(solution.additions_social_per_year, lang),
        without=labels.fmt_pct(solution.share_without_pct, lang),
        scenario=solution.scenario,
    )


def what_it_takes(
    p, realisations, target_share_pct: float = 30.0, by_year: int = 2030
) -> list[str]:
    """What a target share takes: constant from the first scenario year, and from the year after
    the report year (the years before as in the scenario)."""
    from . import scenarios

    chosen = scenario_for(p)
    texts = [
        solution_text(
            scenarios.solve(chosen, target_share_pct, by_year, realisations=realisations), p.lang
        )
    ]
    later = p.year + 1
    if later < by_year:
        solution = scenarios.solve(
            chosen, target_share_pct, by_year, from_year=later, realisations=realisations
        )
        if solution.feasible:
            texts.append(
                labels.t(
                    "report.solution.later",
                    p.lang,
                    target=labels.fmt_pct(solution.target_share_pct, p.lang, 0),
                    by=by_year,
                    start=later,
                    last=later - 1,
                    homes=labels.fmt_number(solution.additions_social_per_year, p.lang),
                    scenario=solution.scenario,
                )
            )
    return texts


def corporation_panels(progress: pd.DataFrame, corporation: str) -> pd.DataFrame:
    """One corporation's plan and realisation per annex (2-4) and year (the panel data)."""
    df = progress[(progress["corporation"] == corporation) & progress["annex"].isin([2, 3, 4])]
    return df[["annex", "indicator", "corporation", "year", "planned", "realised"]].reset_index(
        drop=True
    )


def corporation_table(progress: pd.DataFrame, corporation: str, lang: str) -> pd.DataFrame:
    """Per annex: the plan for 2024 and 2025, the plan total (target), realised and difference."""
    rows = []
    for annex in (1, 2, 3, 4):
        df = progress[(progress["annex"] == annex) & (progress["corporation"] == corporation)]
        if df.empty:
            continue
        planned = df.set_index("year")["planned"]
        realised = df.set_index("year")["realised"]
        last = int(df["year"].max())
        cumulative = annex == 4
        total_plan = planned.get(last) if cumulative else planned.sum()
        total_real = (
            realised.get(last)
            if cumulative
            else (realised.sum() if realised.notna().all() else pd.NA)
        )
        rows.append(
            {
                "annex": annex,
                "indicator": str(df["indicator"].iloc[0]),
                "annex_text": labels.t(f"report.annex_row.{annex}", lang),
                "planned_2024": planned.get(2024, pd.NA),
                "planned_2025": planned.get(2025, pd.NA),
                "planned_total": total_plan,
                "realised_total": total_real,
                "difference": (total_real - total_plan) if pd.notna(total_real) else pd.NA,
            }
        )
    return pd.DataFrame(rows)


BASELINE_SERVES = {
    "dwellings_total": "social_rent_share_pct",
    "inhabitants": "inhabitants",
    "corporation_stock": "scenario",
}


def baseline_table(lang: str) -> pd.DataFrame:
    """The baseline figures with date, value (interval), quality and the target each one feeds."""
    from .baseline import baseline_stock

    df = baseline_stock()
    interval = [
        f"{labels.fmt_number(lo, lang)}–{labels.fmt_number(hi, lang)}" if pd.notna(lo) else "–"
        for lo, hi in zip(df["low"], df["high"], strict=True)
    ]
    return pd.DataFrame(
        {
            "item": [labels.t(f"report.baseline.item.{i}", lang) for i in df["item"]],
            "party": df["party"],
            "date": df["date"],
            "value": df["value"],
            "interval": interval,
            "quality": df["quality"],
            "serves": [labels.t(f"report.baseline.serves.{i}", lang) for i in df["item"]],
            "source": df["source"],  # the methods stand in the caveats under the table
        }
    )


def corporation_text(corporation: str, rollup: pd.DataFrame, lang: str) -> str:
    """Stock implied by annex 4, and the agreements the corporation takes the initiative for."""
    from .baseline import baseline_stock

    stock = baseline_stock()
    row = stock[(stock["item"] == "corporation_stock") & (stock["party"] == corporation)]
    leads = rollup[rollup["initiators"].map(lambda names: corporation in names)]
    statuses = ", ".join(
        f"{n} {labels.t('status.' + s, lang)}"
        for s, n in leads["status"]
        .value_counts()
        .reindex(STATUS_ORDER)
        .dropna()
        .astype(int)
        .items()
        if n
    )
    text = labels.t("report.corporation.initiative", lang, n=len(leads), statuses=statuses or "–")
    if not row.empty:
        r = row.iloc[0]
        if pd.notna(r["low"]):
            text = (
                labels.t(
                    "report.corporation.stock_interval",
                    lang,
                    value=labels.fmt_number(r["value"], lang),
                    low=labels.fmt_number(r["low"], lang),
                    high=labels.fmt_number(r["high"], lang),
                )
                + " "
                + text
            )
        else:
            text = (
                labels.t(
                    "report.corporation.stock_old", lang, value=labels.fmt_number(r["value"], lang)
                )
                + " "
                + text
            )
    return text


def _flow_text(values, first_year: int, lang: str) -> str:
    """A yearly flow in words: '2024: 216, 2025: 176, daarna 283 per jaar'."""
    values = [float(v) for v in values]
    if len(set(round(v, 6) for v in values)) == 1:
        return labels.t("report.flow.constant", lang, value=labels.fmt_number(values[0], lang))
    head, tail = [], values
    year = first_year
    while tail and len(set(round(v, 6) for v in tail)) > 1:
        head.append(f"{year}: {labels.fmt_number(tail[0], lang)}")
        tail, year = tail[1:], year + 1
    text = ", ".join(head)
    if tail:
        text += ", " + labels.t("report.flow.then", lang, value=labels.fmt_number(tail[0], lang))
    return text


def scenario_assumptions(p, realisations) -> list[str]:
    """The numbers behind a scenario, in words from the translation table, plus its caveats."""
    from . import caveats, scenarios
    from .baseline import base_stocks

    chosen = scenario_for(p)
    model = scenarios.resolve(chosen, realisations=realisations)
    base = base_stocks()
    first = model.base_year + 1
    lang = p.lang
    f = model.flows
    lines = [
        labels.t(
            "report.assume.base",
            lang,
            year=model.base_year,
            dwellings=labels.fmt_number(model.dwellings_total, lang),
            social=labels.fmt_number(model.social_rent_stock, lang),
            low=labels.fmt_number(base["social_rent_stock_low"], lang),
            high=labels.fmt_number(base["social_rent_stock_high"], lang),
        ),
        labels.t(
            "report.assume.social",
            lang,
            flow=_flow_text(f["additions_social_per_year"], first, lang),
        ),
        labels.t(
            "report.assume.total", lang, flow=_flow_text(f["additions_total_per_year"], first, lang)
        ),
        labels.t(
            "report.assume.woondeal",
            lang,
            total=labels.fmt_number(chosen.parameters["woondeal_homes_total"], lang),
            social=labels.fmt_number(chosen.parameters["woondeal_homes_social"], lang),
            start=chosen.parameters["woondeal_start_year"],
            end=chosen.parameters["woondeal_end_year"],
        ),
        labels.t(
            "report.assume.other",
            lang,
            sales=_flow_text(f["sales_per_year"], first, lang),
            demolitions=_flow_text(f["demolitions_total_per_year"], first, lang),
            liberalisations=_flow_text(f["liberalisations_per_year"], first, lang),
            acquisitions=_flow_text(f["acquisitions_per_year"], first, lang),
        ),
        labels.t(
            "report.assume.delivery",
            lang,
            rate=labels.fmt_pct(model.delivery_rate * 100, lang, 0),
            social=labels.fmt_pct(model.delivery_rate_social * 100, lang, 0),
        ),
    ]
    if model.uncertainty:
        lines.append(
            labels.t(
                "report.assume.uncertainty",
                lang,
                keys=", ".join(labels.t(f"report.param.{k}", lang) for k in model.uncertainty),
            )
        )
    lines.append(
        labels.t("report.assume.horizon", lang, scenario=p.scenario, year=model.horizon_year)
    )
    return lines + caveats.for_keys("scenario", lang=lang)


def note_list(p, name: str, items, title: str | None = None) -> Html:
    """A bullet list (assumptions, notes), also written as tables/<name>.csv (one column)."""
    items = [str(i) for i in items]
    if p.output_dir is not None:
        write_csv(pd.DataFrame({"text": items}), p.output_dir / "tables" / f"{name}.csv")
    heading = f'<p class="list-title">{html.escape(title)}</p>' if title else ""
    return Html(heading) + bullets(items, "notes")


# ============================================================ orchestration


@dataclass
class Step:
    name: str
    seconds: float


@dataclass
class BuildInfo:
    """What a build needs to know beyond the parameters; ends up in manifest.json."""

    params: dict
    notebooks: list[str]
    steps: list[Step] = field(default_factory=list)
    fictitious: bool = False


class Progress:
    """A progress display: one line when a step starts and one when it ends, with its time."""

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.steps: list[Step] = []
        self._lock = threading.Lock()
        self._t0 = time.perf_counter()

    def _print(self, text: str) -> None:
        if not self.quiet:
            with self._lock:
                elapsed = time.perf_counter() - self._t0
                print(f"[{elapsed:6.1f} s] {text}", file=self.stream, flush=True)

    def run(self, name: str, func: Callable, *args, **kwargs):
        self._print(f"▸ {name} …")
        start = time.perf_counter()
        result = func(*args, **kwargs)
        seconds = time.perf_counter() - start
        with self._lock:
            self.steps.append(Step(name, round(seconds, 3)))
        self._print(f"✓ {name} ({seconds:.1f} s)")
        return result


def notebook_sources(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (jupytext py:percent), in run and report order."""
    found = sorted(directory.glob("[0-9][0-9]_*.py"))
    if not found:
        raise UserError(f"no notebooks found in {directory} (expected files like 01_afspraken.py)")
    return found


def declared_parameters(paths: list[Path]) -> dict[str, list[str]]:
    """Notebook name → the parameter names its parameters cell declares."""
    return {path.stem: params.parameter_names(path.read_text(encoding="utf-8")) for path in paths}


def read_params_file(path: Path) -> dict:
    import yaml

    try:
        values = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise UserError(f"parameter file {path} not found") from None
    except yaml.YAMLError as exc:
        raise UserError(f"parameter file {path} is not valid YAML: {exc}") from None
    if not isinstance(values, dict):
        raise UserError(f"parameter file {path} must hold a mapping of parameter: value")
    return values


def resolve_parameters(cli: dict, params_file: Path | None, declared: dict[str, list[str]]):
    """Merge the parameter file and the command line (which wins), then validate strictly."""
    values = read_params_file(params_file) if params_file else {}
    values.update({k: v for k, v in cli.items() if v is not None})
    allowed = [
        n for n in params.SPECS if n != "output_dir" and any(n in d for d in declared.values())
    ]
    return params.validate(values, allowed)


def check_kernel() -> str:
    """The python the `python3` kernel will run; must be this environment's interpreter."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    # Put this environment's kernelspecs first, ahead of any user-registered python3.
    env_dir = str(Path(sys.prefix) / "share" / "jupyter")
    current = os.environ.get("JUPYTER_PATH", "")
    if env_dir not in current.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [env_dir, current]))
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise UserError(
            "no 'python3' Jupyter kernel; ipykernel must be installed in the project "
            "environment (uv sync)"
        ) from None
    exe = spec.argv[0]
    v = sys.version_info
    if exe in ("python", f"python{v[0]}", f"python{v[0]}.{v[1]}"):
        exe = sys.executable  # jupyter_client starts sys.executable for these
    if Path(exe).resolve() != Path(sys.executable).resolve():
        raise UserError(
            f"the 'python3' kernel runs {exe}, not this environment's {sys.executable}; "
            "remove the user-registered kernel (jupyter kernelspec remove python3) or run "
            "through `uv run afspraken report`"
        )
    return exe


def to_notebook(path: Path):
    """A jupytext py:percent file as an nbformat notebook with the python3 kernelspec."""
    import jupytext

    nb = jupytext.read(path, fmt="py:percent")
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


@dataclass
class NotebookFailure(Exception):
    notebook: str
    cell: int | None
    exec_count: int | None
    first_line: str
    ename: str
    evalue: str


def start_kernel(attempts: int = 3):
    """Start a python3 kernel of this environment ahead of its notebook; returns its manager.

    A start that fails (a port taken meanwhile, a slow machine) is retried before giving up.
    """
    from jupyter_client.manager import KernelManager

    for attempt in range(1, attempts + 1):
        km = KernelManager(kernel_name=KERNEL_NAME)
        try:
            km.start_kernel(cwd=str(ROOT), extra_arguments=KERNEL_ARGUMENTS)
            return km
        except (RuntimeError, OSError, TimeoutError):
            if km.has_kernel:
                km.shutdown_kernel(now=True)
            if attempt == attempts:
                raise


def run_notebook(source: Path, output: Path, parameters: dict, km=None) -> None:
    """Execute one notebook with papermill on this environment's python3 kernel.

    `km`: a kernel started ahead (start_kernel); it is shut down afterwards.
    """
    import papermill as pm

    engine = {"km": km} if km is not None else {}
    try:
        pm.execute_notebook(
            to_notebook(source),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            log_output=False,
            cwd=str(ROOT),
            request_save_on_cell_execute=False,  # write once at the end (or at the failure)
            extra_arguments=KERNEL_ARGUMENTS,
            **engine,
        )
    except pm.PapermillExecutionError as exc:
        lines = (exc.source or "").strip().splitlines()
        first = next(
            (line for line in lines if not line.startswith("#")), lines[0] if lines else ""
        )
        raise NotebookFailure(
            source.stem,
            _source_cell(output, exc.exec_count),
            exc.exec_count,
            first,
            exc.ename,
            exc.evalue,
        ) from None


def _source_cell(executed: Path, exec_count: int | None) -> int | None:
    """Cell number (1-based, as in the .py file) of the failing cell of an executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return None
    number = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        if cell.cell_type == "code" and cell.get("execution_count") == exec_count:
            return number
    return None


def run_order(sources: list[Path], previous: Path | None = None) -> list[Path]:
    """The order to start the notebooks in: the slowest first, so the kernels finish together.

    Uses the notebook times of an earlier manifest.json when there is one, otherwise a rough
    cost estimate from the source (figures, scenario runs and loops are what take time).
    """
    seconds = {}
    if previous is not None and previous.exists():
        try:
            steps = json.loads(previous.read_text(encoding="utf-8")).get("steps", [])
            seconds = {s["name"].removeprefix("notebook "): s["seconds"] for s in steps}
        except (ValueError, KeyError, TypeError):
            seconds = {}

    def cost(path: Path) -> float:
        if path.stem in seconds:
            return seconds[path.stem]
        text = path.read_text(encoding="utf-8")
        return text.count("plots.") + text.count("scenarios.") + 3 * text.count("\nfor ")

    return sorted(sources, key=cost, reverse=True)


def run_notebooks(
    sources, build: Path, parameters: dict[str, dict], progress: Progress, then=None
) -> None:
    """Run the notebooks on WORKERS kernels; the first failure cancels the ones not started.

    Each kernel is started one notebook ahead, so it boots while other work goes on.
    `then`: a function for the first worker that has no notebook left (e.g. imports for the PDF).
    """
    out_dir = build / "notebooks"
    out_dir.mkdir(parents=True, exist_ok=True)
    kernels: dict[int, object] = {}
    lock = threading.Lock()

    def prestart(i: int) -> None:
        with lock:
            if i < len(sources) and i not in kernels:
                kernels[i] = start_kernel()

    def job(i: int) -> None:
        prestart(i)
        prestart(i + WORKERS)
        with lock:
            km = kernels.pop(i)
        source = sources[i]
        progress.run(
            f"notebook {source.stem}",
            run_notebook,
            source,
            out_dir / f"{source.stem}.ipynb",
            parameters[source.stem],
            km,
        )

    for i in range(min(WORKERS, len(sources))):
        prestart(i)
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            futures = [pool.submit(job, i) for i in range(len(sources))]
            if then is not None:
                pool.submit(then)
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in futures if f in done and f.exception() is not None]
            if failed:
                for f in pending:
                    f.cancel()
                wait(pending)
                raise failed[0].exception()
    finally:
        with lock:
            for km in kernels.values():  # started ahead for a notebook that did not run
                km.shutdown_kernel(now=True)
            kernels.clear()


# ------------------------------------------------------------ HTML and PDF

PDF_OUTPUT_TYPES = ("text/html", "image/svg+xml", "image/png")


def printable(nb):
    """A copy of an executed notebook with only what belongs in print: rich outputs, no code.

    Drops markdown cells (developer notes), streams (log lines, warnings), errors, widgets and
    plain-text reprs; keeps HTML and images.
    """
    import copy

    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = [
            o
            for o in cell.get("outputs", [])
            if o.get("output_type") in ("display_data", "execute_result")
            and any(m in o.get("data", {}) for m in PDF_OUTPUT_TYPES)
        ]
        for o in outputs:
            o["data"] = {m: v for m, v in o["data"].items() if m in PDF_OUTPUT_TYPES}
        if outputs:
            cell.outputs = outputs
            cell.source = ""
            cells.append(cell)
    nb.cells = cells
    return nb


def html_exporter():
    """nbconvert's HTML exporter with the bare 'basic' template and no code or prompts."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def notebook_html(nb, exporter=None) -> str:
    body, _ = (exporter or html_exporter()).from_notebook_node(printable(nb))
    return body


_HEADING = re.compile(r'<h([12])(?: class="(?!no-toc)[^"]*")? id="([^"]+)">(.*?)</h\1>', re.S)


def contents_html(bodies: list[str], lang: str) -> str:
    items = []
    for body in bodies:
        for level, anchor, text in _HEADING.findall(body):
            items.append(f'<li class="toc-{level}"><a href="#{anchor}">{text}</a></li>')
    title = html.escape(labels.t("report.contents", lang))
    return f'<nav class="contents"><h1 class="no-toc">{title}</h1><ul>{"".join(items)}</ul></nav>'


def title_page_html(meta: dict, lang: str) -> str:
    t = lambda key, **kw: html.escape(labels.t(key, lang, **kw))  # noqa: E731
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in meta["facts"]
    )
    basis = "".join(f"<li>{html.escape(item)}</li>" for item in meta["basis"])
    example = (
        f'<p class="example-banner">{t("plot.example_data")}</p>' if meta["fictitious"] else ""
    )
    return (
        '<section class="title-page">'
        f'<p class="kicker">{t("report.kicker")}</p>'
        f'<h1 class="no-toc">{t("report.title", year=meta["year"])}</h1>'
        f'<p class="subtitle">{t("report.subtitle")}</p>{example}'
        f'<table class="facts">{rows}</table>'
        f'<h2 class="no-toc">{t("report.data_basis")}</h2><ul class="basis">{basis}</ul>'
        f'<p class="disclaimer">{t("report.title_note")}</p>'
        "</section>"
    )


def page_css(meta: dict, lang: str) -> str:
    """The language- and data-dependent part of the print stylesheet (running texts)."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    css = [
        "@page { @bottom-left { content: "
        + q(labels.t("report.running_title", lang, year=meta["year"]))
        + "; } @bottom-right { content: "
        + q(labels.t("report.page", lang))
        + ' " " counter(page) " / " counter(pages); } }',
        "@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }",
        "figure.chart .caption .title::before { content: "
        + q(labels.t("report.figure", lang) + " ")
        + ' counter(figure) ": "; }',
        ".table-block .caption .title::before { content: "
        + q(labels.t("report.table", lang) + " ")
        + ' counter(table) ": "; }',
    ]
    if meta["fictitious"]:
        marker = q(labels.t("plot.example_data", lang))
        css.append(
            f"@page {{ @top-center {{ content: {marker}; color: #D55E00; font-weight: bold; }} }}"
            f"@page :first {{ @top-center {{ content: {marker}; }} }}"
        )
    return "\n".join(css)


def report_html(bodies: list[str], meta: dict, lang: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(labels.t('report.title', lang, year=meta['year']))}</title>"
        f"</head><body>{title_page_html(meta, lang)}{contents_html(bodies, lang)}"
        + "".join(f'<article class="notebook">{b}</article>' for b in bodies)
        + "</body></html>"
    )


def write_pdf(document: str, meta: dict, lang: str, target: Path) -> None:
    from weasyprint import CSS, HTML

    stylesheets = [CSS(filename=str(STYLESHEET)), CSS(string=page_css(meta, lang))]
    HTML(string=document, base_url=str(target.parent)).write_pdf(
        target, stylesheets=stylesheets, uncompressed_pdf=False
    )


def render_pdf(build: Path, order: list[str], meta: dict, lang: str) -> None:
    import nbformat

    exporter = html_exporter()
    bodies = [
        notebook_html(nbformat.read(build / "notebooks" / f"{name}.ipynb", as_version=4), exporter)
        for name in order
    ]
    write_pdf(report_html(bodies, meta, lang), meta, lang, build / "report.pdf")


# ------------------------------------------------------------ facts about the inputs


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_files(p: params.Params, sources: list[Path], params_file: Path | None) -> list[Path]:
    """Every file a build reads: curated data, raw sources, labels, scenarios, notebooks."""
    files = sorted(DATA_DIR.glob("*.csv")) + sorted(
        f for f in (DATA_DIR / "raw").rglob("*") if f.is_file()
    )
    files += [LABELS_FILE, STYLESHEET, *sources]
    if SCENARIOS_FILE.exists():
        files.append(SCENARIOS_FILE)
    if p.monitoring is not None:
        files += sorted(f for f in p.monitoring.rglob("*") if f.is_file())
    if params_file:
        files.append(Path(params_file).resolve())
    return list(dict.fromkeys(files))


def git_commit() -> dict:
    """The commit the code is at, and whether the work tree differs (read-only git calls)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def is_fictitious(p: params.Params) -> bool:
    """Example data: the shipped example directory, or monitoring rows whose source says so."""
    if p.monitoring is None:
        return False
    if p.is_example:
        return True
    for path in sorted(p.monitoring.rglob("*")):
        if path.suffix.lower() in (".csv", ".yml", ".yaml", ".txt", ".md") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            if any(word in text for word in FICTITIOUS_WORDS):
                return True
    return False


def _fmt_date(iso: str, lang: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    months = labels.t("report.months", lang).split()
    return (
        f"{day} {months[month - 1]} {year}" if lang == "nl" else f"{day} {months[month - 1]} {year}"
    )


def data_basis(p: params.Params, lang: str) -> list[str]:
    """One line per data source the report rests on (title page)."""
    basis = [labels.t("report.basis.document", lang), labels.t("report.basis.cbs", lang)]
    if p.monitoring is None:
        basis.append(labels.t("report.basis.no_monitoring", lang))
    else:
        basis.append(
            labels.t("report.basis.monitoring", lang, directory=params.relative(p.monitoring))
        )
    if SCENARIOS_FILE.exists():
        basis.append(labels.t("report.basis.scenarios", lang, scenario=p.scenario))
    basis.append(woondeal_text(p, "report.basis.woondeal"))
    return basis


def woondeal_text(p, key: str) -> str:
    """A sentence on the Woondeal period the report counts (its start year is a parameter)."""
    from .data import load

    targets = load("targets").set_index("target_id")
    homes, social = targets.loc["woondeal_homes"], targets.loc["woondeal_social_homes"]
    return labels.t(
        key,
        p.lang,
        total=labels.fmt_number(homes["value_low"], p.lang),
        social=labels.fmt_number(social["value_low"], p.lang),
        start=p.woondeal_start_year,
        end=int(social["end_year"]),
    )


def data_date(p: params.Params) -> str:
    """The most recent reference date of the data: monitoring year end, else the CBS date."""
    if p.monitoring is not None:
        return f"{p.year}-12-31" if p.year else "2024-01-01"
    return "2024-01-01"


def title_meta(p: params.Params, fictitious: bool) -> dict:
    lang = p.lang
    facts = [
        (labels.t("report.fact.year", lang), str(p.year)),
        (labels.t("report.fact.data_date", lang), _fmt_date(data_date(p), lang)),
        (labels.t("report.fact.scenario", lang), p.scenario),
        (
            labels.t("report.fact.corporation", lang),
            p.corporation or labels.t("report.all_corporations", lang),
        ),
        (labels.t("report.fact.version", lang), __version__),
    ]
    return {
        "year": p.year,
        "facts": facts,
        "basis": data_basis(p, lang),
        "fictitious": fictitious,
    }


def write_manifest(build: Path, info: BuildInfo, files: list[Path], kernel: str) -> None:
    def shown(path: Path) -> str:
        return params.relative(path)

    manifest = {
        "report": "afspraken report",
        "package_version": __version__,
        "git": git_commit(),
        "python": sys.version.split()[0],
        "kernel": {"name": KERNEL_NAME, "executable": shown(Path(kernel))},
        "parameters": info.params,
        "fictitious_data": info.fictitious,
        "notebooks": info.notebooks,
        "inputs": [{"path": shown(f), "sha256": sha256(f)} for f in files],
        "outputs": sorted(
            str(f.relative_to(build))
            for f in build.rglob("*")
            if f.is_file() and f.name != "manifest.json"
        ),
        "steps": [asdict(s) for s in info.steps],
        "total_seconds": round(
            sum(s.seconds for s in info.steps if not s.name.startswith("notebook ")), 3
        ),
    }
    (build / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _move_into_place(build: Path, out: Path) -> None:
    """Replace `out` by the complete `build` with two renames on one file system."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    build.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _preload() -> None:
    """Import the PDF and slide libraries while the kernels run (the main process waits anyway)."""
    import importlib

    for name in ("weasyprint", "nbconvert", "afspraken_analysis.slides"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the real import later reports the problem
            return


def build_report(
    p: params.Params,
    out: Path,
    *,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    params_file: Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """Run the whole report for validated parameters `p` into directory `out`; returns `out`."""
    progress = progress or Progress()
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    sources = notebook_sources(notebooks_dir)
    declared = declared_parameters(sources)
    kernel = progress.run("kernel check", check_kernel)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    values = {
        "year": p.year,
        "monitoring": str(p.monitoring) if p.monitoring else "",
        "scenario": p.scenario,
        "lang": p.lang,
        "corporation": p.corporation or "",
        "woondeal_start_year": p.woondeal_start_year,
        "output_dir": str(build),
    }
    per_notebook = {
        name: {k: values[k] for k in names if k in values} for name, names in declared.items()
    }
    fictitious = is_fictitious(p)
    info = BuildInfo(
        params={k: v for k, v in values.items() if k != "output_dir"},
        notebooks=[s.stem for s in sources],
        fictitious=fictitious,
    )
    try:
        for sub in ("figures", "tables", "notebooks"):
            (build / sub).mkdir()
        order = run_order(sources, out / "manifest.json")
        preload = threading.Thread(target=_preload, daemon=True)
        preload.start()
        progress.run("notebooks", run_notebooks, order, build, per_notebook, progress)
        preload.join()
        meta = title_meta(p, fictitious)
        progress.run("report.pdf", render_pdf, build, info.notebooks, meta, p.lang)
        from . import slides

        progress.run("slides.pptx", slides.build_deck, build, meta, p)
        info.steps = list(progress.steps)
        files = input_files(p, sources, params_file)
        progress.run("manifest.json", write_manifest, build, info, files, kernel)
    except NotebookFailure as failure:
        failed_dir = out.with_name(f"{out.name}.failed")
        shutil.rmtree(failed_dir, ignore_errors=True)
        build.rename(failed_dir)
        kept = failed_dir / "notebooks" / f"{failure.notebook}.ipynb"
        where = f"cell {failure.cell}" if failure.cell else "a cell"
        raise UserError(
            f"notebook {failure.notebook} failed in {where} "
            f"(execution count {failure.exec_count}; {failure.first_line!r}):\n"
            f"  {failure.ename}: {failure.evalue}\n"
            f"The executed notebook is kept at {params.relative(kept)}; "
            f"the earlier outputs in {params.relative(out)} are untouched."
        ) from None
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    _move_into_place(build, out)
    return out


def _cmd_report(args) -> int:
    sources = notebook_sources()
    declared = declared_parameters(sources)
    cli = {
        "year": args.year,
        "monitoring": args.monitoring,
        "scenario": args.scenario,
        "lang": args.lang,
        "corporation": args.corporation,
        "woondeal_start_year": args.woondeal_start_year,
    }
    p = resolve_parameters(cli, Path(args.params) if args.params else None, declared)
    out = Path(args.out) if args.out else OUTPUTS_DIR / str(p.year)
    progress = Progress(quiet=args.quiet)
    start = time.perf_counter()
    build_report(p, out, params_file=Path(args.params) if args.params else None, progress=progress)
    if not args.quiet:
        print(
            f"report {p.year} written to {params.relative(out.resolve())} "
            f"in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
    return 0


def configure_cli(sub) -> None:
    parser = sub.add_parser(
        "report",
        help="run the notebooks and write the yearly report (PDF, slides, figures, tables)",
        description="Run every notebook with papermill and write report.pdf, slides.pptx, "
        "figures/, tables/, notebooks/ and manifest.json to outputs/<year>/ (or --out).",
    )
    parser.add_argument("--year", type=int, help="report year (default 2025)")
    parser.add_argument("--monitoring", metavar="DIR", help="directory with monitoring data")
    parser.add_argument("--scenario", metavar="NAME", help="scenario from data/scenarios.yml")
    parser.add_argument("--lang", choices=params.LANGUAGES, help="language (default nl)")
    parser.add_argument("--corporation", metavar="NAME", help="only this corporation")
    parser.add_argument(
        "--woondeal-start-year",
        type=int,
        metavar="YEAR",
        help=f"first year the Woondeal counts, {params.WOONDEAL_START_YEARS[0]}-"
        f"{params.WOONDEAL_START_YEARS[1]} (the document gives none; default "
        f"{params.DEFAULT_WOONDEAL_START_YEAR})",
    )
    parser.add_argument("--params", metavar="FILE.yml", help="parameters from a YAML file")
    parser.add_argument("--out", metavar="DIR", help="output directory (default outputs/<year>)")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    parser.set_defaults(func=_cmd_report)
