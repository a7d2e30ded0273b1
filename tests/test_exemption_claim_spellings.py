"""A valid exemption claim is read however the supplier spells it (loaders/exemption_claims.py). QA
(2026-12-06): brass with 3 % lead claiming RoHS Annex III 6(c) as `6c`, `RoHS 6(c)`, `III-6(c)`, `Annex III
6(c)`, the chemSHERPA code `RoHS_0254` or the exemption's wording was a violation, the claim read as an
exemption no list holds. Annex III 6(c) ("Copper alloy containing up to 4 % lead by weight") held on the date
below for categories 1-7 and 10 ((EU) 2018/741; data/eu-rohs/exemptions.csv)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.loaders.exemption_claims import claimed_exemption

from .shacl_cases import build, hits, material, part, product, sub

PB = "7439-92-1"
SPELLINGS = {"plain": "6(c)", "bare": "6c", "spaced": "6 (c)", "rohs": "RoHS 6(c)", "annex-dash": "III-6(c)",
             "annex": "Annex III 6(c)", "eu-rohs": "EU RoHS Annex III 6(c)", "code": "RoHS_0254",
             "wording": "Copper alloy containing up to 4 % lead by weight",
             # QA8 B04: each of these exempted nothing, a violation on a valid claim
             "wording-no-space": "Copper alloy containing up to 4% lead by weight",
             "id-and-wording": "6(c) - Copper alloy containing up to 4% lead by weight",
             "directive": "2011/65/EU Annex III 6(c)", "item": "Annex III item 6(c)"}
DAY = dt.date(2020, 1, 1)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    parts = [part(k, 1000, material(f"m-{k}", 1000, sub(PB, 30, exemption=v), category="brass"))
             for k, v in SPELLINGS.items()]
    parts.append(part("typo", 1000, material("m-typo", 1000, sub(PB, 30, exemption="6(z)"), category="brass")))
    store = build(tmp_path_factory.mktemp("spellings"), parts,
                  ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"],
                  products=[product("tv", "3", *SPELLINGS, "typo")])
    return validate(store, ["eu-rohs"], DAY)


def test_every_spelling_of_6c_exempts_the_brass(report):
    exempted = hits(report, "#ExemptedUses")
    limits = hits(report, "#HomogeneousMaterialLimits")
    assert {f"m-{k}" for k in SPELLINGS} <= set(exempted), sorted(set(exempted))
    assert not {f"m-{k}" for k in SPELLINGS} & set(limits)
    assert not {f"m-{k}" for k in SPELLINGS} & set(hits(report, "#ExemptionClaimUnmatched"))


def test_a_claim_of_no_listed_exemption_stays_a_violation_and_is_named(report):
    assert "m-typo" in hits(report, "#HomogeneousMaterialLimits")
    assert "6-z (eu-rohs-annex-iii)" in str(hits(report, "#ExemptionClaimUnmatched")["m-typo"].message)


@pytest.mark.parametrize(("text", "expected"), [
    ("7cI", ("eu-rohs-annex-iii", "7(c)-I")), ("13bI", ("eu-rohs-annex-iii", "13(b)-(I)")),
    ("RoHS 2(a)(1)", ("eu-rohs-annex-iii", "2(a)(1)")), ("IV-1a", ("eu-rohs-annex-iv", "1a")),
    ("Annex IV 1(a)", ("eu-rohs-annex-iv", "1a")), ("21(a)", ("eu-rohs-annex-iii", "21(a)")),
    ("EU RoHS 2 Annex III, 6(c)", ("eu-rohs-annex-iii", "6(c)")),
    # QA8 B04: a sub-entry numbered in arabic (7(c)-1), an id with its wording after a colon, the directive named
    ("7(c)-1", ("eu-rohs-annex-iii", "7(c)-I")), ("6(a)-1", ("eu-rohs-annex-iii", "6(a)-I")),
    ("7(a): Lead in high melting temperature type solders", ("eu-rohs-annex-iii", "7(a)")),
    ("Directive 2011/65/EU Annex III 7(c)-1", ("eu-rohs-annex-iii", "7(c)-I")),
    ("Annex IV, entry 13", ("eu-rohs-annex-iv", "13")), ("Annex III, item 6(c)", ("eu-rohs-annex-iii", "6(c)"))])
def test_ids_are_read_as_the_annex_writes_them(text, expected):
    assert claimed_exemption(text, "eu-rohs-annex-iii") == expected
