"""Identity records complygraph ships for substances common in electronics material declarations
(data/identity/common-substances.csv): a Murata MLCC declaration's barium titanate had no formula, so no element or
structure rule could reach it and every part holding it was "unknown" for RoHS, REACH, POPs and CSCL."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.loaders.identity import SHIPPED_RECORDS, lookup, shipped_source
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub
from .test_unknown_identity import _warnings

AT = dt.date(2026, 6, 1)
COMMON = "identity/common-substances.csv"


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("complygraph.data").joinpath(name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_both_files_are_read_list_substances_first():
    assert SHIPPED_RECORDS == ("identity/list-substances.csv", COMMON)


def test_barium_titanate_resolves_to_batio3_with_its_element_fractions():
    ident = lookup("12047-27-7")
    assert ident is not None and ident.formula == "BaO3Ti"
    assert ident.source == shipped_source("12047-27-7")
    fractions = {el: float(f) for el, f in ident.fractions}
    assert set(fractions) == {"Ba", "Ti", "O"}
    assert fractions["Ba"] == pytest.approx(137.327 / 233.19, abs=1e-4)
    assert fractions["Ti"] == pytest.approx(47.867 / 233.19, abs=1e-4)
    assert fractions["O"] == pytest.approx(3 * 15.999 / 233.19, abs=1e-4)


def test_a_barium_titanate_capacitor_is_identified_and_rohs_compliant(tmp_path):
    """An MLCC whose dielectric is 90 % barium titanate (12047-27-7) with nickel electrodes: neither barium nor
    titanium is among the substances Directive 2011/65/EU Annex II restricts (lead, mercury, cadmium, hexavalent
    chromium, PBB, PBDE, DEHP, BBP, DBP, DIBP), so with its formula known the part is compliant for RoHS, and the
    data-quality pack no longer reports its identity unknown."""
    store = build(tmp_path, [part("MLCC", 10, material("dielectric", 10, sub("12047-27-7", 9), sub("7440-02-0", 1)))],
                  ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"],
                  products=[product("board", "3", "MLCC")])
    assert _warnings(store) == {}
    index = status_index(store, validate(store, ["data-quality", "eu-rohs"], AT))
    assert index.part(f"{ID}part/MLCC", "eu-rohs").status == "compliant"
    provenance = store.select(f"""SELECT ?label WHERE {{ <{ID}substance/cas/12047-27-7> prov:wasDerivedFrom ?s .
                                  ?s rdfs:label ?label }}""")
    assert [r["label"].value for r in provenance][0].startswith(f"complygraph {COMMON}, record of 12047-27-7: ")


def test_antimony_trioxide_resolves_to_sb2o3():
    ident = lookup("1309-64-4")
    assert ident is not None and ident.formula == "O3Sb2"
    assert {el for el, _ in ident.fractions} == {"O", "Sb"}


@pytest.mark.parametrize("row", _rows(COMMON), ids=lambda r: r["cas"])
def test_every_row_parses_and_names_its_source(row):
    from molmass import Formula
    from rdkit import Chem
    from rdkit.Chem.rdMolDescriptors import CalcMolFormula

    assert row["source"].strip() and row["name"].strip()
    composition = {el: item.count for el, item in Formula(row["formula"]).composition().items()}
    if row["smiles"]:
        mol = Chem.MolFromSmiles(row["smiles"])
        assert mol is not None
        assert {el: item.count for el, item in Formula(CalcMolFormula(mol)).composition().items()} == composition
    if row["source"].startswith("polymer:"):
        assert not row["smiles"], "a polymer gets no SMILES"


def test_no_shipped_record_shadows_the_database_or_another_file():
    from chemicals.identifiers import get_pubchem_db

    listed = {r["cas"] for r in _rows(SHIPPED_RECORDS[0])}
    common = [r["cas"] for r in _rows(COMMON)]
    assert len(common) == len(set(common))
    assert not listed & set(common)
    db = get_pubchem_db()
    for cas in listed | set(common):
        meta = db.search_CAS(cas)
        assert not (meta and getattr(meta, "CASs", None) == cas and meta.formula), cas


def test_glass_fibre_stays_unresolved(tmp_path):
    """Glass fibre (65997-17-3) has no fixed composition and glass can hold lead: it gets no formula, and the
    data-quality warning stays."""
    assert lookup("65997-17-3") is None
    store = build(tmp_path, [part("PCB", 10, material("laminate", 10, sub("65997-17-3", 10)))], ["eu-rohs-annex-ii"])
    assert list(_warnings(store)) == ["65997-17-3"]


def test_a_cas_number_in_two_shipped_files_is_a_bug_naming_both(monkeypatch):
    from complygraph.loaders import identity

    identity._shipped.cache_clear()
    monkeypatch.setattr(identity, "SHIPPED_RECORDS", (COMMON, COMMON))
    try:
        with pytest.raises(ValueError, match=f"{COMMON}, line 2: .* is also in {COMMON}"):
            identity._shipped()
    finally:
        identity._shipped.cache_clear()
