"""The shipped regulatory lists, read by the loaders from the real ECHA, EUR-Lex and e-Gov files."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from complygraph.graph import open_store
from complygraph.graph import queries as q
from complygraph.identifiers import normalise_cas
from complygraph.loaders.catalog import build_list, catalog, data_dir, load_list
from complygraph.loaders.errors import InputError

SVHC = "eu-reach-svhc"
XLSX = data_dir() / "echa/candidate_list_full.xlsx"
NL_CSV = data_dir() / "echa/candidate-list-of-svhc-for-authorisation-export.csv"


def _names(entries: dict[str, str]) -> set[str]:
    return set(entries.values())


def test_svhc_list_between_two_dates_differs_by_exactly_the_entries_included_in_between(reference_store):
    before = q.entries_as_of(reference_store, SVHC, "2025-06-25")
    after = q.entries_as_of(reference_store, SVHC, "2026-02-04")
    assert set(before) < set(after)
    added = _names({k: v for k, v in after.items() if k not in before})
    assert added == {
        "n-hexane",
        "1,1'-(ethane-1,2-diyl)bis[pentabromobenzene] (DBDPE)",
        "4,4'-[2,2,2-trifluoro-1-(trifluoromethyl)ethylidene]diphenol and its salts",
    }
    change = q.list_change(reference_store, SVHC, "2025-06-25", "2026-02-04")
    assert _names(change.added) == added and change.removed == {}


def test_svhc_versions_are_dated_by_inclusion_and_count_entries(reference_store):
    svhc = next(info for info in q.lists(reference_store) if info.id == SVHC)
    versions = dict(svhc.versions)
    assert versions["2026-02-04"] == 253
    assert versions["2025-11-05"] == 251
    assert versions["2025-06-25"] == 250
    assert versions["2008-10-28"] == 15  # the first Candidate List
    assert len(q.entries_as_of(reference_store, SVHC, "2026-02-04")) == 253


def test_group_entry_from_the_csv_export_knows_its_members(reference_store):
    rows = reference_store.select("""
        SELECT ?cas WHERE {
          ?entry cg:inList ?list ; rdfs:label ?name ; cg:concerns ?s .
          ?s cg:casNumber ?cas
        }""", {"list": _list(SVHC), "name": _en(
        "4,4'-[2,2,2-trifluoro-1-(trifluoromethyl)ethylidene]diphenol and its salts")})
    assert {"1478-61-1", "75768-65-9", "126049-00-1", "921213-47-0", "577705-90-9"} <= {r["cas"].value for r in rows}


def test_xlsx_and_dutch_csv_are_the_same_list(tmp_path):
    _, specs = catalog()
    from_xlsx = build_list(specs[SVHC], [XLSX])
    from_csv = build_list(specs[SVHC], [NL_CSV])
    both = build_list(specs[SVHC])
    assert len(from_xlsx.entries) == len(from_csv.entries) == len(both.entries) == 253
    dates_x = sorted(e.included for e in from_xlsx.entries.values())
    dates_c = sorted(e.included for e in from_csv.entries.values())
    assert dates_x[-3:] == dates_c[-3:] == [dt.date(2025, 11, 5), dt.date(2026, 2, 4), dt.date(2026, 2, 4)]


def test_dutch_month_names_are_parsed():
    from complygraph.dates import parse_date

    assert parse_date("01-mrt-2010") == dt.date(2010, 3, 1)
    assert parse_date("15-mei-2019") == dt.date(2019, 5, 15)
    assert parse_date("19-okt-2024") == dt.date(2024, 10, 19)
    assert parse_date("04-Feb-2026") == dt.date(2026, 2, 4)


def test_annex_xvii_has_every_entry_number_in_the_export(reference_store):
    rows = reference_store.select("""
        SELECT DISTINCT ?n WHERE { ?e cg:inList ?list ; cg:entryNumber ?n }""", {"list": _list("eu-reach-annex-xvii")})
    labels = {r["n"].value for r in rows}
    assert "18a" in labels  # lettered entries keep their letter
    numbers = {int(n.rstrip("abcdefgh")) for n in labels}
    assert {1, 3, 6, 16, 17, 23, 28, 46, 50, 51, 63, 68, 78, 82} <= numbers
    assert max(numbers) == 82


def test_pops_list_has_its_32_annex_i_entries(reference_store):
    # the export's 34 rows less PCDD/PCDF and PAHs, which are Annex III (release reduction) only
    assert len(q.entries_as_of(reference_store, "eu-pops", "2026-01-01")) == 32
    assert len(q.entries_as_of(reference_store, "eu-pops", "2025-01-01")) == 30  # before UV-328 and Dechlorane Plus


def test_rohs_annex_ii_limits_groups_and_dates(reference_store):
    rows = reference_store.select("""
        SELECT ?name ?limit ?from WHERE {
          ?r dct:isPartOf ?list ; cg:limitValue ?limit ; cg:effectiveFrom ?from ; cg:basis cg:HomogeneousMaterialBasis ;
             cg:concerns ?target .
          ?entry cg:inList ?list ; cg:concerns ?target ; rdfs:label ?name .
        }""", {"list": _list("eu-rohs-annex-ii")})
    limits = {r["name"].value: (r["limit"].value, r["from"].value) for r in rows}
    assert limits["Cadmium (Cd)"] == ("0.01", "2006-07-01")
    assert limits["Bis(2-ethylhexyl) phthalate (DEHP)"] == ("0.1", "2019-07-22")
    assert len(limits) == 10
    assert len(q.entries_as_of(reference_store, "eu-rohs-annex-ii", "2014-01-01")) == 6
    members = reference_store.select("""
        SELECT ?cas WHERE { ?g skos:prefLabel ?name ; cg:hasMember/cg:casNumber ?cas }""",
                                     {"name": _en("lead and its compounds")})
    assert {"7439-92-1", "7758-97-6", "1317-36-8"} <= {r["cas"].value for r in members}


def test_rohs_exemptions_are_tied_to_their_substance_groups(reference_store):
    rows = reference_store.select("""
        SELECT ?id ?code ?group WHERE { ?ex cg:exemptionUnder ?list ; cg:exemptionId ?id ; cg:exemptionCode ?code ;
                                          cg:concerns/skos:prefLabel ?group }""", {"list": _list("eu-rohs-annex-iii")})
    found = {r["id"].value: (r["code"].value, r["group"].value) for r in rows}
    assert found["6(c)"] == ("RoHS_0254", "lead and its compounds")
    assert found["8(b)"] == ("RoHS_0263", "cadmium and its compounds")
    annex_iii = {r["exemption"] for r in csv.DictReader(open(data_dir() / "eu-rohs/exemptions.csv", encoding="utf-8"))
                 if r["annex"] == "III"}
    loaded = reference_store.select("SELECT ?id WHERE { ?ex cg:exemptionUnder ?list ; cg:exemptionId ?id }",
                                    {"list": _list("eu-rohs-annex-iii")})
    assert {r["id"].value for r in loaded} == annex_iii and len(annex_iii) > 100


def test_cscl_class1_has_all_40_items_with_japanese_names_and_verified_cas(reference_store):
    rows = reference_store.select("""
        SELECT ?n ?ja WHERE { ?e cg:inList ?list ; cg:entryNumber ?n ; rdfs:label ?ja FILTER(lang(?ja) = "ja") }""",
                                  {"list": _list("jp-cscl-class1")})
    items = {int(r["n"].value): r["ja"].value for r in rows}
    assert sorted(items) == list(range(1, 41))
    assert items[1] == "ポリ塩化ビフェニル" and items[40] == "デクロランプラス"
    mapping = list(csv.DictReader(open(data_dir() / "jp-cscl/class1-cas-mapping.csv", encoding="utf-8")))
    for row in mapping:
        assert row["source"], row
        if row["cas_number"]:
            assert normalise_cas(row["cas_number"]) == row["cas_number"]
    partial = {r["cas_number"] for r in csv.DictReader(open(data_dir() / "jp-cscl/class1-cas-partial.csv"))}
    mapped = {r["cas_number"] for r in mapping}
    # 306-98-9 is in the partial file but is not the CAS number of any item of the order (see data/PROVENANCE.md)
    assert partial - mapped == {"306-98-9"}
    pcb = reference_store.select("""
        SELECT ?cas WHERE { ?e cg:inList ?list ; cg:entryNumber "1" ; cg:concerns/cg:casNumber ?cas }""",
                                 {"list": _list("jp-cscl-class1")})
    assert {r["cas"].value for r in pcb} == {"1336-36-3", "11097-69-1", "53469-21-9"}


def test_lists_record_their_source_files_with_provenance(reference_store):
    rows = reference_store.select("""
        SELECT ?title ?sha ?url WHERE { ?list prov:wasDerivedFrom ?src . ?src dct:title ?title ;
                                         dct:identifier ?sha ; dct:source ?url }""", {"list": _list(SVHC)})
    # the two exports, and the membership rules of its group entries (a companion, data/echa/svhc-membership-rules.ttl)
    assert {r["title"].value for r in rows} == {XLSX.name, NL_CSV.name, "svhc-membership-rules.ttl"}
    assert all(r["sha"].value.startswith("sha256:") for r in rows)


def _next_month_export(tmp_path: Path, new_row: list | None = None) -> Path:
    """A copy of the ECHA xlsx with one more row, as next month's export would have."""
    target = tmp_path / "candidate_list_next.xlsx"
    shutil.copy(XLSX, target)
    wb = openpyxl.load_workbook(target)
    ws = wb.worksheets[0]
    ws.insert_rows(2)
    for col, value in enumerate(new_row or ["Dechlorane Plus test substance", "-", "236-948-9", "13560-89-9",
                                            "25-Jun-2026", "vPvB (Article 57e)", "", "", ""], start=1):
        ws.cell(row=2, column=col, value=value)
    wb.save(target)
    return target


def test_loading_next_months_export_adds_a_version_and_replaces_the_previous_load(tmp_path):
    store = open_store(None)
    load_list(store, SVHC)
    first = store.count()
    load_list(store, SVHC)
    assert store.count() == first, "reloading the same export must not duplicate anything"
    load_list(store, SVHC, [_next_month_export(tmp_path), NL_CSV])
    svhc = next(info for info in q.lists(store) if info.id == SVHC)
    assert svhc.versions[0] == ("2026-06-25", 254)
    assert len(q.list_change(store, SVHC, "2026-02-04", "2026-06-25").added) == 1
    versions = store.select("SELECT (COUNT(?v) AS ?n) WHERE { ?v cg:versionOf ?list }", {"list": _list(SVHC)})
    assert int(versions[0]["n"].value) == len(svhc.versions)


def test_a_wrong_cas_check_digit_names_file_row_and_field_and_stores_nothing(tmp_path):
    store = open_store(None)
    load_list(store, SVHC)
    before = store.count()
    bad = _next_month_export(tmp_path, ["Typo substance", "-", "-", "13560-89-8", "25-Jun-2026", "PBT", "", "", ""])
    with pytest.raises(InputError) as info:
        load_list(store, SVHC, [bad])
    message = str(info.value)
    assert f"{bad}:2: cas: CAS number '13560-89-8' has check digit 8, expected 9" in message
    assert store.count() == before


def test_a_bad_date_is_reported_with_its_row(tmp_path):
    bad = _next_month_export(tmp_path, ["X", "-", "-", "50-00-0", "31-Foo-2026", "PBT", "", "", ""])
    _, specs = catalog()
    with pytest.raises(InputError, match=r":2: date: unknown month 'Foo'"):
        build_list(specs[SVHC], [bad])


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n")
    _, specs = catalog()
    with pytest.raises(InputError, match="no header row"):
        build_list(specs["eu-pops"], [other])


def _list(list_id: str):
    from complygraph.vocab import list_iri

    return list_iri(list_id)


def _en(text: str):
    from pyoxigraph import Literal

    return Literal(text, language="en")


def test_proposed_svhc_list_holds_only_open_identification_processes(reference_store):
    entries = q.entries_as_of(reference_store, "eu-reach-svhc-proposed", "2026-03-11")
    assert 0 < len(entries) < 50
    assert "resorcinol; 1,3-benzenediol" in entries.values()
