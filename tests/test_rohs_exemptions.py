"""RoHS exemptions (Directive 2011/65/EU Art. 4(6), Art. 5, Annexes III and IV) as dated data
(data/eu-rohs/exemptions.csv): a claimed exemption holds only in a validity period for the EEE category of
every product the part goes into, for the material and within the concentration its wording states. Each
date is tested on the last valid day and the day after; each concentration at the stated value and above."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib.namespace import SH

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

PB, HG, DEHP = "7439-92-1", "7439-97-6", "117-81-7"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
AT = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("exemptions"), [
        # Annex III 4(d) "Mercury in High Pressure Mercury (vapour) lamps (HPMV)", "Expires on 13 April 2015"
        part("hpmv", 1000, material("m-hpmv", 1000, sub(HG, 30, exemption="4(d)"), category="lamp")),
        # Annex III 6(c) "Copper alloy containing up to 4 % lead by weight"
        part("brass-4", 1000, material("m-brass-4", 1000, sub(PB, 40, exemption="6(c)"), category="brass")),
        part("brass-4.1", 1000, material("m-brass-41", 1000, sub(PB, 41, exemption="6(c)"), category="brass")),
        part("pvc", 1000, material("m-pvc", 1000, sub(PB, 30, exemption="6(c)"), category="pvc-cable-insulation")),
        part("nocat", 1000, material("m-nocat", 1000, sub(PB, 30, exemption="6(c)"))),
        # Annex III 34, lead in cermet-based trimmer potentiometer elements, in no product
        part("nocat-34", 1000, material("m-nocat-34", 1000, sub(PB, 30, exemption="34"), category="ceramic")),
        part("brass-med", 1000, material("m-brass-med", 1000, sub(PB, 30, exemption="6(c)"), category="brass")),
        # Annex III 7(a) "lead-based alloys containing 85 % by weight or more lead"
        part("hmp-90", 1000, material("m-hmp-90", 1000, sub(PB, 900, exemption="7(a)"), category="solder")),
        part("hmp-80", 1000, material("m-hmp-80", 1000, sub(PB, 800, exemption="7(a)"), category="solder")),
        # Annex IV 13 "Lead in counterweights": categories 8 and 9 only
        part("weight-tv", 1000, material("m-weight-tv", 1000, sub(PB, 500, exemption="eu-rohs-annex-iv:13"))),
        part("weight-med", 1000, material("m-weight-med", 1000, sub(PB, 500, exemption="eu-rohs-annex-iv:13"))),
        # Annex IV 39 "Lead in micro-channel plates (MCPs) used in equipment where ...", (b) in-vitro diagnostic
        # medical devices until 21 July 2023 (Delegated Directive 2014/70/EU, Annex)
        part("mcp-med", 1000, material("m-mcp-med", 1000, sub(PB, 500, exemption="eu-rohs-annex-iv:39"))),
        # Annex II DEHP 0.1 %: categories 8 and 9 only from 22 July 2021 (Annex II note, (EU) 2015/863)
        part("dehp-med", 1000, material("m-dehp-med", 1000, sub(DEHP, 2))),
        part("dehp-tv", 1000, material("m-dehp-tv", 1000, sub(DEHP, 2))),
        part("dehp-loose", 1000, material("m-dehp-loose", 1000, sub(DEHP, 2))),
        # lead in category 11 ("other EEE") only from 22 July 2019 (Art. 4(3))
        part("lead-other", 1000, material("m-lead-other", 1000, sub(PB, 2))),
    ], LISTS, products=[
        product("tv", "4", "hpmv", "brass-4", "brass-4.1", "pvc", "hmp-90", "hmp-80", "weight-tv", "dehp-tv"),
        product("monitor", "8", "brass-med", "weight-med", "dehp-med", "mcp-med"),
        product("drone", "11", "lead-other"),
    ])


def _by_shape(store, day):
    report = validate(store, ["eu-rohs"], day)
    return report, lambda suffix: hits(report, suffix)


def test_4d_is_exempt_on_its_expiry_date_and_a_violation_naming_it_the_day_after(store):
    _, on = _by_shape(store, dt.date(2015, 4, 13))
    assert "m-hpmv" in on("#ExemptedUses") and "m-hpmv" not in on("#HomogeneousMaterialLimits")
    _, after = _by_shape(store, dt.date(2015, 4, 14))
    assert "m-hpmv" in after("#HomogeneousMaterialLimits") and "m-hpmv" not in after("#ExemptedUses")
    expired = after("#ExemptionExpired")["m-hpmv"]
    assert expired.severity == SH.Violation and "expired on 2015-04-13" in str(expired.message)


def test_6c_allows_lead_up_to_4_percent_and_not_above(store):
    _, at = _by_shape(store, dt.date(2021, 7, 21))
    assert "m-brass-4" in at("#ExemptedUses") and "m-brass-4" not in at("#HomogeneousMaterialLimits")
    assert "m-brass-41" in at("#HomogeneousMaterialLimits")
    cap = at("#ExemptionConcentration")["m-brass-41"]
    assert "at most 4 %" in str(cap.message) and "4.1 %" in str(cap.message)


def test_6c_claimed_for_pvc_is_a_violation_naming_the_copper_alloy_condition(store):
    _, at = _by_shape(store, dt.date(2021, 7, 21))
    wrong = at("#ExemptionWrongMaterial")["m-pvc"]
    assert "copper alloy" in str(wrong.message) and "pvc-cable-insulation" in str(wrong.message)
    assert "m-pvc" in at("#HomogeneousMaterialLimits") and "m-pvc" not in at("#ExemptedUses")


def test_a_material_without_category_cannot_show_the_condition_and_is_a_warning(store):
    _, at = _by_shape(store, dt.date(2021, 7, 21))
    assert at("#ExemptionMaterialUnknown")["m-nocat"].severity == SH.Warning


def test_6c_for_category_4_after_21_july_2021_holds_pending_renewal_with_its_status_unverified(store):
    """Delegated Directive (EU) 2018/741: 6(c) for categories 1-7 and 10 expires on 21 July 2021; it stays valid
    until the renewal decision (Art. 5(5)), (EU) 2025/2364, read only in secondary summaries: from the day after,
    exempted with an unverified status naming the category and the date (the part's status unknown)."""
    _, on = _by_shape(store, dt.date(2021, 7, 21))
    assert "m-brass-4" in on("#ExemptedUses") and "m-brass-4" not in on("#ExemptionStatusUnverified")
    _, after = _by_shape(store, dt.date(2021, 7, 22))
    status = after("#ExemptionStatusUnverified")["m-brass-4"]
    assert "after 2021-07-21 for EEE category 4" in str(status.message) and "Art. 5(5)" in str(status.message)
    assert "m-brass-4" in after("#ExemptedUses") and "m-brass-4" not in after("#ExemptionNotForCategory")


def test_6c_for_a_medical_device_other_than_ivd_ends_on_21_july_2021(store):
    """(EU) 2018/741, Annex, 6(c): "Applies to categories 8 and 9 other than in vitro diagnostic medical devices
    and industrial monitoring and control instruments. Expires on 21 July 2021"; only the in vitro diagnostic
    devices keep a verified period until 21 July 2023 (tests/test_rohs_subcategories.py). A product of category 8
    that does not say it is one was reported exempt on a verified period until 2023; from 22 July 2021 it holds
    only pending renewal (Art. 5(5), secondary sources), so its status is unverified."""
    _, on = _by_shape(store, dt.date(2021, 7, 21))
    assert "m-brass-med" in on("#ExemptedUses") and "m-brass-med" not in on("#ExemptionStatusUnverified")
    _, after = _by_shape(store, dt.date(2021, 7, 22))
    status = after("#ExemptionStatusUnverified")["m-brass-med"]
    assert "after 2021-07-21 for EEE category 8-non-ivd" in str(status.message)


def test_annex_iv_39_for_a_medical_device_other_than_ivd_ends_on_21_july_2021(store):
    """Directive 2014/70/EU, Annex (Annex IV point 39): "The exemption expires on the following dates: (a) 21 July
    2021 for medical devices and monitoring and control instruments; (b) 21 July 2023 for in-vitro diagnostic
    medical devices; (c) 21 July 2024 for industrial monitoring and control instruments." The monitor is category
    8 and not declared in vitro diagnostic: (a). It was exempt until 21 July 2023 while categories were numbers."""
    _, on = _by_shape(store, dt.date(2021, 7, 21))
    assert "m-mcp-med" in on("#ExemptedUses") and "m-mcp-med" not in on("#HomogeneousMaterialLimits")
    _, after = _by_shape(store, dt.date(2021, 7, 22))
    assert "m-mcp-med" in after("#HomogeneousMaterialLimits") and "m-mcp-med" not in after("#ExemptedUses")


def test_an_exemption_whose_current_validity_is_unverified_is_reported_not_silently_applied(store):
    report, now = _by_shape(store, AT)
    status = now("#ExemptionStatusUnverified")["m-brass-4"]
    # the last verified period for category 4 ((EU) 2018/741) ended on 21 July 2021; those for 9 and 11 in 2024
    assert status.severity == SH.Warning
    assert "exemption status unverified after 2021-07-21 for EEE category 4" in str(status.message)


def test_7a_requires_85_percent_lead_or_more(store):
    _, at = _by_shape(store, dt.date(2020, 1, 1))
    assert "m-hmp-90" in at("#ExemptedUses")
    minimum = at("#ExemptionConcentration")["m-hmp-80"]
    assert "at least 85 %" in str(minimum.message) and "m-hmp-80" in at("#HomogeneousMaterialLimits")


def test_annex_iv_exemptions_hold_only_for_categories_8_and_9(store):
    _, at = _by_shape(store, AT)
    assert "m-weight-med" in at("#ExemptedUses") and "m-weight-med" not in at("#HomogeneousMaterialLimits")
    assert "category 4" in str(at("#ExemptionNotForCategory")["m-weight-tv"].message)
    assert "m-weight-tv" in at("#HomogeneousMaterialLimits")


def test_phthalates_apply_to_category_8_from_22_july_2021_and_to_others_from_22_july_2019(store):
    _, before = _by_shape(store, dt.date(2021, 7, 21))
    assert "m-dehp-med" not in before("#HomogeneousMaterialLimits")
    assert {"m-dehp-tv", "m-dehp-loose"} <= set(before("#HomogeneousMaterialLimits"))  # no product: general date
    _, on = _by_shape(store, dt.date(2021, 7, 22))
    assert "m-dehp-med" in on("#HomogeneousMaterialLimits")
    _, general = _by_shape(store, dt.date(2019, 7, 22))
    limits = general("#HomogeneousMaterialLimits")
    assert "m-dehp-tv" in limits and "m-dehp-med" not in limits


def test_phthalates_in_a_category_8_product_and_in_one_of_no_category_apply_from_22_july_2019(tmp_path):
    """Annex II's later date for categories 8 and 9 holds only when every product the part goes into is one of
    them; a product that declares no category may be any EEE (cg:inUncategorizedProduct, derived with the diff
    writes of graph/derived.py)."""
    store = build(tmp_path, [part("dehp-both", 1000, material("m-dehp-both", 1000, sub(DEHP, 2))),
                             part("dehp-8", 1000, material("m-dehp-8", 1000, sub(DEHP, 2)))],
                  LISTS, products=[product("monitor", "8", "dehp-both", "dehp-8"), product("unknown", "", "dehp-both")])
    _, before = _by_shape(store, dt.date(2021, 7, 21))
    assert "m-dehp-both" in before("#HomogeneousMaterialLimits")
    assert "m-dehp-8" not in before("#HomogeneousMaterialLimits")
    _, on = _by_shape(store, dt.date(2021, 7, 22))
    assert {"m-dehp-both", "m-dehp-8"} <= set(on("#HomogeneousMaterialLimits"))


def test_lead_applies_to_category_11_from_22_july_2019(store):
    _, before = _by_shape(store, dt.date(2019, 7, 21))
    assert "m-lead-other" not in before("#HomogeneousMaterialLimits")
    _, on = _by_shape(store, dt.date(2019, 7, 22))
    assert "m-lead-other" in on("#HomogeneousMaterialLimits")


@pytest.mark.parametrize("day", [dt.date(2015, 4, 14), dt.date(2021, 7, 22), AT])
def test_same_results_as_pyshacl(store, day):
    ours, reference = compare_with_pyshacl(store, ["eu-rohs"], day)
    assert ours == reference


def test_category_unknown_is_reported_only_when_the_exemption_does_not_cover_all_11_categories(store):
    # 34 on 2021-07-21: every EEE scope (rows of (EU) 2018/738, annex read); on 2021-07-22 it has ended for
    # categories 1-7, 10 and the medical devices and instruments other than IVD and industrial ones
    _, all_categories = _by_shape(store, dt.date(2021, 7, 21))
    assert "m-nocat-34" not in all_categories("#ExemptionCategoryUnknown")
    _, some = _by_shape(store, dt.date(2021, 7, 22))
    warning = some("#ExemptionCategoryUnknown")["m-nocat-34"]
    listed = set(str(warning.message).split("categories ")[1].split(";")[0].split(", "))
    assert warning.severity == SH.Warning and listed == {"8-ivd", "9-industrial", "11"}, warning.message


def test_shared_pack_data_deleted_by_another_load_is_written_again(tmp_path):
    # a store validated before the material classes moved to shapes/data had them under the eu-rohs pack's
    # load: reloading that pack deleted them, and the unchanged-content check then skipped writing them again
    store = build(tmp_path, [part("b", 1000, material("m-b", 1000, sub(PB, 30, exemption="6(c)"), category="brass"))],
                  LISTS)
    day = dt.date(2020, 1, 1)
    assert "m-b" in hits(validate(store, ["eu-rohs"], day), "#ExemptedUses")
    store.update("DELETE WHERE { ?class cg:className ?name ; cg:categoryPattern ?pattern }")
    assert "m-b" in hits(validate(store, ["eu-rohs"], day), "#ExemptedUses")


def test_the_later_phthalate_date_drops_only_the_phthalate_restriction_of_a_material_that_also_holds_lead(tmp_path):
    """The later start for categories 8 and 9 (Annex II note, (EU) 2015/863) is tested per material and
    restriction after the sum: a category-8 material over both limits reports lead (Art. 4(1), in force) and not
    DEHP the day before 22 July 2021, and both from that day; each restriction its own result."""
    store = build(tmp_path, [part("mixed-8", 1000, material("m-mixed-8", 1000, sub(DEHP, 2), sub(PB, 2)))],
                  LISTS, products=[product("monitor", "8", "mixed-8")])

    def limits(day):
        report = validate(store, ["eu-rohs"], day)
        return {str(r.detail("restriction")): str(r.message) for r in report.results
                if str(r.shape).endswith("#HomogeneousMaterialLimits") and str(r.focus).endswith("/m-mixed-8")}
    before, on = limits(dt.date(2021, 7, 21)), limits(dt.date(2021, 7, 22))
    assert len(before) == 1 and PB in next(iter(before.values())) and DEHP not in next(iter(before.values()))
    assert len(on) == 2 and set(before) < set(on)
    assert any(DEHP in message for message in on.values())
