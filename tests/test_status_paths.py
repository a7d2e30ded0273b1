"""A deciding part reached by several BOM paths is shown with one path and the quantity summed over all of them;
the row says so (QA4 B9, 2026-12-06: `PR1 > P4`, quantity 6, where that path holds 2 and PR1 > P5 > P4 holds 4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from complygraph.cli_status import _rows
from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub

PB, SILICA = "7439-92-1", "7631-86-9"


def test_a_part_reached_by_two_paths_is_shown_with_its_other_paths_counted(tmp_path):
    store = build(tmp_path, [
        part("P4", 1000, material("m-p4", 1000, sub(PB, 20), category="solder")),  # 2 % lead: over 0.1 %
        part("P5", 1000, material("m-p5", 1000, sub(SILICA, 1000))),
    ], ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"], products=[product("PR1", "3", "P4", "P5")])
    store.update(f"""INSERT DATA {{ <{ID}bom/P5/P4> cg:parent <{ID}part/P5> ; cg:child <{ID}part/P4> ;
                                   cg:quantity 4 }}""")
    index = status_index(store, validate(store, ["eu-rohs"], dt.date(2026, 11, 23)))
    [deciding] = index.product(f"{ID}product/PR1", "eu-rohs").deciding
    assert (deciding.path[-1], deciding.quantity, deciding.paths) == (f"{ID}part/P4", Decimal(5), 2)
    rows = [r for r in _rows(index, f"{ID}product/PR1", True) if r["pack"] == "eu-rohs"]
    assert rows and all(r["path"] == "PR1 > P4 (and 1 more path)" and r["quantity"] == 5 for r in rows)
