"""Reading the cells of one row: the row's cell reader, and single cells into text, years,
numbers in their Dutch and English forms, parties and choices, with a hint for each problem."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from afspraken_analysis import parties, tracking
from afspraken_analysis.labels import Text
from afspraken_analysis.schemas import CORPORATIONS

from .readers import _FAILED, MAX_DIGITS, _Bad, _is_empty, _is_number
from .tables import FIRST_STATUS_YEAR, GEMEENTE, SEGMENTS, STAGES, STATUS_CODES, YEAR_MAX, YEAR_MIN

# ---------------------------------------------------------------------------------------------
# The cells of one row


class _CellReader:
    """Reads the cells of one row, reporting each problem with row, column and value."""

    def __init__(self, number: int, cells: dict, report):
        self.number, self.cells, self.report = number, cells, report
        self.bad: set[str] = set()

    def failed(self, column: str) -> bool:
        return column in self.bad

    def __call__(self, column: str, parse, required: bool = False):
        value = self.cells.get(column, "")
        if value is _FAILED:
            self.bad.add(column)
            return None
        if _is_empty(value):
            if required:
                self.report(
                    self.number,
                    column,
                    "",
                    Text("mon.problem.empty_required"),
                    _required_hint(column),
                )
                self.bad.add(column)
            return None
        try:
            return parse(value)
        except _Bad as bad:
            self.report(self.number, column, value, bad.message, bad.hint)
            self.bad.add(column)
            return None

    def check(self, column: str, check, *args) -> None:
        try:
            check(*args)
        except _Bad as bad:
            self.problem(column, bad.message, bad.hint)

    def problem(self, column: str, message: Text, hint: Text) -> None:
        self.report(self.number, column, self.cells.get(column, ""), message, hint)
        self.bad.add(column)


def _required_hint(column: str) -> Text:
    """What to put in an empty required cell of `column`."""
    choices = {
        "status": STATUS_CODES,
        "category": tracking.CATEGORIES,
        "segment": SEGMENTS,
        "stage": STAGES,
    }
    if column in choices:
        return Text(f"mon.hint.required.{column}", choices=", ".join(choices[column]))
    return Text(f"mon.hint.required.{column}")


# ---------------------------------------------------------------------------------------------
# Reading single cells: each returns the value or raises _Bad


def _text(value) -> str:
    if type(value) is str:  # a CSV cell, the most common case: first
        return value.strip()
    if isinstance(value, bool):
        raise _Bad(Text("mon.problem.bool_cell", value=str(value)), Text("mon.hint.type_text"))
    if isinstance(value, datetime | date | time):
        raise _Bad(Text("mon.problem.date_cell", value=str(value)), Text("mon.hint.format_text"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _year(value, first: int = YEAR_MIN) -> int:
    not_a_year = Text("mon.problem.not_a_year", value=repr(value))
    if isinstance(value, bool | datetime | date | time):
        raise _Bad(not_a_year, Text("mon.hint.year_digits"))
    if _is_number(value):
        if not float(value).is_integer():
            raise _Bad(not_a_year, Text("mon.hint.year_digits"))
        year = int(value)
    elif _foreign_digits(str(value)):
        digits = _foreign_digits(str(value))
        raise _Bad(Text("mon.problem.year_digits", value=value, digits=digits), _ASCII_DIGITS_HINT)
    elif re.fullmatch(r"[0-9]{4}", str(value)):
        year = int(value)
    else:
        hint = Text("mon.hint.year_digits")
        if re.fullmatch(r"[0-9][.,][0-9]{3}", str(value)):
            hint = Text("mon.hint.year_digits_no_separator")
        raise _Bad(not_a_year, hint)
    if not first <= year <= YEAR_MAX:
        hint = Text("mon.hint.year_range", first=first, last=YEAR_MAX)
        if first == FIRST_STATUS_YEAR:
            hint = Text("mon.hint.year_range_agreements", first=first, last=YEAR_MAX)
        raise _Bad(
            Text("mon.problem.year_out_of_range", year=year, first=first, last=YEAR_MAX), hint
        )
    return year


# [0-9], not \d: \d also matches other scripts' digits (٢٠٢٥, ３), which float() would accept
_DIGITS = re.compile(r"[0-9]+")
_DOT_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_COMMA_DECIMAL = re.compile(r"[0-9]+,[0-9]+")
_DUTCH_GROUPED = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+(,[0-9]+)?")  # 1.047 and 1.047,5
_ASCII_DIGITS_HINT = Text("mon.hint.ascii_digits")


def _foreign_digits(text: str) -> str:
    """The digits other than 0-9 in text, space-separated, or '' when there are none."""
    if text.isascii():  # the common case, at C speed
        return ""
    return " ".join(sorted({ch for ch in text if ch.isdigit() and not ch.isascii()}))


def _number(value, numbers: str) -> float:
    """A number as the file's convention writes it; anything ambiguous or unusual is rejected."""
    if isinstance(value, bool | datetime | date | time):
        raise _Bad(
            Text("mon.problem.not_a_number", value=repr(value)), Text("mon.hint.format_number")
        )
    if _is_number(value):
        return float(value)
    text = str(value).strip()
    if _foreign_digits(text):
        digits = _foreign_digits(text)
        raise _Bad(Text("mon.problem.number_digits", value=text, digits=digits), _ASCII_DIGITS_HINT)
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS:
        shown = text if len(text) <= 40 else text[:20] + "…" + text[-5:]
        raise _Bad(
            Text("mon.problem.too_many_digits", value=shown, digits=digits, max=MAX_DIGITS),
            Text("mon.hint.too_many_digits"),
        )
    negative = text[:1] in ("-", "−")
    number = _unsigned_number(text[1:] if negative else text, text, numbers)
    return -number if negative else number


def _unsigned_number(body: str, text: str, numbers: str) -> float:
    if _DIGITS.fullmatch(body):
        return float(body)
    if numbers == "nl":
        if _DUTCH_GROUPED.fullmatch(body) or _COMMA_DECIMAL.fullmatch(body):
            return float(body.replace(".", "").replace(",", "."))
        if _DOT_DECIMAL.fullmatch(body):
            raise _Bad(
                Text("mon.problem.decimal_point", value=text),
                Text("mon.hint.decimal_comma", suggestion=text.replace(".", ",")),
            )
    if numbers == "en":
        if _DUTCH_GROUPED.fullmatch(body) and "," not in body:
            raise _Bad(
                Text(
                    "mon.problem.ambiguous_thousands",
                    value=text,
                    grouped=body.replace(".", ""),
                    decimal=body,
                ),
                Text("mon.hint.comma_file_numbers_or_semicolons"),
            )
        if _DOT_DECIMAL.fullmatch(body):
            return float(body)
        if "," in body:
            raise _Bad(
                Text("mon.problem.has_comma", value=text), Text("mon.hint.comma_file_numbers")
            )
    if numbers == "xlsx":
        raise _Bad(Text("mon.problem.number_as_text", value=text), Text("mon.hint.number_cell"))
    raise _Bad(Text("mon.problem.not_a_number", value=repr(text)), _number_hint(text))


def _number_hint(text: str) -> Text:
    if "%" in text:
        return Text("mon.hint.percent_sign")
    if "€" in text:
        return Text("mon.hint.euro_sign")
    if re.search(r"[0-9]\s+[0-9]", text):
        return Text("mon.hint.no_spaces")
    return Text("mon.hint.only_number")


def _guess_then(guess: str | None, then: Text) -> Text:
    """'did you mean 'x'? ' before `then` when there is a guess."""
    return Text("mon.hint.did_you_mean_then", guess=guess, then=then) if guess else then


def _did_you_mean(guess: str | None, otherwise: Text) -> Text:
    return Text("mon.hint.did_you_mean", guess=guess) if guess else otherwise


def _canonical_party(text: str, otherwise: Text) -> str:
    """parties.canonical, its KeyError (English text) turned into a problem in the user's words."""
    try:
        return parties.canonical(text)
    except KeyError:
        guess = parties.suggest(text, set(parties.alias_map().values()))
        raise _Bad(
            Text("mon.problem.unknown_party", party=text), _did_you_mean(guess, otherwise)
        ) from None


def _party(value) -> str:
    name = _canonical_party(_text(value), Text("mon.hint.realisation_party_as_written"))
    if name != GEMEENTE and name not in CORPORATIONS:
        raise _Bad(
            Text("mon.problem.not_a_corporation", party=name),
            Text("mon.hint.realisation_parties"),
        )
    return name


def _choice(value, choices: tuple[str, ...], what: str) -> str:
    text = _text(value).lower().replace(" ", "_")
    if text in choices:
        return text
    guess = parties.suggest(text, list(choices))
    raise _Bad(
        Text(f"mon.problem.unknown_{what}", value=_text(value)),
        _guess_then(guess, Text("mon.hint.choose_one", choices=", ".join(choices))),
    )
