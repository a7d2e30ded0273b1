"""RoHS Annex III 6(b)-III, created by Commission Delegated Directive (EU) 2025/2364 (in force 11 December 2025):
lead as an alloying element in aluminium casting alloys "up to 0,3 % lead by weight", for categories 1-8, 9 other
than industrial monitoring and control instruments, and 10, until 30 June 2027 (TÜV Rheinland Japan, huak-cer and
chemradar summaries; the OJ annex was not read, so the row stays unverified). Until 2026-12-07 the row had no
limit: an aluminium with 5 % lead claiming 6(b)-III was exempted (a false pass). The limit is tested exactly at
0,3 % and just above, the end date on its last day and the day after."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, hits, material, part, product, sub

PB = "7439-92-1"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
TODAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    claim = {"exemption": "6(b)-III"}
    return build(tmp_path_factory.mktemp("6biii"), [
        part("at", 1000, material("m-at", 1000, sub(PB, 3, **claim), category="aluminium")),        # 0,30 %
        part("over", 1000, material("m-over", 1000, sub(PB, 3.01, **claim), category="aluminium")),  # 0,301 %
        part("five", 1000, material("m-five", 1000, sub(PB, 50, **claim), category="aluminium")),    # 5 %
    ], LISTS, products=[product("tv", "4", "at", "over", "five")])


def _found(store, day):
    report = validate(store, ["eu-rohs"], day)
    return {name: set(hits(report, name)) for name in ("#ExemptedUses", "#HomogeneousMaterialLimits")}


def test_6b_iii_exempts_lead_up_to_0_3_percent_and_not_above(store):
    found = _found(store, TODAY)
    assert "m-at" in found["#ExemptedUses"] and "m-at" not in found["#HomogeneousMaterialLimits"]
    for over in ("m-over", "m-five"):
        assert over in found["#HomogeneousMaterialLimits"], over
        assert over not in found["#ExemptedUses"], over


@pytest.mark.parametrize("day, exempted", [(dt.date(2025, 12, 10), False), (dt.date(2025, 12, 11), True),
                                           (dt.date(2027, 6, 30), True), (dt.date(2027, 7, 1), False)])
def test_6b_iii_holds_from_entry_into_force_to_30_june_2027(store, day, exempted):
    found = _found(store, day)
    assert ("m-at" in found["#ExemptedUses"]) is exempted
    assert ("m-at" in found["#HomogeneousMaterialLimits"]) is not exempted
