"""REACH Annex XVII entries 68 and 79: the "related substances" groups (docs/membership-rules.md).

Entry 68 as replaced by Regulation (EU) 2021/1297, paragraph 2: articles "below ... 260 ppb for the sum of C9-C14
PFCA-related substances" from 25 February 2023; entry 79 as added by Regulation (EU) 2024/2462, paragraph 1:
"1 000 ppb for the sum of PFHxA-related substances" in a homogeneous material of textiles and footwear for the
general public from 10 October 2026. Until their groups had membership rules, both rows were listed, not
evaluated: 8:2 and 10:2 fluorotelomer alcohols, 6:2 fluorotelomer acrylates passed at any concentration.
260 ppb of 1,000 mg is 0.00026 mg; 1,000 ppb is 0.001 mg.
"""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]
FTOH_8_2, FTOH_10_2, FTA_8_2, PFDS = "678-39-7", "865-86-1", "27905-45-9", "335-77-3"
FTOH_6_2, FTA_6_2 = "647-42-7", "17527-29-6"
FTOH_7_1, PFOS, PFNONANE, PFHPA = "307-30-2", "1763-23-1", "375-96-2", "375-85-9"
F = "C(F)(F)"
IDENTITIES = "cas,smiles,source\n" + "".join(f'{cas},"{smiles}",test\n' for cas, smiles in {
    FTOH_8_2: "OCC" + F * 7 + "C(F)(F)F",
    FTOH_10_2: "OCC" + F * 9 + "C(F)(F)F",
    FTA_8_2: "C=CC(=O)OCC" + F * 7 + "C(F)(F)F",
    PFDS: "OS(=O)(=O)" + F * 9 + "C(F)(F)F",
    FTOH_7_1: "OC" + F * 6 + "C(F)(F)F",  # 7:1 FTOH (1H,1H-perfluorooctanol): C7F15- on carbon, one short
    PFOS: "OS(=O)(=O)" + F * 7 + "C(F)(F)F",  # C8F17- not on carbon: one short of n = 9
    PFNONANE: "F" + F * 8 + "C(F)(F)F",  # C9F19-F: excluded
    FTOH_6_2: "OCC" + F * 5 + "C(F)(F)F",
    FTA_6_2: "C=CC(=O)OCC" + F * 5 + "C(F)(F)F",
    PFHPA: "OC(=O)" + F * 5 + "C(F)(F)F",  # C6F13-C(=O)OH: excluded
}.items())


def _rows(store, day, *words: str) -> dict:
    """The findings of the rows whose message holds all of `words` (the entry and the limit tell the related
    substances' row from the acids' row of the same paragraph)."""
    return {k: v for k, v in hits(validate(store, ["eu-reach-annex-xvii"], day), "#ArticleRestrictions").items()
            if all(w in v.message for w in words)}


# ------------------------------------------------------------------ entry 68: C9-C14 PFCA-related substances

@pytest.fixture(scope="module")
def c9_c14_related(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pfca-related"), [
        part("p-8-2-at", 1000, material("m-ftoh-8-2-at", 1000, sub(FTOH_8_2, "0.00026"))),
        part("p-8-2-under", 1000, material("m-ftoh-8-2-under", 1000, sub(FTOH_8_2, "0.000259"))),
        part("p-10-2", 1000, material("m-ftoh-10-2", 1000, sub(FTOH_10_2, "0.001"))),
        part("p-fta", 1000, material("m-fta-8-2", 1000, sub(FTA_8_2, "0.001"))),
        part("p-pfds", 1000, material("m-pfds", 1000, sub(PFDS, "0.001"))),
        part("p-sum", 1000, material("m-sum", 1000, sub(FTOH_8_2, "0.00016"), sub(FTOH_10_2, "0.0001"))),
        part("p-7-1", 1000, material("m-ftoh-7-1", 1000, sub(FTOH_7_1, "1"))),
        part("p-pfos", 1000, material("m-pfos", 1000, sub(PFOS, "1"))),
        part("p-c9f20", 1000, material("m-perfluorononane", 1000, sub(PFNONANE, "1"))),
    ], LISTS, identities=IDENTITIES)


def _entry_68_related(store, day) -> dict:
    return _rows(store, day, "entry 68", "restricted at or above 0.26 ppm")


def test_c9_c14_pfca_related_substances_at_260_ppb_from_25_february_2023(c9_c14_related):
    assert _entry_68_related(c9_c14_related, dt.date(2023, 2, 24)) == {}
    found = _entry_68_related(c9_c14_related, dt.date(2023, 2, 25))
    assert set(found) == {"m-ftoh-8-2-at", "m-ftoh-10-2", "m-fta-8-2", "m-pfds", "m-sum"}
    assert "entry 68" in found["m-ftoh-8-2-at"].message


def test_the_finding_names_the_related_substances(c9_c14_related):
    found = _entry_68_related(c9_c14_related, dt.date(2023, 2, 25))
    assert FTOH_8_2 in found["m-ftoh-8-2-at"].message
    assert FTOH_8_2 in found["m-sum"].message and FTOH_10_2 in found["m-sum"].message
    assert PFDS in found["m-pfds"].message


def test_near_misses_are_not_c9_c14_pfca_related(c9_c14_related):
    # 7:1 FTOH (C7F15 on carbon), PFOS (C8F17 on sulfur), perfluorononane (C9F19-F, excluded): 1,000 ppm each
    found = _entry_68_related(c9_c14_related, dt.date(2026, 1, 1))
    assert not {"m-ftoh-7-1", "m-pfos", "m-perfluorononane", "m-ftoh-8-2-under"} & set(found)


def test_c9_c14_related_same_results_as_pyshacl(c9_c14_related):
    ours, reference = compare_with_pyshacl(c9_c14_related, ["eu-reach-annex-xvii"], dt.date(2023, 2, 25))
    assert ours == reference and ours


# ------------------------------------------------------------------ entry 79: PFHxA-related substances

@pytest.fixture(scope="module")
def pfhxa_related(tmp_path_factory):
    parts = [
        part("j-ftoh-at", 1000, material("m-ftoh-6-2-at", 1000, sub(FTOH_6_2, "0.001"))),
        part("j-ftoh-under", 1000, material("m-ftoh-6-2-under", 1000, sub(FTOH_6_2, "0.000999"))),
        part("j-fta", 1000, material("m-fta-6-2", 1000, sub(FTA_6_2, "0.001"))),
        part("j-pfhpa", 1000, material("m-pfhpa", 1000, sub(PFHPA, "1"))),
        part("j-8-2", 1000, material("m-ftoh-8-2-jacket", 1000, sub(FTOH_8_2, "1"))),
    ]
    return build(tmp_path_factory.mktemp("pfhxa-related"), parts, LISTS, identities=IDENTITIES, products=[
        {"id": "jacket", "categories": "", "parts": [p["id"] for p in parts], "uses": "general-public;textile"}])


def _entry_79_related(store, day) -> dict:
    return _rows(store, day, "entry 79", "restricted at or above 1 ppm")


def test_pfhxa_related_substances_at_1000_ppb_from_10_october_2026(pfhxa_related):
    assert _entry_79_related(pfhxa_related, dt.date(2026, 10, 9)) == {}
    found = _entry_79_related(pfhxa_related, dt.date(2026, 10, 10))
    # PFHpA (C6F13-C(=O)OH) and 8:2 FTOH (C6F13-CF2-X') are excluded; 999 ppb is under the limit
    assert set(found) == {"m-ftoh-6-2-at", "m-fta-6-2"}
    assert FTOH_6_2 in found["m-ftoh-6-2-at"].message and FTA_6_2 in found["m-fta-6-2"].message
    assert "entry 79" in found["m-fta-6-2"].message


def test_pfhxa_related_same_results_as_pyshacl(pfhxa_related):
    ours, reference = compare_with_pyshacl(pfhxa_related, ["eu-reach-annex-xvii"], dt.date(2026, 10, 10))
    assert ours == reference and ours
