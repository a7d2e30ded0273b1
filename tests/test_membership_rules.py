"""Group membership rules as data (docs/membership-rules.md): every hand-checked case of tests/group_cases.py
(compounds, salts, congeners and isomers the legal texts reach without naming their CAS numbers, and near
misses they exclude) is a member of exactly the groups its legal text puts it in, whichever of the list and
the substance is loaded first; the findings then name the substance.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyoxigraph import NamedNode
from rdflib import URIRef

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import build_list, catalog, load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.errors import Problems
from complygraph.loaders.membership import check_rules, rules_in, stored_rules
from complygraph.vocab import ID, cg, substance_iri
from tests.group_cases import CASES
from tests.shacl_cases import build, hits, material, part, sub

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-pops", "jp-cscl-class1", "eu-reach-annex-xvii", "eu-reach-svhc"]
RULE_FILES = ["eu-rohs-annex-ii", "eu-pops", "jp-cscl-class1", "eu-reach-annex-xvii", "eu-reach-svhc"]


def _identities(folder: Path, cases) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    smiles = {}
    for c in cases:
        assert smiles.setdefault(c.cas, c.smiles) == c.smiles, f"two structures for {c.cas}"
    (folder / "identities.csv").write_text(
        "cas,smiles,source\n" + "".join(f'{cas},"{s}",tests/group_cases.py\n' for cas, s in sorted(smiles.items())))
    return folder


def _memberships(store) -> set[tuple[str, str]]:
    rows = store.select("SELECT ?rule ?s WHERE { ?m a cg:GroupMembership ; cg:member ?s ; cg:byRule ?rule }")
    return {(r["rule"].value, r["s"].value) for r in rows}


@pytest.fixture(scope="module")
def lists_then_substances(tmp_path_factory):
    store = open_store(None)
    load_reference(store, LISTS)
    import_compositions(store, _identities(tmp_path_factory.mktemp("ids"), CASES))
    return store


@pytest.fixture(scope="module")
def substances_then_lists(tmp_path_factory):
    store = open_store(None)
    import_compositions(store, _identities(tmp_path_factory.mktemp("ids"), CASES))
    load_reference(store, LISTS)
    return store


def test_every_rule_has_hand_checked_members_and_a_near_miss():
    rules = {r.rule.value for list_id in RULE_FILES for r in _shipped_rules(list_id)}
    positives = {c.rule for c in CASES if c.member}
    assert rules - positives == set(), "rules without a hand-checked member"
    assert sum(1 for c in CASES if not c.member) >= 10


def _shipped_rules(list_id: str):
    _, specs = catalog()
    builder = build_list(specs[list_id])
    return rules_in(list(builder.triples()))


@pytest.mark.parametrize("list_id", RULE_FILES)
def test_shipped_rules_compile_and_reach_their_targets(list_id, lists_then_substances):
    rules = _shipped_rules(list_id)
    assert rules
    problems = Problems()
    check_rules(rules, list_id, problems)
    assert not problems.items
    for r in rules:  # a rule whose target is not in the list would silently reach nothing
        assert lists_then_substances.ask("ASK WHERE { { ?t a cg:SubstanceGroup } UNION { ?t a cg:ListEntry } }",
                                         {"t": r.target}), r.rule.value


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule.rsplit('/', 1)[-1]}-{c.cas}-{c.member}")
def test_membership_follows_the_legal_text(case, lists_then_substances):
    member = (case.rule, substance_iri(cas=case.cas).value) in _memberships(lists_then_substances)
    assert member == case.member, case.citation


def test_membership_is_the_same_whichever_is_loaded_first(lists_then_substances, substances_then_lists):
    assert _memberships(substances_then_lists) == _memberships(lists_then_substances)


def test_a_member_is_concerned_by_the_entries_of_its_group(lists_then_substances):
    # potassium dichromate: not listed in Annex II by CAS, a member of "hexavalent chromium compounds"
    store = lists_then_substances
    rule = NamedNode(f"{ID}rule/eu-rohs-annex-ii/hexavalent-chromium-by-oxidation-state")
    (target,) = [r.target for r in stored_rules(store) if r.rule == rule]
    members = {r["s"].value for r in store.select("SELECT ?s WHERE { ?g cg:hasMember ?s }", {"g": target})}
    positives = {substance_iri(cas=c.cas).value for c in CASES if c.rule == rule.value and c.member}
    negatives = {substance_iri(cas=c.cas).value for c in CASES if c.rule == rule.value and not c.member}
    assert positives <= members and not negatives & members


# ------------------------------------------------------------------------------------------------------
# Findings name the substances and the basis

AT = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    # potassium dichromate K2Cr2O7 (294.18 g/mol, Cr 2 x 51.996 = 35.35 %): 30 mg = 3,000 ppm of the material,
    # 1,060.4 ppm of Cr > 1,000 ppm (RoHS Annex II "Hexavalent chromium (0,1 %)") -> violation naming it;
    # chromium(III) oxide Cr2O3 at 5,000 ppm: not hexavalent -> no finding; potassium PFOS (not in the identity
    # database, given by the company): POPs "PFOS, its salts and PFOSF", intentionally added -> finding
    store = build(tmp_path_factory.mktemp("findings"), [
        part("P1", 10000, material("M-K2CR2O7", 10000, sub("7778-50-9", 30))),
        part("P2", 10000, material("M-CR2O3", 10000, sub("1308-38-9", 50))),
        part("P3", 10000, material("M-PFOS", 10000, sub("2795-39-3", 1, intentional="yes"))),
    ], LISTS, identities="cas,smiles,source\n"
       '2795-39-3,"[K+].[O-]S(=O)(=O)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)F",test\n')
    return validate(store, ["eu-rohs", "eu-pops"], AT)


def test_potassium_dichromate_violates_as_chromium_and_is_named(findings):
    found = hits(findings, "")
    r = found["M-K2CR2O7"]
    assert "1,060" in r.message and "of Cr" in r.message and "7778-50-9" in r.message
    assert [str(v) for k, v in r.details if k == "substance"] == [substance_iri(cas="7778-50-9").value]
    assert str(r.detail("basis")) == "Cr"


def test_chromium_iii_oxide_is_not_hexavalent_chromium(findings):
    assert "M-CR2O3" not in hits(findings, "")


def test_a_pfos_salt_without_a_listed_cas_is_found_by_structure(findings):
    pops = [r for r in findings.results if r.pack == "eu-pops" and str(r.focus).endswith("M-PFOS")]
    assert [str(r.detail("substance")) for r in pops] == [substance_iri(cas="2795-39-3").value]
    assert "perfluorooctane-sulfonic" in str(pops[0].detail("entry"))


def test_the_report_graph_carries_each_substance(findings):
    g = findings.graph()
    subs = {str(o) for o in g.objects(None, URIRef(cg.substance.value))}
    assert substance_iri(cas="7778-50-9").value in subs and substance_iri(cas="2795-39-3").value in subs


def test_a_used_substance_with_a_formula_but_no_structure_is_a_warning_naming_the_groups(tmp_path):
    # 4,4'-dibromobiphenyl given by the company as a formula only: the PBB rule needs its structure (the
    # biphenyl ring system), so it can neither be placed in nor kept out of the group: reported, not passed
    store = build(tmp_path, [part("P1", 1000, material("M1", 1000, sub("92-86-4", 1)))], ["eu-rohs-annex-ii"],
                  identities="cas,formula\n92-86-4,C12H8Br2\n")
    report = validate(store, ["data-quality"], AT)
    (r,) = [r for r in report.results if str(r.focus) == substance_iri(cas="92-86-4").value]
    assert "no structure" in r.message and "polybrominated biphenyls" in r.message
    assert "polybrominated diphenyl ethers" not in r.message  # C12H8Br2 cannot match the PBDE formula


def test_a_reworded_export_entry_leaves_its_rule_unreached_and_says_so(tmp_path):
    # a newer POPs export that renames the PCB entry: its rule (polychlorinated biphenyls, Regulation (EU)
    # 2019/1021 Annex I) would reach nothing; load-list and validate warn instead of passing silently
    import openpyxl
    from typer.testing import CliRunner

    from complygraph.cli import app
    from complygraph.loaders.catalog import data_dir, list_warnings

    book = openpyxl.load_workbook(data_dir() / "echa" / "pops_list_full.xlsx")
    renamed = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "Polychlorinated Biphenyls (PCB)":
                    cell.value = "Polychlorinated biphenyls (PCBs)"
                    renamed += 1
    assert renamed
    export = tmp_path / "pops.xlsx"
    book.save(export)
    store_dir = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(app, ["load-lists", "--store", str(store_dir), "--list", "eu-pops"]).exit_code == 0
    result = runner.invoke(app, ["load-list", "eu-pops", str(export), "--store", str(store_dir)])
    assert result.exit_code == 0
    assert "polychlorinated-biphenyls" in result.output and "does not hold" in result.output
    store = open_store(store_dir, create=False)
    warnings = list_warnings(store, ["eu-pops"])
    assert any("rule/eu-pops/polychlorinated-biphenyls" in w for w in warnings)
    assert not any("polychlorinated-naphthalenes" in w for w in warnings)  # the other rules still reach
