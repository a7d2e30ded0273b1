"""A part's tree read from the composition read model (graph/part_tree_reads.py) is the tree the store's SPARQL
gives (api/dataloaders.py), for ordinary parts and for every case the model must hand back to the store: nodes
of other namespaces, blank nodes, several values, identifiers that are not plain strings or repeat, a model
behind the store."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

import complygraph.graph.part_tree_reads as tree_reads
from complygraph.api.dataloaders import PartPlan, part_trees
from complygraph.vocab import ID

from .shacl_cases import build, material, part, sub

PB, CD, DEHP = "7439-92-1", "7440-43-9", "117-81-7"
FULL = PartPlan(supplier=True, materials=True, substances=True, substance=True)
P = ID + "part/"
M = ID + "material/"
EX = "http://example.org/"

EDGES = f"""
PREFIX cg: <https://w3id.org/complygraph/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
INSERT DATA {{
  # a part of another namespace (the model keeps no names for it), its material in the company's
  <{EX}part/X> a cg:Part ; dct:identifier "X" ; rdfs:label "outside" ; cg:hasMaterial <{M}X-M1> .
  <{M}X-M1> dct:identifier "X-M1" ; cg:massMg 5 ; cg:contains <{M}X-M1/o1> .
  <{M}X-M1/o1> cg:substance <{ID}substance/cas/7439-92-1> ; cg:concentrationPpm 12 .
  # two names: SPARQL would keep one by the order of its rows; a supplier of another namespace, one with two
  # names and one that is not typed as a supplier
  <{P}TWO> a cg:Part ; dct:identifier "TWO" ; rdfs:label "one", "two"@en ; cg:massMg 10 .
  <{P}SUPX> a cg:Part ; dct:identifier "SUPX" ; cg:suppliedBy <{EX}supplier/S9> .
  <{EX}supplier/S9> a cg:Supplier ; dct:identifier "S9" .
  <{P}SUP2> a cg:Part ; dct:identifier "SUP2" ; cg:suppliedBy <{ID}supplier/S2> .
  <{ID}supplier/S2> a cg:Supplier ; dct:identifier "S2" ; rdfs:label "two", "names" .
  <{P}SUP3> a cg:Part ; dct:identifier "SUP3" ; cg:suppliedBy <{ID}supplier/S3> .
  <{ID}supplier/S3> dct:identifier "S3" .
  # a literal where the supplier node belongs: no IRI to ask (this failed the whole part(id) before)
  <{P}SUPLIT> a cg:Part ; dct:identifier "SUPLIT" ; cg:suppliedBy "ACME: Inc" .
  <{P}SUPLIT2> a cg:Part ; dct:identifier "SUPLIT2" ; cg:suppliedBy "{ID}supplier/A B" .
  # an identifier but no type, and a type but no identifier: neither is a part(id)
  <{P}UNTYPED> dct:identifier "UNTYPED" .
  <{P}NOID> a cg:Part .
  # materials: a blank node; an integer identifier; two with one identifier; one without an identifier
  <{P}BLANK> a cg:Part ; dct:identifier "BLANK" ; cg:hasMaterial [ dct:identifier "B-M1" ] .
  <{P}INT> a cg:Part ; dct:identifier "INT" ; cg:hasMaterial <{M}INT-M1> .
  <{M}INT-M1> dct:identifier 7 .
  <{P}SAME> a cg:Part ; dct:identifier "SAME" ; cg:hasMaterial <{M}SAME-M1>, <{M}SAME-M2> .
  <{M}SAME-M1> dct:identifier "S" . <{M}SAME-M2> dct:identifier "S" .
  <{P}NOMATID> a cg:Part ; dct:identifier "NOMATID" ; cg:hasMaterial <{M}NOMATID-M1>, <{M}NOMATID-M2> .
  <{M}NOMATID-M2> dct:identifier "N2" ; rdfs:label "second" ; cg:massMg 3 .
  # an occurrence with two substances, two masses, no concentration, an intent, two claimed exemptions (one
  # without an identifier) and one with a blank-node exemption
  <{P}OCC> a cg:Part ; dct:identifier "OCC" ; cg:hasMaterial <{M}OCC-M1>, <{M}OCC-M2> .
  <{M}OCC-M1> dct:identifier "OCC-M1" ; cg:contains <{M}OCC-M1/o1>, <{M}OCC-M1/o2> .
  <{M}OCC-M1/o1> cg:substance <{ID}substance/cas/7439-92-1>, <{ID}substance/cas/7440-43-9> ;
      cg:massMg 1.50, 2 ; cg:intentionallyAdded "1"^^xsd:boolean ;
      cg:claimedExemption <{EX}exemption/E1>, <{EX}exemption/E2> .
  <{EX}exemption/E1> cg:exemptionId "E1" .
  <{M}OCC-M1/o2> cg:concentrationPpm 3.0 .
  <{M}OCC-M2> dct:identifier "OCC-M2" ; cg:contains <{M}OCC-M2/o1> .
  <{M}OCC-M2/o1> cg:substance <{ID}substance/cas/7439-92-1> ; cg:claimedExemption [ cg:exemptionId "blank" ] .
}}"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("part-trees"), [
        part("p1", 1000, material("p1-m1", 600, sub(PB, 20, exemption="6(c)"), sub(CD, 5), category="brass"),
             material("p1-m2", 400, sub(DEHP, 1, intentional="yes"), category="plastic")),
        part("p2", 50, material("p2-m1", 50, sub(PB, 0.5, intentional="no"))),
        part("p3", 10),
    ], ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    store.update(EDGES)  # a raw update: the model is behind until its next reader rebuilds it
    with store.composition_model():
        pass
    return store


KEYS = [P + k for k in ("p1", "p2", "p3", "TWO", "UNTYPED", "NOID", "BLANK", "INT", "SAME", "NOMATID", "OCC",
                        "SUPX", "SUP2", "SUP3", "SUPLIT", "SUPLIT2", "missing")] + [EX + "part/X"]


def _from_store(store, keys):
    @contextmanager
    def none():
        yield None
    real = store.current_model
    store.current_model = none
    try:
        return part_trees(store, {FULL: keys})
    finally:
        store.current_model = real


def _same_order(trees):
    """Occurrences in one order (SPARQL leaves it open); everything else as given."""
    out = {name: dict(values) for name, values in trees.items()}
    out["occurrences"] = {k: sorted(rows, key=json.dumps) for k, rows in out.get("occurrences", {}).items()}
    return out


def test_a_part_tree_from_the_read_model_is_the_tree_the_store_gives(store):
    with store.current_model() as con:
        assert con is not None  # the model is current: the test compares two paths, not one
    from_model, from_store = part_trees(store, {FULL: KEYS}), _from_store(store, KEYS)
    assert _same_order(from_model) == _same_order(from_store)
    assert from_model["part"][P + "p1"]["id"] == "p1" and from_model["part"][P + "missing"] is None
    assert from_model["part"][P + "UNTYPED"] is None and from_model["part"][P + "NOID"] is None
    assert from_model["supplier"][EX + "supplier/S9"]["id"] == "S9"
    assert from_model["supplier"][ID + "supplier/S3"] is None
    assert from_model["supplier"]["ACME: Inc"] is None and from_model["supplier"][ID + "supplier/A B"] is None
    m1 = from_model["occurrences"][M + "p1-m1"]
    assert {r.get("exemption") for r in m1} == {"6(c)", None}
    occ = from_model["occurrences"][M + "OCC-M1"]
    assert len([r for r in occ if r["occ"].endswith("o1")]) == 2 * 2  # two substances times two masses; E2 has no id
    assert {r.get("exemption") for r in occ if r["occ"].endswith("o1")} == {"E1"}
    assert {r["intentional"] for r in occ if r["occ"].endswith("o1")} == {"true"}
    assert [r for r in occ if r["occ"].endswith("o2")] == []  # no substance: no row


def test_the_model_answers_ordinary_parts_and_hands_the_others_to_the_store(store):
    keys = [P + k for k in ("p1", "p2", "p3", "missing", "UNTYPED", "NOID", "OCC", "INT", "SAME", "BLANK",
                            "NOMATID", "TWO")] + [EX + "part/X"]
    with store.current_model() as con:
        parts, ask = tree_reads.parts(con, keys)
        assert ask == [P + "TWO", EX + "part/X"]
        materials, ask = tree_reads.materials(con, [P + k for k in ("p1", "p2", "p3", "OCC", "INT", "SAME",
                                                                    "BLANK", "NOMATID")])
        assert ask == [P + "INT", P + "SAME", P + "BLANK"]
        assert [r["id"] for r in materials[P + "p1"]] == ["p1-m1", "p1-m2"]
        assert [r["id"] for r in materials[P + "NOMATID"]] == ["N2"]
        suppliers, ask = tree_reads.suppliers(con, [ID + "supplier/S1", ID + "supplier/S2", ID + "supplier/S3",
                                                    EX + "supplier/S9"])
        assert ask == [ID + "supplier/S2", EX + "supplier/S9"]
        assert suppliers[ID + "supplier/S1"]["id"] == "S1" and suppliers[ID + "supplier/S3"] is None
        asked = []
        occurrences, ask = tree_reads.occurrences(con, [M + "p1-m1", M + "OCC-M1", M + "OCC-M2", "b0"],
                                                  lambda e: asked.append(e) or {})
        assert ask == ["b0", M + "OCC-M2"]  # a blank material's id; a blank node claimed
        assert sorted(asked[0]) == asked[0] and EX + "exemption/E1" in asked[0]


def test_a_model_behind_the_store_is_not_read(store):
    store.update(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                     INSERT DATA {{ <{P}p3> rdfs:label "renamed" }}""")  # raw: the model is left behind
    try:
        with store.current_model() as con:
            assert con is None
        assert part_trees(store, {FULL: [P + "p3"]})["part"][P + "p3"]["name"] in ("part p3", "renamed")
        assert _same_order(part_trees(store, {FULL: KEYS})) == _same_order(_from_store(store, KEYS))
    finally:
        store.update(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                         DELETE DATA {{ <{P}p3> rdfs:label "renamed" }}""")
        with store.composition_model():
            pass


def test_substances_kept_across_trees_are_never_read_after_a_write(store):
    """The substances of part trees are kept per store revision (api/substance_rows.py `substances_at`): after a
    write that renames one, the next tree names it anew."""
    lead = ID + "substance/cas/7439-92-1"
    before = part_trees(store, {FULL: [P + "p2"]})["substance"][lead]
    assert part_trees(store, {FULL: [P + "p2"]})["substance"][lead] is before  # kept
    rename = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                 INSERT DATA {{ <{lead}> rdfs:label "renamed lead"@en }}"""
    revision = store.revision()
    store.update(rename)
    try:
        assert store.revision() != revision
        with store.composition_model():
            pass  # the model current again: the tree is read from it, its substances from the store
        after = part_trees(store, {FULL: [P + "p2"]})["substance"][lead]
        assert ("renamed lead", "en") in after["names"] and ("renamed lead", "en") not in before["names"]
    finally:
        store.update(rename.replace("INSERT DATA", "DELETE DATA"))
        with store.composition_model():
            pass
