"""The curated agreement tables: schemas, provenance and cross-checks against the source text.

The printed annex figures are read straight from data/raw (the document's text layer), so the
curated CSVs are checked against the source, not against numbers copied into this test.
"""

import json
import re

import pandas as pd
import pytest

import afspraken_analysis as aa
from afspraken_analysis import document, schemas
from afspraken_analysis.data import read_table
from afspraken_analysis.errors import UserError
from afspraken_analysis.paths import table_file


def printed_row(label: str, first_line: int) -> list[int]:
    """Numbers printed on an annex line such as 'de Woonmensen 28 17 45 ...' (Dutch thousands dots)."""
    line = document.source_lines()[first_line - 1].replace("\t", " ")
    assert line.startswith(label), f"line {first_line} should start with {label!r}: {line!r}"
    rest = line[len(label) :].split()
    numbers = []
    for token in rest:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})*", token):
            break
        numbers.append(int(token.replace(".", "")))
    return numbers[:3]  # the year columns and the total; a project line may follow


def find_line(label: str, after: int) -> int:
    """First line number >= after that starts with label."""
    for number, line in enumerate(document.source_lines()[after - 1 :], start=after):
        if line.replace("\t", " ").startswith(label + " "):
            return number
    raise AssertionError(f"{label!r} not found after line {after}")


ANNEX2_START, ANNEX3_START, ANNEX4_START = 842, 877, 895


@pytest.mark.parametrize("name", aa.tables())
def test_every_table_loads_with_its_expected_row_count(name):
    df = aa.load(name)
    assert len(df) == schemas.TABLES[name].expected_rows
    assert list(df.columns) == list(schemas.TABLES[name].schema.columns)


def test_raw_document_checksum_and_origin_records_are_complete():
    assert document.verify_checksums() == []
    for record in document.origins():
        for field in (
            "path",
            "title",
            "producer",
            "what",
            "received_from",
            "accessed",
            "licence",
            "sha256",
        ):
            assert record.get(field), f"{record['path']}: origin record lacks {field}"


def test_agreements_per_theme():
    counts = aa.load("agreements").groupby("theme_id").size().to_dict()
    assert counts == {1: 9, 2: 13, 3: 9, 4: 5, 5: 12}
    ids = aa.load("agreements")["agreement_id"]
    assert ids.iloc[0] == "1.1" and ids.iloc[-1] == "5.12"


@pytest.mark.parametrize(
    "name,columns",
    [
        ("agreements", ["text", "parties_text", "initiators_text"]),
        ("long_term_agreements", ["text"]),
        ("targets", ["quote"]),
        ("new_builds_social", ["source_text"]),
        ("new_builds_mid_rent", ["source_text"]),
    ],
)
def test_every_text_is_found_in_the_source_at_its_lines(name, columns):
    for row in aa.load(name).itertuples():
        excerpt = document.source_excerpt(row.source_lines)
        for column in columns:
            value = getattr(row, column)
            assert document.normalise(value) in excerpt, f"{name} {row.Index} {column}: {value!r}"


def test_themes_vision_and_tasks_are_in_the_source():
    for row in aa.load("themes").itertuples():
        excerpt = document.source_excerpt(row.source_lines)
        assert row.vision_2030 in excerpt
        assert row.tasks and all(task in excerpt for task in row.tasks)


def test_long_term_agreements_per_theme():
    counts = aa.load("long_term_agreements").groupby("theme_id").size().to_dict()
    assert counts == {1: 13, 2: 5, 3: 9, 4: 6, 5: 8}


def test_parties_are_canonical_and_groups_resolve_to_members():
    agreements = aa.load("agreements")
    canonical = set(aa.load("parties")["party"])
    for column in ("parties", "initiators"):
        assert all(set(p) <= canonical and p for p in agreements[column])
    row = agreements.set_index("agreement_id").loc["2.12"]
    assert row["initiators"] == ["De Goede Woning", "de Woonmensen", "Mooiland", "Ons Huis"]
    assert set(agreements.set_index("agreement_id").loc["3.1", "parties"]) == set(
        schemas.CORPORATIONS
    )
    assert "de Woonmensen" in canonical and "De Woonmensen" not in canonical
    assert all(
        set(i) <= set(p)
        for i, p in zip(agreements["initiators"], agreements["parties"], strict=True)
    )
    # 1.4: parties name the four VSW-corporaties; "Gemeente en corporaties" initiate: the same four
    assert "Mooiland" not in agreements.set_index("agreement_id").loc["1.4", "initiators"]
    # 2.13 and 3.7: "huurdersorganisatie" beside Veluwonen is one unnamed organisation
    assert (
        "huurdersorganisatie van Veluwonen"
        in agreements.set_index("agreement_id").loc["2.13", "parties"]
    )
    assert "De Sleutel" not in agreements.set_index("agreement_id").loc["3.7", "parties"]


def test_new_builds_social_projects_add_up_to_printed_corporation_and_vsw_totals():
    plan = aa.load("new_builds_social")
    by_corp_year = plan.groupby(["corporation", "year"], observed=True)["homes"].sum()
    for corporation in ["de Woonmensen", "Veluwonen", "De Goede Woning", "Ons Huis"]:
        y2024, y2025, total = printed_row(corporation, find_line(corporation, ANNEX2_START))
        assert by_corp_year.get((corporation, 2024), 0) == y2024
        assert by_corp_year.get((corporation, 2025), 0) == y2025
        assert y2024 + y2025 == total
    y2024, y2025, total = printed_row("Totaal VSW", find_line("Totaal VSW", ANNEX2_START))
    assert (y2024, y2025, total) == (216, 176, 392)
    assert plan.groupby("year")["homes"].sum().to_dict() == {2024: y2024, 2025: y2025}


def test_dubbelbeek_flex_homes_stand_under_three_corporations():
    plan = aa.load("new_builds_social")
    dubbelbeek = plan[plan["project"] == "Dubbelbeek"]
    assert sorted(dubbelbeek["corporation"].astype(str)) == [
        "De Goede Woning",
        "Ons Huis",
        "de Woonmensen",
    ]
    assert set(dubbelbeek["homes"]) == {28}


def test_retrofits_add_up_to_printed_totals_and_agreement_3_1():
    retrofits = aa.load("retrofits_label_b")
    by_corp_year = retrofits.set_index(["corporation", "year"])["homes"]
    for corporation in schemas.CORPORATIONS:
        y2024, y2025, total = printed_row(corporation, find_line(corporation, ANNEX3_START))
        assert (by_corp_year[(corporation, 2024)], by_corp_year[(corporation, 2025)]) == (
            y2024,
            y2025,
        )
        assert y2024 + y2025 == total
    printed = printed_row("Totaal VSW", find_line("Totaal VSW", ANNEX3_START))
    assert printed == [1047, 2387, 3434]
    assert retrofits.groupby("year")["homes"].sum().tolist() == printed[:2]
    target = aa.load("targets").set_index("target_id").loc["retrofits_label_b_2024_2025"]
    assert target["qualifier"] == "ruim" and retrofits["homes"].sum() > target["value_low"]


def test_solar_panels_add_up_to_printed_totals_and_agreement_3_4():
    solar = aa.load("solar_panels")
    cumulative = solar.set_index(["corporation", "end_of_year"])["homes_cumulative"]
    for corporation in schemas.CORPORATIONS:
        printed = printed_row(corporation, find_line(corporation, ANNEX4_START))
        assert [cumulative[(corporation, y)] for y in (2023, 2024, 2025)] == printed
    totals = printed_row("Totaal VSW", find_line("Totaal VSW", ANNEX4_START))
    assert totals == [9121, 10424, 11915]
    assert solar.groupby("end_of_year")["homes_cumulative"].sum().tolist() == totals
    added = totals[2] - totals[0]
    target = aa.load("targets").set_index("target_id").loc["solar_panels_2024_2025"]
    assert (
        target["qualifier"] == "circa"
        and abs(added - target["value_low"]) / target["value_low"] < 0.01
    )


def test_solar_share_of_stock_is_missing_for_ons_huis_not_zero():
    solar = aa.load("solar_panels").set_index(["corporation", "end_of_year"])["share_of_stock_pct"]
    assert pd.isna(solar[("Ons Huis", 2025)])
    assert solar[("de Woonmensen", 2025)] == 64
    assert "--%" in document.source_lines()[find_line("Ons Huis", ANNEX4_START) - 1]


def test_mid_rent_plan_matches_agreement_1_2():
    mid_rent = aa.load("new_builds_mid_rent")
    target = aa.load("targets").set_index("target_id").loc["mid_rent_new_builds_2024_2025"]
    assert mid_rent["homes"].sum() == target["value_low"] == 7


def test_social_new_builds_total_matches_agreement_1_1():
    target = aa.load("targets").set_index("target_id").loc["social_new_builds_2024_2025"]
    assert aa.load("new_builds_social")["homes"].sum() == target["value_low"] == 392


def test_every_target_value_is_written_in_its_quote():
    for row in aa.load("targets").itertuples():
        if pd.notna(row.note) and row.note.startswith("Encoded as"):
            continue  # a norm turned into a number; the note states the method
        quote = row.quote.replace(".", "")
        for value in (row.value_low, row.value_high):
            if pd.notna(value) and value != 0:
                assert f"{value:g}" in quote.replace(",", "."), (
                    f"{row.target_id}: {value} not in quote"
                )


def test_targets_reference_existing_agreements_with_consistent_pages():
    targets = aa.load("targets")
    agreements = aa.load("agreements").set_index("agreement_id")
    long_term = set(aa.load("long_term_agreements")["long_term_id"])
    for row in targets.itertuples():
        if pd.notna(row.agreement_id):
            assert row.agreement_id in agreements.index
            page = agreements.loc[row.agreement_id, "source_page"]
            assert (pd.isna(page) and pd.isna(row.source_page)) or page == row.source_page
        if pd.notna(row.long_term_id):
            assert row.long_term_id in long_term
        has_value = pd.notna(row.value_low) or pd.notna(row.value_high)
        # a milestone (a state without a number) is tracked by status, every other target by value
        assert has_value == (row.basis != "milestone"), row.target_id


def test_target_encodings_follow_the_line_by_line_review():
    targets = aa.load("targets").set_index("target_id")
    ambition = targets.loc["social_rent_share_ambition"]  # 'groeit richting 30%': no date
    assert ambition["qualifier"] == "richting" and pd.isna(ambition["end_year"])
    assert pd.isna(ambition["value_high"])
    # one row per passage: the national task with a year, the parties' own without one
    national, own = targets.loc["homelessness_2030"], targets.loc["involuntary_homelessness"]
    assert (national["source_lines"], national["end_year"]) == ("666-668", 2030)
    assert pd.isna(national["qualifier"]) and pd.isna(national["long_term_id"])
    assert (own["source_lines"], own["long_term_id"]) == ("734-737", "5-06")
    assert own["qualifier"] == "zoveel mogelijk" and pd.isna(own["end_year"])
    sold = targets.loc["homes_sold_per_year"]  # a ceiling, 'ongeveer' tolerance on its side
    assert (sold["value_high"], sold["qualifier"]) == (10, "ongeveer") and pd.isna(
        sold["value_low"]
    )
    assert "ceiling" in caveats_text("qualifiers") and "10.5" in caveats_text("qualifiers")
    agreements = aa.load("agreements").set_index("agreement_id")["agreement_type"]
    assert agreements["2.12"] == agreements["2.13"] == "process"  # 'mogen verhogen': room
    milestones = targets[targets["basis"] == "milestone"]
    assert set(milestones.index) == {"allocation_60_20_20", "natural_gas_free_2050"}
    assert milestones["indicator"].isna().all() and milestones["unit"].isna().all()
    assert targets.loc["natural_gas_free_2050", "end_year"] == 2050


def caveats_text(caveat_id: str) -> str:
    from afspraken_analysis import caveats

    return caveats.caveats().set_index("caveat_id").loc[caveat_id, "text_en"]


def test_every_result_agreement_has_a_target():
    agreements = aa.load("agreements")
    with_target = set(aa.load("targets")["agreement_id"].dropna())
    results = set(agreements.loc[agreements["agreement_type"] == "result", "agreement_id"])
    assert results <= with_target


def test_types_are_categorical_and_nullable():
    plan = aa.load("new_builds_social")
    assert isinstance(plan["corporation"].dtype, pd.CategoricalDtype)
    assert str(plan["homes"].dtype) == "Int64"
    assert isinstance(aa.load("agreements")["parties"].iloc[0], list)


def edited_copy(tmp_path, name, edit):
    df = pd.read_csv(table_file(name), dtype=str, keep_default_na=False)
    edit(df)
    path = tmp_path / f"{name}.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "name,edit,expected",
    [
        (
            "retrofits_label_b",
            lambda df: df.loc.__setitem__((3, "homes"), "1.047"),
            "row 5, column 'homes'",
        ),
        (
            "retrofits_label_b",
            lambda df: df.loc.__setitem__((0, "homes"), "-5"),
            "row 2, column 'homes'",
        ),
        (
            "new_builds_social",
            lambda df: df.loc.__setitem__((2, "corporation"), "Goede Woning"),
            "row 4, column 'corporation'",
        ),
        (
            "solar_panels",
            lambda df: df.loc.__setitem__((1, "homes_cumulative"), ""),
            "row 3, column 'homes_cumulative'",
        ),
        (
            "agreements",
            lambda df: df.loc.__setitem__((0, "parties_text"), "De Goede Woningen"),
            "did you mean 'De Goede Woning'",
        ),
        (
            "targets",
            lambda df: df.loc.__setitem__((4, "qualifier"), "ongeveer ruim"),
            "row 6, column 'qualifier'",
        ),
        (
            "targets",
            lambda df: df.loc.__setitem__((17, "value_low"), "60"),
            "row 19: basis 'milestone' needs empty indicator, unit, value_low and value_high",
        ),
    ],
)
def test_a_wrongly_edited_file_names_file_row_and_column(tmp_path, name, edit, expected):
    path = edited_copy(tmp_path, name, edit)
    with pytest.raises(UserError) as info:
        read_table(schemas.TABLES[name], path)
    assert expected in str(info.value)
    assert path.name in str(info.value)


def test_duplicate_key_is_an_error(tmp_path):
    path = edited_copy(
        tmp_path, "retrofits_label_b", lambda df: df.loc.__setitem__((1, "year"), "2024")
    )
    with pytest.raises(UserError, match="retrofits_label_b.csv"):
        read_table(schemas.TABLES["retrofits_label_b"], path)


def test_export_writes_csvs_and_a_datapackage(tmp_path):
    written = aa.export(tmp_path)
    assert {p.name for p in written} == {f"{n}.csv" for n in aa.tables()} | {"datapackage.json"}
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [f"{n}.csv" for n in aa.tables()]
    for resource in package["resources"]:
        header = pd.read_csv(tmp_path / resource["path"], nrows=0).columns.tolist()
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert all(f["description"] for f in resource["schema"]["fields"])
    agreements = pd.read_csv(tmp_path / "agreements.csv", dtype=str)
    assert agreements.loc[0, "parties"] == "De Goede Woning; de Woonmensen; Ons Huis; Veluwonen"


def test_cli_data_list_and_export(tmp_path, capsys):
    from afspraken_analysis.cli import main

    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"agreements\s+48 rows", out) and re.search(r"targets\s+33 rows", out)
    assert main(["data", "export", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "datapackage.json").exists()


def test_committed_data_dictionary_is_up_to_date():
    from afspraken_analysis.data import data_dictionary
    from afspraken_analysis.paths import DOCS_DIR

    committed = (DOCS_DIR / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary() + "\n", (
        "run: uv run afspraken data dictionary --out docs/data-dictionary.md"
    )


def test_agreements_of_a_party_by_role_resolving_aliases_and_groups():
    initiates = aa.agreements_of("Mooiland", role="initiator")
    # 1.6 names Mooiland itself, 2.12 lists it among four; 'Corporaties' (2.3) covers all five
    assert {"1.6", "2.12", "2.3", "3.1"} <= set(initiates["agreement_id"])
    assert all("Mooiland" in names for names in initiates["initiators"])
    texts = aa.load("agreements").set_index("agreement_id")["initiators_text"]
    # every other row is left out; 1.4's 'corporaties' are the four VSW-corporaties it names
    others = texts.drop([*initiates["agreement_id"], "1.4"])
    assert not others.str.contains("Mooiland|orporaties").any()
    joins = aa.agreements_of("Mooiland")
    assert set(initiates["agreement_id"]) < set(joins["agreement_id"])  # joins more than it starts
    assert "1.4" not in set(joins["agreement_id"])  # 'VSW-corporaties': without Mooiland
    assert aa.agreements_of("Woonmensen").equals(aa.agreements_of("de Woonmensen"))  # an alias


def test_agreements_of_an_unknown_party_or_role_is_a_clear_error():
    with pytest.raises(UserError, match="did you mean 'Mooiland'"):
        aa.agreements_of("Moiland")
    with pytest.raises(UserError, match="choose one of: party, initiator"):
        aa.agreements_of("Mooiland", role="initiatief")


def test_the_readme_python_blocks_run_as_written(monkeypatch):
    from afspraken_analysis.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(ROOT)  # the example path in the README is relative to the checkout
    for block in blocks:
        scope: dict = {}
        exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - our own README
    assert len(scope["goals"]) > len(aa.load("targets"))  # per-corporation rows come on top
