"""The monitoring input tables: their schemas and input columns, the indicator registry, and the
agreement ids, target ids and planned projects that the rules check against."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from afspraken_analysis import labels, tracking
from afspraken_analysis.data import load
from afspraken_analysis.schemas import PartyDtype

TABLE_NAMES = ("realisations", "agreement_status", "category_overrides", "pipeline")
STATUS_CODES = ("not_started", "in_progress", "achieved", "delayed", "dropped")
# The project pipeline: segments and plan stages, earliest first (data/pipeline_stages.csv gives
# each stage's delivery probability and typical delay).
SEGMENTS = ("sociale_huur", "middenhuur", "overig")
STAGES = ("initiatief", "plan", "vergunning", "in_aanbouw", "opgeleverd", "vervallen")
YEAR_MIN, YEAR_MAX = 2000, 2050
FIRST_STATUS_YEAR = 2024  # the agreements were signed in December 2023
GEMEENTE = "gemeente Apeldoorn"
EXAMPLE_SOURCE = "voorbeeld, fictieve cijfers"
# Indicators kept per project, and the annex table that plans their projects.
PROJECT_PLANS = {
    "social_new_builds": "new_builds_social",
    "mid_rent_new_builds": "new_builds_mid_rent",
}


# ---------------------------------------------------------------------------------------------
# Schemas of the three input tables (written once; the XLSX explanation sheet comes from here)


def _column(dtype, en: str, *checks, nl: str = "", input: str | None = None, nullable=False):
    """A column; `input` says how the file holds it: 'required' (column and cell), 'column'
    (column required, cell may be empty), 'optional' (column may be left out) or None (added
    by the loader)."""
    return pa.Column(
        dtype,
        checks=list(checks),
        nullable=nullable,
        description=en,
        metadata={"nl": nl, "input": input},
    )


def _provenance_columns() -> dict:
    return {
        "source_file": _column("string", "File the row was read from"),
        "source_row": _column(
            "Int64", "Row of that file as a spreadsheet shows it (header = row 1)", pa.Check.ge(2)
        ),
    }


def _realisation_columns() -> dict:
    return {
        "year": _column(
            "Int64",
            "Year of the figure: the year of delivery for a flow, the end of the year for a stock",
            pa.Check.in_range(YEAR_MIN, YEAR_MAX),
            nl="Jaar van het cijfer, vier cijfers (bijv. 2025). Bij een stroom (bijv. opgeleverde "
            "woningen) het jaar zelf; bij een stand (bijv. woningvoorraad) de stand op 31 december.",
            input="required",
        ),
        "indicator": _column(
            pd.CategoricalDtype(list(_registry().index)),
            "Indicator id from the registry (data/indicators.csv); only input indicators occur",
            nl="Welk cijfer: een id uit de indicatorenlijst (tabblad 'indicatoren'), bijv. "
            "social_new_builds. Afgeleide indicatoren vul je niet in.",
            input="required",
        ),
        "party": _column(
            PartyDtype,
            "Corporation or gemeente the figure is for; <NA> = the whole municipality",
            nl="Corporatie of gemeente, geschreven zoals in de afspraken (bijv. 'De Goede Woning', "
            "'de Woonmensen', 'gemeente Apeldoorn'). Leeg = de hele gemeente Apeldoorn.",
            input="column",
            nullable=True,
        ),
        "project": _column(
            "string",
            "Project of a new build, as annex 1 or 2 names it; <NA> = all projects together",
            nl="Alleen bij nieuwbouw (social_new_builds, mid_rent_new_builds): het project zoals "
            "in bijlage 1 of 2 (bijv. 'H-flats'). Leeg = alle projecten samen. Geef per "
            "corporatie en jaar óf één totaal óf één rij per project.",
            input="optional",
            nullable=True,
        ),
        "value": _column(
            "Float64",
            "The figure, in the indicator's unit",
            pa.Check.ge(0),
            nl="Het cijfer. Aantallen als heel getal vanaf 0; percentages van 0 tot 100 zonder "
            "%-teken. CSV met puntkomma's: 1.047 of 1047, en 7,5. CSV met komma's: 1047 en 7.5.",
            input="required",
        ),
        "source": _column(
            "string",
            "Where the figure comes from",
            nl="Bron van het cijfer (bijv. 'jaarverslag De Goede Woning 2025').",
            input="optional",
            nullable=True,
        ),
        "note": _column(
            "string",
            "Remarks on the figure",
            nl="Toelichting, bijv. waarom een project later wordt opgeleverd.",
            input="optional",
            nullable=True,
        ),
    }


def _status_columns() -> dict:
    return {
        "year": _column(
            "Int64",
            "Year of the status (2024 or later)",
            pa.Check.in_range(FIRST_STATUS_YEAR, YEAR_MAX),
            nl="Jaar waarop de stand van zaken betrekking heeft, vier cijfers (2024 of later).",
            input="required",
        ),
        "agreement_id": _column(
            "string",
            "Agreement number as in the tables 'Afspraken voor 2024 - 2025', e.g. '2.10'",
            nl="Nummer van de afspraak zoals in de tabellen 'Afspraken voor 2024 - 2025', bijv. "
            "2.10 (als tekst: 2.10 is niet 2.1).",
            input="required",
        ),
        "status": _column(
            pd.CategoricalDtype(list(STATUS_CODES)),
            "Status code: " + ", ".join(STATUS_CODES),
            nl="Stand van zaken: "
            + ", ".join(f"{labels.t(f'status.{c}')} ({c})" for c in STATUS_CODES)
            + ". De Nederlandse omschrijving of de code mag allebei.",
            input="required",
        ),
        "explanation": _column(
            "string",
            "Explanation of the status; required for delayed and dropped",
            nl="Toelichting op de stand van zaken; verplicht bij vertraagd en vervallen.",
            input="column",
            nullable=True,
        ),
        "source": _column(
            "string",
            "Where the status comes from",
            nl="Bron (bijv. 'monitoringsoverleg 12 maart 2026').",
            input="optional",
            nullable=True,
        ),
    }


def _override_columns() -> dict:
    return {
        "year": _column(
            "Int64",
            "Year of the goal tracking whose category is set (2024 or later)",
            pa.Check.in_range(FIRST_STATUS_YEAR, YEAR_MAX),
            nl="Jaar van de rapportage waarin de voortgang handmatig wordt vastgesteld, vier "
            "cijfers (2024 of later).",
            input="required",
        ),
        "target_id": _column(
            "string",
            "Target id from data/agreements/2024-2025/targets.csv, e.g. 'skaeve_huse'",
            pa.Check.isin(list(_target_ids())),
            nl="Welk doel: een id uit de doelenlijst (tabblad 'doelen'), bijv. skaeve_huse.",
            input="required",
        ),
        "party": _column(
            PartyDtype,
            "One corporation of a target that binds each corporation; <NA> = every row of the target",
            nl="Alleen bij een doel dat voor elke corporatie apart geldt (tabblad 'doelen', "
            "kolom 'per partij'): de corporatie. Leeg = het doel als geheel (bij een doel per "
            "corporatie: alle corporaties).",
            input="optional",
            nullable=True,
        ),
        "category": _column(
            pd.CategoricalDtype(list(tracking.CATEGORIES)),
            "Progress category set by hand: " + ", ".join(tracking.CATEGORIES),
            nl="De voortgang die je vaststelt: "
            + ", ".join(f"{labels.t(f'category.{c}')} ({c})" for c in tracking.CATEGORIES)
            + ". De Nederlandse omschrijving of de code mag allebei.",
            input="required",
        ),
        "justification": _column(
            "string",
            "Why the category is set by hand (required; shown in the report)",
            nl="Waarom je de voortgang met de hand vaststelt, bijv. 'Locatie gevonden, bouw "
            "start 2026'. Verplicht; het rapport toont deze toelichting onder de tabel.",
            input="required",
        ),
        "source": _column(
            "string",
            "Where the decision comes from",
            nl="Bron (bijv. 'monitoringsoverleg 12 maart 2026').",
            input="optional",
            nullable=True,
        ),
    }


def _pipeline_columns() -> dict:
    return {
        "year": _column(
            "Int64",
            "Monitoring year the row describes: the project's stage at the end of that year",
            pa.Check.in_range(FIRST_STATUS_YEAR, YEAR_MAX),
            nl="Monitoringsjaar: de stand van het project eind van dat jaar, vier cijfers "
            "(2024 of later).",
            input="required",
        ),
        "party": _column(
            PartyDtype,
            "Corporation or gemeente that builds or commissions the project; <NA> = another builder",
            nl="Corporatie of gemeente die het project bouwt of opdrachtgever is. Leeg = een "
            "andere bouwer (bijv. een ontwikkelaar).",
            input="column",
            nullable=True,
        ),
        "project": _column(
            "string",
            "Project name; as annex 1 or 2 names it where it stands there",
            nl="Naam van het project; staat het in bijlage 1 of 2, schrijf het dan zo.",
            input="required",
        ),
        "segment": _column(
            pd.CategoricalDtype(list(SEGMENTS)),
            "Segment of the homes: " + ", ".join(SEGMENTS),
            nl="Soort woningen: sociale_huur, middenhuur of overig. Een project met woningen in "
            "twee segmenten krijgt één rij per segment.",
            input="required",
        ),
        "homes": _column(
            "Int64",
            "Number of homes of the project in the segment",
            pa.Check.ge(1),
            nl="Aantal woningen van het project in dit segment, een heel getal vanaf 1.",
            input="required",
        ),
        "stage": _column(
            pd.CategoricalDtype(list(STAGES)),
            "Plan stage at the end of the year: " + ", ".join(STAGES),
            nl="Fase eind van het jaar: initiatief, plan, vergunning, in_aanbouw, opgeleverd of "
            "vervallen.",
            input="required",
        ),
        "expected_delivery_year": _column(
            "Int64",
            "Year of delivery: expected, or actual for a delivered project; <NA> for a dropped one",
            pa.Check.in_range(YEAR_MIN, YEAR_MAX),
            nl="Verwacht jaar van oplevering; bij opgeleverd het jaar van oplevering. Leeg bij "
            "vervallen.",
            input="column",
            nullable=True,
        ),
        "source": _column(
            "string",
            "Where the row comes from",
            nl="Bron (bijv. 'projectenlijst De Goede Woning, maart 2026').",
            input="optional",
            nullable=True,
        ),
        "note": _column(
            "string",
            "Remarks on the project",
            nl="Toelichting, bijv. waarom de oplevering schuift.",
            input="optional",
            nullable=True,
        ),
    }


_COLUMNS = {
    "realisations": _realisation_columns,
    "agreement_status": _status_columns,
    "category_overrides": _override_columns,
    "pipeline": _pipeline_columns,
}


@cache
def schema(table: str) -> pa.DataFrameSchema:
    """The schema of a loaded monitoring table (one of TABLE_NAMES)."""
    if table not in _COLUMNS:
        raise ValueError(f"unknown monitoring table {table!r}")
    columns = _COLUMNS[table]()
    return pa.DataFrameSchema(columns | _provenance_columns(), strict=True, ordered=True)


def input_columns(table: str) -> dict[str, str]:
    """Columns of the input file in order, each with 'required', 'column' or 'optional'."""
    return {
        name: column.metadata["input"]
        for name, column in schema(table).columns.items()
        if column.metadata["input"]
    }


# ---------------------------------------------------------------------------------------------
# The indicator registry and the agreement numbers


@cache
def _registry() -> pd.DataFrame:
    registry = load("indicators")
    for column in ("is_input", "is_cumulative", "has_project_detail"):
        registry[column] = registry[column].astype(bool)
    return registry.set_index("indicator", drop=False)


@cache
def _indicator_info() -> dict[str, dict]:
    """The registry's rows as dicts by indicator: a lookup per input row at dict speed."""
    return {row["indicator"]: row for row in _registry().to_dict("records")}


def indicator_registry() -> pd.DataFrame:
    """The indicator registry with real booleans in is_input, is_cumulative, has_project_detail."""
    return _registry().reset_index(drop=True).copy()


def input_indicators() -> list[str]:
    registry = _registry()
    return list(registry.index[registry["is_input"]])


@cache
def _agreement_ids() -> tuple[str, ...]:
    return tuple(load("agreements")["agreement_id"])


@cache
def _targets() -> pd.DataFrame:
    return load("targets").set_index("target_id", drop=False)


def _target_ids() -> tuple[str, ...]:
    return tuple(_targets().index)


@cache
def _planned_projects() -> dict[str, dict[tuple[str, int], list[str]]]:
    """Per project indicator: (corporation, year) → the projects its annex plans."""
    plans = {}
    for indicator, table in PROJECT_PLANS.items():
        plan = load(table)
        plans[indicator] = {
            (str(corporation), int(year)): list(group["project"])
            for (corporation, year), group in plan.groupby(["corporation", "year"], observed=True)
        }
    return plans
