"""The impact of a RoHS exemption's end names the products of the EEE categories it ends for, not every product
holding the part (QA10 B04). Annex III 6(a) ("Lead as an alloying element in steel for machining purposes ... up
to 0,35 % lead by weight") ended for categories 1-7 and 10 after 17 May 2018 (replaced by 6(a)-I, Delegated
Directive (EU) 2018/739) and for categories 8, 9 and 11 after 11 December 2026 (data/eu-rohs/exemptions.csv): a
leaded-steel screw in a router (category 3) and an infusion pump (category 8) was reported for both products at
both dates; validation judged each product by its own category."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.impact import impact

from .shacl_cases import build, material, part, product, sub

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("exemption-products"),
                 [part("SCREW", 10000, material("m-screw", 10000, sub("7439-92-1", 30, exemption="6(a)"),
                                                category="steel"))],
                 LISTS, products=[product("ROUTER", "3", "SCREW"), product("PUMP", "8", "SCREW")])


def _products(store, since, until) -> list[tuple[str, list[str]]]:
    return [(r.part_id, [p[0] for p in r.products])
            for r in impact(store, "eu-rohs-annex-iii", dt.date(*since), dt.date(*until)) if r.part_id == "SCREW"]


def test_the_2018_end_for_categories_1_to_7_and_10_names_the_router_only(store):
    assert _products(store, (2018, 5, 17), (2018, 5, 18)) == [("SCREW", ["ROUTER"])]


def test_the_2026_end_for_categories_8_9_and_11_names_the_pump_only_and_not_the_day_before(store):
    assert _products(store, (2026, 12, 11), (2026, 12, 12)) == [("SCREW", ["PUMP"])]
    assert _products(store, (2026, 12, 10), (2026, 12, 11)) == []
