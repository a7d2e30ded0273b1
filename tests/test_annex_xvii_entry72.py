"""REACH Annex XVII entry 72 (Reg. (EU) 2018/1513): the CMR substances of Appendix 12 in clothing, textiles in
contact with skin and footwear for consumers, "equal to or greater than" the concentration Appendix 12 gives,
"measured in homogeneous material", after 1 November 2020 (paragraph 1, read on legislation.gov.uk). Appendix 12
itself was read in no corpus: its 33 substances and limits come from two copies of a press release (2018-06-08,
2018-11-30), so each row is marked unverified and the entry's row for "the substances listed in Appendix 12"
keeps every consumer textile unknown. Before these rows a T-shirt fabric with 10 mg/kg benzene or 100 mg/kg
quinoline was only "unknown" under the entry. Each limit is tested exactly at it and just under; the extractable
metals as the element (arsenic trioxide at 1.3 mg/kg holds 0.98 mg/kg of arsenic); "(each)" limits per substance,
the phthalates' on their sum (whether the appendix says "individually or in combination" was not read: the sum
never passes what "each" would flag)."""

from __future__ import annotations

import datetime as dt

import pytest

from .shacl_cases import build, compare_with_pyshacl, material, part, sub
from .test_annex_xvii_qa5 import PACK, _entry

AT = dt.date(2026, 12, 7)
KG = 1_000_000  # mg: a 1 kg material, so that the amounts below are its mg/kg
BENZENE, QUINOLINE, FORMALDEHYDE, DMF = "71-43-2", "91-22-5", "50-00-0", "68-12-2"
LEAD, AS2O3, BAP, CHRYSENE, DNHP, DPP = "7439-92-1", "1327-53-3", "50-32-8", "218-01-9", "84-75-3", "131-18-0"
LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]

CASES = {  # material -> (substance, mg/kg, over the limit)
    "benzene-at": (BENZENE, "5", True), "benzene-under": (BENZENE, "4.99", False),
    "quinoline-at": (QUINOLINE, "50", True), "quinoline-under": (QUINOLINE, "49.9", False),
    "formaldehyde-at": (FORMALDEHYDE, "75", True), "formaldehyde-under": (FORMALDEHYDE, "74.9", False),
    "dmf-at": (DMF, "3000", True), "dmf-under": (DMF, "2999", False),
    "dnhp-at": (DNHP, "1000", True), "dnhp-under": (DNHP, "999", False),
    "lead-at": (LEAD, "1", True), "lead-under": (LEAD, "0.99", False),
    "arsenic-over": (AS2O3, "1.4", True), "arsenic-under": (AS2O3, "1.3", False),
}


def _product(pid: str, uses: str, *parts: str) -> dict:
    return {"id": pid, "categories": "", "uses": uses, "parts": list(parts)}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    parts = [part(m, KG, material(m, KG, sub(cas, amount), category="cotton")) for m, (cas, amount, _) in CASES.items()]
    # "(each)": two PAHs at 0.6 mg/kg each are each under 1 mg/kg
    parts.append(part("pahs", KG, material("pahs", KG, sub(BAP, "0.6"), sub(CHRYSENE, "0.6"), category="rubber")))
    # the phthalates' limit is taken on their sum (the appendix's "individually or in combination" not read)
    parts.append(part("phthalates", KG, material("phthalates", KG, sub(DNHP, 600), sub(DPP, 600), category="pvc")))
    parts.append(part("cable", KG, material("cable", KG, sub(BENZENE, 10), category="pvc")))
    products = [_product("shirt", "general-public;textile;skin-contact", *CASES, "pahs", "phthalates"),
                _product("charger", "general-public", "cable")]  # no textile or footwear article
    return build(tmp_path_factory.mktemp("entry72"), parts, LISTS, products=products)


def test_appendix_12_limits_at_and_under(store):
    found = _entry(store, AT, "72")
    for m, (_, _, over) in CASES.items():
        assert (m in found) is over, (m, found.get(m))
    assert "pahs" not in found and "cable" not in found
    assert "phthalates" in found


def test_appendix_12_rows_say_they_are_unverified_and_the_metal_basis(store):
    found = _entry(store, AT, "72")
    assert "unverified" in str(found["benzene-at"][0].message)
    assert "of As (as the element)" in str(found["arsenic-over"][0].message)


def test_the_textile_stays_unknown_under_the_unread_appendix(store):
    assert {"benzene-at", "benzene-under"} <= set(_entry(store, AT, "72", "#SubstancesUnlisted"))


@pytest.mark.parametrize("day, applies", [(dt.date(2020, 11, 1), False), (dt.date(2020, 11, 2), True)])
def test_appendix_12_applies_after_1_november_2020(store, day, applies):
    assert ("quinoline-at" in _entry(store, day, "72")) is applies


def test_same_results_as_pyshacl(store):
    ours, reference = compare_with_pyshacl(store, PACK, AT)
    assert ours == reference
