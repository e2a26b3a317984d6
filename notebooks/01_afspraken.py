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
# # 01 Afspraken: the agreements per theme
#
# For each of the five themes: the 2030 picture ("Waar staan we in 2030?") and the table of
# agreements for 2024-2025 with the parties involved, who takes the initiative, the target an
# agreement carries (or "process agreement") and its status in the report year.
# With `corporation` set, only the agreements that corporation is involved in.

# %%
from IPython.display import display

import afspraken_analysis as aa
from afspraken_analysis import caveats, labels
from afspraken_analysis.report import blocks, computed, content, params

# %% tags=["parameters"]
year: int = 2025  # report year (2024-2030)
monitoring: str = ""  # monitoring data directory (relative: from the project root); empty: none
lang: str = "nl"  # language of every text: nl or en
corporation: str = ""  # only the agreements this corporation is involved in; empty: all
output_dir: str = ""  # where tables/ and figures/ are written; empty: nothing is written

# %%
p = params.check(globals())
# computed once per report (the build's cache), or here when the notebook runs on its own
(rollup,) = computed.frames(p, "rollup")
agreements = content.agreements_table(rollup, p)
themes = aa.load("themes")

# %%
blocks.chapter(
    labels.t("report.h.agreements", p.lang),
    "afspraken",
    labels.t("report.agreements.lead", p.lang, n=len(agreements))
    + (
        " " + labels.t("report.agreements.only", p.lang, corporation=p.corporation)
        if p.corporation
        else ""
    )
    + (" " + labels.t("report.quoted_in_dutch", p.lang) if p.lang != "nl" else ""),
) + blocks.example_banner(p)

# %%
for theme in themes.itertuples():
    rows = agreements[agreements["theme_id"] == theme.theme_id]
    display(
        blocks.section(content.theme_name(theme.theme_id, lang=p.lang), f"thema-{theme.theme_id}")
        + blocks.paragraph(labels.t("report.vision_2030", p.lang) + " " + theme.vision_2030, "note")
        + blocks.table(
            p,
            f"afspraken_thema_{theme.theme_id}",
            rows,
            columns={
                "agreement_id": labels.t("report.col.number", p.lang),
                "text": labels.t("report.col.agreement", p.lang),
                "parties_text": labels.t("report.col.parties", p.lang),
                "initiators_text": labels.t("report.col.initiators", p.lang),
                "target_value": labels.t("report.col.target_value", p.lang),
                "status": labels.t("report.col.status", p.lang),
            },
            target="target_value",
            formats={"status": "status"},
            title=labels.t(
                "report.t.agreements", p.lang, theme=content.theme_name(theme.theme_id, lang=p.lang)
            ),
            source=content.source("agreements", p, theme=theme.theme_id),
            caveats=caveats.for_keys("agreements", lang=p.lang),
            csv_data=rows.drop(columns=["status_text"], errors="ignore"),
            css_class="long",
        )
    )
