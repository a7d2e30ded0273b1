"""Walks of a BOM's lines (parent -> [(child, quantity)]) for the status roll-up (graph/status.py): the worst
rank per pack below each product in one pass, the parts below one product, and each deciding part's path,
quantity and number of paths. Pure functions of the lines: the store is not asked."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal


def worst_of(parts: set[str], ranks: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    vectors = [ranks[p] for p in parts if p in ranks]
    return tuple(map(max, *vectors)) if len(vectors) > 1 else (vectors[0] if vectors else ())


def worst_below(roots, edges: dict[str, list[tuple[str, Decimal]]],
                 ranks: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]] | None:
    """Every node's worst rank per pack over everything below it, in one pass over the BOM lines (depth first,
    each node once: a 100k-part store's products hold 700k (product, part) pairs but 131k lines). A node's
    value is the worst of its children's own ranks and their values. None when a BOM cycle is met: a part in
    a cycle is below itself and the parts before it, which one pass cannot know; the caller then walks each
    product's set of parts (`below`)."""
    done: dict[str, tuple[int, ...]] = {}
    active: set[str] = set()
    for root in roots:
        if root in done:
            continue
        active.add(root)
        stack = [(root, iter(edges.get(root, ())))]
        while stack:
            node, lines = stack[-1]
            for child, _ in lines:
                if child in active:
                    return None
                if child not in done and child in edges:
                    active.add(child)
                    stack.append((child, iter(edges.get(child, ()))))
                    break
            else:
                stack.pop()
                active.discard(node)
                vectors = []
                for child, _ in edges.get(node, ()):
                    if child in ranks:
                        vectors.append(ranks[child])
                    below = done.get(child)
                    if below:
                        vectors.append(below)
                done[node] = (tuple(map(max, *vectors)) if len(vectors) > 1 else vectors[0]) if vectors else ()
    return done


def below(root: str, edges: dict[str, list[tuple[str, Decimal]]]) -> set[str]:
    """Every part below `root` (each visited once, so a BOM cycle or a part shared by many sub-assemblies costs
    nothing more): what a status needs; the paths and quantities (`descendants`) only the deciding parts."""
    seen: set[str] = set()
    todo = [root]
    while todo:
        for child, _ in edges.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    seen.discard(root)  # a part in a cycle with itself is still not below itself
    return seen


def descendants(root: str, edges: dict[str, list[tuple[str, Decimal]]]) -> dict[str, tuple[tuple, Decimal, int]]:
    """Every part below `root`: one shortest path to it (breadth first, in BOM line order), the number of it
    in one `root`, summed over every path, and how many paths there are. The sums are taken in topological
    order over the lines below `root` (each line once), not path by path: BOMs share sub-assemblies, and the
    paths through shared ones grow exponentially (13 s for 42 parts in nested diamonds when they were
    enumerated). A line that closes a BOM cycle is not followed (a cycle is reported by data-quality, never
    walked round)."""
    state: dict[str, int] = {root: 1}  # 1: on the depth-first stack, 2: done
    order: list[str] = []  # post-order
    back: set[tuple[str, str]] = set()  # the lines that close a cycle
    stack = [(root, iter(edges.get(root, ())))]
    while stack:
        node, lines = stack[-1]
        for child, _ in lines:
            seen = state.get(child)
            if seen is None:
                state[child] = 1
                stack.append((child, iter(edges.get(child, ()))))
                break
            if seen == 1:
                back.add((node, child))
        else:
            state[node] = 2
            order.append(node)
            stack.pop()
    total: dict[str, Decimal] = defaultdict(Decimal)
    total[root] = Decimal(1)
    paths: dict[str, int] = defaultdict(int)
    paths[root] = 1
    for node in reversed(order):
        for child, q in edges.get(node, ()):
            if (node, child) not in back:
                total[child] += total[node] * q
                paths[child] += paths[node]
    before: dict[str, str | None] = {root: None}
    frontier = [root]
    while frontier:
        nxt = []
        for node in frontier:
            for child, _ in edges.get(node, ()):
                if child not in before:
                    before[child] = node
                    nxt.append(child)
        frontier = nxt
    out = {}
    for part in before:
        if part == root:
            continue
        path, node = [], part
        while node is not None:
            path.append(node)
            node = before[node]
        out[part] = (tuple(reversed(path)), total[part], paths[part])
    return out
