"""REACH Annex XVII rows composition data cannot decide (`cg:evaluated false`) make a material "unknown" when it
holds their substance in a part declared for the uses they name; never compliant (QA5 B22: 10 % nickel in steel of
a part declared for skin contact and jewellery was compliant under eu-reach-annex-xvii and in `status`).

- Entry 27(1)(b), Regulation (EC) No 1907/2006 Annex XVII: nickel "and its compounds" shall not be used "in
  articles intended to come into direct and prolonged contact with the skin ... if the rate of nickel release ...
  is greater than 0,5 µg/cm2/week": a release rate (EN 1811), which no composition gives.
- Entry 20(6): dioctyltin compounds in listed articles for supply to the general public, "greater than the
  equivalent of 0,1 % by weight of tin": the article types are not in the data; under the limit nothing.
- Entry 79(2): PFHxA in textiles other than clothing for the general public from 10 October 2027 (no limit read).
"""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import compute as compute_status
from complygraph.vocab import ID

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

NICKEL, NICKEL_SULFATE, DOT_DILAURATE, PFHXA = "7440-02-0", "7786-81-4", "3648-18-8", "307-24-4"
AT = dt.date(2026, 12, 6)
LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("undecided"), [
        part("earring", 1000, material("m-ni", 1000, sub(NICKEL, 100), category="steel")),
        part("strap", 1000, material("m-niso4", 1000, sub(NICKEL_SULFATE, 1), category="steel")),
        part("screw", 1000, material("m-ni-screw", 1000, sub(NICKEL, 100), category="steel")),
        # dioctyltin dilaurate, Sn 15.96 %: 6.30 mg in 1 g = 1,005 ppm of Sn; 6.20 mg = 989.5 ppm
        part("dot-over", 1000, material("m-dot-over", 1000, sub(DOT_DILAURATE, "6.30"), category="pvc")),
        part("dot-under", 1000, material("m-dot-under", 1000, sub(DOT_DILAURATE, "6.20"), category="pvc")),
        part("curtain", 1000, material("m-pfhxa", 1000, sub(PFHXA, "0.001"), category="textile")),
    ], LISTS, products=[
        {"id": "watch", "categories": "", "parts": ["earring", "strap"],
         "uses": "skin-contact;jewellery;general-public"},
        {"id": "box", "categories": "", "parts": ["screw"], "uses": ""},
        {"id": "home", "categories": "", "parts": ["dot-over", "dot-under", "curtain"],
         "uses": "general-public;textile"},
    ])


def _undecided(store, day=AT) -> dict:
    return hits(validate(store, ["eu-reach-annex-xvii"], day), "#RestrictionUndecided")


def test_nickel_in_a_part_for_skin_contact_is_unknown_not_compliant(store):
    found = _undecided(store)
    assert "m-ni" in found and "entry 27" in str(found["m-ni"].message)
    assert "is not a concentration" in str(found["m-ni"].message)
    index = compute_status(store, ["eu-reach-annex-xvii"], AT)
    assert index.product(f"{ID}product/watch", "eu-reach-annex-xvii").status == "unknown"


def test_a_nickel_compound_is_reached_by_the_element_rule(store):
    assert "m-niso4" in _undecided(store)


def test_nickel_in_a_part_declared_for_no_use_of_the_entry_is_not_reported(store):
    assert "m-ni-screw" not in _undecided(store)


def test_dioctyltin_for_the_general_public_over_the_tin_limit_is_unknown_and_under_it_nothing(store):
    found = _undecided(store)
    assert "m-dot-over" in found and "entry 20" in str(found["m-dot-over"].message)
    assert "m-dot-under" not in found


def test_pfhxa_in_a_textile_other_than_clothing_is_unknown_from_10_october_2027(store):
    assert "m-pfhxa" not in _undecided(store, dt.date(2027, 10, 9))
    found = _undecided(store, dt.date(2027, 10, 10))
    assert "m-pfhxa" in found and "entry 79" in str(found["m-pfhxa"].message)
    # 0.001 mg in 1 g, counted once although the row names two uses (a join on them counted it twice)
    assert float(found["m-pfhxa"].detail("measured")) == 1


def test_the_undecided_rows_agree_with_pyshacl(store):
    ours, reference = compare_with_pyshacl(store, ["eu-reach-annex-xvii"], AT)
    assert ours == reference
