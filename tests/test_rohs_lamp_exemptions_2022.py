"""The mercury-in-lamps entries of Annex III as the twelve Commission Delegated Directives of 13 and 16 December 2021
(OJ L 43, 24.2.2022: (EU) 2022/274 to 2022/284 and 2022/287) replaced them (data/eu-rohs/exemptions.csv, lamp pass
of 2026-12-07; data/PROVENANCE.md). Before, the 2011 rows of 2(b)(3), 2(b)(4), 3(a)-(c), 4(a), 4(b)-I..III,
4(c)-I..III, 4(e) and 4(f), and the rows of 1(f) and 2(a)-V, had no end: a claim was exempt at every later date, a
false pass. Each 2011 row now ends on 15 March 2022, the day before the replacement entry applies (entry into force
on the twentieth day after publication, 16 March 2022, per the Commission's news of 24 February 2022; the acts'
application articles were not read); each replacement ends on its "Expires on" date.

The annexes of the 2022 acts could not be read: which act replaced which entry comes from their titles (EUR-Lex)
and a test-house summary (mltest.cn); the expiry dates from secondary sources, quoted per row in the data. So every
period after 15 March 2022 is unverified: a claim is exempted with an unverified status (a warning), and ends on the
date the data states. Tested on the last valid day and the day after, as tests/test_rohs_exemptions_2011_expiries.py.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from .shacl_cases import build, material, part, product, sub
from .test_rohs_exemptions import HG, LISTS, _by_shape

EXEMPTIONS = Path(__file__).resolve().parents[1] / "data" / "eu-rohs" / "exemptions.csv"
DAY = dt.timedelta(days=1)
REPLACED = dt.date(2022, 3, 15)  # last day of the 2011 rows; the 2022 entries apply from 16 March 2022

# claimed exemption -> (material, last valid day of its 2022 period); the act and point in the comment
EXPIRIES = {
    # (EU) 2022/284, Annex, 2(a)-V "Tri-band phosphor with long lifetime (≥ 25 000 h): 5 mg"; LightingEurope:
    # "restricted the placing on the EU market of ... Long-life LFL lamps ... as of 25 February 2023"
    "2(a)-V": ("m-2a5", dt.date(2023, 2, 24)),
    # (EU) 2022/282, Annex, 2(b)(3) non-linear tri-band phosphor lamps (T9): the earlier of the two dates of the
    # general statement (24 February 2023 or 24 August 2023), so that nothing passes on an assumption
    "2(b)(3)": ("m-2b3", dt.date(2023, 2, 24)),
    # (EU) 2022/287, Annex, 2(b)(4)-I "Lamps for other general lighting and special purposes": 24 February 2025
    "2(b)(4)-I": ("m-2b4-1", dt.date(2025, 2, 24)),
    # (EU) 2022/287, Annex, 2(b)(4)-II and 2(b)(4)-III (emergency lamps): 24 February 2027
    "2(b)(4)-II": ("m-2b4-2", dt.date(2027, 2, 24)),
    "2(b)(4)-III": ("m-2b4-3", dt.date(2027, 2, 24)),
    # (EU) 2022/274, Annex, 3(a)-(c) CCFL and EEFL for special purposes: 24 February 2025
    "3(a)": ("m-3a", dt.date(2025, 2, 24)),
    "3(b)": ("m-3b", dt.date(2025, 2, 24)),
    "3(c)": ("m-3c", dt.date(2025, 2, 24)),
    # (EU) 2022/280, Annex, 4(a) other low pressure discharge lamps: not read; the earlier of the secondary
    # sources' dates (24 February 2025, not 2027), so that no claim is accepted on a guess
    "4(a)": ("m-4a", dt.date(2025, 2, 24)),
    # (EU) 2022/283, Annex, 4(b)-I..III high pressure sodium lamps with improved colour rendering: 24 February 2027
    "4(b)-I": ("m-4b1", dt.date(2027, 2, 24)),
    "4(b)-II": ("m-4b2", dt.date(2027, 2, 24)),
    "4(b)-III": ("m-4b3", dt.date(2027, 2, 24)),
    # (EU) 2022/275, Annex, 4(c)-I..III other high pressure sodium lamps: 24 February 2027
    "4(c)-I": ("m-4c1", dt.date(2027, 2, 24)),
    "4(c)-II": ("m-4c2", dt.date(2027, 2, 24)),
    "4(c)-III": ("m-4c3", dt.date(2027, 2, 24)),
    # (EU) 2022/278, Annex, 4(e) metal halide lamps: 24 February 2027
    "4(e)": ("m-4e", dt.date(2027, 2, 24)),
    # (EU) 2022/279, Annex, 4(f) other discharge lamps for special purposes (sub-entries not read): 24 February 2025
    "4(f)": ("m-4f", dt.date(2025, 2, 24)),
    # Delegated Directive 2014/76/EU, 4(g) hand crafted luminous discharge tubes: 31 December 2018 (not a 2022 act;
    # the British Sign and Graphics Association's statement, the act's annex not read)
    "4(g)": ("m-4g", dt.date(2018, 12, 31)),
}
# entries whose 2011 row the 2022 act replaced under the same id: exempt on 15 and on 16 March 2022
SAME_ID = ["2(b)(3)", "3(a)", "3(b)", "3(c)", "4(a)", "4(b)-I", "4(b)-II", "4(b)-III", "4(c)-I", "4(c)-II",
           "4(c)-III", "4(e)", "4(f)"]
# the lamp entries of Annex III the 2022 acts concern (and 4(g), not among them)
LAMP_ENTRY = ("1(", "2(a)", "2(b)", "3(", "4(")


def _lamp(mid: str, claim: str, mg: float = 2) -> dict:
    # 2 mg of mercury in a 1000 mg lamp material: 2000 ppm, over the 0,1 % limit
    return part(f"p-{mid}", 1000, material(mid, 1000, sub(HG, mg, exemption=claim), category="lamp"))


@pytest.fixture(scope="module")
def at(tmp_path_factory):
    parts = [_lamp(mid, claim) for claim, (mid, _) in EXPIRIES.items()]
    parts += [_lamp("m-1f", "1(f)"), _lamp("m-2b4", "2(b)(4)")]
    store = build(tmp_path_factory.mktemp("lamps-2022"), parts, LISTS,
                  products=[product("luminaire", "5", *(p["id"] for p in parts))])
    reports = {}

    def found(day: dt.date):
        if day not in reports:
            reports[day] = _by_shape(store, day)[1]
        return reports[day]
    return found


def _exempt(found, mid: str) -> bool:
    return mid in found("#ExemptedUses") and mid not in found("#HomogeneousMaterialLimits")


def _expired(found, mid: str, last_day: dt.date) -> bool:
    expired = found("#ExemptionExpired").get(mid)
    return (mid in found("#HomogeneousMaterialLimits") and mid not in found("#ExemptedUses")
            and expired is not None and f"expired on {last_day.isoformat()}" in str(expired.message))


@pytest.mark.parametrize("claim", SAME_ID)
def test_an_entry_replaced_under_its_2011_id_holds_on_both_sides_of_16_march_2022(at, claim):
    """The 2011 row ends on 15 March 2022 and the 2022 row of the same id begins on 16 March 2022: no gap."""
    mid = EXPIRIES[claim][0]
    assert _exempt(at(REPLACED), mid) and _exempt(at(REPLACED + DAY), mid)


@pytest.mark.parametrize("claim, mid, last_day", [(c, m, d) for c, (m, d) in EXPIRIES.items()])
def test_a_2022_lamp_entry_holds_on_its_expiry_date_and_not_the_day_after(at, claim, mid, last_day):
    """On the "Expires on" day the claim is exempted, with an unverified status (the annex of the act was not
    read); from the next day the limit applies and the finding names the expiry (the acts and points: EXPIRIES)."""
    on = at(last_day)
    assert _exempt(on, mid)
    assert mid in on("#ExemptionStatusUnverified")
    assert _expired(at(last_day + DAY), mid, last_day)


def test_1f_ends_the_day_before_1f_I_and_1f_II_apply(at):
    """(EU) 2022/281, Annex: "entry 1(f) is replaced by the following: 1(f)-I ... 1(f)-II" (read in a secondary
    reproduction): a claim of the 2011 entry 1(f) holds until 15 March 2022; from 16 March 2022 the two new
    entries do (tests/test_exemption_query_plans.py), 1(f) does not."""
    assert _exempt(at(REPLACED), "m-1f")
    assert _expired(at(REPLACED + DAY), "m-1f", REPLACED)


def test_2b4_ends_the_day_before_its_three_sub_entries_apply(at):
    """(EU) 2022/287, Annex: 2(b)(4) replaced by 2(b)(4)-I, 2(b)(4)-II and 2(b)(4)-III (mltest.cn summary): the
    2011 entry holds until 15 March 2022; the sub-entries are not yet valid on that day and hold from the next."""
    before, on = at(REPLACED), at(REPLACED + DAY)
    assert _exempt(before, "m-2b4") and _expired(on, "m-2b4", REPLACED)
    for claim in ("2(b)(4)-I", "2(b)(4)-II", "2(b)(4)-III"):
        mid = EXPIRIES[claim][0]
        assert "not yet valid" in str(before("#ExemptionExpired")[mid].message)
        assert _exempt(on, mid)


def test_no_lamp_entry_of_annex_iii_is_open_ended():
    """Every lamp entry the 2022 acts concern has an end; 4(g) (hand crafted luminous discharge tubes, Delegated
    Directive 2014/76/EU) is not among them: it ends on 31 December 2018, from a trade body's statement (unverified;
    open-ended, it passed every claim after that day). Each entry's periods follow one another without overlap."""
    rows = defaultdict(list)
    for r in csv.DictReader(EXEMPTIONS.open(encoding="utf-8", newline="")):
        if r["annex"] == "III" and r["exemption"].startswith(LAMP_ENTRY) and r["substance_scope"] == "mercury":
            rows[r["exemption"]].append(r)
    assert set(EXPIRIES) <= set(rows)
    assert [ex for ex, rs in rows.items() for r in rs if not r["valid_until"]] == []
    assert [(r["valid_until"], r["verification"][:10]) for r in rows["4(g)"]] == [("2018-12-31", "unverified")]
    for ex, rs in rows.items():
        by_scope = defaultdict(list)
        for r in rs:
            by_scope[r["categories"]].append((r["valid_from"], r["valid_until"] or "9999-12-31"))
        for periods in by_scope.values():
            periods.sort()
            assert all(end < nxt for (_, end), (nxt, _) in zip(periods, periods[1:], strict=False)), ex


def test_the_exemptions_file_keeps_crlf_line_endings():
    data = EXEMPTIONS.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 300
