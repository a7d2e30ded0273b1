"""Whether an impact row is over a limit per homogeneous material (RoHS Annex II, and the Annex II limit a
claimed exemption lifts), measured as the validation measures it.

Impact had only the list's threshold per article: on RoHS every row said "not known" and showed the share of
the article, so DEHP at 5,000 ppm of a PVC sleeve read as 0.005 % (QA, 2026-12-06) while `status` found it five
times over the limit. The limit is the restriction's (`cg:basis cg:HomogeneousMaterialBasis`) that concerns what
the entry concerns; where the law measures an element (`cg:elementBasis "Pb"`) each substance counts with its
ppm times its mass fraction of the element, in full where that is not known, and a group entry's substances in
one material are summed, as shapes/components.ttl (ListMaterialLimitComponent) counts them. A restriction
limited to a kind of material (`cg:materialCondition`) is left out: impact does not decide material classes. A
restriction that leaves out a use (`cg:exceptUse`: RoHS DEHP, BBP and DBP in toys, which Annex II of (EU) 2015/863
leaves to REACH Annex XVII entry 51) does not count for a material whose part, or a product above it, has that use
(`cg:use`), read from the store as it is now: impact flagged a toy's DEHP "over the RoHS limit" where validation
found nothing (QA8 B02).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store

LIMITS = """
    SELECT ?entry ?restriction ?value ?unit ?element ?list ?except WHERE {
      ?entry cg:concerns ?target .
      ?restriction cg:concerns ?target ; cg:basis cg:HomogeneousMaterialBasis ;
                   cg:limitValue ?value ; cg:limitUnit ?unit ; dct:isPartOf ?list .
      FILTER NOT EXISTS { ?restriction cg:materialCondition ?condition }
      OPTIONAL { ?restriction cg:elementBasis ?element }
      OPTIONAL { ?restriction cg:exceptUse ?except }
    }"""
# the uses of a material: its part's and those of every product above the part (as graph/derived.py's cg:inUse)
USES = """
    SELECT ?material ?use WHERE {
      ?part cg:hasMaterial ?material .
      { ?part cg:use ?use } UNION { ?product cg:use ?use . ?product (^cg:parent/cg:child)+ ?part }
    }"""


class Limit(NamedTuple):
    """One restriction's limit per homogeneous material for an entry."""

    ppm: Decimal
    element: str  # the element measured, or ""
    except_uses: frozenset[str]  # the uses it does not apply to"
FRACTIONS = """
    SELECT ?substance ?element ?fraction WHERE {
      ?substance cg:elementFraction ?share . ?share cg:element ?element ; cg:massFraction ?fraction .
    }"""


def material_limits(store: Store, entries: list[str], list_iri: NamedNode | None) -> dict[str, list[Limit]]:
    """Entry (or exemption) -> the limits of the restrictions of `list_iri` (of any list, for an exemption) that
    concern it, lowest first: a material takes the first that applies to its uses."""
    found: dict[tuple[str, str], tuple[Decimal, str, set[str]]] = {}
    for r in select_batched(store, LIMITS, "entry", [NamedNode(e) for e in entries]):
        if list_iri is not None and r["list"] != list_iri:
            continue
        value = Decimal(r["value"].value)
        limit = value * 10_000 if r["unit"].value.endswith("PERCENT") else value
        element = r["element"].value if "element" in r else ""
        kept = found.setdefault((r["entry"].value, r["restriction"].value), (limit, element, set()))
        if "except" in r:
            kept[2].add(r["except"].value)
    out: dict[str, list[Limit]] = defaultdict(list)
    for (entry, _), (limit, element, excepted) in found.items():
        out[entry].append(Limit(limit, element, frozenset(excepted)))
    for limits in out.values():
        limits.sort(key=lambda lim: (lim.ppm, lim.element, sorted(lim.except_uses)))
    return dict(out)


def over_material_limits(store: Store, rows: list, limits: dict[str, list[Limit]]) -> None:
    """Set `over_threshold` and `limit_basis` of each row (graph/impact.ImpactRow) whose entry has a limit per
    material: its entry's substances in its material, summed, over the lowest limit that applies to the
    material's uses (a value exactly at it is not); not over where none applies."""
    wanted = [r for r in rows if r.entry in limits]
    if not wanted:
        return
    uses = _uses(store, {r.material for r in wanted
                         if r.material and any(lim.except_uses for lim in limits[r.entry])})
    chosen = {}
    for r in wanted:
        key = (r.entry, r.material)
        if key not in chosen:
            own = uses.get(r.material, frozenset())
            chosen[key] = next((lim for lim in limits[r.entry] if not lim.except_uses & own), None)
    elements = {lim.element for lim in chosen.values() if lim is not None and lim.element}
    fractions: dict[tuple[str, str], Decimal] = {}
    if elements:
        for r in select_batched(store, FRACTIONS, "substance", [NamedNode(s) for s in {r.substance for r in wanted}]):
            if r["element"].value in elements:
                fractions[(r["substance"].value, r["element"].value)] = Decimal(r["fraction"].value)
    summed: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for r in wanted:
        limit = chosen[(r.entry, r.material)]
        if limit is None:
            continue
        share = fractions.get((r.substance, limit.element), Decimal(1)) if limit.element else Decimal(1)
        summed[(r.part_id, r.material_id, r.entry)] += Decimal(str(r.ppm)) * share
    for r in wanted:
        limit = chosen[(r.entry, r.material)]
        r.over_threshold = limit is not None and summed[(r.part_id, r.material_id, r.entry)] > limit.ppm
        r.limit_basis = "material"


def _uses(store: Store, materials: set[str]) -> dict[str, frozenset[str]]:
    """Material IRI -> its uses, for the materials an excepted use could concern."""
    found: dict[str, set[str]] = defaultdict(set)
    named = [NamedNode(m) for m in sorted(materials) if not m.startswith("_:")]
    for r in select_batched(store, USES, "material", named):
        found[r["material"].value].add(r["use"].value)
    return {m: frozenset(u) for m, u in found.items()}
