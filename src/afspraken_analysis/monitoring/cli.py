"""The `afspraken validate` and `afspraken template` commands."""

from __future__ import annotations

import sys
from pathlib import Path

from afspraken_analysis.userfiles import check_output_dir

from .load import _check_path
from .readers import _display
from .templates import write_templates


def _cmd_validate(args) -> int:
    checked = [c for path in args.paths for c in _check_path(Path(path))]
    count = sum(c.count for c in checked)
    for result in checked:
        for problem in result.listed():
            print(problem)
        if not result.count:
            note = (
                f"; {len(result.unfilled_rows)} rows not filled in" if result.unfilled_rows else ""
            )
            print(f"ok: {_display(result.path)} ({result.table}, {len(result.frame)} rows{note})")
    if count:
        print(f"{count} problem{'s' if count > 1 else ''} found", file=sys.stderr)
        return 1
    return 0


def _cmd_template(args) -> int:
    check_output_dir(args.directory, "template")
    paths = write_templates(
        Path(args.directory), args.year, force=args.force, earlier=args.earlier_years
    )
    for path in paths:
        print(path)
    print(
        "Vul de XLSX-bestanden in (of de CSV-bestanden in csv/) en controleer ze met: afspraken validate\n"
        "category_overrides is alleen voor een voortgang die je met de hand vaststelt; laat het "
        "anders leeg of haal het weg."
    )
    return 0


def configure_cli(sub) -> None:
    parser = sub.add_parser(
        "validate",
        help="check monitoring input files (realisations, agreement_status, category_overrides)",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, or directories holding them"
    )
    parser.set_defaults(func=_cmd_validate)
    parser = sub.add_parser(
        "template", help="write ready-to-fill monitoring templates (XLSX and CSV)"
    )
    parser.add_argument("directory", help="output directory")
    parser.add_argument("--year", type=int, required=True, help="the year to report on, e.g. 2025")
    parser.add_argument("--force", action="store_true", help="overwrite existing templates")
    parser.add_argument(
        "--earlier-years",
        action="store_true",
        help="also rows for the agreement period's earlier years without data yet "
        "(2024 with --year 2025), to fill in together",
    )
    parser.set_defaults(func=_cmd_template)
