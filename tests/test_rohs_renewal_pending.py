"""RoHS Art. 5(5): "Applications for renewal of an exemption shall be made no later than 18 months before the
exemption expires. [...] The existing exemption shall remain valid until a decision on the renewal application
is taken by the Commission." The continued periods are rows of data/eu-rohs/exemptions.csv (legal basis Art.
5(5)): verified where a renewal act's recital states the application (an exemption in use, compliant), unverified
where only secondary summaries do (exempted, and the part's status unknown: never a silent pass). Before them a
claim of 6(c) for a television between 22 July 2021 and 10 December 2025 was a violation. Each date is tested on
its last day and the day after."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, hits, material, part, product, sub

PB = "7439-92-1"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("renewal"), [
        # Annex III 6(c) "Copper alloy containing up to 4 % lead by weight"
        part("brass", 1000, material("m-brass", 1000, sub(PB, 30, exemption="6(c)"), category="brass")),
        # Annex III 7(c)-II "Lead in dielectric ceramic in capacitors for a rated voltage of 125 V AC or 250 V DC
        # or higher"
        part("cap", 1000, material("m-cap", 1000, sub(PB, 50, exemption="7(c)-II"), category="ceramic")),
        # Annex III 15, lead in flip chip solders; since (EU) 2019/172 categories 1-7 and 10 claim 15(a)
        part("flip", 1000, material("m-flip", 1000, sub(PB, 900, exemption="15"), category="solder")),
    ], LISTS, products=[product("tv", "4", "brass", "cap", "flip")])


def _on(store, day):
    report = validate(store, ["eu-rohs"], day)
    return {name: set(hits(report, name)) for name in
            ("#ExemptedUses", "#HomogeneousMaterialLimits", "#ExemptionStatusUnverified", "#ExemptionNotForCategory",
             "#ExemptionExpired")}, report


@pytest.mark.parametrize("day", [dt.date(2016, 7, 21), dt.date(2016, 7, 22), dt.date(2018, 5, 17)])
def test_6c_continues_for_category_4_after_2016_as_the_recital_of_2018_741_states(store, day):
    """Recital (2) of (EU) 2018/741: 6(c) was exempted until 21 July 2016 and the renewal application for
    categories 1-7 and 10 was received before 21 January 2015; the renewal's periods begin on 18 May 2018."""
    found, _ = _on(store, day)
    assert "m-brass" in found["#ExemptedUses"] and "m-brass" not in found["#HomogeneousMaterialLimits"]
    assert "m-brass" not in found["#ExemptionStatusUnverified"]


@pytest.mark.parametrize("day", [dt.date(2021, 7, 22), dt.date(2025, 12, 10)])
def test_6c_after_21_july_2021_is_exempt_pending_renewal_and_its_status_unverified(store, day):
    """(EU) 2018/741 ended 6(c) for categories 1-7 and 10 on 21 July 2021; the renewal applications were decided
    by (EU) 2025/2364, in force 11 December 2025 (read in secondary summaries only): exempted, and reported as a
    status not verified, so that the part's status is unknown, not compliant."""
    found, report = _on(store, day)
    assert "m-brass" in found["#ExemptedUses"] and "m-brass" not in found["#HomogeneousMaterialLimits"]
    assert "m-brass" in found["#ExemptionStatusUnverified"] and "m-brass" not in found["#ExemptionNotForCategory"]
    message = str(hits(report, "#ExemptionStatusUnverified")["m-brass"].message)
    assert "Art. 5(5)" in message and "2021-07-21" in message


@pytest.mark.parametrize("day, unverified", [
    (dt.date(2019, 2, 24), False), (dt.date(2019, 2, 25), True), (dt.date(2021, 7, 21), True),
    (dt.date(2021, 7, 22), True), (dt.date(2025, 12, 10), True), (dt.date(2025, 12, 11), True)])
def test_7c_ii_continues_until_its_renewal_applies_then_holds_unverified(store, day, unverified):
    """Recital (3)-(4) of (EU) 2019/169: 7(c)-II expired for categories 1-7 and 10 on 21 July 2016, a renewal
    application pending: valid (verified) until the replaced entry applies, 25 February 2019 (the act's relations
    table on EUR-Lex). The replaced entry's dates were not read (21 July 2021 for category 4 in a secondary
    summary), nor the application pending after them until (EU) 2025/2363: exempted, the status unverified. The
    earlier rows stopped on 4 February 2019 and made the capacitor a violation from the 5th (a false fail)."""
    found, _ = _on(store, day)
    assert "m-cap" in found["#ExemptedUses"] and "m-cap" not in found["#HomogeneousMaterialLimits"]
    assert ("m-cap" in found["#ExemptionStatusUnverified"]) is unverified


def test_15_continues_until_2019_172_applies_and_then_only_15a_holds_for_category_4(store):
    """Recitals (3)-(4) of (EU) 2019/172: 15 expired for categories 1-7 and 10 on 21 July 2016, renewal
    application received; from 1 March 2020 the act gives those categories entry 15(a) and keeps 15 for 8, 9
    and 11."""
    found, _ = _on(store, dt.date(2020, 2, 29))
    assert "m-flip" in found["#ExemptedUses"]
    found, _ = _on(store, dt.date(2020, 3, 1))
    assert "m-flip" in found["#ExemptionNotForCategory"] and "m-flip" in found["#HomogeneousMaterialLimits"]


def _one_claim(tmp_path_factory, material_id: str, lead_mg, exemption: str, category: str, scope: str):
    """A store with one 1 g part of one 1 g material holding `lead_mg` of lead that claims `exemption`, in one
    product of EEE scope `scope`."""
    return build(tmp_path_factory.mktemp(material_id), [
        part(f"p-{material_id}", 1000, material(material_id, 1000, sub(PB, lead_mg, exemption=exemption),
                                                  category=category)),
    ], LISTS, products=[product(f"product-{material_id}", scope, f"p-{material_id}")])


@pytest.fixture(scope="module")
def phase_out(tmp_path_factory):
    # Annex III 6(a) "Lead as an alloying element in steel for machining purposes and in galvanised steel
    # containing up to 0,35 % lead by weight", in an industrial monitoring and control instrument (category 9)
    return _one_claim(tmp_path_factory, "m-shaft", 3, "6(a)", "steel", "9-industrial")


@pytest.mark.parametrize("day, exempted", [
    (dt.date(2025, 12, 10), True), (dt.date(2025, 12, 11), True), (dt.date(2026, 12, 11), True),
    (dt.date(2026, 12, 12), False)])
def test_6a_not_renewed_by_2025_2364_is_phased_out_until_11_december_2026_not_expired_at_once(phase_out, day,
                                                                                            exempted):
    """(EU) 2025/2364 (OJ 21.11.2025, in force 11 December 2025) did not renew 6(a); Art. 5(6): "the exemption
    shall expire no earlier than 12 months and no later than 18 months after the date of the decision". The TÜV
    Rheinland Japan summary gives 11 December 2026 (the OJ annex was not read): exempted until then with the
    status unverified, expired the day after. Before these rows a claim on 11 December 2025 was a violation."""
    found, _ = _on(phase_out, day)
    assert ("m-shaft" in found["#ExemptedUses"]) is exempted
    assert ("m-shaft" in found["#ExemptionStatusUnverified"]) is exempted
    assert ("m-shaft" in found["#ExemptionExpired"]) is not exempted


def test_a_status_shared_by_several_scopes_is_named_once(tmp_path):
    """The 6(a)-I row of (EU) 2025/2364 (unverified, categories 1-11) holds in 2026 for a product of category 3
    and one of category 11: the finding names both scopes and the status once. Each scope's statuses were joined
    with the empty ones of its other periods (3 has the 2018 and Art. 5(5) periods of 6(a)-I, 11 none), "X / "
    for one scope and "X" for the other, then "X / X": 7,268 of 23,269 findings at 10^5 parts."""
    store = build(tmp_path, [
        part("shaft", 1000, material("m-shaft", 1000, sub(PB, 3, exemption="6(a)-I"), category="steel"))],
        LISTS, products=[product("fridge", "3", "shaft"), product("tool", "11", "shaft")])
    _, report = _on(store, dt.date(2026, 1, 1))
    message = str(hits(report, "#ExemptionStatusUnverified")["m-shaft"].message)
    assert "category 11, 3" in message or "category 3, 11" in message
    assert message.count("unverified: ") == 1, message


@pytest.fixture(scope="module")
def glass_ink(tmp_path_factory):
    return build(tmp_path_factory.mktemp("glass-ink"), [
        # Annex III 21 "Lead and cadmium in printing inks for the application of enamels on glasses, such as
        # borosilicate and soda lime glasses": a lamp bulb's marking in a television and in an industrial controller
        part("bulb-tv", 1000, material("m-ink-tv", 1000, sub(PB, 40, exemption="21"), category="glass")),
        part("bulb-ctl", 1000, material("m-ink-ctl", 1000, sub(PB, 40, exemption="21"), category="glass")),
    ], LISTS, products=[product("tv", "4", "bulb-tv"), product("controller", "9-industrial", "bulb-ctl")])


@pytest.mark.parametrize("day, unverified", [
    (dt.date(2016, 7, 21), False), (dt.date(2016, 7, 22), False), (dt.date(2019, 2, 4), False),
    (dt.date(2019, 2, 5), True), (dt.date(2021, 7, 21), True)])
def test_21_for_category_4_continues_until_2019_173_then_holds_unverified_until_21_july_2021(glass_ink, day,
                                                                                           unverified):
    """Recitals (3)-(4) of (EU) 2019/173: entry 21 expired for categories 1-7 and 10 on 21 July 2016, a renewal
    application was received before 21 January 2015 and "the exemption remains valid until a decision on that
    application has been adopted". The act (OJ L 33, 5.2.2019) replaced the entry; its annex was not read, so the
    replaced entry holds unverified to 21 July 2021, the date of the same batch read for 7(c)-II. The rows
    stopped on 4 February 2019 before: a violation from the 5th (a false fail)."""
    found, _ = _on(glass_ink, day)
    assert "m-ink-tv" in found["#ExemptedUses"] and "m-ink-tv" not in found["#HomogeneousMaterialLimits"]
    assert ("m-ink-tv" in found["#ExemptionStatusUnverified"]) is unverified


def test_21_for_category_4_has_no_continuation_after_21_july_2021(glass_ink):
    """No renewal request for entry 21 is known for the July 2021 expiries (provenance file): the claim expires."""
    found, _ = _on(glass_ink, dt.date(2021, 7, 22))
    assert "m-ink-tv" in found["#HomogeneousMaterialLimits"] and "m-ink-tv" not in found["#ExemptedUses"]
    assert "m-ink-tv" in found["#ExemptionNotForCategory"], "still valid for the later scopes, not for category 4"


@pytest.mark.parametrize("day", [dt.date(2016, 7, 22), dt.date(2019, 2, 4), dt.date(2019, 2, 5),
                                 dt.date(2024, 7, 21)])
def test_21_for_an_industrial_controller_is_not_expired_on_the_category_1_to_7_date(glass_ink, day):
    """The 21 July 2016 expiry of the recital is for categories 1-7 and 10; the 2011 row applied it to categories
    1-11, so an industrial monitoring and control instrument (category 9) was a violation from 22 July 2016. Its
    rows are unverified (no date read for category 9) up to 21 July 2024."""
    found, _ = _on(glass_ink, day)
    assert "m-ink-ctl" in found["#ExemptedUses"] and "m-ink-ctl" not in found["#HomogeneousMaterialLimits"]
    assert "m-ink-ctl" in found["#ExemptionStatusUnverified"]
    found, _ = _on(glass_ink, dt.date(2024, 7, 22))
    assert "m-ink-ctl" in found["#HomogeneousMaterialLimits"]


@pytest.fixture(scope="module")
def medical(tmp_path_factory):
    # Annex III 6(c) "Copper alloy containing up to 4 % lead by weight": a brass valve in a ventilator
    return _one_claim(tmp_path_factory, "m-valve", 30, "6(c)", "brass", "8-non-ivd")


@pytest.mark.parametrize("day, unverified", [
    (dt.date(2016, 7, 21), False), (dt.date(2016, 7, 22), True), (dt.date(2018, 5, 17), True),
    (dt.date(2018, 5, 18), False), (dt.date(2021, 7, 21), False)])
def test_6c_for_a_medical_device_does_not_expire_on_the_category_1_to_7_date_of_2016(medical, day, unverified):
    """Recital (2) of (EU) 2018/741 gives 21 July 2016 as the expiry of 6(c) for categories 1-7 and 10; the 2011 row
    ended it for categories 1-11, so a brass valve in a medical device was a violation from 22 July 2016 until the
    act's rows began on 18 May 2018 (its annex, read: 21 July 2021 for category 8 other than IVD). The period in
    between is kept for categories 8, 9 and 11 with the status unverified (no date read for them)."""
    found, _ = _on(medical, day)
    assert "m-valve" in found["#ExemptedUses"] and "m-valve" not in found["#HomogeneousMaterialLimits"]
    assert ("m-valve" in found["#ExemptionStatusUnverified"]) is unverified


@pytest.fixture(scope="module")
def piezo(tmp_path_factory):
    # Annex III 7(c)-I "Electrical and electronic components containing lead in a glass or ceramic other than
    # dielectric ceramic in capacitors, e.g. piezoelectronic devices ...": a transducer in an IVD analyser
    return _one_claim(tmp_path_factory, "m-piezo", 600, "7(c)-I", "ceramic", "8-ivd")


@pytest.mark.parametrize("day", [dt.date(2018, 5, 17), dt.date(2018, 5, 18), dt.date(2023, 7, 21),
                                 dt.date(2023, 7, 22), dt.date(2025, 12, 10), dt.date(2025, 12, 11)])
def test_7c_i_for_an_ivd_device_holds_after_its_2018_renewal(piezo, day):
    """(EU) 2018/736 renewed 7(c)-I from 18 May 2018 (annex not read); rows existed for categories 1-7 and 10
    only, so a piezo transducer in an in vitro diagnostic device read as not exempt for its category from 18 May
    2018 to 10 December 2025. It now holds, unverified, on the dates the same batch gives 6(c), 7(a) and 34."""
    found, _ = _on(piezo, day)
    assert "m-piezo" in found["#ExemptedUses"] and "m-piezo" not in found["#HomogeneousMaterialLimits"]
    assert "m-piezo" not in found["#ExemptionNotForCategory"] and "m-piezo" in found["#ExemptionStatusUnverified"]
