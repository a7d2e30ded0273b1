"""Strongly connected components of a directed graph: the loops of a bill of materials.

Both the importer (a new BOM line that closes a cycle is refused, loaders/bom_cycles.py) and the data-quality
pack (cycles whatever wrote them, graph/derived.py) need them, from the same algorithm.
"""

from __future__ import annotations

from collections.abc import Iterator


def strongly_connected(graph: dict[str, list[str]]) -> Iterator[set[str]]:
    """The strongly connected components of `graph` (Tarjan's algorithm, without recursion: a BOM may be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            edges = graph.get(node, [])
            if i < len(edges):
                work.append((node, i + 1))
                nxt = edges[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                yield component
