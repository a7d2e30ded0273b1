"""Every shape pack on hand-computed cases: compliant, just over, just under, exempted, expired, diluted."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib.namespace import SH

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

AT = dt.date(2026, 11, 23)
PB, CD, PBO, DEHP = "7439-92-1", "7440-43-9", "1317-36-8", "117-81-7"
DBDPE, BPAF, HCB, TBTO = "84852-53-9", "1478-61-1", "118-74-1", "56-35-9"
TPRT = "2279-76-7"


# ---------------------------------------------------------------------------------------------- eu-rohs

@pytest.fixture(scope="module")
def rohs_store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("rohs"), [
        part("under", 1000, material("m-under", 1000, sub(PB, "0.9999"))),        # 999.9 ppm
        part("over", 1000, material("m-over", 1000, sub(PB, "1.0001"))),          # 1000.1 ppm
        part("cd-over", 1000, material("m-cd", 1000, sub(CD, "0.1001"))),         # 100.1 ppm > 100 ppm
        part("cd-under", 1000, material("m-cd-ok", 1000, sub(CD, "0.0999"))),     # 99.9 ppm
        part("group-sum", 1000, material("m-sum", 1000, sub(PB, "0.6"), sub(PBO, "0.5"))),  # 1064 ppm Pb as a group
        # 30000 ppm of lead in brass, 6(c) claimed
        part("exempt", 2000, material("m-brass", 2000, sub(PB, 60, exemption="6(c)"), category="brass")),
        part("wrong-exemption", 2000, material("m-wrong", 2000, sub(PB, 60, exemption="8(b)"))),  # cadmium exemption
        part("dehp", 1000, material("m-pvc", 1000, sub(DEHP, 250))),
    ], ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])


def test_rohs_just_over_the_limit_is_a_violation_and_just_under_is_not(rohs_store):
    found = hits(validate(rohs_store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert "m-over" in found and "m-under" not in found
    assert float(found["m-over"].detail("measured")) == pytest.approx(1000.1)
    assert float(found["m-over"].detail("limit")) == 1000
    assert found["m-over"].severity == SH.Violation
    assert str(found["m-over"].detail("part")).endswith("/part/over")


def test_rohs_cadmium_has_its_own_lower_limit(rohs_store):
    found = hits(validate(rohs_store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert "m-cd" in found and "m-cd-ok" not in found


def test_rohs_group_members_are_summed(rohs_store):
    found = hits(validate(rohs_store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    # measured as lead: 600 ppm Pb + 500 ppm PbO x 0.928318 (207.2 / 223.199) = 600 + 464.159 = 1064.159 ppm
    assert float(found["m-sum"].detail("measured")) == pytest.approx(1064.159, abs=0.01)


def test_rohs_valid_exemption_is_reported_as_exempted_not_hidden(rohs_store):
    report = validate(rohs_store, ["eu-rohs"], AT)
    assert "m-brass" not in hits(report, "#HomogeneousMaterialLimits")
    exempted = hits(report, "#ExemptedUses")
    assert exempted["m-brass"].severity == SH.Info
    assert str(exempted["m-brass"].detail("exemption")).endswith("/exemption/eu-rohs-annex-iii/6-c")


def test_rohs_exemption_for_another_substance_does_not_exempt(rohs_store):
    report = validate(rohs_store, ["eu-rohs"], AT)
    assert "m-wrong" in hits(report, "#HomogeneousMaterialLimits")
    assert "m-wrong" not in hits(report, "#ExemptedUses")


def test_rohs_phthalates_apply_from_22_july_2019(rohs_store):
    assert "m-pvc" not in hits(validate(rohs_store, ["eu-rohs"], dt.date(2019, 7, 21)), "#HomogeneousMaterialLimits")
    assert "m-pvc" in hits(validate(rohs_store, ["eu-rohs"], dt.date(2019, 7, 22)), "#HomogeneousMaterialLimits")


def test_rohs_compliant_data_conforms(tmp_path):
    store = build(tmp_path, [part("ok", 1000, material("m-ok", 1000, sub("7440-31-5", 990), sub(PB, "0.5")))],
                  ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    report = validate(store, ["eu-rohs"], AT)
    assert report.conforms and report.results == []


# ---------------------------------------------------------------------------------------------- eu-reach-svhc

@pytest.fixture(scope="module")
def svhc_store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("svhc"), [
        part("over", 100_000, material("h1", 100_000, sub(DBDPE, 110))),             # 0.11 % of the article
        part("under", 100_000, material("h2", 100_000, sub(DBDPE, 99))),             # 0.099 %
        part("diluted", 200_000, material("h3", 100_000, sub(DBDPE, 110)), material("h3b", 100_000)),  # 0.055 %
        part("summed", 100_000, material("h4", 50_000, sub(DBDPE, 60)), material("h4b", 50_000, sub(DBDPE, 60))),
        part("seal", 1000, material("fkm", 1000, sub(BPAF, 20))),                    # group member, 2 %
    ], ["eu-reach-svhc"])


def test_svhc_above_0_1_percent_of_the_article(svhc_store):
    found = hits(validate(svhc_store, ["eu-reach-svhc"], AT), "#ArticleThreshold")
    assert float(found["over"].detail("measured")) == pytest.approx(0.11)
    assert "under" not in found


def test_svhc_above_0_1_percent_is_a_warning_naming_the_duties_and_keeps_the_article_compliant(svhc_store):
    # REACH Art. 33(1) (information to recipients), Art. 7(2) (notification to ECHA) and the SCIP database
    # of Directive 2008/98/EC Art. 9(1)(i) are duties, not a ban: never a Violation, never `compliant: False`
    report = validate(svhc_store, ["eu-reach-svhc"], AT)
    over = hits(report, "#ArticleThreshold")["over"]
    duties = [str(d) for k, d in over.details if k == "duty"]
    assert over.severity == SH.Warning and report.compliant and not report.conforms
    assert any("Art. 33(1)" in d for d in duties) and any("Art. 7(2)" in d for d in duties)
    assert any("9(1)(i)" in d and "SCIP" in d for d in duties)


def test_svhc_diluted_below_0_1_percent_by_a_heavy_article(svhc_store):
    assert "diluted" not in hits(validate(svhc_store, ["eu-reach-svhc"], AT), "#ArticleThreshold")


def test_svhc_mass_is_summed_over_all_materials_of_the_article(svhc_store):
    found = hits(validate(svhc_store, ["eu-reach-svhc"], AT), "#ArticleThreshold")
    assert float(found["summed"].detail("measured")) == pytest.approx(0.12)


def test_svhc_group_member_is_caught_by_the_group_entry(svhc_store):
    found = hits(validate(svhc_store, ["eu-reach-svhc"], AT), "#ArticleThreshold")
    assert "seal" in found and "trifluoro" in str(found["seal"].detail("entry"))


def test_svhc_uses_the_list_version_valid_at_the_evaluation_date(svhc_store):
    before = hits(validate(svhc_store, ["eu-reach-svhc"], dt.date(2025, 6, 25)), "#ArticleThreshold")
    assert "over" not in before and "seal" not in before  # DBDPE listed 2025-11-05, BPAF 2026-02-04
    middle = hits(validate(svhc_store, ["eu-reach-svhc"], dt.date(2025, 11, 5)), "#ArticleThreshold")
    assert "over" in middle and "seal" not in middle


# ---------------------------------------------------------------------------------------------- POPs, CSCL

@pytest.fixture(scope="module")
def pops_store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pops"), [
        part("intentional", 1000, material("hcb", 1000, sub(HCB, 5, intentional="yes"))),
        part("trace", 1000, material("hcb-trace", 1000, sub(HCB, "0.001", intentional="no"))),
        part("clean", 1000, material("clean", 1000, sub("7440-31-5", 1000, intentional="yes"))),
        part("undeclared", 1000, material("hcb-undeclared", 1000, sub(HCB, 5))),
    ], ["eu-pops", "jp-cscl-class1"])


@pytest.mark.parametrize("pack, shape", [("eu-pops", "eu-pops#IntentionalPresence"),
                                          ("jp-cscl-class1", "jp-cscl-class1#IntentionalPresence")])
def test_intentional_presence_of_a_listed_substance_is_a_violation(pops_store, pack, shape):
    found = hits(validate(pops_store, [pack], AT), shape)
    assert set(found) == {"hcb"}
    assert str(found["hcb"].detail("substance")).endswith("/cas/118-74-1")


def test_a_cscl_substance_declared_without_its_intent_is_unknown_not_passed(pops_store):
    """化審法 Art. 17/24 prohibit the intentional use of Class I substances; a declaration that says neither that
    hexachlorobenzene (item 3) was nor that it was not intentionally added leaves that open: a warning (the part's
    status is unknown), where before nothing was reported. Declared either way, it is not reported here."""
    report = validate(pops_store, ["jp-cscl-class1"], AT)
    found = hits(report, "jp-cscl-class1#IntentUndeclared")
    assert set(found) == {"hcb-undeclared"}
    assert [str(r.severity).rsplit("#", 1)[-1] for r in report.results if str(r.focus).endswith("/hcb-undeclared")] \
        == ["Warning"]
    ours, reference = compare_with_pyshacl(pops_store, ["jp-cscl-class1"], AT)
    assert ours == reference


def test_a_cscl_substance_declared_without_its_intent_leaves_the_part_unknown_not_compliant(pops_store):
    """QA9: the warning above said "the part's status is unknown" but carried no finding status, and a warning
    without one leaves a part compliant (graph/status.py): the part with hexachlorobenzene of undeclared intent
    was compliant for CSCL (化審法 Art. 17, 24)."""
    from complygraph.graph.status import status_index
    from complygraph.vocab import ID

    index = status_index(pops_store, validate(pops_store, ["jp-cscl-class1"], AT))
    status = {p: index.part(f"{ID}part/{p}", "jp-cscl-class1").status for p in ("undeclared", "trace", "clean")}
    assert status == {"undeclared": "unknown", "trace": "compliant", "clean": "compliant"}, status


def test_an_eu_pops_substance_whose_entry_sets_no_trace_limit_is_prohibited_whatever_its_intent(tmp_path):
    """Regulation (EU) 2019/1021 Art. 4(1)(b): Art. 3 does not apply to "a substance present as an unintentional
    trace contaminant, as specified in the relevant entries of Annex I or II"; hexachlorobenzene's entry specifies
    none, so 5 mg/kg of it is prohibited declared as not intentionally added (a silent pass before) or declared
    either way (a warning before). PFOA's entry specifies 0,025 mg/kg: its undeclared occurrence is judged by that
    limit, not reported here. o,p'-dicofol: the Convention listing names it (10606-46-9), the ECHA export only
    p,p' (115-32-2)."""
    store = build(tmp_path, [
        part("hcb", 1000, material("hcb-undeclared", 1000, sub(HCB, 5))),
        part("pfoa", 1000, material("pfoa-undeclared", 1000, sub("335-67-1", "0.00001"))),
        part("hcb-trace", 1000, material("hcb-not-added", 1000, sub(HCB, 5, intentional="no"))),
        part("op-dicofol", 1000, material("op-dicofol-added", 1000, sub("10606-46-9", 5, intentional="yes"))),
        part("op-dicofol-2", 1000, material("op-dicofol-undeclared", 1000, sub("10606-46-9", 5))),
    ], ["eu-pops"])
    report = validate(store, ["eu-pops"], AT)
    found = hits(report, "eu-pops#NoTraceDerogation")
    assert set(found) == {"hcb-undeclared", "hcb-not-added", "op-dicofol-undeclared"}
    assert str(found["hcb-not-added"].severity).endswith("#Violation")
    assert set(hits(report, "eu-pops#IntentionalPresence")) == {"op-dicofol-added"}
    assert not any(str(r.focus).endswith("/pfoa-undeclared") for r in report.results)
    ours, reference = compare_with_pyshacl(store, ["eu-pops"], AT)
    assert ours == reference


@pytest.mark.parametrize("at, applies", [(dt.date(2024, 10, 16), False), (dt.date(2024, 10, 17), True),
                                        (dt.date(2024, 10, 18), True)])
def test_an_eu_pops_entry_and_its_trace_limit_apply_from_the_entrys_own_date(tmp_path, at, applies):
    """Methoxychlor: in the ECHA export since 2024-09-27; Annex I ((EU) 2024/2570) applies from 2024-10-17 with a
    0,01 mg/kg unintentional trace contaminant limit (data/echa/pops-annex-i-limits.csv, application date in
    data/echa/pops-annex-i-application-dates.csv). The day before it applies nothing is reported (it was a
    violation for any trace before QA5 B12); from that day 0.005 mg/kg not intentionally added is under the limit
    and 0.02 mg/kg over it."""
    store = build(tmp_path, [part("mxc", 1_000_000, material("mxc-trace", 1_000_000,
                                                              sub("72-43-5", "0.005", intentional="no"))),
                             part("mxc2", 1_000_000, material("mxc-over", 1_000_000,
                                                               sub("72-43-5", "0.02", intentional="no")))],
                  ["eu-pops"])
    report = validate(store, ["eu-pops"], at)
    assert not hits(report, "eu-pops#NoTraceDerogation")
    assert set(hits(report, "eu-pops#TraceContaminantLimits")) == ({"mxc-over"} if applies else set())


# ---------------------------------------------------------------------------------------------- eu-packaging

def test_packaging_heavy_metals_are_summed_per_packaging_component(tmp_path):
    store = build(tmp_path, [
        part("box-over", 10_000, material("b1", 10_000, sub(PB, "0.5"), sub(CD, "0.6")), packaging=True),   # 110 ppm
        part("box-under", 10_000, material("b2", 10_000, sub(PB, "0.4"), sub(CD, "0.5")), packaging=True),  # 90 ppm
        part("not-packaging", 10_000, material("b3", 10_000, sub(PB, "0.5"), sub(CD, "0.6"))),
    ], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-packaging"], AT), "#HeavyMetalsSum")
    assert set(found) == {"box-over"}
    assert float(found["box-over"].detail("measured")) == pytest.approx(110)



def test_packaging_counts_a_compound_of_two_groups_by_each_of_its_metals(tmp_path):
    """Directive 94/62/EC Art. 11(1): "the sum of concentration levels of lead, cadmium, mercury and hexavalent
    chromium". Lead chromate PbCrO4 (64.11 % Pb, 16.09 % Cr) is in the lead and the Cr(VI) group: 100 ppm of it and
    20 ppm of lead are 100.2 ppm of the metals, over; 99 ppm of it 99.4 ppm, not over (before: each compound
    counted whole, once: 120 and 119 ppm)."""
    store = build(tmp_path, [
        part("box", 10_000, material("b", 10_000, sub("7758-97-6", "0.99"), sub(PB, "0.2")), packaging=True),
        part("box-over", 10_000, material("bo", 10_000, sub("7758-97-6", "1.0"), sub(PB, "0.2")), packaging=True),
    ], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-packaging"], AT), "#HeavyMetalsSum")
    assert set(found) == {"box-over"}
    assert float(found["box-over"].detail("measured")) == pytest.approx(100.1984, abs=1e-3)
    assert "by its group's element" in str(found["box-over"].message)


def test_packaging_sums_the_metal_of_a_compound_not_its_mass(tmp_path):
    """Lead(II) oxide is 92.83 % lead: 105 ppm of it is 97.47 ppm of lead, under the 100 ppm of Art. 11(1) (it was
    a violation when compounds counted whole, a QA run on 2026-12-06); 108 ppm is 100.26 ppm, over. A member
    whose formula is not known (the lead salts of C16-18 fatty acids, 91031-62-8, a member of "lead and its
    compounds" named by CAS number, in no identity record) counts whole."""
    store = build(tmp_path, [
        part("pbo-105", 10_000, material("p1", 10_000, sub("1317-36-8", "1.05")), packaging=True),
        part("pbo-108", 10_000, material("p2", 10_000, sub("1317-36-8", "1.08")), packaging=True),
        part("whole-101", 10_000, material("p3", 10_000, sub("91031-62-8", "1.01")), packaging=True),
        part("whole-100", 10_000, material("p4", 10_000, sub("91031-62-8", "1.0")), packaging=True),
    ], ["eu-rohs-annex-ii"])
    found = hits(validate(store, ["eu-packaging"], AT), "#HeavyMetalsSum")
    assert set(found) == {"pbo-108", "whole-101"}, found
    assert float(found["pbo-108"].detail("measured")) == pytest.approx(100.2583, abs=1e-3)
    ours, reference = compare_with_pyshacl(store, ["eu-packaging"], AT)
    assert ours == reference

# ---------------------------------------------------------------------------------------------- corporate-example

@pytest.fixture(scope="module")
def corp_store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("corp"), [
        part("cable", 1000, material("pvc", 1000, sub(PB, "0.35"), category="pvc-cable-insulation")),  # 350 ppm
        part("pin", 1000, material("brass", 1000, sub(PB, "0.35"), category="brass")),
        part("tbto-added", 1000, material("paint", 1000, sub(TBTO, "0.01", intentional="yes"))),
        # tripropyltin chloride (2279-76-7, C9H21ClSn, 41.88 % Sn): a tri-substituted organotin other than TBT/TPT,
        # which A63 covers (the seed's A63 excludes A22-A24, TBT and TPT, banned on their own)
        part("tprt-2000", 1000, material("res1", 1000, sub(TPRT, 2, intentional="no"))),   # 837.7 ppm as tin
        part("tprt-3000", 1000, material("res2", 1000, sub(TPRT, 3, intentional="no"))),   # 1256.5 ppm as tin
        part("housing", 1000, material("abs", 1000, sub(DBDPE, 50, intentional="yes"))),
    ], ["eu-rohs-annex-ii", "eu-reach-svhc", "eu-reach-annex-xvii", "eu-pops"])  # the lists the pack names


def test_corporate_lead_in_pvc_cable_at_300_ppm_only_in_pvc_cable(corp_store):
    report = validate(corp_store, ["corporate-example"], AT)
    assert set(hits(report, "#LeadInPvcCable")) == {"pvc"}
    assert "pvc" not in hits(report, "#LeadLimit") and "brass" not in hits(report, "#LeadLimit")


def test_corporate_intentional_addition_ban_regardless_of_concentration(corp_store):
    assert set(hits(validate(corp_store, ["corporate-example"], AT), "#OrganotinIntentional")) == {"paint"}


def test_corporate_organotins_counted_as_tin_mass(corp_store):
    found = hits(validate(corp_store, ["corporate-example"], AT), "#TrisubstitutedOrganotinAsTin")
    assert set(found) == {"res2"}
    assert float(found["res2"].detail("measured")) == pytest.approx(3000 * 0.41884, rel=1e-4)


def test_corporate_phase_out_warns_before_the_date_and_prohibits_after(corp_store):
    before = validate(corp_store, ["corporate-example"], dt.date(2026, 12, 31))
    assert hits(before, "#DbdpePhaseOutNotice")["abs"].severity == SH.Warning
    assert "abs" not in hits(before, "#DbdpePhaseOut")
    after = validate(corp_store, ["corporate-example"], dt.date(2027, 1, 1))
    assert hits(after, "#DbdpePhaseOut")["abs"].severity == SH.Violation
    assert "abs" not in hits(after, "#DbdpePhaseOutNotice")


def test_corporate_reporting_level_is_info(corp_store):
    report = validate(corp_store, ["corporate-example"], AT)
    assert hits(report, "#SvhcReport")["housing"].severity == SH.Info


# ---------------------------------------------------------------------------------------------- data-quality

def test_data_quality_finds_missing_supplier_mass_declaration_and_bad_cas(tmp_path):
    store = build(tmp_path, [part("good", 1000, material("g", 1000, sub(PB, 1)))], ["eu-rohs-annex-ii"])
    store.update("""INSERT DATA {
        <https://w3id.org/complygraph/id/part/bare> a cg:Part .
        <https://w3id.org/complygraph/id/material/heavy> a cg:HomogeneousMaterial ; cg:massMg 10.0 ;
            cg:contains <https://w3id.org/complygraph/id/occurrence/x> .
        <https://w3id.org/complygraph/id/occurrence/x> a cg:SubstanceOccurrence ; cg:massMg 20.0 ;
            cg:concentrationPpm 2000000.0 .
        <https://w3id.org/complygraph/id/substance/bad> a cg:Substance ; cg:casNumber "12-34" .
    }""")
    report = validate(store, ["data-quality"], AT)
    by_shape = {(str(r.shape).rsplit("#", 1)[-1], str(r.focus).rsplit("/", 1)[-1]) for r in report.results}
    assert ("PartSupplier", "bare") in by_shape and ("PartMass", "bare") in by_shape
    assert ("PartDeclaration", "bare") in by_shape
    assert ("Material", "heavy") in by_shape  # substances heavier than the material
    assert ("OccurrenceConcentration", "x") in by_shape
    assert ("SubstanceCas", "bad") in by_shape
    assert not any(focus == "good" for _, focus in by_shape)
    severities = {str(r.shape).rsplit("#", 1)[-1]: r.severity for r in report.results}
    assert severities["PartDeclaration"] == SH.Warning
