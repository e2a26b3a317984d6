"""The tables and sentences the notebooks show: progress categories and statuses, source lines,
targets in words, the summary, annex, agreement, tracking and corporation tables."""

from __future__ import annotations

import html
import re

import pandas as pd

from afspraken_analysis import caveats, labels, monitoring, tracking
from afspraken_analysis.baseline import baseline_stock
from afspraken_analysis.data import load, period_for, period_in_force, targets_in_force
from afspraken_analysis.paths import ROOT, table_file
from afspraken_analysis.schemas import CORPORATIONS

from . import params
from .blocks import Html, _cell

CATEGORY_ORDER = (
    "deterioration",
    "limited_progress",
    "acceleration_needed",
    "not_computable",
    "no_data",
    "on_track",
    "achieved",
)  # least favourable first: the summary of a per-corporation target takes the first present
ATTENTION_CATEGORIES = ("deterioration", "limited_progress", "acceleration_needed")
ATTENTION_STATUSES = ("delayed", "not_started", "dropped")
STATUS_ORDER = ("achieved", "in_progress", "delayed", "not_started", "dropped", "no_information")
STATUS_SYMBOLS = {
    "achieved": "✓",
    "in_progress": "►",
    "delayed": "!",
    "not_started": "○",
    "dropped": "×",
    "no_information": "?",
}
ANNEX_TABLES = {
    1: "new_builds_mid_rent",
    2: "new_builds_social",
    3: "retrofits_label_b",
    4: "solar_panels",
}


def load_monitoring(p):
    """(realisations, agreement_status, category_overrides) from the monitoring directory, as
    monitoring.load_monitoring gives them; all None without a directory."""
    if p.monitoring is None:
        return monitoring.NO_MONITORING
    return monitoring.load_monitoring(p.monitoring)


def goals_for(p, realisations, category_overrides):
    """Goal tracking for the report year, with the report's Woondeal start year and overrides."""
    return tracking.goal_tracking(
        p.year,
        realisations,
        woondeal_start_year=p.woondeal_start_year,
        overrides=category_overrides,
    )


def _lines(table_name: str, query=None) -> str:
    df = load(table_name)
    if query is not None:
        df = df[query(df)]
    numbers = [int(x) for v in df["source_lines"] for x in str(v).split("-")]
    if not numbers:
        return ""
    return f"{min(numbers)}-{max(numbers)}" if min(numbers) != max(numbers) else str(min(numbers))


def monitoring_source(p) -> str:
    if p.monitoring is None:
        return labels.t("report.source.no_monitoring", p.lang)
    return labels.t("report.source.monitoring", p.lang, directory=params.relative(p.monitoring))


def source(kind: str, p, **fields) -> str:
    """The source line under a figure or table, from the translation table.

    kinds: annex1..annex4, agreements, targets, tracking, share, scenarios, baseline.
    """
    lang = p.lang
    if kind.startswith("annex"):
        number = int(kind[5:])
        table_name = ANNEX_TABLES[number]
        return labels.t(
            f"report.source.{kind}",
            lang,
            lines=_lines(table_name),
            file=str(table_file(table_name).relative_to(ROOT)),
            monitoring=monitoring_source(p),
        )
    if kind == "agreements":
        theme = fields.get("theme")
        lines = _lines("agreements", (lambda d: d["theme_id"] == theme) if theme else None)
        return labels.t(
            "report.source.agreements", lang, lines=lines, monitoring=monitoring_source(p)
        )
    if kind == "corporation":
        return labels.t("report.source.corporation", lang, monitoring=monitoring_source(p))
    if kind in ("targets", "tracking"):
        return labels.t(f"report.source.{kind}", lang, monitoring=monitoring_source(p))
    if kind in ("share", "scenarios", "baseline"):
        return labels.t(f"report.source.{kind}", lang, monitoring=monitoring_source(p), **fields)
    raise ValueError(f"unknown source kind {kind!r}")


def label_or(key: str, lang: str, fallback: str) -> str:
    """A label, or `fallback` when the translation table lacks it (a test lists missing ones)."""
    try:
        return labels.t(key, lang)
    except KeyError:
        return fallback


def theme_of(targets: pd.DataFrame) -> pd.Series:
    """Theme number of each target, from its section ('Thema 3, ...' or 'Afspraak 3.1')."""
    return targets["source_section"].str.extract(r"(?:Thema |Afspraak )(\d)")[0].astype("Int64")


def target_text(row, lang: str) -> str:
    """A target in words: 'ruim 3.400 woningen', 'minimaal 25 %', '25-30 standplaatsen'."""
    if row.get("basis") == "milestone":  # no number, no unit: tracked by status
        return labels.t("report.milestone", lang)
    low, high = row["target_low"], row["target_high"]
    unit = str(row["unit"])
    decimals = 0

    def number(v):
        if unit == "percent":
            return labels.fmt_pct(v, lang, decimals)
        return labels.fmt_number(v, lang, decimals)

    qualifier = row.get("qualifier")
    has_q = isinstance(qualifier, str) and qualifier != ""
    if pd.notna(low) and pd.notna(high) and low != high:
        text = labels.t("report.range", lang, low=labels.fmt_number(low, lang), high=number(high))
    elif pd.notna(low) and pd.notna(high):
        text = number(low)
    elif pd.notna(low):
        text = number(low) if has_q else "≥ " + number(low)
    elif pd.notna(high):
        text = number(high) if has_q else "≤ " + number(high)
    else:
        text = "–"
    if has_q:
        text = (
            label_or(f"report.qualifier.{qualifier.replace(' ', '_')}", lang, qualifier)
            + " "
            + text
        )
    if unit != "percent":
        text += " " + label_or(f"report.unit.{unit}", lang, unit)
    if row.get("basis") == "per_year":
        text += " " + labels.t("report.per_year", lang)
    return text


def actual_text(row, lang: str) -> str:
    value = row["actual"]
    if value is None or pd.isna(value):
        return "–"
    if str(row["unit"]) == "percent":
        return labels.fmt_pct(value, lang)
    return labels.fmt_number(value, lang)


def agreement_note(p) -> str:
    """For a year after the last loaded agreement: that it ended and what the report still shows;
    empty while an agreement is in force."""
    if period_in_force(p.year) is not None:
        return ""
    return labels.t("report.agreement.ended", p.lang, period=period_for(p.year), year=p.year)


def summary_targets(tracking_df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per target: theme, name, target in words, actual, and its progress category.

    A target that binds each corporation takes the least favourable category of its rows. A
    category set by hand carries the numbers of its notes (override_numbers, see override_notes)
    and `category_html` shows the chip with the mark.
    """
    years = tracking_df["year"].dropna()
    in_force = targets_in_force(int(years.iloc[0])) if len(years) else load("targets")
    targets = in_force.assign(theme_id=lambda d: theme_of(d))
    numbers = override_numbers(tracking_df)
    rows = []
    for target_id, group in tracking_df.groupby("target_id", sort=False):
        target = targets.set_index("target_id").loc[target_id]
        present = [str(c) for c in group["category"].astype(str)]
        category = next(c for c in CATEGORY_ORDER if c in present)
        first = group.iloc[0]
        single = len(group) == 1
        by_hand = group["is_override"] & (group["category"].astype(str) == category)
        notes = [int(n) for n in numbers[by_hand[by_hand].index]]
        reason = reason_text(group[group["category"].astype(str) == category], lang)
        below = bool(group["below_floor"].fillna(False).astype(bool).any())
        rows.append(
            {
                "theme_id": int(target["theme_id"]),
                "target_id": target_id,
                "target": label_or(f"report.target.{target_id}", lang, target_id),
                "target_value": target_text(first, lang),
                "end_year": first["end_year"],
                "actual": first["actual"] if single else pd.NA,
                "actual_text": actual_text(first, lang)
                if single
                else labels.t("report.per_corporation", lang),
                "category": category,
                "category_text": labels.t(f"category.{category}", lang),
                "reason": reason,
                "below_floor": below,
                "is_override": bool(notes),
                "override_numbers": notes,
                "category_html": category_html(category, notes, lang, reason, below),
            }
        )
    return pd.DataFrame(rows).sort_values(["theme_id"], kind="stable", ignore_index=True)


def override_numbers(tracking_df: pd.DataFrame) -> pd.Series:
    """The note number (1, 2, ...) of each tracking row whose category was set by hand."""
    flags = tracking_df["is_override"].astype(bool)
    numbers = pd.Series(pd.NA, index=tracking_df.index, dtype="Int64")
    numbers[flags] = range(1, int(flags.sum()) + 1)
    return numbers


def category_html(
    category: str, notes: list[int], lang: str, reason: str = "", below_floor: bool = False
) -> str:
    """A category chip; when set by hand, followed by the mark and the numbers of its notes; a
    red mark when below a floor that binds (whatever the category); the reason in words."""
    out = _cell(category, "category", lang)
    if notes:
        mark = html.escape(labels.t("report.override_mark", lang))
        out += f' <span class="override-mark">{mark} ({", ".join(map(str, notes))})</span>'
    if below_floor:
        out += (
            f' <span class="below-floor">{html.escape(labels.t("report.below_floor", lang))}</span>'
        )
    if reason:
        out += f' <span class="category-reason">{html.escape(reason)}</span>'
    return out


# tracking's reasons (progress.py, English) → label keys; the named groups fill the label
REASON_PATTERNS = (
    (
        r"R >= [\d.]+ but the deadline \((?P<end>\d{4})\) is reached and the goal is not met",
        "deadline_passed",
    ),
    (r"R >= [\d.]+ but below a floor that binds now", "below_floor_binds"),
    (
        r"the first value \((?P<first>\S+) in (?P<year>\d{4})\) equals the goal: no pace is required; moved away from it",
        "equals_goal_away",
    ),
    (
        r"the first value \((?P<first>\S+) in (?P<year>\d{4})\) equals the goal: no pace is required; no movement",
        "equals_goal_still",
    ),
    (
        r"the first value \((?P<first>\S+) in (?P<year>\d{4})\) and the latest \((?P<latest>\S+) in (?P<latest_year>\d{4})\) have opposite signs: no growth rate",
        "opposite_signs",
    ),
    (r"an agreed value below 0 \((?P<agreed>\S+)\) gives no ratio", "agreed_below_zero"),
    (r"a realised value of 0 or below is under the cap", "realised_zero_cap"),
    (r"an agreed value of 0 gives no ratio", "agreed_zero"),
    (r"the ratio (?P<numerator>\S+) ÷ (?P<denominator>\S+) is not a number", "ratio_not_a_number"),
    (
        r"moved away from the goal; without a deadline no pace is required, but any pace towards the goal makes R < 0",
        "away_without_deadline",
    ),
    (
        r"a milestone without a number: its status is set by hand \(category_overrides\)",
        "milestone",
    ),
    (r"no pace is required", "no_pace_required"),
)
NUMBER_FIELDS = ("first", "latest", "agreed", "numerator", "denominator")


def translate_reason(reason: str, lang: str) -> str:
    """tracking's reason in the report's language; unknown text is shown as it is (a test
    checks that every reason progress.py gives has a pattern)."""
    for pattern, key in REASON_PATTERNS:
        match = re.fullmatch(pattern, reason)
        if match:
            fields = {
                k: _number(v, lang) if k in NUMBER_FIELDS else v
                for k, v in match.groupdict().items()
            }
            return labels.t(f"report.reason.{key}", lang, **fields)
    return reason


def _number(text: str, lang: str) -> str:
    decimals = len(text.partition(".")[2]) if "e" not in text else 0
    return labels.fmt_number(float(text), lang, decimals)


def _missing_items(rows: pd.DataFrame) -> list[str]:
    """What is missing: 'Ons Huis 2024, 2025' where a party's figures are missing, else years."""
    pairs, years_by_row = [], []
    for row in rows.itertuples(index=False):
        years = re.findall(r"\d{4}", str(row.missing or ""))
        years_by_row.append(tuple(years))
        parties = getattr(row, "missing_parties", "")
        if isinstance(parties, str) and parties:
            pairs += [tuple(item.rpartition(" ")[::2]) for item in parties.split("; ")]
        else:
            pairs += [(row.party if pd.notna(row.party) else "", y) for y in years]
    if len(rows) > 1 and len(set(years_by_row)) == 1 and rows["party"].notna().all():
        return [year_span(years_by_row[0])] if years_by_row[0] else []  # all miss the same
    by_party: dict[str, list[str]] = {}
    for party, year in pairs:
        by_party.setdefault(party, []).append(year)
    return [f"{party} {year_span(ys)}".strip() for party, ys in by_party.items()]


def year_span(years) -> str:
    """Years as short as they read: '2022-2025' for a run, '2022, 2024' otherwise."""
    numbers = sorted({int(y) for y in years})
    if len(numbers) > 1 and numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(map(str, numbers))


def reason_text(rows: pd.DataFrame, lang: str) -> str:
    """Why rows of one category have it, in words: what is missing for 'no data', why no ratio
    for 'not computable', why not on track despite the pace; empty where the category says it."""
    if rows.empty:
        return ""
    missing = {str(m) for m in rows["missing"].fillna("")}
    category = str(rows["category"].iloc[0])
    if category == "no_data" and "a second observation" in missing:
        return labels.t("report.reason.first_measurement", lang)
    if category == "no_data" and "deadline" in missing:
        return labels.t("report.reason.no_deadline", lang)
    items = _missing_items(rows)
    if category == "no_data" and items:
        return labels.t("report.reason.missing", lang, items="; ".join(items))
    if category == "achieved" and items:
        return labels.t("report.reason.achieved_without", lang, items="; ".join(items))
    reasons = dict.fromkeys(translate_reason(r, lang) for r in rows["reason"].fillna("") if r)
    return "; ".join(reasons)


def override_notes(tracking_df: pd.DataFrame, shown: pd.DataFrame, lang: str) -> Html:
    """The notes under a table for the categories set by hand that `shown` marks: which target,
    the category the monitor computed, the justification and the row of the input file."""
    numbers = override_numbers(tracking_df)
    wanted = {n for notes in shown["override_numbers"] for n in notes}
    parts = []
    for index, row in tracking_df[tracking_df["is_override"].astype(bool)].iterrows():
        if int(numbers[index]) not in wanted:
            continue
        target = label_or(f"report.target.{row['target_id']}", lang, row["target_id"])
        if pd.notna(row["party"]):
            target += f" ({row['party']})"
        computed = row["computed_category"]
        source = row["override_source"]
        text = labels.t(
            "report.override_note",
            lang,
            n=int(numbers[index]),
            target=target,
            computed=labels.t(f"category.{computed if pd.notna(computed) else 'no_data'}", lang),
            reason=row["override_reason"],
        ) + (f" ({source})" if pd.notna(source) else "")
        parts.append(f"<p>{html.escape(text)}</p>")
    return Html(f'<div class="override-notes">{"".join(parts)}</div>' if parts else "")


def status_chips(rollup: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per theme: number of agreements, chips with each agreement's status, and counts."""
    themes = load("themes").set_index("theme_id")["name"]
    rows = []
    for theme_id, group in rollup.groupby("theme_id", sort=True):
        chips = "".join(
            f'<span class="chip agreement status-{html.escape(s)}" title="{html.escape(labels.t("status." + s, lang))}">'
            f"{html.escape(a)} {STATUS_SYMBOLS.get(s, '?')}</span> "
            for a, s in zip(group["agreement_id"], group["status"], strict=True)
        )
        counts = group["status"].value_counts()
        rows.append(
            {
                "theme_id": int(theme_id),
                "theme": theme_name(int(theme_id), themes, lang),
                "agreements": len(group),
                "chips": chips,
                **{f"n_{s}": int(counts.get(s, 0)) for s in STATUS_ORDER},
            }
        )
    return pd.DataFrame(rows)


def theme_name(theme_id: int, themes=None, lang: str = "nl") -> str:
    return labels.t(f"report.theme.{theme_id}", lang)


def status_legend(lang: str) -> Html:
    items = "".join(
        f'<span class="chip agreement status-{s}">{STATUS_SYMBOLS[s]} '
        f"{html.escape(labels.t('status.' + s, lang))}</span> "
        for s in STATUS_ORDER
    )
    return Html(f'<p class="legend">{items}</p>')


def category_legend(lang: str) -> Html:
    items = "".join(
        f'<span class="chip category-{c}">{html.escape(labels.t("category." + c, lang))}</span> '
        for c in reversed(CATEGORY_ORDER)
    )
    return Html(f'<p class="legend">{items}</p>')


def annex_wide(progress: pd.DataFrame, annex: int, corporations=None) -> pd.DataFrame:
    """Plan and realisation per corporation with a column per year, and totals."""
    df = progress[progress["annex"] == annex]
    if corporations is not None:
        df = df[df["corporation"].isin(corporations)]
    years = sorted(int(y) for y in df["year"].unique())
    order = [c for c in CORPORATIONS if c in set(df["corporation"])]
    out = pd.DataFrame({"corporation": order})
    for kind in ("planned", "realised"):
        for y in years:
            values = df[df["year"] == y].set_index("corporation")[kind]
            out[f"{kind}_{y}"] = out["corporation"].map(values).astype("Float64")
    cumulative = annex == 4
    last = years[-1] if years else None
    for kind in ("planned", "realised"):
        cols = [f"{kind}_{y}" for y in years]
        if cumulative:
            out[f"{kind}_total"] = out[f"{kind}_{last}"] if last else pd.NA
        else:
            out[f"{kind}_total"] = out[cols].sum(axis=1, min_count=len(cols)) if cols else pd.NA
    out["difference"] = out["realised_total"] - out["planned_total"]
    return out


def annex_totals(wide: pd.DataFrame, lang: str) -> dict:
    total = {"corporation": labels.t("report.total", lang)}
    for column in wide.columns[1:]:
        values = wide[column]
        total[column] = values.sum() if values.notna().all() and len(values) else pd.NA
    return total


def slug(text: str) -> str:
    """A file-name-safe form of a name: 'de Woonmensen' → 'de_woonmensen'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def agreements_table(rollup: pd.DataFrame, p) -> pd.DataFrame:
    """The agreements with their parties, initiators, target in words and status.

    With `p.corporation`, only the agreements that corporation is involved in.
    """
    agreements = load("agreements", period_for(p.year))
    targets = targets_in_force(p.year)
    targets = targets.rename(columns={"value_low": "target_low", "value_high": "target_high"})
    by_agreement = {
        aid: "; ".join(target_text(row, p.lang) for _, row in group.iterrows())
        for aid, group in targets[targets["agreement_id"].notna()].groupby("agreement_id")
    }
    df = agreements.merge(rollup[["agreement_id", "status", "explanation"]], on="agreement_id")
    if p.corporation:
        df = df[df["parties"].map(lambda ps: p.corporation in ps)]
    process = labels.t("report.process_agreement", p.lang)
    result = labels.t("report.result_agreement", p.lang)
    df["target_value"] = [
        by_agreement.get(aid, result if kind == "result" else process)
        for aid, kind in zip(df["agreement_id"], df["agreement_type"].astype(str), strict=True)
    ]
    return df[
        [
            "agreement_id",
            "theme_id",
            "text",
            "parties_text",
            "initiators_text",
            "agreement_type",
            "target_value",
            "status",
            "explanation",
        ]
    ].reset_index(drop=True)


def annex_chart(progress: pd.DataFrame, annex: int, corporations=None) -> pd.DataFrame:
    """The data of an annex chart: corporation, year, planned (the target) and realised."""
    df = progress[progress["annex"] == annex]
    if corporations is not None:
        df = df[df["corporation"].isin(corporations)]
    order = {c: i for i, c in enumerate(CORPORATIONS)}
    df = df.assign(_order=df["corporation"].map(order)).sort_values(["_order", "year"])
    return df[["corporation", "year", "planned", "realised"]].reset_index(drop=True)


def annex_caveats(annex: int, p) -> list[str]:
    keys = {1: ("new_builds_mid_rent",), 2: ("new_builds_social",), 3: (), 4: ()}[annex]
    out = caveats.for_keys(*keys, lang=p.lang) if keys else []
    if annex == 4:
        out.append(labels.t("report.caveat.solar_cumulative", p.lang))
    if p.monitoring is None:
        out.append(labels.t("report.caveat.plans_only", p.lang))
    return out


def corporation_caveats(p) -> list[str]:
    out = caveats.for_keys("annexes", lang=p.lang)[:1]
    if p.monitoring is None:
        out.append(labels.t("report.caveat.plans_only", p.lang))
    return out


def annex_columns(wide: pd.DataFrame, lang: str) -> dict[str, str]:
    """Column headers of an annex table (plan per year, plan total, realised, difference)."""
    columns = {"corporation": labels.t("report.col.corporation", lang)}
    for column in wide.columns[1:]:
        kind, _, suffix = column.partition("_")
        if column == "difference":
            columns[column] = labels.t("report.col.difference", lang)
        elif suffix == "total":
            columns[column] = labels.t(f"report.col.{kind}_total", lang)
        else:
            columns[column] = labels.t(f"report.col.{kind}_year", lang, year=suffix)
    return columns


def tracking_table(goals: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every tracking row with its target and actual in words, for the table of all targets."""
    df = goals.copy()
    df["reason_text"] = [reason_text(df.loc[[i]], lang) for i in df.index]
    df["target"] = [label_or(f"report.target.{t}", lang, t) for t in df["target_id"]]
    df["party"] = df["party"].fillna(labels.t("report.all", lang))
    df["target_value"] = [target_text(row, lang) for _, row in df.iterrows()]
    df["deadline"] = [
        (f"{int(s)}-{int(e)}" if pd.notna(s) and s != e else str(int(e))) if pd.notna(e) else "–"
        for s, e in zip(df["start_year"], df["end_year"], strict=True)
    ]
    df["actual_text"] = [actual_text(row, lang) for _, row in df.iterrows()]
    df["override_numbers"] = [
        [int(n)] if pd.notna(n) else [] for n in override_numbers(goals).reindex(df.index)
    ]
    df["category_html"] = [
        category_html(str(c), notes, lang, reason, bool(below) if pd.notna(below) else False)
        for c, notes, reason, below in zip(
            df["category"],
            df["override_numbers"],
            df["reason_text"],
            df["below_floor"],
            strict=True,
        )
    ]
    df["gap_text"] = [
        "–"
        if pd.isna(row["gap"])
        else (
            labels.fmt_pct(row["gap"], lang)
            if str(row["unit"]) == "percent"
            else labels.fmt_number(row["gap"], lang)
        )
        for _, row in df.iterrows()
    ]
    df["category"] = df["category"].astype(str)
    return df


def corporation_panels(progress: pd.DataFrame, corporation: str) -> pd.DataFrame:
    """One corporation's plan and realisation per annex (2-4) and year (the panel data)."""
    df = progress[(progress["corporation"] == corporation) & progress["annex"].isin([2, 3, 4])]
    return df[["annex", "indicator", "corporation", "year", "planned", "realised"]].reset_index(
        drop=True
    )


def corporation_table(progress: pd.DataFrame, corporation: str, lang: str) -> pd.DataFrame:
    """Per annex: the plan for 2024 and 2025, the plan total (target), realised and difference."""
    rows = []
    for annex in (1, 2, 3, 4):
        df = progress[(progress["annex"] == annex) & (progress["corporation"] == corporation)]
        if df.empty:
            continue
        planned = df.set_index("year")["planned"]
        realised = df.set_index("year")["realised"]
        last = int(df["year"].max())
        cumulative = annex == 4
        total_plan = planned.get(last) if cumulative else planned.sum()
        total_real = (
            realised.get(last)
            if cumulative
            else (realised.sum() if realised.notna().all() else pd.NA)
        )
        rows.append(
            {
                "annex": annex,
                "indicator": str(df["indicator"].iloc[0]),
                "annex_text": labels.t(f"report.annex_row.{annex}", lang),
                "planned_2024": planned.get(2024, pd.NA),
                "planned_2025": planned.get(2025, pd.NA),
                "planned_total": total_plan,
                "realised_total": total_real,
                "difference": (total_real - total_plan) if pd.notna(total_real) else pd.NA,
            }
        )
    return pd.DataFrame(rows)


def corporation_text(corporation: str, rollup: pd.DataFrame, lang: str) -> str:
    """Stock implied by annex 4, and the agreements the corporation takes the initiative for."""
    stock = baseline_stock()
    row = stock[(stock["item"] == "corporation_stock") & (stock["party"] == corporation)]
    leads = rollup[rollup["initiators"].map(lambda names: corporation in names)]
    statuses = ", ".join(
        f"{n} {labels.t('status.' + s, lang)}"
        for s, n in leads["status"]
        .value_counts()
        .reindex(STATUS_ORDER)
        .dropna()
        .astype(int)
        .items()
        if n
    )
    text = labels.t("report.corporation.initiative", lang, n=len(leads), statuses=statuses or "–")
    if not row.empty:
        r = row.iloc[0]
        if pd.notna(r["low"]):
            text = (
                labels.t(
                    "report.corporation.stock_interval",
                    lang,
                    value=labels.fmt_number(r["value"], lang),
                    low=labels.fmt_number(r["low"], lang),
                    high=labels.fmt_number(r["high"], lang),
                )
                + " "
                + text
            )
        else:
            text = (
                labels.t(
                    "report.corporation.stock_old", lang, value=labels.fmt_number(r["value"], lang)
                )
                + " "
                + text
            )
    return text
