"""The `afspraken` command line. Each module that offers commands has `configure_cli(subparsers)`."""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import UserError

# Modules that add sub-commands; each defines configure_cli(subparsers).
COMMAND_MODULES = ("data", "baseline", "monitoring", "scenarios", "report")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="afspraken",
        description="Monitor van de prestatieafspraken Apeldoorn 2024-2025 (richting 2030).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"afspraken_analysis.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"afspraken_analysis.{name}":
                raise
            continue
        if hasattr(module, "configure_cli"):
            module.configure_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
