"""The slide deck of the yearly report (python-pptx), built from the report's own CSV files.

Every chart and table on a slide is made from the CSV that sits next to the matching figure
or table in the report directory (figures/*.csv, tables/*.csv), so the deck shows exactly the
data of the PDF. Charts are native PowerPoint charts and tables native tables: everything stays
editable. Colours follow style.py (one colour per corporation, Okabe-Ito palette); every text
comes from labels.csv.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Inches, Pt

from afspraken_analysis import labels, stock, style, tracking
from afspraken_analysis.spreadsheet import restore_frame

from . import account, reproducible
from .content import ATTENTION_CATEGORIES, ATTENTION_STATUSES, annex_totals
from .deck import GREY, MARGIN, ORANGE_RED, TOP, WIDTH, Deck, _rgb, drop_empty_placeholders

KEY_TARGETS = (
    "social_rent_share_floor",
    "social_rent_share_ambition",
    "social_new_builds_2024_2025",
    "mid_rent_new_builds_2024_2025",
    "retrofits_label_b_2024_2025",
    "solar_panels_2024_2025",
    "woondeal_social_homes",
    "caravan_pitches_2024_2025",
    "short_stay_homes",
    "homes_sold_per_year",
)


def _read(build: Path, sub: str, name: str) -> pd.DataFrame | None:
    path = build / sub / f"{name}.csv"
    if not path.exists():
        return None
    # the CSVs keep formula-like text as text with an apostrophe; the deck shows the text itself
    return restore_frame(pd.read_csv(path, keep_default_na=True))


def _fmt(value, lang: str, pct: bool = False) -> str:
    if value is None or pd.isna(value):
        return "–"
    return labels.fmt_pct(value, lang) if pct else labels.fmt_number(value, lang)


def _title_slide(deck: Deck, p) -> None:
    slide = deck.prs.slides.add_slide(deck.title_layout)
    deck.count += 1
    meta = deck.meta
    slide.shapes.title.text = deck.t("report.title", year=meta["year"])
    subtitles = [
        ph for ph in slide.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE
    ]
    if subtitles:
        subtitles[0].text_frame.text = deck.t("report.subtitle")
    else:
        deck.text(slide, deck.t("report.subtitle"), MARGIN, Inches(3.3), Inches(12), Inches(1), 18)
    drop_empty_placeholders(slide)
    deck.text(slide, deck.t("report.kicker"), MARGIN, Inches(1.6), Inches(12), Inches(0.5), 18,
              colour=GREY)  # fmt: skip
    facts = [f"{k}: {v}" for k, v in meta["facts"]]
    deck.text(slide, facts, MARGIN, Inches(4.5), Inches(12), Inches(2.0), 16, colour=GREY)
    deck.frame(slide, stamp=False)
    if meta["fictitious"]:
        deck.text(
            slide,
            deck.t("plot.example_data"),
            MARGIN,
            Inches(0.6),
            Inches(12),
            Inches(0.6),
            24,
            True,
            ORANGE_RED,
        )
    notes = [deck.t("slides.notes.title", year=meta["year"]), *facts]
    deck.notes(slide, notes + ([deck.t("slides.notes.example")] if meta["fictitious"] else []))


def _counted(deck: Deck, heading: str, rows) -> str:
    """'Heading: name n, name n' — the numbers of a count table for the speaker notes."""
    return f"{heading}: " + ", ".join(f"{name} {n}" for name, n in rows)


def _summary_slide(deck: Deck, build: Path, p) -> None:
    targets = _read(build, "tables", "samenvatting_doelen")
    status = _read(build, "tables", "samenvatting_status")
    slide = deck.slide(deck.t("slides.summary", year=p.year), deck.t("slides.source.summary"))
    notes = []
    if targets is not None:
        counts = targets["category"].value_counts()
        order = tracking.ALL_CATEGORIES
        rows = [[deck.t(f"category.{c}"), int(counts.get(c, 0))] for c in order]
        fills = [[_rgb(style.CATEGORY_COLOURS[c], 0.35), None] for c in order]
        notes.append(_counted(deck, deck.t("slides.targets_by_category"), rows))
        deck.text(
            slide,
            deck.t("slides.targets_by_category"),
            MARGIN,
            Inches(1.3),
            Inches(6),
            Inches(0.4),
            18,
            True,
        )
        deck.table(
            slide,
            [deck.t("report.col.category"), deck.t("slides.n_targets")],
            rows,
            Inches(1.8),
            [0.32, 0.14],
            14,
            fills,
        )
    if status is not None:
        counts = status["status"].value_counts()
        order = ["achieved", "in_progress", "delayed", "not_started", "dropped", "no_information"]
        rows = [[deck.t(f"status.{s}"), int(counts.get(s, 0))] for s in order]
        notes.append(_counted(deck, deck.t("slides.agreements_by_status"), rows))
        box_x = Inches(7.0)
        deck.text(
            slide,
            deck.t("slides.agreements_by_status"),
            box_x,
            Inches(1.3),
            Inches(6),
            Inches(0.4),
            18,
            True,
        )
        shape = slide.shapes.add_table(
            len(rows) + 1, 2, box_x, Inches(1.8), Inches(5.8), Inches(0.42) * (len(rows) + 1)
        )
        for r, values in enumerate(
            [[deck.t("report.col.status"), deck.t("slides.n_agreements")], *rows]
        ):
            for c, value in enumerate(values):
                cell = shape.table.cell(r, c)
                cell.text = str(value)
                cell.text_frame.paragraphs[0].font.size = Pt(14)
                cell.text_frame.paragraphs[0].font.bold = r == 0
    if p.monitoring is None:
        deck.text(
            slide,
            deck.t("report.summary.no_monitoring"),
            MARGIN,
            Inches(5.3),
            WIDTH - 2 * MARGIN,
            Inches(0.8),
            16,
        )
        notes.append(deck.t("report.summary.no_monitoring"))
    notes.append(f"{deck.t('report.caveat_prefix')} {deck.t('report.caveat.categories')}")
    deck.notes(slide, notes)


def _flag(value) -> bool:
    return value is not None and pd.notna(value) and bool(value)


def _category_text(deck: Deck, row) -> str:
    """A category in words as the PDF's summary shows it: '(handmatig)' when set by hand, the
    below-floor mark and the reason (the columns of tables/samenvatting_doelen.csv)."""
    text = deck.t(f"category.{row['category']}")
    if _flag(row.get("is_override")):
        text += f" ({deck.t('report.override_mark')})"
    if _flag(row.get("below_floor")):
        text += f"; {deck.t('report.below_floor')}"
    reason = row.get("reason")
    if isinstance(reason, str) and reason:
        text += f" – {reason}"
    return text


def _category_fill(row) -> RGBColor:
    if _flag(row.get("below_floor")):
        return _rgb(style.BELOW_FLOOR_COLOUR, 0.45)
    return _rgb(style.CATEGORY_COLOURS[row["category"]], 0.35)


def _key_targets_slide(deck: Deck, build: Path, p) -> None:
    targets = _read(build, "tables", "samenvatting_doelen")
    if targets is None:
        return
    slide = deck.slide(deck.t("slides.key_targets", year=p.year), deck.t("slides.source.summary"))
    rows, fills = [], []
    keyed = targets.set_index("target_id")
    for target_id in KEY_TARGETS:
        if target_id not in keyed.index:
            continue
        row = keyed.loc[target_id]
        rows.append(
            [
                row["target"],
                row["target_value"],
                row["actual_text"],
                _category_text(deck, row),
            ]
        )
        fills.append([None, _rgb("#EAF3FA"), None, _category_fill(row)])
    header = [
        deck.t("report.col.target_name"),
        deck.t("report.col.target_value"),
        deck.t("report.col.actual", year=p.year),
        deck.t("report.col.category"),
    ]
    deck.table(slide, header, rows, Inches(1.3), [0.42, 0.22, 0.14, 0.22], 13, fills)
    notes = [
        f"{name}: {header[1]} {goal}; {header[2]} {actual}; {what}"
        for name, goal, actual, what in rows
    ]
    deck.notes(
        slide, [*notes, f"{deck.t('report.caveat_prefix')} {deck.t('report.caveat.categories')}"]
    )


def _line_chart(slide, categories, series, x, y, w, h, lang, pct=True):
    """A native line chart; `series`: list of (name, values, colour hex, dash, width pt, markers)."""
    data = CategoryChartData()
    data.categories = [str(c) for c in categories]
    for name, values, *_ in series:
        data.add_series(name, [None if pd.isna(v) else float(v) for v in values])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, x, y, w, h, data).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    axis = chart.value_axis
    axis.tick_labels.font.size = Pt(12)
    axis.tick_labels.number_format = labels.t("slides.pct_format", lang) if pct else "#,##0"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    chart.category_axis.tick_labels.font.size = Pt(12)
    for plot_series, (_, _, colour, dash, width, markers) in zip(chart.series, series, strict=True):
        line = plot_series.format.line
        line.color.rgb = _rgb(colour)
        line.width = Pt(width)
        if dash:
            line.dash_style = dash
        plot_series.smooth = False
        plot_series.marker.style = XL_MARKER_STYLE.CIRCLE if markers else XL_MARKER_STYLE.NONE
        if markers:
            plot_series.marker.format.fill.solid()
            plot_series.marker.format.fill.fore_color.rgb = _rgb(colour)
    return chart


def _share_slide(deck: Deck, build: Path, p) -> None:
    data = _read(build, "figures", "aandeel_sociale_huur")
    if data is None:
        return
    slide = deck.slide(deck.t("slides.share", scenario=p.scenario), deck.t("slides.source.share"))
    t = deck.t
    series = [
        (t("slides.floor_25"), data["target_low"], "#000000", MSO_LINE_DASH_STYLE.DASH, 2.0, False),
        (
            t("slides.aim_30"),
            data["target_high"],
            "#000000",
            MSO_LINE_DASH_STYLE.ROUND_DOT,
            2.0,
            False,
        ),
        ("P10", data["p10"], style.SCENARIO_COLOUR, MSO_LINE_DASH_STYLE.DASH, 1.0, False),
        ("P50", data["p50"], style.SCENARIO_COLOUR, None, 2.5, True),
        ("P90", data["p90"], style.SCENARIO_COLOUR, MSO_LINE_DASH_STYLE.DASH, 1.0, False),
    ]
    if data["share_pct"].notna().any():
        series.append((t("plot.share.actual"), data["share_pct"], "#000000", None, 2.5, True))
    chart = _line_chart(
        slide, data["year"], series, MARGIN, Inches(1.3), Inches(8.6), Inches(5.2), deck.lang
    )
    low = min(
        data[["p10", "target_low"]].min().min(),
        data["share_pct"].min(skipna=True) if data["share_pct"].notna().any() else 99,
    )
    chart.value_axis.minimum_scale = max(0, int(low) - 2)
    chart.value_axis.maximum_scale = 32
    end = data.iloc[-1]
    notes = [
        t(
            "slides.share.end",
            year=int(end["year"]),
            p50=_fmt(end["p50"], deck.lang, True),
            p10=_fmt(end["p10"], deck.lang, True),
            p90=_fmt(end["p90"], deck.lang, True),
        ),
        t("slides.share.band"),
    ]
    if not data["share_pct"].notna().any():
        notes.append(t("plot.no_realisation"))
    deck.text(slide, notes, Inches(9.3), Inches(1.5), Inches(3.6), Inches(4.5), 16)
    caveats = [t("report.caveat.base_year"), t("report.caveat.monte_carlo")]
    deck.notes(slide, [*notes, *(f"{t('report.caveat_prefix')} {c}" for c in caveats)])


def _scenarios_slide(deck: Deck, build: Path, p) -> None:
    table = _read(build, "tables", "scenarios")
    lines = _read(build, "figures", "scenarios")
    if table is None or lines is None:
        return
    slide = deck.slide(
        deck.t("slides.scenarios", year=int(table["year"].max())), deck.t("slides.source.scenarios")
    )
    wide = lines.pivot(index="year", columns="scenario", values="share_pct")
    names = list(dict.fromkeys(lines["scenario"]))
    series = [
        (
            deck.t("slides.floor_25"),
            [25.0] * len(wide),
            "#000000",
            MSO_LINE_DASH_STYLE.DASH,
            2.0,
            False,
        ),
        (
            deck.t("slides.aim_30"),
            [30.0] * len(wide),
            "#000000",
            MSO_LINE_DASH_STYLE.ROUND_DOT,
            2.0,
            False,
        ),
    ]
    for i, name in enumerate(names):
        series.append(
            (
                name,
                wide[name],
                style.SCENARIO_COLOURS[i % len(style.SCENARIO_COLOURS)],
                None,
                3.0 if name == p.scenario else 1.75,
                True,
            )
        )
    chart = _line_chart(
        slide, wide.index, series, MARGIN, Inches(1.3), Inches(6.6), Inches(5.2), deck.lang
    )
    chart.value_axis.minimum_scale = 23
    rows = [
        [
            r.scenario,
            _fmt(r.share_pct, deck.lang, True),
            f"{_fmt(r.p10, deck.lang, True)} – {_fmt(r.p90, deck.lang, True)}",
            labels.fmt_pct(r.chance_30_pct, deck.lang, 0),
        ]
        for r in table.itertuples()
    ]
    header = [
        deck.t("report.col.scenario"),
        deck.t("report.col.share_end"),
        "P10 – P90",
        deck.t("report.col.chance_30"),
    ]
    shape = slide.shapes.add_table(
        len(rows) + 1, 4, Inches(7.3), Inches(1.4), Inches(5.6), Inches(0.42) * (len(rows) + 1)
    )
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = shape.table.cell(r, c)
            cell.text = str(value)
            cell.text_frame.paragraphs[0].font.size = Pt(12)
            cell.text_frame.paragraphs[0].font.bold = r == 0
    solution = _read(build, "tables", "wat_is_nodig")
    if solution is not None and len(solution):
        deck.text(
            slide,
            [str(t) for t in solution["text"]],
            Inches(7.3),
            Inches(4.5),
            Inches(5.6),
            Inches(2.2),
            11,
        )
    lines = [f"{r[0]}: {header[1]} {r[1]}, {header[2]} {r[2]}, {header[3]} {r[3]}" for r in rows]
    if solution is not None:
        lines += [str(text) for text in solution["text"]]
    caveat = f"{deck.t('report.caveat_prefix')} {deck.t('report.caveat.monte_carlo')}"
    deck.notes(slide, [*lines, caveat, deck.t("slides.notes.scenarios")])


def _pipeline_slide(deck: Deck, build: Path, p) -> None:
    data, text = _read(build, "figures", "pijplijn"), _read(build, "tables", "pijplijn_tekst")
    if data is None or text is None:
        return
    year = int(data["year"].max())
    slide = deck.slide(deck.t("slides.pipeline", year=year), deck.t("slides.source.pipeline"))
    n = lambda v: labels.fmt_number(v, deck.lang)  # noqa: E731
    rows = [
        [
            str(r.year),
            n(r.expected),
            n(r.cumulative_expected),
            f"{n(r.cumulative_p10)} – {n(r.cumulative_p90)}",
            n(r.gap),
        ]
        for r in data[data["year"] >= p.year].itertuples()  # from the report year: fits the slide
    ]
    header = [
        deck.t("report.col.year"),
        deck.t("report.col.social_expected"),
        deck.t("report.col.cumulative"),
        "P10 – P90",
        deck.t("report.col.woondeal_gap"),
    ]
    deck.table(slide, header, rows, widths=[0.12, 0.22, 0.22, 0.22, 0.22], size=12)
    deck.bullets(slide, list(text["text"]), y=TOP + Inches(0.42) * (len(rows) + 1.4), size=13)
    # the numbers to say: the slide's own sentences and table rows, not recomputed
    deck.notes(slide, [*text["text"], *(" · ".join(h_v) for h_v in _row_notes(header, rows))])


def _row_notes(header: list[str], rows: list[list[str]]):
    return ([f"{h}: {v}" for h, v in zip(header, row, strict=True)] for row in rows)


def _annex_slide(deck: Deck, build: Path, p, annex: int, name: str) -> None:
    data = _read(build, "figures", name)
    if data is None or data.empty:
        return
    slide = deck.slide(deck.t(f"slides.annex{annex}"), deck.t(f"slides.source.annex{annex}"))
    corporations = list(dict.fromkeys(data["corporation"]))
    years = sorted(data["year"].unique())
    chart_data = CategoryChartData()
    chart_data.categories = corporations
    specs = []
    for i, year in enumerate(years):
        rows = data[data["year"] == year].set_index("corporation")
        chart_data.add_series(
            deck.t("slides.plan_year", year=int(year)),
            [None if c not in rows.index else float(rows.at[c, "planned"]) for c in corporations],
        )
        specs.append(("plan", 0.55 - 0.25 * i))
    has_actual = data["realised"].notna().any()
    if has_actual:
        for year in years:
            rows = data[data["year"] == year].set_index("corporation")
            chart_data.add_series(
                deck.t("slides.realised_year", year=int(year)),
                [
                    None
                    if c not in rows.index or pd.isna(rows.at[c, "realised"])
                    else float(rows.at[c, "realised"])
                    for c in corporations
                ],
            )
            specs.append(("realised", 0.0))
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, MARGIN, Inches(1.3), Inches(8.6), Inches(5.2), chart_data
    ).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    chart.value_axis.tick_labels.font.size = Pt(12)
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    chart.category_axis.tick_labels.font.size = Pt(12)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(11)
    plot.data_labels.number_format = "#,##0"
    plot.data_labels.number_format_is_linked = False
    for series, (kind, tint) in zip(chart.series, specs, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb("#7F7F7F", tint)
        for i, corporation in enumerate(corporations):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(style.corporation_colour(corporation), tint)
            point.format.line.color.rgb = (
                RGBColor(0, 0, 0) if kind == "plan" else _rgb(style.corporation_colour(corporation))
            )
            point.format.line.width = Pt(1.25 if kind == "plan" else 0.5)
    notes = [deck.t(f"slides.annex{annex}.target"), *_annex_notes(deck, build, name, has_actual)]
    deck.text(slide, notes, Inches(9.3), Inches(1.5), Inches(3.6), Inches(4.8), 16)
    if not has_actual:
        notes.append(f"{deck.t('report.caveat_prefix')} {deck.t('report.caveat.plans_only')}")
    deck.notes(slide, notes)


def _annex_notes(deck: Deck, build: Path, name: str, has_actual: bool) -> list[str]:
    """The plan and realised totals of the PDF's annex table: its total row, computed from
    tables/<name>.csv by the function that made the PDF's (so the two cannot disagree)."""
    wide = _read(build, "tables", name)
    if wide is None:
        return []
    total = annex_totals(wide, deck.lang)
    years = [c[8:] for c in wide.columns if c.startswith("planned_") and c[-4:].isdigit()]
    notes = [
        deck.t("slides.plan_total_year", year=y, total=_fmt(total[f"planned_{y}"], deck.lang))
        for y in years
        if f"planned_{y}" in total
    ]
    if name != "zonnepanelen":  # cumulative counts: the last year is the total
        notes.append(deck.t("slides.plan_total", total=_fmt(total["planned_total"], deck.lang)))
    if not has_actual:
        notes.append(deck.t("slides.realised_none"))
    else:
        realised = total["realised_total"]
        notes.append(deck.t("slides.realised_total", total=_fmt(realised, deck.lang)))
        if pd.isna(realised):
            notes.append(deck.t("slides.realised_incomplete"))
    return notes


def _account_slide(deck: Deck, build: Path, p) -> None:
    """The social-stock account: the waterfall and, per year, the all-corporations row."""
    table = _read(build, "tables", "voorraadmutaties")
    steps = _read(build, "figures", "voorraadmutaties")
    if table is None or table.empty:
        return
    slide = deck.slide(deck.t("slides.account"), deck.t("slides.source.account"))
    picture = build / "figures" / "voorraadmutaties.png"
    if steps is not None and not steps.empty and picture.exists():
        slide.shapes.add_picture(str(picture), MARGIN, Inches(1.4), width=Inches(8.6))
    estimated = set() if steps is None else set(steps.loc[steps["start_estimated"], "year"])
    lines = []
    for r in table[table["corporation"] == stock.TOTAL].to_dict("records"):
        missing = [c for c in account.NUMBER_COLUMNS if pd.isna(r[c])]
        inputs = [c for c in missing if c not in ("net_change", "stock_end_expected", "difference")]
        if inputs:
            names = ", ".join(account.column_label(c, deck.lang, signed=False) for c in inputs)
            lines.append(deck.t("slides.account.incomplete", year=int(r["year"]), missing=names))
            continue
        lines.append(
            deck.t(
                "slides.account.total",
                year=int(r["year"]),
                start=_fmt(r["stock_start"], deck.lang),
                expected=_fmt(r["stock_end_expected"], deck.lang),
                reported=_fmt(r["stock_end_reported"], deck.lang),
                difference=_fmt(r["difference"], deck.lang),
                estimate=deck.t("slides.account.estimate") if r["year"] in estimated else "",
            )
        )
    deck.text(slide, lines, Inches(9.3), Inches(1.5), Inches(3.6), Inches(4.8), 15)
    deck.notes(slide, lines)  # the numbers to say are the slide's own lines


def _attention_slide(deck: Deck, build: Path, p) -> None:
    targets = _read(build, "tables", "samenvatting_doelen")
    status = _read(build, "tables", "samenvatting_status")
    slide = deck.slide(deck.t("slides.attention"), deck.t("slides.source.summary"))
    items = []
    if targets is not None:
        below = targets.get("below_floor", pd.Series(False, index=targets.index))
        attention = targets["category"].isin(ATTENTION_CATEGORIES) | below.fillna(False).astype(
            bool
        )
        for _, r in targets[attention].iterrows():
            items.append(f"{r['target']}: {r['target_value']}; {_category_text(deck, r)}")
    if status is not None:
        for r in status[status["status"].isin(ATTENTION_STATUSES)].itertuples():
            explanation = "" if pd.isna(r.explanation) else f" – {r.explanation}"
            items.append(
                f"{deck.t('slides.agreement')} {r.agreement_id}: {deck.t('status.' + r.status)}{explanation}"
            )
    if not items:
        unknown = int((status["status"] == "no_information").sum()) if status is not None else 0
        no_data = int((targets["category"] == "no_data").sum()) if targets is not None else 0
        items = [
            deck.t("slides.attention.none"),
            deck.t("slides.attention.unknown", agreements=unknown, targets=no_data),
        ]
    deck.bullets(slide, items[:12], size=16 if len(items) <= 8 else 13)
    more = [deck.t("slides.notes.more", shown=12, n=len(items))] if len(items) > 12 else []
    deck.notes(slide, more + items)  # every item, also those the slide has no room for


def _status_slide(deck: Deck, build: Path, p) -> None:
    status = _read(build, "tables", "samenvatting_status")
    if status is None:
        return
    slide = deck.slide(deck.t("slides.status", year=p.year), deck.t("slides.source.agreements"))
    order = ["achieved", "in_progress", "delayed", "not_started", "dropped", "no_information"]
    header = [deck.t("report.col.theme"), deck.t("report.col.agreements_target")] + [
        deck.t(f"status.{s}") for s in order
    ]
    rows = []
    for theme_id, group in status.groupby("theme_id"):
        counts = group["status"].value_counts()
        rows.append(
            [deck.t(f"report.theme.{int(theme_id)}"), len(group)]
            + [int(counts.get(s, 0)) for s in order]
        )
    counts = status["status"].value_counts()
    rows.append([deck.t("report.total"), len(status)] + [int(counts.get(s, 0)) for s in order])
    fills = [[None, _rgb("#EAF3FA")] + [None] * len(order) for _ in rows]
    deck.table(slide, header, rows, Inches(1.4), [0.25, 0.15] + [0.1] * len(order), 12, fills)
    total = rows[-1]
    deck.notes(
        slide, [_counted(deck, f"{total[0]} ({total[1]})", zip(header[2:], total[2:], strict=True))]
    )


def _assumptions_slide(deck: Deck, build: Path, p) -> None:
    notes = _read(build, "tables", "aannames")
    if notes is None:
        return
    items = list(notes["text"])
    # every assumption is shown: in a smaller font, and over more slides when they are long
    size, pages = deck.bullet_layout(items)
    for i, page in enumerate(pages):
        title = deck.t("slides.assumptions" if i == 0 else "slides.assumptions_more")
        slide = deck.slide(title, deck.t("slides.source.scenarios"))
        deck.bullets(slide, page, size=size)
        deck.notes(slide, [deck.t("slides.notes.assumptions", n=len(items))])


def _sources_slide(deck: Deck, p) -> None:
    slide = deck.slide(deck.t("slides.sources"))
    deck.bullets(slide, [*deck.meta["basis"], deck.t("slides.sources.more")], size=16)
    deck.notes(slide, [deck.t("slides.notes.sources")])


def build_deck(build: Path, meta: dict, p, template: Path | None = None) -> Path:
    """Write slides.pptx into the report directory `build` from its tables/ and figures/, on the
    master and layouts of `template` (default: deck-template.pptx)."""
    build = Path(build)
    deck = Deck(meta, p.lang, template or getattr(p, "slide_template", None))
    _title_slide(deck, p)
    _summary_slide(deck, build, p)
    _key_targets_slide(deck, build, p)
    _share_slide(deck, build, p)
    _scenarios_slide(deck, build, p)
    _pipeline_slide(deck, build, p)
    _annex_slide(deck, build, p, 2, "nieuwbouw_sociaal")
    _annex_slide(deck, build, p, 3, "label_b")
    _annex_slide(deck, build, p, 4, "zonnepanelen")
    _account_slide(deck, build, p)
    _attention_slide(deck, build, p)
    _status_slide(deck, build, p)
    _assumptions_slide(deck, build, p)
    _sources_slide(deck, p)
    props = deck.prs.core_properties
    props.title = labels.t("report.title", p.lang, year=p.year)
    props.author = props.last_modified_by = "afspraken-analysis"
    # the data date, not the clock, in the core properties, the zip and the chart workbooks
    when = reproducible.epoch(meta["data_date"])
    props.created = props.modified = when
    props.revision = 1
    target = build / "slides.pptx"
    blob = io.BytesIO()
    deck.prs.save(blob)
    target.write_bytes(reproducible.stable_zip(blob.getvalue(), when))
    return target
