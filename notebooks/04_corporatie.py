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
# # 04 Corporatie: one page per housing corporation
#
# For each corporation (or the one given as `corporation`): its plans in annexes 2-4 against
# what it realised, the stock annex 4 implies, and the status of the agreements it takes the
# initiative for.

# %%
from IPython.display import display

from afspraken_analysis import labels
from afspraken_analysis.report import blocks, computed, content, params, plots

# %% tags=["parameters"]
year: int = 2025  # report year (2024-2030)
monitoring: str = ""  # monitoring data directory (relative: from the project root); empty: none
lang: str = "nl"  # language of every text: nl or en
corporation: str = ""  # one housing corporation, as the document writes it; empty: all
output_dir: str = ""  # where tables/ and figures/ are written; empty: nothing is written

# %%
p = params.check(globals())
# computed once per report (the build's cache), or here when the notebook runs on its own
progress, rollup = computed.frames(p, "progress", "rollup")

# %%
blocks.chapter(
    labels.t("report.h.corporations", p.lang),
    "corporaties",
    labels.t("report.corporations.lead", p.lang),
) + blocks.example_banner(p)

# %%
for name in p.corporations():
    panels = content.corporation_panels(progress, name)
    overview = content.corporation_table(progress, name, p.lang)
    display(
        blocks.keep_together(
            blocks.section(name, f"corporatie-{name}"),
            blocks.paragraph(content.corporation_text(name, rollup, p.lang)),
            plots.show(
                plots.corporation_panels(panels, name, lang=p.lang),
                f"corporatie_{content.slug(name)}",
                panels,
                p,
                title=labels.t("report.f.corporation", p.lang, corporation=name),
                source=content.source("corporation", p),
                caveats=content.corporation_caveats(p),
            ),
        )
        + blocks.table(
            p,
            f"corporatie_{content.slug(name)}",
            overview,
            columns={
                "annex_text": labels.t("report.col.annex", p.lang),
                "planned_2024": labels.t("report.col.plan_year", p.lang, year=2024),
                "planned_2025": labels.t("report.col.plan_year", p.lang, year=2025),
                "planned_total": labels.t("report.col.plan_total", p.lang),
                "realised_total": labels.t("report.col.realised_total", p.lang),
                "difference": labels.t("report.col.difference", p.lang),
            },
            target="planned_total",
            formats={c: "int" for c in overview.columns if c not in ("annex_text", "indicator")},
            title=labels.t("report.t.corporation", p.lang, corporation=name),
            source=content.source("corporation", p),
            css_class="compact",
        )
    )
