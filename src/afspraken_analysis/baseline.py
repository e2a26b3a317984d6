"""Baseline stock figures with their source, date, definition and quality (red/amber/green).

The agreement defines the social-rent share against the total dwelling stock of Apeldoorn.
No single public source gives the corporations' social-rent stock for Apeldoorn offline, so the
baseline combines: CBS totals (green), the stock implied by annex 4 (amber: an interval, since
the printed shares are rounded) and an older Ons Huis figure (red). docs/assumptions.md explains.
"""

from __future__ import annotations

import pandas as pd

from .cbs import fetch_82900, fetch_kwb
from .data import load
from .errors import UserError
from .labels import fmt_number, t
from .paths import CBS_DIR

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


def base_stocks() -> dict:
    """Base stocks for the scenario engine at the end of 2023 (= 1 January 2024).

    Social-rent stock estimate: the implied end-2025 stocks of the four corporations with a share
    in annex 4, minus their planned 2024-2025 social new builds (annex 2), plus Ons Huis's older
    figure. Corporation stock is used as a proxy for social-rent stock (an upper bound).
    """
    implied = implied_corporation_stock()
    plan = load("new_builds_social")
    planned = plan[plan["corporation"].isin(implied["corporation"])]["homes"].sum()
    low = implied["stock_low"].sum() - planned + ONS_HUIS_STOCK
    high = implied["stock_high"].sum() - planned + ONS_HUIS_STOCK
    point = implied["stock"].sum() - planned + ONS_HUIS_STOCK
    return {
        "base_year": 2023,
        "dwellings_total": int(_apeldoorn()["dwellings_2024_01_01"]),
        "social_rent_stock": int(point),
        "social_rent_stock_low": int(low),
        "social_rent_stock_high": int(high),
        "source": (
            f"dwellings_total: {KWB_SOURCE} (1 January 2024, green). social_rent_stock: estimate "
            f"(red): corporation stock implied by annex 4 for end 2025 ({', '.join(implied['corporation'])}) "
            f"minus their {int(planned)} planned social new builds 2024-2025 (annex 2), plus Ons Huis "
            f"{ONS_HUIS_STOCK} (2018); corporation stock is a proxy for social-rent stock."
        ),
    }


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


def configure_cli(sub) -> None:
    parser = sub.add_parser("baseline", help="baseline stock figures with source and quality")
    baseline_sub = parser.add_subparsers(dest="baseline_command", required=True, metavar="COMMAND")
    p = baseline_sub.add_parser(
        "show", help="print every baseline figure with its source and quality"
    )
    p.add_argument("--lang", choices=["nl", "en"], default="nl")
    p.set_defaults(func=_cmd_show)
    p = baseline_sub.add_parser(
        "refresh", help="download CBS 82900NED for a region (needs the network)"
    )
    p.add_argument("--region", default="GM0200", help="CBS region code (default GM0200, Apeldoorn)")
    p.add_argument(
        "--table",
        choices=["82900NED", "kwb"],
        default="82900NED",
        help="82900NED (ownership split) or kwb (population and dwellings, wijken en buurten)",
    )
    p.add_argument("--kwb-table", default="85984NED", help="KWB table id (85984NED is 2024)")
    p.add_argument("--out", required=True, help="CSV file to write")
    p.set_defaults(func=_cmd_refresh)
