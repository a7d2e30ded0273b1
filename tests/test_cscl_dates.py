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


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("cscl"), [
        part("pfos", 1000, material("m-pfos", 1000, sub(PFOS, 1, intentional="yes"))),
        part("hbcdd", 1000, material("m-hbcdd", 1000, sub(HBCDD, 1, intentional="yes"))),
        part("pfoa", 1000, material("m-pfoa", 1000, sub(PFOA, 1, intentional="yes"))),
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
])
def test_item_counts_from_its_designation_date_not_the_day_before(store, material_id, effective):
    assert material_id not in _flagged(store, effective - dt.timedelta(days=1))
    assert material_id in _flagged(store, effective)
    assert material_id in _flagged(store, effective + dt.timedelta(days=1))


def test_at_2010_01_01_only_items_designated_by_then_are_flagged(store):
    assert _flagged(store, dt.date(2010, 1, 1)) == set()


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
