"""Goal tracking: realisations against targets and annex plans (DataFrame in, DataFrame out).

Each target's series is judged by the progress-category method of `progress` (Statistics
Canada / Open SDG thresholds and this project's documented departures).
"""

from __future__ import annotations

import re

import pandas as pd

from . import baseline
from . import parties as party_names
from .data import current_period, load, period_for, targets_in_force
from .errors import UserError
from .progress import (  # noqa: F401 - the category vocabulary is part of tracking's public face
    ACCELERATION,
    ALL_CATEGORIES,
    CATEGORIES,
    NOT_COMPUTABLE,
    ON_TRACK,
    TOLERANCE,
    _judge,
)

# The current package's period (the latest agreement); goal tracking for a year uses the period of
# the package in force then (data.period_for) and each target's own agreement_period.
AGREEMENT_PERIOD = tuple(map(int, current_period().split("-")))
DEFAULT_WOONDEAL_START_YEAR = 2022
NO_INFORMATION = "no_information"
DEFAULT_WOONDEAL_END_YEAR = 2030  # 'Waar staan we in 2030?'; the document gives no period
# indicators where a row without party (the whole municipality) includes builders other than
# the corporations, so it cannot stand in for the corporations' total
BUILT_BY_OTHERS_TOO = {"social_new_builds", "mid_rent_new_builds"}

# computed from more than one input indicator: no one party's figure is "the" missing one
NOT_PER_PARTY = {
    "social_rent_share_pct",
    "homes_added",
    "affordable_share_of_additions_pct",
    "vsw_share_of_social_new_builds_pct",
}

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
    "missing_parties",
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
        base = load("solar_panels", target.agreement_period)
        base = base.query("end_of_year == @target.start_year - 1")
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
        start = int(target.agreement_period.split("-")[0])  # the agreement the target belongs to
    return (int(start) if start is not None else None), (int(end) if end is not None else None)


def _missing_parties(
    realisations: pd.DataFrame | None, indicator: str, parties: list[str] | None, missing: str
) -> str:
    """Which of several parties lack a figure in each missing year: 'Ons Huis 2025'.

    Empty where a year misses every party (the year itself says it all), for one party or the
    municipality, and for indicators computed from more than one input indicator.
    """
    if not parties or len(parties) < 2 or indicator in NOT_PER_PARTY:
        return ""
    rows = _values(realisations, DERIVED.get(indicator, indicator))
    out = []
    for year in (int(y) for y in re.findall(r"\d{4}", missing)):
        given = set(rows.loc[rows["year"] == year, "party"].dropna())
        absent = [party for party in parties if party not in given]
        if 0 < len(absent) < len(parties):
            out += [f"{party} {year}" for party in absent]
    return "; ".join(out)


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
    targets = targets_in_force(year) if targets is None else targets
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
            milestone = target.basis == "milestone"  # no indicator: tracked by status
            series = (
                pd.Series(dtype="Float64")
                if milestone
                else _series(target, realisations, scope_parties)
            )
            judged = _judge(target, series, year, start, end)
            judged["missing_parties"] = _missing_parties(
                realisations, target.indicator, scope_parties, judged["missing"]
            )
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
            "missing_parties": "string",
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
    period = period_for(year)  # the agreement in force, or the last one that ended
    first, last = map(int, period.split("-"))
    frames = []
    for annex, table, indicator, column in specs:
        plan = load(table, period)
        year_col = "end_of_year" if table == "solar_panels" else "year"
        plan = plan[plan[year_col] >= first]
        planned = (
            plan.groupby(["corporation", year_col], observed=True)[column].sum().rename("planned")
        )
        planned.index.names = ["corporation", "year"]
        rows = _values(realisations, indicator)
        # only the annexes' years: later deliveries are slipped homes (see project_progress)
        plan_years = range(first, last + 1)
        in_plan = rows["party"].notna() & rows["year"].isin(plan_years)
        realised = rows[in_plan].groupby(["party", "year"])["value"].sum().rename("realised")
        realised.index.names = ["corporation", "year"]
        # every corporation gets a row for every annex year: a year the annex gives no homes
        # for means none planned (0), not a missing plan figure
        grid = pd.MultiIndex.from_product(
            [
                sorted(
                    set(planned.index.get_level_values(0)) | set(realised.index.get_level_values(0))
                ),
                [y for y in plan_years if y <= year],
            ],
            names=["corporation", "year"],
        )
        df = planned.to_frame().join(realised.astype("Float64"), how="outer")
        df = df.reindex(df.index.union(grid)).reset_index()
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
    plan = load("new_builds_social", period_for(year))
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
    agreements = load("agreements", period_for(year))[
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
