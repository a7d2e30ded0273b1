"""CSCL item 35 ハ is a closed list: the joint ministerial ordinance 令和六年厚生労働省・経済産業省・環境省令第四号
(e-Gov 506M60001500004) names 138 substances, transcribed with a structure per member in
data/jp-cscl/pfoa-related-ordinance.csv (data/provenance/cscl-pfoa-related-ordinance.md). Every member structure
written there must be a member of the item-35 group under the shipped rules of data/jp-cscl/membership-rules.ttl,
evaluated as tests/test_membership_rules.py evaluates them (the list's rules as `build_list` makes them, and
`membership.matches` on the identity `identity.from_record` computes from the SMILES): a listed substance the
rules do not reach would pass the CSCL pack although the ordinance names it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pytest
from pyoxigraph import NamedNode

from complygraph.loaders.catalog import build_list, catalog, data_dir
from complygraph.loaders.identity import from_record
from complygraph.loaders.membership import Rule, Subject, matches, rules_in

CSV = data_dir() / "jp-cscl" / "pfoa-related-ordinance.csv"
GROUP = "https://w3id.org/complygraph/id/group/jp-cscl-class1/item-35-pfoa-related-compounds"
KINDS = {"single", "closed-set", "counter-ion-family", "open-chain", "polymer"}
# Members the shipped rules do not reach (false passes), with the reason: strict xfail, so that a rule change
# that reaches them fails here until the entry is removed. Empty: every member written in the CSV is reached.
NOT_REACHED: dict[str, str] = {}


def _rows() -> list[dict[str, str]]:
    with CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _smiles(row: dict[str, str]) -> list[str]:
    return [s.strip() for s in row["smiles"].split(" | ") if s.strip()]


@dataclass(frozen=True)
class Member:
    id: str  # item number, member number in the item, form
    smiles: str


def _members() -> list[Member]:
    out = []
    for row in _rows():
        smiles = _smiles(row)
        for n, s in enumerate(smiles, 1):
            base = f"item-{row['item']}" + (f"-{n}" if len(smiles) > 1 else "")
            if row["kind"] == "counter-ion-family":
                # "…アミニウムの塩": any counter-ion; the organic cation alone and as its chloride
                charge = sum(int(c or "1") for c in re.findall(r"\+(\d?)\]", s))
                out += [Member(f"{base}-cation", s), Member(f"{base}-chloride", s + ".[Cl-]" * charge)]
            else:
                out.append(Member(base, s))
    return out


MEMBERS = _members()


@pytest.fixture(scope="module")
def item35_rules() -> list[Rule]:
    _, specs = catalog()
    rules = rules_in(list(build_list(specs["jp-cscl-class1"]).triples()))
    return [r for r in rules if r.target.value == GROUP]


_KANJI = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _kanji_number(s: str) -> int:
    total, digit = 0, 0
    for ch in s:
        if ch in "十百":
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
        else:
            digit = _KANJI[ch]
    return total + digit


def test_the_ordinance_has_138_items_numbered_1_to_138():
    rows = _rows()
    assert len(rows) == 138
    assert [int(r["item"]) for r in rows] == list(range(1, 139))
    assert [_kanji_number(r["item_ja"]) for r in rows] == list(range(1, 139))
    assert all(r["name_ja"] for r in rows)


def test_each_row_has_a_kind_and_the_structures_its_kind_calls_for():
    from rdkit import Chem
    from rdkit.Chem.rdMolDescriptors import CalcMolFormula

    for row in _rows():
        kind, smiles = row["kind"], _smiles(row)
        assert kind in KINDS, row["item"]
        if kind == "polymer":
            assert not smiles, row["item"]
        elif kind == "single":
            assert len(smiles) == 1, row["item"]
        elif kind == "closed-set":
            assert len(smiles) >= 2, row["item"]
        formulas = [CalcMolFormula(Chem.MolFromSmiles(s)) for s in smiles]
        assert row["formula"] == " | ".join(formulas), row["item"]


def test_the_item_35_group_has_rules(item35_rules):
    assert len(item35_rules) >= 3


@pytest.mark.parametrize("member", [
    pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=NOT_REACHED[m.id])) if m.id in NOT_REACHED else m
    for m in MEMBERS], ids=lambda m: m.id)
def test_every_listed_member_is_in_the_item_35_group(member, item35_rules):
    ident = from_record("", None, member.smiles, NamedNode("urn:test:cscl-pfoa-related-ordinance"))
    sub = Subject(NamedNode(f"urn:test:{member.id}"), ident.formula, ident.smiles, ident.fractions)
    reached = [r.rule.value.rsplit("/", 1)[-1] for r in item35_rules if matches(r, sub)]
    assert reached, f"{member.id} ({member.smiles}) is listed by the ordinance but no item-35 rule reaches it"
