"""The roll-up of part statuses to products over the BOM's lines (graph/bom_walks.py `worst_below`) against the
definition: a product's worst rank per pack is the worst over the set of parts below it (`_below`)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from complygraph.graph.bom_walks import below as _below
from complygraph.graph.bom_walks import worst_below as _worst_below
from complygraph.graph.bom_walks import worst_of as _worst_of


def _bom(seed: int, cycle: bool) -> tuple[list[str], dict, dict]:
    rnd = random.Random(seed)
    parts = [f"p{i}" for i in range(60)]
    products = [f"P{i}" for i in range(6)]
    edges: dict[str, list[tuple[str, Decimal]]] = {}
    # parts only point to later parts (a DAG with shared sub-assemblies and diamonds), products to any part
    for i, p in enumerate(parts[:-1]):
        for c in rnd.sample(parts[i + 1:], min(len(parts) - i - 1, rnd.randint(0, 3))):
            edges.setdefault(p, []).append((c, Decimal(1)))
    for prod in products:
        edges[prod] = [(c, Decimal(1)) for c in rnd.sample(parts, 4)]
    if cycle:
        edges.setdefault("p50", []).append(("p10", Decimal(1)))
        edges.setdefault("p10", []).append(("p50", Decimal(1)))
    ranks = {p: tuple(rnd.choice((0, 0, 0, 1, 2, 3, 4)) for _ in range(3)) for p in rnd.sample(parts, 25)}
    return products, edges, ranks


@pytest.mark.parametrize("seed", range(25))
def test_the_roll_up_over_bom_lines_equals_the_worst_over_each_products_parts(seed):
    products, edges, ranks = _bom(seed, cycle=False)
    worst = _worst_below(products, edges, ranks)
    assert worst is not None
    for prod in products:
        assert worst.get(prod, ()) == _worst_of(_below(prod, edges), ranks), prod


def test_a_bom_cycle_hands_the_roll_up_back_to_each_products_set_of_parts():
    """A part in a cycle is below the parts before it in the cycle: one depth-first pass would give the part
    where the walk re-entered the cycle less than is below it, and a product reaching that part directly
    would pass what it must fail."""
    products, edges, ranks = _bom(3, cycle=False)
    edges["P0"] = [("a", Decimal(1))]
    edges["P1"] = [("b", Decimal(1))]
    edges["a"], edges["b"] = [("b", Decimal(1))], [("a", Decimal(1))]
    ranks = {"a": (4, 0, 0), "b": (0, 0, 0)}
    assert _worst_below(["P0", "P1"], edges, ranks) is None
    assert _worst_of(_below("P1", edges), ranks) == (4, 0, 0)  # what the fallback gives P1: a is below b


def test_a_cycle_below_no_product_does_not_stop_the_roll_up():
    products, edges, ranks = _bom(5, cycle=False)
    edges["x"], edges["y"] = [("y", Decimal(1))], [("x", Decimal(1))]
    assert _worst_below(products, edges, ranks) is not None


def test_a_product_reaching_a_bom_cycle_at_its_clean_part_is_non_compliant_through_the_cycle(tmp_path):
    """P0 holds ACLEAN, which holds BCLEAN and LEAD; BCLEAN holds ACLEAN again (a cycle); P1 holds BCLEAN.
    2 % lead (over the 0.1 % of RoHS Annex II, Directive 2011/65/EU Art. 4(1)) is below P1 through the cycle.
    One pass over the lines that skipped the line back to ACLEAN would give BCLEAN only ACLEAN's own status and
    P1 would pass, when P0 is walked first."""
    import datetime as dt

    from complygraph.graph.shacl import validate
    from complygraph.graph.status import status_index
    from complygraph.vocab import ID

    from .shacl_cases import build, material, part, product, sub

    clean = [part(p, 1000, material(f"m-{p}", 1000, sub("7631-86-9", 1000))) for p in ("ACLEAN", "BCLEAN")]
    store = build(tmp_path, [part("LEAD", 1000, material("m-lead", 1000, sub("7439-92-1", 20), category="solder")),
                             *clean], ["eu-rohs-annex-ii", "eu-rohs-annex-iii"],
                  products=[product("P0", "3", "ACLEAN"), product("P1", "3", "BCLEAN")])
    lines = [("ACLEAN", "BCLEAN"), ("ACLEAN", "LEAD"), ("BCLEAN", "ACLEAN")]
    store.update("INSERT DATA { " + " ".join(f"<{ID}bom/{a}/{b}> cg:parent <{ID}part/{a}> ; cg:child <{ID}part/{b}> ."
                                             for a, b in lines) + " }")
    index = status_index(store, validate(store, ["eu-rohs"], dt.date(2026, 11, 23)))
    for p in ("P0", "P1"):
        assert index.product(f"{ID}product/{p}", "eu-rohs").status == "non-compliant", p
        assert index.product(f"{ID}product/{p}", "eu-rohs").parts == 3


def test_one_pass_that_skipped_the_line_back_would_miss_what_is_below_the_cycle():
    edges = {"P0": [("A", Decimal(1))], "P1": [("B", Decimal(1))], "A": [("B", Decimal(1)), ("C", Decimal(1))],
             "B": [("A", Decimal(1))]}
    ranks = {"C": (4,)}
    assert _worst_below(["P0", "P1"], edges, ranks) is None  # so each product's parts are walked instead
    assert _worst_of(_below("P1", edges), ranks) == (4,)
