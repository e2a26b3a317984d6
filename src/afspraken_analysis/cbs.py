"""CBS StatLine figures: the 82900NED ownership split and an optional refresh, only when asked.

82900NED "Voorraad woningen; eigendom, type verhuurder, bewoning, regio" counts every home owned
by a corporation ("eigendom woningcorporatie"), including non-social rent; the agreement counts
the corporations' social-rent homes. Keep the two apart (docs/assumptions.md).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import UserError

TABLE_82900 = "82900NED"
COLUMNS_82900 = [
    "region",
    "year",
    "total",
    "owner_occupied",
    "rented_total",
    "rented_corporation",
    "rented_other",
    "ownership_unknown",
    "vintage",
]
COUNTS = COLUMNS_82900[2:8]
# StatLine measure keys of 82900NED (status of occupation: T001235 = Totaal)
STATLINE_82900 = {
    "RegioS": "region",
    "Perioden": "year",
    "TotaleWoningvoorraad_1": "total",
    "Koopwoningen_2": "owner_occupied",
    "TotaalHuurwoningen_3": "rented_total",
    "EigendomWoningcorporatie_4": "rented_corporation",
    "EigendomOverigeVerhuurders_5": "rented_other",
    "EigendomOnbekend_6": "ownership_unknown",
}


def check_82900(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Types and identities: total = owned + rented + unknown; rented = corporation + other."""
    missing = [c for c in COLUMNS_82900 if c not in df.columns]
    if missing:
        raise UserError(
            f"{name}: missing columns {', '.join(missing)}; expected {', '.join(COLUMNS_82900)}"
        )
    problems = []
    for column in ["year", *COUNTS]:
        numeric = pd.to_numeric(df[column], errors="coerce")
        for i in df.index[numeric.isna() | (numeric < 0) | (numeric % 1 != 0)]:
            problems.append(
                f"{name}, row {i + 2}, column {column!r}: {df.at[i, column]!r} is not a whole number ≥ 0"
            )
    if problems:
        raise UserError("\n".join(problems))
    df = df.astype({c: "Int64" for c in ["year", *COUNTS]})
    identities = {
        "total": df["owner_occupied"] + df["rented_total"] + df["ownership_unknown"],
        "rented_total": df["rented_corporation"] + df["rented_other"],
    }
    for column, expected in identities.items():
        for i in df.index[df[column] != expected]:
            problems.append(
                f"{name}, row {i + 2}, column {column!r}: {df.at[i, column]} differs from the sum of its parts "
                f"({expected[i]}); check the file against StatLine"
            )
    duplicated = df.duplicated(["region", "year", "vintage"], keep=False)
    for i in df.index[duplicated]:
        problems.append(
            f"{name}, row {i + 2}: region {df.at[i, 'region']!r} {df.at[i, 'year']} appears twice for one vintage"
        )
    if problems:
        raise UserError("\n".join(problems))
    return df


def read_82900(path: Path) -> pd.DataFrame:
    """Read a CSV with the 82900NED columns (as the shipped sample) and check its identities."""
    return check_82900(pd.read_csv(path, dtype=str, keep_default_na=False), Path(path).name)


# StatLine's CSV export names its columns by their Dutch titles (with "(aantal)" and the group
# before a slash); matched on lowercase parts, in this order (the first match wins)
EXPORT_82900 = (
    ("region", ("regio",)),
    ("year", ("perioden",)),
    ("total", ("totale woningvoorraad",)),
    ("owner_occupied", ("koopwoningen",)),
    ("rented_corporation", ("woningcorporatie",)),
    ("rented_other", ("overige verhuurders",)),
    ("rented_total", ("huurwoningen",)),
    ("ownership_unknown", ("onbekend",)),
)


def read_82900_export(path: Path) -> pd.DataFrame:
    """A 82900NED file: the project's columns (as the sample and `afspraken baseline refresh`
    write them) or StatLine's CSV export (';'-separated, Dutch column titles, title lines above
    the header, '2024*' for provisional years). Only the status 'Totaal' rows are kept."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    if lines and set(COLUMNS_82900[:-1]) <= set(lines[0].split(",")):
        return read_82900(path)
    start = next((i for i, line in enumerate(lines) if "perioden" in line.lower()), None)
    if start is None:
        raise UserError(
            f"{path.name}: no header with 'Perioden' found; expected a StatLine CSV export of "
            f"{TABLE_82900} or the columns {', '.join(COLUMNS_82900)}"
        )
    sep = ";" if lines[start].count(";") >= lines[start].count(",") else ","
    raw = pd.read_csv(
        path, sep=sep, skiprows=start, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    raw = raw[[c for c in raw.columns if not c.startswith("Unnamed")]]
    status = [c for c in raw.columns if "bewoning" in c.lower()]
    if status:
        raw = raw[raw[status[0]].str.strip().str.lower() == "totaal"]
    columns = {}
    for name, parts in EXPORT_82900:
        found = [
            c
            for c in raw.columns
            if c not in columns and c not in status and all(p in c.lower() for p in parts)
        ]
        if not found:
            raise UserError(
                f"{path.name}: no column for {name} (a title with {' '.join(parts)!r}); columns "
                f"found: {', '.join(raw.columns)}"
            )
        columns[found[0]] = name
    df = raw[list(columns)].rename(columns=columns).reset_index(drop=True)
    df["year"] = df["year"].str.extract(r"(\d{4})", expand=False).fillna(df["year"])
    df["vintage"] = "newer"
    return check_82900(df[COLUMNS_82900], path.name)


def latest_vintage(df: pd.DataFrame) -> pd.DataFrame:
    """One row per region and year: the newer release where CBS revised a figure."""
    order = df["vintage"].map({"newer": 0, "older": 1}).fillna(2)
    return (
        df.assign(_order=order)
        .sort_values(["region", "year", "_order"])
        .drop_duplicates(["region", "year"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def corporation_share(df: pd.DataFrame) -> pd.DataFrame:
    """Corporation-owned homes as a share of all homes (CBS definition, not social rent)."""
    out = latest_vintage(df)[["region", "year", "total", "rented_corporation"]].copy()
    out["corporation_share_pct"] = out["rented_corporation"] / out["total"] * 100
    return out


def from_statline(raw: pd.DataFrame, vintage: str = "newer") -> pd.DataFrame:
    """Map a StatLine 82900NED download (cbsodata.get_data) to the project's columns."""
    missing = [k for k in STATLINE_82900 if k not in raw.columns]
    if missing:
        raise UserError(
            f"StatLine {TABLE_82900}: the download lacks {', '.join(missing)}; has the table changed?"
        )
    df = raw[list(STATLINE_82900)].rename(columns=STATLINE_82900)
    df["region"] = df["region"].astype(str).str.strip()
    df["year"] = df["year"].astype(str).str.extract(r"(\d{4})", expand=False)
    df["vintage"] = vintage
    return check_82900(df[COLUMNS_82900].reset_index(drop=True), f"StatLine {TABLE_82900}")


def fetch_82900(
    region_code: str = "GM0200",
) -> pd.DataFrame:  # pragma: no cover - needs the network
    """Download the ownership split for a region from StatLine (needs `cbsodata` and the network)."""
    try:
        import cbsodata
    except ImportError:
        raise UserError("the CBS refresh needs cbsodata: uv sync --extra cbs") from None
    try:
        raw = cbsodata.get_data(
            TABLE_82900, filters=f"RegioS eq '{region_code}' and StatusVanBewoning eq 'T001235'"
        )
    except Exception as exc:  # network errors come in many kinds
        raise UserError(
            f"StatLine {TABLE_82900} could not be downloaded ({exc}); the shipped figures stay in use"
        ) from None
    return from_statline(pd.DataFrame(raw))


TABLE_KWB = "85984NED"  # Kerncijfers wijken en buurten 2024; later years have other table ids
# measure keys carry a number that changes between yearly KWB tables: match on the prefix
KWB_MEASURES = {"AantalInwoners_": "population", "Woningvoorraad_": "dwellings"}


def from_statline_kwb(raw: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """Map a StatLine KWB download to region_code, population and dwellings (1 January)."""
    columns = {}
    for prefix, name in KWB_MEASURES.items():
        found = [c for c in raw.columns if c.startswith(prefix)]
        if len(found) != 1:
            raise UserError(
                f"StatLine KWB: expected one column starting with {prefix!r}, found {found or 'none'}; has the table changed?"
            )
        columns[found[0]] = name
    codes = [c for c in raw.columns if c.startswith("Codering_")]
    if len(codes) != 1:
        raise UserError("StatLine KWB: no region code column (Codering_*); has the table changed?")
    df = raw.assign(region_code=raw[codes[0]].astype(str).str.strip())
    df = df[df["region_code"] == region_code].rename(columns=columns)
    if len(df) != 1:
        raise UserError(f"StatLine KWB: expected one row for {region_code}, found {len(df)}")
    out = df[["region_code", *KWB_MEASURES.values()]].reset_index(drop=True)
    for name in KWB_MEASURES.values():
        value = pd.to_numeric(out[name], errors="coerce")
        if value.isna().any() or (value < 0).any():
            raise UserError(
                f"StatLine KWB: {name} for {region_code} is not a count: {out.at[0, name]!r}"
            )
        out[name] = value.astype("Int64")
    return out


def fetch_kwb(
    region_code: str = "GM0200", table: str = TABLE_KWB
) -> pd.DataFrame:  # pragma: no cover - needs the network
    """Download population and dwellings on 1 January for a region from a KWB table."""
    try:
        import cbsodata
    except ImportError:
        raise UserError("the CBS refresh needs cbsodata: uv sync --extra cbs") from None
    try:
        raw = cbsodata.get_data(table, filters=f"startswith(WijkenEnBuurten,'{region_code}')")
    except Exception as exc:  # network errors come in many kinds
        raise UserError(
            f"StatLine {table} could not be downloaded ({exc}); the shipped figures stay in use"
        ) from None
    return from_statline_kwb(pd.DataFrame(raw), region_code)
