"""The Virtuoso dialect's query rewrites (graph/dialects.py), as text: no server needed. Whether Virtuoso then
answers as the embedded store does is tested in tests/test_virtuoso.py."""

from __future__ import annotations

from complygraph.graph.dialects import SPARQL11, VIRTUOSO


def test_inclusive_comparisons_are_rewritten_for_virtuoso_outside_strings_iris_and_comments():
    text = ('FILTER(?a <= $b && "2026-01-01"^^xsd:date >= ?c && ?s != "?x <= ?y" && ?n <= 2 * ?m) '
            "# ?p >= ?q\nBIND(<http://h/?p> AS ?i) HAVING (SUM(?x) >= ?limit)")
    want = ('FILTER(COALESCE(?a) <= COALESCE($b) && "2026-01-01"^^xsd:date >= COALESCE(?c) && ?s != "?x <= ?y" && '
            "COALESCE(?n) <= 2 * ?m) # ?p >= ?q\nBIND(<http://h/?p> AS ?i) HAVING (SUM(?x) >= COALESCE(?limit))")
    assert VIRTUOSO.rewrite(text) == want and VIRTUOSO.rewrite(want) == want
    assert SPARQL11.rewrite(text) == text



def test_the_class_target_test_after_a_having_subquery_becomes_a_join_for_virtuoso_and_only_there():
    """The eu-rohs exemption-expired query stalled Virtuoso 7.2.5 (no CPU, no answer) with its class target as
    a FILTER EXISTS after the grouped subquery; the data-quality identity query (grouped, no HAVING) answered
    wrongly with the join. The rewrite is checked on both forms; the packs' runs above check the answers."""
    target = ("FILTER EXISTS { { ?this <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
              "<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/complygraph/ontology#Part> . } }")
    grouped = "SELECT * WHERE { { SELECT ?this (MAX(?x) AS ?m) WHERE { ?this ?p ?x } GROUP BY ?this "
    having = grouped + "HAVING (MAX(?x) > 1) }\n" + target + "\n}"
    plain = grouped + "}\n" + target + "\n}"
    joined = VIRTUOSO.rewrite(having)
    assert "FILTER EXISTS" not in joined and "{ SELECT DISTINCT ?this WHERE { { { ?this <http" in joined
    assert "UNION { ?this <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#" \
           "subClassOf>+ <https://w3id.org/complygraph/ontology#Part> }" in joined
    assert VIRTUOSO.rewrite(plain).count("FILTER EXISTS") == 1
    assert SPARQL11.rewrite(having) == having


def test_a_validation_on_an_engine_that_gets_a_pack_wrong_says_so_in_its_report(tmp_path, monkeypatch):
    """Virtuoso 7.2.5 stalled on, or missed results of, the eu-rohs exemption queries in two CI runs: a pass it
    gives for eu-rohs is not to be relied on, and its report says so (the CLI prints the warning). Other packs
    and other engines say nothing."""
    from complygraph.graph.shacl import validate

    from .shacl_cases import build, material, part, sub

    store = build(tmp_path, [part("p", 1000, material("m", 1000, sub("7440-31-5", 1)))], ["eu-rohs-annex-ii"])
    assert not any("pack eu-rohs" in w for w in validate(store, ["eu-rohs"]).warnings)
    monkeypatch.setattr(store, "dialect", VIRTUOSO, raising=False)
    assert [w for w in validate(store, ["eu-rohs"]).warnings if w.startswith("pack eu-rohs: Virtuoso")]
    assert not any("pack eu-rohs" in w for w in validate(store, ["data-quality"]).warnings)
