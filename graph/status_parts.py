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

from complygraph.graph.components import strongly_connected


def _worst(vectors: list[tuple[int, ...]]) -> tuple[int, ...]:
    return (tuple(map(max, *vectors)) if len(vectors) > 1 else vectors[0]) if vectors else ()


def worst_through(edges: dict[str, list[tuple[str, Decimal]]],
                  ranks: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    """Every node with BOM lines below it -> its worst rank per pack over its own (`ranks`) and every part below
    it, at any depth ((): nothing has a status). A node without lines below it is its own rank. The strongly
    connected components (graph/components.py, the importer's and the data-quality pack's cycles) come each after
    every component below it, so a component's value is the worst of its members' own ranks and the values of
    the components its lines lead to."""
    out: dict[str, tuple[int, ...]] = {}
    graph = {node: [child for child, _ in lines if child in edges] for node, lines in edges.items()}
    for members in strongly_connected(graph):
        vectors = [ranks[m] for m in members if m in ranks]
        for m in members:
            for child, _ in edges[m]:
                if child in members:
                    continue
                v = out.get(child) if child in edges else ranks.get(child)  # a leaf: its own rank
                if v:
                    vectors.append(v)
        value = _worst(vectors)
        for m in members:
            out[m] = value
    return out
