"""CSCL Class I items count from the date their designation took effect (the amending Cabinet Order's 施行日,
`data/jp-cscl/class1-designation-dates.csv`), tested the day before and on that date. An item whose date
could not be verified counts at every date and the load says so (never a false pass)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import data_dir, list_warnings

from .shacl_cases import build, hits, material, part, sub

PFOS, HBCDD, PFOA, PCN = "1763-23-1", "25637-99-4", "335-67-1", "70776-03-3"
# isomers the items name without the list naming their CAS numbers (data/jp-cscl/membership-rules.ttl, items 14,
# 29 and 39): before their rules they were never flagged
ALPHA_ENDOSULFAN, OP_DICOFOL, OP_METHOXYCHLOR = "959-98-8", "10606-46-9", "30667-99-3"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("cscl"), [
        part("pfos", 1000, material("m-pfos", 1000, sub(PFOS, 1, intentional="yes"))),
        part("hbcdd", 1000, material("m-hbcdd", 1000, sub(HBCDD, 1, intentional="yes"))),
        part("pfoa", 1000, material("m-pfoa", 1000, sub(PFOA, 1, intentional="yes"))),
        part("a-endo", 1000, material("m-alpha-endosulfan", 1000, sub(ALPHA_ENDOSULFAN, 1, intentional="yes"))),
        part("op-dicofol", 1000, material("m-op-dicofol", 1000, sub(OP_DICOFOL, 1, intentional="yes"))),
        part("op-mxc", 1000, material("m-op-methoxychlor", 1000, sub(OP_METHOXYCHLOR, 1, intentional="yes"))),
    ], ["jp-cscl-class1"])


def _flagged(store, day: dt.date) -> set[str]:
    return set(hits(validate(store, ["jp-cscl-class1"], day), "#IntentionalPresence"))


@pytest.mark.parametrize("material_id, effective", [
    # 平成21年10月30日公布の政令 (the 12 substances of the Stockholm Convention's 2009 amendment), 2010-04-01
    ("m-pfos", dt.date(2010, 4, 1)),
    # 2014-03-19 Cabinet Order, effective 2014-05-01 (endosulfan, HBCDD)
    ("m-hbcdd", dt.date(2014, 5, 1)),
    # 令和3年政令第144号, effective 2021-10-22 (PFOA, its isomers and salts)
    ("m-pfoa", dt.date(2021, 10, 22)),
    # item 29 「…ベンゾジオキサチエピン＝三―オキシド（別名エンドスルファン…）」, no stereodescriptor: alpha-endosulfan
    ("m-alpha-endosulfan", dt.date(2014, 5, 1)),
    # item 14 names 「二・二・二―トリクロロ―一―（二―クロロフェニル）―一―（四―クロロフェニル）エタノール」 (o,p'-dicofol)
    ("m-op-dicofol", dt.date(2005, 4, 1)),
    # item 39 「一・一・一―トリクロロ―二・二―ビス（メトキシフェニル）エタン」, no locants: o,p'-methoxychlor
    ("m-op-methoxychlor", dt.date(2025, 2, 18)),
])
def test_item_counts_from_its_designation_date_not_the_day_before(store, material_id, effective):
    assert material_id not in _flagged(store, effective - dt.timedelta(days=1))
    assert material_id in _flagged(store, effective)
    assert material_id in _flagged(store, effective + dt.timedelta(days=1))


def test_at_2010_01_01_only_items_designated_by_then_are_flagged(store):
    assert _flagged(store, dt.date(2010, 1, 1)) == {"m-op-dicofol"}  # item 14 since 2005-04-01


def test_every_item_has_a_date_or_says_why_not():
    rows = list(csv.DictReader(open(data_dir() / "jp-cscl/class1-designation-dates.csv", encoding="utf-8")))
    items = [line.split("\t")[0] for line in open(data_dir() / "jp-cscl/class1-items-ja.tsv", encoding="utf-8")][1:]
    assert [r["item"] for r in rows] == items
    for r in rows:
        assert r["verification"].startswith("verified:" if r["effective"] else "unverified:"), r["item"]
        assert r["source"] or r["verification"].startswith("unverified:"), r["item"]


def test_undated_items_count_at_every_date_and_are_named_in_a_warning(tmp_path):
    # item 2 (PCN, 2+ Cl): the original designation date is not verified; it must not pass at an early date
    store = build(tmp_path, [part("pcn", 1000, material("m-pcn", 1000, sub(PCN, 1, intentional="yes")))],
                  ["jp-cscl-class1"])
    assert "m-pcn" in _flagged(store, dt.date(1975, 1, 1))
    warnings = list_warnings(store, ["jp-cscl-class1"])
    assert any("jp-cscl-class1" in w and "item 2" in w and "every evaluation date" in w for w in warnings), warnings


DECABDE, PFHXS = "1163-19-5", "355-46-4"


@pytest.mark.parametrize("day, listed", [(dt.date(2010, 3, 31), False), (dt.date(2018, 2, 20), False),
                                         (dt.date(2018, 2, 21), True), (dt.date(2018, 2, 22), True)])
def test_an_item_whose_effective_date_is_unverified_counts_from_its_promulgation_not_at_every_date(tmp_path, day,
                                                                                                   listed):
    """Item 33, デカブロモジフェニルエーテル, designated by 平成30年政令第35号, promulgated 2018-02-21 (sn-hoki.co.jp,
    kcr.kurita.co.jp; data/jp-cscl/class1-designation-dates.csv); its 施行日 was not read (unverified). It cannot
    have applied before the order was promulgated: until 2026-12-06 it counted at every date and intentionally added
    decaBDE was a 化審法 Art. 17 violation in 2010 (QA5 B14). Item 36 (PFHxS) has no promulgation date in the data
    and still counts at every date (named in the load's warning)."""
    store = build(tmp_path, [part("deca", 1000, material("m-deca", 1000, sub(DECABDE, 10, intentional="yes"))),
                             part("pfhxs", 1000, material("m-pfhxs", 1000, sub(PFHXS, 10, intentional="yes")))],
                  ["jp-cscl-class1"])
    flagged = _flagged(store, day)
    assert ("m-deca" in flagged) is listed and "m-pfhxs" in flagged
    warning = next(w for w in list_warnings(store, ["jp-cscl-class1"]) if "every evaluation date" in w)
    assert "item 36" in warning and "item 33" not in warning
