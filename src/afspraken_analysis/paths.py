"""Every path the project uses, relative to the project root (one place for paths)."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parents[1]

DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
SOURCE_TEXT = RAW_DIR / "prestatieafspraken-apeldoorn-2024-2025.txt"
ORIGINS_FILE = RAW_DIR / "origins.yml"
CBS_DIR = RAW_DIR / "cbs"
EXAMPLE_MONITORING_DIR = DATA_DIR / "voorbeeld-fictieve-cijfers"

SCENARIOS_FILE = DATA_DIR / "scenarios.yml"
LABELS_FILE = PACKAGE_DIR / "labels.csv"

NOTEBOOKS_DIR = ROOT / "notebooks"
OUTPUTS_DIR = ROOT / "outputs"
DOCS_DIR = ROOT / "docs"
TESTS_DATA_DIR = ROOT / "tests" / "data"


def table_file(name: str) -> Path:
    """The committed CSV of a curated table."""
    return DATA_DIR / f"{name}.csv"
