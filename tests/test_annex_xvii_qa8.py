"""REACH Annex XVII entries 47(5) and 62(2), regressions of QA8 B06: both were listed but not evaluated, so 7 mg/kg
chromium VI in a leather watch strap and 500 ppm phenylmercuric acetate (298 ppm Hg) in a thermostat's gasket were
compliant. Each limit is measured as its element (chromium of a hexavalent chromium compound, mercury), tested just
under and just over it and on the day before and the first day it applies, and against pySHACL (the reference)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, material, part, sub
from .test_annex_xvii_qa5 import PACK, _entry

DICHROMATE, CHROMIUM_III_OXIDE, PMA, PMN = "7778-50-9", "1308-38-9", "62-38-4", "26545-49-3"
LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]
KG = 1_000_000  # mg: a 1 kg material, so that the amounts below are its mg/kg


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    # Entry 47(5) (Reg. (EU) No 301/2014): "equal to or greater than 3 mg/kg (0,0003 % by weight) of the total dry
    # weight of the leather", from 1 May 2015. K2Cr2O7 is 35.35 % chromium: 8.49 mg/kg = 3.001 mg/kg Cr(VI),
    # 8.48 mg/kg = 2.998. Chromium(III) oxide is no chromium VI compound.
    # Entry 62(2) (Reg. (EU) No 848/2012): articles or parts "after 10 October 2017" if "the concentration of mercury
    # ... is equal to or greater than 0,01 % by weight". Phenylmercury acetate is 59.57 % mercury: 168 mg/kg = 100.07
    # mg/kg Hg, 167.8 = 99.96.
    parts = [
        part("strap-over", KG, material("strap-over", KG, sub(DICHROMATE, "8.49"), category="leather")),
        part("strap-under", KG, material("strap-under", KG, sub(DICHROMATE, "8.48"), category="leather")),
        part("strap-cr3", KG, material("strap-cr3", KG, sub(CHROMIUM_III_OXIDE, 500), category="leather")),
        part("strap-pvc", KG, material("strap-pvc", KG, sub(DICHROMATE, 500), category="pvc")),
        part("loose-strap", KG, material("loose-strap", KG, sub(DICHROMATE, 500), category="leather")),
        part("gasket-over", KG, material("gasket-over", KG, sub(PMA, 168), category="polyurethane")),
        part("gasket-under", KG, material("gasket-under", KG, sub(PMA, "167.8"), category="polyurethane")),
        part("gasket-pmn", KG, material("gasket-pmn", KG, sub(PMN, 500), category="polyurethane")),
    ]
    products = [{"id": "watch", "categories": "", "uses": "general-public;skin-contact",
                 "parts": ["strap-over", "strap-under", "strap-cr3", "strap-pvc"]},
                {"id": "thermostat", "categories": "9", "parts": ["gasket-over", "gasket-under", "gasket-pmn"]}]
    return build(tmp_path_factory.mktemp("annex-xvii-qa8"), parts + [], LISTS, products=products)


def test_chromium_vi_in_leather_in_contact_with_the_skin_from_3_mg_per_kg_as_chromium(store):
    found = _entry(store, dt.date(2026, 11, 23), "47")
    assert set(found) == {"strap-over"}, found
    assert "3.00" in str(found["strap-over"][0].message) and "Cr" in str(found["strap-over"][0].message)


def test_chromium_vi_in_leather_applies_from_1_may_2015(store):
    assert _entry(store, dt.date(2015, 4, 30), "47") == {}
    assert set(_entry(store, dt.date(2015, 5, 1), "47")) == {"strap-over"}


def test_chromium_vi_in_leather_needs_skin_contact_and_leather(store):
    """A leather part of no skin-contact product (loose-strap) and a PVC strap are outside paragraph 5."""
    found = _entry(store, dt.date(2026, 11, 23), "47")
    assert "loose-strap" not in found and "strap-pvc" not in found


def test_phenylmercury_compounds_in_an_article_from_0_01_percent_mercury_even_in_eee(store):
    found = _entry(store, dt.date(2026, 11, 23), "62")
    assert set(found) == {"gasket-over", "gasket-pmn"}, found
    assert "100.0" in str(found["gasket-over"][0].message)


def test_phenylmercury_compounds_apply_after_10_october_2017(store):
    assert _entry(store, dt.date(2017, 10, 10), "62") == {}
    assert set(_entry(store, dt.date(2017, 10, 11), "62")) == {"gasket-over", "gasket-pmn"}


def test_same_results_as_pyshacl(store):
    ours, reference = compare_with_pyshacl(store, PACK, dt.date(2026, 11, 23))
    assert ours == reference


DEHP, DIBP = "117-81-7", "84-69-5"


def test_rohs_leaves_dehp_bbp_dbp_in_toys_to_annex_xvii_entry_51(tmp_path):
    """QA8 B02. Directive 2011/65/EU Annex II, note added by (EU) 2015/863: "The restriction of DEHP, BBP and DBP
    shall not apply to toys which are already subject to the restriction of DEHP, BBP and DBP through entry 51 of
    Annex XVII". DIBP is not in the note; entry 51 still judges the toy's DEHP."""
    store = build(tmp_path, [
        part("toy-pvc", 1000, material("toy-pvc", 1000, sub(DEHP, "1.5"), sub(DIBP, "1.5"), category="pvc")),
        part("tv-pvc", 1000, material("tv-pvc", 1000, sub(DEHP, "1.5"), category="pvc")),
    ], LISTS, products=[{"id": "robot", "categories": "7", "uses": "toy;general-public", "parts": ["toy-pvc"]},
                        {"id": "tv", "categories": "4", "parts": ["tv-pvc"]}])
    day = dt.date(2026, 11, 23)
    rohs = [r for r in validate(store, ["eu-rohs"], day).results if str(r.shape).endswith("#HomogeneousMaterialLimits")]
    found = sorted((str(r.focus).rsplit("/", 1)[-1], str(r.message).rsplit(": ", 1)[-1]) for r in rohs)
    assert found == [("toy-pvc", DIBP), ("tv-pvc", DEHP)], found
    assert set(_entry(store, day, "51")) == {"toy-pvc"}
