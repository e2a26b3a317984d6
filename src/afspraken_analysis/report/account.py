"""The social-stock account in the report: its table, the waterfall's steps and the sentences
that flag unexplained differences and incomplete accounts (numbers from `stock`)."""

from __future__ import annotations

import pandas as pd

from afspraken_analysis import labels, stock

from .content import monitoring_source

# the waterfall's steps: (account column, kind); a flow's sign comes from stock.FLOWS
STEPS = (
    ("stock_start", "level"),
    *((column, "flow") for column in stock.FLOWS),
    ("stock_end_expected", "level"),
    ("stock_end_reported", "reported"),
)
NUMBER_COLUMNS = [c for c in stock.COLUMNS if c not in ("corporation", "year")]


def account(p, realisations) -> pd.DataFrame:
    """The account up to the report year (empty without monitoring data)."""
    return stock.stock_account(realisations, p.year)


def source(p) -> str:
    """The source line under the account's table and chart."""
    return labels.t("report.source.account", p.lang, monitoring=monitoring_source(p))


def _name(corporation: str, lang: str) -> str:
    return labels.t("report.account.total", lang) if corporation == stock.TOTAL else corporation


def column_label(column: str, lang: str, signed: bool = True) -> str:
    """A column's header; unsigned ('opgeleverd', not '+ opgeleverd') for words and charts."""
    text = labels.t(f"report.account.col.{column}", lang)
    return text if signed else text.lstrip("+− ")


def table(acc: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The account as the report shows it: numbers as floats (NA → NaN, shown as '–'), an
    estimated start stock marked '*' after the corporation."""
    out = acc[stock.COLUMNS].copy()
    out[NUMBER_COLUMNS] = out[NUMBER_COLUMNS].astype(float)
    estimated = acc["stock_start_basis"].eq("estimate").fillna(False).to_numpy()
    names = [
        _name(c, lang) + (" *" if e else "")
        for c, e in zip(acc["corporation"], estimated, strict=True)
    ]
    out["corporation"] = names
    out["year"] = acc["year"].astype(int).astype(str)
    return out


def columns(lang: str) -> dict[str, str]:
    return {c: column_label(c, lang) for c in stock.COLUMNS}


def waterfall_data(acc: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The steps of the all-corporations account per year with a complete account: for each step
    its value (a level, or a flow signed as it moves the stock) and the bar's low and high end."""
    rows = []
    totals = acc[(acc["corporation"] == stock.TOTAL) & acc["missing"].map(len).eq(0)]
    for record in totals.to_dict("records"):
        level = float(record["stock_start"])
        estimated = record["stock_start_basis"] == "estimate"
        for i, (column, kind) in enumerate(STEPS):
            if kind == "flow":
                value = stock.FLOWS[column][1] * float(record[column])
                low, high = sorted((level, level + value))
                level += value
            else:
                value = float(record[column])
                low, high = 0.0, value
            rows.append(
                {
                    "year": int(record["year"]),
                    "step": column,
                    "label": column_label(column, lang, signed=False)
                    + (labels.t("report.account.estimated", lang) if estimated and not i else ""),
                    "start_estimated": estimated,
                    "kind": kind,
                    "value": value,
                    "low": low,
                    "high": high,
                }
            )
    columns = ["year", "step", "label", "start_estimated", "kind", "value", "low", "high"]
    return pd.DataFrame(rows, columns=columns)


def _missing_text(missing, lang: str) -> str:
    return ", ".join(column_label(c, lang, signed=False) for c in missing)


def _difference_text(record: dict, lang: str) -> str:
    difference = float(record["difference"])
    key = "report.account.closes" if difference == 0 else "report.account.difference"
    text = labels.t(
        key,
        lang,
        who=_name(record["corporation"], lang),
        year=int(record["year"]),
        reported=labels.fmt_number(float(record["stock_end_reported"]), lang),
        expected=labels.fmt_number(float(record["stock_end_expected"]), lang),
        homes=labels.fmt_number(abs(difference), lang),
        direction=labels.t(
            "report.account.more" if difference > 0 else "report.account.fewer", lang
        ),
    )
    if record["stock_start_basis"] == "estimate" and difference != 0:
        text += " " + labels.t("report.account.estimate_difference", lang)
    return text


def notes(acc: pd.DataFrame, lang: str) -> list[str]:
    """In words: each incomplete account and what was not supplied, each unexplained difference
    (and whether the start stock was estimated), the accounts that close, and the method."""
    if acc.empty:
        return [labels.t("report.account.no_data", lang)]
    out, closing = [], []
    for record in acc.to_dict("records"):
        who = _name(record["corporation"], lang)
        if record["missing"]:
            out.append(
                labels.t(
                    "report.account.incomplete",
                    lang,
                    who=who,
                    year=int(record["year"]),
                    missing=_missing_text(record["missing"], lang),
                )
            )
        elif float(record["difference"]) != 0:
            out.append(_difference_text(record, lang))
        else:
            closing.append(f"{who} {int(record['year'])}")
    if closing:
        out.append(labels.t("report.account.all_close", lang, rows=", ".join(closing)))
    if acc["stock_start_basis"].eq("estimate").any():
        out.append(labels.t("report.account.estimate", lang, reading=stock.ESTIMATE_READING))
    out.append(labels.t("report.account.sold", lang))
    return out
