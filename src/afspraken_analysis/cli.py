"""The `afspraken` command line. Each module that offers commands has
`configure_cli(subparsers, lang)`, its help texts in `lang`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from contextlib import contextmanager

from .errors import UserError
from .labels import LANG_ENV, LANGUAGES, default_lang, t
from .userfiles import os_problem

# Sub-command → the module that adds it (with configure_cli(subparsers, lang)). Only the module of the
# command asked for is imported, so `afspraken report` does not pay for the others' imports.
COMMANDS = {
    "data": "data",
    "baseline": "baseline",
    "template": "monitoring.cli",
    "validate": "monitoring.cli",
    "scenario": "scenarios.cli",
    "report": "report.cli",
}
# Sub-command → the module whose `start_forker()` starts the process the command's kernels are
# forked from (report/kernelfork.py): before the command's module is imported (about a second),
# so that it imports the library beside it. The command gets it as `args.forker` (None where it
# cannot start); it is closed when the command ends.
FORKERS = {"report": "report.kernelfork"}


# argparse's own texts a user meets (usage, help headings, argument errors), by the English text
# argparse looks up through gettext; any other stays as argparse writes it
ARGPARSE_TEXTS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positional",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "the following arguments are required: %s": "cli.argparse.required",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "expected one argument": "cli.argparse.expected_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "not allowed with argument %s": "cli.argparse.not_allowed_with",
}


@contextmanager
def argparse_in(lang: str):
    """argparse's own texts in `lang` while a command line is parsed (argparse looks each one up
    through gettext's `_` when it writes it)."""
    original = argparse._

    def translated(text: str) -> str:
        key = ARGPARSE_TEXTS.get(text)
        if key is None:
            return original(text)
        return t(key, lang) + ("\n" if text.endswith("\n") else "")

    argparse._ = translated
    try:
        yield
    finally:
        argparse._ = original


def _message_lang(argv: list[str], lang: str) -> str:
    """The language of the messages, read from the command line before argparse runs (its own
    errors and --help need it too): --lang before the command, else $AFSPRAKEN_LANG (`lang`),
    else the command's own --lang (`afspraken report --lang en`), else Dutch (`lang`)."""
    found = []
    for i, a in enumerate(argv):
        value = argv[i + 1] if a == "--lang" and i + 1 < len(argv) else a.removeprefix("--lang=")
        if (a == "--lang" or a.startswith("--lang=")) and value in LANGUAGES:
            found.append((i, value))
    command = next((i for i, a in enumerate(argv) if a in COMMANDS), len(argv))
    before = [v for i, v in found if i < command]
    if before:
        return before[-1]
    if os.environ.get(LANG_ENV) or not found:
        return lang
    return found[-1][1]


def _command(argv: list[str]) -> str | None:
    """The sub-command's word on the command line, if any."""
    words = [a for i, a in enumerate(argv) if i == 0 or argv[i - 1] != "--lang"]
    return next((a for a in words if not a.startswith("-")), None)


def _start_forker(argv: list[str]):
    """The command's forker (FORKERS), started; None for the others and for --help."""
    command = _command(argv)
    if command not in FORKERS or "-h" in argv or "--help" in argv:
        return None
    return importlib.import_module(f"afspraken_analysis.{FORKERS[command]}").start_forker()


def build_parser(argv: list[str] | None = None, lang: str = "nl") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="afspraken",
        description=t("cli.help.afspraken.description", lang),
    )
    parser.add_argument(
        "--lang",
        dest="cli_lang",
        choices=LANGUAGES,
        default=lang,
        help=t("cli.lang_help", lang, env=LANG_ENV),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    first = _command(argv or [])
    modules = [COMMANDS[first]] if first in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(f"afspraken_analysis.{name}").configure_cli(sub, lang)
    return parser


def _internal_error(lang: str) -> int:
    """Exit 3: a short message, the full traceback in a new file of the tool's own in the temp dir."""
    text = traceback.format_exc()
    try:
        fd, name = tempfile.mkstemp(prefix="afspraken-traceback-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        where = t("cli.traceback_file", lang, name=name)
    except OSError:
        where = t("cli.traceback_unwritten", lang)
    last = text.strip().splitlines()[-1][:200]
    print(t("cli.internal_error", lang, last=last, where=where), file=sys.stderr)
    return 3


def main(argv: list[str] | None = None) -> int:
    """Run a command. Exit 0 ok, 1 problems found (validate), 2 bad input or arguments (a message
    "fout: ..." / "error: ..." with --lang en), 3 an internal error (the traceback in a file);
    never a traceback on screen."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        lang = default_lang()
    except ValueError as exc:
        print(t("cli.error", "nl", message=exc), file=sys.stderr)
        return 2
    lang = _message_lang(argv, lang)
    forker = _start_forker(argv)
    try:
        return _run(argv, lang, forker)
    finally:
        if forker is not None:
            forker.close()


def _run(argv: list[str], lang: str, forker) -> int:
    with argparse_in(lang):
        args = build_parser(argv, lang).parse_args(argv)
    args.cli_lang = lang
    args.forker = forker
    try:
        return args.func(args) or 0
    except UserError as exc:
        print(t("cli.error", lang, message=exc.render(lang)), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file problem no command check caught: still one line, exit 2
        name = exc.filename if exc.filename is not None else ""
        message = f"{str(name)[:200]}: {os_problem(exc, lang)}"
        print(t("cli.error", lang, message=message), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(t("cli.interrupted", lang), file=sys.stderr)
        return 130
    except Exception:  # also MemoryError and RecursionError: never a traceback on screen
        return _internal_error(lang)


if __name__ == "__main__":
    sys.exit(main())
