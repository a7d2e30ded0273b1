"""What a validation needs before its answer means anything, checked before it runs.

A validation of a store with no parts, or against a list that has no version in force on the evaluation
date, finds nothing and would say "compliant": a false pass. The lists a pack needs are read from its
shapes (every list IRI a shape names as a parameter, e.g. `cg:restrictionList <.../list/eu-rohs-annex-ii>`),
so a company's own pack is checked the same way without code.
"""

from __future__ import annotations

import datetime as dt

from pyoxigraph import NamedNode
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from complygraph.graph.queries import lists
from complygraph.graph.store import Store
from complygraph.vocab import ID


class MissingInput(ValueError):
    """The store lacks what the validation needs; the message says what and how to get it."""


_LIST = ID + "list/"


def lists_named(shapes: Graph, owner: dict, names: list[str]) -> dict[str, set[str]]:
    """List id -> the packs among `names` whose shapes name that list."""
    out: dict[str, set[str]] = {}
    for s, _, o in shapes:
        if isinstance(o, URIRef) and str(o).startswith(_LIST) and "/" not in str(o)[len(_LIST):]:
            pack = owner.get(s)
            if pack in names:
                out.setdefault(str(o)[len(_LIST):], set()).add(pack)
    return out


def check_inputs(store: Store, shapes: Graph, owner: dict, names: list[str], at: dt.date) -> None:
    """Raise MissingInput when the store holds nothing the selected packs target (no part, no material, ...),
    or a list a selected pack names has no version in force on `at` (not loaded, or all its versions later)."""
    targets = sorted({o for s, o in shapes.subject_objects(SH.targetClass) if owner.get(s) in names}, key=str)
    if targets and not store.ask("ASK WHERE { ?x a/rdfs:subClassOf* ?c }", {"c": [NamedNode(str(c)) for c in targets]}):
        shown = ", ".join(str(c).rsplit("#", 1)[-1] for c in targets)
        raise MissingInput(f"the store holds nothing the selected packs validate (no {shown}): import parts first "
                           f"(complygraph import PATH, or complygraph load FILE for supplier declarations)")
    stored = {info.id: sorted(d for d, _ in info.versions) for info in lists(store)}
    problems = []
    for list_id, packs in sorted(lists_named(shapes, owner, names).items()):
        versions = stored.get(list_id, [])
        if not versions:
            problems.append(f"pack {', '.join(sorted(packs))} needs list {list_id}, which the store does not "
                            f"hold: complygraph load-lists --list {list_id}")
        elif versions[0] > at.isoformat():
            problems.append(f"pack {', '.join(sorted(packs))} needs list {list_id}, which has no version in "
                            f"force on {at} (its first is {versions[0]})")
    if problems:
        raise MissingInput("; ".join(problems) + " (or leave that pack out: name the packs to run with --pack)")
