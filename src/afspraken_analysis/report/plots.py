"""Every chart of the report, in the house style of `afspraken_analysis.style`.

Every chart of the report is drawn by a function of this module and saved with :func:`show`,
which writes the figure as PNG (print resolution) and SVG, next to a CSV of exactly the data
the chart shows (`figurefiles`), and returns the figure with its caption (title, source line,
caveats) for the notebook and the PDF.
"""

from __future__ import annotations

import base64
import html
import textwrap
from functools import partial

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from afspraken_analysis import labels
from afspraken_analysis.style import (
    ACTUAL_COLOUR,
    BAND_COLOUR,
    CATEGORY_COLOURS,
    CM,
    GREY,
    LIGHT_GREY,
    OKABE_ITO,
    SCENARIO_COLOUR,
    SCENARIO_COLOURS,
    SCENARIO_STYLES,
    TARGET_COLOUR,
    WIDTH,
    corporation_colour,
    style,
)

from .alttext import (
    _describe,
    alt_corporation_panels,
    alt_plan_vs_actual,
    alt_progress,
    alt_scenario_lines,
    alt_text,
    alt_trajectory,
)
from .blocks import Html, caption_html
from .figurefiles import save


def new_figure(height_cm: float = 8.5, ncols: int = 1, width_cm: float | None = None, **kw):
    """A figure of the house size (without pyplot: nothing is displayed twice)."""
    with style():
        fig = Figure(figsize=((width_cm * CM) if width_cm else WIDTH, height_cm * CM))
        axes = fig.subplots(1, ncols, squeeze=False, **kw)[0]
    return fig, axes


def fmt_axis(ax, lang: str, pct: bool = False) -> None:
    """Dutch or English thousands separators (and percent signs) on the y axis."""
    from matplotlib.ticker import FuncFormatter

    if pct:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: labels.fmt_pct(v, lang, 0)))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: labels.fmt_number(v, lang)))


def target_band(ax, low: float | None, high: float | None, label: str) -> None:
    """A target band (low-high) or line (one value) across the whole x range."""
    if low is not None and high is not None and low != high:
        ax.axhspan(low, high, color=BAND_COLOUR, alpha=0.8, zorder=0, lw=0, label=label)
        ax.axhline(low, color=TARGET_COLOUR, lw=1.2, ls="--", zorder=3)
        ax.axhline(high, color=TARGET_COLOUR, lw=1.0, ls=":", zorder=3)
    else:
        value = low if low is not None else high
        ax.axhline(value, color=TARGET_COLOUR, lw=1.2, ls="--", zorder=3, label=label)


def _note(ax, text: str) -> None:
    ax.text(
        0.99,
        0.97,
        text,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=8,
        style="italic",
        color="#444444",
        bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": LIGHT_GREY},
        zorder=5,
    )


def mark_example(fig, lang: str) -> None:
    """Mark a figure made from fictitious example data, in a line of its own above everything
    drawn (titles, legends), so that it never covers a panel title."""
    with style():
        box = fig.get_tightbbox()
    fig.text(
        box.x1 / fig.get_figwidth(),
        (box.y1 + 4 / 72) / fig.get_figheight(),  # 4 pt above the topmost text
        labels.t("plot.example_data", lang),
        ha="right",
        va="bottom",
        fontsize=8,
        color=OKABE_ITO["vermillion"],
        weight="bold",
    )


def plan_vs_actual(
    data: pd.DataFrame,
    *,
    group: str,
    period: str,
    plan: str,
    actual: str,
    lang: str,
    title: str,
    ylabel: str,
    plan_label: str,
    actual_label: str,
    colour: str | None = None,
    height_cm: float = 8.5,
    ax=None,
    compact: bool = False,
):
    """Bars per group (corporation) and period: realisation filled, plan as target tick.

    Without any realisation the bars show the plan, hatched and light, with the note that no
    realisation data was supplied. Returns the figure (or None when drawing into `ax`).
    """
    with style():
        fig = None
        if ax is None:
            fig, (ax,) = new_figure(height_cm)
        groups = list(dict.fromkeys(data[group]))
        periods = sorted(data[period].unique())
        width = 0.8 / len(periods)
        has_actual = data[actual].notna().any()
        top = 0.0
        labelled = []  # (x, bar height, plan) of every bar, labelled once the y scale is known
        for gi, name in enumerate(groups):
            c = colour or corporation_colour(name)
            rows = data[data[group] == name].set_index(period)
            for pi, per in enumerate(periods):
                if per not in rows.index:
                    continue
                x = gi - 0.4 + width * (pi + 0.5)
                planned = rows.at[per, plan]
                done = rows.at[per, actual]
                shade = 0.55 + 0.45 * (pi + 1) / len(periods)
                if pd.notna(done):
                    ax.bar(x, done, width * 0.9, color=c, alpha=shade, zorder=2)
                elif pd.notna(planned):
                    ax.bar(
                        x,
                        planned,
                        width * 0.9,
                        facecolor="white",
                        edgecolor=c,
                        hatch="///",
                        lw=1.0,
                        zorder=2,
                    )
                if pd.notna(planned):
                    ax.plot(
                        [x - width * 0.5, x + width * 0.5],
                        [planned, planned],
                        color=TARGET_COLOUR,
                        lw=2,
                        solid_capstyle="butt",
                        zorder=4,
                    )
                    top = max(top, float(planned), float(done) if pd.notna(done) else 0)
                shown = done if pd.notna(done) else planned
                if pd.notna(shown):
                    labelled.append(
                        (x, float(shown), float(planned) if pd.notna(planned) else None)
                    )
                if compact:
                    continue
                ax.text(
                    x,
                    -0.02,
                    str(per),
                    transform=ax.get_xaxis_transform(),
                    ha="center",
                    va="top",
                    fontsize=7,
                    color="#444444",
                )
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([textwrap.fill(str(g), 14) for g in groups])
        ax.tick_params(axis="x", length=0, pad=3 if compact else 12)
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylim(0, top * 1.18 if top else 1)
        _bar_labels(ax, labelled, top * 1.18 if top else 1, lang)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        fmt_axis(ax, lang)
        handles = [Line2D([], [], color=TARGET_COLOUR, lw=2, label=plan_label)]
        if has_actual:
            handles.append(Patch(color=GREY, label=actual_label))
        else:
            handles.append(
                Patch(
                    facecolor="white",
                    edgecolor=GREY,
                    hatch="///",
                    label=labels.t("plot.no_realisation", lang),
                )
            )
        if not compact:
            # a row between title and plot: a legend inside the axes covered the tallest bar
            ax.legend(
                handles=handles,
                loc="lower left",
                bbox_to_anchor=(0, 1.0),
                ncols=len(handles),
                borderaxespad=0.2,
            )
            ax.set_title(title, pad=20)
    _describe(
        fig,
        partial(
            alt_plan_vs_actual,
            group=group,
            period=period,
            plan=plan,
            actual=actual,
            lang=lang,
            title=title,
            unit=ylabel,
        ),
    )
    return fig


def _bar_labels(ax, bars, ymax: float, lang: str) -> None:
    """Each bar's value on top of its own bar. Only when the plan tick sits right above the bar
    (closer than a label's height) does the label go above the tick, so the two never overlap."""
    clearance = 0.07 * ymax  # about one label height at the house figure sizes
    for x, height, plan in bars:
        y = height
        if plan is not None and height <= plan < height + clearance:
            y = plan
        ax.annotate(
            labels.fmt_number(height, lang),
            (x, y),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
        )


def trajectory(
    data: pd.DataFrame,
    *,
    lang: str,
    title: str,
    ylabel: str,
    band: tuple[float, float],
    band_label: str,
    actual_label: str,
    fan_label: str | None = None,
    median_label: str | None = None,
    x: str = "year",
    actual: str = "share_pct",
    p10: str = "p10",
    p50: str = "p50",
    p90: str = "p90",
    height_cm: float = 8.5,
    no_data_note: str | None = None,
):
    """A percentage over the years against a target band, with an optional P10-P90 fan."""
    with style():
        fig, (ax,) = new_figure(height_cm)
        target_band(ax, band[0], band[1], band_label)
        values = [band[0], band[1]]
        if p10 in data and data[p10].notna().any():
            fan = data.dropna(subset=[p10, p90])
            ax.fill_between(
                fan[x], fan[p10], fan[p90], color=SCENARIO_COLOUR, alpha=0.25, lw=0, label=fan_label
            )
            ax.plot(fan[x], fan[p50], color=SCENARIO_COLOUR, lw=1.8, label=median_label)
            values += list(fan[p10]) + list(fan[p90])
        if actual in data and data[actual].notna().any():
            seen = data.dropna(subset=[actual])
            ax.plot(
                seen[x],
                seen[actual],
                color=ACTUAL_COLOUR,
                marker="o",
                ms=4,
                lw=1.5,
                label=actual_label,
                zorder=5,
            )
            for xv, yv in zip(seen[x], seen[actual], strict=True):
                ax.annotate(
                    labels.fmt_pct(yv, lang),
                    (xv, yv),
                    xytext=(0, 6),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7.5,
                )
            values += list(seen[actual])
        elif no_data_note:
            _note(ax, no_data_note)
        lo, hi = min(values), max(values)
        pad = max(2.0, (hi - lo) * 0.15)
        ax.set_ylim(max(0, lo - pad), hi + pad)
        ax.set_xlim(data[x].min() - 0.3, data[x].max() + 0.3)
        ax.set_xticks(sorted(data[x].unique()))
        ax.set_xticklabels([str(v) for v in sorted(data[x].unique())])
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        fmt_axis(ax, lang, pct=True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=4)
    _describe(
        fig,
        partial(
            alt_trajectory,
            lang=lang,
            title=title,
            band=band,
            x=x,
            actual=actual,
            p10=p10,
            p50=p50,
            p90=p90,
        ),
    )
    return fig


def progress(
    data: pd.DataFrame,
    *,
    lang: str,
    title: str,
    label: str = "label",
    pct: str = "progress_pct",
    category: str = "category",
    height_cm: float | None = None,
):
    """Horizontal bars: progress towards each target in percent, the target at 100 %."""
    with style():
        fig, (ax,) = new_figure(height_cm or max(4.0, 0.75 * len(data) + 2))
        rows = data.iloc[::-1]
        y = range(len(rows))
        colours = [CATEGORY_COLOURS.get(c, GREY) for c in rows[category]]
        ax.barh(list(y), rows[pct].fillna(0), color=colours, height=0.6, zorder=2)
        ax.axvline(100, color=TARGET_COLOUR, lw=1.2, ls="--", zorder=3)
        ax.set_yticks(list(y))
        ax.set_yticklabels(rows[label])
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_title(title)
        ax.xaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: labels.fmt_pct(v, lang, 0))
        )
    _describe(fig, partial(alt_progress, lang=lang, title=title, label=label, pct=pct))
    return fig


def scenario_lines(
    data: pd.DataFrame,
    *,
    lang: str,
    title: str,
    ylabel: str,
    band: tuple[float, float],
    band_label: str,
    selected: str | None = None,
    height_cm: float = 8.5,
):
    """The share per year for every scenario (one line each) against the target band."""
    with style():
        fig, (ax,) = new_figure(height_cm)
        target_band(ax, band[0], band[1], band_label)
        values = list(band)
        for i, (name, rows) in enumerate(data.groupby("scenario", sort=False)):
            ax.plot(
                rows["year"],
                rows["share_pct"],
                color=SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
                ls=SCENARIO_STYLES[i % len(SCENARIO_STYLES)],
                lw=2.4 if name == selected else 1.5,
                marker="o",
                ms=3,
                label=name,
            )
            last = rows.iloc[-1]
            if name != selected:
                values += list(rows["share_pct"])
                continue
            ax.annotate(
                labels.fmt_pct(last["share_pct"], lang),
                (last["year"], last["share_pct"]),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
                color=SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
            )
            values += list(rows["share_pct"])
        lo, hi = min(values), max(values)
        ax.set_ylim(max(0, lo - 1.5), hi + 1.5)
        years = sorted(data["year"].unique())
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years])
        ax.set_xlim(years[0] - 0.3, years[-1] + 0.9)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        fmt_axis(ax, lang, pct=True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=5)
    _describe(
        fig, partial(alt_scenario_lines, lang=lang, title=title, band=band, selected=selected)
    )
    return fig


def _empty_panel(ax, text: str) -> None:
    """A panel with nothing to draw: `text` in its middle, no axes."""
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=8,
        style="italic",
        color="#444444",
    )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def corporation_panels(data: pd.DataFrame, corporation: str, *, lang: str, height_cm: float = 6.0):
    """Three small panels for one corporation: annexes 2, 3 and 4, plan against realisation."""
    with style():
        fig, axes = new_figure(height_cm, ncols=3)
        for ax, annex in zip(axes, (2, 3, 4), strict=True):
            rows = data[data["annex"] == annex]
            if rows.empty:
                ax.set_title(
                    textwrap.fill(labels.t(f"plot.panel.annex{annex}", lang), 24), fontsize=8.5
                )
                _empty_panel(ax, labels.t("plot.not_in_annex", lang, annex=annex))
                continue
            plan_vs_actual(
                rows.assign(label=rows["year"].astype(str)),
                group="label",
                period="year",
                plan="planned",
                actual="realised",
                lang=lang,
                title=textwrap.fill(labels.t(f"plot.panel.annex{annex}", lang), 24),
                ylabel="",
                plan_label=labels.t("plot.plan", lang),
                actual_label=labels.t("plot.realised", lang),
                colour=corporation_colour(corporation),
                ax=ax,
                compact=True,
            )
            ax.title.set_fontsize(8.5)
        handles = [Line2D([], [], color=TARGET_COLOUR, lw=2, label=labels.t("plot.plan", lang))]
        if data["realised"].notna().any():
            handles.append(
                Patch(color=corporation_colour(corporation), label=labels.t("plot.realised", lang))
            )
        else:
            handles.append(
                Patch(
                    facecolor="white",
                    edgecolor=corporation_colour(corporation),
                    hatch="///",
                    label=labels.t("plot.no_realisation", lang),
                )
            )
        fig.legend(handles=handles, loc="lower center", ncols=2, bbox_to_anchor=(0.5, -0.02))
        fig.subplots_adjust(wspace=0.35, bottom=0.2)
    _describe(fig, partial(alt_corporation_panels, corporation=corporation, lang=lang))
    return fig


# ---------------------------------------------------------------- saving and showing


def pipeline_social(data: pd.DataFrame, *, lang: str, title: str, height_cm: float = 6.5):
    """Social-rent homes from the pipeline: expected per year (bars), cumulated (line, P10-P90
    band) and the Woondeal's number (dashed line)."""
    with style():
        fig, (ax,) = new_figure(height_cm)
        years = data["year"]
        target = float(data["woondeal_social"].iloc[0])
        ax.bar(
            years,
            data["expected"],
            color=SCENARIO_COLOUR,
            alpha=0.45,
            width=0.6,
            label=labels.t("plot.pipeline.yearly", lang),
        )
        ax.fill_between(
            years,
            data["cumulative_p10"],
            data["cumulative_p90"],
            color=BAND_COLOUR,
            lw=0,
            label=labels.t("plot.pipeline.band", lang),
        )
        ax.plot(
            years,
            data["cumulative_expected"],
            color=SCENARIO_COLOUR,
            marker="o",
            ms=3,
            label=labels.t("plot.pipeline.cumulative", lang),
        )
        ax.axhline(
            target,
            color=TARGET_COLOUR,
            lw=1.2,
            ls="--",
            label=labels.t("plot.pipeline.woondeal", lang, target=labels.fmt_number(target, lang)),
        )
        ax.set_ylim(0, target * 1.08)
        ax.set_xticks(list(years))
        ax.set_xticklabels([str(y) for y in years])
        ax.set_ylabel(labels.t("plot.pipeline.ylabel", lang))
        ax.set_title(title)
        fmt_axis(ax, lang)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=4)
    return fig


def show(
    fig,
    name: str,
    data: pd.DataFrame,
    p,
    *,
    title: str,
    source: str,
    caveats=(),
):
    """Save the figure (PNG, SVG, CSV of `data`) and return it with its caption for display.

    `p`: the notebook's validated parameters (language, output directory, example data).
    """
    if p.is_example:
        mark_example(fig, p.lang)
    png = base64.b64encode(save(fig, name, data, p.output_dir)).decode("ascii")
    alt = alt_text(fig, data, title)
    if p.is_example:
        alt = f"{labels.t('plot.example_data', p.lang)}: {alt}"
    return Html(
        f'<figure class="chart" id="fig-{html.escape(name)}">'
        f'<img alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{png}"/>'
        f"{caption_html(title, source, caveats, p.lang, kind='figure')}</figure>"
    )


def waterfall(
    data: pd.DataFrame, *, lang: str, title: str, ylabel: str, axis_note: str, empty_note: str
):
    """One panel per year: the start stock, each flow as a floating bar (up green, down
    vermillion), the expected and the reported end stock. The axis is cut near the stocks, since
    the flows are small beside them (`axis_note` says so)."""
    years = sorted(data["year"].unique()) if not data.empty else []
    with style():
        fig, axes = new_figure(7.5, ncols=max(1, len(years)), sharey=True)
        if not years:  # no axes with made-up ticks: the panel says what is missing
            _empty_panel(axes[0], empty_note)
            axes[0].set_title(title)
            return fig
        levels = data[data["kind"] != "flow"]["value"]
        spread = max(float(data["high"].max() - data[data["kind"] == "flow"]["low"].min()), 1.0)
        low = min(float(levels.min()), float(data[data["kind"] == "flow"]["low"].min()))
        size = 7 if len(years) == 1 else 5.5  # side by side, the panels' bars are narrower
        for ax, year in zip(axes, years, strict=True):
            rows = data[data["year"] == year].reset_index(drop=True)
            colours = [_waterfall_colour(r.kind, r.value) for r in rows.itertuples()]
            x = range(len(rows))
            ax.bar(list(x), rows["high"] - rows["low"], bottom=rows["low"], color=colours, zorder=2)
            for i, r in enumerate(rows.itertuples()):
                text = labels.fmt_number(r.value, lang)
                if r.kind == "flow" and r.value > 0:
                    text = "+" + text
                ax.text(i, r.high + spread * 0.03, text, ha="center", va="bottom", fontsize=size)
            ax.set_xticks(list(x))
            ax.set_xticklabels(rows["label"], rotation=45, ha="right", fontsize=7)
            ax.set_title(str(year))
            ax.grid(axis="x", visible=False)
        axes[0].set_ylim(low - spread * 0.6, float(data["high"].max()) + spread * 0.4)
        axes[0].set_ylabel(ylabel)
        fmt_axis(axes[0], lang)
        _note(axes[-1], axis_note)
        # above the figure's top edge (the saved figure's tight box takes it in), so that it
        # never runs into the panels' year titles
        fig.suptitle(title, x=0.01, y=1.0, ha="left", va="bottom")
    return fig


def _waterfall_colour(kind: str, value: float) -> str:
    if kind == "flow":
        return OKABE_ITO["bluish_green"] if value >= 0 else OKABE_ITO["vermillion"]
    return ACTUAL_COLOUR if kind == "reported" else GREY
