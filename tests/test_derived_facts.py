"""The derived facts (graph/derived.py) on a store on disk are written step by step in bounded memory, with other
readers on the checkpoint; in memory (and on remote endpoints) by one update. Both give the same facts, and a
failure half-way through the steps leaves the store as it was.

Before: one SPARQL update held every derived fact of a 10^6-part store in one transaction (5 GB of memory and
growing, 8 minutes in, the first validation after an import)."""

from __future__ import annotations

import pytest

from complygraph.generate import generate
from complygraph.graph import derived, open_store
from complygraph.graph.live_writer import LiveWriter
from complygraph.graph.shacl.packs import default_packs, load_pack_data
from complygraph.graph.store import META_GRAPH
from complygraph.graph.turtle import load_ontology
from complygraph.loaders.compositions import import_compositions

PREDICATES = [*derived.DERIVED, "inBomCycle"]


def _derived(store) -> set[tuple[str, str, str]]:
    out = set()
    for p in PREDICATES:
        for r in store.select(f"SELECT ?s ?o WHERE {{ ?s cg:{p} ?o }}"):
            out.add((r["s"].value, p, str(r["o"])))
    return out


def _mark(store) -> str | None:
    rows = store.select(f"SELECT ?r WHERE {{ GRAPH <{META_GRAPH}> {{ <urn:complygraph:derived> cg:derivedAt ?r }} }}")
    return rows[0]["r"].value if rows else None


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("derived") / "data"
    generate(folder, products=6, parts=400, seed=3)
    return folder


def _store(path, data):
    store = open_store(path)
    load_ontology(store)
    load_pack_data(store, default_packs())
    import_compositions(store, data)
    return store


def test_the_stepwise_refresh_on_disk_gives_the_facts_of_the_single_update_in_memory(data, tmp_path):
    memory, disk = _store(None, data), _store(tmp_path / "store", data)
    try:
        assert derived.refresh(memory) and derived.refresh(disk)
        facts = _derived(memory)
        kinds = {p for _, p, _ in facts}
        assert {"inProductCategory", "partInProductCategory", "inMaterialClass"} <= kinds, kinds
        assert _derived(disk) == facts
        assert _mark(disk) == disk.revision() and not derived.refresh(disk), "fresh: nothing to do"
        # a product loses its category: the next refresh replaces the facts on both, the same way
        for s in (memory, disk):
            s.update("DELETE { ?p cg:eeeCategory ?c } WHERE { { SELECT ?p WHERE { ?p cg:eeeCategory ?x } "
                     "ORDER BY ?p LIMIT 1 } ?p cg:eeeCategory ?c }")
            assert derived.refresh(s)
        assert _derived(disk) == _derived(memory) != facts
        assert not (tmp_path / "store" / "complygraph-rollback").exists(), "the checkpoint is gone after the steps"
    finally:
        disk.close()


def test_a_failure_half_way_through_the_steps_leaves_the_store_as_it_was(data, tmp_path, monkeypatch):
    store = _store(tmp_path / "store", data)
    try:
        derived.refresh(store)
        before, mark, count = _derived(store), _mark(store), store.count()
        store.update("INSERT DATA { <urn:x> <urn:y> 1 }")  # a new revision: the facts must be derived again
        count += 1
        calls = []

        def fail_second(self, construct):
            calls.append(construct)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            return real(self, construct)

        real = LiveWriter.construct_into
        monkeypatch.setattr(LiveWriter, "construct_into", fail_second)
        with pytest.raises(RuntimeError, match="disk full"):
            derived.refresh(store)
        assert _derived(store) == before and _mark(store) == mark and store.count() == count
        monkeypatch.setattr(LiveWriter, "construct_into", real)
        assert derived.refresh(store) and _mark(store) == store.revision()
        assert _derived(store) == before  # the inserted triple changes no derived fact
    finally:
        store.close()


NESTED = """INSERT DATA {
  <urn:t:outer> a cg:Product ; cg:eeeCategory <urn:t:cat5> .
  <urn:t:inner> a cg:Product ; cg:eeeCategory <urn:t:cat3> .
  <urn:t:l1> cg:parent <urn:t:outer> ; cg:child <urn:t:inner> .
  <urn:t:l2> cg:parent <urn:t:inner> ; cg:child <urn:t:a> .
  <urn:t:l3> cg:parent <urn:t:a> ; cg:child <urn:t:b> .
  <urn:t:l4> cg:parent <urn:t:b> ; cg:child <urn:t:a> .
  <urn:t:l5> cg:parent <urn:t:b> ; cg:child <urn:t:inner> .
}"""


def test_a_product_inside_a_product_and_a_bom_cycle_give_the_same_categories_on_both_paths(tmp_path):
    """The in-memory walk of the on-disk path against the SPARQL path `(^cg:parent/cg:child)+`: the inner
    product gets the outer's category, and through the cycle b -> inner also its own; a and b get both."""
    memory, disk = open_store(None), open_store(tmp_path / "store")
    try:
        for s in (memory, disk):
            s.update(NESTED)
            derived.refresh(s)
        facts = {(s_, o.strip("<>")) for s_, p, o in _derived(memory) if p == "partInProductCategory"}
        assert facts == {("urn:t:inner", "urn:t:cat5"), ("urn:t:inner", "urn:t:cat3"), ("urn:t:a", "urn:t:cat5"),
                         ("urn:t:a", "urn:t:cat3"), ("urn:t:b", "urn:t:cat5"), ("urn:t:b", "urn:t:cat3")}
        assert _derived(disk) == _derived(memory)
    finally:
        disk.close()
