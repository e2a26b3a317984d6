"""Goal tracking: realisations against targets and annex plans (DataFrame in, DataFrame out).

Progress categories follow the Statistics Canada method used by Open SDG (ProgressMeasure in
sdg-build): the ratio R of the observed pace to the pace required to reach the target on time
decides the category (achieved; R >= 0.95 on track; 0.60 <= R < 0.95 progress but acceleration
needed; 0 <= R < 0.60 limited progress; R < 0 deterioration; not computable; no data).
docs/assumptions.md (caveats progress_method and departure_*) lists every departure from it.

Rules beyond the ratio: a goal not met is never on track after its deadline, nor while below a
floor that binds now (column below_floor); a level goal whose first value equals the goal needs
no pace, so it is judged on the direction of movement; a ratio that cannot be computed gives
'not computable' with the reason in words (column reason).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import baseline
from . import parties as party_names
from .data import load
from .errors import UserError

# The categories a monitoring meeting can set by hand (category_overrides), in order.
CATEGORIES = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deterioration",
    "no_data",
)
# The ratio cannot be computed (the first and latest value of opposite sign, say); the monitor
# never borrows another category for it. Not one to set by hand.
NOT_COMPUTABLE = "not_computable"
# Every category goal_tracking gives, in order (the dtype of its `category` column).
ALL_CATEGORIES = (*CATEGORIES[:-1], NOT_COMPUTABLE, CATEGORIES[-1])
ON_TRACK, ACCELERATION = 0.95, 0.60
# "circa"/"ongeveer" X counts as achieved within ±5 % of X; "ruim" X means X or more.
TOLERANCE = {"circa": 0.05, "ongeveer": 0.05}
AGREEMENT_PERIOD = (2024, 2025)
DEFAULT_WOONDEAL_START_YEAR = 2022
NO_INFORMATION = "no_information"
DEFAULT_WOONDEAL_END_YEAR = 2030  # 'Waar staan we in 2030?'; the document gives no period
# indicators where a row without party (the whole municipality) includes builders other than
# the corporations, so it cannot stand in for the corporations' total
BUILT_BY_OTHERS_TOO = {"social_new_builds", "mid_rent_new_builds"}

# Target indicators computed from input indicators; the rest are input indicators themselves.
DERIVED = {
    "solar_panels_added": "solar_panels_cumulative",
    "social_rent_share_pct": "social_rent_stock",
    "homes_added": "dwellings_total",
    "social_rent_homes_added": "social_new_builds",
}

TRACKING_COLUMNS = [
    "target_id",
    "indicator",
    "scope",
    "party",
    "qualifier",
    "basis",
    "target_low",
    "target_high",
    "unit",
    "start_year",
    "end_year",
    "year",
    "actual",
    "gap",
    "achieved_pace",
    "required_pace",
    "ratio",
    "category",
    "reason",
    "below_floor",
    "is_override",
    "computed_category",
    "override_reason",
    "override_source",
    "missing",
    "source",
    "note",
]


def _members(names: list[str]) -> list[str]:
    groups = party_names.group_members()
    out: list[str] = []
    for name in names:
        out.extend(groups.get(name.lower(), [name]))
    return list(dict.fromkeys(out))


def target_parties(target) -> tuple[list[str], bool]:
    """A target's parties (group words such as 'corporaties' resolved to their members), and
    whether each of them has its own tracking row (scope 'corporation') rather than one row for
    all of them together."""
    return _members(target.parties), target.scope == "corporation"


def _values(realisations: pd.DataFrame | None, indicator: str) -> pd.DataFrame:
    if realisations is None:
        return pd.DataFrame(columns=["year", "party", "value"])
    rows = realisations[realisations["indicator"].astype(str) == indicator]
    return rows.assign(party=rows["party"].astype("string"))


def yearly(
    realisations: pd.DataFrame | None, indicator: str, parties: list[str] | None
) -> pd.Series:
    """Yearly totals of an indicator for a set of parties (None: the whole municipality).

    For the municipality, only a row without party counts (a sum over whichever parties reported
    could be short). For parties, every named party must report for a year to count (so a total is
    never silently short). A row without party stands in for all corporations together only where
    the parties are all corporations and only corporations deliver the indicator (Housing First
    homes, say); never for one corporation, and never for new builds, which others build too.
    """
    rows = _values(realisations, indicator)
    if rows.empty:
        return pd.Series(dtype="Float64", name=indicator)
    overall = rows[rows["party"].isna()].groupby("year")["value"].sum()
    if parties is None:
        return _by_year(overall)
    named = rows[rows["party"].isin(parties)]
    per_party = named.groupby(["year", "party"])["value"].sum().reset_index()
    complete = per_party.groupby("year")["party"].nunique() == len(parties)
    totals = per_party.groupby("year")["value"].sum()
    totals = totals[complete.reindex(totals.index, fill_value=False)]
    if set(parties) == set(_corporations()) and indicator not in BUILT_BY_OTHERS_TOO:
        totals = totals.combine_first(overall)
    return _by_year(totals)


def _corporations() -> list[str]:
    return list(load("parties").query("kind == 'corporation'")["party"])


def _by_year(series: pd.Series) -> pd.Series:
    """A yearly series with a plain integer index named 'year' (aligns across indicators)."""
    series = series.astype("Float64").sort_index()
    series.index = pd.Index(series.index.astype(int), name="year")
    return series


def social_rent_share(realisations: pd.DataFrame | None) -> pd.DataFrame:
    """Social-rent share per year: all corporations' social_rent_stock ÷ dwellings_total × 100.

    A year counts only when every corporation and the municipal total are given.
    """
    stock = yearly(realisations, "social_rent_stock", _corporations())
    total = yearly(realisations, "dwellings_total", None)
    df = pd.concat({"dwellings_total": total, "social_rent_stock": stock}, axis=1).dropna()
    df.index.name = "year"
    df = df.reset_index()
    df["share_pct"] = df["social_rent_stock"] / df["dwellings_total"] * 100
    return df.astype({"year": "Int64"})


def _series(target, realisations, parties) -> pd.Series:
    """The yearly values a target is judged on: flows per year, or levels at the end of a year."""
    indicator = target.indicator
    if indicator == "social_rent_share_pct":
        return social_rent_share(realisations).set_index("year")["share_pct"].astype("Float64")
    source = DERIVED.get(indicator, indicator)
    series = yearly(realisations, source, parties)
    if indicator == "solar_panels_added":
        # yearly additions from cumulative counts; annex 4 gives the end of 2023 per corporation
        base = load("solar_panels").query("end_of_year == @target.start_year - 1")
        base = base[base["corporation"].astype(str).isin(parties or [])]
        if target.start_year - 1 not in series.index and len(base) == len(parties or []):
            series = pd.concat(
                [pd.Series({target.start_year - 1: float(base["homes_cumulative"].sum())}), series]
            )
        return (
            series.sort_index().diff().loc[lambda s: s.index >= target.start_year].astype("Float64")
        )
    if indicator in ("homes_added", "affordable_share_of_additions_pct"):
        return _derived_share(indicator, realisations)
    if indicator == "vsw_share_of_social_new_builds_pct":
        vsw = yearly(
            realisations, "social_new_builds", party_names.group_members()["vsw-corporaties"]
        )
        rows = _values(realisations, "social_new_builds")
        municipal = rows[rows["party"].isna()].groupby("year")["value"].sum()  # all builders
        return (vsw / municipal * 100).dropna().astype("Float64")
    return series


def _homes_added(realisations) -> pd.Series:
    """Net homes added per year: the change in dwellings_total; CBS gives the end of 2023."""
    total = yearly(realisations, "dwellings_total", None)
    base = baseline.base_stocks()
    if base["base_year"] not in total.index:
        total = _by_year(
            pd.concat([pd.Series({base["base_year"]: float(base["dwellings_total"])}), total])
        )
    consecutive = total.index.to_series().diff() == 1
    return total.diff()[consecutive].astype("Float64")


def _derived_share(indicator: str, realisations) -> pd.Series:
    added = _homes_added(realisations)
    if indicator == "homes_added":
        return added
    affordable = yearly(realisations, "affordable_homes_added", None)
    return (affordable / added[added > 0] * 100).dropna().astype("Float64")  # no share of a loss


def _period(target, year: int, woondeal_start_year: int) -> tuple[int | None, int | None]:
    start = target.start_year
    if pd.isna(start):
        start = woondeal_start_year if target.target_id.startswith("woondeal") else None
    end = target.end_year if pd.notna(target.end_year) else None
    if end is None and target.target_id.startswith("woondeal"):
        end = DEFAULT_WOONDEAL_END_YEAR
    if target.basis == "period_total" and start is None:
        start = AGREEMENT_PERIOD[0]
    return (int(start) if start is not None else None), (int(end) if end is not None else None)


def _meets(value: float, low, high, qualifier) -> bool:
    tolerance = TOLERANCE.get(qualifier, 0.0) if isinstance(qualifier, str) else 0.0
    if pd.notna(low) and value < low * (1 - tolerance):
        return False
    return not (pd.notna(high) and pd.isna(low) and value > high * (1 + tolerance))


@dataclass(frozen=True)
class _Goal:
    """A target's bounds as the categories read them: a floor (value_low only), a ceiling
    (value_high only), or a band or exact value (both; judged on value_low, see caveat
    departure_band)."""

    low: float | None
    high: float | None
    qualifier: str | None

    @classmethod
    def of(cls, target) -> _Goal:
        def number(v):
            return float(v) if pd.notna(v) else None

        qualifier = target.qualifier if isinstance(target.qualifier, str) else None
        return cls(number(target.value_low), number(target.value_high), qualifier)

    @property
    def is_ceiling(self) -> bool:
        return self.low is None

    @property
    def value(self) -> float:
        return self.high if self.is_ceiling else self.low

    @property
    def direction(self) -> int:
        """d in the method: +1 when more is better (a floor), -1 when less is (a ceiling)."""
        return -1 if self.is_ceiling else 1

    def meets(self, value: float) -> bool:
        return _meets(value, self.low, self.high, self.qualifier)


def _category(ratio: float) -> str:
    if ratio >= ON_TRACK:
        return "on_track"
    if ratio >= ACCELERATION:
        return "acceleration_needed"
    return "limited_progress" if ratio >= 0 else "deterioration"


def _not_computable(reason: str) -> dict:
    return {"category": NOT_COMPUTABLE, "reason": reason}


def _rated(numerator: float, denominator: float, why_not: str) -> dict:
    """R = numerator ÷ denominator and its category; 'not computable' (with `why_not`) when the
    denominator is not above 0 or R is not a finite number."""
    if not denominator > 0:
        return _not_computable(why_not)
    ratio = numerator / denominator
    if not math.isfinite(ratio):
        return _not_computable(f"the ratio {numerator:g} ÷ {denominator:g} is not a number")
    return {"ratio": ratio, "category": _category(ratio)}


def _against(goal: _Goal, realised: float, agreed: float) -> dict:
    """R for a goal not met: realised ÷ agreed for a floor, agreed ÷ realised for a ceiling
    (values, or paces in units a year)."""
    if agreed < 0:
        return _not_computable(f"an agreed value below 0 ({agreed:g}) gives no ratio")
    if goal.is_ceiling:  # not met: realised > agreed >= 0
        return _rated(agreed, realised, "a realised value of 0 or below is under the cap")
    return _rated(realised, agreed, "an agreed value of 0 gives no ratio")


def _judge(target, series: pd.Series, year: int, start, end) -> dict:
    """actual, gap, paces, ratio, category, reason and below_floor for one target (and party)
    at `year`."""
    goal = _Goal.of(target)
    out = dict(
        actual=pd.NA,
        gap=pd.NA,
        achieved_pace=pd.NA,
        required_pace=pd.NA,
        ratio=pd.NA,
        missing="",
        reason="",
    )
    if target.basis == "period_total":
        out |= _judge_period_total(goal, series, year, start, end)
    elif target.basis == "level":
        out |= _judge_level(goal, series, year, start, end)
    else:
        out |= _judge_yearly(goal, series, year, start)
    out["below_floor"] = _below_floor(target, goal, out["actual"], year, start, end)
    return out | _limited(out, year, end)


def _judge_period_total(goal: _Goal, series: pd.Series, year: int, start, end) -> dict:
    """A total over the period: the years so far summed, paces in units a year (linear).

    A floor is achieved once the total reaches it (even with a year missing: flows are never
    negative); otherwise R = achieved pace ÷ the pace that reaches the goal over the whole period.
    A ceiling ('maximaal N over the period') is met while the total stays at or under the cap;
    over it, R = the cap's pace ÷ the achieved pace.
    """
    expected = list(range(start, min(year, end or year) + 1))
    missing = [y for y in expected if y not in series.index or pd.isna(series.get(y))]
    known = [y for y in expected if y not in missing]
    partial = float(series.loc[known].sum()) if known else 0.0
    if missing and known and not goal.is_ceiling and goal.meets(partial):
        # flows are never negative: the years given already reach the target
        return {
            "actual": partial,
            "gap": partial - goal.value,
            "category": "achieved",
            "missing": ", ".join(map(str, missing)),
        }
    if not expected or missing:
        return {"category": "no_data", "missing": ", ".join(map(str, missing or [year]))}
    actual = float(series.loc[expected].sum())
    pace = actual / len(expected)
    out = {"actual": actual, "gap": actual - goal.value, "achieved_pace": pace}
    if end is not None and end > year and not goal.is_ceiling:
        out["required_pace"] = max(goal.value - actual, 0) / (end - year)
    if goal.meets(actual):
        return out | {"category": "achieved"}
    if end is None:
        return out | {"category": "no_data", "missing": "deadline"}
    return out | _against(goal, pace, goal.value / (end - start + 1))


def _judge_yearly(goal: _Goal, series: pd.Series, year: int, start) -> dict:
    """per_year and share_of_flow: the value in `year` against the agreed value.

    R = realised ÷ agreed (a ceiling: agreed ÷ realised), for counts as for percentages.
    """
    observed = series[(series.index <= year) & (series.index >= (start or 0))].dropna()
    if observed.empty or observed.index[-1] != year:
        return {"category": "no_data", "missing": str(year)}
    actual = float(observed.iloc[-1])
    out = {"actual": actual, "gap": actual - goal.value, **_linear_pace(observed)}
    if goal.meets(actual):
        return out | {"category": "achieved"}
    return out | _against(goal, actual, goal.value)


def _linear_pace(observed: pd.Series) -> dict:
    if len(observed) < 2:
        return {}
    span = observed.index[-1] - observed.index[0]
    return {"achieved_pace": (float(observed.iloc[-1]) - float(observed.iloc[0])) / span}


def _judge_level(goal: _Goal, series: pd.Series, year: int, start, end) -> dict:
    """A stock or state: the latest value up to `year` against the first in the target's period.

    Paces are compound annual growth rates as in the method, linear where the goal or the first
    value is 0 or below. R = d × achieved ÷ |required|.
    """
    observed = series[(series.index <= year) & (series.index >= (start or 0))].dropna()
    if observed.empty:
        return {"category": "no_data", "missing": str(year)}
    actual = float(observed.iloc[-1])
    out = {"actual": actual, "gap": actual - goal.value, **_linear_pace(observed)}
    if end is not None and end > year:
        out["required_pace"] = (goal.value - actual) / (end - year)
    if goal.meets(actual):
        return out | {"category": "achieved"}
    if len(observed) < 2:
        return out | {"category": "no_data", "missing": "a second observation"}
    if end is None or end <= observed.index[0]:
        return out | {"category": "no_data", "missing": "deadline"}
    return out | _level_ratio(goal, observed, end)


def _level_ratio(goal: _Goal, observed: pd.Series, end: int) -> dict:
    t0, y0 = observed.index[0], float(observed.iloc[0])
    ti, actual = observed.index[-1], float(observed.iloc[-1])
    if goal.value > 0 and y0 > 0:
        if actual < 0:
            return _not_computable(
                f"the first value ({y0:g} in {t0}) and the latest ({actual:g} in {ti}) have "
                "opposite signs: no growth rate"
            )
        # compound annual growth rates, as in the Statistics Canada / Open SDG method
        achieved = (actual / y0) ** (1 / (ti - t0)) - 1
        required = (goal.value / y0) ** (1 / (end - t0)) - 1
    else:  # a growth rate needs positive values (a goal of 0 homeless people): linear paces
        achieved = (actual - y0) / (ti - t0)
        required = (goal.value - y0) / (end - t0)
    movement = goal.direction * achieved  # > 0: towards the goal
    if required == 0:
        # the first value equals the goal, so no pace is required and R is undefined; moving
        # towards the goal from there meets it (achieved above), so the goal is missed only by
        # moving away from it (or, in theory, by standing still)
        category = "deterioration" if movement < 0 else "limited_progress"
        return {
            "category": category,
            "reason": f"the first value ({y0:g} in {t0}) equals the goal: no pace is required; "
            + ("moved away from it" if movement < 0 else "no movement"),
        }
    return _rated(movement, abs(required), "no pace is required")


def _is_floor(target, goal: _Goal) -> bool:
    """A lower bound that holds in a year: value_low only, not an ambition ('richting') and not
    a total over a period (reached by its end, not held along the way)."""
    return (
        goal.low is not None
        and goal.high is None
        and goal.qualifier != "richting"
        and target.basis != "period_total"
    )


def _below_floor(target, goal: _Goal, actual, year: int, start, end):
    """True when `actual` is below a floor that binds in `year`, False when at or above it, <NA>
    without a floor binding in that year or without an actual.

    A floor binds from its start year to its deadline ('blijft tot 2030 minimaal 25 %'); without
    a start year only in the deadline year ('minimaal 5000 TJ in 2030'); without either, every
    year.
    """
    if not _is_floor(target, goal) or pd.isna(actual):
        return pd.NA
    first = start if start is not None else end
    if (first is not None and year < first) or (end is not None and year > end):
        return pd.NA
    return not goal.meets(float(actual))


def _limited(judged: dict, year: int, end: int | None) -> dict:
    """A target not met is never on track after its deadline, nor while below a floor that
    binds now: at best 'progress, acceleration needed'."""
    if judged["category"] != "on_track":
        return {}
    if end is not None and year >= end:
        why = f"the deadline ({end}) is reached and the goal is not met"
    elif judged["below_floor"] is True:
        why = "below a floor that binds now"
    else:
        return {}
    return {"category": "acceleration_needed", "reason": f"R >= {ON_TRACK} but {why}"}


def goal_tracking(
    year: int,
    realisations: pd.DataFrame | None = None,
    *,
    woondeal_start_year: int = DEFAULT_WOONDEAL_START_YEAR,
    overrides: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per target (per corporation for targets that bind each corporation) at `year`.

    `woondeal_start_year`: the first year the Woondeal targets count (the document gives none).
    `overrides`: categories set by hand (see apply_overrides); rows for other years are ignored.
    """
    targets = load("targets") if targets is None else targets
    rows = []
    for target in targets.itertuples(index=False):
        members, per_party = target_parties(target)
        if target.scope == "municipality":
            groups = [(pd.NA, None)]
        elif per_party:
            groups = [(p, [p]) for p in members]
        else:
            groups = [(pd.NA, members)]
        start, end = _period(target, year, woondeal_start_year)
        for party, scope_parties in groups:
            series = _series(target, realisations, scope_parties)
            judged = _judge(target, series, year, start, end)
            rows.append(
                {
                    "target_id": target.target_id,
                    "indicator": target.indicator,
                    "scope": target.scope,
                    "party": party,
                    "qualifier": target.qualifier,
                    "basis": target.basis,
                    "target_low": target.value_low,
                    "target_high": target.value_high,
                    "unit": target.unit,
                    "start_year": start,
                    "end_year": end,
                    "year": year,
                    **judged,
                    "is_override": False,
                    "computed_category": pd.NA,
                    "override_reason": pd.NA,
                    "override_source": pd.NA,
                    "source": f"{target.source_section} (regel {target.source_lines})",
                    "note": target.note,
                }
            )
    df = pd.DataFrame(rows, columns=TRACKING_COLUMNS)
    df = df.astype(
        {
            "actual": "Float64",
            "gap": "Float64",
            "achieved_pace": "Float64",
            "required_pace": "Float64",
            "ratio": "Float64",
            "start_year": "Int64",
            "end_year": "Int64",
            "year": "Int64",
            "target_low": "Float64",
            "target_high": "Float64",
            "party": "string",
            "below_floor": "boolean",
            "is_override": "bool",
            "computed_category": "string",
            "override_reason": "string",
            "override_source": "string",
        }
    )
    df["category"] = pd.Categorical(df["category"], categories=ALL_CATEGORIES)
    return apply_overrides(df, overrides) if overrides is not None else df


def apply_overrides(tracking: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """Replace categories by hand: columns target_id, year, category, justification (required).

    An optional `party` column selects one corporation's row of a per-corporation target; without
    it every row of the target is set. Only rows for a year the tracking holds are applied (goal
    tracking is for one year). A row set by hand keeps the category the monitor computed in
    `computed_category`. With `source_file` and `source_row` (as monitoring.load_monitoring gives
    them) messages and `override_source` ('file:row') name the row of the input file.
    """
    out = tracking.copy()
    for column in ("computed_category", "override_reason", "override_source"):
        if column not in out:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="string")
    if "is_override" not in out:
        out["is_override"] = False
    years = set(out["year"].dropna().astype(int))
    for i, o in enumerate(overrides.itertuples(index=False), start=2):
        source_file, source_row = getattr(o, "source_file", None), getattr(o, "source_row", None)
        row = int(source_row) if pd.notna(source_row) else i
        where = f"{source_file if isinstance(source_file, str) else 'overrides'}, row {row}"
        category = str(o.category)
        if category not in CATEGORIES:
            raise UserError(
                f"{where}, column 'category': {o.category!r} is not a category; choose one of {', '.join(CATEGORIES)}"
            )
        if not isinstance(o.justification, str) or not o.justification.strip():
            raise UserError(
                f"{where}, column 'justification': a manual category needs a justification"
            )
        if int(o.year) not in years:
            continue
        mask = (out["target_id"] == o.target_id) & (out["year"] == int(o.year))
        party = getattr(o, "party", None)
        if isinstance(party, str) and party:
            mask &= out["party"] == party
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            known = ", ".join(sorted(set(out["target_id"])))
            raise UserError(
                f"{where}, column 'target_id': no tracking row for {o.target_id!r}"
                + (f" ({party})" if isinstance(party, str) and party else "")
                + f" in {o.year}; known targets: {known}"
            )
        computed = out.loc[mask, "category"].astype("string")
        out.loc[mask, "computed_category"] = out.loc[mask, "computed_category"].fillna(computed)
        out.loc[mask, "category"] = category
        out.loc[mask, "is_override"] = True
        out.loc[mask, "override_reason"] = o.justification.strip()
        if isinstance(source_file, str):
            out.loc[mask, "override_source"] = f"{source_file}:{row}"
    return out


def annex_progress(realisations: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """Plan versus realisation per annex, corporation and planned year, up to `year`.

    Columns: annex, indicator, corporation, year, planned, realised (NA without data), difference.
    Solar panels compare cumulative counts at the end of the year.
    """
    specs = [
        (1, "new_builds_mid_rent", "mid_rent_new_builds", "homes"),
        (2, "new_builds_social", "social_new_builds", "homes"),
        (3, "retrofits_label_b", "retrofits_label_b", "homes"),
        (4, "solar_panels", "solar_panels_cumulative", "homes_cumulative"),
    ]
    frames = []
    for annex, table, indicator, column in specs:
        plan = load(table)
        year_col = "end_of_year" if table == "solar_panels" else "year"
        plan = plan[plan[year_col] >= AGREEMENT_PERIOD[0]]
        planned = (
            plan.groupby(["corporation", year_col], observed=True)[column].sum().rename("planned")
        )
        planned.index.names = ["corporation", "year"]
        rows = _values(realisations, indicator)
        # only the annexes' years: later deliveries are slipped homes (see project_progress)
        plan_years = range(AGREEMENT_PERIOD[0], AGREEMENT_PERIOD[1] + 1)
        in_plan = rows["party"].notna() & rows["year"].isin(plan_years)
        realised = rows[in_plan].groupby(["party", "year"])["value"].sum().rename("realised")
        realised.index.names = ["corporation", "year"]
        df = planned.to_frame().join(realised.astype("Float64"), how="outer").reset_index()
        df = df[df["year"] <= year]
        df.insert(0, "indicator", indicator)
        df.insert(0, "annex", annex)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out["planned"] = out["planned"].astype("Float64").fillna(0)
    out["difference"] = out["realised"] - out["planned"]
    return out.astype({"year": "Int64", "corporation": "string"}).sort_values(
        ["annex", "corporation", "year"], ignore_index=True
    )


def project_progress(realisations: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """Annex 2 project by project: planned year and homes, delivered in that year and later.

    `slipped` counts homes delivered after the planned year; `outstanding` what is still to come.
    """
    plan = load("new_builds_social")
    rows = _values(realisations, "social_new_builds")
    if "project" in rows:
        rows = rows[rows["project"].notna() & (rows["year"] <= year)]
    else:
        rows = rows.iloc[0:0].assign(project=pd.Series(dtype="string"))
    out = []
    for (corporation, project), planned in plan.groupby(
        ["corporation", "project"], observed=True, sort=False
    ):
        delivered = rows[
            (rows["party"] == str(corporation)) & (rows["project"] == project)
        ].sort_values("year")
        deliveries = [
            (int(y), float(v))
            for y, v in zip(delivered["year"], delivered["value"], strict=True)
            if v > 0
        ]
        # a project planned in two years (H-flats) fills its earliest plan row first
        for p in planned.sort_values("year").itertuples(index=False):
            need, on_time, later, years = float(p.homes), 0.0, 0.0, []
            while need > 0 and deliveries:
                y, v = deliveries[0]
                take = min(v, need)
                on_time, later = (on_time + take, later) if y <= p.year else (on_time, later + take)
                need -= take
                years.append(y)
                deliveries[0] = (y, v - take)
                if deliveries[0][1] <= 0:
                    deliveries.pop(0)
            has_data = not delivered.empty
            out.append(
                {
                    "corporation": str(corporation),
                    "project": project,
                    "planned_year": p.year,
                    "planned": p.homes,
                    "delivered_on_time": on_time if has_data else pd.NA,
                    "slipped": later if has_data else pd.NA,
                    "outstanding": need if has_data else pd.NA,
                    "years_delivered": ", ".join(map(str, sorted(set(years)))),
                }
            )
    return pd.DataFrame(out).astype(
        {"delivered_on_time": "Float64", "slipped": "Float64", "outstanding": "Float64"}
    )


def status_rollup(agreement_status: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """Every agreement with its status in `year`; an agreement without one is 'no_information'."""
    agreements = load("agreements")[
        ["agreement_id", "theme_id", "agreement_type", "initiators", "text"]
    ]
    if agreement_status is None:
        status = pd.DataFrame(columns=["agreement_id", "status", "explanation"])
    else:
        status = agreement_status[agreement_status["year"] == year][
            ["agreement_id", "status", "explanation"]
        ]
        status = status.astype({"status": "string"})
    out = agreements.merge(status, on="agreement_id", how="left", validate="one_to_one")
    out["status"] = out["status"].fillna(NO_INFORMATION).astype("string")
    out.insert(0, "year", year)
    return out


def status_counts(rollup: pd.DataFrame, by: str = "theme_id") -> pd.DataFrame:
    """Counts of statuses per theme (by='theme_id') or per initiator (by='initiator')."""
    df = (
        rollup.explode("initiators").rename(columns={"initiators": "initiator"})
        if by == "initiator"
        else rollup
    )
    return df.groupby([by, "status"]).size().unstack(fill_value=0)
