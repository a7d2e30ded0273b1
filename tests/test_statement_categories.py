"""A supplier's category statement covers the list entries its category names, no more (QA9 B05). An IPC-1752A
Class C declaration against EU RoHS (EUROHS-1907) that states only "Mercury/Mercury Compounds: not over the
threshold" says nothing of lead, cadmium, hexavalent chromium, PBB, PBDE or the four phthalates that Directive
2011/65/EU Annex II (as amended by (EU) 2015/863) restricts, and one that names "Lead/Lead Compounds" without a
threshold answer says nothing at all: both parts were RoHS compliant. The category names are data
(shapes/data/declared-categories.ttl)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.loaders.declarations import import_declarations
from complygraph.vocab import ID

from .shacl_cases import build, compare_with_pyshacl, part, product
from .test_data_quality_qa8 import _with_mass
from .test_declared_statements import ALL_ROHS, _class_c

AT = dt.date(2026, 6, 1)
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
PACKS = ["data-quality", "eu-rohs"]


def _no_threshold(path):
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('<Threshold overThreshold="false" threshold="1000 ppm"/>', ""), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("categories")
    items = ("ALL", "ALL-BUT-DIBP", "HG-ONLY", "PB-NO-ANSWER", "LEAD-OVER")
    store = build(folder, [part(p, 1000) for p in items], LISTS, products=[product("tv", "3", *items)])
    import_declarations(store, [_with_mass(p) for p in [
        _class_c(folder, "ALL", ("EUROHS-1907", [(name, False, "") for name in ALL_ROHS])),
        _class_c(folder, "ALL-BUT-DIBP", ("EUROHS-1907", [(name, False, "") for name in ALL_ROHS[:-1]])),
        _class_c(folder, "HG-ONLY", ("EUROHS-1907", [("Mercury/Mercury Compounds", False, "")])),
        _no_threshold(_class_c(folder, "PB-NO-ANSWER", ("EUROHS-1907", [("Lead/Lead Compounds", False, "")]))),
        _class_c(folder, "LEAD-OVER", ("EUROHS-1907", [("Lead/Lead Compounds", True, "")])),
    ]])  # each with the item's mass: a part without one is unknown everywhere (dq:PartMass)
    return store


@pytest.fixture(scope="module")
def rohs(store):
    index = status_index(store, validate(store, PACKS, AT))
    return {p: index.part(f"{ID}part/{p}", "eu-rohs").status
            for p in ("ALL", "ALL-BUT-DIBP", "HG-ONLY", "PB-NO-ANSWER", "LEAD-OVER")}


def test_all_ten_annex_ii_categories_stated_under_the_threshold_decide_rohs(rohs):
    assert rohs["ALL"] == "compliant"


@pytest.mark.parametrize("item", ["ALL-BUT-DIBP", "HG-ONLY", "PB-NO-ANSWER"])
def test_a_category_left_unstated_or_unanswered_leaves_rohs_unknown(rohs, item):
    assert rohs[item] == "unknown"


def test_a_category_stated_over_the_threshold_is_non_compliant_whatever_is_unstated(rohs):
    assert rohs["LEAD-OVER"] == "non-compliant"


def test_same_results_as_pyshacl(store):
    ours, reference = compare_with_pyshacl(store, PACKS, AT)
    assert ours == reference
