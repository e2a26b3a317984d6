"""Scenario vocabulary: parameter names, limits, the default scenario and the Scenario type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------------------------------------
# Vocabulary: the parameter names are a contract with the notebooks, the report and user files.
# ---------------------------------------------------------------------------------------------

YEAR_KEYS = ("base_year", "horizon_year")
STOCK_KEYS = ("dwellings_total", "social_rent_stock")
FLOW_KEYS = (
    "additions_total_per_year",
    "additions_social_per_year",
    "demolitions_total_per_year",
    "demolitions_social_per_year",
    "sales_per_year",
    "liberalisations_per_year",
    "acquisitions_per_year",
)
RATE_KEYS = ("delivery_rate", "delivery_rate_social")
WOONDEAL_KEYS = (
    "woondeal_homes_total",
    "woondeal_homes_social",
    "woondeal_start_year",
    "woondeal_end_year",
)
CORPORATION_KEYS = ("retrofits_label_b_per_year", "solar_panels_per_year")
PARAMETER_KEYS = YEAR_KEYS + STOCK_KEYS + FLOW_KEYS + RATE_KEYS + WOONDEAL_KEYS + CORPORATION_KEYS
UNCERTAIN_KEYS = STOCK_KEYS + FLOW_KEYS + RATE_KEYS

FILE_KEYS = ("defaults", "scenarios")
SCENARIO_KEYS = ("description", "extends", "parameters", "uncertainty", "target")
TARGET_KEYS = ("share_pct", "by_year", "from_year", "total_additions")
TOTAL_ADDITIONS_RULES = ("on_top", "fixed")
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (required fields, optional fields); every distribution also takes `per_year`.
    "fixed": (("value",), ()),
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "baseline": ((), ()),
}
MAX_HORIZON_YEAR = 2040
MIN_YEAR, MAX_YEAR = 2000, 2100  # years a scenario names (the horizon: up to MAX_HORIZON_YEAR)
# Absurd magnitudes are refused at input (1e308 homes overflow to inf and NaN): homes in a stock,
# a flow or a distribution field at most MAX_HOMES; a delivery rate at most MAX_RATE.
MAX_HOMES = 10_000_000
MAX_RATE = 10.0
MAX_EXTENDS = 50  # a chain of `extends` at most this long
DEFAULT_SCENARIO = "afspraken"

# Named plan sources: the annex tables, read through data.load (never hard-coded here).
PLAN_SOURCES = {
    "annex2": ("new_builds_social", ("additions_social_per_year",)),
    "annex3": ("retrofits_label_b", ("retrofits_label_b_per_year",)),
    "annex4": ("solar_panels", ("solar_panels_per_year",)),
}
WOONDEAL_FLOWS = {
    "additions_total_per_year": "woondeal_homes_total",
    "additions_social_per_year": "woondeal_homes_social",
}
# Monitoring indicator behind each `trend` pace; "difference" means the yearly change of a level.
TREND_INDICATORS = {
    "additions_social_per_year": ("social_new_builds", False),
    "additions_total_per_year": ("dwellings_total", True),
    "sales_per_year": ("homes_sold", False),
    "demolitions_social_per_year": ("social_rent_demolished", False),
    # all demolitions are not monitored: the social ones are a lower bound (see resolve)
    "demolitions_total_per_year": ("social_rent_demolished", False),
    "liberalisations_per_year": ("social_rent_liberalised", False),
    "acquisitions_per_year": ("social_rent_acquired", False),
    "retrofits_label_b_per_year": ("retrofits_label_b", False),
    "solar_panels_per_year": ("solar_panels_cumulative", True),
}


# The flow that the project pipeline's forecast can give (the flow name 'pipeline'; the forecast's
# expected social-rent deliveries per year, scenarios.pipeline).
PIPELINE_FLOW = "additions_social_per_year"
PIPELINE_SCENARIO = "pijplijn"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: parameter specs as written (not yet resolved against data)."""

    name: str
    description: str
    parameters: Mapping[str, Any]
    uncertainty: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    target: Mapping[str, Any] | None = None
    source: str = ""
