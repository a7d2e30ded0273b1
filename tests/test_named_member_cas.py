"""Members named by CAS number (`cg:memberCas` rules): a group's members that a legal text or ECHA's list names
by number belong to it whether or not the identifier database knows the number. Found by a QA run on
2026-12-06: the database has no record under 25637-99-4 (HBCDD without positions), the HBCDD diastereoisomers,
four of the five PFHxS salts ECHA lists, or dichromic acid, so the structure rules never saw them and each
passed its pack with no finding at all (a false pass)."""

from __future__ import annotations

import datetime as dt

import pytest
from pyoxigraph import NamedNode

from complygraph.loaders.errors import Problems
from complygraph.loaders.membership import Rule, Subject, check_rules, matches

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

KG = 1_000_000  # mg: a substance's mass in mg is its concentration in mg/kg
AT = dt.date(2026, 11, 23)
CAS = "https://w3id.org/complygraph/id/substance/cas/"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    added = {"intentional": "yes"}
    return build(tmp_path_factory.mktemp("named-cas"), [
        # Regulation (EU) 2019/1021 Annex I Part A, "Hexabromocyclododecane", CAS No 25637-99-4, 3194-55-6,
        # 134237-50-6, 134237-51-7, 134237-52-8
        part("hbcdd", KG, material("m-hbcdd", KG, sub("25637-99-4", 2000, **added))),
        part("alpha", KG, material("m-alpha", KG, sub("134237-50-6", 2000, **added))),
        part("gamma", KG, material("m-gamma", KG, sub("134237-52-8", 2000, **added))),
        # the same, not intentionally added, above the 75 mg/kg trace limit ((EU) 2024/2555)
        part("hbcdd-trace", KG, material("m-hbcdd-trace", KG, sub("25637-99-4", 200, intentional="no"))),
        # PFHxS "(ii) its salts" ((EU) 2023/1608): ammonium and sodium PFHxS as ECHA lists them
        part("pfhxs-nh4", KG, material("m-pfhxs-nh4", KG, sub("68259-08-5", 100, **added))),
        part("pfhxs-na", KG, material("m-pfhxs-na", KG, sub("82382-12-5", 100, **added))),
        # RoHS Annex II hexavalent chromium 0.1 %: dichromic acid H2Cr2O7 at 5,000 ppm (about 2,400 ppm Cr)
        part("cr6", 1000, material("m-cr6", 1000, sub("13530-68-2", 5))),
        # chromic acid at exactly 1,000 ppm of the material: not above the limit
        part("cr6-at", 1000, material("m-cr6-at", 1000, sub("7738-94-5", 1))),
    ], ["eu-pops", "eu-rohs-annex-ii"])


def test_hbcdd_named_by_the_row_is_intentionally_present_whatever_the_database_knows(store):
    from complygraph.graph.shacl import validate

    found = hits(validate(store, ["eu-pops"], AT), "#IntentionalPresence")
    assert {"m-hbcdd", "m-alpha", "m-gamma"} <= set(found), found
    assert "25637-99-4" in str(found["m-hbcdd"].message)


def test_hbcdd_above_its_trace_limit_is_a_violation(store):
    from complygraph.graph.shacl import validate

    found = hits(validate(store, ["eu-pops"], AT), "#TraceContaminantLimits")
    assert "200 mg/kg of HBCDD" in str(found["m-hbcdd-trace"].message), found


def test_pfhxs_salts_echa_lists_are_members_of_the_pops_entry(store):
    from complygraph.graph.shacl import validate

    found = hits(validate(store, ["eu-pops"], AT), "#IntentionalPresence")
    assert {"m-pfhxs-nh4", "m-pfhxs-na"} <= set(found), found


def test_dichromic_acid_is_hexavalent_chromium_above_the_limit_and_chromic_acid_at_it_is_not(store):
    from complygraph.graph.shacl import validate

    found = hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert "m-cr6" in found and "13530-68-2" in str(found["m-cr6"].message)
    assert "m-cr6-at" not in found


@pytest.mark.parametrize("packs", [["eu-pops"], ["eu-rohs"]])
def test_same_results_as_pyshacl(store, packs):
    ours, reference = compare_with_pyshacl(store, packs, AT)
    assert ours == reference


def test_a_cas_rule_matches_its_numbers_only_and_needs_no_identity():
    rule = Rule(NamedNode("urn:r"), NamedNode("urn:g"), cas=("25637-99-4",))
    assert matches(rule, Subject(NamedNode(CAS + "25637-99-4"), None, None, ()))
    assert not matches(rule, Subject(NamedNode(CAS + "3194-55-6"), "C12H18Br6", None, ()))
    # a rule without a CAS number says nothing about a substance of unknown identity (before: every criterion
    # absent held)
    element = Rule(NamedNode("urn:r2"), NamedNode("urn:g"), element="Pb")
    assert matches(element, Subject(NamedNode(CAS + "1-00-0"), None, None, ())) is None


def test_a_cas_rule_with_another_criterion_or_a_wrong_number_is_refused():
    problems = Problems()
    check_rules([Rule(NamedNode("urn:x/r"), NamedNode("urn:g"), element="Pb", cas=("7439-92-1",)),
                 Rule(NamedNode("urn:x/s"), NamedNode("urn:g"), cas=("7439-92-2",))], "rules.ttl", problems)
    text = str(problems.errors() if hasattr(problems, "errors") else problems.__dict__)
    assert "no other criterion" in text and "not a CAS number: '7439-92-2'" in text, text
