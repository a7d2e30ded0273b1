"""The data-quality pack finds BOM cycles whatever wrote the BOM lines (issue 12 item 4): A contains B contains
A, and A -> B -> C -> A, each part reported with the parts of its loop; a BOM without a loop reports none."""

from __future__ import annotations

import datetime as dt

from complygraph.graph.derived import bom_cycles
from complygraph.graph.shacl import validate
from complygraph.vocab import ID

from .shacl_cases import build, hits, material, part, sub


def _line(store, name: str, parent: str, child: str) -> None:
    store.update(f"INSERT DATA {{ <{ID}bom/{name}> cg:parent <{ID}part/{parent}> ; cg:child <{ID}part/{child}> ; "
                 f"cg:quantity 1 }}")


def test_bom_cycles_of_two_and_three_parts_are_reported_with_their_parts(tmp_path):
    copper = ("7440-50-8", 1000)
    store = build(tmp_path, [part(p, 1000, material(f"m-{p}", 1000, sub(*copper)))
                             for p in ("A", "B", "C", "D", "E", "F")], ["eu-rohs-annex-ii"])
    for name, parent, child in [("ab", "A", "B"), ("ba", "B", "A"), ("cd", "C", "D"), ("de", "D", "E"),
                                ("ec", "E", "C"), ("af", "A", "F")]:
        _line(store, name, parent, child)
    assert sorted(len(c) for c in bom_cycles(store)) == [2, 3]
    found = hits(validate(store, ["data-quality"], dt.date(2026, 12, 1)), "#BomCycle")
    assert set(found) == {"A", "B", "C", "D", "E"}  # F hangs below A but is in no loop
    assert "C, D, E" in found["D"].message and "A, B" in found["A"].message


def test_a_bom_without_a_loop_reports_none(tmp_path):
    store = build(tmp_path, [part(p, 1000, material(f"m-{p}", 1000, sub("7440-50-8", 1000))) for p in "XYZ"],
                  ["eu-rohs-annex-ii"])
    _line(store, "xy", "X", "Y")
    _line(store, "yz", "Y", "Z")
    _line(store, "xz", "X", "Z")  # a diamond is not a loop
    assert bom_cycles(store) == []
    assert hits(validate(store, ["data-quality"], dt.date(2026, 12, 1)), "#BomCycle") == {}
