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
    """An engine seen to answer a pack wrongly (a dialect's `unreliable_packs`; Virtuoso's eu-rohs until
    2026-12-07) makes a validation of that pack say so in its report (the CLI prints the warning). Other packs
    and other engines say nothing; Virtuoso names no pack now."""
    from dataclasses import replace

    from complygraph.graph.shacl import validate

    from .shacl_cases import build, material, part, sub

    store = build(tmp_path, [part("p", 1000, material("m", 1000, sub("7440-31-5", 1)))], ["eu-rohs-annex-ii"])
    assert not any("pack eu-rohs" in w for w in validate(store, ["eu-rohs"]).warnings)
    seen = replace(SPARQL11, name="seen", unreliable_packs=(("eu-rohs", "seen wrong"),))
    monkeypatch.setattr(store, "dialect", seen, raising=False)
    assert [w for w in validate(store, ["eu-rohs"]).warnings if w == "pack eu-rohs: seen wrong"]
    assert not any("pack eu-rohs" in w for w in validate(store, ["data-quality"]).warnings)
    assert VIRTUOSO.unreliable_packs == ()


def test_virtuoso_planned_the_rohs_limits_query_from_sampled_statistics_and_lost_the_lead_violation(tmp_path,
                                                                                                    monkeypatch):
    """On some Virtuoso 7.2.5 server starts the RoHS per-material limits query answered nothing for 2 % lead in
    solder (tests/test_remote_features.py's roll-up, 2026-12-07), and with `DEFINE sql:select-option "order"`
    the same query on the same server found it. A validation now sends each compiled query of the packs the
    dialect orders (Virtuoso: eu-rohs) with its pragma (that DEFINE, moved before the store's PREFIX lines, the
    only place Virtuoso reads it); other packs' queries and the validation's other reads go without."""
    from dataclasses import replace

    from complygraph.graph.shacl import validate

    from .shacl_cases import build, material, part, sub

    text, _ = VIRTUOSO.query_request('PREFIX cg: <urn:cg#>\nDEFINE sql:select-option "order"\nSELECT * WHERE { }')
    assert text.startswith('DEFINE sql:select-option "order"\n') and text.count("DEFINE sql:") == 1
    assert VIRTUOSO.ordered_packs == ("eu-rohs",) and VIRTUOSO.order_pragma == 'DEFINE sql:select-option "order"\n'
    assert SPARQL11.ordered_packs == ()

    store = build(tmp_path, [part("p", 1000, material("m", 1000, sub("7439-92-1", 20)))],
                  ["eu-rohs-annex-ii", "eu-reach-svhc"])
    asked: list[str] = []
    select = store.select
    monkeypatch.setattr(store, "select", lambda q, *a, **k: asked.append(q) or select(q, *a, **k), raising=False)
    ordering = replace(SPARQL11, ordered_packs=("eu-rohs",), order_pragma="# ordered\n")
    monkeypatch.setattr(store, "dialect", ordering, raising=False)
    report = validate(store, ["eu-rohs", "eu-reach-svhc"])
    assert any("HomogeneousMaterialLimits" in str(r.shape) for r in report.results)  # 2 % lead
    ordered = [q for q in asked if q.startswith("# ordered\n")]
    assert any("cg:limitValue" in q and "HomogeneousMaterialBasis" in q for q in ordered)
    # the Candidate List's article query keeps the engine's own order
    svhc = "/id/list/eu-reach-svhc>"
    assert not any(svhc in q for q in ordered) and any(svhc in q for q in asked)
