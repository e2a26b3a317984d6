"""Notebook helpers: the social-rent share chart (plot_share) and the interactive slider box."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import fmt_number, fmt_pct, t
from afspraken_analysis.style import SCENARIO_COLOUR, TARGET_COLOUR, style

from .config import (
    DEFAULT_SCENARIO,
    FLOW_KEYS,
    MAX_HORIZON_YEAR,
    Scenario,
    _apply_overrides,
    scenario,
)
from .model import Model
from .projection import project
from .resolve import resolve


def plot_share(
    projection: pd.DataFrame, *, band: pd.DataFrame | None = None, lang: str = "nl", ax=None
):
    """The social-rent share per year with the 25 % floor and the 30 % aim; `band` (a monte_carlo
    summary) adds the P10-P90 band and the median. Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        if band is not None:
            ax.fill_between(
                band["year"],
                band["social_rent_share_pct_p10"],
                band["social_rent_share_pct_p90"],
                color=SCENARIO_COLOUR,
                alpha=0.2,
                lw=0,
                label=t("scenario.band", lang),
            )
            ax.plot(
                band["year"],
                band["social_rent_share_pct_p50"],
                color=SCENARIO_COLOUR,
                ls="--",
                label=t("scenario.median", lang),
            )
        ax.plot(
            projection["year"],
            projection["social_rent_share_pct"],
            color=SCENARIO_COLOUR,
            marker="o",
            label=t("scenario.projection", lang),
        )
        # the floor and the aim drawn as every report chart draws a target band's two ends
        ax.axhline(25, color=TARGET_COLOUR, lw=1.2, ls="--", label=t("scenario.floor_25", lang))
        ax.axhline(30, color=TARGET_COLOUR, lw=1.0, ls=":", label=t("scenario.aim_30", lang))
        ax.set_xlabel(t("scenario.axis_year", lang))
        ax.set_ylabel(t("scenario.axis_share", lang))
        ax.set_title(t("scenario.title", lang, name=projection.attrs.get("scenario", "")))
        ax.legend(loc="best")
    return ax


def _with_then(spec: Any, value: float) -> Any:
    """Replace the pace after the plan (or the whole flow, when it has no plan) by `value`."""
    if isinstance(spec, Mapping) and "plan" in spec:
        return {**spec, "then": value}
    return value


def interactive(
    s: Scenario | str = DEFAULT_SCENARIO,
    *,
    files=None,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
    lang: str = "nl",
):
    """An ipywidgets box with sliders for the main flows; the chart and a summary (share at the
    horizon, social additions a year a 30 % share takes) follow the sliders. In a notebook:
    `scenarios.interactive("afspraken")` as the last line of a cell."""
    import ipywidgets as widgets

    if isinstance(s, str):
        s = scenario(s, files=files)
    model = resolve(s, realisations=realisations, tables=tables, base=base)
    # The sliders set the flows; a target block would override them, so it is dropped here (the
    # sliders start at the solved values, which is the same for a target from the end of the plan).
    s = replace(s, target=None)
    controls = _controls(model, lang)
    summary = widgets.HTML()
    chart = widgets.Output()

    def update(**values):
        _update(s, values, summary, chart, lang, realisations, tables, base)

    widgets.interactive_output(update, controls)
    return widgets.VBox([widgets.VBox(list(controls.values())), summary, chart])


SLIDER_KEYS = (
    *FLOW_KEYS,
    "delivery_rate",
    "horizon_year",
)


def _controls(model: Model, lang: str) -> dict[str, Any]:
    """One slider per main flow (starting at its last planned value), the delivery rate and the
    horizon."""
    import ipywidgets as widgets

    last = {k: float(v[-1]) if len(v) else 0.0 for k, v in model.flows.items()}

    def slider(key, high, step=10.0):
        value = last[key]
        return widgets.FloatSlider(
            value=value,
            min=0.0,
            max=max(high, value),
            step=step,
            **_look(t(f"scenario.slider.{key}", lang)),
        )

    return {
        "additions_social_per_year": slider("additions_social_per_year", 2000),
        "additions_total_per_year": slider("additions_total_per_year", 4000),
        "sales_per_year": slider("sales_per_year", 200, 1),
        "demolitions_total_per_year": slider("demolitions_total_per_year", 500),
        "demolitions_social_per_year": slider("demolitions_social_per_year", 500),
        "liberalisations_per_year": slider("liberalisations_per_year", 500),
        "acquisitions_per_year": slider("acquisitions_per_year", 500),
        "delivery_rate": widgets.FloatSlider(
            value=model.delivery_rate,
            min=0.0,
            max=1.5,
            step=0.05,
            **_look(t("scenario.slider.delivery_rate", lang)),
        ),
        "horizon_year": widgets.IntSlider(
            value=model.horizon_year,
            min=model.base_year + 1,
            max=MAX_HORIZON_YEAR,
            **_look(t("scenario.slider.horizon_year", lang)),
        ),
    }


def _look(description: str) -> dict[str, Any]:
    """Every slider: one wide row, the label in full, the chart redrawn only when it is let go."""
    import ipywidgets as widgets

    return {
        "description": description,
        "continuous_update": False,
        "style": {"description_width": "initial"},
        "layout": widgets.Layout(width="32em"),
    }


def _update(s: Scenario, values, summary, chart, lang, realisations, tables, base) -> None:
    """Re-run the scenario with the slider values; show the share, what 30 % takes, the chart."""
    import matplotlib.pyplot as plt

    problem = _slider_problem(values, lang)
    if problem is not None:
        summary.value = f"<b>{problem}</b>"
        return
    try:
        m, proj, answer = slider_answer(s, values, realisations, tables, base)
    except UserError as exc:
        summary.value = f"<b>{html.escape(_problem_text(exc.render(lang), lang))}</b>"
        return
    end = proj.iloc[-1]
    summary.value = (
        t(
            "scenario.summary",
            lang,
            year=int(end["year"]),
            share=fmt_pct(end["social_rent_share_pct"], lang),
        )
        + " "
        + _answer_text(answer, m.horizon_year, lang)
    )
    chart.clear_output(wait=True)
    with chart:
        fig, ax = plt.subplots(figsize=(7, 4))
        plot_share(proj, lang=lang, ax=ax)
        plt.show()
        plt.close(fig)


def _overrides(s: Scenario, values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: _with_then(s.parameters[key], value) if key in FLOW_KEYS else value
        for key, value in values.items()
    }


def _run(s: Scenario, values, ctx) -> tuple[Model, pd.DataFrame]:
    m = resolve(_apply_overrides(s, _overrides(s, values)), **ctx)
    return m, project(m)


def slider_answer(s: Scenario, values, realisations=None, tables=None, base=None, share=30.0):
    """(model, projection, answer) for exactly what the sliders set. The answer is the value of
    the social-additions slider that brings the share to `share` % in the horizon year, every other
    slider as it stands: {"needed", "total", "start"}, with "total" the value the total-additions
    slider must move to when it is too low for the social homes (the other homes stay), else None.
    The answer is None when the slider sets no projection year (the plan covers them all).

    Stocks at the horizon are linear in the slider value, so two runs give the exact answer."""
    ctx = {"realisations": realisations, "tables": tables, "base": base}
    m, proj = _run(s, values, ctx)
    start = _first_slider_year(s, values, m, ctx)
    if start is None:
        return m, proj, None
    social, total = values["additions_social_per_year"], values["additions_total_per_year"]
    needed = _linear_solve(s, values, ctx, share, lambda x: total)
    raised = None
    if needed > total:
        needed = _linear_solve(s, values, ctx, share, lambda x: total - social + x)
        raised = total - social + needed
    return m, proj, {"needed": needed, "total": raised, "start": start}


def _linear_solve(s: Scenario, values, ctx, share: float, total_for) -> float:
    """The social slider value x with share(x) = `share` in the horizon year, the total slider at
    total_for(x): dwellings and social stock are linear in x, so x = 0 and x = 1 fix them."""
    ends = []
    for x in (0.0, 1.0):
        probe = {**values, "additions_social_per_year": x, "additions_total_per_year": total_for(x)}
        end = _run(s, probe, ctx)[1].iloc[-1]
        ends.append((float(end["dwellings_total"]), float(end["social_rent_stock"])))
    (d0, s0), (d1, s1) = ends
    p = share / 100
    slope = (s1 - s0) - p * (d1 - d0)
    return (p * d0 - s0) / slope


def _first_slider_year(s, values, m: Model, ctx) -> int | None:
    """The first year the social-additions slider sets (after the plan): where a nudged slider
    changes the resolved flow."""
    nudged = {**values, "additions_social_per_year": values["additions_social_per_year"] + 1}
    other = resolve(_apply_overrides(s, _overrides(s, nudged)), **ctx)
    changed = other.flows["additions_social_per_year"] != m.flows["additions_social_per_year"]
    if not changed.any():
        return None
    return int(m.years[1:][changed.argmax()])


def _answer_text(answer, horizon: int, lang: str) -> str:
    slider = t("scenario.slider.additions_social_per_year", lang)
    total = t("scenario.slider.additions_total_per_year", lang)
    if answer is None:
        return t("scenario.summary.no_years", lang, slider=slider, year=horizon)
    fields = {"slider": slider, "total": total, "year": horizon, "start": answer["start"]}
    if answer["needed"] < 0:
        return t("scenario.summary.reached", lang, **fields)
    fields["needed"] = fmt_number(answer["needed"], lang, 1)
    if answer["total"] is not None:
        fields["raised"] = fmt_number(answer["total"], lang, 1)
        return t("scenario.summary.needed_both", lang, **fields)
    return t("scenario.summary.needed", lang, **fields)


def _slider_problem(values: Mapping[str, Any], lang: str) -> str | None:
    """The slider combinations the model refuses, in the report's language and labels."""
    for part, whole in (
        ("additions_social_per_year", "additions_total_per_year"),
        ("demolitions_social_per_year", "demolitions_total_per_year"),
    ):
        if values[part] > values[whole]:
            return t(
                "scenario.problem.part_above_whole",
                lang,
                part=t(f"scenario.slider.{part}", lang),
                whole=t(f"scenario.slider.{whole}", lang),
            )
    return None


def _problem_text(message: str, lang: str) -> str:
    """Any other refusal: the internal parameter names replaced by the sliders' labels."""
    for key in sorted(SLIDER_KEYS, key=len, reverse=True):
        message = message.replace(key, "'" + t(f"scenario.slider.{key}", lang) + "'")
    return t("scenario.problem.other", lang, message=message)
