"""Progress categories: the Statistics Canada method used by Open SDG, and where we depart from it.

The ratio R of the observed pace to the pace required to reach the target on time decides the
category (ProgressMeasure in sdg-build): achieved; R >= 0.95 on track; 0.60 <= R < 0.95 progress
but acceleration needed; 0 <= R < 0.60 limited progress; R < 0 deterioration; not computable; no
data. docs/assumptions.md (caveats progress_method and departure_*) lists every departure from it.

Rules beyond the ratio: a goal not met is never on track after its deadline, nor while below a
floor that binds now (column below_floor); a level goal whose first value equals the goal needs
no pace, so it is judged on the direction of movement; a ratio that cannot be computed gives
'not computable' with the reason in words (column reason).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

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
# A milestone (basis 'milestone': a state without a number) has no series and no ratio: the
# monitoring meeting sets its category by hand (category_overrides).
MILESTONE_REASON = "a milestone without a number: its status is set by hand (category_overrides)"
# "circa"/"ongeveer" X counts as achieved within ±5 % of X on the side that binds (X − 5 % or
# more for a floor or an amount, X + 5 % or less for a ceiling); "ruim" X means X or more.
TOLERANCE = {"circa": 0.05, "ongeveer": 0.05}


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
    if target.basis == "milestone":
        out |= {"category": "no_data", "missing": "status", "reason": MILESTONE_REASON}
    elif target.basis == "period_total":
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
        return out | _without_deadline(goal, observed)
    return out | _level_ratio(goal, observed, end)


def _without_deadline(goal: _Goal, observed: pd.Series) -> dict:
    """A level goal without a deadline ('groeit richting 30%') requires no pace, so R is
    undefined; but moving away from the goal gives R < 0 whatever pace a deadline would
    require, so that is deterioration. Otherwise the deadline is what is missing."""
    movement = goal.direction * (float(observed.iloc[-1]) - float(observed.iloc[0]))
    if movement < 0:
        return {
            "category": "deterioration",
            "reason": "moved away from the goal; without a deadline no pace is required, but "
            "any pace towards the goal makes R < 0",
        }
    return {"category": "no_data", "missing": "deadline"}


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
