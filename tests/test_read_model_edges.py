"""The read model at its edges (graph/read_model.py): data the loaders do not write but a store may hold, and
failures and races. Each case once gave an answer that differed from the store's own (a review, 2026-12-02);
the answer with the model must equal the answer without it."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from complygraph.graph import impact as imp
from complygraph.graph import open_store
from complygraph.graph import read_model as rm
from complygraph.graph.bom_index import bom_index
from complygraph.graph.store import StoreError
from complygraph.vocab import ID, RDF_TYPE, XSD, cg, dct, rdfs

D = NamedNode(XSD + "decimal")
SUB = NamedNode(f"{ID}substance/cas/84852-53-9")
P, M = NamedNode(f"{ID}part/P1"), NamedNode(f"{ID}material/M1")


def _d(v: str) -> Literal:
    return Literal(v, datatype=D)


def _part(occ=None, mass="1000") -> list[Triple]:
    occ = occ or NamedNode(f"{ID}occurrence/M1/1")
    return [Triple(P, dct.identifier, Literal("P1")), Triple(P, cg.massMg, _d(mass)), Triple(P, cg.hasMaterial, M),
            Triple(M, dct.identifier, Literal("M1")), Triple(M, cg.contains, occ), Triple(occ, cg.substance, SUB),
            Triple(occ, cg.concentrationPpm, _d("5000")), Triple(occ, cg.massMg, _d("1.5"))]


@contextmanager
def without_model(store):
    model, store.model = store.model, None
    try:
        yield store
    finally:
        store.model = model


def _used(store, threshold=None):
    return [(r.part_id, r.material_id, round(r.article_percent, 6), r.over_threshold, r.supplier_id,
             r.supplier_name) for r in imp.where_used(store, {SUB.value: ("changed", "x")}, threshold,
                                                      of_substances=True)]


def _both(store, threshold=None):
    with_model = _used(store, threshold)
    with without_model(store):
        assert _used(store, threshold) == with_model
    return with_model


def test_a_part_with_two_masses_takes_the_smaller_on_both_paths_so_a_limit_is_never_passed_by_the_choice():
    s = open_store(None)
    s.write(_part() + [Triple(P, cg.massMg, _d("500"))])
    # 1.5 mg over 1000 mg is 0.15 %, over 500 mg 0.3 %: over the 0.1 % either way, the larger share shown
    assert _both(s, Decimal("0.1")) == [("P1", "M1", 0.3, True, "", "")]


def test_a_blank_node_occurrence_is_reached_as_sparql_reaches_it():
    s = open_store(None)
    s.write(_part(occ=BlankNode("occ1")))
    assert _both(s) == [("P1", "M1", 0.15, None, "", "")]


def test_a_supplier_outside_the_company_namespace_is_named():
    s = open_store(None)
    acme = NamedNode("urn:x:acme")
    s.write(_part() + [Triple(P, cg.suppliedBy, acme), Triple(acme, dct.identifier, Literal("ACME")),
                       Triple(acme, rdfs.label, Literal("Acme Ltd"))])
    assert _both(s) == [("P1", "M1", 0.15, None, "ACME", "Acme Ltd")]


def test_an_xsd_int_quantity_and_its_xsd_integer_twin_are_one_bom_line():
    """Oxigraph keeps "2"^^xsd:int as xsd:integer: one triple, so one line in the BOM."""
    s = open_store(None)
    x, line = NamedNode(f"{ID}product/X"), NamedNode(f"{ID}bom/X/P1")
    s.write([Triple(x, RDF_TYPE, cg.Product), Triple(x, dct.identifier, Literal("X")),
             Triple(line, cg.parent, x), Triple(line, cg.child, P),
             Triple(line, cg.quantity, Literal("2", datatype=NamedNode(XSD + "int"))),
             Triple(line, cg.quantity, Literal("2", datatype=NamedNode(XSD + "integer")))])
    assert s.model.stamp() == s.revision()
    assert bom_index(s).children == {x.value: [(P.value, Decimal(2))]}


def test_a_failure_as_a_change_begins_leaves_the_writer_usable(monkeypatch):
    s = open_store(None)
    real = rm._stage_start

    def full(con):
        monkeypatch.setattr(rm, "_stage_start", real)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(rm, "_stage_start", full)
    s.write(_part())  # the write is stored; the model is left behind
    assert not s.model._writer.in_transaction and s.model.stamp() != s.revision()
    assert _both(s) == [("P1", "M1", 0.15, None, "", "")]  # rebuilt by the first reader
    s.write([Triple(NamedNode(f"{ID}part/P2"), dct.identifier, Literal("P2"))])
    assert s.model.stamp() == s.revision()  # and kept again from the next write on


def test_a_model_that_cannot_be_read_is_no_answer_the_store_answers(monkeypatch):
    s = open_store(None)
    s.write(_part())
    s.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")  # left behind: the reader rebuilds

    def broken(*a, **k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(rm.ReadModel, "rebuild", broken)
    assert _used(s) == [("P1", "M1", 0.15, None, "", "")]


def test_a_model_left_behind_does_not_make_readers_wait_for_a_running_write(tmp_path):
    s = open_store(str(tmp_path / "store"))
    s.write(_part())
    s.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")  # left behind
    started = threading.Event()

    def slow():
        started.set()
        for i in range(3):
            time.sleep(1)
            yield Triple(NamedNode(f"{ID}part/x{i}"), dct.identifier, Literal(f"x{i}"))

    writer = threading.Thread(target=lambda: s.write(slow()))
    writer.start()
    started.wait()
    t0 = time.perf_counter()
    assert _used(s) == [("P1", "M1", 0.15, None, "", "")]  # the store answers, the model is not rebuilt now
    waited = time.perf_counter() - t0
    writer.join()
    s.close()
    assert waited < 2.5, f"the reader waited {waited:.1f} s for the write"


def test_a_write_between_the_models_snapshot_and_the_entries_substances_is_answered_at_one_revision(monkeypatch):
    """The entries' substances are read from the store, the occurrences from the model's snapshot: a write in
    between (the entry now concerns S2, whose occurrence an earlier write added) must not give "not used"."""
    s = open_store(None)
    entry, s2 = NamedNode("urn:test:entry"), NamedNode(f"{ID}substance/cas/2-2-2")
    occ2 = NamedNode(f"{ID}occurrence/M1/2")
    s.write(_part() + [Triple(entry, cg.concerns, SUB)])
    real = imp.select_batched

    def racing(*a, **k):
        monkeypatch.setattr(imp, "select_batched", real)
        writes = threading.Thread(target=lambda: (
            s.write([Triple(M, cg.contains, occ2), Triple(occ2, cg.substance, s2),
                     Triple(occ2, cg.concentrationPpm, _d("1")), Triple(occ2, cg.massMg, _d("1"))]),
            s.update(f"DELETE DATA {{ {entry} cg:concerns {SUB} }} ; INSERT DATA {{ {entry} cg:concerns {s2} }}")))
        writes.start()
        writes.join()
        return real(*a, **k)

    monkeypatch.setattr(imp, "select_batched", racing)
    rows = imp.where_used(s, {entry.value: ("added", "entry")}, None)
    assert [(r.part_id, r.ppm) for r in rows] == [("P1", 1.0)]


def test_a_model_made_by_another_release_is_rebuilt(tmp_path):
    path = tmp_path / "store"
    s = open_store(str(path))
    s.write(_part())
    s.model._writer.execute("UPDATE meta SET value = 'other' WHERE key = 'format'")
    s.close()
    s = open_store(str(path))
    assert s.model.stamp() is None  # not at any revision: the first reader rebuilds it
    assert _both(s) == [("P1", "M1", 0.15, None, "", "")]
    s.close()


def test_touches_must_be_a_query():
    s = open_store(None)
    with pytest.raises(StoreError, match="touches"):
        s.write(_part(), replace="DELETE WHERE { ?s <urn:x:none> ?o }", touches=" ")
