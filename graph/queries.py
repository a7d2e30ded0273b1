"""The SPARQL the CLI and the demo ask, written selective-pattern-first.

Each query starts from the few nodes the arguments pin down (one list, its entries in a date range) and
reaches the many (occurrences, materials, parts) through indexed links, which keeps it fast on a store
of 100k parts whatever the engine's join ordering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.exemption_changes import exemption_changes
from complygraph.graph.store import Store
from complygraph.vocab import XSD, list_iri

_DATE = NamedNode(XSD + "date")


def _date(d: dt.date | str) -> Literal:
    return Literal(d if isinstance(d, str) else d.isoformat(), datatype=_DATE)


@dataclass
class ListInfo:
    id: str
    title: str
    regulation: str
    versions: list[tuple[str, int]]
    sources: list[str]
    entries: int = 0
    evaluated: int = 0  # entries a restriction of the list (a rule as data) evaluates; the rest are listed only

    @property
    def listed_only(self) -> int:
        return self.entries - self.evaluated


def lists(store: Store) -> list[ListInfo]:
    rows = store.select("""
        SELECT ?id ?title ?reg ?date ?count WHERE {
          ?list a cg:RegulatoryList ; dct:identifier ?id .
          OPTIONAL { ?list rdfs:label ?title FILTER(lang(?title) = "en") }
          OPTIONAL { ?list cg:underRegulation/dct:identifier ?reg }
          OPTIONAL { ?v cg:versionOf ?list ; cg:validFrom ?date ; cg:entryCount ?count }
        } ORDER BY ?id DESC(?date)""")
    sources = store.select("""
        SELECT ?id ?name ?url WHERE {
          ?list a cg:RegulatoryList ; dct:identifier ?id ; prov:wasDerivedFrom ?src .
          ?src dct:title ?name .
          OPTIONAL { ?src dct:source ?url }
        } ORDER BY ?id ?name""")
    coverage = store.select("""
        SELECT ?id (COUNT(DISTINCT ?entry) AS ?entries) (COUNT(DISTINCT ?covered) AS ?evaluated) WHERE {
          ?list a cg:RegulatoryList ; dct:identifier ?id . ?entry cg:inList ?list .
          FILTER NOT EXISTS { ?entry cg:dateOfRemoval ?removed }  # kept for the versions it was part of
          BIND(EXISTS {
            { ?r cg:appliesToList ?list }
            UNION { ?r dct:isPartOf ?list ; cg:entryNumber ?n . ?entry cg:entryNumber ?n }
            UNION { ?r dct:isPartOf ?list ; cg:concerns ?t . ?entry cg:concerns ?t }
            UNION { ?r dct:isPartOf ?list ; cg:concerns ?entry }
            FILTER NOT EXISTS { ?r cg:evaluated false }
          } AS ?hit)  # EXISTS, not OPTIONAL + BIND: Virtuoso drops solutions of the OPTIONAL form
          BIND(IF(?hit, ?entry, ?none) AS ?covered)
        } GROUP BY ?id""")
    counts = {r["id"].value: (int(r["entries"].value), int(r["evaluated"].value)) for r in coverage}
    out: dict[str, ListInfo] = {}
    for r in rows:
        info = out.setdefault(r["id"].value, ListInfo(r["id"].value, r.get("title", r["id"]).value,
                                                      r["reg"].value if "reg" in r else "", [], []))
        if "date" in r:
            info.versions.append((r["date"].value, int(r["count"].value)))
    for list_id, (entries, evaluated) in counts.items():
        if list_id in out:
            out[list_id].entries, out[list_id].evaluated = entries, evaluated
    for r in sources:
        if r["id"].value in out:
            out[r["id"].value].sources.append(r["name"].value + (f" <{r['url'].value}>" if "url" in r else ""))
    return list(out.values())


def entries_as_of(store: Store, list_id: str, date: dt.date | str) -> dict[str, str]:
    """The list as it stood on `date`: entry IRI -> name. An entry without its own date of inclusion
    belongs to every version from the list's first one."""
    rows = store.select("""
        SELECT ?entry ?name WHERE {
          ?entry cg:inList ?list ; rdfs:label ?name .
          FILTER(lang(?name) = "en")
          OPTIONAL { ?entry cg:dateOfInclusion ?included }
          OPTIONAL { ?entry cg:dateOfRemoval ?removed }
          FILTER(!BOUND(?removed) || ?removed > ?at)
          FILTER((BOUND(?included) && ?included <= ?at) || (!BOUND(?included) && EXISTS {
            ?v cg:versionOf ?list ; cg:validFrom ?first FILTER(?first <= ?at) }))
        }""", {"list": list_iri(list_id), "at": _date(date)})
    names = {r["entry"].value: r["name"].value for r in rows}
    # the name the entry had then: the value before the first rename after the date (list history records)
    renames = store.select("""
        SELECT ?entry ?on ?old WHERE {
          ?change cg:changedField "name" ; cg:changedEntry ?entry ; cg:changedOn ?on ; cg:valueBefore ?old .
          ?entry cg:inList ?list .
          FILTER(?on > ?at && lang(?old) IN ("en", ""))
        } ORDER BY ?entry DESC(?on)""", {"list": list_iri(list_id), "at": _date(date)})
    for r in renames:  # latest first, so the earliest rename after the date is written last
        if r["entry"].value in names:
            names[r["entry"].value] = r["old"].value
    return names


@dataclass
class EntryChanges:
    """The entries (IRI -> name) a list gained and lost between two dates."""

    added: dict[str, str]
    removed: dict[str, str]


class UnknownList(ValueError):
    """A list id the store does not hold; the message names the ids it does hold."""


def check_list(store: Store, list_id: str) -> None:
    """Raise UnknownList unless the store holds the list `list_id` (an unknown id would otherwise answer
    with no change and no impact, which reads as "nothing is touched")."""
    if not store.ask("ASK WHERE { ?l a cg:RegulatoryList }", {"l": list_iri(list_id)}):
        known = sorted(info.id for info in lists(store))
        raise UnknownList(f"unknown list {list_id!r}; the store holds: {', '.join(known) or 'no list'}"
                          + ("" if known else " (run complygraph load-lists)"))


def list_change(store: Store, list_id: str, since: dt.date | str, until: dt.date | str) -> EntryChanges:
    check_list(store, list_id)
    before, after = entries_as_of(store, list_id, since), entries_as_of(store, list_id, until)
    # an exemption list's exemptions start and end by their own dates, within one version
    exemptions = exemption_changes(store, list_id, since, until)
    return EntryChanges(added={**{k: v for k, v in after.items() if k not in before}, **exemptions.added},
                        removed={**{k: v for k, v in before.items() if k not in after}, **exemptions.removed})


def substance_names(store: Store, substances: list[NamedNode]) -> dict[str, tuple[str, str]]:
    """CAS number and the shortest English name of each substance (several sources name one substance;
    the shortest reads best in a table); the identity database's name where no declaration or list names it."""
    cas: dict[str, str] = {}
    names: dict[str, tuple[int, int, str]] = {}  # (declared or listed 0 / database 1, length, name)
    for r in select_batched(store, """
        SELECT ?substance ?cas ?name ?dbName WHERE {
          OPTIONAL { ?substance cg:casNumber ?cas }
          OPTIONAL { ?substance rdfs:label ?name FILTER(lang(?name) = "en") }
          OPTIONAL { ?substance cg:databaseName ?dbName }
        }""", "substance", substances):
        key = r["substance"].value
        cas.setdefault(key, "")
        if "cas" in r:
            cas[key] = r["cas"].value
        for var, kind in (("name", 0), ("dbName", 1)):
            if var in r and r[var].value:
                choice = (kind, len(r[var].value), r[var].value)
                names[key] = min(names.get(key, choice), choice)
    out = {key: (number, names[key][2] if key in names else "") for key, number in cas.items()}
    return out

