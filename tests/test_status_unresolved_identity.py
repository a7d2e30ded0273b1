"""A substance whose identity is unresolved (polypropylene, 9003-07-0: no formula in the identity database) makes
a product "unknown" only in the packs whose rules reach a group it could not be checked against, and never
hides the duties that are known (QA4 B5, 2026-12-06: one polymer made every product unknown in every pack,
the supplier survey included, and an SVHC above 0.1 % was no longer among the parts shown)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub

AT = dt.date(2026, 11, 23)
PP, DEHP, SILICA = "9003-07-0", "117-81-7", "7631-86-9"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
PACKS = ["data-quality", "eu-rohs", "eu-reach-svhc", "eu-packaging", "supplier-survey"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("unresolved"), [
        part("PP", 1000, material("m-pp", 1000, sub(PP, 1000))),
        part("TRAY", 1000, material("m-tray", 1000, sub(PP, 1000)), packaging=True),
        # 50 mg DEHP in a 10 g article, 0.5 %: Candidate List since 2008-10-28, above 0.1 %, an Art. 33 duty
        part("DUTY", 10_000, material("m-duty", 1000, sub(DEHP, 50), sub(SILICA, 950)),
             material("m-filler", 9000, sub(SILICA, 9000))),
    ], LISTS, products=[product("POLY", "3", "PP"), product("BOXED", "3", "TRAY"),
                        product("BOTH", "3", "PP", "DUTY")])
    return status_index(store, validate(store, PACKS, AT))


def _status(index, product_id: str, pack: str):
    return index.product(f"{ID}product/{product_id}", pack)


def test_an_unresolved_identity_is_unknown_in_the_packs_whose_groups_it_could_not_be_checked_against(index):
    for pack in ("data-quality", "eu-rohs", "eu-reach-svhc"):
        ps = _status(index, "POLY", pack)
        assert ps.status == "unknown" and [d.part for d in ps.deciding] == [f"{ID}part/PP"], pack


def test_an_unresolved_identity_does_not_make_the_supplier_survey_unknown(index):
    assert _status(index, "POLY", "supplier-survey").status == "compliant"


def test_packaging_is_unknown_only_when_a_packaging_component_holds_the_substance(index):
    assert _status(index, "POLY", "eu-packaging").status == "compliant"
    assert _status(index, "BOXED", "eu-packaging").status == "unknown"


def test_known_obligations_are_listed_under_an_unknown_status(index):
    ps = _status(index, "BOTH", "eu-reach-svhc")
    assert ps.status == "unknown"
    shown = {d.part.rsplit("/", 1)[-1]: {f.status for f in d.findings} for d in ps.deciding}
    assert shown == {"PP": {"unknown"}, "DUTY": {"obligations"}}
