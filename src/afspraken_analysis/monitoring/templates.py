"""Ready-to-fill monitoring templates: XLSX with dropdowns and Dutch explanation sheets, and CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from afspraken_analysis import labels, tracking
from afspraken_analysis.data import load
from afspraken_analysis.errors import UserError
from afspraken_analysis.labels import Text
from afspraken_analysis.schemas import CORPORATIONS
from afspraken_analysis.spreadsheet import column_letter, neutralise, protect_workbook

from .readers import _display
from .tables import (
    FIRST_STATUS_YEAR,
    GEMEENTE,
    SEGMENTS,
    STAGES,
    STATUS_CODES,
    TABLE_NAMES,
    YEAR_MAX,
    YEAR_MIN,
    _agreement_ids,
    _planned_projects,
    _registry,
    _target_ids,
    _targets,
    input_columns,
    input_indicators,
    schema,
)

TEMPLATE_LAST_ROW = 1000  # dropdowns reach this row, so rows can be added below the pre-filled ones
_MEASURE_NL = {
    "flow": "stroom: aantal in het jaar",
    "stock": "stand op 31 december",
    "share": "aandeel in % (0-100)",
}
_LEVEL_NL = {
    "municipality": "hele gemeente (partij leeg)",
    "corporation": "per corporatie",
    "either": "per corporatie, gemeente of hele gemeente (partij leeg)",
}
_UNIT_NL = {
    "homes": "woningen",
    "pitches": "standplaatsen",
    "percent": "procent",
    "inhabitants": "inwoners",
    "TJ": "terajoule",
    "persons": "personen",
}
_NEED_NL = {
    "required": "ja",
    "column": "kolom ja, cel mag leeg",
    "optional": "nee (kolom mag ontbreken)",
}


def earlier_years(year: int) -> list[int]:
    """The years of the agreement period before `year` (2024 for 2025): a first report needs them."""
    first, last = tracking.AGREEMENT_PERIOD
    return [y for y in range(first, min(year, last + 1))]


def template_rows(table: str, year: int, earlier: bool = False) -> list[dict]:
    """The pre-filled rows of a template: what to fill in for `year`, value or status empty.

    `earlier`: realisations and statuses also for the earlier years of the agreement period,
    so that a first-time user fills in 2024 and 2025 together. category_overrides: one row per
    target, category and justification empty (a row left empty is no override).
    """
    if earlier and table in ("realisations", "agreement_status"):
        return [r for y in [*earlier_years(year), year] for r in template_rows(table, y)]
    if table == "agreement_status":
        return [{"year": year, "agreement_id": a} for a in _agreement_ids()]
    if table == "category_overrides":
        return [{"year": year, "target_id": t} for t in _target_ids()]
    if table == "pipeline":
        return _pipeline_rows(year)
    registry, plans, rows = _registry(), _planned_projects(), []
    for info in registry[registry["is_input"]].itertuples():
        level = info.party_level
        who = (
            [None]
            if level == "municipality"
            else [*CORPORATIONS] + ([None] if level == "either" else [])
        )
        for party in who:
            projects = plans.get(info.indicator, {}).get((party, year), [])
            for project in projects or [None]:
                rows.append(
                    {"year": year, "indicator": info.indicator, "party": party, "project": project}
                )
    return rows


def _pipeline_rows(year: int) -> list[dict]:
    """The projects of annexes 1 and 2 with their homes; stage and delivery year to fill in."""
    rows = []
    for table, segment in (
        ("new_builds_social", "sociale_huur"),
        ("new_builds_mid_rent", "middenhuur"),
    ):
        for plan in load(table).itertuples():
            rows.append(
                {
                    "year": year,
                    "party": str(plan.corporation),
                    "project": plan.project,
                    "segment": segment,
                    "homes": int(plan.homes),
                }
            )
    return rows


def write_templates(directory, year: int, force: bool = False, earlier: bool = False) -> list[Path]:
    """Ready-to-fill templates for `year`: XLSX in `directory`, CSV in `directory`/csv.

    `earlier`: rows for the earlier years of the agreement period too (see template_rows)."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise UserError(Text("mon.error.template_year", year=year, first=YEAR_MIN, last=YEAR_MAX))
    directory = Path(directory)
    paths = [directory / f"{t}.xlsx" for t in TABLE_NAMES] + [
        directory / "csv" / f"{t}.csv" for t in TABLE_NAMES
    ]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        files = ", ".join(map(_display, existing))
        raise UserError(Text("mon.error.templates_exist", files=files, n=len(existing)))
    (directory / "csv").mkdir(parents=True, exist_ok=True)
    for table in TABLE_NAMES:
        rows = template_rows(table, year, earlier)
        _write_xlsx_template(directory / f"{table}.xlsx", table, rows, year)
        _write_csv_template(directory / "csv" / f"{table}.csv", table, rows)
    return paths


def _write_csv_template(path: Path, table: str, rows: list[dict]) -> None:
    """Semicolon-separated UTF-8 with BOM: what Dutch Excel opens and saves as 'CSV UTF-8'.

    Text that Excel would run as a formula gets a leading apostrophe (`spreadsheet.RULE`).
    """
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(input_columns(table))
        for row in rows:
            cells = ["" if row.get(c) is None else row[c] for c in input_columns(table)]
            writer.writerow([neutralise(cell) for cell in cells])


_WIDTHS = {
    "indicator": 34,
    "party": 20,
    "project": 26,
    "source": 30,
    "note": 40,
    "explanation": 60,
    "target_id": 36,
    "category": 30,
    "justification": 60,
}


def _write_xlsx_template(path: Path, table: str, rows: list[dict], year: int) -> None:
    import openpyxl  # here, not at the top: reading monitoring files does not need it

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = table
    columns = list(input_columns(table))
    _write_table(sheet, columns, [[row.get(c) for c in columns] for row in rows])
    for name in columns:
        sheet.column_dimensions[_letter(columns, name)].width = _WIDTHS.get(name, 12)
    lists = workbook.create_sheet("lijsten")
    lists.sheet_state = "hidden"
    _add_year_validation(sheet, columns, YEAR_MIN if table == "realisations" else FIRST_STATUS_YEAR)
    if table == "realisations":
        _add_list(sheet, lists, 1, columns, "indicator", input_indicators())
        _add_list(sheet, lists, 2, columns, "party", [*CORPORATIONS, GEMEENTE])
        _add_value_validation(sheet, columns)
        _write_indicator_sheet(workbook.create_sheet("indicatoren"))
    elif table == "category_overrides":
        _add_list(sheet, lists, 1, columns, "target_id", list(_target_ids()))
        categories = [labels.t(f"category.{c}") for c in tracking.CATEGORIES]
        _add_list(sheet, lists, 2, columns, "category", categories)
        _add_list(sheet, lists, 3, columns, "party", list(CORPORATIONS))
        _write_target_sheet(workbook.create_sheet("doelen"))
    elif table == "pipeline":
        _add_list(sheet, lists, 1, columns, "party", [*CORPORATIONS, GEMEENTE])
        _add_list(sheet, lists, 2, columns, "segment", list(SEGMENTS))
        _add_list(sheet, lists, 3, columns, "stage", list(STAGES))
    else:
        _add_list(sheet, lists, 1, columns, "agreement_id", list(_agreement_ids()))
        statuses = [labels.t(f"status.{c}") for c in STATUS_CODES]
        _add_list(sheet, lists, 2, columns, "status", statuses)
        for row in range(2, TEMPLATE_LAST_ROW + 1):
            sheet.cell(row, columns.index("agreement_id") + 1).number_format = "@"
        _write_agreement_sheet(workbook.create_sheet("afspraken"))
    _write_explanation_sheet(workbook.create_sheet("toelichting", 1), table, year)
    protect_workbook(workbook)  # pre-filled texts starting with '=' would be formulas
    workbook.save(path)


def _letter(columns: list[str], name: str) -> str:
    return column_letter(columns.index(name) + 1)


def _header_style() -> tuple:
    """The header cells' font and fill: bold on light grey."""
    from openpyxl.styles import Font, PatternFill

    return Font(bold=True), PatternFill("solid", fgColor="DDDDDD")


def _write_table(sheet, header: list[str], rows: list[list]) -> None:
    font, fill = _header_style()
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = font, fill
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def _add_list(sheet, lists, index: int, columns: list[str], name: str, values: list[str]) -> None:
    """A dropdown on column `name`; its choices stand in column `index` of the sheet 'lijsten'."""
    from openpyxl.worksheet.datavalidation import DataValidation

    lists.cell(1, index, name)
    for i, value in enumerate(values, start=2):
        lists.cell(i, index, value)
    letter = column_letter(index)
    validation = DataValidation(
        type="list",
        formula1=f"lijsten!${letter}$2:${letter}${len(values) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Onbekende waarde",
        error="Kies een waarde uit de lijst (zie het tabblad 'toelichting').",
    )
    sheet.add_data_validation(validation)
    column = _letter(columns, name)
    validation.add(f"{column}2:{column}{TEMPLATE_LAST_ROW}")


def _add_year_validation(sheet, columns: list[str], first: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="whole",
        operator="between",
        formula1=str(first),
        formula2=str(YEAR_MAX),
        showErrorMessage=True,
        errorTitle="Jaar",
        error=f"Een jaar van vier cijfers, {first} tot en met {YEAR_MAX}.",
    )
    sheet.add_data_validation(validation)
    column = _letter(columns, "year")
    validation.add(f"{column}2:{column}{TEMPLATE_LAST_ROW}")


def _add_value_validation(sheet, columns: list[str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        showErrorMessage=True,
        errorTitle="Waarde",
        error="Een getal vanaf 0 (percentages 0 tot 100, zonder %-teken).",
    )
    sheet.add_data_validation(validation)
    column = _letter(columns, "value")
    validation.add(f"{column}2:{column}{TEMPLATE_LAST_ROW}")


def _write_explanation_sheet(sheet, table: str, year: int) -> None:
    """The sheet 'toelichting': each column explained in Dutch (from the schema), plus the rules."""
    from openpyxl.styles import Alignment, Font

    what, row, needed = _TEMPLATE_INTRO_NL[table]
    lines = [
        [f"Monitoring prestatieafspraken Apeldoorn 2024-2025: {what}, jaar {year}"],
        [
            f"Vul het tabblad '{table}' in: één rij per {row}. Rijen zonder {needed} tellen niet mee."
        ],
        [],
        ["kolom", "verplicht", "toelichting"],
    ]
    for name, column in schema(table).columns.items():
        need = column.metadata["input"]
        if need:
            lines.append([name, _NEED_NL[need], column.metadata["nl"]])
    lines.append([])
    if table == "category_overrides":
        lines.append(["voortgang", "code", "wanneer"])
        lines += [[labels.t(f"category.{c}"), c, _CATEGORY_WHEN_NL[c]] for c in tracking.CATEGORIES]
        lines += [[], *([rule] for rule in _OVERRIDE_RULES_NL)]
    elif table == "pipeline":
        lines.append(["fase", "code", "wanneer"])
        lines += [[labels.t(f"pipeline.stage.{c}"), c, _STAGE_WHEN_NL[c]] for c in STAGES]
        lines += [[], *([rule] for rule in _PIPELINE_RULES_NL)]
    elif table == "agreement_status":
        lines.append(["status", "code", "wanneer"])
        lines += [[labels.t(f"status.{c}"), c, _STATUS_WHEN_NL[c]] for c in STATUS_CODES]
        lines.append(
            [
                labels.t("status.no_information"),
                "",
                "Geen rij voor een afspraak: de monitor toont 'geen informatie'.",
            ]
        )
    else:
        lines += [[rule] for rule in _NUMBER_RULES_NL]
    lines += [[], ["Controleer het bestand met: afspraken validate <bestand>"]]
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=12)
    for cell in sheet[4]:
        cell.font = _header_style()[0]
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 22, 24
    sheet.column_dimensions["C"].width = 110
    for row in sheet.iter_rows(min_row=5):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")


_TEMPLATE_INTRO_NL = {
    "realisations": ("realisaties", "cijfer", "waarde"),
    "agreement_status": ("stand van zaken van de afspraken", "afspraak", "status"),
    "pipeline": ("projecten in de pijplijn", "project en segment", "fase"),
    "category_overrides": (
        "voortgang van doelen handmatig vaststellen",
        "doel waarvan je de voortgang zelf vaststelt",
        "voortgang en toelichting",
    ),
}

_STAGE_WHEN_NL = {
    "initiatief": "Een idee of locatie in beeld, nog geen plan of afspraak.",
    "plan": "Een uitgewerkt plan (bijv. intentie- of anterieure overeenkomst), nog geen vergunning.",
    "vergunning": "De omgevingsvergunning is verleend; de bouw is nog niet begonnen.",
    "in_aanbouw": "De bouw is begonnen.",
    "opgeleverd": "De woningen zijn opgeleverd; verwacht jaar = jaar van oplevering.",
    "vervallen": "Het project gaat niet door; jaar van oplevering leeg.",
}

_PIPELINE_RULES_NL = [
    "Eén rij per project en segment, met de fase eind van het jaar. De bijlage-projecten staan al "
    "klaar; voeg nieuwe projecten toe als rij eronder.",
    "Verwacht jaar van oplevering: na het monitoringsjaar voor een project dat nog niet is "
    "opgeleverd; bij opgeleverd het jaar van oplevering (niet later dan het monitoringsjaar).",
    "De prognose rekent per fase met een kans op oplevering en een gebruikelijke vertraging "
    "(data/pipeline_stages.csv); het rapport toont welke waarden het gebruikte.",
    "Een rij zonder fase, jaar van oplevering, bron en toelichting telt niet mee.",
]

_CATEGORY_WHEN_NL = {
    "achieved": "Het doel is gehaald.",
    "on_track": "Het tempo is voldoende om het doel op tijd te halen.",
    "acceleration_needed": "Er is voortgang, maar het tempo moet omhoog.",
    "limited_progress": "Er is weinig voortgang.",
    "deterioration": "De situatie gaat achteruit.",
    "no_data": "Er is geen betrouwbaar cijfer om de voortgang op te baseren.",
}

_OVERRIDE_RULES_NL = [
    "De monitor berekent de voortgang zelf uit de realisaties. Vul hier alleen iets in als je die "
    "berekende voortgang bewust vervangt, bijv. bij een procesafspraak zonder cijfer.",
    "Elke rij vraagt een toelichting; het rapport markeert de voortgang als 'handmatig' en toont "
    "de toelichting onder de tabel.",
    "Partij: alleen bij een doel dat per corporatie geldt (tabblad 'doelen'); leeg = het hele doel.",
    "Een rij zonder voortgang en toelichting telt niet mee. Geen handmatige voortgang? Laat het "
    "bestand leeg of weg.",
]

_STATUS_WHEN_NL = {
    "not_started": "Er is nog niets gebeurd.",
    "in_progress": "Partijen werken eraan, volgens planning.",
    "achieved": "De afspraak is nagekomen.",
    "delayed": "Loopt achter op de planning; toelichting verplicht.",
    "dropped": "Wordt niet meer uitgevoerd; toelichting verplicht.",
}

_NUMBER_RULES_NL = [
    "Getallen: aantallen zijn hele getallen vanaf 0; percentages 0 tot 100, zonder %-teken.",
    "In Excel (XLSX): typ getallen als getal, niet als tekst, en gebruik geen formules.",
    "CSV met puntkomma's (;): Nederlandse notatie, 1.047 of 1047 en 7,5.",
    "CSV met komma's (,): 1047 en 7.5; '1.047' is dan dubbelzinnig en wordt geweigerd.",
    "Partij leeg = de hele gemeente Apeldoorn. Nieuwbouw mag per project (kolom project).",
    "Cumulatieve cijfers (solar_panels_cumulative) dalen nooit.",
]


def _write_indicator_sheet(sheet) -> None:
    registry = _registry()
    rows = [
        [
            info.indicator,
            _UNIT_NL[info.unit],
            _MEASURE_NL[info.measure],
            _LEVEL_NL[info.party_level],
            "ja" if info.has_project_detail else "nee",
            info.definition_nl,
        ]
        for info in registry[registry["is_input"]].itertuples()
    ]
    _write_table(
        sheet, ["indicator", "eenheid", "soort", "partij", "per project", "definitie"], rows
    )
    for letter, width in zip("ABCDEF", (34, 14, 24, 34, 11, 110), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_target_sheet(sheet) -> None:
    from openpyxl.styles import Alignment

    rows = []
    for target in _targets().itertuples():
        members, per_party = tracking.target_parties(target)
        rows.append(
            [
                target.target_id,
                labels.t(f"report.target.{target.target_id}"),
                ", ".join(members),
                "ja" if per_party else "nee",
                target.quote,
            ]
        )
    _write_table(
        sheet, ["target_id", "doel", "partijen", "per partij", "tekst in de afspraken"], rows
    )
    for letter, width in zip("ABCDE", (36, 44, 40, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")


def _write_agreement_sheet(sheet) -> None:
    from openpyxl.styles import Alignment

    agreements = load("agreements")
    rows = [
        [
            a.agreement_id,
            int(a.theme_id),
            "resultaat" if a.agreement_type == "result" else "proces",
            a.text,
        ]
        for a in agreements.itertuples()
    ]
    _write_table(sheet, ["agreement_id", "thema", "soort", "afspraak"], rows)
    sheet.column_dimensions["D"].width = 110
    for row in sheet.iter_rows(min_row=2):
        row[0].number_format = "@"
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
