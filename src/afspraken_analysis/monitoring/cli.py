"""The `afspraken validate` and `afspraken template` commands."""

from __future__ import annotations

import sys
from pathlib import Path

from afspraken_analysis.labels import t
from afspraken_analysis.userfiles import check_output_dir

from .load import _check_path
from .readers import _display
from .templates import write_templates


def _cmd_validate(args) -> int:
    lang = getattr(args, "cli_lang", "nl")
    checked = [c for path in args.paths for c in _check_path(Path(path))]
    count = sum(c.count for c in checked)
    for result in checked:
        for problem in result.listed():
            print(problem.render(lang))
        if not result.count:
            unfilled = len(result.unfilled_rows)
            note = t("cli.validate.unfilled", lang, n=unfilled) if unfilled else ""
            path, rows = _display(result.path), len(result.frame)
            print(t("cli.validate.ok", lang, path=path, table=result.table, rows=rows, note=note))
    if count:
        print(t("cli.validate.problems", lang, n=count), file=sys.stderr)
        return 1
    return 0


def _cmd_template(args) -> int:
    check_output_dir(args.directory, "template")
    paths = write_templates(
        Path(args.directory), args.year, force=args.force, earlier=args.earlier_years
    )
    for path in paths:
        print(path)
    print(t("cli.template.done", getattr(args, "cli_lang", "nl")))
    return 0


def configure_cli(sub, lang: str = "nl") -> None:
    parser = sub.add_parser(
        "validate",
        help=t("cli.help.validate.command", lang),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help=t("cli.help.validate.paths", lang))
    parser.set_defaults(func=_cmd_validate)
    parser = sub.add_parser("template", help=t("cli.help.template.command", lang))
    parser.add_argument("directory", help=t("cli.help.template.directory", lang))
    parser.add_argument("--year", type=int, required=True, help=t("cli.help.template.year", lang))
    parser.add_argument("--force", action="store_true", help=t("cli.help.template.force", lang))
    parser.add_argument(
        "--earlier-years",
        action="store_true",
        help=t("cli.help.template.earlier_years", lang),
    )
    parser.set_defaults(func=_cmd_template)
