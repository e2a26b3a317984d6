"""The `afspraken` command line. Each module that offers commands has `configure_cli(subparsers)`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback

from .errors import UserError
from .userfiles import os_problem

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


def _internal_error() -> int:
    """Exit 3: a short message, the full traceback in a new file of the tool's own in the temp dir."""
    text = traceback.format_exc()
    try:
        fd, name = tempfile.mkstemp(prefix="afspraken-traceback-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        where = f"the full traceback is in {name}"
    except OSError:
        where = "the traceback could not be written to the temp directory"
    last = text.strip().splitlines()[-1][:200]
    print(
        f"fout: internal error ({last}); {where}; please report it with that file",
        file=sys.stderr,
    )
    return 3


def main(argv: list[str] | None = None) -> int:
    """Run a command. Exit 0 ok, 1 problems found (validate), 2 bad input or arguments (a message
    "fout: ..."), 3 an internal error (the traceback in a file); never a traceback on screen."""
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
    except OSError as exc:  # a file problem no command check caught: still one line, exit 2
        name = exc.filename if exc.filename is not None else ""
        print(f"fout: {str(name)[:200]}: {os_problem(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fout: interrupted", file=sys.stderr)
        return 130
    except Exception:  # also MemoryError and RecursionError: never a traceback on screen
        return _internal_error()


if __name__ == "__main__":
    sys.exit(main())
