"""Rows of the 2011 annexes that had no end date though the law ends them: entries whose expiry the 2011 annex itself
states, read from the OJ text as adopted (OJ L 174, 1.7.2011; data/provenance/rohs-exemptions.md, third pass), and
entries a later act replaced (QA8 B01: 8(b) claimed for cadmium in a category 2 product in 2026 was exempted by the
2011 row, which (EU) 2019/171 replaced from 1 March 2020 by 8(b) for categories 8, 9 and 11 only). Open-ended, each
claim was exempt at every later date: a false pass. Tested on the last valid day and the day after, as the other
exemption dates (tests/test_rohs_exemptions.py)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from .shacl_cases import build, hits, material, part, product, sub
from .test_rohs_exemptions import HG, LISTS, PB, _by_shape

CD = "7440-43-9"
EXEMPTIONS = Path(__file__).resolve().parents[1] / "data" / "eu-rohs" / "exemptions.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("expiries-2011"), [
        # 2(b)(1) "Linear halophosphate lamps with tube > 28 mm (e.g. T10 and T12): 10 mg", "Expires on 13 April 2012"
        part("t12", 1000, material("m-t12", 1000, sub(HG, 8, exemption="2(b)(1)"), category="lamp")),
        # 2(b)(2) "Non-linear halophosphate lamps (all diameters): 15 mg", "Expires on 13 April 2016"
        part("circline", 1000, material("m-circline", 1000, sub(HG, 12, exemption="2(b)(2)"), category="lamp")),
        # 18(a) "Lead as activator in the fluorescent powder (1 % lead by weight or less) of discharge lamps when
        # used as speciality lamps for diazoprinting reprography, ...", "Expired on 1 January 2011"
        part("diazo", 1000, material("m-diazo", 1000, sub(PB, 5, exemption="18(a)"), category="lamp")),
        # 8(b) "Cadmium and its compounds in electrical contacts", 2011 wording for every category; (EU) 2019/171
        # replaced it from 1 March 2020 (8(b) for categories 8, 9 and 11; 8(b)-I for 1-7 and 10)
        part("relay", 1000, material("m-relay", 1000, sub(CD, 50, exemption="8(b)"), category="electrical contact")),
        part("relay-med", 1000, material("m-relay-med", 1000, sub(CD, 50, exemption="8(b)"),
                                         category="electrical contact")),
    ], LISTS, products=[product("luminaire", "5", "t12", "circline", "diazo"), product("fridge", "1", "relay"),
                        product("monitor", "9", "relay-med")])


@pytest.mark.parametrize("material_id, last_day", [("m-t12", dt.date(2012, 4, 13)),
                                                     ("m-circline", dt.date(2016, 4, 13))])
def test_halophosphate_lamp_exemptions_end_on_the_date_the_2011_annex_states(store, material_id, last_day):
    _, on = _by_shape(store, last_day)
    assert material_id in on("#ExemptedUses") and material_id not in on("#HomogeneousMaterialLimits")
    _, after = _by_shape(store, last_day + dt.timedelta(days=1))
    assert material_id in after("#HomogeneousMaterialLimits") and material_id not in after("#ExemptedUses")
    assert f"expired on {last_day.isoformat()}" in str(after("#ExemptionExpired")[material_id].message)


@pytest.mark.parametrize("day", [dt.date(2011, 7, 21), dt.date(2013, 1, 3), dt.date(2026, 11, 23)])
def test_lead_activator_exemption_18a_had_expired_before_the_directive_applied(store, day):
    report, at = _by_shape(store, day)
    assert "m-diazo" in at("#HomogeneousMaterialLimits") and "m-diazo" not in at("#ExemptedUses")
    assert hits(report, "#ExemptionExpired").get("m-diazo") is not None


def test_8b_replaced_by_2019_171_no_longer_covers_a_category_1_product(store):
    _, before = _by_shape(store, dt.date(2020, 2, 29))
    assert "m-relay" in before("#ExemptedUses") and "m-relay" not in before("#HomogeneousMaterialLimits")
    _, on = _by_shape(store, dt.date(2020, 3, 1))
    assert "m-relay" in on("#HomogeneousMaterialLimits") and "m-relay" not in on("#ExemptedUses")
    assert "ended on 2020-02-29" in str(on("#ExemptionNotForCategory")["m-relay"].message)
    _, later = _by_shape(store, dt.date(2026, 6, 1))  # the QA8 case
    assert "m-relay" in later("#HomogeneousMaterialLimits")


def test_8b_still_covers_category_9_after_its_replacement(store):
    _, on = _by_shape(store, dt.date(2026, 6, 1))
    assert "m-relay-med" in on("#ExemptedUses") and "m-relay-med" not in on("#HomogeneousMaterialLimits")


def test_no_open_ended_row_of_an_entry_that_a_later_row_of_the_same_entry_replaces():
    """A later row of the same entry is its text as a later act replaced it: the earlier row ends the day before."""
    rows = defaultdict(list)
    for r in csv.DictReader(EXEMPTIONS.open(encoding="utf-8")):
        rows[(r["annex"], r["exemption"])].append(r)
    open_ended = [(key, r["valid_from"]) for key, rs in rows.items() for r in rs if not r["valid_until"]
                  and any(o["valid_from"] > r["valid_from"] for o in rs)]
    assert open_ended == []
