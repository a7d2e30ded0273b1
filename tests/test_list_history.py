"""Lists keep their past: three exports of a small Candidate List loaded one after the other, with an entry
added, one removed and one changed (name widened, a CAS number added, later its reason). Older versions
still hold the removed entry, `list-diff` and GraphQL `listChange` say what changed, and validation at a date
decides with the version in force on it (the day before and the day of a version)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.graph import queries as q
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_list
from complygraph.loaders.compositions import import_compositions

from .shacl_cases import hits
from .test_api import gql, serve
from .xlsx_dates import set_core_dates

SVHC = "eu-reach-svhc"
# the columns of ECHA's English xlsx export of the Candidate List, as data/echa/candidate_list_full.xlsx has them
HEADER = ["Substance name", "Description", "EC number", "CAS number", "Date of inclusion", "Reason for inclusion",
          "Decision", "Regulatory outcome", "Regulatory outcome date"]
REPRO = "Toxic for reproduction (Article 57c)"
A = ["Substance A", "-", "204-211-0", "117-81-7", "28-Oct-2008", REPRO, "", "", ""]
B = ["Substance B", "-", "201-622-7", "85-68-7", "28-Oct-2008", REPRO, "", "", ""]  # removed by the 2nd export
C1 = ["Substance C", "-", "216-036-7", "1478-61-1", "25-Jun-2025", REPRO, "", "", ""]
C2 = ["Substance C and its salts", "-", "216-036-7", "1478-61-1\n75768-65-9", "25-Jun-2025", REPRO, "", "", ""]
C3 = C2[:5] + [f"{REPRO}\nEndocrine disrupting properties (Article 57(f) - human health)"] + C2[6:]
D = ["Substance D", "-", "203-777-6", "110-54-3", "04-Feb-2026", "STOT RE (Article 57(f) - human health)", "", "", ""]
E = ["Substance E", "-", "284-366-9", "84852-53-9", "25-Jun-2026", "vPvB (Article 57e)", "", "", ""]
EXPORTS = {"v1": [A, B, C1], "v2": [A, C2, D], "v3": [A, C3, D, E]}
BBP, SALT, HEXANE = "85-68-7", "75768-65-9", "110-54-3"


def _export(path: Path, rows: list[list[str]], made: dt.date | None = None) -> Path:
    """An xlsx export made on `made`, by default the day after its newest entry (a reload dates what it removes by
    it when no newer entry does)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    made = made or max(dt.datetime.strptime(row[4], "%d-%b-%Y").date() for row in rows) + dt.timedelta(days=1)
    return set_core_dates(path, made)


def _parts(folder: Path) -> Path:
    """Three 1 g parts, each with 0.2 % of one substance: B's (removed), C's added salt, D's (added)."""
    folder.mkdir(parents=True)
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Test Supplier\n")
    rows = {"bbp-part": BBP, "salt-part": SALT, "hexane-part": HEXANE}
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit,declaration_date,packaging\n" + "".join(
        f"{p},part {p},S1,1000,mg,2025-01-01,no\n" for p in rows))
    (folder / "materials.csv").write_text("material_id,part_id,name,mass,mass_unit,category\n" + "".join(
        f"m-{p},{p},material {p},1000,mg,\n" for p in rows))
    (folder / "substances.csv").write_text("material_id,cas,amount,unit,intentional,exemption\n" + "".join(
        f"m-{p},{cas},2,mg,,\n" for p, cas in rows.items()))
    return folder


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    return {name: _export(folder / f"candidate-list-{name}.xlsx", rows) for name, rows in EXPORTS.items()}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, exports) -> str:
    """An on-disk store (the CLI opens it by path) with the three exports loaded in order, and the parts."""
    path = tmp_path_factory.mktemp("history") / "store"
    store = open_store(path)
    for name in ("v1", "v2", "v3"):
        load_list(store, SVHC, [exports[name]])
    import_compositions(store, _parts(path.parent / "data"))
    store.close()
    return str(path)


@pytest.fixture
def store(store_path):
    s = open_store(store_path)
    yield s
    s.close()


def _names(entries: dict[str, str]) -> set[str]:
    return set(entries.values())


def test_versions_count_the_entries_in_force_on_each_date(store):
    svhc = next(info for info in q.lists(store) if info.id == SVHC)
    assert svhc.versions == [("2026-06-25", 4), ("2026-02-04", 3), ("2025-06-25", 3), ("2008-10-28", 2)]


def test_an_older_version_still_holds_the_entry_a_later_export_removed(store):
    # each entry under the name it had then (C was renamed "Substance C and its salts" on 2026-02-04)
    assert _names(q.entries_as_of(store, SVHC, "2026-02-03")) == {"Substance A", "Substance B", "Substance C"}
    assert "Substance C and its salts" in _names(q.entries_as_of(store, SVHC, "2026-02-04"))
    assert "Substance B" not in _names(q.entries_as_of(store, SVHC, "2026-02-04"))
    assert "Substance B" in _names(q.entries_as_of(store, SVHC, "2008-10-28"))
    assert not q.entries_as_of(store, SVHC, "2008-10-27")
    # a diff between two versions before the removal sees it on both sides
    older = q.list_change(store, SVHC, "2008-10-28", "2025-06-25")
    assert _names(older.added) == {"Substance C"} and older.removed == {}
    # and it keeps its facts and where they came from (the first export, no longer loaded)
    rows = store.select("""
        SELECT ?removed ?cas ?file WHERE {
          ?entry cg:inList ?list ; cg:dateOfRemoval ?removed ; cg:concerns/cg:casNumber ?cas ;
                 prov:wasDerivedFrom/dct:title ?file }""", {"list": _list()})
    assert [(r["removed"].value, r["cas"].value, r["file"].value) for r in rows] == [
        ("2026-02-04", BBP, "candidate-list-v1.xlsx")]


def test_list_diff_reports_added_removed_and_changed_with_before_and_after(store_path):
    out = _diff(store_path, "2026-02-03", "2026-02-04")
    assert "added (1)\n  Substance D\n" in out
    assert "removed (1)\n  Substance B\n" in out
    assert "changed (1)\n  Substance C and its salts\n" in out
    assert "    name: Substance C -> Substance C and its salts\n" in out
    assert f"    substances: +{SALT}\n" in out
    assert "reasons" not in out  # changed by the third export, after this range


def test_list_diff_is_empty_the_day_before_and_the_day_after_a_version(store_path):
    for since, until in (("2026-02-02", "2026-02-03"), ("2026-02-04", "2026-02-05"), ("2026-06-25", "2026-12-31")):
        out = _diff(store_path, since, until)
        assert "added (0)" in out and "removed (0)" in out and "changed (0)" in out, (since, until)


def test_list_diff_over_two_versions_composes_the_changes(store_path):
    out = _diff(store_path, "2025-06-25", "2026-06-25")
    assert "added (2)" in out and "Substance D" in out and "Substance E" in out
    assert "removed (1)\n  Substance B\n" in out
    assert "    name: Substance C -> Substance C and its salts\n" in out
    assert "    reasons: +Endocrine disrupting properties (Article 57(f) - human health)\n" in out
    assert f"    substances: +{SALT}\n" in out
    # from the second version on, only the reason changed
    later = _diff(store_path, "2026-02-04", "2026-06-25")
    assert "name:" not in later and "substances:" not in later and "    reasons: +Endocrine" in later


def test_graphql_list_change_has_the_changed_entries_and_what_they_reach(store):
    gen = serve(store)
    url = next(gen)
    try:
        data = gql(url, """{ listChange(list: "eu-reach-svhc", from: "2026-02-03", to: "2026-02-04") {
            added { name } removed { name }
            changed { entry name changes { field before after added removed } }
            impacted { change entry part { id } substance { cas } } } }""")["data"]["listChange"]
    finally:
        next(gen, None)
    assert [a["name"] for a in data["added"]] == ["Substance D"]
    assert [r["name"] for r in data["removed"]] == ["Substance B"]
    [changed] = data["changed"]
    assert changed["name"] == "Substance C and its salts" and changed["entry"].endswith("/entry/cas-1478-61-1")
    changes = {c["field"]: c for c in changed["changes"]}
    assert set(changes) == {"name", "substances"}
    assert changes["name"] == {"field": "name", "before": "Substance C", "after": "Substance C and its salts",
                               "added": ["Substance C and its salts"], "removed": ["Substance C"]}
    assert changes["substances"] == {"field": "substances", "before": "1478-61-1", "after": f"1478-61-1; {SALT}",
                                     "added": [SALT], "removed": []}
    impacted = {(i["change"], i["part"]["id"], i["substance"]["cas"]) for i in data["impacted"]}
    assert impacted == {("added", "hexane-part", HEXANE), ("removed", "bbp-part", BBP),
                        ("changed", "salt-part", SALT)}


@pytest.mark.parametrize(("at", "flagged"), [("2008-10-28", True), ("2026-02-03", True), ("2026-02-04", False),
                                             ("2026-12-01", False)])
def test_validation_uses_the_version_in_force_at_the_date(store, at, flagged):
    report = validate(store, [SVHC], dt.date.fromisoformat(at))
    assert ("bbp-part" in hits(report, "ArticleThreshold")) is flagged


def test_reloading_an_export_changes_nothing_and_a_removal_alone_gets_a_version_of_its_own(tmp_path, exports):
    store = open_store(None)
    for name in ("v1", "v2", "v3"):
        load_list(store, SVHC, [exports[name]])
    count = store.count()
    load_list(store, SVHC, [exports["v3"]])
    assert store.count() == count, "the same export again must add no version, no change, no removal"
    # an export that only drops an entry: no inclusion date tells when, so from the date the export was made, and
    # never on or before the newest stored version or the stored export (v3, made 2026-06-26), which must not change
    load_list(store, SVHC, [_export(tmp_path / "v4.xlsx", [C3, D, E], dt.date(2026, 9, 1))])
    removed_on = "2026-09-01"
    svhc = next(info for info in q.lists(store) if info.id == SVHC)
    assert svhc.versions[:2] == [(removed_on, 3), ("2026-06-25", 4)]
    assert "Substance A" in _names(q.entries_as_of(store, SVHC, "2026-06-25"))
    assert _names(q.list_change(store, SVHC, "2026-06-25", removed_on).removed) == {"Substance A"}


def test_the_history_is_kept_alike_on_an_embedded_store_and_a_sparql_endpoint(any_store, exports):
    from complygraph.graph.entry_changes import changed_entries

    for name in ("v1", "v2"):
        load_list(any_store, SVHC, [exports[name]])
    assert "Substance B" in _names(q.entries_as_of(any_store, SVHC, "2026-02-03"))
    assert _names(q.list_change(any_store, SVHC, "2026-02-03", "2026-02-04").removed) == {"Substance B"}
    [changed] = changed_entries(any_store, SVHC, "2026-02-03", "2026-02-04")
    assert [(f.field, f.before, f.after) for f in changed.changes] == [
        ("name", ["Substance C"], ["Substance C and its salts"]), ("substances", ["1478-61-1"], ["1478-61-1", SALT])]


def _diff(store_path: str, since: str, until: str) -> str:
    result = CliRunner().invoke(app, ["list-diff", "--list", SVHC, "--from", since, "--to", until,
                                      "--store", store_path])
    assert result.exit_code == 0, result.output
    return result.output


def _list():
    from complygraph.vocab import list_iri

    return list_iri(SVHC)
