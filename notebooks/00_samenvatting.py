# ---
# jupyter:
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
# # 00 Samenvatting: status summary
#
# The first page of the yearly report: every target with its progress category and every
# agreement's status per theme. Run by `afspraken report`; markdown cells are notes for
# developers and do not appear in the PDF (every visible text comes from labels.csv).

# %%
from afspraken_analysis import labels
from afspraken_analysis.report import blocks, computed, content, outlook, params

# %% tags=["parameters"]
year: int = 2025  # report year (2024-2030)
monitoring: str = ""  # monitoring data directory (relative: from the project root); empty: none
lang: str = "nl"  # language of every text: nl or en
woondeal_start_year: int = 2022  # first year the Woondeal counts (the document gives none)
output_dir: str = ""  # where tables/ and figures/ are written; empty: nothing is written

# %%
p = params.check(globals())
# computed once per report (the build's cache), or here when the notebook runs on its own
realisations, goals, rollup = computed.frames(p, "realisations", "goals", "rollup")
summary = content.summary_targets(goals, p.lang)
themes = content.status_chips(rollup, p.lang)

# %%
blocks.chapter(
    labels.t("report.h.summary", p.lang, year=p.year), "samenvatting"
) + blocks.example_banner(p)

# %%
blocks.paragraph(
    labels.t(
        "report.summary.lead",
        p.lang,
        year=p.year,
        targets=len(summary),
        agreements=len(rollup),
        achieved=int((summary["category"] == "achieved").sum()),
        attention=int(summary["category"].isin(content.ATTENTION_CATEGORIES).sum()),
        no_data=int((summary["category"] == "no_data").sum()),
    )
    + " "
    + (labels.t("report.summary.no_monitoring", p.lang) if p.monitoring is None else "")
    + (" " + content.agreement_note(p) if content.agreement_note(p) else ""),
    "lead",
)

# %%
blocks.paragraph(outlook.start_share_text(p, realisations, short=True), "lead")

# %%
blocks.table(
    p,
    "samenvatting_doelen",
    summary,
    columns={
        "theme_id": labels.t("report.col.theme_short", p.lang),
        "target": labels.t("report.col.target_name", p.lang),
        "target_value": labels.t("report.col.target_value", p.lang),
        "actual_text": labels.t("report.col.actual", p.lang, year=p.year),
        "category_html": labels.t("report.col.category", p.lang),
    },
    target="target_value",
    formats={"category_html": "html"},
    csv_data=summary.drop(columns="category_html"),
    legend=content.override_notes(goals, summary, p.lang),
    title=labels.t("report.t.summary_targets", p.lang, year=p.year),
    source=content.source("tracking", p),
    caveats=[labels.t("report.caveat.categories", p.lang)],
    css_class="compact summary-targets",
)

# %%
blocks.table(
    p,
    "samenvatting_status",
    themes,
    columns={
        "theme": labels.t("report.col.theme", p.lang),
        "agreements": labels.t("report.col.agreements_target", p.lang),
        "chips": labels.t("report.col.agreement_status", p.lang),
    },
    target="agreements",
    formats={"agreements": "int", "chips": "html"},
    total={"theme": labels.t("report.total", p.lang), "agreements": len(rollup)},
    csv_data=rollup[["agreement_id", "theme_id", "agreement_type", "status", "explanation"]],
    title=labels.t("report.t.summary_status", p.lang, year=p.year),
    source=content.source("agreements", p),
    css_class="compact status-grid",
    legend=content.status_legend(p.lang),
)
