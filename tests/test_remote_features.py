"""The features built on the embedded store answer alike on every engine (`any_store`: embedded Oxigraph, an
Oxigraph server, Virtuoso 7.2 through graph/dialects.py): outstanding declarations and supplier requests
(graph/outstanding.py, graph/requests.py), BOM pages and the BOM index (graph/bom.py, graph/bom_index.py),
what list entries concerned on a date (graph/changes.py `entry_facts`) and the status roll-up (graph/status.py).

Each test builds the same small data on an in-memory embedded store (the reference) and on the engine, asks
both the same question and expects the same answer, and checks a few values by hand so that two empty answers
never pass.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode

from complygraph.graph.bom import bom_pages
from complygraph.graph.bom_index import bom_index
from complygraph.graph.changes import entry_facts, list_change_answer
from complygraph.graph.outstanding import outstanding
from complygraph.graph.requests import plan, record, requests_view, sent_requests
from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.loaders.catalog import load_list, load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub
from .test_list_history import EXPORTS, SVHC, _export

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
PB, DBDPE, SILICA = "7439-92-1", "84852-53-9", "7631-86-9"
ODD = "1234-56-6"  # a well-formed CAS number that no identity source and no list knows
CHANGE = dt.date(2026, 2, 4)  # the shipped Candidate List version adding n-hexane and Bisphenol AF
BEFORE, FRESH = dt.date(2025, 12, 1), dt.date(2026, 2, 10)
AT = dt.date(2026, 3, 1)
STATUS_AT = dt.date(2026, 11, 23)


def _part(pid: str) -> str:
    return f"{ID}part/{pid}"


def _product(pid: str) -> str:
    return f"{ID}product/{pid}"


def _clean(pid: str, declared: dt.date = FRESH) -> dict:
    p = part(pid, 1000, material(f"m-{pid.lower()}", 1000, sub(SILICA, 1000)))
    p["declaration_date"] = declared.isoformat()
    return p


def _parts() -> list[dict]:
    lead = part("LEAD", 1000, material("m-lead", 1000, sub(PB, 20), category="solder"))  # 2 % lead: RoHS
    svhc = part("SVHC", 1000, material("m-svhc", 1000, sub(DBDPE, 5), sub(SILICA, 995)))  # 0.5 % DBDPE
    odd = part("ODD", 1000, material("m-odd", 1000, sub(ODD, 10), sub(SILICA, 990)))
    lead["declaration_date"] = svhc["declaration_date"] = BEFORE.isoformat()  # before the list change
    odd["declaration_date"] = FRESH.isoformat()
    nodecl = _clean("NODECL")
    nodecl["declaration_date"] = ""
    return [lead, svhc, odd, nodecl] + [_clean(p) for p in
                                        ("ASM", "SUB1", "SUB2", "CABLE", "SCREW", "CYA", "CYB", "SELF", "FLAT")]


PRODUCTS = [product("TOP", "3", "ASM"), product("LOOP", "3", "CYA"), product("EMPTY", "3"),
            product("DUTY", "3", "SVHC", "FLAT"), product("UNDECLARED", "3", "NODECL", "ODD")]
# (parent kind, parent, child, quantity, unit) beyond the product lines `build` writes (quantity 1): SCREW is
# reached two ways (ASM -> SUB1 -> SCREW and ASM -> SUB2 -> SCREW), LEAD below SUB1, a cycle and a self-loop
LINES_ADDED = [("part", "ASM", "SUB1", "2", None), ("part", "ASM", "SUB2", "3", None),
               ("part", "ASM", "CABLE", "0.5", "m"), ("part", "SUB1", "LEAD", "4", None),
               ("part", "SUB1", "SCREW", "8", None), ("part", "SUB2", "SCREW", "2", None),
               ("part", "SUB2", "LEAD", "1", None),
               ("part", "CYA", "CYB", "1", None), ("part", "CYB", "CYA", "1", None),
               ("part", "SELF", "SELF", "1", None)]


def _lines() -> str:
    triples = []
    for kind, parent, child, qty, unit in LINES_ADDED:
        line = f"<{ID}bom/{parent}/{child}>"
        triples.append(f"{line} a cg:BomUsage ; cg:parent <{ID}{kind}/{parent}> ; cg:child <{ID}part/{child}> ; "
                       f"cg:quantity {qty} {'; cg:declaredUnit ' + repr(unit) if unit else ''} .")
    return "INSERT DATA { " + "\n".join(triples) + " }"


def _engine(request) -> str:
    return request.node.callspec.params["any_store"]


@pytest.fixture
def pair(any_store, tmp_path: Path):
    """(reference, engine): the same parts, products, BOM lines and lists on an in-memory embedded store and on
    the engine under test."""
    reference = build(tmp_path, _parts(), LISTS, products=PRODUCTS)
    load_reference(any_store, LISTS)
    import_compositions(any_store, tmp_path / "data")
    for store in (reference, any_store):
        store.update(_lines())
    assert any_store.count() == reference.count()
    return reference, any_store


def _by(rows, reason: str) -> dict:
    return {o.part.id: o for o in rows if o.reason.id == reason}


# --- outstanding declarations and requests ----------------------------------------------------------------------

def test_outstanding_declarations_are_the_same_on_every_engine_at_the_dates_around_a_list_change(pair):
    reference, engine = pair
    for at in (CHANGE - dt.timedelta(days=1), CHANGE, dt.date(2026, 3, 6), dt.date(2026, 3, 7)):
        for supplier in (None, "S1", "S9"):
            assert outstanding(engine, at, supplier) == outstanding(reference, at, supplier), (at, supplier)
    rows = outstanding(engine, AT)
    stale = _by(rows, "list-change")
    assert set(stale) == {"LEAD", "SVHC"}
    assert (stale["LEAD"].declared, stale["LEAD"].start, stale["LEAD"].due) == (BEFORE, CHANGE, dt.date(2026, 3, 6))
    assert any("n-hexane" in n for n in stale["LEAD"].changes[0].added)
    assert set(_by(rows, "no-declaration")) == {"NODECL"}
    [odd] = _by(rows, "unresolved-identity").values()
    assert odd.part.id == "ODD" and [cas for _, _, cas in odd.substances] == [ODD]
    assert not _by(outstanding(engine, CHANGE - dt.timedelta(days=1)), "list-change")  # not yet in force
    assert not outstanding(engine, AT, "S9")
    assert all(not o.overdue for o in stale.values())
    assert all(o.overdue for o in _by(outstanding(engine, dt.date(2026, 3, 7)), "list-change").values())


def test_missing_evidence_is_the_same_on_every_engine_the_day_a_certificate_gets_too_old(pair):
    reference, engine = pair
    cert = (f"INSERT DATA {{ <{ID}evidence/c1> a cg:CertificateOfNonUse ; cg:supports <{_part('LEAD')}> ; "
            'dct:date "2025-03-01"^^xsd:date }')
    for store in pair:
        store.update(cert)
    last_fresh = dt.date(2025, 3, 1) + dt.timedelta(days=365)
    for at in (last_fresh, last_fresh + dt.timedelta(days=1)):
        assert outstanding(engine, at, packs=["evidence"]) == outstanding(reference, at, packs=["evidence"])
    assert "LEAD" not in _by(outstanding(engine, last_fresh, packs=["evidence"]), "missing-evidence")
    lapsed = _by(outstanding(engine, last_fresh + dt.timedelta(days=1), packs=["evidence"]), "missing-evidence")
    assert lapsed["LEAD"].detail == "latest CertificateOfNonUse 2025-03-01, older than 365 days"
    assert len(lapsed) == len(_parts())


def test_requests_recorded_and_answered_are_the_same_on_every_engine(pair):
    reference, engine = pair
    for store in pair:
        record(store, plan([o for o in outstanding(store, AT) if o.reason.id == "list-change"], AT))
        # LEAD is declared again after the request was sent: its item closes; SVHC's stays open
        store.update(f'INSERT DATA {{ <{ID}declaration/again> cg:declares <{_part("LEAD")}> ; '
                     'dct:date "2026-03-04"^^xsd:date ; cg:declarationClass "survey" }')
    for at in (AT - dt.timedelta(days=1), AT, dt.date(2026, 3, 3), dt.date(2026, 3, 4)):
        for supplier in (None, "S1", "S9"):
            assert sent_requests(engine, at, supplier) == sent_requests(reference, at, supplier), (at, supplier)
    assert sent_requests(engine, AT - dt.timedelta(days=1)) == []  # sent on AT
    [req] = sent_requests(engine, dt.date(2026, 3, 4))
    assert (req.id, req.sent, req.supplier_id) == ("REQ-S1-20260301", AT, "S1")
    closed = {i.part_id: i.closed for i in req.items}
    assert closed == {"LEAD": True, "SVHC": False}
    assert [a.date for i in req.items for a in i.answers] == [dt.date(2026, 3, 4)]
    assert not next(iter(sent_requests(engine, dt.date(2026, 3, 3)))).items[0].closed  # the day before the answer
    answered = dt.date(2026, 3, 4)
    view = requests_view(engine, answered)
    assert view == requests_view(reference, answered)
    # LEAD's new declaration is after the change: only SVHC is outstanding, and its open request says so
    assert {o.part.id: o.requested for o in view.outstanding if o.reason.id == "list-change"} == {
        "SVHC": "REQ-S1-20260301"}


# --- BOM pages and the BOM index --------------------------------------------------------------------------------

def _walk(store, parents: list[str], size: int) -> dict[str, list[list]]:
    """Every page of every parent, following each page's last key."""
    out: dict[str, list[list]] = {p: [] for p in parents}
    for parent in parents:
        after = None
        while True:
            page = bom_pages(store, [parent], after, size)[parent]
            out[parent].append(page.lines)
            if not page.more:
                break
            after = page.lines[-1].key
    return out


def test_bom_pages_are_the_same_on_every_engine(pair):
    reference, engine = pair
    parents = [_product("TOP"), _part("ASM"), _part("SUB1"), _part("SUB2"), _part("FLAT"), _part("SELF"),
               _product("EMPTY"), _part("NOSUCH")]
    for size in (1, 2, 20):
        assert bom_pages(engine, parents, None, size) == bom_pages(reference, parents, None, size), size
        assert _walk(engine, parents, size) == _walk(reference, parents, size), size
    pages = bom_pages(engine, parents, None, 2)
    asm = pages[_part("ASM")]
    assert [(ln.part["id"], ln.quantity, ln.unit) for ln in asm.lines] == [("CABLE", "0.5", "m"), ("SUB1", "2", None)]
    assert asm.more and pages[_part("FLAT")].lines == [] and not pages[_part("NOSUCH")].more
    assert asm.lines[0].part == {"id": "CABLE", "name": "part CABLE", "mass": "1000", "supplier": f"{ID}supplier/S1"}
    [line] = bom_pages(engine, [_part("ASM")], asm.lines[-1].key, 2)[_part("ASM")].lines
    assert line.part["id"] == "SUB2"
    assert [ln.part["id"] for ln in pages[_part("SELF")].lines] == ["SELF"]


def test_the_bom_index_is_the_same_on_every_engine_and_read_again_after_a_write(pair):
    reference, engine = pair
    index, ref = bom_index(engine), bom_index(reference)
    assert index.children == ref.children and index.products == ref.products
    assert index.children[_part("ASM")] == [(_part("CABLE"), Decimal("0.5")), (_part("SUB1"), Decimal(2)),
                                            (_part("SUB2"), Decimal(3))]
    assert index.products[_product("TOP")] == ("TOP", "product TOP")
    every = [_part(p) for p in ("LEAD", "SCREW", "CYB", "SELF", "FLAT", "NODECL")]
    assert index.products_above(every) == ref.products_above(every)
    assert [pid for pid, _ in index.products_above([_part("CYB")])[_part("CYB")]] == ["LOOP"]
    assert index.products_above([_part("FLAT")])[_part("FLAT")] == [("DUTY", "product DUTY")]
    assert bom_index(engine) is index  # kept for its revision
    for store in pair:
        store.update(f"INSERT DATA {{ <{ID}bom/FLAT/SCREW> cg:parent <{_part('FLAT')}> ; "
                     f"cg:child <{_part('SCREW')}> }}")
    again = bom_index(engine)
    assert again is not index and again.children == bom_index(reference).children
    assert again.children[_part("FLAT")] == [(_part("SCREW"), Decimal(1))]  # no quantity counts 1


# --- what list entries concerned on a date ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("remote-exports")
    return {name: _export(folder / f"candidate-list-{name}.xlsx", rows) for name, rows in EXPORTS.items()}


def test_entry_facts_and_list_changes_are_the_same_on_every_engine(any_store, exports):
    from complygraph.graph import open_store

    reference = open_store(None)
    for store in (reference, any_store):
        for name in ("v1", "v2", "v3"):
            load_list(store, SVHC, [exports[name]])
    for since, until in (("2008-10-27", "2008-10-28"), ("2026-02-03", "2026-02-04"), ("2025-06-24", "2025-06-25"),
                         ("2026-06-24", "2026-06-25"), ("2008-10-28", "2026-06-25")):
        a, b = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
        got, want = list_change_answer(any_store, SVHC, a, b), list_change_answer(reference, SVHC, a, b)
        assert got.entries == want.entries, (since, until)
        assert (got.change, got.changed) == (want.change, want.changed), (since, until)
    entries = [r["e"].value for r in reference.select("SELECT DISTINCT ?e WHERE { ?e cg:inList ?l }")]
    assert len(entries) == 5
    for day in ("2008-10-27", "2008-10-28", "2026-02-03", "2026-02-04", "2026-06-24", "2026-06-25"):
        at = {e: day for e in entries}
        assert entry_facts(any_store, at) == entry_facts(reference, at), day
    # the widened entry: one substance the day before the export that added the salt, two on its day
    widened = {e: f for e, f in entry_facts(any_store, {e: "2026-02-03" for e in entries}).items()
               if any(s.cas == "1478-61-1" for s in f.substances)}
    [(entry, facts)] = widened.items()
    assert [s.cas for s in facts.substances] == ["1478-61-1"] and facts.date_of_inclusion == "2025-06-25"
    assert [s.cas for s in entry_facts(any_store, {entry: "2026-02-04"})[entry].substances] == [
        "1478-61-1", "75768-65-9"]


# --- the status roll-up -----------------------------------------------------------------------------------------

def _key(finding) -> tuple:
    """A result's key, with a blank node (a property path's) as a mark: its id differs in every report."""
    return tuple("_:" if isinstance(t, BNode) else t for t in finding.result.key())


def _statuses(store, packs: list[str]) -> tuple[dict, dict]:
    index = status_index(store, validate(store, packs, STATUS_AT))
    products = {}
    for product_iri in bom_index(store).products:
        for pack in packs:
            ps = index.product(product_iri, pack)
            products[(product_iri.rsplit("/", 1)[-1], pack)] = (
                ps.status, ps.parts, sorted((_key(f) for f in ps.findings), key=str),
                [(d.part, d.path, d.quantity, sorted((_key(f) for f in d.findings), key=str)) for d in ps.deciding])
    parts = {(k[0].rsplit("/", 1)[-1], k[1]): (ps.status, sorted((_key(f) for f in ps.findings), key=str))
             for k, ps in index.parts.items()}
    return products, parts


@pytest.mark.parametrize("packs", [["eu-reach-svhc", "data-quality"], ["eu-rohs", "data-quality"]])
def test_the_status_roll_up_is_the_same_on_every_engine(pair, request, packs):
    reference, engine = pair
    products, parts = _statuses(engine, packs)
    assert (products, parts) == _statuses(reference, packs)
    assert products[("UNDECLARED", "data-quality")][0] == "unknown"
    assert products[("EMPTY", packs[0])][:2] == ("compliant", 0)
    if packs[0] == "eu-reach-svhc":
        status, _, _, [deciding] = products[("DUTY", "eu-reach-svhc")]
        assert status == "obligations" and deciding[:3] == (_part("SVHC"), (_product("DUTY"), _part("SVHC")), 1)
    else:
        status, _, _, [deciding] = products[("TOP", "eu-rohs")]
        # LEAD below ASM twice: 2 x 4 through SUB1 and 3 x 1 through SUB2
        assert status == "non-compliant" and deciding[0] == _part("LEAD") and deciding[2] == Decimal(11)
        # two shortest paths: the one through the first child in IRI order, on every engine and storage
        assert deciding[1] == (_product("TOP"), _part("ASM"), _part("SUB1"), _part("LEAD"))
