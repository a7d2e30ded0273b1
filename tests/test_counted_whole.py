"""A result measured as the element names each substance whose share of that element is not known and that was
therefore counted whole (RoHS Annex II: lead, mercury, cadmium as the element, Cr(VI) as chromium; Annex XVII
entries with an element basis). Counting whole keeps the limit from passing a compound of unknown formula
(a member named by CAS number only: the lead salts of C16-18 fatty acids, 91031-62-8, a member of "lead and its
compounds" by the ECHA exports, in no identity record), but the message said "ppm of Pb (as the element)" as if its
lead had been computed. (Until the shipped identity records, data/identity/, dichromic acid 13530-68-2 was the case.)
"""

from __future__ import annotations

import datetime as dt

from complygraph.graph.shacl import validate

from .shacl_cases import build, hits, material, part, sub

LEAD_FATTY_ACIDS = "91031-62-8"  # no identity record: counted whole
LEAD_OXIDE = "1317-36-8"  # PbO, Pb 92.83 %


def test_a_compound_counted_whole_is_named_so_beside_one_counted_by_its_element(tmp_path):
    """Regression (QA r50 follow-up): 5 mg of the lead fatty-acid salts + 5 mg PbO in 1 g is 5,000 + 4,641.59 ppm
    of Pb."""
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub(LEAD_FATTY_ACIDS, 5),
                                                       sub(LEAD_OXIDE, 5)))], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-rohs"], dt.date(2026, 12, 1)), "HomogeneousMaterialLimits")
    message = str(found["m1"].message)
    assert message.startswith("9,641.59 ppm of Pb (as the element)"), message
    assert f"{LEAD_FATTY_ACIDS} (counted whole: its share of Pb is not known)" in message
    assert f"{LEAD_OXIDE}," in message or message.endswith(LEAD_OXIDE)
    assert f"{LEAD_OXIDE} (counted whole" not in message


def test_an_exempted_use_counted_whole_is_named_so(tmp_path):
    """The exempted (sh:Info) result of the same limit: Annex III entry 6(c) (copper alloy containing up to 4 %
    lead by weight), 0.5 % of the lead fatty-acid salts counted whole."""
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub(LEAD_FATTY_ACIDS, 5, exemption="6(c)"),
                                                       category="brass"))],
                  ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    found = hits(validate(store, ["eu-rohs"], dt.date(2019, 1, 1)), "ExemptedUses")
    assert f"{LEAD_FATTY_ACIDS} (counted whole: its share of Pb is not known)" in str(found["m1"].message)


def test_a_substance_of_a_list_without_an_element_basis_is_named_plainly(tmp_path):
    """The other side: DEHP under RoHS is measured as the substance; its name carries no note."""
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub("117-81-7", 5)))], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-rohs"], dt.date(2026, 12, 1)), "HomogeneousMaterialLimits")
    assert str(found["m1"].message).endswith("substances: 117-81-7")
