"""Members named by CAS number (`cg:memberCas` rules): a group's members that a legal text or ECHA's list names
by number belong to it whether or not the identifier database knows the number. Found by a QA run on
2026-12-06: the database has no record under 25637-99-4 (HBCDD without positions), the HBCDD diastereoisomers,
four of the five PFHxS salts ECHA lists, or dichromic acid, so the structure rules never saw them and each
passed its pack with no finding at all (a false pass). A second QA run the same day found the same for potassium
and ammonium PFOS (2795-39-3, 29081-56-9) and BDE-47 (5436-43-1): the rules now name the CAS numbers of the EU POPs
rows for PFOS, penta-, hexa- and heptaBDE, PCB, PCN and methoxychlor, the hexa- and heptaBDE congeners of Stockholm
SC-4/14, and, for RoHS, the bromodiphenyl ethers and hexabromobiphenyl those texts name. BDE-47 itself is not named:
no legal text giving its CAS number was read (SC-4/18 was not found)."""

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
        # Regulation (EU) 2019/1021 Annex I Part A, PFOS row, CAS No 1763-23-1, 2795-39-3, 29457-72-5, 29081-56-9,
        # 70225-14-8, 56773-42-3, 251099-16-8, 4151-50-2, 31506-32-8, 1691-99-2, 24448-09-7, 307-35-7 and others
        part("pfos-k", KG, material("m-pfos-k", KG, sub("2795-39-3", 100, **added))),
        part("pfos-nh4", KG, material("m-pfos-nh4", KG, sub("29081-56-9", 100, **added))),
        part("pfos-dea", KG, material("m-pfos-dea", KG, sub("70225-14-8", 100, **added))),
        part("n-mefosa", KG, material("m-n-mefosa", KG, sub("31506-32-8", 100, **added))),
        # the "... and others" numbers of the pentaBDE, hexaBDE, heptaBDE, PCB and PCN rows
        part("penta", KG, material("m-penta", KG, sub("32534-81-9", 2000, **added))),
        part("hexa", KG, material("m-hexa", KG, sub("36483-60-0", 2000, **added))),
        part("hepta", KG, material("m-hepta", KG, sub("68928-80-3", 2000, **added))),
        part("pcb", KG, material("m-pcb", KG, sub("1336-36-3", 2000, **added))),
        part("pcn", KG, material("m-pcn", KG, sub("70776-03-3", 2000, **added))),
        # Stockholm SC-4/14: BDE-153 and BDE-154 (hexa), BDE-175 and BDE-183 (hepta)
        part("bde153", KG, material("m-bde153", KG, sub("68631-49-2", 2000, **added))),
        part("bde175", KG, material("m-bde175", KG, sub("446255-22-7", 2000, **added))),
        # methoxychlor ((EU) 2024/2570): one of the numbers its row names that the identifier database lacks
        part("mxc", KG, material("m-mxc", KG, sub("76733-77-2", 100, **added))),
        # not named by any text read, and not in the identifier database: BDE-47
        part("bde47", KG, material("m-bde47", KG, sub("5436-43-1", 2000, **added))),
        # a PFHxS salt (named for the PFHxS entry, not for PFOS)
        part("pfhxs-k", KG, material("m-pfhxs-k", KG, sub("3871-99-6", 100, **added))),
        # RoHS Annex II PBDE 0.1 %: BDE-154 at 2,000 ppm; hexaBDE (36483-60-0) at exactly 1,000 ppm is not above
        part("bde154", 1000, material("m-bde154", 1000, sub("207122-15-4", 2))),
        part("hexa-at", 1000, material("m-hexa-at", 1000, sub("36483-60-0", 1))),
        # RoHS Annex II PBB 0.1 %: hexabromobiphenyl (36355-01-8) at 2,000 ppm
        part("hbb", 1000, material("m-hbb", 1000, sub("36355-01-8", 2))),
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


def _pops_entries(report) -> dict[str, set[str]]:
    """material id -> the EU POPs entries (IRI tails) its intentional-presence findings name."""
    out: dict[str, set[str]] = {}
    for r in report.results:
        if str(r.shape).endswith("#IntentionalPresence"):
            out.setdefault(str(r.focus).rsplit("/", 1)[-1], set()).add(str(r.detail("entry")).rsplit("/", 1)[-1])
    return out


PFOS_ENTRY = "perfluorooctane-sulfonic-acid-pfos-its-salts-and-0d46582cd0"


def test_pfos_salts_and_derivatives_the_row_names_are_intentionally_present(store):
    from complygraph.graph.shacl import validate

    found = _pops_entries(validate(store, ["eu-pops"], AT))
    for m in ("m-pfos-k", "m-pfos-nh4", "m-pfos-dea", "m-n-mefosa"):
        assert PFOS_ENTRY in found.get(m, set()), (m, found.get(m))


def test_the_and_others_numbers_of_the_group_rows_are_intentionally_present(store):
    from complygraph.graph.shacl import validate

    found = _pops_entries(validate(store, ["eu-pops"], AT))
    expected = {"m-penta": "pentabromodiphenyl-ether-group-8993718a7d",
                "m-hexa": "hexabromodiphenyl-ether-group-693ca5f1d3",
                "m-hepta": "heptabromodiphenyl-ether-group-96fb9c182b",
                "m-pcb": "polychlorinated-biphenyls-pcb-1ba5539c31",
                "m-pcn": "polychlorinated-naphthalenes-2800fb6415"}
    for m, entry in expected.items():
        assert entry in found.get(m, set()), (m, found.get(m))


def test_the_stockholm_hexa_and_hepta_congeners_go_to_their_own_entry(store):
    from complygraph.graph.shacl import validate

    found = _pops_entries(validate(store, ["eu-pops"], AT))
    assert found.get("m-bde153") == {"hexabromodiphenyl-ether-group-693ca5f1d3"}, found.get("m-bde153")
    assert found.get("m-bde175") == {"heptabromodiphenyl-ether-group-96fb9c182b"}, found.get("m-bde175")


def test_a_methoxychlor_isomer_the_row_names_is_intentionally_present(store):
    from complygraph.graph.shacl import validate

    found = _pops_entries(validate(store, ["eu-pops"], AT))
    assert "cas-72-43-5" in found.get("m-mxc", set()), found.get("m-mxc")


def test_a_cas_no_text_read_names_stays_unplaced_and_is_reported_as_of_unknown_identity(store):
    # BDE-47 (5436-43-1): no legal text naming its CAS number was read, and the identifier database has no record
    # under it; no rule places it (no EU POPs finding), and the data-quality pack says its identity is unknown
    from complygraph.graph.shacl import validate

    assert "m-bde47" not in _pops_entries(validate(store, ["eu-pops"], AT))
    quality = [r for r in validate(store, ["data-quality"], AT).results if str(r.focus).endswith("/5436-43-1")]
    assert quality and "no formula known" in quality[0].message, quality
    # a number named for another entry places the substance there only: potassium PFHxS is not PFOS
    assert _pops_entries(validate(store, ["eu-pops"], AT)).get("m-pfhxs-k") == {
        "perfluorohexane-sulfonic-acid-pfhxs-its-salts-an-0146e841c9"}


def test_an_unnamed_cas_is_placed_when_another_rule_reaches_its_given_structure(tmp_path):
    # the same BDE-47, with the company's own structure: the tetraBDE structure rule places it
    from complygraph.graph.shacl import validate

    s = build(tmp_path, [part("bde47", KG, material("m-bde47", KG, sub("5436-43-1", 2000, intentional="yes")))],
              ["eu-pops"], identities="cas,smiles,source\n5436-43-1,Brc1ccc(Oc2ccc(Br)cc2Br)c(Br)c1,test\n")
    assert _pops_entries(validate(s, ["eu-pops"], AT)).get("m-bde47") == {"cas-40088-47-9"}


def test_pbde_congeners_and_hexabromobiphenyl_named_by_cas_are_above_the_rohs_limits(store):
    from complygraph.graph.shacl import validate

    found = hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert "m-bde154" in found and "207122-15-4" in str(found["m-bde154"].message), found.get("m-bde154")
    assert "m-hbb" in found and "36355-01-8" in str(found["m-hbb"].message), found.get("m-hbb")
    assert "m-hexa-at" not in found


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
