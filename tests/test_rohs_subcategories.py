"""RoHS dates per EEE scope: category 8 split into in vitro diagnostic medical devices (IVD) and the others,
category 9 into industrial monitoring and control instruments and the others (shapes/data/eee-scopes.ttl).

Directive 2011/65/EU Art. 4(3) applies the restrictions "to medical devices and monitoring and control
instruments which are placed on the market from 22 July 2014, to in vitro diagnostic medical devices which are
placed on the market from 22 July 2016, to industrial monitoring and control instruments which are placed on
the market from 22 July 2017", and the exemptions end per cell (Annex IV point 39, Delegated Directive
2014/70/EU: 21 July 2021 / 2023 / 2024). While categories were numbers, every category 8 product got the IVD
date. Each date is tested on its last day and the day after."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.shacl.preconditions import MissingInput
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.eee_scopes import covered_scopes, product_scope

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

PB = "7439-92-1"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]


def _mcp(pid: str) -> dict:  # Annex IV 39 "Lead in micro-channel plates (MCPs) ..."
    return part(pid, 1000, material(f"m-{pid}", 1000, sub(PB, 500, exemption="eu-rohs-annex-iv:39")))


def _lead(pid: str) -> dict:  # 0.2 % lead, no exemption: over the 0.1 % of Annex II once the restriction applies
    return part(pid, 1000, material(f"m-{pid}", 1000, sub(PB, 2)))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("subcategories"), [
        _mcp("mcp-ivd"), _mcp("mcp-plant"), _mcp("mcp-lab"), _mcp("mcp-both"),
        _lead("lead-ivd"), _lead("lead-plant"), _lead("lead-lab"),
    ], LISTS, products=[
        product("analyser", "8-ivd", "mcp-ivd", "mcp-both", "lead-ivd"),
        product("monitor", "8", "mcp-both"),
        product("plant-controller", "9-industrial", "mcp-plant", "lead-plant"),
        product("lab-meter", "9", "mcp-lab", "lead-lab"),
    ])


def _on(store, day):
    report = validate(store, ["eu-rohs"], day)
    return hits(report, "#ExemptedUses"), hits(report, "#HomogeneousMaterialLimits"), report


@pytest.mark.parametrize(("material", "last_day", "finding"), [
    ("m-mcp-ivd", dt.date(2023, 7, 21), "#ExemptionNotForCategory"),  # (b) in vitro diagnostic medical devices
    ("m-mcp-plant", dt.date(2024, 7, 21), "#ExemptionExpired"),  # (c) industrial monitoring and control instruments
    ("m-mcp-lab", dt.date(2021, 7, 21), "#ExemptionNotForCategory"),  # (a) other monitoring and control instruments
])
def test_annex_iv_39_holds_for_each_scope_until_its_own_date(store, material, last_day, finding):
    exempted, limits, _ = _on(store, last_day)
    assert material in exempted and material not in limits
    exempted, limits, report = _on(store, last_day + dt.timedelta(days=1))
    assert material in limits and material not in exempted
    assert material in hits(report, finding)  # the last date of point 39 ends it for every scope: expired


def test_a_part_in_an_ivd_and_in_another_medical_device_gets_the_earlier_date(store):
    # the part goes into the analyser (IVD, until 2023) and the monitor (category 8, until 2021): point 39 must
    # hold for every product the part goes into; where it does not, the finding is that product's scope's
    # (cg:eeeScope, QA12 B02), not a limits violation counted for the analyser too
    exempted, limits, report = _on(store, dt.date(2021, 7, 22))
    assert "m-mcp-both" not in limits and "m-mcp-both" not in exempted
    finding = hits(report, "#ExemptionNotForCategory")["m-mcp-both"]
    assert "category 8-non-ivd" in str(finding.message) and str(finding.detail("eeeScope")).endswith("/8-non-ivd")
    assert "m-mcp-ivd" in exempted


@pytest.mark.parametrize(("material", "first_day"), [
    ("m-lead-ivd", dt.date(2016, 7, 22)),    # Art. 4(3): in vitro diagnostic medical devices
    ("m-lead-plant", dt.date(2017, 7, 22)),  # Art. 4(3): industrial monitoring and control instruments
    ("m-lead-lab", dt.date(2014, 7, 22)),    # Art. 4(3): monitoring and control instruments
])
def test_lead_applies_to_each_scope_from_its_own_date(store, material, first_day):
    _, limits, _ = _on(store, first_day - dt.timedelta(days=1))
    assert material not in limits
    _, limits, _ = _on(store, first_day)
    assert material in limits


@pytest.mark.parametrize("day", [dt.date(2016, 7, 22), dt.date(2021, 7, 22), dt.date(2023, 7, 22)])
def test_same_results_as_pyshacl(store, day):
    ours, reference = compare_with_pyshacl(store, ["eu-rohs"], day)
    assert ours == reference


def test_a_product_written_with_its_category_number_only_takes_the_earliest_dates(store):
    # a store imported before scopes: the product has cg:eeeCategory 8 and no cg:eeeScope (graph/derived.py)
    store.update("""DELETE { ?p cg:eeeScope ?s } INSERT { ?p cg:eeeCategory 8 }
                    WHERE { ?p cg:eeeScope ?s FILTER(STRENDS(STR(?p), "/analyser")) }""")
    try:
        exempted, limits, _ = _on(store, dt.date(2021, 7, 22))
        assert "m-mcp-ivd" in limits and "m-mcp-ivd" not in exempted
    finally:
        store.update("""INSERT { ?p cg:eeeScope <https://w3id.org/complygraph/id/eee-scope/8-ivd> }
                        WHERE { ?p cg:eeeCategory 8 FILTER(STRENDS(STR(?p), "/analyser")) }""")
    exempted, _, _ = _on(store, dt.date(2021, 7, 22))
    assert "m-mcp-ivd" in exempted


def test_scope_notation():
    assert [s.notation for s in covered_scopes("8")] == ["8-ivd", "8-non-ivd"]
    assert [s.notation for s in covered_scopes("1-2, 9-industrial")] == ["1", "2", "9-industrial"]
    assert product_scope("8").notation == "8-non-ivd" and product_scope("9").notation == "9-non-industrial"
    assert product_scope(" 8-IVD ").notation == "8-ivd" and product_scope("11").notation == "11"
    for bad in ("12", "0", "8-ivdx", "ivd", "", "3-1"):
        with pytest.raises(ValueError):
            covered_scopes(bad)
    for bad in ("12", "1-7", "ivd"):
        with pytest.raises(ValueError):
            product_scope(bad)


def test_a_list_loaded_before_eee_scopes_stops_the_validation_naming_the_lists_to_reload(tmp_path):
    """A store whose RoHS lists were loaded by a release that wrote category numbers only: its exemption periods
    cover no EEE scope, so every claimed exemption would read as never valid. Validation stops (exit 2) and says
    which lists to reload; after the reload it runs."""
    store = build(tmp_path, [_mcp("mcp-ivd")], LISTS, products=[product("analyser", "8-ivd", "mcp-ivd")])
    store.update("DELETE { ?v cg:coversScope ?s } WHERE { ?v cg:validityOf ?e ; cg:coversScope ?s }")
    with pytest.raises(MissingInput) as failed:
        validate(store, ["eu-rohs"], dt.date(2023, 7, 21))
    assert "complygraph load-lists --list eu-rohs-annex-iii --list eu-rohs-annex-iv" in str(failed.value)
    assert "eu-rohs-annex-ii " not in str(failed.value)  # its application dates have their scopes
    load_reference(store, ["eu-rohs-annex-iii", "eu-rohs-annex-iv"])
    assert "m-mcp-ivd" in hits(validate(store, ["eu-rohs"], dt.date(2023, 7, 21)), "#ExemptedUses")
