# ---
# jupyter:
#   afspraken:
#     run_first: true
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 Doelen: tracking the goals towards 2030
#
# The social-rent share against the 25-30 % band (realised, the baseline estimate and the
# chosen scenario's P10-P90 fan), the annex plans per corporation against what was realised
# (annex 2 social-rent new builds, annex 3 label-B retrofits, annex 4 solar panels, annex 1
# mid-rent), the social-stock account (start stock, flows, expected and reported end stock) and
# every target with its progress category. Without monitoring data the charts
# show the plans and say that no realisation data was supplied.

# %%
from IPython.display import display

from afspraken_analysis import caveats, labels, stock
from afspraken_analysis.report import account, blocks, computed, content, outlook, params, plots

# %% tags=["parameters"]
year: int = 2025  # report year (2024-2030)
monitoring: str = ""  # monitoring data directory (relative: from the project root); empty: none
scenario: str = "afspraken"  # scenario for the projection fan (data/scenarios.yml)
lang: str = "nl"  # language of every text: nl or en
woondeal_start_year: int = 2022  # first year the Woondeal counts (the document gives none)
output_dir: str = ""  # where tables/ and figures/ are written; empty: nothing is written

# %%
p = params.check(globals())
# computed once per report (the build's cache), or here when the notebook runs on its own
realisations, goals, progress = computed.frames(p, "realisations", "goals", "progress")
share = outlook.share_trajectory(p, realisations)
no_realisations = labels.t("plot.no_realisation", p.lang)

# %%
blocks.chapter(
    labels.t("report.h.goals", p.lang), "doelen", labels.t("report.goals.lead", p.lang, year=p.year)
) + blocks.example_banner(p)

# %% [markdown]
# ## Social-rent share: at least 25 %, growing towards 30 % (theme 1, long term)

# %%
blocks.section(labels.t("report.h.share", p.lang), "aandeel-sociale-huur")

# %%
plots.show(
    plots.trajectory(
        share,
        lang=p.lang,
        title=labels.t("plot.share.title", p.lang, scenario=p.scenario),
        ylabel=labels.t("plot.share.ylabel", p.lang),
        band=(25, 30),
        band_label=labels.t("plot.share.band", p.lang),
        actual_label=labels.t("plot.share.actual", p.lang),
        fan_label=labels.t("plot.share.fan", p.lang),
        median_label=labels.t("plot.share.median", p.lang),
        no_data_note=no_realisations,
    ),
    "aandeel_sociale_huur",
    share,
    p,
    title=labels.t("report.f.share", p.lang, scenario=p.scenario),
    source=content.source("share", p, scenario=p.scenario),
    caveats=caveats.for_keys("social_rent_share_pct", "scenario", lang=p.lang)[:3],
)

# %%
blocks.table(
    p,
    "aandeel_sociale_huur",
    share,
    columns={
        "year": labels.t("report.col.year", p.lang),
        "target_low": labels.t("report.col.target_share", p.lang),
        "share_pct": labels.t("report.col.realised", p.lang),
        "projection_pct": labels.t("report.col.projection", p.lang),
        "p10": "P10",
        "p50": "P50",
        "p90": "P90",
    },
    target="target_low",
    formats={
        "year": "text",
        "target_low": "pct0",
        "share_pct": "pct",
        "projection_pct": "pct",
        "p10": "pct",
        "p50": "pct",
        "p90": "pct",
    },
    title=labels.t("report.t.share", p.lang, scenario=p.scenario),
    source=content.source("share", p, scenario=p.scenario),
    caveats=[labels.t("report.caveat.base_year", p.lang)],
    css_class="compact",
)

# %% [markdown]
# ## Annex plans per corporation against realisation (annexes 2, 3 and 4; annex 1 as a table)

# %%
for annex, key in [(2, "nieuwbouw_sociaal"), (3, "label_b"), (4, "zonnepanelen")]:
    chart_data = content.annex_chart(progress, annex)
    wide = content.annex_wide(progress, annex)
    display(
        blocks.section(labels.t(f"report.h.annex{annex}", p.lang), f"bijlage-{annex}")
        + plots.show(
            plots.plan_vs_actual(
                chart_data,
                group="corporation",
                period="year",
                plan="planned",
                actual="realised",
                lang=p.lang,
                title=labels.t(f"plot.annex{annex}.title", p.lang),
                ylabel=labels.t(f"plot.annex{annex}.ylabel", p.lang),
                plan_label=labels.t(f"plot.annex{annex}.plan", p.lang),
                actual_label=labels.t("plot.realised", p.lang),
            ),
            key,
            chart_data,
            p,
            title=labels.t(f"report.f.annex{annex}", p.lang),
            source=content.source(f"annex{annex}", p),
            caveats=content.annex_caveats(annex, p),
        )
        + blocks.table(
            p,
            key,
            wide,
            columns=content.annex_columns(wide, p.lang),
            target="planned_total",
            formats={c: "int" for c in wide.columns if c != "corporation"},
            total=content.annex_totals(wide, p.lang),
            title=labels.t(f"report.t.annex{annex}", p.lang),
            source=content.source(f"annex{annex}", p),
            css_class="compact",
        )
    )

# %%
mid_rent = content.annex_wide(progress, 1)
blocks.section(labels.t("report.h.annex1", p.lang), "bijlage-1") + blocks.table(
    p,
    "middenhuur",
    mid_rent,
    columns=content.annex_columns(mid_rent, p.lang),
    target="planned_total",
    formats={c: "int" for c in mid_rent.columns if c != "corporation"},
    title=labels.t("report.t.annex1", p.lang),
    source=content.source("annex1", p),
    caveats=caveats.for_keys("new_builds_mid_rent", lang=p.lang),
    css_class="compact",
)

# %% [markdown]
# ## The social-stock account: start stock, flows, expected and reported end stock (issue #11)

# %%
stock_account = account.account(p, realisations)
account_waterfall = account.waterfall_data(stock_account, p.lang)
blocks.section(labels.t("report.h.account", p.lang), "voorraadmutaties", new_page=True) + (
    blocks.paragraph(labels.t("report.account.lead", p.lang))
    + blocks.table(
        p,
        "voorraadmutaties",
        account.table(stock_account, p.lang),
        columns=account.columns(p.lang),
        target="difference",
        formats={c: "int" for c in account.NUMBER_COLUMNS},
        csv_data=stock_account[stock.COLUMNS],
        title=labels.t("report.t.account", p.lang),
        source=account.source(p),
        css_class="compact",
    )
    + blocks.note_list(p, "voorraadmutaties_toelichting", account.notes(stock_account, p.lang))
)

# %%
plots.show(
    plots.waterfall(
        account_waterfall,
        lang=p.lang,
        title=labels.t("plot.account.title", p.lang),
        ylabel=labels.t("plot.account.ylabel", p.lang),
        axis_note=labels.t("plot.account.axis_note", p.lang),
        empty_note=labels.t("plot.account.none", p.lang),
    ),
    "voorraadmutaties",
    account_waterfall,
    p,
    title=labels.t("report.f.account", p.lang),
    source=account.source(p),
)

# %% [markdown]
# ## Every target with its progress category

# %%
all_goals = content.tracking_table(goals, p.lang)
blocks.section(
    labels.t("report.h.all_targets", p.lang), "alle-doelen", new_page=True
) + blocks.table(
    p,
    "doelen",
    all_goals,
    columns={
        "target": labels.t("report.col.target_name", p.lang),
        "party": labels.t("report.col.party", p.lang),
        "target_value": labels.t("report.col.target_value", p.lang),
        "deadline": labels.t("report.col.deadline", p.lang),
        "actual_text": labels.t("report.col.actual", p.lang, year=p.year),
        "gap_text": labels.t("report.col.gap", p.lang),
        "category_html": labels.t("report.col.category", p.lang),
    },
    target="target_value",
    formats={"category_html": "html"},
    csv_data=goals,
    legend=content.override_notes(goals, all_goals, p.lang),
    title=labels.t("report.t.all_targets", p.lang, year=p.year),
    source=content.source("tracking", p),
    caveats=caveats.for_keys("tracking", lang=p.lang),
    css_class="compact",
)
