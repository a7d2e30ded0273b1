"""A REACH Annex XVII finding counts for the products in which its restriction's conditions of use hold.

A restriction is decided per homogeneous material on the uses of its part and of every product it goes into, and
the part keeps the finding; a product takes it only where the conditions hold in that product
(graph/status_conditions.py). Before, a material's finding counted for every product above its part:
- entry 50(6) (Regulation (EU) No 1272/2013: "any of the listed PAHs" above 0,5 mg/kg in rubber or plastic
  components of toys and childcare articles in contact with the skin or the oral cavity) made a scanner holding a
  toy's grip non-compliant, although the scanner's grip is held to 50(5) only (above 1 mg/kg);
- entries 63(15) (Regulation (EU) 2023/923: lead at or above 0,1 % of PVC) and 51(3) do not apply to EEE within
  Directive 2011/65/EU: a lamp sharing a PVC jacket with a hose reel took the reel's violation;
- entry 63(8)(k) takes toys (Directive 2009/48/EC) out of 63(7) (lead at or above 0,05 % in accessible parts that
  children can place in the mouth): a toy sharing a part with a keyring took the keyring's violation.
Not a false pass either way: the part stays non-compliant, and so does every product whose conditions hold.
"""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index

from .shacl_cases import build, material, part, sub

AT = dt.date(2026, 12, 7)
LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]
PACK = "eu-reach-annex-xvii"
BAP, LEAD = "50-32-8", "7439-92-1"
KG = 1_000_000  # mg: a 1 kg material, so that the amounts below are its mg/kg
P = "https://w3id.org/complygraph/id/product/"
PART = "https://w3id.org/complygraph/id/part/"


def _rubber(pid: str, bap, uses: str = "") -> dict:
    return {**part(pid, KG, material(pid, KG, sub(BAP, bap), category="rubber")), "uses": uses}


def _product(pid: str, categories: str, uses: str, *parts: str) -> dict:
    return {"id": pid, "categories": categories, "uses": uses, "parts": list(parts)}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    parts = [
        _rubber("grip", "0.8", "skin-contact"),  # over 50(6)'s 0,5, under 50(5)'s 1
        _rubber("grip-at", "1", "skin-contact"),  # 50(5): not above 1 mg/kg
        _rubber("grip-over", "1.01", "skin-contact"),  # above both
        {**part("handle", KG), "uses": "skin-contact"},  # an assembly in contact with the skin, holding:
        _rubber("handle-grip", "0.8"),
        _rubber("wheel", "0.8"),  # no use of its own: skin contact in the rattle only
        part("jacket", KG, material("jacket", KG, sub(LEAD, 2000), category="pvc")),  # 0,2 % lead in PVC
        part("bead", KG, material("bead", KG, sub(LEAD, 600), category="pvc")),  # 0,06 % in a mouthable part
    ]
    products = [
        _product("toy", "", "toy;general-public", "grip", "grip-at", "grip-over"),
        _product("scanner", "3", "general-public", "grip", "grip-at", "grip-over"),
        _product("toy-car", "", "toy;general-public", "handle"),
        _product("drill", "6", "general-public", "handle"),
        _product("rattle", "", "toy;general-public;skin-contact", "wheel"),
        _product("mouse", "3", "general-public", "wheel"),
        _product("lamp", "5", "general-public", "jacket"),
        _product("reel", "", "general-public", "jacket"),
        _product("teether", "", "toy;general-public;mouthable", "bead"),
        _product("keyring", "", "general-public;mouthable", "bead"),
    ]
    store = build(tmp_path_factory.mktemp("xvii-products"), parts, LISTS, products=products,
                  bom=[("handle", "handle-grip", 1)])
    report = validate(store, [PACK], AT)
    return report, status_index(store, report)


def _status(index, product: str) -> str:
    return index[1].product(P + product, PACK).status


def _messages(index, product: str) -> list[str]:
    return [str(f.result.message) for d in index[1].product(P + product, PACK).deciding for f in d.findings]


def test_a_grip_over_the_toy_limit_makes_the_toy_non_compliant_and_not_the_scanner(index):
    assert _status(index, "toy") == "non-compliant"
    assert index[1].part(PART + "grip", PACK).status == "non-compliant"  # the part keeps it
    # the scanner: grip-over (above 1 mg/kg) under paragraph 5 only, grip and grip-at not at all
    messages = _messages(index, "scanner")
    assert _status(index, "scanner") == "non-compliant"
    assert messages and all("paragraph 5" in m for m in messages), messages
    deciding = {d.part.rsplit("/", 1)[-1] for d in index[1].product(P + "scanner", PACK).deciding}
    assert deciding == {"grip-over"}


def test_the_toy_limit_reaches_a_grip_at_exactly_the_articles_limit_in_the_toy_only(index):
    toy = {d.part.rsplit("/", 1)[-1] for d in index[1].product(P + "toy", PACK).deciding}
    assert toy == {"grip", "grip-at", "grip-over"}


def test_the_uses_of_an_assembly_between_product_and_part_count(index):
    assert _status(index, "toy-car") == "non-compliant"  # toy (product) + skin contact (the handle)
    assert _status(index, "drill") == "compliant"  # skin contact, no toy: 0,8 mg/kg is under 50(5)


def test_a_use_of_another_product_does_not_count(index):
    assert _status(index, "rattle") == "non-compliant"
    assert _status(index, "mouse") == "compliant"  # no skin contact in the mouse


def test_a_restriction_not_for_rohs_eee_counts_for_the_product_outside_rohs_only(index):
    assert _status(index, "reel") == "non-compliant"
    assert _status(index, "lamp") == "compliant"
    assert index[1].part(PART + "jacket", PACK).status == "non-compliant"


def test_a_toy_is_out_of_63_7_while_the_keyring_sharing_its_part_is_not(index):
    assert _status(index, "keyring") == "non-compliant"
    assert _status(index, "teether") == "compliant"


def test_the_report_still_has_one_finding_per_material(index):
    report, _ = index
    found = sorted(str(r.focus).rsplit("/", 1)[-1] for r in report.results
                   if str(r.shape).endswith("#ArticleRestrictions"))
    assert found == sorted(["grip", "grip-at", "grip-over", "grip-over", "handle-grip", "wheel", "jacket", "bead"])


def test_the_uses_of_a_product_inside_another_product_count_for_the_outer_one(tmp_path):
    """A review of 2026-12-07: only assemblies' uses were read between product and part, so a general-public kit
    holding a toy (a product too) with the grip was compliant, although it holds a toy over 50(6)'s limit."""
    store = build(tmp_path, [_rubber("kit-grip", "0.8", "skin-contact")], LISTS,
                  products=[_product("toy-in-kit", "", "toy;general-public", "kit-grip"),
                            _product("kit", "", "general-public")])
    store.update(f"INSERT DATA {{ <urn:kit-line> cg:parent <{P}kit> ; cg:child <{P}toy-in-kit> ; cg:quantity 1 }}")
    status = status_index(store, validate(store, [PACK], AT))
    assert status.product(P + "toy-in-kit", PACK).status == "non-compliant"
    assert status.product(P + "kit", PACK).status == "non-compliant"


def test_a_bom_cycle_above_the_part_ends_the_walk_and_keeps_the_uses_in_it(tmp_path):
    """A BOM cycle (an assembly inside its own sub-assembly) is a data-quality finding; the walk up from the part
    must still end, and the uses of the assemblies in the cycle still count for the product above them."""
    store = build(tmp_path, [{**part("cyc-a", KG), "uses": "skin-contact"}, part("cyc-b", KG),
                             _rubber("cyc-grip", "0.8")], LISTS,
                  products=[_product("cyc-toy", "", "toy;general-public", "cyc-a"),
                            _product("cyc-scanner", "3", "general-public", "cyc-a")],
                  bom=[("cyc-a", "cyc-b", 1), ("cyc-b", "cyc-grip", 1)])
    # the import refuses a cycle in one file; two imports, or another writer, can still make one
    store.update(f"INSERT DATA {{ <urn:back-line> cg:parent <{PART}cyc-b> ; cg:child <{PART}cyc-a> ; cg:quantity 1 }}")
    status = status_index(store, validate(store, [PACK], AT))
    assert status.product(P + "cyc-toy", PACK).status == "non-compliant"  # toy, and skin contact in the cycle
    assert status.product(P + "cyc-scanner", PACK).status == "compliant"  # 0,8 mg/kg is under 50(5)'s 1
    assert status.part(PART + "cyc-grip", PACK).status == "non-compliant"


def test_an_excluded_use_declared_on_an_assembly_does_not_take_the_product_out(tmp_path):
    """63(8)(k) takes toys out of 63(7), as articles placed on the market: a keyring (not a toy) holding a
    sub-assembly declared a toy is still held to 63(7) (the product's own uses decide an exclusion; taking the
    assembly's would pass the keyring), while a toy product is out of it."""
    store = build(tmp_path, [{**part("figure", KG), "uses": "toy"},
                             part("fig-bead", KG, material("fig-bead", KG, sub(LEAD, 600), category="pvc"))], LISTS,
                  products=[_product("fig-keyring", "", "general-public;mouthable", "figure"),
                            _product("fig-teether", "", "toy;general-public;mouthable", "figure")],
                  bom=[("figure", "fig-bead", 1)])
    status = status_index(store, validate(store, [PACK], AT))
    assert status.product(P + "fig-keyring", PACK).status == "non-compliant"
    assert status.product(P + "fig-teether", PACK).status == "compliant"
