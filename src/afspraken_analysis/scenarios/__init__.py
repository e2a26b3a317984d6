"""Scenario engine: where do the dwelling stock and the corporations' social-rent stock land?

A stock-flow model of Apeldoorn's total dwelling stock and the corporations' social-rent stock, per
year from a base year to a horizon (default 2030, at most 2040), with named scenarios from
`data/scenarios.yml`, Monte Carlo uncertainty, and a closed-form answer to "how many social-rent
homes a year does a target share take?". Retrofit (label B) and solar-panel projections per
corporation sit alongside. Full description: docs/scenarios.md.

Modules, lowest first: config (vocabulary, Scenario, scenario files), model (the arithmetic and its
closed form), resolve (scenario → Model), projection (deterministic run and Monte Carlo), solver,
corporations and pipeline (the project pipeline's delivery forecast, scenario pijplijn), widgets (notebook chart and sliders), cli (`afspraken scenario`).
"""

from .config import (
    CORPORATION_KEYS,
    DEFAULT_SCENARIO,
    DISTRIBUTIONS,
    FLOW_KEYS,
    MAX_HORIZON_YEAR,
    PARAMETER_KEYS,
    RATE_KEYS,
    STOCK_KEYS,
    TOTAL_ADDITIONS_RULES,
    UNCERTAIN_KEYS,
    WOONDEAL_KEYS,
    YEAR_KEYS,
    Scenario,
    list_scenarios,
    parse_overrides,
    scenario,
    scenario_from_dict,
    scenario_names,
)
from .corporations import (
    CORPORATION_SCHEMA,
    corporation_stocks,
    project_retrofits,
    project_solar,
)
from .model import Model, Solution
from .pipeline import (
    Forecast,
    PipelineOutlook,
    pipeline_forecast,
    pipeline_outlook,
    pipeline_scenario,
    stage_parameters,
)
from .projection import (
    DEFAULT_PERCENTILES,
    DEFAULT_THRESHOLDS,
    PROJECTION_SCHEMA,
    Simulation,
    monte_carlo,
    project,
    simulate,
    summarise,
)
from .resolve import resolve
from .solver import describe_solution, share_reached, solve
from .widgets import interactive, plot_share

__all__ = [
    "Forecast",
    "PipelineOutlook",
    "pipeline_forecast",
    "pipeline_outlook",
    "pipeline_scenario",
    "stage_parameters",
    "CORPORATION_KEYS",
    "CORPORATION_SCHEMA",
    "DEFAULT_PERCENTILES",
    "DEFAULT_SCENARIO",
    "DEFAULT_THRESHOLDS",
    "DISTRIBUTIONS",
    "FLOW_KEYS",
    "MAX_HORIZON_YEAR",
    "PARAMETER_KEYS",
    "PROJECTION_SCHEMA",
    "RATE_KEYS",
    "STOCK_KEYS",
    "TOTAL_ADDITIONS_RULES",
    "UNCERTAIN_KEYS",
    "WOONDEAL_KEYS",
    "YEAR_KEYS",
    "Model",
    "Scenario",
    "Simulation",
    "Solution",
    "corporation_stocks",
    "describe_solution",
    "interactive",
    "list_scenarios",
    "monte_carlo",
    "parse_overrides",
    "plot_share",
    "project",
    "project_retrofits",
    "project_solar",
    "resolve",
    "scenario",
    "scenario_from_dict",
    "scenario_names",
    "share_reached",
    "simulate",
    "solve",
    "summarise",
]
