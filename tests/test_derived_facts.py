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


# a product loses its category (its number and its EEE scope, as the import writes both)
DROP_CATEGORY = ("DELETE { ?p cg:eeeCategory ?c ; cg:eeeScope ?s } WHERE { { SELECT ?p WHERE { ?p cg:eeeScope ?x } "
                 "ORDER BY ?p LIMIT 1 } ?p cg:eeeScope ?s OPTIONAL { ?p cg:eeeCategory ?c } }")


def test_the_stepwise_refresh_on_disk_gives_the_facts_of_the_single_update_in_memory(data, tmp_path):
    memory, disk = _store(None, data), _store(tmp_path / "store", data)
    try:
        assert derived.refresh(memory) and derived.refresh(disk)
        facts = _derived(memory)
        kinds = {p for _, p, _ in facts}
        assert {"inProductScope", "partInProductScope", "inMaterialClass"} <= kinds, kinds
        assert _derived(disk) == facts
        assert _mark(disk) == f"{disk.revision()} {derived.LAYOUT}"
        assert not derived.refresh(disk), "fresh: nothing to do"
        # a product loses its category: the next refresh replaces the facts on both, the same way
        for s in (memory, disk):
            s.update(DROP_CATEGORY)
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
        # a product loses its category: the first two steps then delete and add facts before the third fails
        store.update(DROP_CATEGORY)
        count = store.count()
        calls = []

        def fail_third(self, predicates, triples):
            calls.append(real(self, predicates, triples) if len(calls) < 2 else None)
            if len(calls) == 3:
                raise RuntimeError("disk full")
            return calls[-1]

        real = LiveWriter.replace
        monkeypatch.setattr(LiveWriter, "replace", fail_third)
        with pytest.raises(RuntimeError, match="disk full"):
            derived.refresh(store)
        assert all(added + removed for added, removed in calls[:2]), f"the steps before the failure wrote: {calls}"
        assert _derived(store) == before and _mark(store) == mark and store.count() == count
        monkeypatch.setattr(LiveWriter, "replace", real)
        assert derived.refresh(store) and _mark(store) == f"{store.revision()} {derived.LAYOUT}"
        assert _derived(store) != before
    finally:
        store.close()


NESTED = """INSERT DATA {
  <urn:t:outer> a cg:Product ; cg:eeeScope <urn:t:cat5> .
  <urn:t:inner> a cg:Product ; cg:eeeScope <urn:t:cat3> .
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
        facts = {(s_, o.strip("<>")) for s_, p, o in _derived(memory) if p == "partInProductScope"}
        assert facts == {("urn:t:inner", "urn:t:cat5"), ("urn:t:inner", "urn:t:cat3"), ("urn:t:a", "urn:t:cat5"),
                         ("urn:t:a", "urn:t:cat3"), ("urn:t:b", "urn:t:cat5"), ("urn:t:b", "urn:t:cat3")}
        assert _derived(disk) == _derived(memory)
    finally:
        disk.close()


def _counting(monkeypatch) -> list[tuple[int, int]]:
    """(added, removed) of every step of the next refreshes."""
    written: list[tuple[int, int]] = []
    real = LiveWriter.replace

    def counted(self, predicates, triples):
        written.append(real(self, predicates, triples))
        return written[-1]

    monkeypatch.setattr(LiveWriter, "replace", counted)
    return written


def test_a_refresh_after_a_write_that_changes_no_derived_fact_writes_none(data, tmp_path, monkeypatch):
    """Each step writes only the facts that changed. Before, every refresh deleted and wrote every derived fact
    again: 57 s of deletes alone at 10^6 parts, for a validation after an import of one part."""
    store = _store(tmp_path / "store", data)
    try:
        derived.refresh(store)
        before = _derived(store)
        written = _counting(monkeypatch)
        store.update("INSERT DATA { <urn:x> <urn:y> 1 }")
        assert derived.refresh(store)
        assert written and all(w == (0, 0) for w in written), written
        assert _derived(store) == before
        # a leaf part leaves its BOM lines: only its facts (and its materials') change
        part = store.select("SELECT ?c WHERE { ?l cg:child ?c . ?c cg:hasMaterial ?m "
                            "FILTER NOT EXISTS { ?below cg:parent ?c } } ORDER BY ?c LIMIT 1")[0]["c"]
        store.update(f"DELETE WHERE {{ ?l cg:child {part} ; ?p ?o }}")
        written.clear()
        assert derived.refresh(store)
        assert 0 < sum(a + r for a, r in written) < 20, written
        memory = _store(None, data)
        memory.update(f"DELETE WHERE {{ ?l cg:child {part} ; ?p ?o }}")
        derived.refresh(memory)
        assert _derived(store) == _derived(memory)
    finally:
        store.close()


def test_facts_of_a_blank_node_part_are_deleted_when_they_no_longer_hold(tmp_path, monkeypatch):
    """SPARQL's DELETE DATA takes no blank nodes: the facts of a blank-node part are removed one by one."""
    store = open_store(tmp_path / "store")
    try:
        store.update("INSERT DATA { <urn:t:p> a cg:Product ; cg:eeeScope <urn:t:cat3> . "
                     "<urn:t:l> cg:parent <urn:t:p> ; cg:child _:part . _:part cg:hasMaterial <urn:t:m> . "
                     "<urn:t:m> a cg:HomogeneousMaterial }")
        derived.refresh(store)
        assert [p for _, p, _ in _derived(store) if p == "partInProductScope"] == ["partInProductScope"]
        store.update("DELETE WHERE { <urn:t:p> cg:eeeScope ?c }")
        derived.refresh(store)
        assert [p for _, p, _ in _derived(store) if p == "partInProductScope"] == []
        assert ("urn:t:m", "withoutProductCategory", "true") in {(s, p, o.split('"')[1] if '"' in o else o)
                                                                 for s, p, o in _derived(store)}
    finally:
        store.close()


def test_a_mark_of_another_layout_is_not_fresh_whatever_its_revision(data, tmp_path):
    """The mark names the layout of the derived facts beside the revision. A store derived by an older release
    (its mark the bare revision) at the current revision would otherwise keep facts this release no longer
    derives, or lack ones it does, until the next write."""
    store = _store(tmp_path / "store", data)
    try:
        derived.refresh(store)
        expected = _derived(store)
        store.update("DELETE WHERE { ?m cg:inProductScope ?c } ;\n"
                     "INSERT DATA { <urn:t:m> cg:inUncategorizedProduct true }", new_revision=False)
        store.update(f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <urn:complygraph:derived> cg:derivedAt ?r }} }} ;\n"
                     f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <urn:complygraph:derived> cg:derivedAt "
                     f"\"{store.revision()}\" }} }}", new_revision=False)
        assert derived.refresh(store), "a mark of another layout is not fresh"
        assert _derived(store) == expected
    finally:
        store.close()
