"""Perfluoroalkyl moieties named by formula reach branched chains (loaders/perfluoroalkyl.py, `{Rf<n>}` in the
membership SMARTS).

Each rule below was written as a SMARTS from the terminal CF3, which reaches the straight chain only; the texts
name the moiety by formula, with no chain shape, or say "linear or branched" outright:
- EU POPs (Regulation (EU) 2019/1021 Annex I Part A), PFOS entry: "Perfluorooctane sulfonic acid and its
  derivatives (PFOS) C8F17SO2X";
- EU POPs, PFOA entry as amended by (EU) 2020/784, (iii): "any substances ... having a linear or branched
  perfluoroheptyl group with the moiety (C7F15)C as one of the structural elements", less exclusions (i) C8F17-X,
  X = F, Cl, Br, (iii) perfluoroalkyl carboxylic acids with >= 8 perfluorinated carbons, (v) PFOS derivatives;
- EU POPs, PFHxS entry as amended by (EU) 2023/1608, (iii): "any substance that contains the chemical moiety
  C6F13S- as one of its structural elements";
- CSCL Enforcement Order Art. 1 item 35 ハ: 「炭素原子と直接に結合するペンタデカフルオロアルキル基（炭素数が七の
  ものに限る。）を有する化合物」 (item 34's PFOA 「若しくはペルフルオロアルカン酸（構造が分枝であつて、炭素数が八のもの
  に限る。）」 and their salts excluded);
- CSCL item 37: 「（トリデカフルオロアルキル）スルホニル基（炭素数が六のものに限る。）又は［（トリデカフルオロアルキル）
  スルフィニル］オキシ基（炭素数が六のものに限る。）を有する化合物」 (item 36's PFHxS and branched isomers, and salts,
  excluded).
Before `{Rf<n>}` each branched case marked True here was not a member (a false pass).
"""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from complygraph.loaders.catalog import build_list, catalog
from complygraph.loaders.identity import from_record
from complygraph.loaders.membership import Rule, Subject, matches, rules_in
from complygraph.loaders.perfluoroalkyl import MAX_CARBONS, expand, isomers

RULE = "https://w3id.org/complygraph/id/rule/"
# perfluoro groups, straight and branched, written out (the attachment at the left)
C6_LINEAR = "C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)F"
C6_ISO = "C(F)(F)C(F)(F)C(F)(F)C(F)(C(F)(F)F)C(F)(F)F"  # perfluoro-4-methylpentyl
C6_GEM = "C(F)(C(F)(F)F)C(F)(C(F)(F)F)C(F)(F)C(F)(F)F"  # perfluoro-1,2-dimethylbutyl
C5_ISO = "C(F)(F)C(F)(F)C(F)(C(F)(F)F)C(F)(F)F"
C7_ISO = "C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(C(F)(F)F)C(F)(F)F"  # perfluoro-5-methylhexyl
C7_TERT = "C(C(F)(F)F)(C(F)(F)F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)F"  # perfluoro-1,1-dimethylpentyl
C8_ISO = "C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(C(F)(F)F)C(F)(F)F"  # perfluoro-6-methylheptyl
C8_LINEAR = "C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)F"

CASES = [
    # (rule, SMILES, member, why)
    ("eu-pops/pfos-c8f17so2x", f"NS(=O)(=O){C8_ISO}", True, "branched perfluorooctanesulfonamide: C8F17SO2X"),
    ("eu-pops/pfos-c8f17so2x", f"FS(=O)(=O){C8_ISO}", True, "branched PFOSF"),
    ("eu-pops/pfos-c8f17so2x", f"FS(=O)(=O){C8_LINEAR}", True, "linear PFOSF, as before"),
    ("eu-pops/pfos-c8f17so2x", f"NS(=O)(=O){C7_ISO}", False, "C7F15SO2: not C8F17"),
    ("eu-pops/pfos-c8f17so2x", f"NS(=O)(=O)CC{C6_LINEAR}", False, "6:2 FTSA amide: no C8F17 on the sulfonyl"),
    ("eu-pops/pfoa-related-c7f15-c", f"C=CC(=O)OCC{C7_ISO}", True,
     "2-(perfluoro-5-methylhexyl)ethyl acrylate (CAS 50836-65-2): a branched perfluoroheptyl on a carbon"),
    ("eu-pops/pfoa-related-c7f15-c", f"OC(=O){C7_TERT}", True, "a branched PFOA isomer, (C7F15)C"),
    ("eu-pops/pfoa-related-c7f15-c", f"OCC{C6_ISO}", False, "a branched C6F13 telomer alcohol: no C7F15"),
    ("eu-pops/pfoa-related-c7f15-c", f"OC(=O)C(F)(F){C7_ISO}", False,
     "perfluoro-7-methyloctanoic acid (branched PFNA, CAS 15899-31-7): exclusion (iii), 8 perfluorinated carbons"),
    ("eu-pops/pfoa-related-c7f15-c", f"F{C8_ISO}", False, "branched perfluorooctane: exclusion (i), C8F17-F"),
    ("eu-pops/pfoa-related-c7f15-c", f"OS(=O)(=O){C8_ISO}", False, "branched PFOS: exclusion (v), C8F17SO2X"),
    ("eu-pops/pfhxs-related-c6f13s", f"NS(=O)(=O){C6_ISO}", True, "branched perfluorohexanesulfonamide: C6F13S-"),
    ("eu-pops/pfhxs-related-c6f13s", f"CCN(CCO)S(=O)(=O){C6_GEM}", True,
     "an N-ethyl sulfonamido ethanol, branched C6F13"),
    ("eu-pops/pfhxs-related-c6f13s", f"NS(=O)(=O){C5_ISO}", False, "C5F11S: not C6F13"),
    ("eu-pops/pfhxs-related-c6f13s", f"NS(=O)(=O){C7_ISO}", False, "C7F15S: not C6F13"),
    ("jp-cscl-class1/item-37-c6f13-sulfonyl-or-sulfinyloxy", f"FS(=O)(=O){C6_ISO}", True,
     "branched perfluorohexanesulfonyl fluoride: a C6 tridecafluoroalkyl sulfonyl"),
    ("jp-cscl-class1/item-37-c6f13-sulfonyl-or-sulfinyloxy", f"COS(=O){C6_GEM}", True,
     "a methyl ester of a branched C6 perfluoroalkanesulfinic acid: a C6 [(tridecafluoroalkyl)sulfinyl]oxy"),
    ("jp-cscl-class1/item-37-c6f13-sulfonyl-or-sulfinyloxy", f"[K+].[O-]S(=O)(=O){C6_ISO}", False,
     "potassium branched PFHxS: item 36, not item 37"),
    ("jp-cscl-class1/item-37-c6f13-sulfonyl-or-sulfinyloxy", f"NS(=O)(=O){C5_ISO}", False, "C5: not C6"),
    ("jp-cscl-class1/item-35-c7f15-nonperfluorinated-carbon", f"CCOC(=O){C7_ISO}", True,
     "ethyl ester of a branched PFOA: a C7 pentadecafluoroalkyl on a carbon"),
    ("jp-cscl-class1/item-35-c7f15-nonperfluorinated-carbon", f"[Na+].[O-]C(=O){C7_ISO}", False,
     "sodium branched PFOA: item 34, not item 35"),
    ("jp-cscl-class1/item-35-c7f15-nonperfluorinated-carbon", f"CCOC(=O){C6_ISO}", False, "C6: not C7"),
    ("jp-cscl-class1/item-34-pfoa-linear-salts", f"CC[NH2+]CC.[O-]C(=O){C7_ISO}", True,
     "item 34: a branched C8 perfluoroalkanoic acid's diethylammonium salt (「又はこれらの塩」, any cation)"),
    ("jp-cscl-class1/item-34-pfoa-linear-salts", f"CC[NH2+]CC.[O-]C(=O){C6_ISO}", False, "C7 acid: not C8"),
    ("jp-cscl-class1/item-36-pfhxs-linear-salts", f"CC[NH2+]CC.[O-]S(=O)(=O){C6_ISO}", True,
     "item 36: a branched C6 perfluoroalkanesulfonic acid's diethylammonium salt (any cation)"),
    ("jp-cscl-class1/item-36-pfhxs-linear-salts", f"CC[NH2+]CC.[O-]S(=O)(=O){C5_ISO}", False, "C5: not C6"),
]


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    _, specs = catalog()
    out = {}
    for list_id in ("eu-pops", "jp-cscl-class1"):
        for r in rules_in(list(build_list(specs[list_id]).triples())):
            out[r.rule.value.removeprefix(RULE)] = r
    return out


def test_isomer_counts_are_those_of_the_alkyl_radicals():
    """OEIS A000598 (rooted trees with at most three children per node: the alkyl radicals CnH2n+1)."""
    assert [len(isomers(n)) for n in range(1, 10)] == [1, 1, 2, 4, 8, 17, 39, 89, 211]


def test_the_isomers_are_distinct_perfluoroalkyl_groups_of_n_carbons():
    from rdkit import Chem
    from rdkit.Chem.rdMolDescriptors import CalcMolFormula

    for n in (1, 6, 8):
        seen = set()
        for s in isomers(n):
            mol = Chem.MolFromSmiles("Cl" + s)  # the group on a chlorine: C(n)F(2n+1)Cl
            assert CalcMolFormula(mol) == f"C{n if n > 1 else ''}ClF{2 * n + 1}"
            seen.add(Chem.MolToSmiles(mol))
        assert len(seen) == len(isomers(n))


def test_a_group_outside_the_supported_sizes_is_refused():
    with pytest.raises(ValueError):
        expand("[#16;{Rf0}]")
    with pytest.raises(ValueError):
        expand(f"[#16;{{Rf{MAX_CARBONS + 1}}}]")


@pytest.mark.parametrize("rule,smiles,member,why", CASES, ids=[f"{c[0].split('/')[-1]}:{c[3][:50]}" for c in CASES])
def test_branched_moieties(rule, smiles, member, why, rules):
    ident = from_record("", None, smiles, NamedNode("urn:test:perfluoroalkyl-branching"))
    sub = Subject(NamedNode("urn:test:substance"), ident.formula, ident.smiles, ident.fractions)
    assert matches(rules[rule], sub) is member, why
