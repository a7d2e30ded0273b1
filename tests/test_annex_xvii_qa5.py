"""REACH Annex XVII (Regulation (EC) No 1907/2006), regressions of QA5 (B01, B06, B07, B13, B20), each at its limit
or date, just under or before it, and just over or after it, and against pySHACL (the reference)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.vocab import ID

from .shacl_cases import build, compare_with_pyshacl, material, part, sub

CD, PB, CU, ZN = "7440-43-9", "7439-92-1", "7440-50-8", "7440-66-6"
BAP, CHRYSENE, BEP = "50-32-8", "218-01-9", "192-97-2"
TBTCL, DBTCL, BPA, DEHP, DBP = "1461-22-9", "683-18-1", "80-05-7", "117-81-7", "84-74-2"
AT = dt.date(2026, 11, 23)
LISTS = ["eu-reach-annex-xvii", "eu-rohs-annex-ii"]
PACK = ["eu-reach-annex-xvii"]
README = Path(__file__).resolve().parents[1] / "shapes" / "eu-reach-annex-xvii" / "README.md"


def _results(store, day, shape: str) -> dict[str, list]:
    """material id -> every result of the shape for it (a limit per substance gives one result per substance)."""
    out: dict[str, list] = {}
    for r in validate(store, PACK, day).results:
        if str(r.shape).endswith(shape):
            out.setdefault(str(r.focus).rsplit("/", 1)[-1], []).append(r)
    return out


def _entry(store, day, entry: str, shape: str = "#ArticleRestrictions") -> dict[str, list]:
    return {m: rs for m, rs in ((m, [r for r in rs if f"entry {entry} " in str(r.message)])
                                for m, rs in _results(store, day, shape).items()) if rs}


# --- B01: entry 23(1), cadmium in the polymers the entry lists --------------------------------------------------

LISTED = {  # category -> the polymer of entry 23(1) it names
    "pp": "PP", "polypropylene": "PP", "PP-GF30 housing": "PP", "polyurethane foam": "PUR", "PUR": "PUR",
    "LDPE": "LDPE", "PET": "PET", "PBT": "PBT", "epoxy": "epoxy resins", "CA": "CA", "CAB": "CAB",
    "UP": "UP", "MF": "MF", "UF": "UF", "polystyrene": "PS", "HIPS": "HIPS", "AMMA": "AMMA", "VPE": "VPE",
    "pvc": "PVC", "plastic": "(unnamed plastic: counted, never passed)",
}
CADMIUM_AT, CADMIUM_UNDER = "0.1", "0.0999"  # mg in 1,000 mg: 100 ppm, the limit, and 99.9 ppm


def _key(category: str) -> str:
    return category.lower().replace(" ", "-")


@pytest.fixture(scope="module")
def cadmium(tmp_path_factory):
    parts = []
    for category in LISTED:
        k = _key(category)
        parts.append(part(f"at-{k}", 1000, material(f"at-{k}", 1000, sub(CD, CADMIUM_AT), category=category)))
        parts.append(part(f"under-{k}", 1000, material(f"under-{k}", 1000, sub(CD, CADMIUM_UNDER),
                                                         category=category)))
    for mid, category, amount in [
        ("alu-housing", "aluminium housing", "0.15"), ("abs", "ABS", "0.2"), ("pc", "polycarbonate", "0.2"),
        ("steel", "steel", "0.2"), ("no-category", "", "0.2"), ("no-category-at", "", CADMIUM_AT),
        ("no-category-under", "", CADMIUM_UNDER), ("housing", "housing", "0.2"), ("adhesive", "adhesive", "0.2"),
    ]:
        parts.append(part(mid, 1000, material(f"m-{mid}", 1000, sub(CD, amount), category=category)))
    return build(tmp_path_factory.mktemp("qa5-cadmium"), parts, LISTS)


def test_cadmium_in_every_polymer_entry_23_1_lists_at_0_01_percent_is_restricted(cadmium):
    """Entry 23 paragraph 1 as replaced by Reg. (EU) No 835/2012: articles "produced from the following synthetic
    organic polymers (hereafter referred to as plastic material): ... PVC, polyurethane (PUR), low-density
    polyethylene (LDPE) ..., cellulose acetate (CA), cellulose acetate butyrate (CAB), epoxy resins, melamine-
    formaldehyde (MF) resins, urea-formaldehyde (UF) resins, unsaturated polyesters (UP), polyethylene terephthalate
    (PET), polybutylene terephthalate (PBT), transparent/general-purpose polystyrene, acrylonitrile methylmethacrylate
    (AMMA), cross-linked polyethylene (VPE), high-impact polystyrene, polypropylene (PP)" shall not be placed on the
    market "if the concentration of cadmium (expressed as Cd metal) is equal to or greater than 0,01 % by weight of
    the plastic material". Before: only categories with "plastic|polymer|pvc|abs|housing|resin|mould|laminate"
    were plastic, so 200 ppm Cd in PP, PUR, PET, LDPE or epoxy passed."""
    found = _entry(cadmium, AT, "23")
    for category, polymer in LISTED.items():
        k = _key(category)
        assert f"at-{k}" in found, (category, polymer)
        assert f"under-{k}" not in found, (category, polymer)
        assert "at or above 100 ppm" in str(found[f"at-{k}"][0].message)


def test_an_aluminium_housing_or_an_unlisted_polymer_is_not_the_plastic_material_of_entry_23_1(cadmium):
    """Entry 23(1) applies to the listed polymers only (Reg. (EU) No 835/2012; ABS and polycarbonate are not
    among them). Before: "housing" made any material plastic, so Cd 150 ppm in an aluminium housing was a
    violation of entry 23(1)."""
    for shape in ("#ArticleRestrictions", "#MaterialKindUnknown"):
        found = _entry(cadmium, AT, "23", shape)
        assert not {"m-alu-housing", "m-abs", "m-pc", "m-steel"} & set(found), (shape, found)


def test_cadmium_in_a_material_of_no_known_kind_is_unknown_for_entry_23_1_not_passed(cadmium):
    """Entry 23(1) limits Cd to "0,01 % by weight of the plastic material": whether a material is plastic
    material is decided by its category. Before: a material with no category (or one no material class knows)
    was silently outside the restriction; now it is a warning naming the entry and the kind of material, with
    status "unknown", from the limit (100 ppm, "equal to or greater than") and not under it."""
    found = _entry(cadmium, AT, "23", "#MaterialKindUnknown")
    assert {"m-no-category", "m-no-category-at", "m-housing", "m-adhesive"} <= set(found)
    assert "m-no-category-under" not in found
    message = str(found["m-no-category"][0].message)
    assert "entry 23" in message and "plastic material" in message and "unknown" in message
    assert "m-no-category" not in _entry(cadmium, AT, "23")  # not decided as a violation either
    # the material's part is "unknown" in the pack's status, not compliant
    index = status_index(cadmium, validate(cadmium, PACK, AT))
    assert index.part(f"{ID}part/no-category", "eu-reach-annex-xvii").status == "unknown"
    assert index.part(f"{ID}part/no-category-under", "eu-reach-annex-xvii").status == "compliant"
    assert index.part(f"{ID}part/at-pp", "eu-reach-annex-xvii").status == "non-compliant"


def test_cadmium_in_plastics_same_results_as_pyshacl(cadmium):
    ours, reference = compare_with_pyshacl(cadmium, PACK, AT)
    assert ours == reference and ours


# --- B06: entry 50(5), each PAH on its own -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pahs(tmp_path_factory):
    def grip(pid, *subs):  # 1,000 mg of rubber: 0.001 mg is 1 mg/kg
        return part(pid, 1000, material(f"m-{pid}", 1000, *subs, category="rubber"))
    return build(tmp_path_factory.mktemp("qa5-pahs"), [
        grip("two-under", sub(BAP, "0.0006"), sub(CHRYSENE, "0.0006")),
        grip("three-under", sub(BAP, "0.0005"), sub(CHRYSENE, "0.0005"), sub(BEP, "0.0005")),
        grip("at", sub(BAP, "0.001")),
        grip("just-under", sub(BAP, "0.00099")),
        grip("over", sub(BAP, "0.0011")),
        grip("one-over-one-under", sub(BAP, "0.0011"), sub(CHRYSENE, "0.0009")),
        # entry 51(3) still sums: DEHP 0.06 % + DBP 0.05 % of the plasticised material, "in any combination"
        part("mat", 1000, material("m-mat", 1000, sub(DEHP, "0.6"), sub(DBP, "0.5"), category="pvc")),
    ], LISTS, products=[{"id": "tool", "categories": "", "uses": "general-public;skin-contact",
                         "parts": ["two-under", "three-under", "at", "just-under", "over", "one-over-one-under"]},
                        {"id": "floor", "categories": "", "parts": ["mat"]}])


def test_each_pah_of_entry_50_is_limited_to_1_mg_per_kg_on_its_own_not_their_sum(pahs):
    """Entry 50 paragraph 5 (Reg. (EU) No 1272/2013): articles for the general public shall not be placed on the
    market "if any of their rubber or plastic components that come into direct as well as prolonged or short-term
    repetitive contact with the human skin ... contain more than 1 mg/kg ... of any of the listed PAHs". Before:
    the eight PAHs were summed, so BaP 0.6 + chrysene 0.6 mg/kg was a violation. 1.0 mg/kg is not "more than"."""
    found = _entry(pahs, AT, "50")
    assert set(found) == {"m-over", "m-one-over-one-under"}
    [only] = found["m-one-over-one-under"]  # the PAH over the limit, not the one under it
    assert BAP in str(only.message) and CHRYSENE not in str(only.message) and "1.1 ppm" in str(only.message)


def test_the_phthalates_of_entry_51_are_still_summed(pahs):
    """Entry 51 paragraph 3 (Reg. (EU) 2018/2005): "individually or in any combination of the phthalates ... in a
    concentration equal to or greater than 0,1 % by weight of the plasticised material": 0.06 + 0.05 % fails."""
    assert "m-mat" in _entry(pahs, AT, "51")


def test_pahs_same_results_as_pyshacl(pahs):
    ours, reference = compare_with_pyshacl(pahs, PACK, AT)
    assert ours == reference and ours


# --- B07: entry 63(7), the brass derogation of paragraph 8 -------------------------------------------------------

@pytest.fixture(scope="module")
def brass(tmp_path_factory):
    def key(pid, category, lead_mg):  # 1,000 mg: 5 mg of lead is 0.5 %
        return part(pid, 1000, material(f"m-{pid}", 1000, sub(PB, lead_mg), sub(CU, 600),
                                        sub(ZN, str(400 - float(lead_mg))), category=category))
    return build(tmp_path_factory.mktemp("qa5-brass"), [
        key("brass-030", "brass", "3"), key("brass-049", "brass", "4.9"), key("brass-050", "brass", "5"),
        key("brass-051", "brass", "5.1"), key("cuzn-051", "CuZn39Pb3", "5.1"), key("bronze-030", "bronze", "3"),
        part("plastic-005", 1000, material("m-plastic-005", 1000, sub(PB, "0.5"), category="plastic")),
        part("brass-004", 1000, material("m-brass-004", 1000, sub(PB, "0.4"), category="brass")),
    ], LISTS, products=[{"id": "toy-figure", "categories": "", "uses": "general-public;mouthable",
                         "parts": ["brass-030", "brass-049", "brass-050", "brass-051", "cuzn-051", "bronze-030",
                                   "plastic-005", "brass-004"]}])


def test_brass_with_lead_up_to_0_5_percent_is_derogated_from_entry_63_7(brass):
    """Entry 63 paragraph 8 (Reg. (EU) 2015/628): paragraph 7 (lead "equal to or greater than 0,05 % by weight" in
    articles children can place in the mouth) does not apply to "articles and parts comprising brass alloys, if
    the concentration of lead (expressed as metal) in the brass alloy does not exceed 0,5 % by weight". Before: the
    derogation was text only, so brass with 0.30 % and 0.50 % lead was a violation. 0.50 % is derogated ("does not
    exceed"), 0.51 % is not; bronze is a copper alloy but no brass; plastic at 0.05 % fails."""
    found = _entry(brass, AT, "63")
    assert set(found) == {"m-brass-051", "m-cuzn-051", "m-bronze-030", "m-plastic-005"}
    assert "m-brass-049" not in found and "m-brass-050" not in found and "m-brass-004" not in found
    assert "m-brass-051" not in _entry(brass, dt.date(2016, 5, 31), "63")  # paragraph 7 applies from 1 June 2016


def test_brass_same_results_as_pyshacl(brass):
    ours, reference = compare_with_pyshacl(brass, PACK, AT)
    assert ours == reference and ours


# --- B13: "after DATE" applies from the next day -----------------------------------------------------------------

@pytest.fixture(scope="module")
def after(tmp_path_factory):
    return build(tmp_path_factory.mktemp("qa5-after"), [
        # 0.1 % tin: tributyltin chloride is 36.47 % tin, dibutyltin dichloride 39.07 % (tests/test_annex_xvii.py)
        part("tbt", 1000, material("m-tbt", 1000, sub(TBTCL, "2.75"))),
        part("dbt", 1000, material("m-dbt", 1000, sub(DBTCL, "2.57"))),
        part("receipt", 1000, material("m-receipt", 1000, sub(BPA, "0.2"), category="thermal paper")),
        part("mat", 1000, material("m-mat", 1000, sub(DEHP, 1), category="pvc")),
    ], LISTS, products=[{"id": "kettle", "categories": "", "parts": ["dbt"], "uses": "general-public"},
                        {"id": "till-roll", "categories": "", "parts": ["receipt"], "uses": "thermal-paper"},
                        {"id": "floor", "categories": "", "parts": ["mat"]}])


@pytest.mark.parametrize("entry, material_id, date, legal", [
    ("20", "m-tbt", dt.date(2010, 7, 1), "20(4)(a) Decision 2009/425/EC: TBT 'shall not be used after 1 July 2010'"),
    ("20", "m-dbt", dt.date(2012, 1, 1), "20(5)(a) Decision 2009/425/EC: DBT 'shall not be used after 1 January 2012'"),
    ("66", "m-receipt", dt.date(2020, 1, 2), "66 Reg. (EU) 2016/2235: BPA in thermal paper 'after 2 January 2020'"),
    ("51", "m-mat", dt.date(2020, 7, 7), "51(3) Reg. (EU) 2018/2005: 'shall not be placed on the market after 7 July "
                                         "2020 in articles'"),
])
def test_a_restriction_worded_after_a_date_applies_from_the_day_after_not_on_it(after, entry, material_id, date,
                                                                                 legal):
    """Annex XVII rows worded "after DATE" apply from the next day. Before: 20(4), 20(5) and 66 (and 51(3))
    applied on DATE itself, one day early."""
    day = dt.timedelta(days=1)
    assert material_id not in _entry(after, date - day, entry), legal
    assert material_id not in _entry(after, date, entry), legal
    assert material_id in _entry(after, date + day, entry), legal


def test_after_dates_same_results_as_pyshacl(after):
    ours, reference = compare_with_pyshacl(after, PACK, dt.date(2020, 7, 8))
    assert ours == reference and ours


# --- B20: the README on entries 68 and 79 ------------------------------------------------------------------------

def test_the_readme_does_not_call_the_evaluated_entry_68_and_79_rows_unevaluated(after):
    """Entry 68(2) (Reg. (EU) 2021/1297: "260 ppb for the sum of C9-C14 PFCA-related substances") and entry 79(1)
    (Reg. (EU) 2024/2462: PFHxA "and its salts", "PFHxA-related substances") are evaluated rows with membership
    rules; the README said the first was listed, not evaluated, and the second reached PFHxA by CAS only."""
    rows = after.select("""SELECT ?limit ?evaluated WHERE { ?r cg:entryNumber ?entry ; cg:limitValue ?limit ;
                               cg:evaluated ?evaluated . FILTER(?entry IN ("68", "79")) }""")
    assert len(rows) == 4 and all(r["evaluated"].value == "true" for r in rows), rows
    text = " ".join(README.read_text().split())
    assert "have no rule yet" not in text and "by its CAS number only" not in text


@pytest.mark.parametrize("column, value", [("aggregation", "summed"), ("aggregation", ""),
                                           ("derogation_up_to_percent", "half"), ("derogation_material", "")])
def test_a_row_with_an_unknown_aggregation_or_a_half_derogation_is_refused_naming_file_and_line(tmp_path, column,
                                                                                                  value):
    """The columns that make B06 (entry 50: each PAH) and B07 (entry 63(8): brass up to 0,5 % lead) data are
    refused when malformed, never read as "sum" or "no derogation" on a guess."""
    import csv

    from complygraph.loaders.catalog import build_list, catalog, data_dir
    from complygraph.loaders.errors import InputError

    echa = data_dir() / "echa"
    rows = list(csv.DictReader(open(echa / "annex-xvii-conditions.csv", encoding="utf-8")))
    brass = next(i for i, r in enumerate(rows) if r["derogation_material"])
    rows[brass][column] = value
    bad = tmp_path / "annex-xvii-conditions.csv"
    with open(bad, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    files = [echa / "restriction_list_full.xlsx", bad, echa / "annex-xvii-terms.csv",
             echa / "annex-xvii-membership-rules.ttl"]
    with pytest.raises(InputError) as caught:
        build_list(catalog()[1]["eu-reach-annex-xvii"], files)
    message = str(caught.value)
    assert "annex-xvii-conditions.csv" in message and f"{brass + 2}" in message
    assert ("aggregation" if column == "aggregation" else "derogation_material") in message
