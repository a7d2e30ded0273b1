"""What a validation needs before its answer means anything, checked before it runs.

A validation of a store with no parts, or against a list that has no version in force on the evaluation
date, finds nothing and would say "compliant": a false pass. The lists a pack needs are read from its
shapes (every list IRI a shape names as a parameter, e.g. `cg:restrictionList <.../list/eu-rohs-annex-ii>`),
so a company's own pack is checked the same way without code.
"""

from __future__ import annotations

import datetime as dt

from pyoxigraph import Literal, NamedNode
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from complygraph.graph.queries import lists
from complygraph.graph.store import Store
from complygraph.vocab import CG, ID


class MissingInput(ValueError):
    """The store lacks what the validation needs; the message says what and how to get it."""


_LIST = ID + "list/"
# classes whose instances loading the regulatory lists creates (`complygraph load-lists`), not declared data
_LISTED_CLASSES = {CG + "Substance", CG + "SubstanceGroup"}


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
    # the lists bring substances of their own: a store holding the lists and nothing declared (an import that was
    # refused) validated "compliant", exit 0 (QA9 B06); what is declared is asked for, where a pack targets it
    declared = [c for c in targets if str(c) not in _LISTED_CLASSES]
    targets = declared or targets
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
    named = [list_id for list_id in lists_named(shapes, owner, names) if stored.get(list_id)]
    problems += _unresolved_groups(store, named)
    problems += _categories_as_numbers(store, named)
    if problems:
        raise MissingInput("; ".join(problems) + " (or leave that pack out: name the packs to run, with --pack on the "
                           "command line or the `packs` argument in GraphQL)")


_GROUP = ID + "group/"


def _unresolved_groups(store: Store, list_ids: list[str]) -> list[str]:
    """A restriction of one list may name a group that another list defines (REACH Annex XVII entries 23 and 63
    name "lead/cadmium and its compounds", the RoHS Annex II groups that reach every compound of the element).
    Without that list the restriction reaches no substance: a false pass, so it is a missing input."""
    if not list_ids:
        return []
    rows = store.select(
        "SELECT DISTINCT ?list ?target WHERE { ?restriction dct:isPartOf ?list ; cg:concerns ?target . "
        "FILTER(STRSTARTS(STR(?target), ?prefix)) FILTER NOT EXISTS { ?target a cg:SubstanceGroup } }",
        {"list": [NamedNode(_LIST + i) for i in list_ids], "prefix": Literal(_GROUP)})
    missing: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        owner_list, _, group = r["target"].value[len(_GROUP):].partition("/")
        missing.setdefault(owner_list, {}).setdefault(r["list"].value[len(_LIST):], set()).add(group)
    return [f"list {', '.join(sorted(by))} names the groups {', '.join(sorted(set().union(*by.values())))} of list "
            f"{owner_list}, which the store does not hold: complygraph load-lists --list {owner_list}"
            for owner_list, by in sorted(missing.items())]


def _categories_as_numbers(store: Store, list_ids: list[str]) -> list[str]:
    """Exemption periods and application dates name the EEE scopes they cover (`cg:coversScope`, shapes/data/
    eee-scopes.ttl) since categories 8 and 9 were split. A list loaded before names category numbers only: every
    exemption of it would read as never valid, so it is reloaded first (the lists of the named ones' exemptions
    included: they concern the same restriction targets)."""
    if not list_ids:
        return []
    rows = store.select(
        "SELECT DISTINCT ?list WHERE { "
        "{ ?r dct:isPartOf ?named ; cg:concerns ?t . ?e cg:concerns ?t ; cg:exemptionUnder ?list . "
        "  ?v cg:validityOf ?e } UNION { ?r dct:isPartOf ?named ; cg:startForCategory ?v . BIND(?named AS ?list) } "
        "?v cg:eeeCategory ?c . FILTER NOT EXISTS { ?v cg:coversScope ?s } }",
        {"named": [NamedNode(_LIST + i) for i in list_ids]})
    stale = sorted(r["list"].value[len(_LIST):] for r in rows)
    if not stale:
        return []
    lists_were = f"list {stale[0]} was" if len(stale) == 1 else f"lists {', '.join(stale)} were"
    return [f"{lists_were} loaded by an earlier complygraph (its exemption periods or application dates name "
            "EEE categories as numbers, not the EEE scopes of shapes/data/eee-scopes.ttl): "
            "complygraph load-lists " + " ".join(f"--list {list_id}" for list_id in stale)]
