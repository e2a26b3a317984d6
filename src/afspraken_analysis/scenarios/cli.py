"""The command line: `afspraken scenario list | run | solve`."""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from afspraken_analysis import monitoring
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Number, Text, fmt_number, render, t
from afspraken_analysis.paths import SCENARIOS_FILE
from afspraken_analysis.spreadsheet import (
    neutralise_frame,
    people_csv_path,
    readable_text,
    write_people_csv,
)
from afspraken_analysis.userfiles import check_output_file

from .config import (
    DEFAULT_SCENARIO,
    TOTAL_ADDITIONS_RULES,
    Scenario,
    list_scenarios,
    parse_overrides,
    scenario,
)
from .corporations import project_retrofits, project_solar
from .messages import problem
from .projection import MAX_RUNS, check_runs, memory_estimate, monte_carlo, project
from .resolve import resolve
from .solver import describe_solution, solve


def _load_realisations(directory: str | None, lang: str = "nl") -> pd.DataFrame | None:
    """Realisations through monitoring.load_realisations; says so when they are fictitious."""
    if directory is None:
        return None
    df = monitoring.load_realisations(Path(directory))
    if monitoring.frame_is_fictitious(df):
        print(t("monitoring.example_notice", lang))
    return df


def _cli_scenario(args) -> Scenario:
    return scenario(args.scenario, files=args.file, overrides=parse_overrides(args.set or []))


def _lang(args) -> str:
    return getattr(args, "cli_lang", "nl")


def _print_notes(notes: Iterable, lang: str, out=None) -> None:
    """The assumptions behind the numbers; a note is a text or a labels.Text."""
    out = out or sys.stdout
    print(t("scenario.cli.assumptions", lang), file=out)
    for note in notes:
        print(f"  - {render(note, lang)}", file=out)


def _description(name: str, description: str, source: str, lang: str) -> str:
    """A shipped scenario's description in the language (scenario.cli.description.<name>, whose
    English text is the one in data/scenarios.yml); a user's own scenario's as written."""
    key = f"scenario.cli.description.{name}"
    try:
        shipped = Path(source).resolve() == SCENARIOS_FILE.resolve() and (
            t(key, "en") == description
        )
    except KeyError:  # a scenario added to data/scenarios.yml without a translation
        shipped = False
    return t(key, lang) if shipped else description


def _cmd_list(args) -> int:
    table = list_scenarios(args.file)
    width = max(map(len, table["name"]))
    lang = _lang(args)
    for row in table.itertuples():
        print(f"{row.name:<{width}}  {_description(row.name, row.description, row.source, lang)}")
    return 0


SEED_DIGITS = 6  # an automatic seed short enough to type again


def _check_out(args) -> list[Path]:
    """The files --out writes (the CSV and its people's CSV); an existing one only with
    --overwrite, as the tool cannot tell a file it wrote from a user's."""
    if args.out is None:
        return []
    paths = [check_output_file(args.out, "--out"), people_csv_path(args.out)]
    check_output_file(paths[1], "--out")
    existing = [str(p) for p in paths if p.exists() or p.is_symlink()]
    if existing and not args.overwrite:
        files = " & ".join(existing)
        lang = _lang(args)
        raise UserError(
            t("cli.scenario.exists", lang, out=args.out, files=files, count=len(existing))
        )
    return paths


def _write(df: pd.DataFrame, args) -> None:
    """The result: a CSV (full precision) and its CSV for people with --out, else a table."""
    if args.out is None:
        print(readable_text(df))
        return
    neutralise_frame(df).to_csv(args.out, index=False)
    people = people_csv_path(args.out)
    write_people_csv(df, people)
    lang = _lang(args)
    print(t("cli.scenario.written", lang, out=args.out, people=people))


def _cmd_run(args) -> int:
    lang = _lang(args)
    _check_out(args)
    if args.runs is not None:
        check_runs(args.runs)
        if args.seed is None:  # short and printed, so the run can be repeated
            args.seed = secrets.randbelow(10**SEED_DIGITS)
    s = _cli_scenario(args)
    realisations = _load_realisations(args.realisations, lang)
    if args.table != "stock":
        if args.runs is not None:
            raise problem("runs_stock_only")
        fn = project_retrofits if args.table == "retrofits" else project_solar
        df = fn(s, realisations=realisations)
        print(t("cli.scenario.rows", lang, table=args.table, name=s.name, n=len(df)))
        _write(df, args)
        _print_notes(df.attrs["notes"], lang)
        return 0
    model = resolve(s, realisations=realisations)
    proj = project(model)
    first, last = proj.iloc[0], proj.iloc[-1]
    print(f"Scenario {s.name}: {_description(s.name, s.description, s.source, lang)}")
    share = Text(
        "scenario.cli.share",
        first=Number(first["social_rent_share_pct"], 2),
        first_year=int(first["year"]),
        last=Number(last["social_rent_share_pct"], 2),
        last_year=int(last["year"]),
    )
    print(share.render(lang))
    df = _monte_carlo(model, args, lang) if args.runs is not None else proj
    _write(df, args)
    _print_notes(model.notes, lang)
    return 0


def _monte_carlo(model, args, lang: str) -> pd.DataFrame:
    """The Monte Carlo run, with its memory estimate, seed and the share's percentiles printed."""
    if not model.uncertainty:
        print(t("scenario.cli.no_uncertainty", lang))
    memory = Number(memory_estimate(model, args.runs) / 1e6, 0)
    print(Text("scenario.cli.memory", mb=memory).render(lang))
    df = monte_carlo(model, runs=args.runs, seed=args.seed)
    end = df.iloc[-1]
    line = Text(
        "scenario.cli.monte_carlo",
        seed=Text("cli.scenario.seed", runs=args.runs, seed=df.attrs["seed"]),
        year=int(end["year"]),
        p10=Number(end["social_rent_share_pct_p10"], 2),
        p50=Number(end["social_rent_share_pct_p50"], 2),
        p90=Number(end["social_rent_share_pct_p90"], 2),
        chance25=Number(end["chance_share_ge_25_pct"], 1),
        chance30=Number(end["chance_share_ge_30_pct"], 1),
    )
    print(line.render(lang))
    return df


def _cmd_solve(args) -> int:
    lang = _lang(args)
    s = _cli_scenario(args)
    sol = solve(
        s,
        args.target_share,
        args.by,
        from_year=args.from_year,
        total_additions=args.total_additions,
        realisations=_load_realisations(args.realisations, lang),
    )
    print(describe_solution(sol, lang))
    return 0


def configure_cli(sub, lang: str = "nl") -> None:
    """Add `afspraken scenario list|run|solve`."""
    parser = sub.add_parser("scenario", help=t("cli.help.scenario.command", lang))
    scen_sub = parser.add_subparsers(dest="scenario_command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, with_scenario: bool = True) -> None:
        p.add_argument(
            "--file",
            action="append",
            metavar="FILE",
            help=t("cli.help.scenario.file", lang),
        )
        if not with_scenario:
            return
        p.add_argument(
            "--scenario",
            default=DEFAULT_SCENARIO,
            metavar="NAME",
            help=t("cli.help.scenario.scenario", lang),
        )
        p.add_argument(
            "--set",
            action="append",
            metavar="KEY=VALUE",
            help=t("cli.help.scenario.set", lang),
        )
        p.add_argument(
            "--realisations", metavar="DIR", help=t("cli.help.scenario.realisations", lang)
        )

    p = scen_sub.add_parser("list", help=t("cli.help.scenario.list.command", lang))
    common(p, with_scenario=False)
    p.set_defaults(func=_cmd_list)

    p = scen_sub.add_parser("run", help=t("cli.help.scenario.run.command", lang))
    common(p)
    p.add_argument(
        "--runs",
        type=int,
        metavar="N",
        help=t("cli.help.scenario.run.runs", lang, max=fmt_number(MAX_RUNS, lang)),
    )
    p.add_argument("--seed", type=int, metavar="S", help=t("cli.help.scenario.run.seed", lang))
    p.add_argument(
        "--table",
        choices=("stock", "retrofits", "solar"),
        default="stock",
        help=t("cli.help.scenario.run.table", lang),
    )
    p.add_argument(
        "--out",
        metavar="FILE.csv",
        help=t("cli.help.scenario.run.out", lang),
    )
    p.add_argument(
        "--overwrite", action="store_true", help=t("cli.help.scenario.run.overwrite", lang)
    )
    p.set_defaults(func=_cmd_run)

    p = scen_sub.add_parser("solve", help=t("cli.help.scenario.solve.command", lang))
    common(p)
    p.add_argument(
        "--target-share",
        type=float,
        metavar="PCT",
        help=t("cli.help.scenario.solve.target_share", lang),
    )
    p.add_argument("--by", type=int, metavar="YEAR", help=t("cli.help.scenario.solve.by", lang))
    p.add_argument(
        "--from",
        dest="from_year",
        type=int,
        metavar="YEAR",
        help=t("cli.help.scenario.solve.from", lang),
    )
    p.add_argument(
        "--total-additions",
        choices=TOTAL_ADDITIONS_RULES,
        help=t("cli.help.scenario.solve.total_additions", lang),
    )
    p.set_defaults(func=_cmd_solve)
