"""`impact` flags a RoHS row "over the limit" as validation judges it: the DEHP, BBP and DBP limits do not apply
to a toy (Directive 2011/65/EU Annex II, note added by Delegated Directive (EU) 2015/863: "The restriction of DEHP,
BBP and DBP shall not apply to toys which are already subject to the restriction of DEHP, BBP and DBP through entry
51 of Annex XVII to Regulation (EC) No 1907/2006"). Validation learnt it in QA8 B02; impact still flagged the
toy's DEHP over the RoHS limit. DIBP is not in the note."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph import open_store
from complygraph.graph.impact import impact
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions

from .shacl_cases import build, material, part, sub

DEHP, DIBP = "117-81-7", "84-69-5"
LISTS = ["eu-rohs-annex-ii"]


@pytest.fixture(scope="module", params=["in-memory", "on-disk"])
def store(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rohs-toys-impact")
    memory = build(tmp, [
        part("toy-pvc", 1000, material("toy-pvc", 1000, sub(DEHP, "1.5"), sub(DIBP, "1.5"), category="pvc")),
        part("toy-at", 1000, material("toy-at", 1000, sub(DIBP, "1"), category="pvc")),
        part("tv-pvc", 1000, material("tv-pvc", 1000, sub(DEHP, "1.5"), category="pvc")),
        part("tv-at", 1000, material("tv-at", 1000, sub(DEHP, "1"), category="pvc")),
    ], LISTS, products=[{"id": "robot", "categories": "7", "uses": "toy;general-public",
                         "parts": ["toy-pvc", "toy-at"]},
                        {"id": "tv", "categories": "4", "parts": ["tv-pvc", "tv-at"]}])
    if request.param == "in-memory":
        yield memory
        return
    disk = open_store(tmp / "disk")  # a store on disk answers from its read model
    load_reference(disk, LISTS)
    import_compositions(disk, tmp / "data")
    yield disk
    disk.close()


def test_a_toys_dehp_is_not_over_the_rohs_limit_and_its_dibp_is(store):
    # the four phthalates entered Annex II with (EU) 2015/863 (OJ L 137, 4.6.2015; applying from 22 July 2019)
    rows = impact(store, "eu-rohs-annex-ii", dt.date(2015, 6, 3), dt.date(2015, 6, 4))
    over = {(r.part_id, r.cas): (r.over_threshold, r.limit_basis) for r in rows if r.cas in (DEHP, DIBP)}
    assert over == {
        ("toy-pvc", DEHP): (False, "material"),  # 1,500 ppm: no RoHS limit for a toy
        ("toy-pvc", DIBP): (True, "material"),   # 1,500 ppm over 1,000 ppm: the note does not name DIBP
        ("toy-at", DIBP): (False, "material"),   # exactly 1,000 ppm: not over
        ("tv-pvc", DEHP): (True, "material"),
        ("tv-at", DEHP): (False, "material"),
    }, over
