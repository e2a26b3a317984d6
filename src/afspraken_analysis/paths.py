"""Every path the project uses, relative to the project root (one place for paths)."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parents[1]

DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"  # raw files not tied to one agreement (CBS tables)
ORIGINS_FILE = RAW_DIR / "origins.yml"
CBS_DIR = RAW_DIR / "cbs"
EXAMPLE_MONITORING_DIR = DATA_DIR / "voorbeeld-fictieve-cijfers"

# One data package per agreement: data/agreements/<first>-<last>/ holds the tables of that
# agreement and, in raw/, its text as received with an origin record (raw/origins.yml).
# AFSPRAKEN_AGREEMENTS_DIR points elsewhere, to try a set of packages before committing it.
AGREEMENTS_DIR = DATA_DIR / "agreements"
AGREEMENTS_ENV = "AFSPRAKEN_AGREEMENTS_DIR"
AGREEMENT_TABLES = (
    "themes",
    "agreements",
    "long_term_agreements",
    "new_builds_mid_rent",
    "new_builds_social",
    "retrofits_label_b",
    "solar_panels",
    "targets",
)

SCENARIOS_FILE = DATA_DIR / "scenarios.yml"
LABELS_FILE = PACKAGE_DIR / "labels.csv"
DECK_TEMPLATE = PACKAGE_DIR / "report" / "deck-template.pptx"  # the deck's default master

NOTEBOOKS_DIR = ROOT / "notebooks"
OUTPUTS_DIR = ROOT / "outputs"
DOCS_DIR = ROOT / "docs"
TESTS_DATA_DIR = ROOT / "tests" / "data"


def agreements_dir() -> Path:
    """Where the agreement packages are: data/agreements/, unless AFSPRAKEN_AGREEMENTS_DIR is set."""
    return Path(os.environ.get(AGREEMENTS_ENV) or AGREEMENTS_DIR).resolve()


def periods() -> list[str]:
    """The agreement periods with a package, oldest first (by start year, then last year)."""
    found = [d.name for d in agreements_dir().iterdir() if d.is_dir() and _is_period(d.name)]
    return sorted(found, key=lambda p: tuple(map(int, p.split("-"))))


def _is_period(name: str) -> bool:
    first, dash, last = name.partition("-")
    return (
        bool(dash) and len(first) == len(last) == 4 and (first + last).isdigit() and first <= last
    )


def package_dir(period: str | None = None) -> Path:
    """The package of an agreement period; the current (latest) one when none is given."""
    return agreements_dir() / (period or periods()[-1])


def table_file(name: str, period: str | None = None) -> Path:
    """The committed CSV of a curated table: in its agreement's package, or shared in data/."""
    if name in AGREEMENT_TABLES:
        return package_dir(period) / f"{name}.csv"
    return DATA_DIR / f"{name}.csv"
