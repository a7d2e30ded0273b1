"""The core constraints of one property shape in one query.

Each core constraint compiled alone enumerates the focus nodes and looks up their values again: a property shape
with sh:minCount, sh:maxCount, sh:datatype and sh:minExclusive (a material's mass) asked the store four times
for the same 1.86M materials' masses at 10^6 parts (67.7 s of query time). Together they are one query that
looks each focus node's values up once, where that is cheaper (`worth_fusing`). Its rows carry ?k, the index of
the constraint they violate; the validator gives each constraint the rows of its own index
(graph/shacl/validator.py), so the report is the same as with one query per constraint, and pySHACL agrees
with it in the tests.

Two stages in the one query: the focus nodes with their count of values and whether any value fails a test
(SHACL 4.2 counts, and the per-value tests of 4.1, 4.3, 4.4 and sh:in), grouped by focus node and kept only when
something fails; then the values of those few focus nodes, each row kept for the constraints it violates.
An error in a test counts as no violation, as in the FILTER of a constraint compiled alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent


@dataclass(frozen=True)
class Member:
    """One constraint of the fused query: a core component with one value of its parameter."""
    component: CoreComponent
    param: Node


COUNTS = {SH.minCount: "<", SH.maxCount: ">"}  # the count of values that violates sh:minCount n, sh:maxCount n


def fusable(component: CoreComponent) -> bool:
    return component.parameter in COUNTS or component.test is not None


def worth_fusing(members: list[Member]) -> bool:
    """Whether one query for `members` costs less than one each. sh:maxCount groups each focus node's values
    anyway, so the per-value tests and sh:minCount ride along (10^5 parts, materials' mass: 1.5-1.9 s against
    3.5-3.8 s for four queries; parts' mass likewise). Without it the constraints alone are cheaper: a per-value
    test alone is a scan of the predicate the store filters as it reads (0.12 s for 451,530 occurrences'
    concentrations), sh:minCount 1 a MINUS of that scan; fused, occurrences' concentrations took 4.1 s against
    1.2 s, parts' suppliers (sh:minCount, sh:maxCount, no test) 1.1 s against 0.6 s."""
    kinds = {m.component.parameter for m in members}
    return SH.maxCount in kinds and any(m.component.test is not None for m in members)


def fused_query(g: Graph, shape: Node, members: list[Member], focus: str, path: str) -> str:
    """The body of the query whose rows (?this, ?value, ?k) are the violations of members[k]."""
    tests = [m.component.test(g, shape, m.param, "?v") for m in members if m.component.test is not None]
    counts = [(k, f"?count {COUNTS[m.component.parameter]} {int(m.param)}") for k, m in enumerate(members)
              if m.component.parameter in COUNTS]
    failing = [cond for _, cond in counts]
    aggregates = "(COUNT(DISTINCT ?v) AS ?count)"
    if tests:
        any_test = " || ".join(f"COALESCE({t}, false)" for t in tests)
        aggregates += f" (SUM(IF(BOUND(?v) && ({any_test}), 1, 0)) AS ?failed)"
        failing.append("?failed > 0")
    per_row = [f"(?k = {k} && {cond})" for k, cond in counts]
    per_row += [f"(?k = {k} && BOUND(?value) && COALESCE({t}, false))" for k, t in _renamed(g, shape, members)]
    ks = " ".join(str(k) for k in range(len(members)))
    # the counts filtered in a query of their own: an alias (?count) is not in scope in its query's HAVING
    return (f"{{ SELECT * WHERE {{ {{ SELECT ?this {aggregates} WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }}"
            f" GROUP BY ?this }}\n  FILTER({' || '.join(failing)}) }} }}\n"
            f"OPTIONAL {{ ?this {path} ?value }}\n"
            f"VALUES ?k {{ {ks} }}\n"
            f"FILTER({' || '.join(per_row)})")


def _renamed(g: Graph, shape: Node, members: list[Member]) -> list[tuple[int, str]]:
    """The per-value tests on ?value (asked of each component again: a textual rename could touch a constant)."""
    return [(k, m.component.test(g, shape, m.param, "?value")) for k, m in enumerate(members)
            if m.component.test is not None]
