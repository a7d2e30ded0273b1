"""A list reload takes back the blank nodes of its previous load (QA6 B08: the Annex XVII conditions of use and
the entry 63(8) brass derogation stayed behind, unreachable, +33 triples at each `load-lists`); pack data loads
likewise (tests/test_pack_data_reload.py)."""

from __future__ import annotations

from complygraph.loaders.catalog import load_reference


def _blank_nodes(store) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?b ?p ?o FILTER(isBlank(?b)) }")
    return int(rows[0]["n"].value)


def test_a_list_reload_leaves_no_blank_node_of_the_previous_load(any_store):
    load_reference(any_store, ["eu-rohs-annex-ii", "eu-reach-annex-xvii"])
    count, blank = any_store.count(), _blank_nodes(any_store)
    assert blank > 0  # the conditions of use are blank nodes
    load_reference(any_store, ["eu-rohs-annex-ii", "eu-reach-annex-xvii"])
    assert (any_store.count(), _blank_nodes(any_store)) == (count, blank)
    orphans = any_store.select("SELECT ?b WHERE { ?b ?p ?o FILTER(isBlank(?b)) FILTER NOT EXISTS { ?s ?q ?b } }")
    assert orphans == []
