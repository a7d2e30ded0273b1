"""A claimed exemption's material condition is not met by a word inside a composite's or a plated metal's category
(QA12 B08). RoHS Annex III 7(c)-I concerns lead "in a glass or ceramic ... or in a glass or ceramic matrix
compound": a polymer filled or reinforced with glass or ceramic is a polymer-matrix material. 6(c) concerns
"copper alloy containing up to 4 % lead by weight": brass-plated steel is steel. The classes matched the word
"glass", "ceramic" or "brass" anywhere in the category, so 1 % lead in each of these was exempted (a false
pass); a class's `cg:exceptPattern` now takes the composite or plating words out first
(shapes/data/material-classes.ttl). Glass, a ceramic, a glass frit and a brass plating keep their class."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

PB = "7439-92-1"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
AT = dt.date(2026, 12, 7)
CASES = {  # material id -> (declared category, claimed exemption, exempted)
    "pbt-gf": ("PBT-GF30 (glass fibre reinforced)", "7(c)-I", False),
    "glass-epoxy": ("Glass epoxy laminate", "7(c)-I", False),
    "ptfe": ("Ceramic-filled PTFE", "7(c)-I", False),
    "nylon": ("Nylon 66 glass-filled", "7(c)-I", False),
    "plated": ("Brass-plated steel", "6(c)", False),
    "clad": ("Copper-clad steel", "6(c)", False),
    "glass": ("Lead glass", "7(c)-I", True),
    "pzt": ("PZT ceramic", "7(c)-I", True),
    "frit": ("Glass frit", "7(c)-I", True),
    "brass": ("Brass (CuZn39Pb3)", "6(c)", True),
    "brass-plating": ("Brass plating", "6(c)", True),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    parts = [part(m, 1000, material(m, 1000, sub(PB, 10, exemption=claim), category=category))
             for m, (category, claim, _) in CASES.items()]
    return build(tmp_path_factory.mktemp("composites"), parts, LISTS, products=[product("tv", "4", *CASES)])


def test_composites_and_plated_metals_do_not_meet_the_material_condition(store):
    report = validate(store, ["eu-rohs"], AT)
    exempted, wrong = set(hits(report, "#ExemptedUses")), set(hits(report, "#ExemptionWrongMaterial"))
    limits = set(hits(report, "#HomogeneousMaterialLimits"))
    for m, (category, _, ok) in CASES.items():
        assert (m in exempted) is ok, (m, category)
        assert (m in wrong) is not ok and (m in limits) is not ok, (m, category)


def test_same_results_as_pyshacl(store):
    ours, reference = compare_with_pyshacl(store, ["eu-rohs"], AT)
    assert ours == reference
