"""A substance may be declared under several exemptions (IPC-1752A repeats `Exemption`); the use is exempted when
one of them holds (Directive 2011/65/EU Art. 4(6): an application listed in Annex III or IV). QA (2026-12-06):
only the first `Exemption` was read, so lead in brass claimed under 6(a)-I (steel, 0,35 %) and 6(c) (copper
alloy, 4 %) gave three violations."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

PB = "7439-92-1"
DAY = dt.date(2020, 1, 1)  # 6(c) for categories 1-7 and 10 from (EU) 2018/741 until 21 July 2021


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("several"), [
        part("both", 1000, material("m-both", 1000, sub(PB, 30, exemption="6(a)-I; 6(c)"), category="brass")),
        part("neither", 1000, material("m-neither", 1000, sub(PB, 50, exemption="6(a)-I;6(c)"), category="brass")),
        part("one", 1000, material("m-one", 1000, sub(PB, 30, exemption="6(a)-I"), category="brass")),
    ], ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"],
        products=[product("tv", "3", "both", "neither", "one")])


def test_one_holding_claim_of_two_exempts_the_use_without_violations(store):
    report = validate(store, ["eu-rohs"], DAY)
    assert "m-both" in hits(report, "#ExemptedUses")
    violations = {str(r.focus).rsplit("/", 1)[-1] for r in report.results if str(r.severity).endswith("Violation")}
    assert "m-both" not in violations


def test_when_no_claim_holds_the_limit_is_a_violation(store):
    """5 % lead in brass: above 6(c)'s 4 % and 6(a)-I's 0,35 %, and 6(a)-I is for steel."""
    assert "m-neither" in hits(validate(store, ["eu-rohs"], DAY), "#HomogeneousMaterialLimits")


def test_a_single_failing_claim_is_still_explained(store):
    report = validate(store, ["eu-rohs"], DAY)
    assert "m-one" in hits(report, "#HomogeneousMaterialLimits")
    assert "m-one" in hits(report, "#ExemptionWrongMaterial")


def test_same_results_as_pyshacl(store):
    ours, reference = compare_with_pyshacl(store, ["eu-rohs"], DAY)
    assert ours == reference


def test_every_exemption_element_of_an_ipc_substance_is_read_and_exported(tmp_path):
    from pathlib import Path

    from complygraph.exports.iec62474 import export_iec62474
    from complygraph.exports.ipc1752a import export_ipc1752a
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import load_reference
    from complygraph.loaders.declarations import import_declarations

    store = open_store(None)
    load_reference(store, ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    import_declarations(store, [Path(__file__).parent / "declarations" / "ipc-two-exemptions.xml"])
    claims = {r["ex"].value.rsplit("/", 1)[-1] for r in store.select("SELECT ?ex WHERE { ?o cg:claimedExemption ?ex }")}
    assert claims == {"6-a-i", "6-c"}
    for export in (export_ipc1752a, export_iec62474):  # and both go out again, one Exemption element each
        text = export(store, "P37", DAY).decode()
        assert 'identity="6(a)-I"' in text and 'identity="6(c)"' in text, export.__name__
