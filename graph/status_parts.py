"""The status of every part rolled up through its own BOM (graph/status.py `StatusIndex.part`): a sub-assembly is
as bad as the worst part below it, as a product is (RoHS 2011/65/EU Art. 4(1): EEE "including cables and spare
parts" may hold no homogeneous material over an Annex II limit; REACH, CJEU C-106/14: each component article
counts, and whoever supplies the assembly answers for the articles in it). `status --part A1` gave a chassis
holding a PSU holding a cable with 0.2 % DEHP "compliant" and exit 0, while the product above it was non-compliant
(QA9 B01).

One pass over the BOM's lines for every part at once (each line once: a store may hold 10^6 parts), in strongly
connected components so that a BOM cycle neither loops nor hides what is below it: every part of a cycle is below
every other, so they share one status."""

from __future__ import annotations

from decimal import Decimal


def _worst(vectors: list[tuple[int, ...]]) -> tuple[int, ...]:
    return (tuple(map(max, *vectors)) if len(vectors) > 1 else vectors[0]) if vectors else ()


def worst_through(edges: dict[str, list[tuple[str, Decimal]]],
                  ranks: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    """Every node with BOM lines below it -> its worst rank per pack over its own (`ranks`) and every part below
    it, at any depth ((): nothing has a status). A node without lines below it is its own rank. Tarjan's strongly
    connected components, iteratively: a component is closed only after every component below it, so its value is
    the worst of its members' own ranks and the values of the components its lines lead to."""
    out: dict[str, tuple[int, ...]] = {}
    order: dict[str, int] = {}  # the depth-first visiting number
    low: dict[str, int] = {}
    stack: list[str] = []  # the nodes of the components not closed yet
    open_: set[str] = set()
    for root in edges:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack.append(root)
        open_.add(root)
        walk = [(root, iter(edges[root]))]
        while walk:
            node, lines = walk[-1]
            for child, _ in lines:
                if child not in edges:  # a leaf: its own rank, taken when the component closes
                    continue
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    open_.add(child)
                    walk.append((child, iter(edges[child])))
                    break
                if child in open_ and order[child] < low[node]:
                    low[node] = order[child]
            else:
                walk.pop()
                if walk and low[node] < low[walk[-1][0]]:
                    low[walk[-1][0]] = low[node]
                if low[node] != order[node]:
                    continue
                members = []
                while True:
                    m = stack.pop()
                    open_.discard(m)
                    members.append(m)
                    if m == node:
                        break
                inside = members if len(members) < 8 else set(members)  # mostly one part
                vectors = [ranks[m] for m in members if m in ranks]
                for m in members:
                    for child, _ in edges[m]:
                        if child in inside:
                            continue
                        v = out.get(child) if child in edges else ranks.get(child)
                        if v:
                            vectors.append(v)
                value = _worst(vectors)
                for m in members:
                    out[m] = value
    return out
