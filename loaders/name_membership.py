"""A substance declared by the name of a list entry that stands for several substances is in that entry, whichever
of them it is.

A name alone identifies a substance when the identifier database or one list entry gives it one CAS number
(loaders/identity.py `NameResolver`). "ポリ塩化ビフェニル", the 化審法 label of CSCL Class I item 1, names three CAS
numbers in the list data (PCBs): which one a supplier meant cannot be told, so the substance keeps its declared
name and the data-quality pack reports its identity unknown. But every one of them is in item 1: a part that
intentionally holds "ポリ塩化ビフェニル" violates 化審法 Art. 17 whatever the CAS number, and before it was only
"unknown" (an open item of issue 10). So a declared name equal to an entry's label (after `normalised_name`) makes
the substance a member of that entry, and of the groups the entry concerns, written as a membership rule's are
(`?entry cg:concerns ?substance`, `?group cg:hasMember ?substance`, a `cg:GroupMembership` whose
`cg:byDeclaredName` says why). An import writes them for its new names against the stored entries; a list load for
the stored names against its entries (a reload replaces the entries with everything said about them).

The names of the declarable categories suppliers use (IPC-1752A Class C, the IEC 62474 groups: "Lead/lead
compounds", "Cadmium/Cadmium Compounds") do the same, by the patterns of `shapes/data/declared-categories.ttl` and
the entry each names: a chemSHERPA-AI material declaring 300 mg of "Lead/lead compounds" (a SubstanceGroup with its
own mass) in 10 g of PVC held a substance of unknown identity, so RoHS said "unknown" for 3 % of lead (QA12 B09); it
is now in the lead entry, counted whole as lead since its formula is not known.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from pyoxigraph import NamedNode, Triple, parse

from complygraph.graph.store import Store
from complygraph.loaders import rdf
from complygraph.loaders.identity import normalised_name
from complygraph.loaders.membership import membership_node
from complygraph.vocab import ID, RDF_TYPE, cg, rdfs

DECLARED = f"{ID}substance/declared/"  # a substance a declaration names only by a name no record resolves

# label -> entry -> the groups the entry concerns
Entries = dict[str, dict[str, set[str]]]

_STORED_ENTRIES = """
SELECT ?entry ?label ?group WHERE {
  ?entry a cg:ListEntry ; rdfs:label ?label .
  OPTIONAL { ?entry cg:concerns ?group . ?group a cg:SubstanceGroup }
}"""

_STORED_NAMES = f"""
SELECT ?s ?name WHERE {{
  ?s a cg:Substance ; rdfs:label ?name .
  FILTER(STRSTARTS(STR(?s), "{DECLARED}"))
}}"""


def stored_entries(store: Store | None) -> Entries:
    out: Entries = defaultdict(lambda: defaultdict(set))
    if store is None:
        return out
    for r in store.select(_STORED_ENTRIES):
        groups = out[normalised_name(r["label"].value)][r["entry"].value]
        if "group" in r:
            groups.add(r["group"].value)
    return out


def entries_in(triples: Iterable[Triple]) -> Entries:
    """The entries a list load writes, by label, with the groups they concern."""
    triples = list(triples)
    entries = {t.subject.value for t in triples if t.predicate == RDF_TYPE and t.object == cg.ListEntry}
    groups = {t.subject.value for t in triples if t.predicate == RDF_TYPE and t.object == cg.SubstanceGroup}
    concerned: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate == cg.concerns and t.subject.value in entries and t.object.value in groups:
            concerned[t.subject.value].add(t.object.value)
    out: Entries = defaultdict(lambda: defaultdict(set))
    for t in triples:
        if t.predicate == rdfs.label and t.subject.value in entries:
            out[normalised_name(t.object.value)][t.subject.value] |= concerned[t.subject.value]
    return out


def stored_names(store: Store | None) -> dict[str, set[str]]:
    """The substances the store holds by a declared name only: IRI -> the names declared for it (one node for
    names that differ only in case: `name_key`)."""
    out: dict[str, set[str]] = defaultdict(set)
    if store is not None:
        for r in store.select(_STORED_NAMES):
            out[r["s"].value].add(r["name"].value)
    return out


@cache
def category_patterns() -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None, str], ...]:
    """(pattern, except pattern or None, the entry it names) of each declared category of
    `shapes/data/declared-categories.ttl`, the pack data the declared statements are read by (XPath regular
    expressions, which Python reads alike here). The except pattern takes out names the pattern would take that
    say the opposite ("Lead-free solder paste"): XPath has no look-ahead to write it in one pattern."""
    path = Path(str(resources.files("complygraph.shapes"))) / "data" / "declared-categories.ttl"
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for quad in parse(path=str(path)):
        if quad.predicate in (cg.categoryPattern, cg.exceptPattern, cg.namesEntry):
            found[quad.subject.value][quad.predicate.value] = quad.object.value
    return tuple((re.compile(f[cg.categoryPattern.value], re.IGNORECASE),
                  re.compile(f[cg.exceptPattern.value], re.IGNORECASE) if cg.exceptPattern.value in f else None,
                  f[cg.namesEntry.value])
                 for _, f in sorted(found.items()) if cg.categoryPattern.value in f and cg.namesEntry.value in f)


def by_category(name: str, entries: dict[str, set[str]]) -> dict[str, set[str]]:
    """The entries (with their groups) whose declared category the name is, among `entries` (entry -> groups)."""
    return {entry: entries[entry] for pattern, unless, entry in category_patterns()
            if entry in entries and pattern.search(name) and not (unless and unless.search(name))}


def memberships(names: Mapping[str, Iterable[str]], entries: Entries) -> Iterator[Triple]:
    """The membership of each named substance (IRI -> its declared names) in the entries of any of those labels,
    and of the categories those names are."""
    every = {entry: groups for by_label in entries.values() for entry, groups in by_label.items()}
    for iri, declared in sorted(names.items()):
        substance = NamedNode(iri)
        found = {(entry, name): groups for name in sorted(declared)
                 for entry, groups in (entries.get(normalised_name(name), {}) | by_category(name, every)).items()}
        for (entry, name), groups in sorted(found.items()):
            node = NamedNode(entry)
            m = membership_node(node, substance)
            yield rdf.t(m, RDF_TYPE, cg.GroupMembership)
            yield rdf.t(m, cg.group, node)
            yield rdf.t(m, cg.member, substance)
            yield rdf.t(m, cg.byDeclaredName, rdf.text(name))
            yield rdf.t(node, cg.concerns, substance)
            for group in sorted(groups):
                yield rdf.t(NamedNode(group), cg.hasMember, substance)


def on_import(names: Mapping[str, Iterable[str]], store: Store | None) -> Iterator[Triple]:
    """An import's new declared names against the stored entries (one query, only when there are names)."""
    if names:
        yield from memberships(names, stored_entries(store))


def on_list_load(triples: Iterable[Triple], store: Store) -> Iterator[Triple]:
    """The stored declared names against the entries a list load writes."""
    names = stored_names(store)
    if names:
        yield from memberships(names, entries_in(triples))
