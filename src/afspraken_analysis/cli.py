"""The `afspraken` command line. Each module that offers commands has `configure_cli(subparsers)`."""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import UserError

# Sub-command → the module that adds it (with configure_cli(subparsers)). Only the module of the
# command asked for is imported, so `afspraken report` does not pay for the others' imports.
COMMANDS = {
    "data": "data",
    "baseline": "baseline",
    "template": "monitoring.cli",
    "validate": "monitoring.cli",
    "scenario": "scenarios.cli",
    "report": "report.cli",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="afspraken",
        description="Monitor van de prestatieafspraken Apeldoorn 2024-2025 (richting 2030).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    first = next((a for a in argv or [] if not a.startswith("-")), None)
    modules = [COMMANDS[first]] if first in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(f"afspraken_analysis.{name}").configure_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        return args.func(args) or 0
    except UserError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
