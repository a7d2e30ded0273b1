"""EU POPs, QA5 (2026-12-06) B04, B05 and B12: Regulation (EU) 2019/1021 Annex I Part A, column 4, and the day an
entry added by a delegated act applies. Materials weigh 1 kg, so a substance's mass in mg is its concentration in
mg/kg; every limit is tested at the value and just over it, every date on the day before, the day and the day after.
The limits, their sources and what was verified are rows of data/echa/pops-annex-i-limits.csv; the application
dates rows of data/echa/pops-annex-i-application-dates.csv."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

KG = 1_000_000  # mg
AT = dt.date(2026, 12, 6)
UN = {"intentional": "no"}
PFOSF, PFOSA, K_PFOS, N_MEFOSA = "307-35-7", "754-91-6", "2795-39-3", "31506-32-8"
FTOH_8_2, FTOH_10_2, PFOA, APFO = "678-39-7", "865-86-1", "335-67-1", "3825-26-1"
PFHXSF, PFHXS = "423-50-7", "355-46-4"
UNKNOWN_PFOS = "70225-14-8"  # diethanolamine PFOS: named by the PFOS row, no structure anywhere (class undecidable)
SCCP, MXC, UV328, DP = "85535-84-8", "72-43-5", "25973-55-1", "13560-89-9"
F8 = "C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)F"
IDENTITIES = ("cas,formula,smiles,name,source\n"
              f"{FTOH_8_2},,OCC{F8},8:2 FTOH,test\n"
              f"{FTOH_10_2},,OCCC(F)(F)C(F)(F){F8},10:2 FTOH,test\n"
              f"{K_PFOS},,[K+].[O-]S(=O)(=O){F8},potassium PFOS,test\n"
              f"{SCCP},C12H20Cl6,,SCCP (representative),test\n"
              f"{UV328},,CCC(C)(C)c1cc(C(C)(C)CC)c(O)c(-n2nc3ccccc3n2)c1,UV-328,test\n")


def one(pid: str, *substances) -> dict:
    return part(pid, KG, material(pid, KG, *substances))


def trace(store, day=AT) -> dict:
    return hits(validate(store, ["eu-pops"], day), "#TraceContaminantLimits")


# ---------------------------------------------------------------------------------------------- B04

@pytest.fixture(scope="module")
def related(tmp_path_factory):
    return build(tmp_path_factory.mktemp("related"), [
        one("pfosf-1", sub(PFOSF, "1", **UN)), one("pfosf-over", sub(PFOSF, "1.001", **UN)),
        one("pfosa-05", sub(PFOSA, "0.5", **UN)),
        one("pfos-related-sum", sub(PFOSF, "0.6", **UN), sub(PFOSA, "0.5", **UN)),  # 1.1 summed
        one("mefosa-05", sub(N_MEFOSA, "0.5", **UN)),  # no structure: related by the CAS number the row names
        one("kpfos-at", sub(K_PFOS, "0.025", **UN)), one("kpfos-over", sub(K_PFOS, "0.026", **UN)),
        one("kpfos-and-related", sub(K_PFOS, "0.02", **UN), sub(PFOSF, "0.9", **UN)),
        one("unknown-class", sub(UNKNOWN_PFOS, "0.5", **UN)),
        one("ftoh82-1", sub(FTOH_8_2, "1", **UN)), one("ftoh82-over", sub(FTOH_8_2, "1.001", **UN)),
        one("ftoh102-025", sub(FTOH_10_2, "0.25", **UN)),
        one("pfoa-related-sum", sub(FTOH_8_2, "0.6", **UN), sub(FTOH_10_2, "0.5", **UN)),  # 1.1 in combination
        one("pfoa-at", sub(PFOA, "0.025", **UN)), one("apfo-over", sub(APFO, "0.026", **UN)),
        one("pfhxsf-1", sub(PFHXSF, "1", **UN)), one("pfhxsf-over", sub(PFHXSF, "1.001", **UN)),
        one("pfhxs-over", sub(PFHXS, "0.026", **UN)),
    ], ["eu-pops"], identities=IDENTITIES)


def test_pfos_related_compounds_are_limited_to_1_mg_per_kg_summed_not_to_the_0_025_of_pfos_and_its_salts(related):
    """Annex I, PFOS entry as replaced by Delegated Regulation (EU) 2025/718 (UTC applies from 3.12.2025), column 4
    point 2: "the sum of concentrations of all PFOS-related compounds" up to 1 mg/kg; point 1: "PFOS or any of its
    salts" up to 0,025 mg/kg (wording from secondary sources: ChemLinked, INERIS, Intertek, Belab; the OJ text of
    2025/718 was not read, unverified). Until 2026-12-06 PFOSF and PFOSA at 0.5 mg/kg were violations of point 1."""
    found = trace(related)
    assert {"pfosf-1", "pfosa-05", "mefosa-05"}.isdisjoint(found)
    assert {"pfosf-over", "pfos-related-sum"} <= set(found)
    assert "PFOS-related" in found["pfosf-over"].message and "0.025" not in found["pfosf-over"].message
    assert float(found["pfos-related-sum"].detail("measured")) == pytest.approx(1.1)


def test_pfos_salts_keep_the_0_025_limit_and_are_not_summed_with_the_related_compounds(related):
    found = trace(related)
    assert "kpfos-at" not in found and "kpfos-over" in found and "salts" in found["kpfos-over"].message
    assert "kpfos-and-related" not in found  # 0.02 of the salt, 0.9 of PFOSF: each within its own limit


def test_a_pfos_entry_member_whose_class_cannot_be_decided_keeps_the_stricter_limit(related):
    """No structure and a CAS number the related-compounds group does not name: it may be PFOS or a salt, so it is
    judged by point 1 (0,025 mg/kg), never by point 2: no false pass."""
    found = trace(related)
    assert "unknown-class" in found and "salts" in found["unknown-class"].message


def test_pfoa_related_compounds_are_limited_to_1_mg_per_kg_individually_or_in_combination(related):
    """Annex I, PFOA entry as inserted by Delegated Regulation (EU) 2020/784, column 4 point 2: "PFOA-related
    compounds or a combination of PFOA-related compounds" equal to or below 1 mg/kg; point 1: "PFOA or any of its
    salts" 0,025 mg/kg (as quoted by Bureau Veritas and Intertek China; the OJ text was not read, unverified).
    8:2 and 10:2 FTOH carry the (C7F15)C moiety and are none of column 1's exclusions."""
    found = trace(related)
    assert {"ftoh82-1", "ftoh102-025", "pfoa-at"}.isdisjoint(found)
    assert {"ftoh82-over", "pfoa-related-sum", "apfo-over"} <= set(found)
    assert float(found["pfoa-related-sum"].detail("measured")) == pytest.approx(1.1)
    assert "PFOA and its salts" in found["apfo-over"].message


def test_pfhxs_related_compounds_are_limited_to_1_mg_per_kg(related):
    """Annex I, PFHxS entry as inserted by Delegated Regulation (EU) 2023/1608, column 4 point 1 "PFHxS or any of
    its salts" 0,025 mg/kg, point 2 "the sum of all PFHxS-related compounds" 1 mg/kg (SGS, German Annex text;
    the OJ text was not read, unverified)."""
    found = trace(related)
    assert "pfhxsf-1" not in found and {"pfhxsf-over", "pfhxs-over"} <= set(found)


def test_related_compound_limits_agree_with_pyshacl(related):
    ours, reference = compare_with_pyshacl(related, ["eu-pops"], AT)
    assert ours == reference and any("TraceContaminantLimits" in str(k) for k in ours)


@pytest.mark.parametrize("day, over", [(dt.date(2025, 12, 2), False), (dt.date(2025, 12, 3), True),
                                       (dt.date(2025, 12, 4), True)])
def test_the_pfos_related_compounds_limit_applies_from_3_december_2025(related, day, over):
    """Before 3.12.2025 the PFOS rows of the text as adopted apply (10 mg/kg in substances and mixtures, lower than
    0,1 % in articles): 1.1 mg/kg of related compounds in an article is within them."""
    assert ("pfos-related-sum" in trace(related, day)) is over


# ---------------------------------------------------------------------------------------------- B05

@pytest.fixture(scope="module")
def sccp(tmp_path_factory):
    return build(tmp_path_factory.mktemp("sccp"), [
        one("added-0.10", sub(SCCP, 1000, intentional="yes")),
        one("added-0.1499", sub(SCCP, 1499, intentional="yes")),
        one("added-0.15", sub(SCCP, 1500, intentional="yes")),
        one("trace-0.1499", sub(SCCP, 1499, **UN)),
        one("trace-0.15", sub(SCCP, 1500, **UN)),
        one("undeclared-0.1499", sub(SCCP, 1499)),
    ], ["eu-pops"], identities=IDENTITIES)


def test_intentionally_added_sccp_lower_than_0_15_percent_in_an_article_is_allowed(sccp):
    """Regulation (EU) 2019/1021 Annex I Part A, SCCP entry, column 4 point 1 (OJ L 169, 25.6.2019, read in the
    Publications Office XHTML): "By way of derogation, the manufacturing, placing on the market and use of
    substances or mixtures containing SCCPs in concentrations lower than 1 % by weight or articles containing SCCPs
    in concentrations lower than 0,15 % by weight shall be allowed." A derogation from Article 3 itself, whatever the
    intent. Until 2026-12-06 intentionally added SCCP at 0.10 % was an IntentionalPresence violation. Whether a later
    act amended the row is unverified."""
    report = validate(sccp, ["eu-pops"], AT)
    assert not hits(report, "#IntentionalPresence") and not hits(report, "#NoTraceDerogation")
    found = hits(report, "#TraceContaminantLimits")
    assert set(found) == {"added-0.15", "trace-0.15"}
    assert "intentionally added or not" in found["added-0.15"].message
    assert "lower than 1,500 mg/kg" in found["added-0.15"].message


@pytest.mark.parametrize("day, derogated", [(dt.date(2019, 7, 14), False), (dt.date(2019, 7, 15), True),
                                            (dt.date(2019, 7, 16), True)])
def test_the_sccp_derogation_of_intentional_use_is_read_from_the_2019_row(sccp, day, derogated):
    """The row starts with Regulation (EU) 2019/1021 (in force 15.7.2019); the earlier regime under Regulation (EC)
    No 850/2004 is not tabulated, so before that day intentional addition is prohibited (the stricter reading)."""
    assert ("added-0.10" in hits(validate(sccp, ["eu-pops"], day), "#IntentionalPresence")) is not derogated


def test_sccp_derogation_agrees_with_pyshacl(sccp):
    ours, reference = compare_with_pyshacl(sccp, ["eu-pops"], AT)
    assert ours == reference and any("TraceContaminantLimits" in str(k) for k in ours)


# ---------------------------------------------------------------------------------------------- B12

@pytest.fixture(scope="module")
def late(tmp_path_factory):
    return build(tmp_path_factory.mktemp("late"), [
        one("mxc-trace", sub(MXC, "0.01", **UN)), one("mxc-added", sub(MXC, "1", intentional="yes")),
        one("uv328-trace", sub(UV328, 100, **UN)), one("uv328-added", sub(UV328, 10, intentional="yes")),
        one("dp-trace", sub(DP, 999, **UN)), one("dp-added", sub(DP, 10, intentional="yes")),
    ], ["eu-pops"], identities=IDENTITIES)


def _found(store, day) -> set[str]:
    return {str(r.focus).rsplit("/", 1)[-1] for r in validate(store, ["eu-pops"], day).results}


@pytest.mark.parametrize("prefix, applies", [("mxc", dt.date(2024, 10, 17)), ("uv328", dt.date(2025, 8, 4)),
                                             ("dp", dt.date(2025, 10, 15))])
def test_an_entry_added_by_a_delegated_act_applies_from_the_acts_entry_into_force_not_its_publication(
        late, prefix, applies):
    """Methoxychlor (Delegated Regulation (EU) 2024/2570, OJ 27.9.2024, in force 17.10.2024), UV-328 ((EU) 2025/843,
    OJ 15.7.2025, in force 4.8.2025) and Dechlorane Plus ((EU) 2025/1930, OJ 25.9.2025, in force 15.10.2025): the ECHA
    export's "date of inclusion" is the publication; Article 3 covers the substance once the act applies (dates from
    secondary sources, data/echa/pops-annex-i-application-dates.csv; the OJ texts were not read, unverified).
    Until 2026-12-06 each was a violation in the weeks between, "its entry specifies no trace contaminant limit".
    The trace occurrences are within each entry's first limit; the intentional ones are violations from the day."""
    before, on, after = applies - dt.timedelta(days=1), applies, applies + dt.timedelta(days=1)
    assert not {f"{prefix}-trace", f"{prefix}-added"} & _found(late, before)
    for day in (on, after):
        found = _found(late, day)
        assert f"{prefix}-added" in found and f"{prefix}-trace" not in found


def test_the_application_dates_agree_with_pyshacl(late):
    for day in (dt.date(2024, 10, 16), dt.date(2025, 10, 15)):
        ours, reference = compare_with_pyshacl(late, ["eu-pops"], day)
        assert ours == reference
