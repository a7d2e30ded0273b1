"""Impact of RoHS list changes (QA4, 2026-12-06).

B3: Directive 2011/65/EU Art. 4(1) and Annex II set the limits per homogeneous material ("0,1 % ... by weight in
homogeneous materials"; cadmium 0,01 %), lead, mercury and cadmium measured as the element. Impact showed only the
share of the article, with no over flag: DEHP at 5,000 ppm of a 1 g sleeve of a 100 g part read 0.005 %.

B4: Annex III entries end by their own dates. 6(a) for categories 8, 9 and 11 ends on 2026-12-11 (Delegated
Directive (EU) 2025/2364, not renewed: row of data/eu-rohs/exemptions.csv), within one version of the list, so
list-diff and impact on eu-rohs-annex-iii between 2026-12-01 and 2026-12-31 said nothing changed.
"""

from __future__ import annotations

import pytest

from complygraph.graph.entry_changes import changed_entries
from complygraph.graph.impact import impact
from complygraph.graph.queries import list_change

from .shacl_cases import build, material, part, product, sub

PB, PBO, DEHP = "7439-92-1", "1317-36-8", "117-81-7"
SIX_A = "https://w3id.org/complygraph/id/exemption/eu-rohs-annex-iii/6-a"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("rohs-impact"), [
        # B3: per material, not per article
        part("sleeve", 100_000, material("m-sleeve", 1000, sub(DEHP, 5)), material("m-rest", 99_000)),
        part("at-limit", 10_000, material("m-at", 10_000, sub(PB, 10))),  # 1,000 ppm: not over
        part("above-limit", 10_000, material("m-above", 10_000, sub(PB, "10.001"))),  # 1,000.1 ppm
        # lead monoxide is 92.83 % lead: 1,078 ppm holds 1,000.7 ppm of lead, 1,070 ppm 993.3 ppm
        part("pbo-over", 10_000, material("m-pbo-over", 10_000, sub(PBO, "10.78"))),
        part("pbo-under", 10_000, material("m-pbo-under", 10_000, sub(PBO, "10.70"))),
        # B4: 0.3 % lead in steel claimed under 6(a)
        part("pin-9", 10_000, material("m-pin-9", 10_000, sub(PB, 30, exemption="6(a)"), category="steel")),
        part("pin-9-low", 10_000, material("m-pin-9-low", 10_000, sub(PB, 5, exemption="6(a)"), category="steel")),
        part("pin-3", 10_000, material("m-pin-3", 10_000, sub(PB, 30, exemption="6(a)"), category="steel")),
        part("pin-none", 10_000, material("m-pin-none", 10_000, sub(PB, 30, exemption="6(a)"), category="steel")),
    ], LISTS, products=[product("instrument", "9", "pin-9", "pin-9-low"), product("tv", "3", "pin-3"),
                        product("unknown", "", "pin-none"),
                        product("box", "3", "sleeve", "at-limit", "above-limit", "pbo-over", "pbo-under")])


def _by_part(rows) -> dict[str, object]:
    return {r.part_id: r for r in rows}


def test_annex_ii_impact_flags_each_material_over_its_limit(store):
    rows = _by_part(impact(store, "eu-rohs-annex-ii", "2011-07-20", "2019-07-22"))
    sleeve = rows["sleeve"]
    assert sleeve.article_percent == pytest.approx(0.005)
    assert (sleeve.over_threshold, sleeve.limit_basis) == (True, "material")  # 5,000 ppm > 1,000 ppm


def test_annex_ii_impact_limit_edge_exactly_at_the_limit_is_not_over(store):
    rows = _by_part(impact(store, "eu-rohs-annex-ii", "2011-07-20", "2019-07-22"))
    assert rows["at-limit"].over_threshold is False
    assert rows["above-limit"].over_threshold is True


def test_annex_ii_impact_measures_lead_compounds_as_the_element(store):
    rows = _by_part(impact(store, "eu-rohs-annex-ii", "2011-07-20", "2019-07-22"))
    assert rows["pbo-over"].over_threshold is True
    assert rows["pbo-under"].over_threshold is False  # 1,070 ppm of PbO: 993 ppm of lead


def test_svhc_impact_keeps_the_article_basis(store):
    """DEHP joined the Candidate List on 2008-10-28; 5 mg in a 100 g article is 0.005 %, under 0.1 %."""
    rows = _by_part(impact(store, "eu-reach-svhc", "2008-10-27", "2008-10-28"))
    assert (rows["sleeve"].over_threshold, rows["sleeve"].limit_basis) == (False, "article")


def test_exemption_expiry_is_a_list_change_the_day_after_it_ends(store):
    assert SIX_A not in list_change(store, "eu-rohs-annex-iii", "2026-12-10", "2026-12-11").removed
    assert SIX_A in list_change(store, "eu-rohs-annex-iii", "2026-12-11", "2026-12-12").removed
    assert SIX_A in list_change(store, "eu-rohs-annex-iii", "2026-12-01", "2026-12-31").removed


def test_exemption_expiry_impact_names_the_claiming_parts_of_the_categories_it_ended_for(store):
    assert not [r for r in impact(store, "eu-rohs-annex-iii", "2026-12-10", "2026-12-11") if r.entry == SIX_A]
    rows = _by_part(r for r in impact(store, "eu-rohs-annex-iii", "2026-12-11", "2026-12-12") if r.entry == SIX_A)
    assert set(rows) == {"pin-9", "pin-9-low", "pin-none"}  # pin-3: 6(a) held for no category-3 product then
    assert rows["pin-9"].change == "removed" and rows["pin-9"].entry_name.startswith("6(a): Lead as an alloying")
    assert (rows["pin-9"].over_threshold, rows["pin-9"].limit_basis) == (True, "material")  # 3,000 ppm > 1,000
    assert rows["pin-9-low"].over_threshold is False  # 500 ppm: compliant without the exemption


def test_exemption_narrowed_to_fewer_categories_touches_only_those_products(store):
    """From 2018-05-18 (Delegated Directive (EU) 2018/739) categories 1-7 and 10 claim 6(a)-I instead; 6(a)
    stayed for 8, 9 and 11: a category-3 product loses it, a category-9 one does not."""
    change = {c.entry: c for c in changed_entries(store, "eu-rohs-annex-iii", "2018-05-17", "2018-05-18")}
    scopes = next(f for f in change[SIX_A].changes if f.field == "EEE scopes")
    assert "3" in scopes.removed and "11" not in scopes.removed
    rows = {r.part_id for r in impact(store, "eu-rohs-annex-iii", "2018-05-17", "2018-05-18") if r.entry == SIX_A}
    assert rows == {"pin-3"}
    assert not changed_entries(store, "eu-rohs-annex-iii", "2018-05-16", "2018-05-17")


def test_a_seamless_renewal_is_no_change(store):
    """6(a) for 8, 9 and 11: the Art. 5(5) continuation ends 2025-12-10, (EU) 2025/2364 holds from 2025-12-11."""
    assert SIX_A not in {c.entry for c in changed_entries(store, "eu-rohs-annex-iii", "2025-12-10", "2025-12-11")}
    assert not [r for r in impact(store, "eu-rohs-annex-iii", "2025-12-10", "2025-12-11") if r.entry == SIX_A]


def test_graphql_list_change_of_an_exemption_list_names_the_ended_exemption_and_its_parts(store):
    from .test_api import gql, serve

    server = serve(store)
    url = next(server)
    try:
        data = gql(url, """{ listChange(list: "eu-rohs-annex-iii", from: "2026-12-11", to: "2026-12-12") {
            removed { entry name } impacted { change entry part { id } overThreshold limitBasis } } }""")
    finally:
        next(server, None)
    change = data["data"]["listChange"]
    assert SIX_A in {e["entry"] for e in change["removed"]}
    pins = {i["part"]["id"]: i for i in change["impacted"] if i["entry"].startswith("6(a):")}
    assert set(pins) == {"pin-9", "pin-9-low", "pin-none"}
    assert (pins["pin-9"]["overThreshold"], pins["pin-9"]["limitBasis"]) == (True, "material")
