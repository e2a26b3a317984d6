"""Monitoring input: what a policy officer fills in each year (realisations, statuses, overrides).

Four tables, one file each in a directory the user names (CSV separated by commas or semicolons,
UTF-8 with or without BOM, or XLSX); each file may be left out:

- ``realisations``: year, indicator, party, value; optional project, source, note.
- ``agreement_status``: year, agreement_id, status, explanation; optional source.
- ``category_overrides``: year, target_id, category, justification; optional party, source. A
  progress category set by hand, with the reason (goal tracking shows it as set by hand).
- ``pipeline``: year, party, project, segment, homes, stage, expected_delivery_year; optional
  source, note. The projects in the pipeline and their plan stage, for the delivery forecast
  (scenarios.pipeline).

Reading never guesses: every problem is collected with file, spreadsheet row, column, value and
a hint, and a file with any problem is rejected as a whole. Indicators come from the registry
(the curated table ``indicators``, data/indicators.csv). How to fill in the files:
docs/monitoring-input.md.

Modules, lowest first: ``tables`` (schemas, registry, ids), ``readers`` (files and cells),
``rules`` (per-table rules), ``load`` (files to validated tables), ``templates``, ``cli``.
"""

from .load import (
    NO_MONITORING,
    Monitoring,
    frame_is_fictitious,
    load_agreement_status,
    load_category_overrides,
    load_monitoring,
    load_pipeline,
    load_realisations,
    pipeline_of,
    validate_paths,
)
from .readers import Problem
from .tables import (
    EXAMPLE_SOURCE,
    GEMEENTE,
    PROJECT_PLANS,
    SEGMENTS,
    STAGES,
    STATUS_CODES,
    TABLE_NAMES,
    indicator_registry,
    input_columns,
    input_indicators,
    schema,
)
from .templates import template_rows, write_templates

__all__ = [
    "EXAMPLE_SOURCE",
    "GEMEENTE",
    "NO_MONITORING",
    "PROJECT_PLANS",
    "SEGMENTS",
    "STAGES",
    "STATUS_CODES",
    "TABLE_NAMES",
    "Monitoring",
    "Problem",
    "frame_is_fictitious",
    "indicator_registry",
    "input_columns",
    "input_indicators",
    "load_agreement_status",
    "load_category_overrides",
    "load_monitoring",
    "load_pipeline",
    "load_realisations",
    "pipeline_of",
    "schema",
    "template_rows",
    "validate_paths",
    "write_templates",
]
