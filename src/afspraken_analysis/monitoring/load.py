"""Finding, checking and loading the monitoring files of a directory into validated tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from afspraken_analysis import parties
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Text, t, user_lang
from afspraken_analysis.userfiles import os_text

from .readers import Problem, _display, _is_empty, _read, _Sheet
from .rules import _TABLE_RULES
from .tables import TABLE_NAMES, input_columns

OPTIONAL_TABLES = ("category_overrides",)  # a file with no row filled in means: none
FILE_SUFFIXES = (".csv", ".xlsx")
MAX_PROBLEMS_PER_FILE = 200  # listed one by one; the rest is counted per kind
_MAX_KINDS = 50


@dataclass
class _Checked:
    """The result of checking one file: its table, the frame (when valid) and the problems.

    `problems` holds the first MAX_PROBLEMS_PER_FILE problems; any further ones are counted per
    kind in `more` (kind → [count, first problem of the kind]); `listed()` gives both.
    """

    path: Path
    table: str | None = None
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    unfilled_rows: list[int] = field(default_factory=list)
    more: dict[str, list] = field(default_factory=dict)

    def __post_init__(self):
        self.shown_path = _display(self.path)  # once: resolving a path per problem is slow

    def report(self, row, column, value, message: Text, hint: Text | None = None) -> None:
        problem = Problem(self.shown_path, row, column, value, message, hint)
        if len(self.problems) < MAX_PROBLEMS_PER_FILE:
            self.problems.append(problem)
            return
        kind = _kind(problem)
        if kind not in self.more and len(self.more) >= _MAX_KINDS:
            kind = "other"
        self.more.setdefault(kind, [0, problem])[0] += 1

    @property
    def count(self) -> int:
        """How many problems were found, listed or not."""
        return len(self.problems) + sum(n for n, _ in self.more.values())

    def listed(self) -> list[Problem]:
        """The problems as shown: the first ones, then one line per kind for the rest."""
        summaries = [
            Problem(
                first.file,
                None,
                first.column if kind != "other" else None,
                None,
                Text(
                    "mon.problem.more_same" if kind != "other" else "mon.problem.more_other",
                    n=n,
                    row=first.row,
                    first=first.message,
                ),
                first.hint,
            )
            for kind, (n, first) in self.more.items()
        ]
        return self.problems + summaries


def _kind(problem: Problem) -> str:
    """The problem's column and message key: problems of one kind share them."""
    return f"{problem.column}|{problem.message.key}"


def _table_of(path: Path, columns: list[str] | None = None) -> str | None:
    stem = path.stem.lower()
    for table in TABLE_NAMES:
        if stem.startswith(table):
            return table
    names = set(columns or ())
    if names & {"indicator", "value"}:
        return "realisations"
    if names & {"agreement_id", "status"}:
        return "agreement_status"
    if names & {"target_id", "category", "justification"}:
        return "category_overrides"
    if names & {"stage", "expected_delivery_year", "segment"}:
        return "pipeline"
    return None


def _check_file(path: Path, table: str | None = None) -> _Checked:
    """Read and check one file; `table` forces the table, else the file name or header tells."""
    checked = _Checked(Path(path))
    if not _is(Path.is_file, checked.path):
        checked.report(None, None, str(path), *_not_a_file(checked.path))
        return checked
    sheet = _read(checked.path, table or _table_of(checked.path), checked.report)
    if sheet is None:
        return checked
    checked.table = table or _table_of(checked.path, sheet.columns)
    if checked.table is None:
        checked.report(
            1,
            None,
            ", ".join(sheet.columns),
            Text("mon.problem.which_table"),
            Text("mon.hint.table_file_names", names=_expected_names()),
        )
        return checked
    if not _check_header(sheet, checked):
        return checked
    _check_rows(sheet, checked)
    return checked


def _check_header(sheet: _Sheet, checked: _Checked) -> bool:
    """Problems with the header row: duplicate, unexpected or missing columns. True when fine."""
    spec, report = input_columns(checked.table), checked.report
    present = [name for name in sheet.columns if name]
    missing = [name for name, need in spec.items() if need != "optional" and name not in present]
    problems_before = checked.count
    for name in sorted({n for n in present if present.count(n) > 1}):
        report(
            1,
            name,
            name,
            Text("mon.problem.duplicate_column", column=name),
            Text("mon.hint.keep_one_column"),
        )
    for name in present:
        if name in spec:
            continue
        guess = parties.suggest(name, list(spec))
        if guess in missing:
            missing.remove(guess)
            report(
                1,
                name,
                name,
                Text("mon.problem.misnamed_column", column=name, guess=guess),
                Text("mon.hint.rename_column", guess=guess),
            )
        else:
            allowed = Text("mon.hint.allowed_columns", columns=", ".join(spec))
            hint = (
                Text("mon.hint.did_you_mean_then", guess=guess, then=allowed) if guess else allowed
            )
            report(1, name, name, Text("mon.problem.unexpected_column", column=name), hint)
    needed = ", ".join(n for n, need in spec.items() if need != "optional")
    for name in missing:
        if present:
            hint = Text("mon.hint.header_names_found", columns=needed, found=", ".join(present))
        else:
            hint = Text("mon.hint.header_names", columns=needed)
        report(1, name, None, Text("mon.problem.missing_column", column=name), hint)
    return checked.count == problems_before


def _check_rows(sheet: _Sheet, checked: _Checked) -> None:
    read_record, filled_columns, check_together, build_frame = _TABLE_RULES[checked.table]
    records = []
    for number, cells in sheet.rows:
        if all(_is_empty(cells.get(c)) for c in filled_columns):
            checked.unfilled_rows.append(number)
            continue
        record = read_record(number, cells, sheet.numbers, checked.report)
        if record is not None:
            records.append(record)
    check_together(records, checked.report)
    must_have_rows = checked.table not in OPTIONAL_TABLES  # an empty optional table: none
    if must_have_rows and not sheet.rows and not checked.problems:
        checked.report(
            2,
            None,
            "",
            Text("mon.problem.no_rows"),
            Text("mon.hint.at_least_one_row"),
        )
    elif must_have_rows and not records and not checked.problems:
        checked.report(
            checked.unfilled_rows[0],
            filled_columns[0],
            "",
            Text("mon.problem.none_filled", n=len(checked.unfilled_rows), column=filled_columns[0]),
            Text("mon.hint.fill_column", column=filled_columns[0]),
        )
    if not checked.problems:
        checked.frame = build_frame(records, checked.path)


def _is(test, path: Path) -> bool:
    """Path.is_file, is_dir, exists or is_symlink; False where the path cannot be reached."""
    try:
        return test(path)
    except OSError:  # e.g. a directory above it that may not be entered
        return False


def _not_a_file(path: Path) -> tuple[Text, Text]:
    """Message and hint for a path that is not a readable regular file."""
    try:
        path.lstat()
    except OSError as exc:
        if not isinstance(exc, FileNotFoundError):
            return (
                Text("mon.problem.unreachable", reason=os_text(exc)),
                Text("mon.hint.unreachable"),
            )
    if path.is_symlink() and not path.exists():
        return Text("mon.problem.broken_link"), Text("mon.hint.broken_link")
    if path.is_dir():
        return Text("mon.problem.a_directory"), Text("mon.hint.a_directory")
    if path.exists():
        return Text("mon.problem.not_regular"), Text("mon.hint.csv_or_xlsx")
    return Text("mon.problem.not_found"), Text("mon.hint.check_path")


def _directory_files(directory: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The monitoring files in a directory (table → path); two files for one table, or a name of
    a monitoring file that is not a regular file (a directory, a broken link), is a problem."""
    files, problems = {}, []
    for table in TABLE_NAMES:
        found = [directory / f"{table}{suffix}" for suffix in FILE_SUFFIXES]
        for odd in [p for p in found if not _is(Path.is_file, p) and _is(_present, p)]:
            problems.append(Problem(_display(odd), None, None, odd.name, *_not_a_file(odd)))
        found = [p for p in found if _is(Path.is_file, p)]
        if len(found) > 1:
            problems.append(
                Problem(
                    _display(directory),
                    None,
                    None,
                    ", ".join(p.name for p in found),
                    Text("mon.problem.two_files", first=found[0].name, second=found[1].name),
                    Text("mon.hint.keep_one_file"),
                )
            )
        elif found:
            files[table] = found[0]
    return files, problems


def _present(path: Path) -> bool:
    """Something stands under this name: a file, directory, link (broken or not)."""
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: say so rather than pass over it
    return True


def _expected_names() -> str:
    """realisations.csv / realisations.xlsx, agreement_status.csv / …"""
    return ", ".join(" / ".join(f"{t}{s}" for s in FILE_SUFFIXES) for t in TABLE_NAMES)


def _check_path(path: Path) -> list[_Checked]:
    path = Path(path)
    if not _is(Path.is_dir, path):
        return [_check_file(path)]
    files, problems = _directory_files(path)
    if not files and not problems:
        problems.append(
            Problem(
                _display(path),
                None,
                None,
                None,
                Text("mon.problem.no_monitoring_files"),
                Text("mon.hint.expected_files", names=_expected_names()),
            )
        )
    results = [_Checked(path, problems=problems)] if problems else []
    return results + [_check_file(file, table) for table, file in files.items()]


def validate_paths(paths) -> list[Problem]:
    """Every problem in the given files and directories (an empty list: all valid)."""
    return [
        problem
        for path in paths
        for checked in _check_path(Path(path))
        for problem in checked.listed()
    ]


class ProblemsError(UserError):
    """The problems found in the monitoring input, rendered in the reader's language when shown
    (`render(lang)`; str(): labels.user_lang()). `problems` as listed, `count` all that were found."""

    def __init__(self, problems: list[Problem], count: int):
        super().__init__(Text("mon.error.problems", n=count))
        self.problems, self.count = problems, count

    def render(self, lang: str = "nl") -> str:
        heading = t("mon.error.problems", lang, n=self.count)
        return heading + ":\n" + "\n".join(p.render(lang) for p in self.problems)

    def __str__(self) -> str:
        return self.render(user_lang())


def _raise_problems(problems: list[Problem], count: int | None = None) -> None:
    """Raise a ProblemsError listing the problems; `count` when more were found than listed."""
    if problems:
        raise ProblemsError(problems, count or len(problems))


def _load(path_or_dir, table: str) -> pd.DataFrame:
    path = Path(path_or_dir)
    if _is(Path.is_dir, path):
        files, problems = _directory_files(path)
        _raise_problems(problems)
        if table not in files:
            expected = " / ".join(f"{table}{s}" for s in FILE_SUFFIXES)
            raise UserError(Text("mon.error.no_table_file", path=_display(path), file=expected))
        path = files[table]
    checked = _check_file(path, table)
    _raise_problems(checked.listed(), checked.count)
    return checked.frame


def load_realisations(path_or_dir) -> pd.DataFrame:
    """Realisations from a file, or from realisations.csv/.xlsx in a directory; validated.

    Columns: year, indicator, party (<NA> = whole municipality), project, value, source, note,
    source_file, source_row. Raises UserError listing every problem.
    """
    return _load(path_or_dir, "realisations")


def load_agreement_status(path_or_dir) -> pd.DataFrame:
    """Agreement statuses from a file, or agreement_status.csv/.xlsx in a directory; validated."""
    return _load(path_or_dir, "agreement_status")


def load_category_overrides(path_or_dir) -> pd.DataFrame:
    """Categories set by hand, from a file or category_overrides.csv/.xlsx in a directory; validated.

    Columns: year, target_id, party (<NA> = the whole target), category, justification, source,
    source_file, source_row; for tracking.goal_tracking(..., overrides=...). A file without a
    filled-in row gives an empty table.
    """
    return _load(path_or_dir, "category_overrides")


def load_pipeline(path_or_dir) -> pd.DataFrame:
    """The project pipeline from a file, or pipeline.csv/.xlsx in a directory; validated.

    Columns: year, party (<NA> = another builder), project, segment, homes, stage,
    expected_delivery_year (<NA> for a dropped project), source, note, source_file, source_row.
    """
    return _load(path_or_dir, "pipeline")


def pipeline_of(directory) -> pd.DataFrame | None:
    """The pipeline of a monitoring directory, or None when it has no pipeline file."""
    files, problems = _directory_files(Path(directory))
    _raise_problems(problems)
    return _load(files["pipeline"], "pipeline") if "pipeline" in files else None


class Monitoring(NamedTuple):
    """The monitoring input of one directory; None for a table whose file is absent."""

    realisations: pd.DataFrame | None
    agreement_status: pd.DataFrame | None
    category_overrides: pd.DataFrame | None


NO_MONITORING = Monitoring(None, None, None)


def load_monitoring(directory) -> Monitoring:
    """(realisations, agreement_status, category_overrides) from a directory, each validated.

    None for a file that is absent. A pipeline file is checked too (`pipeline_of` reads it). Raises UserError listing every problem in every file.
    """
    directory = Path(directory)
    if not _is(Path.is_dir, directory):
        raise UserError(
            Text("mon.error.not_a_directory", path=_display(directory), names=_expected_names())
        )
    files, problems = _directory_files(directory)
    if not files and not problems:
        raise UserError(
            Text("mon.error.no_monitoring_files", path=_display(directory), names=_expected_names())
        )
    checked = {table: _check_file(path, table) for table, path in files.items()}
    _raise_problems(
        problems + [p for c in checked.values() for p in c.listed()],
        len(problems) + sum(c.count for c in checked.values()),
    )
    # every file is checked; the pipeline is read apart (pipeline_of), for the scenarios
    return Monitoring(*(checked[t].frame if t in checked else None for t in Monitoring._fields))


def frame_is_fictitious(frame: pd.DataFrame | None) -> bool:
    """True when monitoring data says it is the fictitious example ('voorbeeld, fictieve cijfers')."""
    if frame is None or "source" not in frame:
        return False
    return bool(frame["source"].str.contains("fictieve cijfers", case=False, regex=False).any())
