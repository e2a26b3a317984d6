"""What a target share takes: solve (the constant social additions a share takes), its converse
share_reached, and describe_solution for printing the answer with its assumptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from afspraken_analysis.labels import Number, Text, render, user_lang

from .config import (
    Scenario,
    _apply_overrides,
    _check_count,
    _check_total_additions,
    scenario,
)
from .messages import Joined, note, on, problem
from .model import (
    Model,
    Solution,
    _check_solve_years,
    _share_at,
    _solve_model,
    _with_social_additions,
)
from .resolve import _as_model, _check_parts, _Context, _resolve_untargeted


def solve(
    s: Scenario | Model | str,
    target_share_pct: float | None = None,
    by_year: int | None = None,
    *,
    from_year: int | None = None,
    total_additions: str | None = None,
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> Solution:
    """The constant yearly social additions (planned homes, before delivery rates) that bring the
    social-rent share to `target_share_pct` in `by_year`, all other flows as in the scenario.

    The constant applies from `from_year` (default base_year + 1) to the horizon; earlier years keep
    the scenario's flows. `total_additions`: "on_top" (default; total additions rise with the
    social ones) or "fixed". A scenario with a `target` block supplies the defaults and is solved
    without its own target applied. A `by_year` after the horizon extends the horizon.
    The answer is checked by running the projection with it (`share_check_pct`).
    """
    target = None
    if isinstance(s, str):
        s = scenario(s)
    if isinstance(s, Scenario):
        target = s.target or {}
        if by_year is None:
            by_year = target.get("by_year", s.parameters.get("horizon_year"))
        horizon = s.parameters.get("horizon_year")
        extended = isinstance(by_year, int) and horizon is not None and by_year > horizon
        if extended:
            s = _apply_overrides(s, {"horizon_year": by_year})
        model = _resolve_untargeted(s, _Context(tables, realisations, base))
        if extended:
            extended_note = on("horizon_year", note("horizon_extended", old=horizon, new=by_year))
            model = replace(model, notes=(*model.notes, extended_note))
        if target_share_pct is None:
            target_share_pct = target.get("share_pct")
        from_year = target.get("from_year") if from_year is None else from_year
        total_additions = total_additions or target.get("total_additions")
    else:
        model = s
        by_year = model.horizon_year if by_year is None else by_year
    if target_share_pct is None:
        raise problem("no_target_share")
    return _solve_model(
        model,
        target_share_pct,
        by_year,
        from_year=from_year,
        total_additions=total_additions or "on_top",
    )


def share_reached(
    s: Scenario | Model | str,
    additions_social_per_year: float,
    by_year: int | None = None,
    *,
    from_year: int | None = None,
    total_additions: str = "on_top",
    realisations: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    base: Mapping[str, Any] | None = None,
) -> float:
    """The social-rent share (%) in `by_year` (default: the horizon) with constant planned social
    additions from `from_year` on; the converse of `solve`."""
    model = _as_model(s, realisations, tables, base)
    by_year = model.horizon_year if by_year is None else by_year
    from_year = _check_solve_years(model, by_year, from_year)
    _check_count(additions_social_per_year, "additions_social_per_year")
    _check_total_additions(total_additions)
    changed = _with_social_additions(
        model, float(additions_social_per_year), from_year, total_additions
    )
    _check_parts(changed.flows, {}, model.years[1:])
    return _share_at(changed, by_year)


def describe_solution(sol: Solution, lang: str | None = None) -> str:
    """The answer and the assumptions behind it, as printed by `afspraken scenario solve`, in
    `lang` (default: the command line's language, labels.user_lang())."""
    lang = lang or user_lang()
    by, start = sol.by_year, sol.from_year
    head = Text(
        "scenario.cli.solve.heading", name=sol.scenario, target=sol.target_share_pct, year=by
    ).render(lang)
    lines = [head, "=" * len(head)]
    if sol.feasible:
        rule = Text(f"scenario.cli.solve.rule.{sol.total_additions}")
        homes = Number(sol.additions_social_per_year, 1)
        lines += [
            Text("scenario.cli.solve.answer", homes=homes, start=start, rule=rule),
            Text("scenario.cli.solve.check", share=Number(sol.share_check_pct, 6), year=by),
        ]
    else:
        lines += [
            Text("scenario.cli.solve.no_answer", reason=sol.message),
            Text(
                "scenario.cli.solve.unconstrained", homes=Number(sol.additions_social_per_year, 1)
            ),
        ]
    lines += [
        Text(
            "scenario.cli.solve.as_it_stands",
            homes=Number(sol.scenario_additions_social_per_year, 1),
            start=start,
            year=by,
            share=Number(sol.share_without_pct, 2),
        ),
        "",
        Text("scenario.cli.assumptions"),
        *(Joined(["  - ", note], sep="") for note in sol.notes),
    ]
    return "\n".join(str(render(line, lang)) for line in lines)
