"""A result measured as the element names each substance whose share of that element is not known and that was
therefore counted whole (RoHS Annex II: lead, mercury, cadmium as the element, Cr(VI) as chromium; Annex XVII
entries with an element basis). Counting whole keeps the limit from passing a compound of unknown formula
(a member named by CAS number only, as dichromic acid 13530-68-2 is by the ECHA entry "Acids generated from
chromium trioxide"), but the message said "ppm of Cr (as the element)" as if its chromium had been computed.
"""

from __future__ import annotations

import datetime as dt

from complygraph.graph.shacl import validate

from .shacl_cases import build, hits, material, part, sub

DICHROMIC_ACID = "13530-68-2"  # no identity record: counted whole
POTASSIUM_DICHROMATE = "7778-50-9"  # K2Cr2O7, Cr 35.35 %


def test_a_compound_counted_whole_is_named_so_beside_one_counted_by_its_element(tmp_path):
    """Regression (QA r50 follow-up): 5 mg dichromic acid + 5 mg K2Cr2O7 in 1 g is 5,000 + 1,767 ppm of Cr."""
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub(DICHROMIC_ACID, 5),
                                                       sub(POTASSIUM_DICHROMATE, 5)))], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-rohs"], dt.date(2026, 12, 1)), "HomogeneousMaterialLimits")
    message = str(found["m1"].message)
    assert message.startswith("6,767.47 ppm of Cr (as the element)"), message
    assert f"{DICHROMIC_ACID} (counted whole: its share of Cr is not known)" in message
    assert f"{POTASSIUM_DICHROMATE}," in message or message.endswith(POTASSIUM_DICHROMATE)
    assert f"{POTASSIUM_DICHROMATE} (counted whole" not in message


def test_an_exempted_use_counted_whole_is_named_so(tmp_path):
    """The exempted (sh:Info) result of the same limit: Annex III entry 9 (Cr(VI) in absorption refrigerator
    cooling solutions, up to 0,75 %), 0.5 % dichromic acid counted whole."""
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub(DICHROMIC_ACID, 5, exemption="9")))],
                  ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    found = hits(validate(store, ["eu-rohs"], dt.date(2019, 1, 1)), "ExemptedUses")
    assert f"{DICHROMIC_ACID} (counted whole: its share of Cr is not known)" in str(found["m1"].message)


def test_a_substance_of_a_list_without_an_element_basis_is_named_plainly(tmp_path):
    """The other side: DEHP under RoHS is measured as the substance; its name carries no note."""
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub("117-81-7", 5)))], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-rohs"], dt.date(2026, 12, 1)), "HomogeneousMaterialLimits")
    assert str(found["m1"].message).endswith("substances: 117-81-7")
