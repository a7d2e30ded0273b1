"""REACH Annex XVII restrictions on articles (Regulation (EC) No 1907/2006, Art. 67 and Annex XVII) as rules
on homogeneous materials (data/echa/annex-xvii-conditions.csv), each tested at its limit, just under it and
on the day it starts to apply; conditions of use, material kinds and the RoHS-EEE exclusion from the data."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import queries as q
from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

PB, CD, DEHP = "7439-92-1", "7440-43-9", "117-81-7"
AT = dt.date(2026, 11, 23)
LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xvii")
    return build(folder, [
        # entry 63 paragraph 15: lead in PVC "equal to or greater than 0,1 % by weight of the PVC material",
        # from 29 November 2024, not for EEE within the scope of Directive 2011/65/EU
        part("cable", 1000, material("m-pvc-at", 1000, sub(PB, 1), category="pvc-cable-insulation")),
        part("cable-under", 1000, material("m-pvc-under", 1000, sub(PB, "0.999"), category="pvc-cable-insulation")),
        part("cable-eee", 1000, material("m-pvc-eee", 1000, sub(PB, 2), category="pvc-cable-insulation")),
        # entry 23 paragraph 1: cadmium "equal to or greater than 0,01 % by weight of the plastic material"
        # (polypropylene, a listed polymer; "housing" alone names no material: tests/test_annex_xvii_qa5.py)
        part("housing", 1000, material("m-pp-at", 1000, sub(CD, "0.1"), category="PP housing")),
        part("housing-under", 1000, material("m-pp-under", 1000, sub(CD, "0.099"), category="PP housing")),
        # entry 51: DEHP in plasticised material of toys (paragraph 2) and of articles outside RoHS (paragraph 3)
        part("doll", 1000, material("m-toy", 1000, sub(DEHP, 1), category="pvc")),
        part("mat", 1000, material("m-mat", 1000, sub(DEHP, 1), category="pvc")),
        part("mat-eee", 1000, material("m-mat-eee", 1000, sub(DEHP, 1), category="pvc")),
    ], LISTS, products=[
        product("tv", "4", "cable-eee", "housing", "housing-under", "mat-eee"),
        {"id": "toy", "categories": "", "parts": ["doll"], "uses": "toy;general-public"},
    ])


def _found(store, day=AT) -> dict:
    return hits(validate(store, ["eu-reach-annex-xvii"], day), "#ArticleRestrictions")


def test_lead_in_pvc_from_29_november_2024_at_0_1_percent_and_not_below(store):
    assert "m-pvc-at" not in _found(store, dt.date(2024, 11, 28))
    found = _found(store, dt.date(2024, 11, 29))
    assert "m-pvc-at" in found and "m-pvc-under" not in found
    assert "entry 63" in str(found["m-pvc-at"].message) and "at or above 1,000 ppm" in str(found["m-pvc-at"].message)


def test_lead_in_pvc_does_not_apply_to_eee_within_rohs(store):
    assert "m-pvc-eee" not in _found(store)


def test_cadmium_in_plastics_at_0_01_percent_also_in_eee(store):
    found = _found(store)
    assert "m-pp-at" in found and "m-pp-under" not in found


def test_phthalates_in_toys_and_in_articles_outside_rohs_but_not_in_eee(store):
    found = _found(store)
    assert {"m-toy", "m-mat"} <= set(found) and "m-mat-eee" not in found
    assert "m-mat" not in _found(store, dt.date(2020, 7, 6))  # paragraph 3 applies from 7 July 2020


def test_lists_shows_evaluated_and_listed_only_entries(store):
    info = next(i for i in q.lists(store) if i.id == "eu-reach-annex-xvii")
    assert info.evaluated >= 8 and info.listed_only > 0 and info.entries == info.evaluated + info.listed_only
    nickel = store.select("""SELECT ?note WHERE { ?r cg:entryNumber "27" ; cg:evaluated false ; cg:note ?note }""")
    assert nickel and "not evaluated" in nickel[0]["note"].value


def test_validate_with_the_annex_xvii_pack_runs_from_the_cli(tmp_path):
    build(tmp_path / "d", [part("cable", 1000, material("m-pvc", 1000, sub(PB, 2), category="pvc"))], LISTS)
    runner, store = CliRunner(), str(tmp_path / "store")
    for list_id in LISTS:
        assert runner.invoke(app, ["load-lists", "--store", store, "--list", list_id]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "d" / "data"), "--store", store]).exit_code == 0
    result = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-reach-annex-xvii", "--at", "2026-11-23"])
    assert result.exit_code == 1 and "ArticleRestrictions" in result.output, result.output


@pytest.mark.parametrize("day", [dt.date(2024, 11, 29)])
def test_same_results_as_pyshacl(store, day):
    ours, reference = compare_with_pyshacl(store, ["eu-reach-annex-xvii"], day)
    assert ours == reference and ours


def test_annex_xvii_without_the_rohs_groups_stops_instead_of_passing_lead_in_pvc(tmp_path):
    # entries 23 and 63 name "cadmium/lead and its compounds": the RoHS Annex II groups reach every compound of
    # the element; with only the Annex XVII list loaded they reach nothing and lead in PVC would pass
    build(tmp_path / "d", [part("cable", 1000, material("m-pvc", 1000, sub(PB, 2), category="pvc"))], LISTS)
    runner, store = CliRunner(), str(tmp_path / "store")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-reach-annex-xvii"]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "d" / "data"), "--store", store]).exit_code == 0
    result = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-reach-annex-xvii", "--at", "2026-11-23"])
    assert result.exit_code == 2, result.output
    assert "load-lists --list eu-rohs-annex-ii" in " ".join(result.output.split())


# entry 20 paragraph 4(a): tri-substituted organostannic compounds "shall not be used after 1 July 2010" where
# "greater than the equivalent of 0,1 % by weight of tin" in articles, so from 2 July 2010; paragraph 5(a):
# dibutyltin compounds, the same limit, "after 1 January 2012" in articles for supply to the general public, so
# from 2 January 2012 (the day itself: tests/test_annex_xvii_qa5.py). Tributyltin chloride C12H27ClSn is 36.47 %
# tin, so 0.1 % tin is 2.742 mg in 1,000 mg; dibutyltin dichloride C8H18Cl2Sn is 39.07 % tin, 2.560 mg.
TBTCL, DBTCL = "1461-22-9", "683-18-1"


@pytest.fixture(scope="module")
def organotins(tmp_path_factory):
    return build(tmp_path_factory.mktemp("tins"), [
        part("tbt-over", 1000, material("m-tbt-over", 1000, sub(TBTCL, "2.75"))),
        part("tbt-under", 1000, material("m-tbt-under", 1000, sub(TBTCL, "2.74"))),
        part("dbt-public", 1000, material("m-dbt-public", 1000, sub(DBTCL, "2.57"))),
        part("dbt-trade", 1000, material("m-dbt-trade", 1000, sub(DBTCL, "2.57"))),
    ], LISTS, products=[{"id": "kettle", "categories": "", "parts": ["dbt-public"], "uses": "general-public"},
                        {"id": "machine", "categories": "", "parts": ["dbt-trade"]}])


def _entry_20(store, day) -> set[str]:
    return {k for k, v in _found(store, day).items() if "entry 20" in v.message}


def test_tributyltin_over_0_1_percent_tin_after_1_july_2010(organotins):
    assert _entry_20(organotins, dt.date(2010, 7, 1)) == set()
    assert _entry_20(organotins, dt.date(2010, 7, 2)) == {"m-tbt-over"}


def test_dibutyltin_only_in_articles_supplied_to_the_general_public_after_1_january_2012(organotins):
    assert _entry_20(organotins, dt.date(2012, 1, 1)) == {"m-tbt-over"}
    assert _entry_20(organotins, dt.date(2012, 1, 2)) == {"m-tbt-over", "m-dbt-public"}
    message = _found(organotins, dt.date(2012, 1, 2))["m-dbt-public"].message
    assert "of Sn (as the element)" in message and "683-18-1" in message


def test_organotins_same_results_as_pyshacl(organotins):
    ours, reference = compare_with_pyshacl(organotins, ["eu-reach-annex-xvii"], dt.date(2012, 1, 2))
    assert ours == reference and ours


# entry 68 paragraph 2 as replaced by Regulation (EU) 2021/1297: C9-C14 PFCAs ("linear and branched
# perfluorocarboxylic acids of the formula CnF2n+1-C(=O)OH where n = 8, 9, 10, 11, 12 or 13", "including their
# salts") in articles "below 25 ppb for the sum" from 25 February 2023. The row names six acids by CAS; before
# their group had a membership rule, a salt or a branched isomer passed. 25 ppb of 1,000 mg is 0.000025 mg.
APFN, PFNA_BRANCHED, PFDODA = "4149-60-4", "15899-31-7", "307-55-1"


@pytest.fixture(scope="module")
def pfcas(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pfcas"), [
        part("seal-at", 1000, material("m-pfna-salt-at", 1000, sub(APFN, "0.000025"))),
        part("seal-under", 1000, material("m-pfna-salt-under", 1000, sub(APFN, "0.0000249"))),
        part("seal-sum", 1000, material("m-pfca-sum", 1000, sub(PFNA_BRANCHED, "0.000015"), sub(PFDODA, "0.00001"))),
    ], LISTS)


def _entry_68(store, day) -> dict:
    return {k: v for k, v in _found(store, day).items() if "entry 68" in v.message}


def test_c9_c14_pfca_salts_and_branched_isomers_at_25_ppb_summed_from_25_february_2023(pfcas):
    assert _entry_68(pfcas, dt.date(2023, 2, 24)) == {}
    found = _entry_68(pfcas, dt.date(2023, 2, 25))
    assert set(found) == {"m-pfna-salt-at", "m-pfca-sum"}
    assert APFN in found["m-pfna-salt-at"].message
    assert PFNA_BRANCHED in found["m-pfca-sum"].message and PFDODA in found["m-pfca-sum"].message


def test_c9_c14_pfcas_same_results_as_pyshacl(pfcas):
    ours, reference = compare_with_pyshacl(pfcas, ["eu-reach-annex-xvii"], dt.date(2023, 2, 25))
    assert ours == reference and ours
