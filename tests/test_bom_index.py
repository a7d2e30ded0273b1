"""The BOM kept per store revision (graph/bom_index.py) is read once for the derived cycles and the status
roll-up, and never served stale: a BOM line written after it was read is in the next answer."""

from __future__ import annotations

from decimal import Decimal

from complygraph.graph.bom_index import bom_index
from complygraph.graph.derived import bom_cycles
from complygraph.vocab import ID

from .shacl_cases import build, material, part, sub


def _line(store, name: str, parent: str, child: str, quantity: str | None = "2") -> None:
    q = f" ; cg:quantity {quantity}" if quantity else ""
    store.update(f"INSERT DATA {{ <{ID}bom/{name}> cg:parent <{ID}part/{parent}> ; cg:child <{ID}part/{child}>{q} }}")


def test_bom_index_is_kept_for_its_revision_and_read_again_after_a_write(tmp_path):
    store = build(tmp_path, [part(p, 1000, material(f"m-{p}", 1000, sub("7440-50-8", 1000))) for p in "ABC"],
                  ["eu-rohs-annex-ii"])
    _line(store, "ab", "A", "B")
    first = bom_index(store)
    assert first.children == {f"{ID}part/A": [(f"{ID}part/B", Decimal(2))]}
    assert bom_index(store) is first  # same revision: not read again
    _line(store, "bc", "B", "C", quantity=None)  # a write: a new revision
    second = bom_index(store)
    assert second is not first and second.revision != first.revision
    assert second.children[f"{ID}part/B"] == [(f"{ID}part/C", Decimal(1))]  # no quantity counts 1
    assert bom_cycles(store) == []
    _line(store, "ca", "C", "A")
    assert bom_cycles(store) == [[f"{ID}part/A", f"{ID}part/B", f"{ID}part/C"]]  # the stale BOM had no loop


def test_products_above_a_part_through_every_level_and_not_round_a_cycle(tmp_path):
    from .shacl_cases import product

    store = build(tmp_path, [part(p, 1000, material(f"m-{p}", 1000, sub("7440-50-8", 1000))) for p in "ABCD"],
                  ["eu-rohs-annex-ii"], products=[product("P1", "3", "A"), product("P2", "3", "B")])
    _line(store, "ac", "A", "C")  # C is in P1 (through A) and in P2 (through B -> C)
    _line(store, "bc", "B", "C")
    _line(store, "cd", "C", "D")
    _line(store, "dc", "D", "C")  # a loop below both products
    above = bom_index(store).products_above([f"{ID}part/{p}" for p in "ABCD"])
    assert [pid for pid, _ in above[f"{ID}part/A"]] == ["P1"]
    assert [pid for pid, _ in above[f"{ID}part/C"]] == ["P1", "P2"]
    assert [pid for pid, _ in above[f"{ID}part/D"]] == ["P1", "P2"]
