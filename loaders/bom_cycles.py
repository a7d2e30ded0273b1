"""A part never contains itself, directly or through its sub-parts: BOM lines that close a cycle are refused.

A bill of materials is a tree (a part may be used in several parents, so a DAG): A contains B contains A is
a data error, and every walk down the BOM (the products a list change touches, quantities rolled up through
assemblies) would either loop or count a part inside itself. An import's new BOM lines join the stored ones
(from earlier imports and supplier declarations), so a cycle is looked for in both: the stored lines below
the new lines' children are read in one query (a cycle through a new line returns to it through them), and
the strongly connected components of the whole are found in one pass (Tarjan), each named by one cycle, part
ids in order, from the last new line in it (the one that closes it, in reading order). The data-quality pack
finds cycles whatever wrote them (`dq:BomCycle` in shapes/data-quality/shapes.ttl).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.components import strongly_connected
from complygraph.graph.store import Store
from complygraph.vocab import ID

_PART = ID + "part/"


@dataclass(frozen=True)
class Cycle:
    """A cycle through the new BOM line `line` (its index among the new lines): part ids from the line's parent,
    which is again at the end, and how many parts its loop holds (the component: other cycles may share them)."""

    line: int
    parts: list[str]
    loop: int

    def __str__(self) -> str:
        more = f"; {self.loop} parts are in this loop" if self.loop > len(self.parts) - 1 else ""
        return f"BOM cycle {' -> '.join(self.parts)}: a part cannot contain itself through its sub-parts{more}"


def part_id(node: str) -> str:
    """The id of a part IRI, as the user wrote it (cycles are named by ids, not IRIs)."""
    return unquote(node[len(_PART):]) if node.startswith(_PART) else node


def cycles(store: Store | None, lines: Sequence[tuple[NamedNode, NamedNode]]) -> list[Cycle]:
    """The cycles the new BOM `lines` (parent, child) close, with the lines `store` already holds."""
    graph: dict[str, list[str]] = {}
    for parent, child in lines:
        graph.setdefault(parent.value, []).append(child.value)
    children = sorted({c for _, c in lines}, key=str)
    if store is not None and children and store.ask("ASK WHERE { ?u a cg:BomUsage }"):
        seen = set()
        for row in select_batched(store, "SELECT DISTINCT ?a ?b WHERE { ?start (^cg:parent/cg:child)* ?a . "
                                         "?u cg:parent ?a ; cg:child ?b }", "start", children):
            edge = (row["a"].value, row["b"].value)
            if edge not in seen:
                seen.add(edge)
                graph.setdefault(edge[0], []).append(edge[1])
    found = []
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        closing = [i for i, (p, c) in enumerate(lines) if p.value in component and c.value in component]
        if not closing:  # a cycle the store held before: the data-quality pack reports it
            continue
        parent, child = lines[closing[-1]][0].value, lines[closing[-1]][1].value
        path = _path(graph, child, parent, component)
        found.append(Cycle(closing[-1], [part_id(n) for n in [parent, *path]], len(component)))
    return sorted(found, key=lambda c: c.line)


def _path(graph: dict[str, list[str]], start: str, end: str, within: set[str]) -> list[str]:
    """The shortest path from `start` to `end` inside `within` (breadth first), both included."""
    before: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == end:
            break
        for nxt in graph.get(node, []):
            if nxt in within and nxt not in before:
                before[nxt] = node
                queue.append(nxt)
    path, node = [], end
    while node is not None:
        path.append(node)
        node = before.get(node)
    return path[::-1]
