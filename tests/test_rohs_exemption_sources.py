"""Rows of data/eu-rohs/exemptions.csv changed on 2026-12-06 from the recitals of the renewal acts, read on
EUR-Lex and legislation.gov.uk (data/provenance/rohs-exemptions.md, section of that date):

- 7(a): recital (2) of (EU) 2018/742 states the 21 July 2016 expiry and the renewal application for categories 1-7
  and 10, so the 2011 row and the Art. 5(5) continuation to 17 May 2018 are verified (they were inferred);
- 7(c)-I: the same in recital (2) of (EU) 2018/736;
- 24: recital (2) of (EU) 2018/737; the 2011 row had no end date and stood for the renewed entry too: it now ends
  on 21 July 2016, continues under Art. 5(5) (verified for 1-7 and 10, unverified for 8, 9 and 11) to 17 May 2018,
  and the renewed entry (annex not read) holds from 18 May 2018 with no end date, unverified;
- 18(b): recitals (3)-(4) of (EU) 2019/177; the open-ended 2011 row overlapped the act's rows (from 1 March 2020)
  and outlived their expiries: it now ends on 21 July 2016, followed by the Art. 5(5) continuation to 29 February
  2020.

Each date is tested on its last day and the day after."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, hits, material, part, product, sub

PB = "7439-92-1"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
SHAPES = ("#ExemptedUses", "#HomogeneousMaterialLimits", "#ExemptionStatusUnverified", "#ExemptionNotForCategory",
          "#ExemptionExpired")


def _claims(tmp_path_factory, name: str, claims: list[tuple[str, int, str, str, str]]):
    """A store with one 1 g part of one 1 g material per claim (material id, mg of lead, exemption, material
    category, EEE scope of the one product the part goes into)."""
    parts, products = [], []
    for mid, lead_mg, exemption, category, scope in claims:
        parts.append(part(f"p-{mid}", 1000, material(mid, 1000, sub(PB, lead_mg, exemption=exemption),
                                                       category=category)))
        products.append(product(f"product-{mid}", scope, f"p-{mid}"))
    return build(tmp_path_factory.mktemp(name), parts, LISTS, products=products)


def _on(store, day):
    report = validate(store, ["eu-rohs"], day)
    return {name: set(hits(report, name)) for name in SHAPES}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return _claims(tmp_path_factory, "sources", [
        # 7(a) "Lead in high melting temperature type solders (i.e. lead-based alloys containing 85 % by weight or
        # more lead)", a die attach in a television
        ("m-hmp", 900, "7(a)", "solder", "4"),
        # 7(c)-I "Electrical and electronic components containing lead in a glass or ceramic other than dielectric
        # ceramic in capacitors, e.g. piezoelectronic devices ...", a buzzer in a television
        ("m-piezo", 600, "7(c)-I", "ceramic", "4"),
        # 24 "Lead in solders for the soldering to machined through hole discoidal and planar array ceramic
        # multilayer capacitors", an EMI filter in a television and in an industrial controller
        ("m-filter-tv", 900, "24", "solder", "4"),
        ("m-filter-ctl", 900, "24", "solder", "9-industrial"),
        # 18(b) "Lead as activator in the fluorescent powder (1 % lead by weight or less) of discharge lamps when
        # used as sun tanning lamps ...", a tanning lamp in a sun bed (category 2) and in an IVD analyser
        ("m-tan", 5, "18(b)", "lamp", "2"),
        ("m-tan-ivd", 5, "18(b)", "lamp", "8-ivd"),
    ])


def _exempt(found, mid):
    return mid in found["#ExemptedUses"] and mid not in found["#HomogeneousMaterialLimits"]


@pytest.mark.parametrize("day", [dt.date(2016, 7, 21), dt.date(2016, 7, 22), dt.date(2018, 5, 17),
                                 dt.date(2018, 5, 18)])
def test_7a_in_category_4_is_verified_before_and_after_21_july_2016(store, day):
    """Recital (2) of (EU) 2018/742 (EUR-Lex, OJ L 123, 18.5.2018, p. 112): 7(a) exempted until 21 July 2016,
    renewal application for categories 1-7 and 10 received before 21 January 2015; the act's annex (read) applies
    from 18 May 2018. Before, the 2011 row and the Art. 5(5) row were unverified (the date inferred)."""
    found = _on(store, day)
    assert _exempt(found, "m-hmp") and "m-hmp" not in found["#ExemptionStatusUnverified"]


@pytest.mark.parametrize("day, unverified", [
    (dt.date(2016, 7, 21), False), (dt.date(2016, 7, 22), False), (dt.date(2018, 5, 17), False),
    (dt.date(2018, 5, 18), True)])
def test_7c_i_in_category_4_is_verified_until_its_2018_renewal(store, day, unverified):
    """Recital (2) of (EU) 2018/736 (legislation.gov.uk): 7(c)-I exempted until 21 July 2016, renewal application
    for categories 1-7 and 10; continued under Art. 5(5) until the renewed entry (annex not read: unverified) from
    18 May 2018."""
    found = _on(store, day)
    assert _exempt(found, "m-piezo")
    assert ("m-piezo" in found["#ExemptionStatusUnverified"]) is unverified


@pytest.mark.parametrize("day, unverified", [
    (dt.date(2016, 7, 21), False), (dt.date(2016, 7, 22), False), (dt.date(2018, 5, 17), False),
    (dt.date(2018, 5, 18), True), (dt.date(2030, 1, 1), True)])
def test_24_in_category_4_is_verified_to_its_renewal_then_holds_unverified(store, day, unverified):
    """Recital (2) of (EU) 2018/737 (legislation.gov.uk): entry 24 exempted until 21 July 2016, renewal application
    for categories 1-7 and 10 received. The 2011 row ran without an end date and unverified; now the 2011 entry and
    its continuation are verified to 17 May 2018, and the renewed entry, whose annex was not read, holds from 18 May
    2018 with no end date, reported as unverified (never a firm expiry)."""
    found = _on(store, day)
    assert _exempt(found, "m-filter-tv")
    assert ("m-filter-tv" in found["#ExemptionStatusUnverified"]) is unverified


@pytest.mark.parametrize("day, unverified", [
    (dt.date(2016, 7, 21), False), (dt.date(2016, 7, 22), True), (dt.date(2018, 5, 17), True),
    (dt.date(2018, 5, 18), True)])
def test_24_for_an_industrial_controller_is_not_verified_after_the_category_1_to_7_date(store, day, unverified):
    """The recital's 21 July 2016 is for categories 1-7 and 10; for category 9 no date was read, so the entry is
    kept, unverified, until the renewed entry begins."""
    found = _on(store, day)
    assert _exempt(found, "m-filter-ctl")
    assert "m-filter-ctl" not in found["#ExemptionNotForCategory"]
    assert ("m-filter-ctl" in found["#ExemptionStatusUnverified"]) is unverified


@pytest.mark.parametrize("day", [dt.date(2016, 7, 21), dt.date(2016, 7, 22), dt.date(2020, 2, 29),
                                 dt.date(2020, 3, 1), dt.date(2021, 7, 21)])
def test_18b_in_category_2_is_verified_from_2011_to_the_2021_expiry(store, day):
    """Recitals (3)-(4) of (EU) 2019/177 (legislation.gov.uk): 18(b) originally expired for categories 1-7 and 10
    on 21 July 2016 and "remains valid until a decision on that application has been adopted"; the act's annex
    (read) applies from 1 March 2020 and ends 18(b) for categories 1-7 and 10 on 21 July 2021."""
    found = _on(store, day)
    assert _exempt(found, "m-tan") and "m-tan" not in found["#ExemptionStatusUnverified"]


def test_18b_in_category_2_expires_after_21_july_2021(store):
    """Until 2026-12-06 the 2011 row had no end date and overlapped the rows of (EU) 2019/177, so a claim after the
    annex's expiry read as exempted with an unverified status. No renewal application after 2021 was found: the
    claim is no longer exempted for category 2."""
    found = _on(store, dt.date(2021, 7, 22))
    assert "m-tan" in found["#HomogeneousMaterialLimits"] and "m-tan" not in found["#ExemptedUses"]


@pytest.mark.parametrize("day, unverified", [
    (dt.date(2016, 7, 21), False), (dt.date(2016, 7, 22), True), (dt.date(2020, 2, 29), True),
    (dt.date(2020, 3, 1), False), (dt.date(2023, 7, 21), False)])
def test_18b_in_an_ivd_device_is_kept_unverified_between_2016_and_2020(store, day, unverified):
    """For category 8 the 2016 date of the recital does not apply (no date read: unverified); from 1 March 2020 the
    annex of (EU) 2019/177 gives category 8 in vitro diagnostic medical devices 21 July 2023."""
    found = _on(store, day)
    assert _exempt(found, "m-tan-ivd")
    assert ("m-tan-ivd" in found["#ExemptionStatusUnverified"]) is unverified


def test_18b_in_an_ivd_device_ends_on_21_july_2023(store):
    found = _on(store, dt.date(2023, 7, 22))
    assert "m-tan-ivd" in found["#HomogeneousMaterialLimits"] and "m-tan-ivd" not in found["#ExemptedUses"]
