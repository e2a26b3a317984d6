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
# # 03 Scenarios: where does the social-rent share land in 2030?
#
# Every scenario of data/scenarios.yml projected to the horizon, with Monte Carlo P10/P50/P90
# and the chance of reaching 25 % and 30 %; what a 30 % share in 2030 takes; the assumptions
# behind the numbers. The last cell holds the sliders (ipywidgets) for exploring a scenario in
# Jupyter; widgets do not appear in the PDF.

# %%
from afspraken_analysis import caveats, labels, scenarios
from afspraken_analysis.report import blocks, computed, content, outlook, params, plots
from afspraken_analysis.report import pipeline as pijplijn

# %% tags=["parameters"]
year: int = 2025  # report year (2024-2030)
monitoring: str = ""  # monitoring data directory (relative: from the project root); empty: none
scenario: str = "afspraken"  # scenario the sliders start from (data/scenarios.yml)
lang: str = "nl"  # language of every text: nl or en
woondeal_start_year: int = 2022  # first year the Woondeal counts (the document gives none)
output_dir: str = ""  # where tables/ and figures/ are written; empty: nothing is written

# %%
p = params.check(globals())
# computed once per report (the build's cache), or here when the notebook runs on its own
(realisations,) = computed.frames(p, "realisations")
comparison = outlook.scenario_comparison(p, realisations)
lines = outlook.scenario_lines(p, realisations)
assumptions = outlook.scenario_assumptions(p, realisations)
pipeline = pijplijn.pipeline_for(p, realisations)  # None without a pipeline file

# %%
blocks.chapter(
    labels.t("report.h.scenarios", p.lang),
    "scenarios",
    labels.t("report.scenarios.lead", p.lang, n=len(comparison)),
) + blocks.example_banner(p)

# %%
plots.show(
    plots.scenario_lines(
        lines,
        lang=p.lang,
        title=labels.t("plot.scenarios.title", p.lang),
        ylabel=labels.t("plot.share.ylabel", p.lang),
        band=(25, 30),
        band_label=labels.t("plot.share.band", p.lang),
        selected=p.scenario,
    ),
    "scenarios",
    lines,
    p,
    title=labels.t("report.f.scenarios", p.lang),
    source=content.source("scenarios", p, scenario=p.scenario),
    caveats=caveats.for_keys("scenario", lang=p.lang)[:3],
)

# %%
blocks.table(
    p,
    "scenarios",
    comparison,
    columns={
        "scenario": labels.t("report.col.scenario", p.lang),
        "target": labels.t("report.col.target_value", p.lang),
        "share_pct": labels.t("report.col.share_end", p.lang),
        "p10": "P10",
        "p50": "P50",
        "p90": "P90",
        "chance_25_pct": labels.t("report.col.chance_25", p.lang),
        "chance_30_pct": labels.t("report.col.chance_30", p.lang),
    },
    target="target",
    formats={
        "share_pct": "pct",
        "p10": "pct",
        "p50": "pct",
        "p90": "pct",
        "chance_25_pct": "pct0",
        "chance_30_pct": "pct0",
    },
    title=labels.t("report.t.scenarios", p.lang, year=int(comparison["year"].max())),
    source=content.source("scenarios", p, scenario=", ".join(comparison["scenario"])),
    caveats=[labels.t("report.caveat.monte_carlo", p.lang)],
    css_class="compact",
)

# %%
blocks.section(labels.t("report.h.what_it_takes", p.lang), "wat-is-nodig") + blocks.note_list(
    p, "wat_is_nodig", outlook.what_it_takes(p, realisations)
)

# %%
(
    blocks.section(labels.t("report.h.pipeline", p.lang), "pijplijn", new_page=True)
    + blocks.paragraph(labels.t("report.pipeline.lead", p.lang))
    + blocks.note_list(p, "pijplijn_tekst", pijplijn.summary_lines(pipeline, p.lang))
    + plots.show(
        plots.pipeline_social(
            pijplijn.chart_data(pipeline), lang=p.lang, title=labels.t("report.f.pipeline", p.lang)
        ),
        "pijplijn",
        pijplijn.chart_data(pipeline),
        p,
        title=labels.t("report.f.pipeline", p.lang),
        source=labels.t(
            "report.source.pipeline",
            p.lang,
            monitoring=content.monitoring_source(p),
            stages=pipeline.stages_file,
        ),
        caveats=[labels.t("report.caveat.pipeline", p.lang)],
    )
    + blocks.table(
        p,
        "pijplijn_prognose",
        pijplijn.forecast_table(pipeline, p.lang),
        columns={
            "year": labels.t("report.col.year", p.lang),
            "social": labels.t("report.col.social_expected", p.lang),
            "social_range": labels.t("report.col.social_range", p.lang),
            "cumulative": labels.t("report.col.cumulative", p.lang),
            "gap": labels.t("report.col.woondeal_gap", p.lang),
            "mid_rent": labels.t("report.col.mid_rent_expected", p.lang),
            "other": labels.t("report.col.other_expected", p.lang),
        },
        target="gap",
        formats={
            "social": "int",
            "cumulative": "int",
            "gap": "int",
            "mid_rent": "int",
            "other": "int",
        },
        csv_data=pipeline.forecast.table,
        title=labels.t("report.t.pipeline", p.lang),
        source=labels.t(
            "report.source.pipeline",
            p.lang,
            monitoring=content.monitoring_source(p),
            stages=pipeline.stages_file,
        ),
        css_class="compact",
    )
    + blocks.table(
        p,
        "pijplijn_kansen",
        pijplijn.probabilities_table(pipeline, p.lang),
        columns={
            "name": labels.t("report.col.stage", p.lang),
            "probability": labels.t("report.col.probability", p.lang),
            "delay_years": labels.t("report.col.delay", p.lang),
            "basis": labels.t("report.col.basis", p.lang),
        },
        target="probability",
        formats={"probability": "dec2", "delay_years": "int"},
        csv_data=pipeline.forecast.stages[["stage", "probability", "delay_years"]],
        title=labels.t("report.t.pipeline_stages", p.lang),
        source=pipeline.stages_file,
        css_class="compact",
    )
    if pipeline is not None
    else None
)

# %%
(
    blocks.section(labels.t("report.h.start_share", p.lang), "startaandeel")
    + blocks.paragraph(outlook.start_share_text(p, realisations))
    + blocks.table(
        p,
        "startaandeel_lezingen",
        outlook.start_readings_table(p.lang),
        columns={
            "reading": labels.t("report.col.reading", p.lang),
            "rounding": labels.t("report.col.rounding", p.lang),
            "implied_stock": labels.t("report.col.implied_stock", p.lang),
            "planned_new_builds": labels.t("report.col.planned_new_builds", p.lang),
            "ons_huis_stock": labels.t("report.col.ons_huis_stock", p.lang),
            "social_rent_stock": labels.t("report.col.start_stock", p.lang),
            "share_pct": labels.t("report.col.start_share", p.lang),
            "target": labels.t("report.col.target_value", p.lang),
        },
        target="target",
        formats={
            "implied_stock": "int",
            "planned_new_builds": "int",
            "ons_huis_stock": "int",
            "social_rent_stock": "int",
            "share_pct": "pct",
        },
        title=labels.t("report.t.start_readings", p.lang),
        source=labels.t("report.source.start_readings", p.lang),
        caveats=caveats.for_keys("start_share", lang=p.lang),
        css_class="compact",
    )
)

# %%
blocks.section(labels.t("report.h.baseline", p.lang), "startwaarden") + blocks.table(
    p,
    "startwaarden",
    outlook.baseline_table(p.lang),
    columns={
        "item": labels.t("report.col.item", p.lang),
        "party": labels.t("report.col.party", p.lang),
        "date": labels.t("report.col.date", p.lang),
        "value": labels.t("report.col.value", p.lang),
        "interval": labels.t("report.col.interval", p.lang),
        "quality": labels.t("report.col.quality", p.lang),
        "serves": labels.t("report.col.serves", p.lang),
    },
    target="serves",
    formats={"value": "int", "quality": "quality"},
    title=labels.t("report.t.baseline", p.lang),
    source=labels.t("report.source.baseline", p.lang),
    caveats=caveats.for_keys("baseline", lang=p.lang),
    css_class="compact",
)

# %%
blocks.section(labels.t("report.h.assumptions", p.lang), "aannames") + blocks.note_list(
    p, "aannames", assumptions
)

# %% [markdown]
# ## Explore a scenario (Jupyter only)

# %%
scenarios.interactive(outlook.scenario_for(p), realisations=realisations, lang=p.lang)
