"""The store interface, run identically on embedded Oxigraph and on a real Oxigraph server."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph import StoreError
from complygraph.graph.store import META_GRAPH

EX = "http://example.org/"


def _t(i: int) -> Triple:
    return Triple(NamedNode(f"{EX}s{i}"), NamedNode(f"{EX}p"), Literal(str(i)))


def test_write_count_and_select(any_store):
    assert any_store.count() == 0
    assert any_store.write(_t(i) for i in range(100)) == 100
    assert any_store.count() == 100
    rows = any_store.select("SELECT ?o WHERE { ?s <http://example.org/p> ?o }", {"s": NamedNode(f"{EX}s7")})
    assert [r["o"].value for r in rows] == ["7"]
    assert any_store.ask("ASK WHERE { ?s ?p ?o }", {"o": Literal("42")})


def test_a_list_binding_matches_any_of_its_values(any_store):
    any_store.write(_t(i) for i in range(10))
    rows = any_store.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": [Literal("1"), Literal("2"), Literal("99")]})
    assert sorted(r["s"].value for r in rows) == [f"{EX}s1", f"{EX}s2"]


@pytest.mark.parametrize("attack", [
    '" } ; DROP ALL ; #',
    '1" . ?s ?p ?o } #',
    "x'> } INSERT DATA { <http://evil> <http://evil> <http://evil> } #",
    "\\\" } \n DROP ALL",
])
def test_bound_values_cannot_change_the_query(any_store, attack):
    any_store.write(_t(i) for i in range(5))
    rows = any_store.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal(attack)})
    assert rows == []
    assert any_store.count() == 5


def test_a_failed_write_halfway_leaves_the_store_exactly_as_it_was(any_store):
    any_store.write(_t(i) for i in range(10))
    snapshot = sorted(str(r["s"]) + str(r["o"]) for r in any_store.select("SELECT * WHERE { ?s ?p ?o }"))

    def failing():
        for i in range(10, 20_000):
            if i == 12_000:
                raise RuntimeError("the import failed halfway")
            yield _t(i)

    with pytest.raises(RuntimeError, match="halfway"):
        any_store.write(failing())
    assert any_store.count() == 10
    assert sorted(str(r["s"]) + str(r["o"]) for r in any_store.select("SELECT * WHERE { ?s ?p ?o }")) == snapshot
    graphs = any_store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [g["g"].value for g in graphs] == [META_GRAPH], "no staging graph may be left behind"


def test_replace_swaps_old_triples_for_new_in_one_write(any_store):
    any_store.write(_t(i) for i in range(10))
    n = any_store.write([_t(100)], replace=f"DELETE WHERE {{ ?s <{EX}p> ?o }}")
    assert n == 1
    assert [r["s"].value for r in any_store.select("SELECT ?s WHERE { ?s ?p ?o }")] == [f"{EX}s100"]


def test_a_failed_replace_keeps_the_old_triples(any_store):
    any_store.write(_t(i) for i in range(3))

    def failing():
        yield _t(50)
        raise ValueError("bad row")

    with pytest.raises(ValueError):
        any_store.write(failing(), replace=f"DELETE WHERE {{ ?s <{EX}p> ?o }}")
    assert any_store.count() == 3


def test_syntax_errors_are_store_errors(any_store):
    with pytest.raises(StoreError):
        any_store.select("SELECT WHERE {")


def test_store_location_from_environment(tmp_path, monkeypatch):
    from complygraph.graph import open_store

    monkeypatch.setenv("COMPLYGRAPH_STORE", str(tmp_path / "env-store"))
    store = open_store()
    store.write([_t(1)])
    store.close()
    assert (tmp_path / "env-store").is_dir()
    again = open_store(tmp_path / "env-store")
    assert again.count() == 1


def test_every_write_gives_the_store_a_new_revision_and_a_failed_one_does_not(any_store):
    seen = [any_store.revision()]  # "" on a new store; the remote fixture has just emptied its store
    any_store.write(_t(i) for i in range(3))
    seen.append(any_store.revision())
    any_store.write((_t(i) for i in range(3, 5)), replace="DELETE WHERE { ?s <http://example.org/p> \"0\" }")
    seen.append(any_store.revision())
    any_store.update('INSERT DATA { <http://example.org/x> <http://example.org/p> "x" }')
    seen.append(any_store.revision())
    assert len(set(seen)) == 4 and all(seen[1:])

    def failing():
        yield _t(9)
        raise RuntimeError("broken input")

    with pytest.raises(RuntimeError):
        any_store.write(failing())
    assert any_store.revision() == seen[-1]
    assert any_store.count() == 5, "the revision lives outside the default graph"
