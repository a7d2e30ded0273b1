"""RoHS Annex III 6(a)-I caps lead at 0,35 % in machining steel and at 0,2 % in batch hot dip galvanised steel
components (a review of 2026-12-07: one cap of 0,35 % for any steel exempted 0,3 % lead in a galvanised bracket).

Entry 6(a)-I as Delegated Directive (EU) 2018/739 granted it (categories 1-7 and 10), in the words recital (4) of
Delegated Directive (EU) 2025/2364 repeats: "lead as an alloying element in steel for machining purposes containing
up to 0,35 % lead by weight and in batch hot dip galvanised steel components containing up to 0,2 % lead by
weight". From 11 December 2025 (EU) 2025/2364 keeps machining steel in 6(a)-I and moves the galvanised components to
6(a)-II at 0,2 % (secondary summaries: data/provenance/rohs-exemptions-review-2026-12-07.md). "Up to" includes the
cap: 0,2 % is exempted, 0,21 % is not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, hits, material, part, product, sub

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
PB = "7439-92-1"
BEFORE, AFTER = dt.date(2020, 6, 1), dt.date(2026, 12, 6)  # under (EU) 2018/739; under (EU) 2025/2364
CASES = [  # material id, category, lead %, claim
    ("galv-030", "hot-dip galvanised steel bracket", "0.3", "6(a)-I"),
    ("galv-020", "hot-dip galvanised steel bracket", "0.2", "6(a)-I"),
    ("galv-021", "溶融亜鉛めっき鋼板", "0.21", "6(a)-I"),
    ("mach-035", "free-cutting steel", "0.35", "6(a)-I"),
    ("mach-036", "free-cutting steel", "0.36", "6(a)-I"),
    ("plain-030", "steel", "0.3", "6(a)-I"),
    ("galv-ii-020", "galvanized steel", "0.2", "6(a)-II"),
    ("galv-ii-021", "galvanized steel", "0.21", "6(a)-II"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    parts = [part(mid, 1000, material(mid, 1000, sub(PB, str(Decimal(pct) * 10), exemption=claim), category=cat))
             for mid, cat, pct, claim in CASES]
    return build(tmp_path_factory.mktemp("6a-galvanised"), parts, LISTS,
                 products=[product("switch", "3", *[c[0] for c in CASES])])


def _violations(store, day) -> set[str]:
    return set(hits(validate(store, ["eu-rohs"], day), "#HomogeneousMaterialLimits"))


def test_the_galvanised_cap_of_0_2_percent_under_2018_739(store):
    found = _violations(store, BEFORE)
    assert {"galv-030", "galv-021", "mach-036"} <= found, found
    assert not {"galv-020", "mach-035", "plain-030"} & found, found  # a steel not said to be galvanised: 0,35 %


def test_galvanised_steel_is_6a_ii_under_2025_2364(store):
    found = _violations(store, AFTER)
    assert {"galv-030", "galv-021", "mach-036", "galv-ii-021"} <= found, found
    assert not {"mach-035", "plain-030", "galv-ii-020"} & found, found
    # 6(a)-I no longer names galvanised components: even 0,2 % claimed under it is not exempted there
    assert "galv-020" in found
