"""Baseline stock figures with their source, date, definition and quality (red/amber/green).

The agreement defines the social-rent share against the total dwelling stock of Apeldoorn.
No single public source gives the corporations' social-rent stock for Apeldoorn offline, so the
baseline combines: CBS totals (green), the stock implied by annex 4 (amber: an interval, since
the printed shares are rounded) and an older Ons Huis figure (red). docs/assumptions.md explains.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cbs import TABLE_82900, fetch_82900, fetch_kwb, latest_vintage, read_82900_export
from .data import load
from .errors import UserError
from .labels import fmt_number, t
from .paths import CBS_DIR

BASE_YEAR = 2023
KWB_FILE = CBS_DIR / "kwb-2024-stedendriehoek.csv"
KWB_SOURCE = "CBS 85984NED Kerncijfers wijken en buurten 2024 (tabel gewijzigd 2025-03-27)"
ONS_HUIS_STOCK = 5062
ONS_HUIS_SOURCE = "De Stentor, over het strategisch plan 2018-2020 van Ons Huis ('Nu telt dat bezit 5062 woningen')"
COLUMNS = [
    "item",
    "party",
    "date",
    "value",
    "low",
    "high",
    "unit",
    "source",
    "definition",
    "method",
    "quality",
]


def _apeldoorn() -> pd.Series:
    kwb = pd.read_csv(KWB_FILE, dtype={"region_code": str})
    row = kwb[kwb["region_code"] == "GM0200"]
    if len(row) != 1:
        raise UserError(f"{KWB_FILE.name}: expected one row for GM0200 (gemeente Apeldoorn)")
    return row.iloc[0]


def implied_corporation_stock() -> pd.DataFrame:
    """Each corporation's stock at the end of 2025 implied by annex 4, as an interval.

    homes with panels ÷ share of stock; the share is printed as a whole percent, so the true
    share lies in [p − 0.5, p + 0.5) and the stock in (homes / (p + 0.5), homes / (p − 0.5)].
    """
    solar = load("solar_panels")
    rows = solar[(solar["end_of_year"] == 2025) & solar["share_of_stock_pct"].notna()]
    homes = rows["homes_cumulative"].astype(float)
    pct = rows["share_of_stock_pct"].astype(float)
    return pd.DataFrame(
        {
            "corporation": rows["corporation"].astype(str).to_numpy(),
            "homes_with_panels": rows["homes_cumulative"].to_numpy(),
            "share_of_stock_pct": rows["share_of_stock_pct"].to_numpy(),
            "stock": (homes / pct * 100).round().to_numpy(),
            "stock_low": (homes / (pct + 0.5) * 100).round().to_numpy(),
            "stock_high": (homes / (pct - 0.5) * 100).round().to_numpy(),
            "source_lines": rows["source_lines"].to_numpy(),
        }
    )


def baseline_stock() -> pd.DataFrame:
    """Every baseline figure the monitor uses, one row each, with source and quality."""
    gm = _apeldoorn()
    rows = [
        {
            "item": "dwellings_total",
            "party": "gemeente Apeldoorn",
            "date": "2024-01-01",
            "value": float(gm["dwellings_2024_01_01"]),
            "low": None,
            "high": None,
            "unit": "homes",
            "source": f"{KWB_SOURCE}, GM0200",
            "definition": "All dwellings in the municipality (woningvoorraad) on 1 January",
            "method": "As published",
            "quality": "green",
        },
        {
            "item": "inhabitants",
            "party": "gemeente Apeldoorn",
            "date": "2024-01-01",
            "value": float(gm["population_2024_01_01"]),
            "low": None,
            "high": None,
            "unit": "inhabitants",
            "source": f"{KWB_SOURCE}, GM0200",
            "definition": "Registered population on 1 January",
            "method": "As published",
            "quality": "green",
        },
    ]
    for r in implied_corporation_stock().itertuples():
        rows.append(
            {
                "item": "corporation_stock",
                "party": r.corporation,
                "date": "2025-12-31 (plan)",
                "value": r.stock,
                "low": r.stock_low,
                "high": r.stock_high,
                "unit": "homes",
                "source": f"Prestatieafspraken 2024-2025, bijlage 4 (regel {r.source_lines})",
                "definition": "Corporation's housing stock in Apeldoorn (woningbezit), not only social rent",
                "method": f"{r.homes_with_panels} homes with panels ÷ {r.share_of_stock_pct} % (rounded: interval)",
                "quality": "amber",
            }
        )
    rows.append(
        {
            "item": "corporation_stock",
            "party": "Ons Huis",
            "date": "2018",
            "value": float(ONS_HUIS_STOCK),
            "low": None,
            "high": None,
            "unit": "homes",
            "source": ONS_HUIS_SOURCE,
            "definition": "Ons Huis's housing stock (bezit); annex 4 gives no share ('--%')",
            "method": "Older figure used because nothing newer is available offline",
            "quality": "red",
        }
    )
    return pd.DataFrame(rows, columns=COLUMNS)


# Which corporations count among "de Apeldoornse woningcorporaties" (line 108) is open for Mooiland,
# which only starts its admission to Apeldoorn in agreement 1.6 (line 185).
OPEN_CORPORATION = "Mooiland"
READINGS = ("with_mooiland", "without_mooiland")
ROUNDINGS = {"low": "stock_low", "printed": "stock", "high": "stock_high"}
FLOOR_PCT = 25.0


def start_readings() -> pd.DataFrame:
    """The estimated social-rent stock at the end of 2023 under every reading: with or without
    Mooiland × the annex-4 share at its low end, as printed, or at its high end (whole percents).

    Per reading: implied end-2025 stocks of the counted corporations (annex 4), minus their planned
    social new builds 2024-2025 (annex 2), plus Ons Huis's 2018 stock. Corporation stock includes
    non-social homes, so every reading is an upper bound for the social-rent stock.
    """
    implied = implied_corporation_stock()
    plan = load("new_builds_social")
    dwellings = int(_apeldoorn()["dwellings_2024_01_01"])
    rows = []
    for reading in READINGS:
        counted = implied
        if reading == "without_mooiland":
            counted = implied[implied["corporation"] != OPEN_CORPORATION]
        planned = int(plan[plan["corporation"].isin(counted["corporation"])]["homes"].sum())
        for rounding, column in ROUNDINGS.items():
            stock = int(counted[column].sum()) - planned + ONS_HUIS_STOCK
            rows.append(
                {
                    "reading": reading,
                    "rounding": rounding,
                    "corporations": ", ".join([*counted["corporation"], "Ons Huis"]),
                    "implied_stock": int(counted[column].sum()),
                    "planned_new_builds": planned,
                    "ons_huis_stock": ONS_HUIS_STOCK,
                    "social_rent_stock": stock,
                    "dwellings_total": dwellings,
                    "share_pct": stock / dwellings * 100,
                }
            )
    return pd.DataFrame(rows)


def _estimate() -> dict:
    readings = start_readings()
    central = readings.set_index(["reading", "rounding"]).loc[("with_mooiland", "printed")]
    low = readings.loc[readings["social_rent_stock"].idxmin()]
    high = readings.loc[readings["social_rent_stock"].idxmax()]
    return {
        "social_rent_stock": int(central["social_rent_stock"]),
        "social_rent_stock_low": int(low["social_rent_stock"]),
        "social_rent_stock_high": int(high["social_rent_stock"]),
        "low_reading": f"{low['reading']}, {low['rounding']}",
        "high_reading": f"{high['reading']}, {high['rounding']}",
        "measured": False,
        "quality": "red",
        "source": (
            f"dwellings_total: {KWB_SOURCE} (1 January 2024, green). social_rent_stock: estimate "
            f"(red), a range over the readings: corporation stock implied by annex 4 for end 2025 "
            f"with or without {OPEN_CORPORATION} (lines 108, 185) and with the printed whole "
            f"percents at either end (low: {low['reading']}, {low['rounding']}; high: "
            f"{high['reading']}, {high['rounding']}), minus the planned social new builds 2024-2025 "
            f"(annex 2), plus Ons Huis {ONS_HUIS_STOCK} (2018); corporation stock is an upper "
            "bound for social-rent stock."
        ),
    }


def base_stocks(realisations: pd.DataFrame | None = None, cbs_file=None) -> dict:
    """Base stocks for the scenario engine at the end of 2023 (= 1 January 2024).

    Measured figures step in where given: `realisations` rows for 2023 (social_rent_stock of every
    corporation, dwellings_total), else `cbs_file` (CBS 82900NED, corporation-owned homes on
    1 January 2024); otherwise the social-rent stock is the estimate of start_readings(), a range
    whose central value counts all five corporations at the printed percents.
    """
    base = {
        "base_year": BASE_YEAR,
        "dwellings_total": int(_apeldoorn()["dwellings_2024_01_01"]),
        "dwellings_source": f"{KWB_SOURCE}, GM0200",
    }
    measured = measured_start(realisations, cbs_file)
    if measured is None:
        return {**base, **_estimate()}
    if measured.get("dwellings_total") is not None:
        base["dwellings_total"] = measured["dwellings_total"]
        base["dwellings_source"] = measured["dwellings_source"]
    stock_source = measured["source"]
    return {
        **base,
        "social_rent_stock": measured["social_rent_stock"],
        "measured": True,
        "quality": measured["quality"],
        "source": f"dwellings_total: {base['dwellings_source']}. social_rent_stock: {stock_source}",
    }


def measured_start(realisations: pd.DataFrame | None, cbs_file=None) -> dict | None:
    """Measured start figures (end of 2023) from monitoring rows or a CBS 82900NED file, or None.

    Monitoring rows count only with a social_rent_stock for every corporation (a missing one is
    not zero); a dwellings_total row for 2023 replaces the CBS count."""
    out = {}
    rows = _rows_2023(realisations)
    total = rows[rows["indicator"] == "dwellings_total"] if rows is not None else None
    if total is not None and not total.empty:
        out["dwellings_total"] = int(total["value"].sum())
        out["dwellings_source"] = f"monitoring input, end of {BASE_YEAR} ({_sources(total)})"
    stock = rows[rows["indicator"] == "social_rent_stock"] if rows is not None else None
    if stock is not None and not stock.empty:
        corporations = list(load("parties").query("kind == 'corporation'")["party"])
        missing = [c for c in corporations if c not in set(stock["party"].astype(str))]
        if missing:
            raise UserError(
                f"realisations: social_rent_stock for {BASE_YEAR} (the start stock) is given for "
                f"some corporations but not for {', '.join(missing)}; a missing corporation is not "
                f"zero: add its row for {BASE_YEAR} or remove the {BASE_YEAR} rows"
            )
        out["social_rent_stock"] = int(stock["value"].sum())
        out["quality"] = "green"
        out["source"] = (
            f"measured (green): social-rent stock of the corporations at the end of {BASE_YEAR}, "
            f"monitoring input ({_sources(stock)})"
        )
    elif cbs_file is not None:
        out.update(_from_cbs(Path(cbs_file)))
    return out or None


def _rows_2023(realisations: pd.DataFrame | None) -> pd.DataFrame | None:
    if realisations is None or realisations.empty:
        return None
    rows = realisations[realisations["year"] == BASE_YEAR].dropna(subset=["value"])
    return rows if not rows.empty else None


def _sources(rows: pd.DataFrame) -> str:
    sources = rows["source"].dropna().astype(str).unique() if "source" in rows else []
    return "; ".join(sources) or "no source given"


def _from_cbs(path: Path) -> dict:
    """Corporation-owned homes in Apeldoorn on 1 January 2024 from a CBS 82900NED file."""
    df = latest_vintage(read_82900_export(path))
    region = df["region"].astype(str).str.strip()
    row = df[region.isin(["Apeldoorn", "GM0200"]) & (df["year"] == BASE_YEAR + 1)]
    if len(row) != 1:
        raise UserError(
            f"{path.name}: no row for Apeldoorn (GM0200) in {BASE_YEAR + 1} (Perioden: the stock on "
            f"1 January {BASE_YEAR + 1} is the start stock at the end of {BASE_YEAR}); export "
            "82900NED for Apeldoorn with that period"
        )
    return {
        "social_rent_stock": int(row.iloc[0]["rented_corporation"]),
        "quality": "amber",
        "source": (
            f"measured (amber): CBS {TABLE_82900} 'eigendom woningcorporatie' for Apeldoorn on "
            f"1 January {BASE_YEAR + 1} ({path.name}); counts every corporation-owned home, also "
            "those above the social-rent limit: an upper bound for social-rent stock"
        ),
    }


def start_share(base: dict) -> dict:
    """The start share (%) with its range, and whether the 25 % floor holds across it."""
    d = base["dwellings_total"]
    share = base["social_rent_stock"] / d * 100
    low = base.get("social_rent_stock_low", base["social_rent_stock"]) / d * 100
    high = base.get("social_rent_stock_high", base["social_rent_stock"]) / d * 100
    floor = "holds" if low >= FLOOR_PCT else "fails" if high < FLOOR_PCT else "depends"
    return {"share_pct": share, "low_pct": low, "high_pct": high, "floor": floor}


def _cmd_show(args) -> int:
    for r in baseline_stock().itertuples():
        band = (
            f" ({fmt_number(r.low, args.lang)}–{fmt_number(r.high, args.lang)})"
            if pd.notna(r.low)
            else ""
        )
        print(
            f"[{t('quality.' + r.quality, args.lang):>6}] {r.item} {r.party} {r.date}: {fmt_number(r.value, args.lang)}{band}"
        )
        print(f"         {r.source}; {r.method}")
    return 0


def _cmd_refresh(args) -> int:
    df = fetch_kwb(args.region, args.kwb_table) if args.table == "kwb" else fetch_82900(args.region)
    df.to_csv(args.out, index=False)
    print(f"{len(df)} rows of CBS {args.table} for {args.region} written to {args.out}")
    return 0


def configure_cli(sub, lang: str = "nl") -> None:
    parser = sub.add_parser("baseline", help=t("cli.help.baseline.command", lang))
    baseline_sub = parser.add_subparsers(dest="baseline_command", required=True, metavar="COMMAND")
    p = baseline_sub.add_parser("show", help=t("cli.help.baseline.show.command", lang))
    p.add_argument(
        "--lang", choices=["nl", "en"], default="nl", help=t("cli.help.baseline.show.lang", lang)
    )
    p.set_defaults(func=_cmd_show)
    p = baseline_sub.add_parser("refresh", help=t("cli.help.baseline.refresh.command", lang))
    p.add_argument("--region", default="GM0200", help=t("cli.help.baseline.refresh.region", lang))
    p.add_argument(
        "--table",
        choices=["82900NED", "kwb"],
        default="82900NED",
        help=t("cli.help.baseline.refresh.table", lang),
    )
    p.add_argument(
        "--kwb-table", default="85984NED", help=t("cli.help.baseline.refresh.kwb_table", lang)
    )
    p.add_argument("--out", required=True, help=t("cli.help.baseline.refresh.out", lang))
    p.set_defaults(func=_cmd_refresh)
