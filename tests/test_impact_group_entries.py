"""`impact` says an article is over the Candidate List threshold as validation does: per entry, the entry's
substances together (a group entry such as "4,4'-[2,2,2-trifluoro-1-(trifluoromethyl)ethylidene]diphenol and its
salts" is one substance for REACH Art. 7(2) and 33). QA (2026-12-06): two BPAF-group members at 0.06 % each were
"not over" in impact and GraphQL listChange, and 0.12 %, with Art. 33 duties, in status and SCIP."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph import open_store
from complygraph.graph.impact import impact
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions

from .shacl_cases import build, material, part, sub

BPAF, BPAF_SALT = "1478-61-1", "75768-65-9"  # both named by ECHA under the group entry added on 4 February 2026


@pytest.fixture(scope="module", params=["in-memory", "on-disk"])
def store(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("group-impact")
    memory = build(tmp, [
        part("over", 1000, material("m-over", 1000, sub(BPAF, "0.6"), sub(BPAF_SALT, "0.6"))),  # 0.12 %
        part("at", 1000, material("m-at", 1000, sub(BPAF, "0.5"), sub(BPAF_SALT, "0.5"))),      # 0.10 %
    ], ["eu-reach-svhc"])
    if request.param == "in-memory":
        yield memory
        return
    disk = open_store(tmp / "disk")  # a store on disk answers from its read model
    load_reference(disk, ["eu-reach-svhc"])
    import_compositions(disk, tmp / "data")
    yield disk
    disk.close()


def test_two_members_of_a_group_entry_are_over_together(store):
    rows = [r for r in impact(store, "eu-reach-svhc", dt.date(2025, 6, 25), dt.date(2026, 2, 4))
            if r.cas in (BPAF, BPAF_SALT)]
    over = {(r.part_id, r.cas): r.over_threshold for r in rows}
    assert over == {("over", BPAF): True, ("over", BPAF_SALT): True, ("at", BPAF): False, ("at", BPAF_SALT): False}
    assert {round(r.article_percent, 3) for r in rows if r.part_id == "over"} == {0.06}  # each substance's own share
