"""The Annex XVII exclusions of QA11 (RoHS EEE, toys, packaging, food contact as derived `cg:onlyInUse`; the HDPE
exception of the material classes, a REPLACE with flags; entry 72's SubstancesUnlisted) give the same findings on
the embedded store, Oxigraph's server and Virtuoso: the derived facts are one SPARQL update there."""

from __future__ import annotations

import datetime as dt

from complygraph.graph.shacl import validate

from .shacl_cases import build, material, part, sub

AT = dt.date(2026, 12, 7)
LEAD, DEHP, CADMIUM, NP2EO = "7439-92-1", "117-81-7", "7440-43-9", "20427-84-3"
KG = 1_000_000


def _product(pid: str, categories: str, uses: str, *parts: str) -> dict:
    return {"id": pid, "categories": categories, "uses": uses, "parts": list(parts)}


def test_annex_xvii_exclusions_are_the_same_on_every_engine(any_store, tmp_path):
    parts = [
        part("jacket-both", KG, material("jacket-both", KG, sub(LEAD, 2000), sub(DEHP, 2000), category="pvc")),
        part("jacket-lamp", KG, material("jacket-lamp", KG, sub(LEAD, 2000), sub(DEHP, 2000), category="pvc")),
        part("toy-part", KG, material("toy-part", KG, sub(LEAD, 600), category="pvc")),
        part("pack-part", KG, material("pack-part", KG, sub(LEAD, 600), category="pvc"), packaging=True),
        part("shared-part", KG, material("shared-part", KG, sub(LEAD, 600), category="pvc")),
        {**part("toy-own", KG, material("toy-own", KG, sub(LEAD, 600), category="pvc")), "uses": "toy"},
        part("blend", KG, material("blend", KG, sub(CADMIUM, 200), category="HDPE + PP")),
        part("hdpe", KG, material("hdpe", KG, sub(CADMIUM, 200), category="HDPE")),
        part("fabric", KG, material("fabric", KG, sub(NP2EO, 200), category="polyester")),
    ]
    products = [
        _product("lamp", "5", "general-public", "jacket-both", "jacket-lamp"),
        _product("reel", "", "general-public", "jacket-both"),
        _product("rattle", "", "toy;general-public;mouthable", "toy-part", "shared-part", "toy-own"),
        _product("gift-box", "", "general-public;mouthable", "pack-part"),
        _product("keyring", "", "general-public;mouthable", "shared-part", "toy-own"),
        _product("bin", "", "general-public", "blend", "hdpe"),
        _product("shirt", "", "general-public;textile", "fabric"),
    ]
    store = build(tmp_path, parts, ["eu-reach-annex-xvii", "eu-rohs-annex-ii"], products=products, into=any_store)
    report = validate(store, ["eu-reach-annex-xvii"], AT)
    found = {(str(r.focus).rsplit("/", 1)[-1], str(r.shape).rsplit("#", 1)[-1], str(r.message).split(" by ")[-1][:40])
             for r in report.results}
    flagged = {(focus, shape) for focus, shape, _ in found}
    assert {("jacket-both", "ArticleRestrictions"), ("shared-part", "ArticleRestrictions"),
            ("toy-own", "ArticleRestrictions"), ("blend", "ArticleRestrictions"), ("fabric", "ArticleRestrictions"),
            ("fabric", "SubstancesUnlisted")} <= flagged, sorted(found)
    assert not {focus for focus, _ in flagged} & {"jacket-lamp", "toy-part", "pack-part", "hdpe"}, sorted(found)
