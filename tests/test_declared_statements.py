"""What a supplier's declaration states of a part (IPC-1752A Class C statements) becomes findings: a substance
category stated over its threshold (RoHS: a violation, Directive 2011/65/EU Art. 4(1); REACH Candidate List: the
duties of Art. 33, a warning), an exemption stated for it that does not hold at the evaluation date or for the
product's EEE category (Art. 4(3), 5, Annex III), and a declaration made against a list version older than the
one in force (the declaration does not cover what was added since: a warning naming how many entries).
"""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.loaders.declarations import import_declarations

from .shacl_cases import build, compare_with_pyshacl, hits, part, product

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]


# the ten Annex II categories as IPC-1752A Class C declarations name them
ALL_ROHS = ["Lead/Lead Compounds", "Cadmium/Cadmium Compounds", "Mercury/Mercury Compounds",
            "Hexavalent Chromium/Hexavalent Chromium Compounds", "Polybrominated Biphenyls (PBBs)",
            "Polybrominated Diphenylethers (PBDEs)", "Bis(2-ethylhexyl) phthalate (DEHP)",
            "Butyl benzyl phthalate (BBP)", "Dibutyl phthalate (DBP)", "Diisobutyl phthalate (DIBP)"]


def _class_c(folder, item: str, *lists: tuple[str, list[tuple[str, bool, str]]], date: str = "2025-06-01") -> object:
    """An IPC-1752A Class C declaration of `item`: per list identity, (category, over threshold, exemption)."""
    body = "".join(
        f'<SubstanceCategoryList><SubstanceCategoryListID identity="{identity}" authority="IPC"/>' + "".join(
            f'<SubstanceCategory name="{name}" reportableApplication="All">'
            f'<Threshold overThreshold="{str(over).lower()}" threshold="1000 ppm"/>'
            + (f'<Exemption identity="{exemption}"/>' if exemption else "") + "</SubstanceCategory>"
            for name, over, exemption in categories) + "</SubstanceCategoryList>"
        for identity, categories in lists)
    path = folder / f"{item}.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        f'version="2.0"><BusinessInfo><Response date="{date}"><SupplyCompany name="Test Supplier">'
        '<CompanyID identity="123456789" authority="DUNS"/></SupplyCompany></Response></BusinessInfo>'
        f'<Product unitType="Each"><ProductID itemNumber="{item}" itemName="part {item}"/>'
        f"<MaterialInfo>{body}</MaterialInfo></Product></MainDeclaration>")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("statements")
    parts = ("ABOVE", "EXPIRED", "UNKNOWN", "CAT3", "CAT8", "MED8", "TRIM3", "CLEAN", "SVHC")
    store = build(folder, [part(p, 1000) for p in parts],
                  LISTS, products=[product("tv", "3", "ABOVE", "EXPIRED", "UNKNOWN", "CAT3", "TRIM3", "CLEAN", "SVHC"),
                                   product("analyser", "8-ivd", "CAT8"), product("monitor", "8", "MED8")])
    import_declarations(store, [
        _class_c(folder, "ABOVE", ("EUROHS-1907", [("Lead/Lead Compounds", True, ""),
                                                   ("Cadmium/Cadmium Compounds", False, "")])),
        # Annex III 4(d), lead in the glass of fluorescent lamps...: expired on 13 April 2015
        _class_c(folder, "EXPIRED", ("EUROHS-1907", [("Lead/Lead Compounds", True, "4(d)")])),
        _class_c(folder, "UNKNOWN", ("EUROHS-1907", [("Lead/Lead Compounds", True, "99(z)")])),
        # Annex III 6(c): the 2011 entry until 21 July 2016, continued for categories 1-7 and 10 pending renewal
        # (Art. 5(5), recital (2) of (EU) 2018/741) until (EU) 2018/741 renewed it from 18 May 2018: for
        # categories 1-7 and 10 and for 8 and 9 other than IVD and industrial M&C until 21 July 2021, for IVD
        # until 21 July 2023; after that continued pending renewal (secondary sources: unverified)
        _class_c(folder, "CAT3", ("EUROHS-1907", [("Lead/Lead Compounds", True, "6(c)")])),
        _class_c(folder, "CAT8", ("EUROHS-1907", [("Lead/Lead Compounds", True, "6(c)")])),
        _class_c(folder, "MED8", ("EUROHS-1907", [("Lead/Lead Compounds", True, "6(c)")])),
        # Annex III 34, lead in cermet-based trimmer potentiometer elements ((EU) 2018/738, annex read): expires on
        # 21 July 2021 for categories 1-7 and 10, on 21 July 2023 for IVD medical devices
        _class_c(folder, "TRIM3", ("EUROHS-1907", [("Lead/Lead Compounds", True, "34")])),
        _class_c(folder, "CLEAN", ("EUROHS-1907", [("Lead/Lead Compounds", False, "")]),
                 ("EUREACH-0624", [("SVHC Candidate List", False, "")])),
        _class_c(folder, "SVHC", ("EUREACH-0624", [("SVHC Candidate List", True, "")])),
    ])
    return store


def _found(store, day: dt.date, shape: str, packs=("eu-rohs", "eu-reach-svhc")) -> dict:
    return hits(validate(store, list(packs), day), shape)


def test_a_rohs_category_stated_over_its_threshold_without_exemption_is_a_violation(store):
    found = _found(store, dt.date(2024, 7, 1), "#DeclaredOverThreshold")
    assert set(found) == {"ABOVE"}
    assert "Lead/Lead Compounds" in found["ABOVE"].message and "EUROHS-1907" in found["ABOVE"].message
    assert str(found["ABOVE"].severity).endswith("Violation")


def test_a_stated_exemption_holds_until_its_expiry_and_not_the_day_after(store):
    # Annex III 4(d): "Expires on 13 April 2015"
    assert "EXPIRED" not in _found(store, dt.date(2015, 4, 13), "#DeclaredExemptionNotInForce")
    found = _found(store, dt.date(2015, 4, 14), "#DeclaredExemptionNotInForce")
    assert "EXPIRED" in found and "expired on 2015-04-13" in found["EXPIRED"].message


def test_a_stated_exemption_that_is_in_no_annex_is_a_violation(store):
    found = _found(store, dt.date(2024, 7, 1), "#DeclaredExemptionNotInForce")
    assert "not an exemption of Annex III or IV" in found["UNKNOWN"].message


def test_a_stated_exemption_in_force_for_other_categories_only_is_a_violation_naming_the_category(store):
    # 2021-07-22: 34 has ended for category 3 and holds for IVD medical devices and industrial instruments
    assert _found(store, dt.date(2021, 7, 21), "#DeclaredExemptionNotForCategory") == {}
    found = _found(store, dt.date(2021, 7, 22), "#DeclaredExemptionNotForCategory")
    assert set(found) == {"TRIM3"} and "EEE category 3" in found["TRIM3"].message, found


def test_a_stated_exemption_for_a_medical_device_holds_after_the_category_1_to_7_date_of_2016(store):
    """Recital (2) of (EU) 2018/741: 6(c) expired on 21 July 2016 for categories 1-7 and 10 (and continued
    pending renewal). No date for categories 8, 9 and 11 was read; they read as expired from 22 July 2016 (a false
    fail) until the row for them (unverified) was added."""
    assert _found(store, dt.date(2016, 7, 22), "#DeclaredExemptionNotForCategory") == {}
    assert set(_found(store, dt.date(2016, 7, 22), "#DeclaredExemptionInUse")) >= {"CAT3", "CAT8", "MED8"}
    # TRIM3: 34 continued for category 3 pending its renewal by (EU) 2018/738, whose recital was not read
    assert set(_found(store, dt.date(2016, 7, 22), "#DeclaredExemptionStatusUnverified")) == {"CAT8", "MED8", "TRIM3"}
    # on the last day of the 2011 entry 6(c) is verified for every category (34 is not: its 2016 date is inferred)
    assert set(_found(store, dt.date(2016, 7, 21), "#DeclaredExemptionStatusUnverified")) == {"TRIM3"}


def test_a_stated_exemption_for_a_medical_device_other_than_ivd_is_unverified_from_22_july_2021(store):
    """(EU) 2018/741, Annex, 6(c): "Applies to categories 8 and 9 other than in vitro diagnostic medical devices
    and industrial monitoring and control instruments. Expires on 21 July 2021"; in vitro diagnostic devices until
    21 July 2023. A category 8 product that is not declared in vitro diagnostic got the IVD date while categories
    were numbers; after its own date the exemption holds only pending renewal, as read in secondary sources."""
    assert _found(store, dt.date(2021, 7, 21), "#DeclaredExemptionStatusUnverified") == {}
    found = _found(store, dt.date(2021, 7, 22), "#DeclaredExemptionStatusUnverified")
    assert set(found) == {"CAT3", "MED8"} and "on 2021-07-22 for EEE category 8-non-ivd" in found["MED8"].message
    assert "Art. 5(5)" in found["MED8"].message and str(found["MED8"].severity).endswith("Warning")
    assert set(_found(store, dt.date(2023, 7, 21), "#DeclaredExemptionStatusUnverified")) == {"CAT3", "MED8"}
    assert set(_found(store, dt.date(2023, 7, 22), "#DeclaredExemptionStatusUnverified")) == {"CAT3", "CAT8", "MED8"}


def test_a_stated_exemption_that_holds_is_reported_as_in_use_with_its_end(store):
    # 6(c) for in vitro diagnostic devices until 2023-07-21 ((EU) 2018/741): CAT8 is exempted that day
    found = _found(store, dt.date(2023, 7, 21), "#DeclaredExemptionInUse")
    assert "until: 2023-07-21" in found["CAT8"].message and str(found["CAT8"].severity).endswith("Info")


def test_an_svhc_stated_over_0_1_percent_is_a_warning_with_the_duties(store):
    report = validate(store, ["eu-reach-svhc"], dt.date(2024, 7, 1))
    found = hits(report, "#DeclaredAboveThreshold")
    assert set(found) == {"SVHC"} and str(found["SVHC"].severity).endswith("Warning")
    assert not [r for r in report.results if str(r.severity).endswith("Violation")], report.results


def test_a_declaration_against_an_older_candidate_list_is_reported_with_what_was_added(store):
    # EUREACH-0624: the Candidate List as of June 2024 (its update of 2024-06-27); the next update, 2024-11-07,
    # added one entry; by 2026-12-01 twelve had been added (2024-11-07: 1, 2025-01-21: 5, 2025-06-25: 3,
    # 2025-11-05: 1, 2026-02-04: 2)
    assert _found(store, dt.date(2024, 11, 6), "#OutdatedDeclaration", ["eu-reach-svhc"]) == {}
    found = _found(store, dt.date(2024, 11, 7), "#OutdatedDeclaration", ["eu-reach-svhc"])
    assert set(found) == {"CLEAN", "SVHC"} and "with 1 entries included since" in found["CLEAN"].message
    found = _found(store, dt.date(2026, 12, 1), "#OutdatedDeclaration", ["eu-reach-svhc"])
    assert "version of 2026-02-04, with 12 entries included since" in found["CLEAN"].message


@pytest.mark.parametrize("day", [dt.date(2015, 4, 14), dt.date(2023, 7, 21), dt.date(2026, 12, 1)])
def test_same_results_as_pyshacl(store, day):
    ours, reference = compare_with_pyshacl(store, ["eu-rohs", "eu-reach-svhc"], day)
    assert ours == reference and ours


def test_statements_against_an_unknown_list_identity_are_reported_not_passed(tmp_path):
    store = build(tmp_path, [part("P1", 1000)], LISTS)
    import_declarations(store, [_class_c(tmp_path, "P1", ("EUROHS-2019-XX", [("Lead/Lead Compounds", True, "")]))])
    found = hits(validate(store, ["data-quality", "eu-rohs"], dt.date(2026, 12, 1)), "#StatementList")
    assert "EUROHS-2019-XX" in found["P1"].message


def test_a_class_c_declaration_without_a_mass_leaves_the_part_unknown_not_non_compliant(store):
    """IPC-1752A Class C states each category below or above its threshold and carries no mass. The missing
    mass was a data-quality Violation: "compliant: False", exit 1, for a part whose declaration states lead below
    the threshold (a QA run, 2026-12-06). It is a warning now: the share of a substance in the article is unknown."""
    report = validate(store, ["data-quality", "eu-rohs"], dt.date(2024, 7, 1))
    masses = [r for r in report.results if str(r.shape).endswith("#PartMass")]
    assert masses and {str(r.severity).rsplit("#", 1)[-1] for r in masses} == {"Warning"}
    assert "REACH Art. 33" in str(masses[0].message)
    assert not [r for r in report.results if str(r.severity).endswith("Violation") and "CLEAN" in str(r.focus)]
