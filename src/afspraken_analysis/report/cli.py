"""`afspraken report`: parameters from the command line and a YAML file, then the whole build."""

from __future__ import annotations

import dataclasses
import gc
import signal
import sys
import threading
import time
from pathlib import Path

from afspraken_analysis import yamlfile
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import LANGUAGES, Text, t
from afspraken_analysis.paths import OUTPUTS_DIR
from afspraken_analysis.tracking import DEFAULT_WOONDEAL_START_YEAR

from . import params
from .build import build_report
from .deck import open_template
from .notebooks import Progress, declared_parameters, notebook_sources


def read_params_file(path: Path) -> dict:
    values = yamlfile.read(path, Text("files.what.parameter_file")) or {}
    if not isinstance(values, dict):
        raise UserError(Text("params.problem.not_a_mapping", path=str(path)))
    return values


def resolve_parameters(cli: dict, params_file: Path | None, declared: dict[str, list[str]]):
    """Merge the parameter file and the command line (which wins), then validate strictly."""
    values = read_params_file(params_file) if params_file else {}
    values.update({k: v for k, v in cli.items() if v is not None})
    allowed = [
        n for n in params.SPECS if n != "output_dir" and any(n in d for d in declared.values())
    ]
    return params.validate(values, allowed)


def _cmd_report(args) -> int:
    sources = notebook_sources()
    declared = declared_parameters(sources)
    cli = {
        "year": args.year,
        "monitoring": args.monitoring,
        "scenario": args.scenario,
        "lang": args.lang,
        "corporation": args.corporation,
        "woondeal_start_year": args.woondeal_start_year,
    }
    p = resolve_parameters(cli, Path(args.params) if args.params else None, declared)
    if args.slide_template:
        template = Path(args.slide_template).expanduser().resolve()
        open_template(template)  # a bad template stops the run before any notebook
        p = dataclasses.replace(p, slide_template=template)
    out = Path(args.out) if args.out else OUTPUTS_DIR / str(p.year)
    progress = Progress(quiet=args.quiet)
    start = time.perf_counter()
    with _stop_cleanly_on_sigterm():
        build_report(
            p,
            out,
            params_file=Path(args.params) if args.params else None,
            progress=progress,
            forker=args.forker,
        )
    if not args.quiet:
        lang = getattr(args, "cli_lang", "nl")
        seconds = f"{time.perf_counter() - start:.1f}".replace(".", "," if lang == "nl" else ".")
        path = params.relative(out.resolve())
        print(
            t("cli.report.written", lang, year=p.year, path=path, seconds=seconds), file=sys.stderr
        )
    # The command ends here, and with it the process: Python's last collection over everything
    # still alive (pandas, WeasyPrint, the kernels' clients) would take ~0.5 s more. Frozen objects
    # are left to the operating system; files and kernels are closed already.
    gc.freeze()
    return 0


class _stop_cleanly_on_sigterm:
    """SIGTERM (kill, a CI timeout) ends the run like Ctrl-C: kernels stopped, build removed."""

    def __enter__(self):
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._stop)

    @staticmethod
    def _stop(signum, frame):
        raise SystemExit(128 + signum)

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def configure_cli(sub, lang: str = "nl") -> None:
    parser = sub.add_parser(
        "report",
        help=t("cli.help.report.command", lang),
        description=t("cli.help.report.description", lang),
    )
    parser.add_argument("--year", type=int, help=t("cli.help.report.year", lang))
    parser.add_argument("--monitoring", metavar="DIR", help=t("cli.help.report.monitoring", lang))
    parser.add_argument("--scenario", metavar="NAME", help=t("cli.help.report.scenario", lang))
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help.report.lang", lang))
    parser.add_argument(
        "--corporation", metavar="NAME", help=t("cli.help.report.corporation", lang)
    )
    parser.add_argument(
        "--woondeal-start-year",
        type=int,
        metavar="YEAR",
        help=t(
            "cli.help.report.woondeal_start_year",
            lang,
            first=params.WOONDEAL_START_YEARS[0],
            last=params.WOONDEAL_START_YEARS[1],
            default=DEFAULT_WOONDEAL_START_YEAR,
        ),
    )
    parser.add_argument(
        "--slide-template",
        metavar="FILE.pptx",
        help=t("cli.help.report.slide_template", lang),
    )
    parser.add_argument("--params", metavar="FILE.yml", help=t("cli.help.report.params", lang))
    parser.add_argument("--out", metavar="DIR", help=t("cli.help.report.out", lang))
    parser.add_argument("--quiet", action="store_true", help=t("cli.help.report.quiet", lang))
    parser.set_defaults(func=_cmd_report)
