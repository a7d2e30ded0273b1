"""Candidate List entries "covering any of the individual (stereo)isomers" reach every stereoisomer, also one the
export does not list by CAS (cg:memberByConnectivity: the skeleton, the first block of the InChIKey).

Before the rule kind existed, a record of such a structure under another CAS number passed the SVHC check: the
group reached the CAS numbers of its member rows only. Positional isomers have another skeleton and are not
members unless the entry's name leaves the position open (hexahydromethylphthalic anhydride).
"""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from complygraph.loaders.catalog import build_list, catalog
from complygraph.loaders.errors import Problems
from complygraph.loaders.identity import from_record
from complygraph.loaders.membership import Rule, Subject, check_rules, matches, rules_in

RULE = "https://w3id.org/complygraph/id/rule/eu-reach-svhc/"

CASES = [
    # (rule, SMILES, member, why)
    ("lilial-any-stereoisomer", "C[C@H](Cc1ccc(cc1)C(C)(C)C)C=O", True, "(S)-lilial: 'individual stereoisomers'"),
    ("lilial-any-stereoisomer", "C[C@@H](Cc1ccc(cc1)C(C)(C)C)C=O", True, "(R)-lilial"),
    ("lilial-any-stereoisomer", "CC(Cc1cccc(c1)C(C)(C)C)C=O", False, "the meta isomer: another skeleton"),
    ("4-mbc-any-isomer", "O=C1/C(=C/c2ccc(C)cc2)[C@@H]2CC[C@]1(C)C2(C)C", True, "(1R,3E,4S)-4-MBC"),
    ("4-mbc-any-isomer", "O=C1/C(=C\\c2ccc(C)cc2)[C@@H]2CC[C@]1(C)C2(C)C", True, "(1R,3Z,4S)-4-MBC"),
    ("4-mbc-any-isomer", "O=C1C(=Cc2ccccc2)C2CCC1(C)C2(C)C", False, "3-benzylidene camphor: no 4-methyl"),
    ("hhpa-cis-trans", "C1CC[C@@H]2[C@@H](C1)C(=O)OC2=O", True, "trans-HHPA"),
    ("hhmpa-any-isomer", "C[C@@H]1CC[C@H]2[C@@H](C1)C(=O)OC2=O", True, "a stereoisomer of the 4-methyl member"),
    ("hhmpa-any-isomer", "CC12CCCCC1C(=O)OC2=O", True, "1-methyl (the name leaves the position open)"),
    ("hhmpa-any-isomer", "CCC1CCC2C(C1)C(=O)OC2=O", False, "an ethyl homologue"),
    ("karanal-any-stereoisomer", "CC[C@H](C)C1(C)COC(OC1)[C@@H]2C(C)C=C(C)CC2", True, "a stereoisomer of [1]"),
    ("karanal-any-stereoisomer", "CCC(C)C1(C)COC(OC1)C2CC=C(C)CC2C", True, "[2]"),
    ("karanal-any-stereoisomer", "CCC(C)C1(C)COC(OC1)C2CC(C)=CC(C)C2", False, "a 3,5-dimethyl positional isomer"),
    ("dechlorane-plus-anti-syn",
     "C1C[C@H]2[C@@H](CC[C@@H]3[C@H]1[C@]4(C(=C([C@@]3(C4(Cl)Cl)Cl)Cl)Cl)Cl)[C@@]5(C(=C([C@]2(C5(Cl)Cl)Cl)Cl)Cl)Cl",
     True, "a stereo-defined Dechlorane Plus (anti or syn)"),
    ("tbph-any-isomer", "CCCC[C@H](CC)COC(=O)c1c(Br)c(Br)c(Br)c(Br)c1C(=O)OC[C@@H](CC)CCCC", True,
     "a (R,S) diastereoisomer of TBPH"),
]


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    _, specs = catalog()
    return {r.rule.value.removeprefix(RULE): r for r in rules_in(list(build_list(specs["eu-reach-svhc"]).triples()))}


@pytest.mark.parametrize("rule,smiles,member,why", CASES, ids=[f"{c[0]}:{c[3][:40]}" for c in CASES])
def test_stereoisomers_are_members_and_other_skeletons_are_not(rule, smiles, member, why, rules):
    ident = from_record("", None, smiles, NamedNode("urn:test:stereoisomers"))
    sub = Subject(NamedNode("urn:test:substance"), ident.formula, ident.smiles, ident.fractions)
    assert matches(rules[rule], sub) is member, why


POPS_RULE = "https://w3id.org/complygraph/id/rule/eu-pops/dechlorane-plus-anti-syn"
DP_DIASTEREOISOMERS = [  # two of Dechlorane Plus's stereoisomers, stereo-defined (RDKit's enumeration)
    "ClC1=C(Cl)[C@]2(Cl)[C@@H]3CC[C@@H]4[C@@H](CC[C@@H]3[C@@]1(Cl)C2(Cl)Cl)[C@@]1(Cl)C(Cl)=C(Cl)[C@@]4(Cl)C1(Cl)Cl",
    "ClC1=C(Cl)[C@@]2(Cl)[C@H]3CC[C@H]4[C@@H](CC[C@H]3[C@@]1(Cl)C2(Cl)Cl)[C@]1(Cl)C(Cl)=C(Cl)[C@]4(Cl)C1(Cl)Cl",
]


@pytest.mark.parametrize("smiles", DP_DIASTEREOISOMERS)
def test_eu_pops_dechlorane_plus_reaches_its_stereoisomers_though_the_entry_has_no_cas(smiles):
    """EU POPs Annex I Part A "Dechlorane Plus ... covering any of its individual anti- and syn-isomers or any
    combination thereof" (included 25 September 2025): the export gives no CAS number, so until the rule the entry
    concerned a placeholder only and every Dechlorane Plus record passed EU POPs."""
    _, specs = catalog()
    rule = next(r for r in rules_in(list(build_list(specs["eu-pops"]).triples())) if r.rule.value == POPS_RULE)
    ident = from_record("", None, smiles, NamedNode("urn:test:stereoisomers"))
    assert matches(rule, Subject(NamedNode("urn:test:dp"), ident.formula, ident.smiles, ident.fractions)) is True


CSCL_RULE = "https://w3id.org/complygraph/id/rule/jp-cscl-class1/"
CSCL_CASES = [  # (rule, SMILES, member, why): isomers with no CAS number of their own in the list
    ("item-40-dechlorane-plus-any-stereoisomer", DP_DIASTEREOISOMERS[0], True, "a stereo-defined Dechlorane Plus"),
    ("item-40-dechlorane-plus-any-stereoisomer", DP_DIASTEREOISOMERS[1], True, "another one"),
    ("item-39-methoxychlor-any-position", "COc1cccc(c1)C(c1cccc(OC)c1)C(Cl)(Cl)Cl", True, "m,m'-methoxychlor"),
    ("item-39-methoxychlor-any-position", "COc1ccccc1C(c1ccccc1OC)C(Cl)(Cl)Cl", True, "o,o'-methoxychlor"),
    ("item-39-methoxychlor-any-position", "COc1ccc(C(c2ccccc2)C(Cl)(Cl)Cl)c(OC)c1", False,
     "both methoxy groups on one ring: not bis(methoxyphenyl)"),
    ("item-39-methoxychlor-any-position", "COc1ccc(cc1)C(=C(Cl)Cl)c1ccc(OC)cc1", False, "the olefin (two Cl)"),
    ("item-39-methoxychlor-any-position", "COc1ccc(cc1)C(c1ccc(OC)c(Cl)c1)C(Cl)(Cl)Cl", False,
     "a ring-chlorinated analogue (formula C16H14Cl4O2)"),
]


@pytest.mark.parametrize("rule,smiles,member,why", CSCL_CASES, ids=[f"{c[0][:8]}:{c[3][:30]}" for c in CSCL_CASES])
def test_cscl_items_named_without_locants_or_stereodescriptors_reach_every_isomer_the_name_fits(
        rule, smiles, member, why):
    """化審法施行令 第一条第三十九号「一・一・一―トリクロロ―二・二―ビス（メトキシフェニル）エタン
    （別名メトキシクロル）」 and 第四十号 (デクロランプラス, a name with no stereodescriptor): before the rules the
    items reached CAS 72-43-5 and 13560-89-9 only."""
    _, specs = catalog()
    found = {r.rule.value: r for r in rules_in(list(build_list(specs["jp-cscl-class1"]).triples()))}
    ident = from_record("", None, smiles, NamedNode("urn:test:isomers"))
    sub = Subject(NamedNode("urn:test:isomer"), ident.formula, ident.smiles, ident.fractions)
    assert matches(found[CSCL_RULE + rule], sub) is member, why


def test_a_connectivity_rule_with_an_unreadable_structure_is_refused():
    bad = Rule(NamedNode(RULE + "bad"), NamedNode(RULE + "target"), connectivity=("C1CC(",))
    problems = Problems()
    check_rules([bad], "rules.ttl", problems)
    assert problems.items and "cg:memberByConnectivity" in str(problems.items[0])


def test_a_substance_without_a_structure_is_unknown_not_a_pass(rules):
    sub = Subject(NamedNode("urn:test:substance"), "C14H18O", None, ())
    assert matches(rules["lilial-any-stereoisomer"], sub) is None
