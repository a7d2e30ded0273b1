"""The query forms that keep the slowest data-quality and REACH Annex XVII constraints fast, and their results on
the edge cases those forms could get wrong (against pySHACL, the reference, and against hand-computed results).

On a 100k-part store (Oxigraph on disk) each form was several seconds faster than the plain form it replaced,
with the same rows: masses at or below 0 found before the sub-part test (PartPositiveMass, 5 s -> 0.3 s); the
parts with a material left out by one set (PartContent, 1.0 s -> 0.45 s); the Annex XVII conditions tested
before the concentration is read (ArticleRestrictions, 5.2 s -> 3.3 s). The occurrences are summed per material
before each material's mass is looked up once (MaterialComposition): hashing every mass of the store with the
occurrences was faster (100k: 3.3 s against 6.3 s) but took 5.9 GB at 10^6 parts, this form 0.8 GB. The
structural tests say what made each slow, so that a later edit does not bring it back unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.shacl.compiler import compile_shapes
from complygraph.graph.shacl.packs import shapes_graph

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

AT = dt.date(2026, 11, 23)
PB, PBO, DEHP, DBP = "7439-92-1", "1317-36-8", "117-81-7", "84-74-2"
XVII_LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]


def _queries() -> dict[str, str]:
    """The compiled query of each rewritten constraint, whitespace collapsed."""
    g, _, _ = shapes_graph(["data-quality", "eu-reach-annex-xvii"], AT)
    wanted = {"PartPositiveMass", "PartContent", "Material", "ArticleRestrictions"}
    out = {}
    for c in compile_shapes(g).constraints:
        name = str(c.shape).rsplit("#", 1)[-1]
        if name in wanted and c.sparql_based:
            out[name] = " ".join(c.query.split())
    assert set(out) == wanted
    return out


QUERIES = _queries()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_rewritten_constraints_still_join_their_own_solutions_with_the_targets(name):
    # the fast form (graph/shacl/sparql_rules.py `joins_this`): the query's own rows, then a test of the targets;
    # otherwise every group naming $this would enumerate all focus nodes
    query = QUERIES[name]
    assert re.search(r"\} FILTER EXISTS \{ \{ \?this <[^>]+#type>/<[^>]+#subClassOf>\* <[^>]+> \. \} \} \}$", query)
    assert "SELECT DISTINCT ?this WHERE { {" not in query


def test_part_positive_mass_asks_for_sub_parts_only_of_masses_at_or_below_zero():
    # in one group with the FILTER NOT EXISTS, Oxigraph tested the sub-parts of every mass of the store first
    query = QUERIES["PartPositiveMass"]
    found = re.search(r"\{ SELECT \?this WHERE \{ \?this cg:massMg (\?\w+) \. FILTER\(\1 <= 0\) \} \} "
                      r"FILTER NOT EXISTS \{ \?usage cg:parent \?this \}", query)
    assert found, query


def test_material_composition_sums_per_material_then_looks_each_mass_up_without_hashing_every_mass():
    # hash-joining the occurrences' masses with the materials' occurrences took 5.9 GB at 10^6 parts
    query = QUERIES["Material"]
    assert "{ SELECT ?this ?occurrence WHERE" not in query
    assert re.search(r"\{ SELECT \?this \(SUM\(\?mg\) AS \?declared\) WHERE \{ \?this cg:contains (\?\w+) \. "
                     r"\1 cg:massMg \?mg \} GROUP BY \?this \} OPTIONAL \{ \?this cg:massMg \?mass \}", query), query


def test_part_content_leaves_out_the_parts_with_a_material_by_one_set():
    query = QUERIES["PartContent"]
    assert re.search(r"OPTIONAL \{ SELECT DISTINCT \?this \(true AS (\?\w+)\) WHERE \{ \?this cg:hasMaterial \?\w+ "
                     r"\} \} FILTER\(!BOUND\(\1\)\)", query), query
    assert "FILTER NOT EXISTS { ?this cg:hasMaterial" not in query


def test_annex_xvii_conditions_are_tested_before_the_concentration_and_details_are_read():
    query = QUERIES["ArticleRestrictions"]
    conditions = [query.index(f"?this cg:{p}") for p in ("inProductScope", "inMaterialClass", "inUse")]
    assert max(conditions) < query.index("cg:concentrationPpm") < query.index("cg:entryNumber")


# --- the results on the edge cases ------------------------------------------------------------------------------

EDGES = """INSERT DATA {
  id:part/zero-leaf a cg:Part ; cg:massMg 0.0 ; cg:hasMaterial id:material/zl .
  id:material/zl a cg:HomogeneousMaterial ; cg:massMg 1.0 .
  id:part/zero-assembly a cg:Part ; cg:massMg 0.0 .
  id:bom/za a cg:BomUsage ; cg:parent id:part/zero-assembly ; cg:child id:part/zero-leaf ; cg:quantity 1 .
  id:part/also-negative a cg:Part ; cg:massMg 5.0, -1 ; cg:hasMaterial id:material/an-1, id:material/an-2 .
  id:material/an-1 a cg:HomogeneousMaterial ; cg:massMg 1.0 .
  id:material/an-2 a cg:HomogeneousMaterial ; cg:massMg 2.0 .
  id:part/text-mass a cg:Part ; cg:massMg "abc" ; cg:hasMaterial id:material/tm .
  id:material/tm a cg:HomogeneousMaterial ; cg:massMg 1.0 .
  id:part/bare a cg:Part .
  id:part/stated a cg:Part .
  id:statement/s1 cg:aboutPart id:part/stated .
  id:part/empty-assembly a cg:Part .
  id:bom/ea a cg:BomUsage ; cg:parent id:part/empty-assembly ; cg:child id:part/stated ; cg:quantity 1 .
  id:material/m-zero a cg:HomogeneousMaterial ; cg:massMg 0.0 .
  id:material/m-over a cg:HomogeneousMaterial ; cg:massMg 10.0 ; cg:contains id:occurrence/o1, id:occurrence/o2 .
  id:occurrence/o1 cg:massMg 6.0 .
  id:occurrence/o2 cg:massMg 5.0 .
  id:material/m-at a cg:HomogeneousMaterial ; cg:massMg 100.0 ; cg:contains id:occurrence/o3 .
  id:occurrence/o3 cg:massMg 101.0 .
  id:material/m-twice a cg:HomogeneousMaterial ; cg:massMg 10.0 ; cg:contains id:occurrence/o4 .
  id:occurrence/o4 cg:massMg 6.0, 6.5 .
  id:material/m-shared-a a cg:HomogeneousMaterial ; cg:massMg 5.0 ; cg:contains id:occurrence/o5 .
  id:material/m-shared-b a cg:HomogeneousMaterial ; cg:massMg 5.0 ; cg:contains id:occurrence/o5 .
  id:occurrence/o5 cg:massMg 6.0 .
  id:material/m-two-masses a cg:HomogeneousMaterial ; cg:massMg 10.0, 20.0 ; cg:contains id:occurrence/o6 .
  id:occurrence/o6 cg:massMg 15.0 .
  id:material/m-no-occurrence a cg:HomogeneousMaterial ; cg:massMg 1.0 .
  id:material/m-partial a cg:HomogeneousMaterial ; cg:massMg 10.0 ; cg:contains id:occurrence/o7, id:occurrence/o8 .
  id:occurrence/o8 cg:massMg 11.0 .
  # declared, so that every result can be compared with pySHACL's: the result path of dq:PartDeclaration is a
  # blank node, another one in each reading of the shapes
  id:declaration/edges a cg:Declaration ; <http://purl.org/dc/terms/date> "2025-01-01"^^xsd:date ;
    cg:declares id:part/zero-leaf, id:part/zero-assembly, id:part/also-negative, id:part/text-mass, id:part/bare,
                id:part/stated, id:part/empty-assembly .
}"""


@pytest.fixture(scope="module")
def dq_store(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("dq-forms"), [part("good", 1000, material("g", 1000, sub(PB, 1)))],
                  ["eu-rohs-annex-ii"])
    # `id:part/x` for readability above; a slash cannot stand in a prefixed name, so the IRIs are written out
    store.update(re.sub(r"\bid:([\w/-]+)", r"<https://w3id.org/complygraph/id/\1>", EDGES))
    return store


def test_part_positive_mass_edges(dq_store):
    found = hits(validate(dq_store, ["data-quality"], AT), "#PartPositiveMass")
    # 0 with no sub-part, and -1 beside 5; not an assembly of 0, not a mass that is no number, not a material
    assert set(found) == {"zero-leaf", "also-negative"}


def test_part_content_edges(dq_store):
    found = hits(validate(dq_store, ["data-quality"], AT), "#PartContent")
    # a part with two materials, with a statement, or with sub-parts has something declared
    assert set(found) == {"bare"}


def test_material_composition_edges(dq_store):
    report = validate(dq_store, ["data-quality"], AT)
    found = {str(r.focus).rsplit("/", 1)[-1]: r for r in report.results if str(r.shape).endswith("#Material")}
    # 11 > 10.1; two masses of one occurrence both count; an occurrence of two materials counts in each; of two
    # material masses only 10 is exceeded; an occurrence without a mass adds nothing. Not 101 <= 100 x 1.01.
    assert set(found) == {"m-over", "m-twice", "m-shared-a", "m-shared-b", "m-two-masses", "m-partial"}
    assert "12.5" in str(found["m-twice"].message)
    two = [str(r.message) for r in report.results if str(r.focus).endswith("/m-two-masses")
           and str(r.shape).endswith("#Material")]
    assert len(two) == 1 and "the material's 10" in two[0], two


def test_data_quality_edges_same_results_as_pyshacl(dq_store):
    ours, reference = compare_with_pyshacl(dq_store, ["data-quality"], AT)
    assert ours == reference and ours


@pytest.fixture(scope="module")
def xvii_store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("xvii-forms"), [
        # entry 63(15): lead as the element in PVC, two compounds each under 0.1 %, together over it
        part("pvc-sum", 1000, material("m-pvc-sum", 1000, sub(PB, "0.6"), sub(PBO, "0.5"), category="pvc")),
        part("pvc-sum-eee", 1000, material("m-pvc-sum-eee", 1000, sub(PB, "0.6"), sub(PBO, "0.5"), category="pvc")),
        # entry 51(2), (3): phthalates in any combination in a toy outside RoHS, together at 0.11 % and 0.09 %
        part("toy-sum", 1000, material("m-toy-sum", 1000, sub(DEHP, "0.6"), sub(DBP, "0.5"), category="pvc")),
        part("toy-under", 1000, material("m-toy-under", 1000, sub(DEHP, "0.5"), sub(DBP, "0.4"), category="pvc")),
        # entry 63(7): lead supplied to the general public AND mouthable (two sets of uses, each needed)
        part("teether", 1000, material("m-teether", 1000, sub(PB, "0.6"))),
        part("shade", 1000, material("m-shade", 1000, sub(PB, "0.6"))),
    ], XVII_LISTS, products=[
        product("tv", "4", "pvc-sum-eee"),
        {"id": "toy", "categories": "", "parts": ["toy-sum", "toy-under"], "uses": "toy;general-public"},
        {"id": "ring", "categories": "", "parts": ["teether"], "uses": "general-public;mouthable"},
        {"id": "lamp", "categories": "", "parts": ["shade"], "uses": "general-public"},
    ])


def test_annex_xvii_conditions_and_sums_edges(xvii_store):
    report = validate(xvii_store, ["eu-reach-annex-xvii"], AT)
    found: dict[str, set[str]] = {}
    for r in report.results:
        if str(r.shape).endswith("#ArticleRestrictions"):
            found.setdefault(str(r.focus).rsplit("/", 1)[-1], set()).add(str(r.detail("entry")))
    assert found == {"m-pvc-sum": {"63"}, "m-toy-sum": {"51"}, "m-teether": {"63"}}
    assert len([r for r in report.results if str(r.focus).endswith("/m-toy-sum")]) == 2  # paragraphs 2 and 3


def test_annex_xvii_edges_same_results_as_pyshacl(xvii_store):
    ours, reference = compare_with_pyshacl(xvii_store, ["eu-reach-annex-xvii"], AT)
    assert ours == reference and ours
