"""The social-stock account: per corporation and year, the start stock plus new builds and
acquisitions minus sales, demolition and liberalisation gives the expected end stock; the
reported end stock minus that is the difference no reported flow explains.

Pure functions on the monitoring realisations. A flow that was not supplied leaves the account
incomplete (NA, named in `missing`); it is never read as 0.
"""

from __future__ import annotations

import pandas as pd

from .baseline import BASE_YEAR, ONS_HUIS_STOCK, implied_corporation_stock
from .data import load
from .schemas import CORPORATIONS

TOTAL = "Totaal"
STOCK_INDICATOR = "social_rent_stock"
# account column → (indicator, sign in the net change)
FLOWS = {
    "new_builds": ("social_new_builds", 1),
    "sold": ("homes_sold", -1),
    "demolished": ("social_rent_demolished", -1),
    "liberalised": ("social_rent_liberalised", -1),
    "acquired": ("social_rent_acquired", 1),
}
COLUMNS = [
    "corporation",
    "year",
    "stock_start",
    *FLOWS,
    "net_change",
    "stock_end_expected",
    "stock_end_reported",
    "difference",
]
# Beside COLUMNS: where the start stock comes from, and the inputs not supplied.
START_BASES = ("reported", "estimate")
ESTIMATE_READING = "with_mooiland, printed"


def estimated_start() -> pd.Series:
    """Each corporation's social-rent stock at the end of 2023, estimated as in the central
    reading of baseline.start_readings() (with Mooiland, printed annex-4 percents): the
    corporation stock annex 4 implies for the end of 2025 minus its annex-2 social new builds
    2024-2025; Ons Huis its 2018 stock. An upper bound: corporation stock includes non-social homes.
    """
    implied = implied_corporation_stock().set_index("corporation")["stock"]
    plan = load("new_builds_social")
    planned = plan.groupby("corporation", observed=True)["homes"].sum()
    out = {c: float(implied[c]) - float(planned.get(c, 0)) for c in implied.index}
    out["Ons Huis"] = float(ONS_HUIS_STOCK)
    return pd.Series({c: out[c] for c in CORPORATIONS}, dtype=float)


def _values(realisations: pd.DataFrame | None) -> dict[tuple[str, str, int], float]:
    """(indicator, corporation, year) → the summed value of the corporations' rows (projects
    summed; rows for the whole municipality or the gemeente are not a corporation's)."""
    if realisations is None or realisations.empty:
        return {}
    indicators = [STOCK_INDICATOR, *(i for i, _ in FLOWS.values())]
    rows = realisations[
        realisations["indicator"].isin(indicators)
        & realisations["party"].isin(CORPORATIONS)
        & realisations["value"].notna()
    ]
    sums = rows.groupby(
        [rows["indicator"].astype(str), rows["party"].astype(str), rows["year"].astype(int)]
    )["value"].sum()
    return {key: float(v) for key, v in sums.items()}


def _years(values: dict, year: int | None) -> list[int]:
    seen = sorted({y for (_, _, y) in values if y > BASE_YEAR})
    if year is not None:
        seen = [y for y in seen if y <= year]
    return list(range(seen[0], seen[-1] + 1)) if seen else []


def _row(values: dict, estimate: pd.Series, corporation: str, year: int) -> dict:
    row: dict = {"corporation": corporation, "year": year}
    start = values.get((STOCK_INDICATOR, corporation, year - 1))
    row["stock_start_basis"] = "reported" if start is not None else pd.NA
    if start is None and year == BASE_YEAR + 1:
        start, row["stock_start_basis"] = float(estimate[corporation]), "estimate"
    row["stock_start"] = start
    for column, (indicator, _) in FLOWS.items():
        row[column] = values.get((indicator, corporation, year))
    row["stock_end_reported"] = values.get((STOCK_INDICATOR, corporation, year))
    row["missing"] = [c for c in ("stock_start", *FLOWS, "stock_end_reported") if row[c] is None]
    return row


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    """net change, expected end stock and difference, NA wherever an input is missing."""
    # Float64 arithmetic: a missing flow (NA) makes the sum NA, never 0
    net = sum(frame[column] * sign for column, (_, sign) in FLOWS.items())
    frame["net_change"] = net
    frame["stock_end_expected"] = frame["stock_start"] + frame["net_change"]
    frame["difference"] = frame["stock_end_reported"] - frame["stock_end_expected"]
    return frame


def _total(rows: pd.DataFrame, year: int) -> dict:
    """All corporations together: a column's sum only when every corporation has it."""
    row: dict = {"corporation": TOTAL, "year": year}
    for column in ("stock_start", *FLOWS, "stock_end_reported"):
        complete = rows[column].notna().all()
        row[column] = float(rows[column].sum()) if complete else None
    bases = set(rows["stock_start_basis"].dropna())
    row["stock_start_basis"] = (
        "estimate" if "estimate" in bases else ("reported" if bases else pd.NA)
    )
    missing = [c for c in ("stock_start", *FLOWS, "stock_end_reported") if row[c] is None]
    row["missing"] = missing
    return row


def stock_account(realisations: pd.DataFrame | None, year: int | None = None) -> pd.DataFrame:
    """The social-stock account per corporation and year (after 2023, up to `year`), then the
    rows of all corporations together (corporation 'Totaal').

    Columns: COLUMNS, then `stock_start_basis` ('reported': the previous year's reported stock;
    'estimate': for 2024 without a 2023 row, estimated_start(); NA: not supplied) and `missing`
    (the inputs not supplied). Empty without any account rows.
    """
    values = _values(realisations)
    estimate = estimated_start()
    records = []
    for y in _years(values, year):
        rows = pd.DataFrame([_row(values, estimate, c, y) for c in CORPORATIONS])
        records += rows.to_dict("records")
        records.append(_total(rows, y))
    columns = [*COLUMNS, "stock_start_basis", "missing"]
    if not records:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(records)
    numbers = ["stock_start", *FLOWS, "stock_end_reported"]
    frame[numbers] = frame[numbers].astype("Float64")
    frame["year"] = frame["year"].astype("Int64")
    return _complete(frame)[columns]


def is_complete(row) -> bool:
    """Whether an account row has every input."""
    return not row["missing"]
