"""Outstanding declarations and requests to suppliers (issue 15 items 1 and 2): due dates at their edges, the
request policy as data, and the loop on generated data: a list change -> `requests` lists the stale parts of
two suppliers -> the Form 2-1 XLSX and the IPC-1752A request name them -> a filled form for one supplier
closes its request, the other's stays open."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.graph.outstanding import outstanding
from complygraph.graph.request_policy import PolicyError, load_policy, policy_path
from complygraph.graph.requests import requests_view
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.errors import InputError
from complygraph.loaders.survey import import_survey

CHANGE = dt.date(2026, 2, 4)  # the SVHC Candidate List version adding n-hexane and the Bisphenol AF group
BEFORE = dt.date(2025, 12, 1)  # declared after the 2025-11-05 version, before CHANGE
FRESH = dt.date(2026, 2, 10)
AT = dt.date(2026, 3, 1)
IPC = "{http://webstds.ipc.org/175x/2.0}"


def _cli(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """60 generated parts; the two suppliers with most parts declared before the list change, one part without
    a declaration, everything else declared after it."""
    root = tmp_path_factory.mktemp("requests")
    folder = root / "data"
    generate(folder, 1, 60, seed=7)
    with (folder / "parts.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    a, b = [s for s, _ in Counter(r["supplier_id"] for r in rows).most_common(2)]
    undeclared = next(r["part_id"] for r in rows if r["supplier_id"] not in (a, b))
    for r in rows:
        r["declaration_date"] = ("" if r["part_id"] == undeclared else
                                 BEFORE.isoformat() if r["supplier_id"] in (a, b) else FRESH.isoformat())
    with (folder / "parts.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return root, a, b, undeclared, {r["part_id"]: r["supplier_id"] for r in rows}


def _build(data, location: Path):
    s = open_store(str(location))
    import_compositions(s, data[0] / "data")
    load_reference(s, ["eu-reach-svhc"])
    return s


@pytest.fixture
def store(data, tmp_path):
    s = _build(data, tmp_path / "store")
    yield s
    s.close()


@pytest.fixture
def location(data, tmp_path) -> str:
    """A store on disk, closed, for the command line."""
    _build(data, tmp_path / "cli-store").close()
    return str(tmp_path / "cli-store")


def _by(rows, reason):
    return {o.part.id: o for o in rows if o.reason.id == reason}


def test_list_change_names_the_change_and_its_entries_and_is_due_30_days_later(data, store):
    _, a, b, _, supplier_of = data
    stale = _by(outstanding(store, AT), "list-change")
    assert set(stale) == {p for p, s in supplier_of.items() if s in (a, b)}
    o = next(iter(stale.values()))
    assert o.declared == BEFORE and o.start == CHANGE and o.due == dt.date(2026, 3, 6) and not o.overdue
    [change] = o.changes
    assert (change.list_id, change.date) == ("eu-reach-svhc", CHANGE)
    assert len(change.added) == 2 and any("n-hexane" in n for n in change.added)
    assert o.detail.startswith(f"declared {BEFORE}; eu-reach-svhc changed {CHANGE} (+2 entries: ")


@pytest.mark.parametrize(("at", "listed", "overdue"), [
    (CHANGE - dt.timedelta(days=1), False, False),  # the version is not in force yet
    (CHANGE, True, False),
    (dt.date(2026, 3, 6), True, False),  # exactly the due date: not overdue
    (dt.date(2026, 3, 7), True, True),  # the day after
])
def test_list_change_due_date_at_its_edges(store, at, listed, overdue):
    stale = _by(outstanding(store, at), "list-change")
    assert bool(stale) is listed
    assert all(o.overdue is overdue for o in stale.values())


def test_no_declaration_is_due_on_first_use(data, store):
    undeclared = data[3]
    today = dt.date.today()
    [o] = _by(outstanding(store, today), "no-declaration").values()
    assert (o.part.id, o.start, o.due, o.overdue) == (undeclared, today, today, False)  # first use: the import
    assert _by(outstanding(store, today + dt.timedelta(days=1)), "no-declaration")[undeclared].overdue
    store.update(f'INSERT DATA {{ <{o.part.iri}> cg:firstUseDate "2026-01-10"^^xsd:date }}')
    o = _by(outstanding(store, dt.date(2026, 1, 10)), "no-declaration")[undeclared]  # (parts declared later too)
    assert (o.start, o.due, o.overdue) == (dt.date(2026, 1, 10), dt.date(2026, 1, 10), False)
    assert _by(outstanding(store, dt.date(2026, 1, 11)), "no-declaration")[undeclared].overdue


def test_missing_evidence_only_with_the_evidence_pack_and_from_the_day_the_certificate_is_too_old(data, store):
    part = next(iter(data[4]))
    assert not _by(outstanding(store, AT), "missing-evidence")
    assert len(_by(outstanding(store, AT, packs=["evidence"]), "missing-evidence")) == len(data[4])
    store.update(f'INSERT DATA {{ <https://w3id.org/complygraph/id/evidence/c1> a cg:CertificateOfNonUse ; '
                 f'cg:supports <https://w3id.org/complygraph/id/part/{part}> ; dct:date "2025-03-01"^^xsd:date }}')
    last_fresh = dt.date(2025, 3, 1) + dt.timedelta(days=365)  # the shape's 365 days, read from the pack
    assert part not in _by(outstanding(store, last_fresh, packs=["evidence"]), "missing-evidence")
    o = _by(outstanding(store, last_fresh + dt.timedelta(days=1), packs=["evidence"]), "missing-evidence")[part]
    assert (o.start, o.due, o.overdue) == (last_fresh + dt.timedelta(days=1),) * 2 + (False,)
    assert o.detail == "latest CertificateOfNonUse 2025-03-01, older than 365 days"
    later = outstanding(store, last_fresh + dt.timedelta(days=2), packs=["evidence"])
    assert _by(later, "missing-evidence")[part].overdue


def test_due_periods_are_data(tmp_path):
    changed = tmp_path / "policy.ttl"
    changed.write_text(policy_path().read_text(encoding="utf-8").replace("cg:dueAfterDays 30 ;\n    # the lists",
                                                                         "cg:dueAfterDays 10 ;\n    # the lists"))
    assert load_policy(changed).reason("list-change").due_after_days == 10
    bad = tmp_path / "bad.ttl"
    bad.write_text(policy_path().read_text(encoding="utf-8").replace("cg:responseWithinDays 30",
                                                                     "cg:responseWithinDays -1"))
    with pytest.raises(PolicyError, match=r"bad\.ttl: .*Policy needs cg:responseWithinDays"):
        load_policy(bad)


def _fill(path: Path, present: str = "無") -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = next(i for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
                  if row[0] == "西芝手配コード／製品コード")
    for row in range(header + 1, ws.max_row + 1):
        ws.cell(row, 6, present)
    ws.cell(header + 1, 6, "有")  # one answer that says present, with where and how much
    ws.cell(header + 1, 7, 20)
    ws.cell(header + 1, 8, "plating")
    wb.save(path)


def test_the_loop_list_change_requests_forms_answers_close_one_request(data, store, tmp_path):
    _, a, b, _, supplier_of = data
    stale = {s: sorted(p for p, sup in supplier_of.items() if sup == s) for s in (a, b)}
    out = tmp_path / "out"
    view = requests_view(store, AT)
    assert {o.part.id for o in view.outstanding if o.reason.id == "list-change"} == set(stale[a] + stale[b])
    from complygraph.exports.request_forms import write_request_files
    from complygraph.graph.requests import plan, record

    planned = plan([o for o in view.outstanding if o.reason.id == "list-change"], AT)
    assert [r.supplier_id for r in planned] == sorted([a, b])
    files = {r.supplier_id: write_request_files(out, r, "Our Company", "OC-1") for r in planned}
    record(store, planned)

    for s in (a, b):
        form, xml = files[s][0], files[s][1]
        ws = openpyxl.load_workbook(form).active
        rows = list(ws.iter_rows(values_only=True))
        h = next(i for i, r in enumerate(rows) if r[0] == "西芝手配コード／製品コード")
        named = [r[0] for r in rows[h + 1:]]
        assert sorted(set(named)) == stale[s] and len(named) == 33 * len(stale[s])  # the form's 33 items each
        assert rows[h + 1][2:5] == ("A01", "アスベスト類", "意図的添加")
        doc = etree.parse(str(xml)).getroot()
        assert doc.tag == f"{IPC}MainDeclaration" and doc.get("version") == "2.0"
        req = doc.find(f"{IPC}BusinessInfo/{IPC}Request")
        assert (req.get("requestDate"), req.get("respondByDate")) == ("2026-03-01", "2026-03-31")
        assert doc.find(f"{IPC}BusinessInfo/{IPC}Response/{IPC}SupplyCompany/{IPC}CompanyID").get("identity") == s
        assert doc.find(f"{IPC}Include/{IPC}Sectional/{IPC}SubSectional").get("name") == "D"
        assert sorted(p.get("requesterItemNumber") for p in doc.iter(f"{IPC}ProductID")) == stale[s]

    # a request is not a declaration: `load` refuses it, naming the missing response date
    from complygraph.loaders.declarations import import_declarations

    with pytest.raises(InputError, match=r"BusinessInfo/Response@date"):
        import_declarations(store, [files[a][1]])
    # the form as sent is not an answer: refused whole, naming file, line and field
    with pytest.raises(InputError) as refused:
        import_survey(store, [files[a][0]], date=dt.date(2026, 3, 5))
    assert f"{files[a][0]}:10" in str(refused.value) and "present" in str(refused.value)

    # the answers come back as one batch: a's form filled in, b's returned as sent (not an answer); with
    # --skip-invalid (loaders/batch.py) a's is loaded and b's refused whole, with file, line and field
    from complygraph.loaders.batch import load_surveys

    _fill(files[a][0])
    batch = load_surveys(store, [files[a][0], files[b][0]], date=dt.date(2026, 3, 5), skip_invalid=True)
    assert batch.loaded == [str(files[a][0])] and batch.refused == [str(files[b][0])]
    assert {(p.file, p.line, p.field) for p in batch.problems} >= {(str(files[b][0]), 10, "present")}
    counts = batch.counts
    assert counts["surveys"] == len(stale[a]) and counts["answers"] == 33 * len(stale[a])

    before = {r.supplier_id: r for r in requests_view(store, dt.date(2026, 3, 4)).sent}
    assert not before[a].closed  # the answer is dated 2026-03-05: history as it stood the day before
    after = requests_view(store, dt.date(2026, 3, 5))
    sent = {r.supplier_id: r for r in after.sent}
    assert sent[a].closed and not sent[b].closed
    answer = sent[a].items[0].answers[0]
    assert (answer.date, answer.declaration_class, answer.declared_by) == (dt.date(2026, 3, 5), "survey", a)
    assert {o.part.id for o in after.outstanding if o.reason.id == "list-change"} == set(stale[b])
    assert all(o.requested == sent[b].id for o in after.outstanding if o.reason.id == "list-change")
    # the request's respond-by date at its edge
    assert not {r.supplier_id: r for r in requests_view(store, dt.date(2026, 3, 31)).sent}[b].overdue(
        dt.date(2026, 3, 31))
    assert sent[b].overdue(dt.date(2026, 4, 1))


def test_cli_requests_json_csv_and_out(data, location, tmp_path):
    _, a, b, undeclared, supplier_of = data
    doc = json.loads(_cli("requests", "--store", location, "--at", AT.isoformat(), "--supplier", a,
                          "--format", "json").stdout)
    assert {o["supplier_id"] for o in doc["outstanding"]} == {a} and doc["requests"] == []
    # besides the list change, a part holding a substance of no known formula (a polymer, carbon black) is
    # outstanding as unresolved-identity since the SVHC list has membership rules that need a formula
    assert {o["reason"] for o in doc["outstanding"]} <= {"list-change", "unresolved-identity"}
    assert all(o["due"] == "2026-03-06" for o in doc["outstanding"] if o["reason"] == "list-change")
    out = tmp_path / "out"
    result = _cli("requests", "--store", location, "--at", AT.isoformat(), "--out", str(out), "--format", "csv")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert {r["kind"] for r in rows} == {"outstanding", "request"}
    assert {r["request"] for r in rows if r["kind"] == "request"} == {
        f"REQ-{s}-20260301" for s in (a, b, supplier_of[undeclared])}  # the undeclared part's supplier too
    assert sorted(p.name for p in (out / a).iterdir()) == sorted(
        f"REQ-{a}-20260301-{n}" for n in ("form2-1.xlsx", "ipc1752a-request.xml", "summary.csv", "summary.xlsx"))
    text = _cli("requests", "--store", location, "--at", AT.isoformat()).stdout
    assert "┃" not in text and "│" not in text and "requests sent" in text
    result = CliRunner().invoke(app, ["requests", "--store", location, "--supplier", "NOPE"])
    assert result.exit_code == 2 and "no supplier 'NOPE'" in result.output
    result = CliRunner().invoke(app, ["requests", "--store", location, "--pack", "evidense"])
    assert result.exit_code == 2 and "unknown shape pack(s) ['evidense']" in result.output
    result = CliRunner().invoke(app, ["requests", "--store", location, "--at", "2026-02-30"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_graphql_outstanding_and_supplier_requests(data, store):
    from .test_api import gql, serve

    _, a, b, _, supplier_of = data
    from complygraph.graph.requests import plan, record

    record(store, plan([o for o in outstanding(store, AT) if o.part.supplier_id == a], AT))
    for server in serve(store):
        got = gql(server, """query($at: String) { outstanding(at: $at, overdueOnly: false, first: 100) {
            at total overdue items { supplier { id } part { id } reason dueDate overdue requested
                                     changes { list date added } } } }""", {"at": "2026-03-07"})
        assert "errors" not in got, got
        answer = got["data"]["outstanding"]
        stale = [i for i in answer["items"] if i["reason"] == "list-change"]
        assert {i["part"]["id"] for i in stale} == {p for p, s in supplier_of.items() if s in (a, b)}
        # due 2026-03-06; the undeclared part is due on its first use, the day it was imported (today)
        # parts holding a substance of no known formula are outstanding too (unresolved-identity: the SVHC list's
        # membership rules need a formula); they are in `items` (first: 100 covers them all)
        unresolved = [i for i in answer["items"] if i["reason"] == "unresolved-identity"]
        assert answer["overdue"] == len(stale) + sum(i["overdue"] for i in unresolved)
        assert answer["total"] == len(stale) + 1 + len(unresolved) == len(answer["items"])
        assert all(i["dueDate"] == "2026-03-06" and i["changes"][0]["date"] == "2026-02-04" for i in stale)
        assert {i["requested"] for i in stale if i["supplier"]["id"] == a} == {f"REQ-{a}-20260301"}
        got = gql(server, """query($id: ID!) { supplier(id: $id) { requests(at: "2026-03-01") {
            outstanding { part { id } }
            sent { id sentOn respondBy closed overdue items { part { id } closed } } } } }""",
                  {"id": a})
        assert "errors" not in got, got
        [sent] = got["data"]["supplier"]["requests"]["sent"]
        assert (sent["id"], sent["respondBy"], sent["closed"], sent["overdue"]) == (
            f"REQ-{a}-20260301", "2026-03-31", False, False)
        bad = gql(server, '{ outstanding(at: "2026-13-01") { total } }')
        assert "not a date" in bad["errors"][0]["message"]


def test_the_english_form_reads_back_too(data, store, tmp_path):
    from complygraph.exports.request_forms import write_form21
    from complygraph.graph.requests import plan

    [req] = plan([o for o in outstanding(store, AT) if o.part.supplier_id == data[1]][:1], AT)
    path = write_form21(tmp_path / "form.xlsx", req, "en")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows, start=1) if r[0] == "Nishishiba part number")
    assert rows[h][3] == "Asbestos" and rows[h + 2][4] == "100 ppm or intentional addition"  # A01, A03
    for row in range(h + 1, ws.max_row + 1):
        ws.cell(row, 6, "no")
    wb.save(path)
    assert import_survey(store, [path], date=dt.date(2026, 3, 2))["answers"] == 33


def test_first_use_comes_from_the_import_format_and_a_different_one_is_a_conflict(tmp_path):
    """A part's `first_use` column (docs/import-format.md) is when a missing declaration is due; re-importing
    the part with another first use is refused naming both dates, as any other one-valued fact."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Supplier One\n")

    def parts(first_use: str) -> None:
        (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit,first_use\n"
                                          f"NEW-1,new part,S1,10,mg,{first_use}\n")

    parts("2026-04-01")
    store = open_store(None)
    load_reference(store, ["eu-reach-svhc"])
    import_compositions(store, folder)
    at_due = _by(outstanding(store, dt.date(2026, 4, 1)), "no-declaration")["NEW-1"]
    assert (at_due.start, at_due.due, at_due.overdue) == (dt.date(2026, 4, 1), dt.date(2026, 4, 1), False)
    assert _by(outstanding(store, dt.date(2026, 4, 2)), "no-declaration")["NEW-1"].overdue
    import_compositions(store, folder)  # the same again: no conflict
    parts("2026-05-01")
    with pytest.raises(InputError, match="2026-04-01") as refused:
        import_compositions(store, folder)
    assert "2026-05-01" in str(refused.value) and "first_use" in str(refused.value)
    parts("2026-02-30")
    with pytest.raises(InputError, match="first_use"):
        import_compositions(open_store(None), folder)


def test_a_declaration_made_after_the_as_of_date_does_not_count_then(tmp_path):
    """Regression (review): `requests --at` a past date counted a declaration made later, so a part nobody had
    declared at that date was not listed. Declared on 2026-06-16, in use since 2024-01-01: outstanding and
    overdue on 2026-06-15, answered on 2026-06-16."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Supplier One\n")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit,first_use,declaration_date\n"
                                      "LATE-1,late part,S1,10,mg,2024-01-01,2026-06-16\n")
    store = open_store(None)
    load_reference(store, ["eu-reach-svhc"])
    import_compositions(store, folder)
    before = _by(outstanding(store, dt.date(2026, 6, 15)), "no-declaration")["LATE-1"]
    assert (before.due, before.overdue) == (dt.date(2024, 1, 1), True)
    assert "LATE-1" not in _by(outstanding(store, dt.date(2026, 6, 16)), "no-declaration")


def test_request_files_stay_in_the_folder_whatever_the_supplier_id(tmp_path):
    """Regression (review): a supplier id such as `A/../../../escaped` (imports accept it) put the request
    files outside `--out`: the request id, which holds the supplier id, was used as a file name as it was."""
    from complygraph.exports.request_forms import write_request_files
    from complygraph.graph.requests import RequestItem, SentRequest

    sid = "A/../../../escaped"
    request = SentRequest(iri="urn:x:req", id=f"REQ-{sid}-20260301", supplier_iri="urn:x:s", supplier_id=sid,
                          supplier_name="Escaping Supplier", sent=dt.date(2026, 3, 1), due=dt.date(2026, 3, 31),
                          items=[RequestItem(part_iri="urn:x:p", part_id="P1", part_name="part one",
                                             reason="no-declaration", detail="no declaration", due=None)])
    for supplier in (sid, "..", "."):
        request.supplier_id = supplier
        out = tmp_path / supplier.replace("/", "_") / "out"
        written = write_request_files(out, request, "Our Company", "OC-1")
        assert len(written) == 4
        for path in written:
            assert path.resolve().is_relative_to(out.resolve()), path
            assert path.is_file()
