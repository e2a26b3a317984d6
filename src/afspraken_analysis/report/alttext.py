"""The alternative text of every chart: what it shows, in numbers, for readers who cannot see it.

Each describer reads the very frame that `plots.show` writes as the figure's CSV (one number,
one source); long series are summarised by first, last, lowest and highest value.
"""

from __future__ import annotations

import weakref
from functools import partial

import pandas as pd

from afspraken_analysis import labels

# The alternative text of each figure: a function of the frame that `show` writes as the figure's
# CSV, registered by the chart function that drew it (one number, one source).
_ALT_TEXT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _describe(fig, describer) -> None:
    """Register `describer(frame) -> str` as the alternative text of `fig` (None: drawn into an ax)."""
    if fig is not None:
        _ALT_TEXT[fig] = describer


#
# What each chart shows, in numbers, for readers who cannot see it (the PDF's /Alt). Every
# describer reads the frame written as the figure's CSV; long series are summarised.

SERIES_LISTED = 4  # series up to this length are read out in full, longer ones summarised


def alt_text(fig, data: pd.DataFrame, fallback: str) -> str:
    """The alternative text of `fig`, from `data` (its CSV frame); `fallback` for other charts."""
    describe = _ALT_TEXT.get(fig)
    return describe(data) if describe else fallback


def _join(items, lang: str) -> str:
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {labels.t('alt.and', lang)} " + items[-1]


def _per_period(rows: pd.DataFrame, period: str, column: str, periods, lang: str) -> str:
    values = rows.set_index(period)[column]
    return _join(
        [
            (
                labels.fmt_number(values[per], lang)
                if per in values.index and pd.notna(values[per])
                else labels.t("alt.no_data", lang)
            )
            for per in periods
        ],
        lang,
    )


def _series(xs, ys, fmt, lang: str) -> str:
    """'2024 25,8 %, 2025 25,6 %', or first, last, lowest and highest of a long series."""
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if pd.notna(y)]
    if not points:
        return labels.t("alt.no_data", lang)
    if len(points) <= SERIES_LISTED:
        return ", ".join(f"{x} {fmt(y)}" for x, y in points)
    low = min(points, key=lambda point: point[1])
    high = max(points, key=lambda point: point[1])
    return labels.t(
        "alt.series",
        lang,
        first=fmt(points[0][1]),
        first_x=points[0][0],
        last=fmt(points[-1][1]),
        last_x=points[-1][0],
        min=fmt(low[1]),
        min_x=low[0],
        max=fmt(high[1]),
        max_x=high[0],
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _band(band, lang: str) -> str:
    return labels.t(
        "alt.band",
        lang,
        low=labels.fmt_pct(band[0], lang, 0),
        high=labels.fmt_pct(band[1], lang, 0),
    )


def alt_plan_vs_actual(data, *, group, period, plan, actual, lang, title, unit="") -> str:
    """'<title>. Plan 2024 en 2025 (<unit>): A 98 en 143; B …. Gerealiseerd: geen gegevens.'"""
    periods = sorted(data[period].unique())
    rows = [(name, data[data[group] == name]) for name in dict.fromkeys(data[group])]
    planned = "; ".join(f"{name} {_per_period(r, period, plan, periods, lang)}" for name, r in rows)
    realised = (
        "; ".join(f"{name} {_per_period(r, period, actual, periods, lang)}" for name, r in rows)
        if data[actual].notna().any()
        else labels.t("alt.no_data", lang)
    )
    unit = f" ({unit})" if unit else ""
    return (
        f"{title}. {labels.t('alt.plan', lang, periods=_join(periods, lang))}{unit}: {planned}. "
        f"{labels.t('alt.realised', lang)}: {realised}."
    )


def alt_trajectory(data, *, lang, title, band, x, actual, p10, p50, p90) -> str:
    """Target band, the realised share and the scenario's P50 with its P10-P90 at the end."""
    pct = partial(labels.fmt_pct, lang=lang)
    parts = [title, _band(band, lang)]
    seen = data[actual] if actual in data else pd.Series(dtype=float)
    parts.append(f"{labels.t('alt.realised', lang)}: {_series(data[x], seen, pct, lang)}")
    if p50 in data and data[p50].notna().any():
        fan = data.dropna(subset=[p10, p50, p90])
        last = fan.iloc[-1]  # a row of floats: the x value is read from its own column
        parts.append(
            f"{labels.t('plot.share.median', lang)}: {_series(fan[x], fan[p50], pct, lang)}"
        )
        parts.append(
            labels.t("alt.fan", lang, x=fan[x].iloc[-1], low=pct(last[p10]), high=pct(last[p90]))
        )
    return ". ".join(_capital(str(part)) for part in parts) + "."


def alt_scenario_lines(data, *, lang, title, band, selected) -> str:
    """Per scenario its share over the years (summarised), the chosen one marked."""
    pct = partial(labels.fmt_pct, lang=lang)
    lines = []
    for name, rows in data.groupby("scenario", sort=False):
        mark = f" ({labels.t('alt.selected', lang)})" if name == selected else ""
        lines.append(f"{name}{mark}: {_series(rows['year'], rows['share_pct'], pct, lang)}")
    return f"{title}. {_band(band, lang)}. " + "; ".join(lines) + "."


def alt_progress(data, *, lang, title, label, pct) -> str:
    """Every target with its progress in percent."""
    items = [
        f"{row[label]} "
        + (
            labels.fmt_pct(row[pct], lang, 0)
            if pd.notna(row[pct])
            else labels.t("alt.no_data", lang)
        )
        for _, row in data.iterrows()
    ]
    return f"{title}: " + "; ".join(items) + "."


def alt_corporation_panels(data, *, corporation, lang) -> str:
    """Per annex panel: the plan per year and what was realised, or that the annex lacks it."""
    parts = [corporation]
    for annex in (2, 3, 4):
        panel = labels.t(f"plot.panel.annex{annex}", lang)
        rows = data[data["annex"] == annex]
        if rows.empty:
            parts.append(f"{panel}: {labels.t('plot.not_in_annex', lang, annex=annex)}")
            continue
        periods = sorted(rows["year"].unique())
        realised = (
            _per_period(rows, "year", "realised", periods, lang)
            if rows["realised"].notna().any()
            else labels.t("alt.no_data", lang)
        )
        parts.append(
            f"{panel}: {labels.t('alt.plan', lang, periods=_join(periods, lang)).lower()}: "
            f"{_per_period(rows, 'year', 'planned', periods, lang)}; "
            f"{labels.t('alt.realised', lang).lower()}: {realised}"
        )
    return ". ".join(parts) + "."
