"""The stock-flow arithmetic on numbers: the Model type, the yearly accumulation shared by the
deterministic run and the Monte Carlo, and the closed-form answer to a target share (Solution)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from afspraken_analysis.labels import Number, Text
from afspraken_analysis.userfiles import shown

from .config import _check_share, _check_total_additions
from .messages import NOTE_PREFIX, note, problem, text

# Year convention: the row for year y holds the stocks at the end of y (= 1 January y+1). The row
# for `base_year` holds the given base stocks; every later row is the previous row plus that year's
# flows:
#
#     dwellings_total[y]   = dwellings_total[y-1] + additions_total - demolitions_total
#     social_rent_stock[y] = social_rent_stock[y-1] + additions_social - demolitions_social
#                            - sales - liberalisations + acquisitions
#
# Social additions are part of total additions and social demolitions part of total demolitions;
# sales, liberalisations and acquisitions move homes between segments and leave the total
# unchanged. Delivery rates scale the planned additions: effective social additions =
# delivery_rate * delivery_rate_social * planned social additions; effective total additions =
# delivery_rate * planned total additions - delivery_rate * (1 - delivery_rate_social) * planned
# social additions (social homes that do not come are not replaced by other homes).
#
# The deterministic projection is the Monte Carlo arithmetic with one run and no draws, so the two
# cannot drift apart.


@dataclass(frozen=True, eq=False)
class Model:
    """A scenario resolved to numbers: base stocks and one planned value per flow and year.

    `flows[key]` has one value per projection year (base_year + 1 .. horizon_year), before the
    delivery rates. `uncertainty` holds numeric distributions only. `notes` say where each number
    comes from; they are the assumptions printed with every answer.
    """

    name: str
    base_year: int
    horizon_year: int
    dwellings_total: float
    social_rent_stock: float
    flows: Mapping[str, np.ndarray]
    delivery_rate: float = 1.0
    delivery_rate_social: float = 1.0
    uncertainty: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def years(self) -> np.ndarray:
        """All rows: base_year .. horizon_year."""
        return np.arange(self.base_year, self.horizon_year + 1)


@dataclass(frozen=True, eq=False)
class Solution:
    """What a target share takes: constant social additions from `from_year` on."""

    scenario: str
    target_share_pct: float
    by_year: int
    from_year: int
    total_additions: str
    additions_social_per_year: float
    scenario_additions_social_per_year: float
    share_without_pct: float
    share_check_pct: float
    feasible: bool
    message: Text  # rendered in the reader's language where it is shown
    notes: tuple[str, ...]
    model: Model | None


# ---------------------------------------------------------------------------------------------
# The arithmetic (one function for the deterministic run and the Monte Carlo)
# ---------------------------------------------------------------------------------------------


def _accumulate(d0, s0, flows: Mapping[str, np.ndarray], rate, rate_social, n: int, runs: int):
    """Stocks per year, year-major arrays of shape (n + 1, runs).

    Every argument is a scalar or broadcasts to (n, runs) — per-run draws are (1, runs), per-year
    draws (n, runs), deterministic flows (n, 1). Each row is the previous row plus the flows, added
    in the order of the year convention above, so a hand computation reproduces it exactly.
    """
    dwellings = np.empty((n + 1, runs))
    social = np.empty((n + 1, runs))
    dwellings[0] = d0
    social[0] = s0
    add_social = flows["additions_social_per_year"]
    if n:
        np.multiply(rate * rate_social, add_social, out=social[1:])
        np.multiply(rate, flows["additions_total_per_year"], out=dwellings[1:])
        if np.any(np.not_equal(rate_social, 1)):
            dwellings[1:] -= rate * (1 - rate_social) * add_social
        dwellings[1:] -= flows["demolitions_total_per_year"]
        social[1:] -= flows["demolitions_social_per_year"]
        social[1:] -= flows["sales_per_year"]
        social[1:] -= flows["liberalisations_per_year"]
        social[1:] += flows["acquisitions_per_year"]
    for i in range(1, n + 1):
        dwellings[i] += dwellings[i - 1]
        social[i] += social[i - 1]
    share = np.multiply(social, 100.0)
    share /= dwellings
    # 100 × s / d rounds to 100.00000000000001 for some s == d: a true share of at most 100 % is
    # never shown above it (an impossible stock, s > d, keeps its value and fails the schema)
    np.minimum(share, 100.0, out=share, where=social <= dwellings)
    return dwellings, social, share


def _effective_flows(model: Model) -> dict[str, np.ndarray]:
    """The flows the deterministic run adds, after delivery rates."""
    r, rs = model.delivery_rate, model.delivery_rate_social
    f = dict(model.flows)
    a_s = f["additions_social_per_year"]
    total = r * f["additions_total_per_year"]
    if rs != 1:
        total = total - r * (1 - rs) * a_s
    f["additions_social_per_year"] = r * rs * a_s
    f["additions_total_per_year"] = total
    return f


def _column(values: np.ndarray) -> np.ndarray:
    return values.reshape(-1, 1)


# ---------------------------------------------------------------------------------------------
# What it takes: the closed form for a target share
# ---------------------------------------------------------------------------------------------


def _with_social_additions(model: Model, additions: float, from_year: int, rule: str) -> Model:
    """The model with planned social additions set to `additions` from `from_year` on. With
    "on_top" the non-social additions stay, so total additions change by the same amount; with
    "fixed" total additions stay and the social homes take the place of others."""
    years = model.years[1:]
    later = years >= from_year
    a_s = np.array(model.flows["additions_social_per_year"], dtype=float)
    a = np.array(model.flows["additions_total_per_year"], dtype=float)
    if rule == "on_top":
        a[later] = a[later] - a_s[later] + additions
    a_s[later] = additions
    for values in (a, a_s):
        values.setflags(write=False)
    flows = {**model.flows, "additions_social_per_year": a_s, "additions_total_per_year": a}
    return replace(model, flows=flows)


def _share_at(model: Model, year: int) -> float:
    n = len(model.years) - 1
    flows = {k: _column(v) for k, v in model.flows.items()}
    _, _, share = _accumulate(
        model.dwellings_total,
        model.social_rent_stock,
        flows,
        model.delivery_rate,
        model.delivery_rate_social,
        n,
        1,
    )
    return float(share[year - model.base_year, 0])


def _stocks_at(model: Model, year: int) -> tuple[float, float]:
    n = len(model.years) - 1
    flows = {k: _column(v) for k, v in model.flows.items()}
    dwellings, social, _ = _accumulate(
        model.dwellings_total,
        model.social_rent_stock,
        flows,
        model.delivery_rate,
        model.delivery_rate_social,
        n,
        1,
    )
    i = year - model.base_year
    return float(dwellings[i, 0]), float(social[i, 0])


def _check_solve_years(model: Model, by_year: int, from_year: int | None) -> int:
    if not isinstance(by_year, int) or isinstance(by_year, bool):
        raise problem("not_a_year", where="by_year", value=shown(by_year))
    if not model.base_year < by_year <= model.horizon_year:
        raise problem(
            "by_year_outside", year=by_year, first=model.base_year + 1, last=model.horizon_year
        )
    from_year = model.base_year + 1 if from_year is None else from_year
    if not isinstance(from_year, int) or not model.base_year < from_year <= by_year:
        raise problem(
            "from_year_outside", year=shown(from_year), first=model.base_year + 1, by_year=by_year
        )
    return from_year


def _solve_model(
    model: Model,
    target_share_pct: float,
    by_year: int,
    *,
    from_year: int | None = None,
    total_additions: str = "on_top",
) -> Solution:
    """Closed form. With x the constant planned social additions from `from_year` (k years up to
    `by_year`), e = delivery_rate * delivery_rate_social the effective share of a planned social
    home, and c the change in effective total additions per planned social home (e with "on_top",
    e - delivery_rate with "fixed"): S(T) = S_0 + k e x and D(T) = D_0 + k c x, where S_0, D_0 are
    the stocks in `by_year` with x = 0. share(T) = p gives x = (p D_0 - S_0) / (k (e - p c)).

    With constant flows, "on_top", rates 1 and from_year = base_year + 1 this is
    x = (p (D0 + n (a - a_s - d)) - S0 + n (d_s + sales + lib - acq)) / (n (1 - p)).
    """
    p = _check_share(target_share_pct, text("target_share")) / 100
    _check_total_additions(total_additions)
    from_year = _check_solve_years(model, by_year, from_year)
    x, zero = _closed_form(model, p, by_year, from_year, total_additions)
    answer = _answer(model, target_share_pct, by_year, from_year, total_additions, x)
    message = _infeasibility(model, zero, x, by_year, from_year, total_additions)
    if message is not None:
        return Solution(
            **answer, share_check_pct=math.nan, feasible=False, message=message, model=None
        )
    solved = _with_social_additions(model, x, from_year, total_additions)
    solved_note = note(
        "solved",
        start=from_year,
        homes=Number(x, 1),
        target=float(target_share_pct),
        year=by_year,
        rule=total_additions,
    )
    solved = replace(solved, notes=(*model.notes, solved_note))
    check = _share_at(solved, by_year)
    message = text(
        "solution_reached",
        homes=Number(x, 1),
        start=from_year,
        share=Number(check, 2),
        year=by_year,
    )
    return Solution(**answer, share_check_pct=check, feasible=True, message=message, model=solved)


def _closed_form(
    model: Model, p: float, by_year: int, from_year: int, total_additions: str
) -> tuple[float, Model]:
    """x, and the model with no planned social additions from `from_year` (whose stocks are S_0,
    D_0)."""
    k = by_year - from_year + 1
    r, rs = model.delivery_rate, model.delivery_rate_social
    e = r * rs
    c = e if total_additions == "on_top" else e - r
    if e == 0:
        raise problem("delivery_zero")
    zero = _with_social_additions(model, 0.0, from_year, total_additions)
    d_zero, s_zero = _stocks_at(zero, by_year)
    return (p * d_zero - s_zero) / (k * (e - p * c)), zero


def _answer(
    model: Model,
    target_share_pct: float,
    by_year: int,
    from_year: int,
    total_additions: str,
    x: float,
) -> dict[str, Any]:
    """The Solution fields that do not depend on feasibility, with the notes behind them."""
    k = by_year - from_year + 1
    share_without = _share_at(model, by_year)
    later = note("solve_later", year=model.horizon_year) if model.horizon_year > by_year else ""
    solve_note = note(
        "solve",
        start=from_year,
        year=by_year,
        n=k,
        later=later,
        rule=note(f"solve_{total_additions}"),
    )
    uncertainty = NOTE_PREFIX + "uncertainty"
    base_notes = (solve_note, *(n for n in model.notes if getattr(n, "key", "") != uncertainty))
    return {
        "scenario": model.name,
        "target_share_pct": float(target_share_pct),
        "by_year": by_year,
        "from_year": from_year,
        "total_additions": total_additions,
        "additions_social_per_year": x,
        "scenario_additions_social_per_year": float(
            np.mean(
                model.flows["additions_social_per_year"][
                    (model.years[1:] >= from_year) & (model.years[1:] <= by_year)
                ]
            )
        ),
        "share_without_pct": share_without,
        "notes": base_notes,
    }


def _infeasibility(
    model: Model, zero: Model, x: float, by_year: int, from_year: int, total_additions: str
) -> Text | None:
    """Why `x` is no answer (the target is reached without social additions, or they exceed the
    fixed total additions); None when it is one."""
    if x < 0:
        share_zero = _share_at(zero, by_year)
        return text(
            "target_reached_without", start=from_year, year=by_year, share=Number(share_zero, 2)
        )
    if total_additions == "fixed":
        totals = np.asarray(model.flows["additions_total_per_year"])[model.years[1:] >= from_year]
        if (x > totals).any():
            return text("exceeds_fixed_total", homes=Number(x, 1), total=Number(totals.min(), 1))
    return None
