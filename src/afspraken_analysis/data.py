"""Loading the curated agreement tables, and exporting them for use without Python."""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import document, packages
from . import parties as party_names
from .caveats import log_markdown
from .errors import UserError
from .labels import t
from .paths import AGREEMENT_TABLES, ROOT, periods, table_file
from .schemas import TABLES, Table
from .spreadsheet import RULE as SPREADSHEET_RULE
from .spreadsheet import neutralise_frame
from .userfiles import check_output_dir

LIST_SEPARATOR = "; "
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?\d+(\.\d+)?$")


def tables() -> list[str]:
    """Names of the curated tables, in a stable order."""
    return list(TABLES)


def _where(path: Path, row: int, column: str | None) -> str:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}, row {row}" + (f", column {column!r}" if column else "")


_EXPECTED = {
    "Int64": (_INT, "a whole number (digits only, no thousands separator)"),
    "Float64": (_FLOAT, "a number written with '.' as decimal point and no thousands separator"),
}


def _value_problems(raw: pd.Series, empty: pd.Series, column: pa.Column, path: Path) -> list[str]:
    """Each filled cell of `raw` that does not parse as the column's type, named by file, row, column."""
    dtype = str(column.dtype)

    def where(i: int) -> str:
        return _where(path, i + 2, raw.name)  # row 1 is the header

    filled = raw[~empty]
    if dtype in _EXPECTED:
        pattern, expected = _EXPECTED[dtype]
        bad = filled[~filled.map(lambda v: bool(pattern.match(v.strip())))]
        return [f"{where(i)}: {value!r} is not {expected}" for i, value in bad.items()]
    if dtype == "boolean":
        bad = filled[~filled.str.strip().str.lower().isin(["true", "false"])]
        return [f"{where(i)}: {value!r} is not true or false" for i, value in bad.items()]
    if dtype.startswith("category"):
        categories = list(map(str, column.dtype.type.categories))
        problems = []
        for i, value in filled[~filled.isin(categories)].items():
            hint = party_names.suggest(value, categories)
            problems.append(
                f"{where(i)}: {value!r} is not one of the allowed values"
                + (f" — did you mean {hint!r}?" if hint else f" ({', '.join(categories)})")
            )
        return problems
    return []


def _parse_column(raw: pd.Series, column: pa.Column, path: Path) -> pd.Series:
    """Strictly parse one text column to its schema type; raise UserError naming file, row, column."""
    dtype = str(column.dtype)
    if (column.metadata or {}).get("list"):
        return raw.map(lambda v: [p.strip() for p in v.split(";") if p.strip()] if v else [])
    empty = raw.str.strip() == ""
    problems = []
    if not column.nullable:
        problems += [
            f"{_where(path, i + 2, raw.name)}: empty, but a value is required"
            for i in raw.index[empty]
        ]
    problems += _value_problems(raw, empty, column, path)
    if problems:
        raise UserError("\n".join(problems))
    values = raw.where(~empty, None)
    if dtype in ("Int64", "Float64"):
        return pd.to_numeric(values.str.strip()).astype(dtype)
    if dtype == "boolean":
        return values.str.strip().str.lower().map({"true": True, "false": False}).astype("boolean")
    return values.astype(column.dtype.type if dtype.startswith("category") else dtype)


def _derive(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns derived from the curated text: canonical party lists."""
    if name == "agreements":
        pos = df.columns.get_loc("initiators_text") + 1
        df.insert(pos, "parties", df["parties_text"].map(party_names.resolve))
        initiators = [
            party_names.resolve(i, within=p)
            for i, p in zip(df["initiators_text"], df["parties"], strict=True)
        ]
        df.insert(pos + 1, "initiators", pd.Series(initiators, index=df.index, dtype=object))
    return df


def read_table(table: Table, path: Path) -> pd.DataFrame:
    """Read a curated CSV strictly and validate it against the table's schema."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not valid UTF-8 ({exc.reason}); save it as UTF-8") from None
    expected = [c for c in table.schema.columns if c not in table.derived]
    missing = [c for c in expected if c not in raw.columns]
    extra = [c for c in raw.columns if c not in expected]
    if missing or extra:
        raise UserError(
            f"{path}: columns differ from the schema of {table.name!r}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unexpected: {', '.join(extra)}" if extra else "")
        )
    df = pd.DataFrame({c: _parse_column(raw[c], table.schema.columns[c], path) for c in expected})
    try:
        df = _derive(table.name, df)
        return table.schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise UserError(_describe_schema_errors(exc, path)) from None
    except KeyError as exc:  # an unknown party name while resolving
        raise UserError(f"{path}: {exc.args[0]}") from None


def _describe_schema_errors(exc: pa.errors.SchemaErrors, path: Path) -> str:
    lines = []
    cases = exc.failure_cases
    for _, case in cases.iterrows():
        index = case["index"]
        row = int(index) + 2 if pd.notna(index) else None
        if case["schema_context"] == "DataFrameSchema" and row:
            # a check across columns fails once per row, not once per cell of the row
            lines.append(f"{_where(path, row, None)}: {case['check']}")
            continue
        column = case["column"] if pd.notna(case["column"]) else "(table)"
        where = _where(path, row, column) if row else f"{path.name}, column {column!r}"
        lines.append(f"{where}: {case['failure_case']!r} fails {case['check']}")
    return "\n".join(dict.fromkeys(lines))


@cache
def _load_cached(name: str, path: Path) -> pd.DataFrame:
    return read_table(TABLES[name], path)


def load(name: str, period: str | None = None) -> pd.DataFrame:
    """A curated table as a typed, validated DataFrame, e.g. ``load("agreements")``.

    An agreement's table comes from the current package (the latest period) unless `period`
    names another, e.g. ``load("targets", period="2024-2025")``; the shared registries
    (parties, party_groups, indicators) are the same for every period.
    """
    if name not in TABLES:
        raise UserError(f"unknown table {name!r}; choose one of: {', '.join(TABLES)}")
    if period is not None and period not in periods():
        raise UserError(
            f"no agreement package for period {period!r}; loaded: {', '.join(periods())}"
        )
    return _load_cached(name, table_file(name, period)).copy()


def current_period() -> str:
    """The period of the current package: the latest by start year."""
    return periods()[-1]


def period_in_force(year: int) -> str | None:
    """The agreement period that covers `year` (the latest one if two do), or None."""
    covering = [p for p in periods() if _years(p)[0] <= year <= _years(p)[1]]
    return covering[-1] if covering else None


def period_for(year: int) -> str:
    """The package a report for `year` rests on: the one in force, else the last one that ended
    before `year`, else (a year before every agreement) the first."""
    ended = [p for p in periods() if _years(p)[1] < year]
    return period_in_force(year) or (ended[-1] if ended else periods()[0])


def _years(period: str) -> tuple[int, int]:
    return packages.period_years(period)


def targets_in_force(year: int) -> pd.DataFrame:
    """The targets a report for `year` tracks: those of the package `period_for(year)`, plus the
    targets of earlier packages that carry over (the 2030 goals) and the later ones do not restate.
    Each row keeps the `agreement_period` it comes from."""
    period = period_for(year)
    first = _years(period)[0]
    frames = [load("targets", period)]
    for earlier in reversed([p for p in periods() if _years(p)[0] < first]):
        targets = load("targets", earlier)
        known = set(pd.concat(frames)["target_id"])
        keep = packages.carries_over(targets, earlier) & ~targets["target_id"].isin(known)
        keep &= targets["end_year"].isna() | (targets["end_year"] >= first)
        frames.append(targets[keep.fillna(False)])
    return pd.concat(frames, ignore_index=True)


def check_package(directory: Path) -> list[str]:
    """Every problem of an agreement package: its name and raw text with origin record, each
    table against its schema, every text at its recorded lines, the cross-checks (see packages)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory; give an agreement package such as "
                        "data/agreements/2024-2025")  # fmt: skip
    problems = []
    period = directory.name
    if not packages.is_period(period):
        problems.append(
            f"{packages.where(directory)}: the directory name must be the agreement period, "
            "first and last year, such as '2024-2025'"
        )
    problems += packages.origin_problems(directory)
    frames = {}
    for name in AGREEMENT_TABLES:
        try:
            frames[name] = read_table(TABLES[name], directory / f"{name}.csv")
        except UserError as exc:
            problems += str(exc).splitlines()
    texts = document.text_files(directory)
    if len(texts) == 1:
        for name, df in frames.items():
            problems += packages.text_problems(name, df, directory / f"{name}.csv", texts[0])
    if len(frames) == len(AGREEMENT_TABLES) and packages.is_period(period):
        indicators = set(load("indicators")["indicator"])
        problems += packages.cross_problems(frames, period, directory, indicators)
    return problems


ROLES = {"party": "parties", "initiator": "initiators"}


def agreements_of(party: str, role: str = "party") -> pd.DataFrame:
    """The agreements a party joins (role 'party', initiators included) or initiates ('initiator').

    Any spelling in parties.csv works ('Woonmensen', 'DGW'); group words in the document
    ('corporaties') are resolved to their members, so 'Mooiland' finds the agreements of 'Corporaties'.
    """
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    try:
        name = party_names.canonical(party)
    except KeyError as exc:
        raise UserError(f"{exc.args[0]} (the names are in data/parties.csv)") from None
    agreements = load("agreements")
    return agreements[agreements[ROLES[role]].map(lambda names: name in names)]


def load_all() -> dict[str, pd.DataFrame]:
    return {name: load(name) for name in TABLES}


def to_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The table as plain text columns: list columns joined with '; '."""
    out = df.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(LIST_SEPARATOR.join)
    return out


_FRICTIONLESS_TYPES = {
    "Int64": "integer",
    "Float64": "number",
    "string": "string",
    "boolean": "boolean",
}


def _field(name: str, column: pa.Column) -> dict:
    dtype = str(column.dtype)
    field = {"name": name, "description": column.description or ""}
    if (column.metadata or {}).get("list"):
        field.update(type="string", description=f"{field['description']} (items separated by '; ')")
    elif dtype.startswith("category"):
        field.update(
            type="string", constraints={"enum": list(map(str, column.dtype.type.categories))}
        )
    else:
        field["type"] = _FRICTIONLESS_TYPES.get(dtype, "string")
    if unit := (column.metadata or {}).get("unit"):
        field["unit"] = unit
    if not column.nullable:
        field.setdefault("constraints", {})["required"] = True
    return field


def datapackage() -> dict:
    """A Frictionless Data Package descriptor for the exported CSVs."""
    resources = []
    for table in TABLES.values():
        resources.append(
            {
                "name": table.name.replace("_", "-"),
                "path": f"{table.name}.csv",
                "title": table.title,
                "description": table.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
                "textCells": SPREADSHEET_RULE,
                "schema": {
                    "fields": [_field(n, c) for n, c in table.schema.columns.items()],
                    "primaryKey": list(table.key),
                    "missingValues": [""],
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "prestatieafspraken-apeldoorn-2024-2025",
        "title": "Prestatieafspraken Apeldoorn 2024-2025",
        "description": (
            "Agreements, targets and annex tables of 'Iedereen in Apeldoorn een huis dat voelt als een "
            "thuis — Prestatieafspraken 2024-2025' (gemeente Apeldoorn, housing corporations and tenant "
            "organisations; signed 14 December 2023), curated by afspraken-analysis. "
            + SPREADSHEET_RULE
        ),
        "sources": [
            {"title": "Prestatieafspraken Apeldoorn 2024-2025 (text layer of the public PDF)"}
        ],
        "resources": resources,
    }


def export(directory: Path) -> list[Path]:
    """Write every table as UTF-8 CSV plus datapackage.json; returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        path = directory / f"{name}.csv"
        frame = neutralise_frame(to_csv_frame(load(name)))
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    path = directory / "datapackage.json"
    path.write_text(
        json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [*written, path]


def data_dictionary() -> str:
    """The data dictionary in Markdown, generated from the schemas."""
    out = [
        "# Data dictionary",
        "",
        "Generated from `src/afspraken_analysis/schemas.py` by "
        "`afspraken data dictionary`; do not edit by hand.",
        "",
    ]
    for table in TABLES.values():
        out += [
            f"## `{table.name}` — {table.title}",
            "",
            table.description,
            "",
            f"Key: {', '.join(f'`{k}`' for k in table.key)}. Rows: {table.expected_rows}.",
            "",
            "| column | type | unit | required | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, column in table.schema.columns.items():
            field = _field(name, column)
            kind = "list of text" if (column.metadata or {}).get("list") else field["type"]
            if "enum" in field.get("constraints", {}):
                kind += ": " + ", ".join(field["constraints"]["enum"])
            out.append(
                f"| `{name}` | {kind} | {field.get('unit', '')} | "
                f"{'yes' if not column.nullable else 'no'} | {column.description} |"
            )
        out.append("")
    return "\n".join(out)


def _check_export_target(directory: Path) -> None:
    """The export writes into `directory` and overwrites only what an earlier export wrote
    (recognised by its datapackage.json), never someone else's files of the same name."""
    check_output_dir(directory, "data export")
    names = [f"{name}.csv" for name in TABLES] + ["datapackage.json"]
    existing = [n for n in names if (directory / n).exists()]
    if not existing:
        return
    try:
        earlier = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
        ours = earlier.get("name") == datapackage()["name"]
    except (OSError, ValueError, AttributeError):
        ours = False
    if not ours:
        raise UserError(
            f"data export {directory}: {', '.join(existing[:3])}"
            f"{' …' if len(existing) > 3 else ''} {'exists' if len(existing) == 1 else 'exist'} already "
            "and was not written by an earlier export; choose an empty directory"
        )


def _cmd_export(args) -> int:
    _check_export_target(Path(args.directory))
    for path in export(Path(args.directory)):
        print(path)
    return 0


def _cmd_list(args) -> int:
    width = max(map(len, TABLES))
    for name, table in TABLES.items():
        print(f"{name:<{width}}  {len(load(name)):>3} rows  {table.title}: {table.description}")
    return 0


def _cmd_check(args) -> int:
    problems = check_package(Path(args.directory))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {args.directory}", file=sys.stderr)
        return 1
    print(f"{args.directory}: agreement package {Path(args.directory).name} is valid")
    return 0


def _cmd_dictionary(args) -> int:
    text = data_dictionary()
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def _cmd_caveats(args) -> int:
    if args.out:
        Path(args.out).write_text(log_markdown(), encoding="utf-8")
    else:
        print(log_markdown(), end="")
    return 0


def configure_cli(sub, lang: str = "nl") -> None:
    parser = sub.add_parser("data", help=t("cli.help.data.command", lang))
    data_sub = parser.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    p = data_sub.add_parser("export", help=t("cli.help.data.export.command", lang))
    p.add_argument("directory", help=t("cli.help.data.export.directory", lang))
    p.set_defaults(func=_cmd_export)
    p = data_sub.add_parser("list", help=t("cli.help.data.list.command", lang))
    p.set_defaults(func=_cmd_list)
    p = data_sub.add_parser("check", help=t("cli.help.data.check.command", lang))
    p.add_argument("directory", help=t("cli.help.data.check.directory", lang))
    p.set_defaults(func=_cmd_check)
    p = data_sub.add_parser("dictionary", help=t("cli.help.data.dictionary.command", lang))
    p.add_argument("--out", help=t("cli.help.data.out", lang))
    p.set_defaults(func=_cmd_dictionary)
    p = data_sub.add_parser("caveats", help=t("cli.help.data.caveats.command", lang))
    p.add_argument("--out", help=t("cli.help.data.out", lang))
    p.set_defaults(func=_cmd_caveats)
