"""The corporate-example pack (seed: Nishishiba Electric green procurement guideline, Table 1 禁止物質 and
Form 2-1) on the cases QA5 found passing or failing wrongly: B03 (organotin and SCCP groups were closed CAS lists
with hand-written tin fractions), B08 (no intentional-addition ban for lead, Cr(VI), DBT, DOT), B09 (RoHS-exempted
uses not excluded), B10 (the PVC-cable limit matched one category string), B16 (lead compounds counted whole).

Element shares come from the identity database (`lookup`, the same figures the import writes as
`cg:elementFraction`), never written here. Where the limit is on an element share that no finite decimal amount
reaches exactly (1000 ppm Sn from a 6-digit tin fraction), the cases are the nearest amounts below and above
(0.001 ppm of the compound apart); where it is reachable (lead metal, fraction 1), the case at the limit is there.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal

import pytest
from rdflib import Graph, URIRef
from rdkit import Chem

from complygraph.graph.shacl import validate
from complygraph.graph.shacl.packs import shapes_dir
from complygraph.graph.shacl.preconditions import MissingInput
from complygraph.loaders.identity import lookup

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

AT = dt.date(2026, 12, 6)
PACK = ["corporate-example"]
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-annex-xvii", "eu-pops",
         "eu-reach-svhc"]
PB, PB_STEARATE, SRCRO4 = "7439-92-1", "1072-35-1", "7789-06-2"
TBT_F, TBT_METHACRYLATE, TBTO = "1983-10-4", "2155-70-6", "56-35-9"
DBT_OXIDE, DBT_DICHLORIDE, DOT_OXIDE = "818-08-6", "683-18-1", "870-08-6"
TRIPROPYLTIN_CL = "2279-76-7"  # tri-substituted, neither TBT nor TPT: A63
SCCP_C10 = "108171-26-2"  # 2,3,4,6,7,8-hexachlorodecane


def share(cas: str, element: str) -> Decimal:
    return dict(lookup(cas).fractions)[element]


def ppm_for(cas: str, element: str, limit: int) -> tuple[Decimal, Decimal]:
    """The compound's ppm just below and just above `limit` ppm of the element (0.001 ppm apart)."""
    below = (Decimal(limit) / share(cas, element)).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    return below, below + Decimal("0.001")


def ppm(cas, amount, intentional="no", exemption=None):
    return sub(cas, amount, "ppm", intentional, exemption)


DBT_BELOW, DBT_ABOVE = ppm_for(DBT_OXIDE, "Sn", 1000)
DOT_BELOW, DOT_ABOVE = ppm_for(DOT_OXIDE, "Sn", 1000)
A63_BELOW, A63_ABOVE = ppm_for(TRIPROPYLTIN_CL, "Sn", 1000)
STEARATE_300_BELOW, STEARATE_300_ABOVE = ppm_for(PB_STEARATE, "Pb", 300)


def one(pid, *subs, category=""):
    return part(pid, 1000, material(f"{pid}-m", 1000, *subs, category=category))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("corp-groups"), [
        # B03: organotins and SCCPs no CAS list of the pack named
        one("tbt-f", ppm(TBT_F, 500, "yes")),
        one("tbt-methacrylate", ppm(TBT_METHACRYLATE, 500, "yes")),
        one("dbt-below", ppm(DBT_OXIDE, DBT_BELOW)),
        one("dbt-above", ppm(DBT_OXIDE, DBT_ABOVE)),
        one("dot-below", ppm(DOT_OXIDE, DOT_BELOW)),
        one("dot-above", ppm(DOT_OXIDE, DOT_ABOVE)),
        one("a63-below", ppm(TRIPROPYLTIN_CL, A63_BELOW)),
        one("a63-above", ppm(TRIPROPYLTIN_CL, A63_ABOVE)),
        one("tbto-3000", ppm(TBTO, 3000)),  # 1194.9 ppm Sn, not intentional: A24 bans intentional addition only
        one("sccp-c10", ppm(SCCP_C10, 500, "yes")),
        one("sccp-c10-impurity", ppm(SCCP_C10, 500, "no")),
        # B08: "意図的添加又は1000ppm": intentional addition far below the limit
        one("pb-added", ppm(PB, 500, "yes")),
        one("pb-impurity", ppm(PB, 500, "no")),
        one("srcro4-added", ppm(SRCRO4, 10, "yes")),
        one("dbt-added", ppm(DBT_OXIDE, 100, "yes")),
        one("dbtc-added", ppm(DBT_DICHLORIDE, 100, "yes")),
        one("dot-added", ppm(DOT_OXIDE, 100, "yes")),
        # B09: brass with lead under exemption 6(c) ("up to 4 % lead by weight") in a category 3 product
        one("brass-3pct", ppm(PB, 30000, "yes", "6(c)"), category="brass"),
        one("brass-4pct", ppm(PB, 40000, "yes", "6(c)"), category="brass"),
        one("brass-4.001pct", ppm(PB, "40010", "yes", "6(c)"), category="brass"),
        one("steel-6c", ppm(PB, 30000, "yes", "6(c)"), category="steel"),  # 6(c) is for copper alloy
        # B10: the PVC-cable limit by material class, at 300 ppm and either side
        one("cable-at", ppm(PB, 300), category="PVC cable insulation"),
        one("cable-above", ppm(PB, "300.001"), category="pvc_cable_insulation"),
        one("cable-below", ppm(PB, "299.999"), category="cable sheath (PVC)"),
        one("cable-dash", ppm(PB, 301), category="pvc-cable-insulation"),
        one("grommet", ppm(PB, 301), category="PVC grommet"),
        one("cable-ja", ppm(PB, 301), category="PVCケーブル被覆"),
        # B16: lead compounds as lead
        one("stearate-1000", ppm(PB_STEARATE, 1000), category="PVC cable insulation"),  # 267.652 ppm Pb
        one("stearate-below", ppm(PB_STEARATE, STEARATE_300_BELOW), category="PVC cable insulation"),
        one("stearate-above", ppm(PB_STEARATE, STEARATE_300_ABOVE), category="PVC cable insulation"),
        one("stearate-3000", ppm(PB_STEARATE, 3000), category="plastic"),  # 802.956 ppm Pb
    ], LISTS, products=[product("pr3", "3", "brass-3pct", "brass-4pct", "brass-4.001pct", "steel-6c")])


@pytest.fixture(scope="module")
def report(store):
    return validate(store, PACK, AT)


def test_tributyltin_fluoride_and_methacrylate_added_intentionally_are_banned(report):
    """QA5 B03. Seed Table 1: A22 トリブチルスズ（TBT）, A23 トリフェニルスズ（TPT）, A24 酸化トリブチルスズ 意図的添加;
    A63 三置換有機スズ化合物（A22, A23, A24を除く） 意図的添加又は1000ppm. Tributyltin fluoride and methacrylate are TBT
    compounds, which the pack's five-number list did not name."""
    found = hits(report, "#OrganotinIntentional")
    assert {"tbt-f-m", "tbt-methacrylate-m"} <= set(found)
    assert "tbto-3000-m" not in found


def test_dibutyltin_and_dioctyltin_oxide_over_1000_ppm_as_tin_are_violations(report, store):
    """QA5 B03. Seed Table 1 A65 ジオクチルスズ化合物, A66 ジブチルスズ化合物: 意図的添加又は1000ppm(*3); (*3) 算出する
    場合の分子は金属スズ(Sn)としての換算値. Measured with the tin fraction the import computed from the formula."""
    dbt, dot = hits(report, "#DibutyltinAsTin"), hits(report, "#DioctyltinAsTin")
    assert "dbt-above-m" in dbt and "dbt-below-m" not in dbt
    assert "dot-above-m" in dot and "dot-below-m" not in dot
    assert float(dbt["dbt-above-m"].detail("measured")) == pytest.approx(float(DBT_ABOVE * share(DBT_OXIDE, "Sn")))
    assert 1000 < float(dbt["dbt-above-m"].detail("measured")) < 1000.001
    stored = store.select("SELECT ?x WHERE { <https://w3id.org/complygraph/id/substance/cas/818-08-6> "
                          "cg:elementFraction ?n . ?n cg:element \"Sn\" ; cg:massFraction ?x }")
    assert Decimal(stored[0]["x"].value) == share(DBT_OXIDE, "Sn")


def test_a63_limit_reaches_other_trisubstituted_organotins_and_excludes_tbt_tpt_tbto(report):
    """QA5 B03. Seed Table 1: A63 三置換有機スズ化合物（A22, A23, A24を除く） 意図的添加又は1000ppm(*3). Tripropyltin
    chloride is tri-substituted and neither TBT nor TPT: 1000 ppm as Sn. TBTO at 1194.9 ppm Sn, not intentionally
    added, is A24, which bans intentional addition only, so A63's limit does not reach it."""
    found = hits(report, "#TrisubstitutedOrganotinAsTin")
    assert "a63-above-m" in found and "a63-below-m" not in found
    assert "tbto-3000-m" not in found


def test_c10_chloroalkane_sccp_added_intentionally_is_banned(report):
    """QA5 B03. Seed Table 1 A21 一部の短鎖型塩化パラフィン 意図的添加; read as the EU POPs entry "Alkanes C10-C13,
    chloro (SCCPs)" (Regulation (EU) 2019/1021 Annex I Part A), whose membership rule reaches hexachlorodecane."""
    found = hits(report, "#SccpIntentional")
    assert "sccp-c10-m" in found and "sccp-c10-impurity-m" not in found


def test_intentionally_added_lead_chromate_dbt_and_dot_are_banned_below_the_limit(report):
    """QA5 B08. Seed Table 1: A04 六価クロム 意図的添加又は1000ppm; A05 鉛 意図的添加又は1000ppm; A65, A66
    意図的添加又は1000ppm. 意図的添加とは、特定の特性、外観、または品質をもたらすために納入品の形成時に化学物質を
    故意に使用することです."""
    assert "pb-added-m" in hits(report, "#LeadIntentional")
    assert "pb-impurity-m" not in hits(report, "#LeadIntentional")
    assert "pb-impurity-m" not in hits(report, "#LeadLimit")
    assert "srcro4-added-m" in hits(report, "#HexavalentChromiumIntentional")
    assert {"dbt-added-m", "dbtc-added-m"} <= set(hits(report, "#DibutyltinIntentional"))
    assert "dot-added-m" in hits(report, "#DioctyltinIntentional")
    assert "dbt-above-m" not in hits(report, "#DibutyltinIntentional")


def test_rohs_exempted_lead_in_brass_is_not_a_corporate_violation(report, store):
    """QA5 B09. Seed Table 1 footnote (*1): ただし、欧州RoHS指令の適用除外が認められている使用可能用途に限り、
    含有禁止の除外とします. Directive 2011/65/EU Annex III 6(c): "Copper alloy containing up to 4 % lead by weight":
    at 4 % and below the use is exempted (eu-rohs says so); above 4 %, or in steel, the claim does not hold."""
    limit, added = hits(report, "#LeadLimit"), hits(report, "#LeadIntentional")
    for exempted in ("brass-3pct-m", "brass-4pct-m"):
        assert exempted not in limit and exempted not in added
    assert "brass-4.001pct-m" in limit and "brass-4.001pct-m" in added
    assert "steel-6c-m" in limit and "steel-6c-m" in added
    rohs = validate(store, ["eu-rohs"], AT)
    assert {"brass-3pct-m", "brass-4pct-m"} <= set(hits(rohs, "#ExemptedUses"))
    assert not {"brass-3pct-m", "brass-4pct-m"} & set(hits(rohs, "#HomogeneousMaterialLimits"))


def test_pvc_cable_lead_limit_applies_to_every_spelling_of_pvc_cable(report):
    """QA5 B10. Seed Form 2-1: ※A05 鉛/鉛化合物に関して、塩化ビニルケーブルのみ閾値を 300ppm とします. 300 ppm is
    allowed, 300.001 is not, whatever the category's spelling; a PVC part that is no cable keeps 1000 ppm."""
    found = hits(report, "#LeadInPvcCable")
    assert {"cable-above-m", "cable-dash-m", "cable-ja-m"} <= set(found)
    assert not {"cable-at-m", "cable-below-m", "grommet-m"} & set(found)
    assert "grommet-m" not in hits(report, "#LeadLimit")


def test_lead_compounds_count_as_lead_in_the_corporate_limits(report):
    """QA5 B16. Seed Form 2-1 (English): "threshold level of lead in the PVC is 300ppm"; Table 1 footnote (*1) takes
    the RoHS limits and exemptions, measured as the element. Lead stearate at 1000 ppm is 267.652 ppm Pb."""
    cable, general = hits(report, "#LeadInPvcCable"), hits(report, "#LeadLimit")
    assert "stearate-1000-m" not in cable and "stearate-below-m" not in cable
    assert "stearate-above-m" in cable
    assert 300 < float(cable["stearate-above-m"].detail("measured")) < 300.001
    assert "stearate-3000-m" not in general


def test_same_results_as_pyshacl(store):
    """The reference oracle on the same store (every case above)."""
    ours, reference = compare_with_pyshacl(store, PACK, AT)
    assert ours == reference


def test_corporate_pack_refuses_to_run_without_the_lists_whose_groups_it_names(tmp_path):
    """A pack naming groups of REACH Annex XVII entry 20 and the EU POPs SCCP entry finds nothing without those
    lists: a false pass. It names them (cgsh:needsList), so the validation stops and says which to load."""
    store = build(tmp_path, [one("x", ppm(DBT_OXIDE, 3000))], ["eu-rohs-annex-ii", "eu-reach-svhc"])
    with pytest.raises(MissingInput, match="eu-reach-annex-xvii") as raised:
        validate(store, PACK, AT)
    assert "eu-pops" in str(raised.value)


TBT_OR_TPT = [Chem.MolFromSmarts(s) for s in (
    "[Sn](-[CH2][CH2][CH2][CH3])(-[CH2][CH2][CH2][CH3])-[CH2][CH2][CH2][CH3]",  # tributyltin
    "[Sn](-c1ccccc1)(-c1ccccc1)-c1ccccc1",  # triphenyltin
    "[CH2;D1][CH2][CH2][CH3].[CH2;D1][CH2][CH2][CH3].[CH2;D1][CH2][CH2][CH3].[Sn+]",  # TBT, dissociated notation
)]


def test_a22_a24_exception_lists_only_tributyl_and_triphenyl_tin_compounds(store):
    """The A22-A24 exception of data/groups.ttl is a CAS list (no list defines TBT/TPT compounds by rule): each
    number must be, by the identity database's structure, a tributyl- or triphenyltin compound and a member of the
    REACH Annex XVII entry 20 group "tri-substituted organostannic compounds"."""
    g = Graph().parse(shapes_dir() / "corporate-example" / "data" / "groups.ttl")
    group = URIRef("https://w3id.org/complygraph/shapes/corporate-example#TributyltinAndTriphenyltin")
    members = sorted(str(m).rsplit("/", 1)[-1] for m in g.objects(group, URIRef(
        "https://w3id.org/complygraph/ontology#hasMember")))
    assert len(members) >= 5
    rows = store.select("SELECT ?s WHERE { <https://w3id.org/complygraph/id/group/eu-reach-annex-xvii/"
                        "tri-substituted-organostannic-compounds> cg:hasMember ?s }")
    trisubstituted = {r["s"].value.rsplit("/", 1)[-1] for r in rows}
    for cas in members:
        ident = lookup(cas)
        assert ident is not None and ident.smiles, cas
        mol = Chem.MolFromSmiles(ident.smiles)
        assert any(mol.HasSubstructMatch(p) for p in TBT_OR_TPT), (cas, ident.smiles)
    # the members the store holds (those imported above) are in the rule-defined group
    assert {TBT_F, TBT_METHACRYLATE, TBTO} <= trisubstituted


def _exemption_block(component: str, text: str) -> str:
    body = text[text.index(f"cgsh:{component} a"):]
    start = body.index("?occ cg:claimedExemption ?exemption .")
    depth, i = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(body[i], 0)
        i += 1
    return re.sub(r"\s+", " ", body[start:i - 1])


def test_corporate_exemption_test_is_the_rohs_limit_components_verbatim():
    """QA5 B09: the corporate limits leave out a use exempted under RoHS by the same test the eu-rohs limit
    applies (shapes/components.ttl, ListMaterialLimitComponent), not another: the copies must not drift. One
    clause is eu-rohs's own (QA12 B02): a claim that holds for one of the material's EEE scopes leaves the other
    scopes to eu-rohs's per-scope results (ExemptionNotForCategory); the corporate packs have no such results, so
    there a claim still has to hold for every scope of the material."""
    text = (shapes_dir() / "components.ttl").read_text()
    own = r"# unless the use's only claim.*?\?limitValue \* 10000, \?limitValue\)\)\) "
    rohs, n = re.subn(own, "", _exemption_block("ListMaterialLimitComponent", text))
    assert n == 1 and rohs.count("?target") == 1
    # and one is the corporate packs' own (QA13 B01): with no product of known category, or one of unknown category,
    # a claim must hold for every EEE scope (eu-rohs says unknown there instead: ExemptionCategoryUnknown)
    corporate = r"# the corporate packs' own:.*?\?xu < \$evaluationDate\) \} \} \} "
    for component, group in (("GroupMaterialLimitComponent", "$limitedGroup"),
                             ("GroupIntentionalBanComponent", "$bannedGroup"),
                             ("GroupUndeclaredIntentComponent", "$undeclaredIntentGroup")):
        copy, n = re.subn(corporate, "", _exemption_block(component, text))
        assert n == 1, component
        assert copy == rohs.replace("?target", group), component



def _patterns(path, name):
    g = Graph().parse(path)
    cg = "https://w3id.org/complygraph/ontology#"
    (cls,) = [c for c, n in g.subject_objects(URIRef(cg + "className")) if str(n) == name]
    return re.compile(str(g.value(cls, URIRef(cg + "categoryPattern"))), re.I)


@pytest.mark.parametrize("category", ["pvc-cable-insulation", "PVC cable insulation", "pvc_cable_insulation",
                                      "cable sheath (PVC)", "Polyvinyl chloride wire insulation", "PVCケーブル被覆",
                                      "cord, pvc", "PVC grommet", "塩化ビニルケーブル", "steel wire"])
def test_pvc_cable_class_never_classifies_a_material_the_shared_classes_do_not(category):
    """QA5 B10 fix, guarded: the pack's "pvc cable" class stays in the store after the pack ran, and the REACH
    Annex XVII pack reports a material of no material class as of unknown kind (Reg. (EU) No 835/2012, entry 23(1)
    "plastic material"). A category the pack's class matches must therefore be one the shared "pvc" class matches."""
    ours = _patterns(shapes_dir() / "corporate-example" / "data" / "groups.ttl", "pvc cable")
    shared = _patterns(shapes_dir() / "data" / "material-classes.ttl", "pvc")
    if ours.search(category):
        assert shared.search(category), category
