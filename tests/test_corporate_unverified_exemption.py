"""A company policy that follows the RoHS exemptions says "unknown" where the claimed exemption's status is
unverified, as eu-rohs does (a review of 2026-12-07: the corporate pack took the claim as holding and said nothing).

Seed 003 (the Nishishiba guideline), Table 1 footnote (*1): uses "for which an EU RoHS exemption is granted" are
out of the bans of A03-A06, A16 and A17. Whether 7(c)-II (Directive 2011/65/EU Annex III, "Lead in dielectric
ceramic in capacitors for a rated voltage of 125 V AC or 250 V DC or higher") is granted for category 4 after
24 February 2019 was not verified (Delegated Directive (EU) 2019/169 replaced the entry from 25 February 2019;
the replacement's dates were read in secondary summaries only): eu-rohs reports rohs:ExemptionStatusUnverified.
The corporate limits take the claim as holding (the eu-rohs limit does too), so the company's pack reports
corp:ExemptionStatusUnverified, at any concentration: its limits are not the Directive's (an intentional addition
of 50 ppm is banned, however little).
"""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-annex-xvii", "eu-pops",
         "eu-reach-svhc"]
PB = "7439-92-1"
ID = "https://w3id.org/complygraph/id/"
VERIFIED, UNVERIFIED = dt.date(2019, 2, 24), dt.date(2019, 2, 25)  # the day before and the day 2019/169 applies


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("corp-unverified"), [
        part("cap", 1000, material("m-cap", 1000, sub(PB, 2000, "ppm", "yes", "7(c)-II"), category="ceramic")),
        part("cap-low", 1000, material("m-cap-low", 1000, sub(PB, 50, "ppm", "yes", "7(c)-II"), category="ceramic")),
        part("plain", 1000, material("m-plain", 1000, sub(PB, 50, "ppm", "no"), category="ceramic")),
    ], LISTS, products=[product("tv", "4", "cap", "cap-low", "plain")])


@pytest.mark.parametrize("day", [VERIFIED, UNVERIFIED])
def test_an_unverified_claim_is_unknown_in_the_company_pack_as_in_eu_rohs(store, day):
    report = validate(store, ["corporate-example"], day)
    unverified = set(hits(report, "#ExemptionStatusUnverified"))
    expected = {"m-cap", "m-cap-low"} if day == UNVERIFIED else set()
    assert unverified == expected, (day, unverified)
    assert set(hits(validate(store, ["eu-rohs"], day), "#ExemptionStatusUnverified")) == (
        {"m-cap"} if day == UNVERIFIED else set())  # eu-rohs: over its limit only
    # the claim still excuses the limit and the intentional-addition ban: unknown, not non-compliant
    assert not {"m-cap", "m-cap-low"} & (set(hits(report, "#LeadLimit")) | set(hits(report, "#LeadIntentional")))
    index = status_index(store, report)
    for pid in ("cap", "cap-low"):
        status = index.part(f"{ID}part/{pid}", "corporate-example").status
        assert status == ("unknown" if day == UNVERIFIED else "compliant"), (pid, status)
    assert index.product(f"{ID}product/tv", "corporate-example").status == (
        "unknown" if day == UNVERIFIED else "compliant")


def test_a_use_with_no_claim_is_not_reported(store):
    assert "m-plain" not in hits(validate(store, ["corporate-example"], UNVERIFIED), "#ExemptionStatusUnverified")


def test_pyshacl_agrees(store):
    ours, reference = compare_with_pyshacl(store, ["corporate-example"], UNVERIFIED)
    assert ours == reference
