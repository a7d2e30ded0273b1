"""The products in which a finding about a restriction with conditions of use holds (graph/status.py).

A REACH Annex XVII restriction is decided per homogeneous material, on the uses of its part and of every product
it goes into (graph/derived.py `inUse`): entry 50(6) (Regulation (EU) No 1272/2013, PAHs over 0,5 mg/kg in rubber
or plastic components of toys and childcare articles) is a violation for a grip that sits in a toy. The same grip
in a scanner is held to 50(5) only (1 mg/kg); counted for every product above the grip, the scanner was reported
non-compliant for the toy's limit. Likewise entries 63(15) and 51(3) do not apply to EEE within Directive
2011/65/EU: a PVC jacket in a lamp and in a hose reel is a violation for the reel, not for the lamp, and 63(8)(k)
takes toys and food-contact articles out of 63(7) in those products only.

So a product takes such a finding only where the restriction's conditions hold in that product: one use of each
required choice among the uses of the product, of the part and of the assemblies between them; no use it excludes
among the product's; and, for a restriction that excludes RoHS EEE, a product of no EEE category. The conditions
are the restriction's own data (`cg:requiresUseOf`, `cg:excludesUse`, `cg:excludesRoHSEEE`), read here as the
shapes read them; the part keeps the finding in any case (it is restricted in one of its products)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.bom_index import BomIndex
from complygraph.graph.store import Store

CONDITIONS = """
    SELECT ?restriction ?kind ?choice ?use WHERE {
      { ?restriction cg:excludesRoHSEEE true . BIND("eee" AS ?kind) }
      UNION { ?restriction cg:excludesUse ?use . BIND("excluded" AS ?kind) }
      UNION { ?restriction cg:requiresUseOf ?choice . ?choice cg:use ?use . BIND("required" AS ?kind) } }"""
USES = "SELECT ?node ?use WHERE { ?node cg:use ?use }"


@dataclass
class Conditions:
    """A restriction's conditions of use."""

    excludes_eee: bool = False
    excluded: set[str] = field(default_factory=set)
    choices: dict[str, set[str]] = field(default_factory=dict)  # each required choice -> its uses


def conditions_of(store: Store, restrictions: list[str]) -> dict[str, Conditions]:
    """Restriction -> its conditions of use, for those that have any."""
    out: dict[str, Conditions] = {}
    rows = select_batched(store, CONDITIONS, "restriction", [NamedNode(r) for r in restrictions])
    for row in rows:
        c = out.setdefault(row["restriction"].value, Conditions())
        kind = row["kind"].value
        if kind == "eee":
            c.excludes_eee = True
        elif kind == "excluded":
            c.excluded.add(row["use"].value)
        else:
            c.choices.setdefault(row["choice"].value, set()).add(row["use"].value)
    return out


def products_holding(store: Store, bom: BomIndex, wanted: dict[int, tuple[str, str]],
                     scopes_of: dict[str, frozenset[str]]) -> dict[int, frozenset[str]]:
    """Result number -> the products its restriction holds in, for the results (number -> (restriction, part
    of its material)) whose restriction has conditions of use."""
    conditions = conditions_of(store, sorted({r for r, _ in wanted.values()})) if wanted else {}
    if not conditions:
        return {}
    uses: dict[str, set[str]] = defaultdict(set)
    for row in store.select(USES):
        uses[row["node"].value].add(row["use"].value)
    products = bom.products.keys()
    out: dict[int, frozenset[str]] = {}
    above: dict[str, set[str]] = {}  # node -> every node above it, walked once per node

    def over(node: str) -> set[str]:
        if node not in above:
            above[node] = bom.above(node)
        return above[node]

    for number, (restriction, part) in wanted.items():
        c = conditions.get(restriction)
        if c is None:
            continue
        ancestors = over(part)
        # the nodes above the part with uses of their own: assemblies, and products inside other products (a toy in
        # a general-public kit makes the kit's grip a toy's: a review of 2026-12-07)
        used = [a for a in ancestors if a in uses]
        held = set()
        # the products above the part, and the part itself where a product holds the material directly
        for product in (ancestors | {part}) & products:
            if c.excludes_eee and scopes_of.get(product):
                continue
            own = uses.get(product, set())
            if own & c.excluded:
                continue
            there = own | uses.get(part, set())
            for a in used:
                if a != product and product in over(a):
                    there |= uses[a]
            if all(there & choice for choice in c.choices.values()):
                held.add(product)
        out[number] = frozenset(held)
    return out
