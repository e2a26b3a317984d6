"""One schema per curated table, defined once: types, checks, descriptions and units.

The data dictionary (docs/data-dictionary.md), the Frictionless datapackage.json and the
loaders are all generated from the `TABLES` registry below.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from .paths import periods, table_file


def _read_names(
    table: str, column: str, where: tuple[str, str] | None = None, period: str | None = None
) -> list[str]:
    with table_file(table, period).open(encoding="utf-8", newline="") as f:
        return [r[column] for r in csv.DictReader(f) if where is None or r[where[0]] == where[1]]


def _all_target_ids() -> list[str]:
    """The target ids of every agreement package: the shared indicator registry serves them all."""
    ids = [i for period in periods() for i in _read_names("targets", "target_id", period=period)]
    return list(dict.fromkeys(ids))


PARTY_NAMES = _read_names("parties", "party")
CORPORATIONS = _read_names("parties", "party", ("kind", "corporation"))
PARTY_KINDS = ["gemeente", "corporation", "tenant_organisation", "other"]
GROUP_NAMES = list(dict.fromkeys(_read_names("party_groups", "group_name")))
QUALIFIERS = [
    "ruim",
    "circa",
    "ongeveer",
    "minimaal",
    "maximaal",
    "zo mogelijk",
    "zoveel mogelijk",
    "richting",
]
BASES = ["per_year", "period_total", "level", "share_of_flow", "milestone"]
SCOPES = ["municipality", "corporations", "corporation"]
UNITS = ["homes", "pitches", "percent", "inhabitants", "TJ", "persons"]

PartyDtype = pd.CategoricalDtype(PARTY_NAMES)
CorporationDtype = pd.CategoricalDtype(CORPORATIONS)
LINES = r"^\d+(-\d+)?$"
# a plausible year; `data check` checks the annex years against the package's own period
YEAR = pa.Check.in_range(2000, 2100)


def col(dtype, description: str, *checks, unit: str | None = None, nullable=False, **kw):
    """A column with its description and unit kept as metadata for the data dictionary."""
    return pa.Column(
        dtype,
        checks=list(checks),
        nullable=nullable,
        description=description,
        metadata={"unit": unit} if unit else None,
        **kw,
    )


def list_col(description: str, allowed: list[str], nullable=False):
    """A list column of names (stored in CSV as '; '-joined text)."""
    return pa.Column(
        object,
        checks=pa.Check(
            lambda s: s.map(lambda v: isinstance(v, list) and set(v) <= set(allowed)),
            error=f"every item must be one of: {', '.join(allowed)}",
        ),
        nullable=nullable,
        description=description,
        metadata={"list": True},
    )


def source_lines_col():
    return col(
        "string",
        "Line range (first-last) in the agreement text in the package's raw/ directory",
        pa.Check.str_matches(LINES),
    )


def corporation_col():
    return col(CorporationDtype, "Housing corporation, as the document writes its name")


def homes_col(description: str):
    return col("Int64", description, pa.Check.ge(0), unit="homes")


def project_plan_columns() -> dict:
    """Columns of the annex tables that list planned homes per project (annexes 1 and 2)."""
    return {
        "corporation": corporation_col(),
        "year": col("Int64", "Planned year of delivery (within the agreement period)", YEAR),
        "project": col("string", "Project name"),
        "homes": homes_col("Planned homes"),
        "source_text": col("string", "The annex line as written"),
        "source_lines": source_lines_col(),
    }


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    schema: pa.DataFrameSchema
    key: tuple[str, ...]
    expected_rows: int
    derived: tuple[str, ...] = ()  # computed by the loader, not stored in the CSV


def _schema(columns: dict, key: tuple[str, ...], checks=()) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        columns, checks=list(checks), strict=True, ordered=True, unique=list(key), coerce=False
    )


def _table(
    name, title, description, key, expected_rows, /, derived=(), checks=(), **columns
) -> Table:
    return Table(
        name, title, description, _schema(columns, key, checks), key, expected_rows, derived
    )


def _milestone_shape(df: pd.DataFrame) -> pd.Series:
    """A milestone has no indicator, unit or value; every other target has all three."""
    milestone = df["basis"] == "milestone"
    has_value = df["value_low"].notna() | df["value_high"].notna()
    filled = df["indicator"].notna() & df["unit"].notna() & has_value
    empty = df["indicator"].isna() & df["unit"].isna() & ~has_value
    return (milestone & empty) | (~milestone & filled)


MILESTONE_SHAPE = pa.Check(
    _milestone_shape,
    error="basis 'milestone' needs empty indicator, unit, value_low and value_high; every other "
    "basis needs an indicator, a unit and value_low or value_high",
)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _table(
            "themes",
            "Thema's",
            "The five themes of the agreement with their 2030 picture ('Waar staan we in 2030?') "
            "and their tasks ('Welke opgaven zijn er?').",
            ("theme_id",),
            5,
            theme_id=col("Int64", "Theme number (1-5)", pa.Check.isin([1, 2, 3, 4, 5])),
            name=col("string", "Theme name as in the document"),
            vision_2030=col("string", "Text under 'Waar staan we in 2030?'"),
            tasks=pa.Column(
                object,
                description="Bullets under 'Welke opgaven zijn er?' (list; '; '-joined in CSV)",
                metadata={"list": True},
            ),
            source_lines=source_lines_col(),
        ),
        _table(
            "agreements",
            "Afspraken 2024-2025",
            "All 48 agreements of the tables 'Afspraken voor 2024 - 2025', with the parties "
            "involved and who takes the initiative.",
            ("agreement_id",),
            48,
            derived=("parties", "initiators"),
            agreement_id=col(
                "string", "Theme and number, e.g. '1.1'", pa.Check.str_matches(r"^[1-5]\.\d{1,2}$")
            ),
            theme_id=col("Int64", "Theme number (1-5)", pa.Check.isin([1, 2, 3, 4, 5])),
            number=col("Int64", "Number of the agreement within its theme", pa.Check.ge(1)),
            text=col(
                "string",
                "Agreement text as in the document (whitespace and hyphenation normalised)",
            ),
            parties_text=col("string", "Column 'Betrokken partijen' as written"),
            initiators_text=col("string", "Column 'Wie neemt initiatief?' as written"),
            parties=list_col("Canonical parties involved, groups resolved to members", PARTY_NAMES),
            initiators=list_col("Canonical parties that take the initiative", PARTY_NAMES),
            agreement_type=col(
                pd.CategoricalDtype(["result", "process"]),
                "'result': commits to a countable output measured by a number; "
                "'process': monitored by status and explanation",
            ),
            source_page=col(
                "Int64",
                "Page number printed in the document, where the text layer shows it",
                nullable=True,
            ),
            source_lines=source_lines_col(),
        ),
        _table(
            "long_term_agreements",
            "Langjarige afspraken",
            "Every bullet under 'Welke langjarige afspraken maken we?', per theme and sub-heading.",
            ("long_term_id",),
            41,
            long_term_id=col(
                "string", "Theme and order, e.g. '1-02'", pa.Check.str_matches(r"^[1-5]-\d{2}$")
            ),
            theme_id=col("Int64", "Theme number (1-5)", pa.Check.isin([1, 2, 3, 4, 5])),
            subheading=col("string", "Sub-heading the bullet stands under, if any", nullable=True),
            number=col("Int64", "Order of the bullet within its theme", pa.Check.ge(1)),
            text=col("string", "Bullet text (whitespace and hyphenation normalised)"),
            source_lines=source_lines_col(),
        ),
        _table(
            "parties",
            "Partijen",
            "Canonical party names as the document writes them, with their kind and aliases.",
            ("party",),
            20,
            party=col("string", "Canonical name"),
            kind=col(
                pd.CategoricalDtype(PARTY_KINDS),
                "gemeente, corporation, tenant_organisation or other",
            ),
            aliases=pa.Column(
                object,
                description="Other spellings that resolve to this party (list)",
                metadata={"list": True},
            ),
            note=col("string", "Remarks on the party's role in the document", nullable=True),
        ),
        _table(
            "party_groups",
            "Groepen van partijen",
            "Group words the document uses ('corporaties', 'huurdersorganisaties', 'partijen') and "
            "the parties they stand for, one row per member.",
            ("group_name", "party"),
            27,
            group_name=col("string", "Group word as the document writes it"),
            party=col(PartyDtype, "Canonical member party"),
        ),
        _table(
            "new_builds_mid_rent",
            "Bijlage 1: nieuwbouw middenhuur",
            "Annex 1 'Op te leveren nieuwbouw middenhuur 2024 en 2025': planned mid-rent new builds, "
            "one row per project.",
            ("corporation", "year", "project"),
            1,
            **project_plan_columns(),
        ),
        _table(
            "new_builds_social",
            "Bijlage 2: nieuwbouw sociale huur",
            "Annex 2 'Op te leveren nieuwbouw 2024 en 2025 (sociale huur)': planned social-rent new "
            "builds, one row per project (source: meerjarenbegroting 2024; planned numbers can cross "
            "year boundaries).",
            ("corporation", "year", "project"),
            13,
            **project_plan_columns(),
        ),
        _table(
            "retrofits_label_b",
            "Bijlage 3: verduurzaming naar label B",
            "Annex 3 'Aantal woningen te verduurzamen': homes to be brought to at least energy label B, "
            "per corporation and year.",
            ("corporation", "year"),
            10,
            corporation=corporation_col(),
            year=col("Int64", "Year (within the agreement period)", YEAR),
            homes=homes_col("Homes to be retrofitted to at least label B in that year"),
            source_lines=source_lines_col(),
        ),
        _table(
            "solar_panels",
            "Bijlage 4: zonnepanelen",
            "Annex 4 'Aantal woningen voorzien van zonnepanelen': homes with solar panels, cumulative "
            "to the end of 2023, 2024 and 2025, and the share of each corporation's stock at the end "
            "of 2025 (1/3 individual connection, 2/3 collective use of common areas).",
            ("corporation", "end_of_year"),
            15,
            corporation=corporation_col(),
            end_of_year=col(
                "Int64",
                "Counted up to and including this year (the year before the agreement period, "
                "or one of its years)",
                YEAR,
            ),
            homes_cumulative=homes_col("Homes with solar panels at the end of the year"),
            share_of_stock_pct=col(
                "Int64",
                "Share of the corporation's stock with solar panels at the end of 2025, whole percent as "
                "printed; empty where the document gives '--%' and on the 2023/2024 rows",
                pa.Check.in_range(0, 100),
                unit="percent",
                nullable=True,
            ),
            source_lines=source_lines_col(),
        ),
        _table(
            "targets",
            "Doelen",
            "Every quantitative or dated goal in the document, with its scope, value band, qualifier, "
            "basis and deadline, and the exact words it rests on. A milestone (a state without a "
            "number, dated or not) has no indicator, unit or value: its status is set by hand.",
            ("target_id",),
            33,
            checks=(MILESTONE_SHAPE,),
            target_id=col("string", "Stable identifier", pa.Check.str_matches(r"^[a-z0-9_]+$")),
            indicator=col(
                "string",
                "What is measured (see the indicator registry); empty for a milestone",
                nullable=True,
            ),
            scope=col(
                pd.CategoricalDtype(SCOPES),
                "municipality, corporations (together) or corporation (each named)",
            ),
            parties=list_col(
                "Parties the target applies to, as the text names them (groups allowed)",
                PARTY_NAMES + GROUP_NAMES,
            ),
            value_low=col("Float64", "Lower bound; empty for a ceiling", nullable=True),
            value_high=col("Float64", "Upper bound; empty for a floor", nullable=True),
            unit=col(
                pd.CategoricalDtype(UNITS),
                "Unit of value_low and value_high; empty for a milestone",
                nullable=True,
            ),
            qualifier=col(
                pd.CategoricalDtype(QUALIFIERS),
                "Qualifier the text uses; empty when none",
                nullable=True,
            ),
            basis=col(
                pd.CategoricalDtype(BASES),
                "per_year, period_total (over the period), level (a stock or state at the deadline), "
                "share_of_flow, or milestone (a state without a number, tracked by status)",
            ),
            start_year=col(
                "Int64", "First year the target covers, where the text gives it", nullable=True
            ),
            end_year=col("Int64", "Deadline or last year, where the text gives it", nullable=True),
            agreement_period=col(
                "string", "Agreement period the target belongs to (re-set by each new agreement)"
            ),
            agreement_id=col("string", "Agreement the target comes from, if any", nullable=True),
            long_term_id=col(
                "string", "Long-term agreement the target comes from, if any", nullable=True
            ),
            source_section=col("string", "Where in the document"),
            source_page=col(
                "Int64", "Printed page number, where the text layer shows it", nullable=True
            ),
            source_lines=source_lines_col(),
            quote=col("string", "The exact words (normalised) the target rests on"),
            note=col("string", "Interpretation and caveats", nullable=True),
        ),
        _table(
            "indicators",
            "Indicatoren",
            "The indicator registry: every quantity the monitor tracks, with its unit, whether it is a "
            "flow in the year, a stock at the end of the year or a share, whether users fill it in "
            "(monitoring input, see docs/monitoring-input.md) or goal tracking derives it (the method "
            "is in the description), and the targets it serves.",
            ("indicator",),
            32,
            indicator=col(
                "string",
                "Indicator id, as used in targets and monitoring input",
                pa.Check.str_matches(r"^[a-z0-9_]+$"),
            ),
            unit=col(pd.CategoricalDtype(UNITS), "Unit of the values"),
            measure=col(
                pd.CategoricalDtype(["flow", "stock", "share"]),
                "flow: an amount in the year; stock: a level at the end of the year; share: a percentage",
            ),
            is_input=col(
                "boolean",
                "true: filled in by users (realisations); false: derived by goal tracking",
            ),
            is_cumulative=col(
                "boolean", "true: a running total that never decreases; false otherwise"
            ),
            party_level=col(
                pd.CategoricalDtype(["municipality", "corporation", "either"]),
                "municipality: whole municipality only (empty party); corporation: per corporation; "
                "either: per corporation, for the gemeente, or for the whole municipality",
            ),
            has_project_detail=col(
                "boolean", "true: realisations may be given per project (annexes 1 and 2)"
            ),
            derived_from=list_col(
                "Indicators a derived indicator is computed from; empty for input indicators",
                _read_names("indicators", "indicator"),
            ),
            serves_targets=list_col(
                "Targets (target_id, of any agreement) the indicator serves", _all_target_ids()
            ),
            description=col(
                "string", "What is counted, in English; for derived indicators the method"
            ),
            definition_nl=col("string", "Definition in Dutch, as the templates and docs show it"),
        ),
    ]
}
