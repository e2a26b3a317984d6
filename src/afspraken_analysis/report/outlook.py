"""The scenario chapter's tables and sentences: the social-rent share against its target, every
scenario compared, what a 30 % share takes, the baseline and a scenario's assumptions in words."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from afspraken_analysis import caveats, labels, scenarios
from afspraken_analysis.baseline import base_stocks, baseline_stock, start_readings, start_share
from afspraken_analysis.errors import UserError
from afspraken_analysis.tracking import social_rent_share

BASELINE_SERVES = {
    "dwellings_total": "social_rent_share_pct",
    "inhabitants": "inhabitants",
    "corporation_stock": "scenario",
}


CBS_PATTERN = "82900NED*.csv"


def cbs_file(p) -> Path | None:
    """A CBS 82900NED export in the monitoring directory (the start stock), if there is one."""
    if p.monitoring is None or not Path(p.monitoring).is_dir():
        return None
    found = sorted(Path(p.monitoring).glob(CBS_PATTERN))
    if len(found) > 1:
        raise UserError(
            f"{p.monitoring}: {len(found)} files match {CBS_PATTERN} "
            f"({', '.join(f.name for f in found)}); keep one"
        )
    return found[0] if found else None


def start_base(p, realisations) -> dict:
    """The base stocks the whole chapter uses: measured where given, else the estimated range."""
    return base_stocks(realisations, cbs_file(p))


def start_share_text(p, realisations, short: bool = False) -> str:
    """The start share in one or two sentences: the range and whether the 25 % floor holds
    across it, or the measured share with its source; `short` for the summary page."""
    base = start_base(p, realisations)
    share = start_share(base)
    lang = p.lang
    if base["measured"]:
        return labels.t(
            f"report.start_share.measured_{base['quality']}",
            lang,
            year=base["base_year"],
            share=labels.fmt_pct(share["share_pct"], lang),
            stock=labels.fmt_number(base["social_rent_stock"], lang),
            dwellings=labels.fmt_number(base["dwellings_total"], lang),
        )
    return (
        labels.t(
            "report.start_share.range_short" if short else "report.start_share.range",
            lang,
            year=base["base_year"],
            low=labels.fmt_pct(share["low_pct"], lang),
            high=labels.fmt_pct(share["high_pct"], lang),
        )
        + " "
        + labels.t(f"report.start_share.floor_{share['floor']}{'_short' if short else ''}", lang)
    )


def start_readings_table(lang: str) -> pd.DataFrame:
    """The estimated start stock and share under every reading (which corporations count ×
    the rounding of annex 4's percentages)."""
    df = start_readings()
    return pd.DataFrame(
        {
            "reading": [labels.t(f"report.reading.{r}", lang) for r in df["reading"]],
            "rounding": [labels.t(f"report.rounding.{r}", lang) for r in df["rounding"]],
            "implied_stock": df["implied_stock"],
            "planned_new_builds": df["planned_new_builds"],
            "ons_huis_stock": df["ons_huis_stock"],
            "social_rent_stock": df["social_rent_stock"],
            "share_pct": df["share_pct"],
            "target": labels.t("report.share_target", lang),
        }
    )


def scenario_for(p, name: str | None = None):
    """A scenario (default: the chosen one) with the report's Woondeal start year."""
    return scenarios.scenario(
        name or p.scenario, overrides={"woondeal_start_year": p.woondeal_start_year}
    )


def share_trajectory(p, realisations, runs: int = 2000, seed: int = 20231214):
    """Realised social-rent share per year, the baseline estimate and the scenario fan."""
    realised = social_rent_share(realisations)[["year", "share_pct"]].astype({"year": "int64"})
    model = scenarios.resolve(
        scenario_for(p), realisations=realisations, base=start_base(p, realisations)
    )
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
    rows = []
    catalogue = scenarios.list_scenarios().set_index("name")["description"]
    base = start_base(p, realisations)
    for name in scenarios.scenario_names():
        model = scenarios.resolve(scenario_for(p, name), realisations=realisations, base=base)
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
    frames = []
    base = start_base(p, realisations)
    for name in scenarios.scenario_names():
        projection = scenarios.project(scenario_for(p, name), realisations=realisations, base=base)
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
    the report year (the years before as in the scenario); with an estimated start stock, the
    spread of the first answer across the readings' range."""
    chosen = scenario_for(p)
    base = start_base(p, realisations)
    first = scenarios.solve(chosen, target_share_pct, by_year, realisations=realisations, base=base)
    texts = [solution_text(first, p.lang)]
    spread = _spread_text(p, chosen, base, realisations, target_share_pct, by_year)
    if first.feasible and spread:
        texts.append(spread)
    later = p.year + 1
    if later < by_year:
        solution = scenarios.solve(
            chosen,
            target_share_pct,
            by_year,
            from_year=later,
            realisations=realisations,
            base=base,
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


def spread_across_readings(chosen, base, realisations, target_share_pct, by_year):
    """The answers (homes a year) for the low and the high end of the start stock's range, or
    None when the start stock is measured (no range)."""
    if "social_rent_stock_low" not in base:
        return None
    answers = {}
    for end in ("low", "high"):
        at_end = {**base, "social_rent_stock": base[f"social_rent_stock_{end}"]}
        answers[end] = scenarios.solve(
            chosen, target_share_pct, by_year, realisations=realisations, base=at_end
        )
    return answers


def _spread_text(p, chosen, base, realisations, target_share_pct, by_year) -> str | None:
    answers = spread_across_readings(chosen, base, realisations, target_share_pct, by_year)
    if answers is None or not all(a.feasible for a in answers.values()):
        return None
    share = start_share(base)
    return labels.t(
        "report.solution.spread",
        p.lang,
        low=labels.fmt_pct(share["low_pct"], p.lang),
        high=labels.fmt_pct(share["high_pct"], p.lang),
        homes_low=labels.fmt_number(answers["low"].additions_social_per_year, p.lang),
        homes_high=labels.fmt_number(answers["high"].additions_social_per_year, p.lang),
    )


def baseline_table(lang: str) -> pd.DataFrame:
    """The baseline figures with date, value (interval), quality and the target each one feeds."""
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
    chosen = scenario_for(p)
    base = start_base(p, realisations)
    model = scenarios.resolve(chosen, realisations=realisations, base=base)
    first = model.base_year + 1
    lang = p.lang
    f = model.flows
    lines = [
        labels.t(
            "report.assume.base" if not base["measured"] else "report.assume.base_measured",
            lang,
            year=model.base_year,
            dwellings=labels.fmt_number(model.dwellings_total, lang),
            social=labels.fmt_number(model.social_rent_stock, lang),
            low=labels.fmt_number(base.get("social_rent_stock_low"), lang),
            high=labels.fmt_number(base.get("social_rent_stock_high"), lang),
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
