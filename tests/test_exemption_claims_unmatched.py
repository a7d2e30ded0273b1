"""A claimed RoHS exemption that exempts nothing is reported (rohs:ExemptionClaimUnmatched, a Warning): an id no
loaded exemption list holds, or an exemption that concerns other substances. The limit applies as if nothing were
claimed (Directive 2011/65/EU Art. 4(1) and (6): only an exemption listed in Annex III or IV for that use lifts
the Annex II maximum), so these were never passes; but the import stored the claim and no finding named it
(QA 2026-12-06, B2: `99(z)`, an id within the known list eu-rohs-annex-iii).
"""

from __future__ import annotations

import datetime as dt

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

PB, HG, DEHP, PBO, FORMALDEHYDE = "7439-92-1", "7439-97-6", "117-81-7", "1317-36-8", "50-00-0"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
DAY = dt.date(2026, 12, 1)


def _store(tmp_path):
    return build(tmp_path, [
        part("typo", 1000, material("m-typo", 1000, sub(PB, 5, exemption="99(z)"))),
        part("other", 1000, material("m-other", 1000, sub(HG, 5, exemption="6(c)"))),
        part("not-yet", 1000, material("m-not-yet", 1000, sub(DEHP, 5, exemption="21(a)"))),
        part("annex-iv", 1000, material("m-annex-iv", 1000, sub(PB, 5, exemption="eu-rohs-annex-iv:99"))),
        part("brass", 1000, material("m-brass", 1000, sub(PB, 30, exemption="6(c)"), category="brass")),
        part("oxide", 1000, material("m-oxide", 1000, sub(PBO, 30, exemption="6(c)"), category="brass")),
        part("unrestricted", 1000, material("m-unrestricted", 1000, sub(FORMALDEHYDE, 5, exemption="6(c)"))),
    ], LISTS)


def test_a_claim_that_exempts_nothing_is_named_beside_the_limit_it_leaves_in_force(tmp_path):
    from complygraph.graph.shacl import validate

    report = validate(_store(tmp_path), ["eu-rohs"], DAY)
    found = hits(report, "ExemptionClaimUnmatched")
    assert set(found) == {"m-typo", "m-other", "m-not-yet", "m-annex-iv"}
    assert all(str(r.severity).endswith("Warning") for r in found.values())
    assert "exemption 99-z (eu-rohs-annex-iii) claimed for 7439-92-1" in str(found["m-typo"].message)
    assert "list eu-rohs-annex-iii as loaded holds no exemption of that id" in str(found["m-typo"].message)
    assert "exemption 6(c) (eu-rohs-annex-iii)" in str(found["m-other"].message)
    assert "it concerns lead-and-its-compounds, not this substance" in str(found["m-other"].message)
    assert "21-a (eu-rohs-annex-iii)" in str(found["m-not-yet"].message)
    assert "99 (eu-rohs-annex-iv)" in str(found["m-annex-iv"].message)
    limits = hits(report, "HomogeneousMaterialLimits")  # 5,000 ppm each: the claim lifted nothing
    assert {"m-typo", "m-other", "m-not-yet", "m-annex-iv"} <= set(limits)


def test_a_claim_for_a_group_member_or_an_unrestricted_substance_is_not_reported(tmp_path):
    """Lead oxide is a member of "lead and its compounds", which 6(c) concerns; formaldehyde is restricted by no
    Annex II entry, so a claim on it exempts nothing that needed exempting."""
    from complygraph.graph.shacl import validate

    found = hits(validate(_store(tmp_path), ["eu-rohs"], DAY), "ExemptionClaimUnmatched")
    assert not {"m-brass", "m-oxide", "m-unrestricted"} & set(found)


def test_unmatched_claims_agree_with_pyshacl(tmp_path):
    ours, reference = compare_with_pyshacl(_store(tmp_path), ["eu-rohs"], DAY)
    assert ours == reference
    assert any("ExemptionClaimUnmatched" in str(key) for key in ours)
