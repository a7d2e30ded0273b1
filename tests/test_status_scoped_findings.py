"""A finding that holds for one EEE scope only counts for the products of that scope (QA12 B02).

RoHS grants exemptions per EEE category (Directive 2011/65/EU Art. 5, Annex III): 8(b), cadmium in electrical
contacts, holds for categories 8, 9 and 11 since (EU) 2019/171, not for category 3. A relay declared (IPC-1752A
Class C) with cadmium over the threshold under 8(b) sits in a network switch (category 3) and in an industrial PLC
(9-industrial): in the switch it is a violation, in the PLC it is exempted (its validity there unverified, so
unknown). The statement's result for category 3 was counted for every product above the relay, and the PLC was
reported non-compliant because of the switch's category. The result now names the scope it holds for
(`cg:eeeScope`) and a product takes it only when it has that scope; the part itself keeps it (it is non-compliant
in one of its products)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.loaders.declarations import import_declarations

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub
from .test_declared_statements import _class_c

AT = dt.date(2026, 12, 7)
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
P = "https://w3id.org/complygraph/id/product/"
RELAY = "https://w3id.org/complygraph/id/part/RELAY"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scoped")
    store = build(folder, [part("RELAY", 1000), part("OTHER", 1000)], LISTS,
                  products=[product("switch", "3", "RELAY"), product("plc", "9-industrial", "RELAY"),
                            product("tv", "4", "OTHER"), product("uncat", "", "RELAY")])
    import_declarations(store, [_class_c(folder, "RELAY", ("EUROHS-1907", [("Cadmium/Cadmium Compounds", True,
                                                                            "8(b)")]), date="2026-07-01"),
                                _class_c(folder, "OTHER", ("EUROHS-1907", [("Cadmium/Cadmium Compounds", True,
                                                                            "8(b)")]), date="2026-07-01")])
    report = validate(store, ["eu-rohs"], AT)
    return report, status_index(store, report)


def test_the_category_result_names_its_scope(index):
    report, _ = index
    scoped = [r for r in report.results if str(r.shape).endswith("#DeclaredExemptionNotForCategory")]
    assert {str(r.focus).rsplit("/", 1)[-1] for r in scoped} == {"RELAY", "OTHER"}
    assert {str(r.detail("eeeScope")).rsplit("/", 1)[-1] for r in scoped} == {"3", "4"}


def test_a_product_does_not_take_another_products_category(index):
    _, status = index
    assert status.product(f"{P}switch", "eu-rohs").status == "non-compliant"
    assert status.product(f"{P}tv", "eu-rohs").status == "non-compliant"
    plc = status.product(f"{P}plc", "eu-rohs")
    assert plc.status == "unknown", [f.result.message for d in plc.deciding for f in d.findings]
    # the relay is listed under the PLC for what holds there, not for category 3
    messages = [str(f.result.message) for d in plc.deciding for f in d.findings]
    assert messages and not any("category 3 " in m for m in messages), messages


def test_a_product_of_no_known_category_takes_every_scope(index):
    """Its category may be category 3: a review found it compliant once the relay's result named scope 3."""
    _, status = index
    assert status.product(f"{P}uncat", "eu-rohs").status == "non-compliant"


def test_the_part_keeps_every_finding(index):
    _, status = index
    assert status.part(RELAY, "eu-rohs").status == "non-compliant"


# --- the same relay declared with its composition (IPC-1752A Class D) ------------------------------------------
# The RoHS limits result was one per material whatever the scope: a claim not valid for one scope of the material
# (8(b) for category 3) made the material a violation for every product, the PLC included. A use whose only
# claim, over the limit on its own, holds for another scope of the material is now left to the per-scope result
# (ExemptionNotForCategory, with cg:eeeScope). Cadmium: Annex II 0,01 %; 8(b): categories 8, 9 and 11 since
# 1 March 2020 ((EU) 2019/171).

CD, SILVER = "7440-43-9", "7440-22-4"


@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    contact = "electrical contact"
    store = build(tmp_path_factory.mktemp("scoped-composed"), [
        part("RELAY", 1000, material("contact", 100, sub(CD, 1, exemption="8(b)"), sub(SILVER, 99), category=contact)),
        # two cadmium substances of 60 ppm each under 8(b): over 100 ppm only together, so no per-scope result is
        # made for them and the material stays a violation for every product (never a pass for the switch)
        part("PAIR", 100_000, material("pair", 100_000, sub(CD, 6, exemption="8(b)"), sub("1306-19-0", "6.86",
                                                                                           exemption="8(b)"),
                                    sub(SILVER, "99987.14"), category=contact)),
        # two claims on one use: a per-scope result is made for single claims only, so the limit keeps it
        part("TWO", 1000, material("two", 100, sub(CD, 1, exemption="8(b);8(a)"), sub(SILVER, 99), category=contact)),
    ], LISTS, products=[product("switch", "3", "RELAY", "PAIR", "TWO"), product("plc", "9-industrial", "RELAY"),
                        product("uncat", "", "RELAY"), product("plc2", "9-industrial", "PAIR", "TWO")])
    report = validate(store, ["eu-rohs"], AT)
    return store, report, status_index(store, report)


def test_a_composed_material_under_a_claim_for_another_category_is_a_finding_of_that_scope(composed):
    _, report, _ = composed
    assert "contact" not in hits(report, "#HomogeneousMaterialLimits")
    finding = hits(report, "#ExemptionNotForCategory")["contact"]
    assert str(finding.detail("eeeScope")).endswith("/3") and "category 3" in str(finding.message)


def test_the_plc_does_not_take_the_switchs_category_from_a_composition(composed):
    _, _, status = composed
    assert status.product(f"{P}switch", "eu-rohs").status == "non-compliant"
    assert status.product(f"{P}uncat", "eu-rohs").status == "non-compliant"
    assert status.product(f"{P}plc", "eu-rohs").status == "unknown"  # 8(b)'s status for 9-industrial: unverified


def test_a_sum_over_the_limit_or_several_claims_stay_a_violation_for_every_product(composed):
    _, report, status = composed
    assert {"pair", "two"} <= set(hits(report, "#HomogeneousMaterialLimits"))
    assert status.product(f"{P}plc2", "eu-rohs").status == "non-compliant"


def test_composed_results_agree_with_pyshacl(composed):
    store, _, _ = composed
    ours, reference = compare_with_pyshacl(store, ["eu-rohs"], AT)
    assert ours == reference


def test_a_pack_without_per_scope_results_keeps_the_limit_violation(composed, tmp_path):
    """The waiver above relies on eu-rohs's per-scope results (`cg:perScopeExemptionResults true` on its limits
    shape). A company pack that reuses the limit component for the same list has no such results: leaving the use
    to them hid the switch's cadmium there entirely (a review of 2026-12-07), so the use stays its violation."""
    store, _, _ = composed
    pack = tmp_path / "company-rohs"
    pack.mkdir()
    (pack / "shapes.ttl").write_text("""
@prefix cg: <https://w3id.org/complygraph/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:company#Limits> a sh:NodeShape ; sh:targetClass cg:HomogeneousMaterial ; sh:severity sh:Violation ;
    cg:restrictionList <https://w3id.org/complygraph/id/list/eu-rohs-annex-ii> .
""")
    report = validate(store, ["company-rohs"], AT, pack_dirs=[tmp_path])
    assert {"contact", "pair", "two"} <= set(hits(report, "#Limits"))
