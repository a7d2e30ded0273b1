"""Which packs an unchecked group membership concerns.

A substance without a known formula cannot be placed in the groups that membership rules define ("lead and its
compounds", PFOS and its salts): data-quality reports it, naming those groups, and its part's status is
"unknown". It used to be unknown in every pack (`cgsh:concernsEveryPack` of data-quality), including the
supplier survey and governance packs, which no group reaches, so one polypropylene declaration made every
product unknown everywhere (QA, 2026-12-06). A finding that names the groups it could not check
(`cgsh:concernsPacksReachingGroups`, the groups as ?uncheckedGroups) now counts in the packs that reach one of
them: through a list the pack names (its entries or restrictions concern the group: RoHS Annex II, the
Candidate List, Annex XVII entries 23 and 63 that name the RoHS groups), a group its shapes name
(corporate policy), or a node of the pack's data that names it (the packaging pack's heavy metals).
"""

from __future__ import annotations

from collections import defaultdict

from pyoxigraph import NamedNode
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store
from complygraph.vocab import CG, ID

_LIST, _GROUP, _SHAPES = ID + "list/", ID + "group/", "https://w3id.org/complygraph/shapes/"

# what a list entry or restriction concerns (a group with a membership rule, or one substance: a statement-only
# part leaves DIBP as unchecked as the lead group, QA9 B05), each with the lists whose entries or restrictions
# concern it; and the groups with a membership rule that a node of pack data (in the shapes namespace) names
REACH = """
    SELECT DISTINCT ?group ?list ?node WHERE {
      { ?entry cg:concerns ?group ; cg:inList ?list }
      UNION { ?restriction cg:concerns ?group ; dct:isPartOf ?list }
      UNION { ?rule cg:ruleFor ?group .
              ?node ?p ?group FILTER(STRSTARTS(STR(?node), "https://w3id.org/complygraph/shapes/")) }
    }"""


def packs_reaching_groups(store: Store, shapes: Graph, owner: dict) -> dict[str, set[str]]:
    """Group IRI -> the packs of `shapes` that reach it."""
    named: dict[str, set[str]] = defaultdict(set)  # IRI a pack's shapes name -> those packs
    for s, _, o in shapes:
        if isinstance(o, URIRef) and (pack := owner.get(s)) is not None:
            named[str(o)].add(pack)
    out: dict[str, set[str]] = defaultdict(set)
    for iri, packs in named.items():
        if iri.startswith(_GROUP):
            out[iri] |= packs
    for r in store.select(REACH):
        group = r["group"].value
        if "list" in r:
            out[group] |= named.get(r["list"].value, set())
        if "node" in r:
            out[group] |= named.get(r["node"].value, set())
    return out


_EVERY_PART = {CG + "Part", CG + "HomogeneousMaterial", CG + "Substance", CG + "SubstanceOccurrence"}


def narrow_targets(shapes: Graph, owner: dict) -> dict[str, set[str]]:
    """Pack -> its target classes, for the packs none of whose shapes targets every part's substances (parts,
    materials, substances, occurrences): the packaging pack targets packaging components only."""
    targets: dict[str, set[str]] = defaultdict(set)
    for s, o in shapes.subject_objects(SH.targetClass):
        if (pack := owner.get(s)) is not None:
            targets[pack].add(str(o))
    return {p: cs for p, cs in targets.items() if not cs & _EVERY_PART}


def holders(store: Store, substances: list[str], classes: list[str]) -> dict[str, set[str]]:
    """Substance -> the classes among `classes` of the parts or materials that hold it (one set query)."""
    if not classes or not substances:
        return {}
    out: dict[str, set[str]] = defaultdict(set)
    query = ("SELECT DISTINCT ?substance ?class WHERE { VALUES ?class { " + " ".join(f"<{c}>" for c in classes)
             + """ }
          ?holder a ?class .
          { ?holder cg:hasMaterial/cg:contains ?occ } UNION { ?holder cg:contains ?occ }
          ?occ cg:substance ?substance .
        }""")
    for r in select_batched(store, query, "substance", [NamedNode(s) for s in substances]):
        out[r["substance"].value].add(r["class"].value)
    return out
