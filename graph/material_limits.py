"""Whether an impact row is over a limit per homogeneous material (RoHS Annex II, and the Annex II limit a
claimed exemption lifts), measured as the validation measures it.

Impact had only the list's threshold per article: on RoHS every row said "not known" and showed the share of
the article, so DEHP at 5,000 ppm of a PVC sleeve read as 0.005 % (QA, 2026-12-06) while `status` found it five
times over the limit. The limit is the restriction's (`cg:basis cg:HomogeneousMaterialBasis`) that concerns what
the entry concerns; where the law measures an element (`cg:elementBasis "Pb"`) each substance counts with its
ppm times its mass fraction of the element, in full where that is not known, and a group entry's substances in
one material are summed, as shapes/components.ttl (ListMaterialLimitComponent) counts them. A restriction
limited to a kind of material (`cg:materialCondition`) is left out: impact does not decide material classes.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store

LIMITS = """
    SELECT ?entry ?value ?unit ?element ?list WHERE {
      ?entry cg:concerns ?target .
      ?restriction cg:concerns ?target ; cg:basis cg:HomogeneousMaterialBasis ;
                   cg:limitValue ?value ; cg:limitUnit ?unit ; dct:isPartOf ?list .
      FILTER NOT EXISTS { ?restriction cg:materialCondition ?condition }
      OPTIONAL { ?restriction cg:elementBasis ?element }
    }"""
FRACTIONS = """
    SELECT ?substance ?element ?fraction WHERE {
      ?substance cg:elementFraction ?share . ?share cg:element ?element ; cg:massFraction ?fraction .
    }"""


def material_limits(store: Store, entries: list[str], list_iri: NamedNode | None) -> dict[str, tuple[Decimal, str]]:
    """Entry (or exemption) -> (limit in ppm, element measured or ""): the lowest where several restrictions
    of `list_iri` (of any list, for an exemption) concern it."""
    out: dict[str, tuple[Decimal, str]] = {}
    for r in select_batched(store, LIMITS, "entry", [NamedNode(e) for e in entries]):
        if list_iri is not None and r["list"] != list_iri:
            continue
        value = Decimal(r["value"].value)
        limit = value * 10_000 if r["unit"].value.endswith("PERCENT") else value
        element = r["element"].value if "element" in r else ""
        if r["entry"].value not in out or limit < out[r["entry"].value][0]:
            out[r["entry"].value] = (limit, element)
    return out


def over_material_limits(store: Store, rows: list, limits: dict[str, tuple[Decimal, str]]) -> None:
    """Set `over_threshold` and `limit_basis` of each row (graph/impact.ImpactRow) whose entry has a limit per
    material: its entry's substances in its material, summed, over the limit (a value exactly at it is not)."""
    wanted = [r for r in rows if r.entry in limits]
    if not wanted:
        return
    elements = {e for _, e in limits.values() if e}
    fractions: dict[tuple[str, str], Decimal] = {}
    if elements:
        for r in select_batched(store, FRACTIONS, "substance", [NamedNode(s) for s in {r.substance for r in wanted}]):
            if r["element"].value in elements:
                fractions[(r["substance"].value, r["element"].value)] = Decimal(r["fraction"].value)
    summed: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for r in wanted:
        element = limits[r.entry][1]
        share = fractions.get((r.substance, element), Decimal(1)) if element else Decimal(1)
        summed[(r.part_id, r.material_id, r.entry)] += Decimal(str(r.ppm)) * share
    for r in wanted:
        r.over_threshold = summed[(r.part_id, r.material_id, r.entry)] > limits[r.entry][0]
        r.limit_basis = "material"
