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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import NamedNode, Triple

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


def memberships(names: Mapping[str, Iterable[str]], entries: Entries) -> Iterator[Triple]:
    """The membership of each named substance (IRI -> its declared names) in the entries of any of those labels."""
    for iri, declared in sorted(names.items()):
        substance = NamedNode(iri)
        found = {(entry, name): groups for name in sorted(declared)
                 for entry, groups in entries.get(normalised_name(name), {}).items()}
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
