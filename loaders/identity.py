"""Substance identity: formula, molar mass, structure and element mass fractions, and group membership by
element.

Each CAS number an import brings that the store has not identified yet is looked up once, offline, in the
PubChem-derived identifier database that the `chemicals` package ships; `molmass` computes the element mass
fractions from the formula. The results are written as triples in the same store write as the import, with
provenance, so validation reads them set-at-a-time. A CAS number the database does not know gets no identity
triples: nothing is invented.

Group membership by element is data: a rule `?rule cg:ruleFor ?group ; cg:memberByElement "Pb"` (shipped in
the list data, e.g. `data/eu-rohs/element-groups.ttl`) makes every identified substance containing lead a
member of the group. Membership is materialised when substances or rules are loaded, as `?group cg:hasMember
?substance` and a `cg:GroupMembership` node naming the rule, so a user can ask why a substance is in a group.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph.store import Store
from complygraph.loaders import rdf
from complygraph.vocab import ID, RDF_TYPE, cg, dct, prov, rdfs, substance_iri

CAS_PREFIX = f"{ID}substance/cas/"


@dataclass(frozen=True)
class Identity:
    cas: str
    formula: str
    molar_mass: Decimal
    smiles: str | None
    inchi_key: str | None
    fractions: tuple[tuple[str, Decimal], ...]  # (element symbol, mass fraction), by symbol


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
        return "unknown"


def source_entity() -> NamedNode:
    return NamedNode(f"{ID}source/chemicals-{_version('chemicals')}-molmass-{_version('molmass')}")


def source_entity_triples() -> Iterator[Triple]:
    node = source_entity()
    yield rdf.t(node, RDF_TYPE, prov.Entity)
    yield rdf.t(node, rdfs.label, rdf.text(
        f"PubChem-derived identifier database of the Python package chemicals {_version('chemicals')}; "
        f"element mass fractions computed with molmass {_version('molmass')}", "en"))
    yield rdf.t(node, dct.source, NamedNode("https://pypi.org/project/chemicals/"))
    yield rdf.t(node, dct.source, NamedNode("https://pypi.org/project/molmass/"))


@functools.lru_cache(maxsize=65536)
def lookup(cas: str) -> Identity | None:
    """The identity of `cas` from the shipped database, or None if it does not know the number."""
    from chemicals.identifiers import get_pubchem_db
    from molmass import Formula

    # the record indexed under exactly this CAS number (search_chemical would also resolve names, formulas and
    # synonyms, and can answer with a related substance's record)
    meta = get_pubchem_db().search_CAS(cas)
    if not meta or getattr(meta, "CASs", None) != cas or not meta.formula:
        return None
    try:
        composition = Formula(meta.formula).composition()
        mass = Formula(meta.formula).mass
    except Exception:
        return None
    fractions = tuple(sorted((el, Decimal(repr(round(item.fraction, 6)))) for el, item in composition.items()))
    return Identity(cas=cas, formula=meta.formula, molar_mass=Decimal(repr(round(mass, 4))),
                    smiles=meta.smiles or None, inchi_key=meta.InChI_key or None, fractions=fractions)


def element_node(substance: NamedNode, element: str) -> NamedNode:
    return NamedNode(f"{substance.value}/element/{element}")


def _triples(ident: Identity) -> Iterator[Triple]:
    node = substance_iri(cas=ident.cas)
    yield rdf.t(node, cg.molecularFormula, rdf.text(ident.formula))
    yield rdf.t(node, cg.molarMass, rdf.decimal(ident.molar_mass))
    if ident.smiles:
        yield rdf.t(node, cg.smiles, rdf.text(ident.smiles))
    if ident.inchi_key:
        yield rdf.t(node, cg.inchiKey, rdf.text(ident.inchi_key))
    yield rdf.t(node, prov.wasDerivedFrom, source_entity())
    for el, fraction in ident.fractions:
        e = element_node(node, el)
        yield rdf.t(node, cg.elementFraction, e)
        yield rdf.t(e, RDF_TYPE, cg.ElementFraction)
        yield rdf.t(e, cg.element, rdf.text(el))
        yield rdf.t(e, cg.massFraction, rdf.decimal(fraction))
        yield rdf.t(e, prov.wasDerivedFrom, source_entity())


def unidentified(cas_numbers: Iterable[str], store: Store | None) -> list[str]:
    """The CAS numbers among `cas_numbers` whose substance the store has no formula for (one query)."""
    wanted = sorted(set(cas_numbers))
    if not wanted or store is None:
        return wanted
    values = " ".join(f"<{CAS_PREFIX}{c}>" for c in wanted)
    rows = store.select(f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s cg:molecularFormula ?f }}")
    done = {r["s"].value[len(CAS_PREFIX):] for r in rows}
    return [c for c in wanted if c not in done]


def identify(cas_numbers: Iterable[str], store: Store | None) -> list[Identity]:
    return [i for c in unidentified(cas_numbers, store) if (i := lookup(c)) is not None]


def identity_triples(cas_numbers: Iterable[str], store: Store | None) -> Iterator[Triple]:
    """Identity triples for each CAS number not yet identified in `store`; unknown numbers get none."""
    yield from _identity_triples(identify(cas_numbers, store))


def _identity_triples(found: list[Identity]) -> Iterator[Triple]:
    if found:
        yield from source_entity_triples()
    for ident in found:
        yield from _triples(ident)


# ------------------------------------------------------------------------------------------------------
# Group membership by element

@dataclass(frozen=True)
class ElementRule:
    rule: NamedNode
    group: NamedNode
    element: str


def rules_in(triples: Iterable[Triple]) -> list[ElementRule]:
    """The element membership rules among `triples` (a list load's own)."""
    group: dict[str, NamedNode] = {}
    element: dict[str, str] = {}
    nodes: dict[str, NamedNode] = {}
    for t in triples:
        if t.predicate == cg.ruleFor and isinstance(t.object, NamedNode):
            group[t.subject.value] = t.object
            nodes[t.subject.value] = t.subject
        elif t.predicate == cg.memberByElement and isinstance(t.object, Literal):
            element[t.subject.value] = t.object.value
            nodes[t.subject.value] = t.subject
    return [ElementRule(nodes[k], group[k], element[k]) for k in nodes if k in group and k in element]


def stored_rules(store: Store | None) -> list[ElementRule]:
    if store is None:
        return []
    rows = store.select("SELECT ?r ?g ?e WHERE { ?r cg:ruleFor ?g ; cg:memberByElement ?e }")
    return [ElementRule(r["r"], r["g"], r["e"].value) for r in rows]


def stored_substances_with(store: Store | None, elements: Iterable[str]) -> list[tuple[NamedNode, str]]:
    """(substance, element) for every identified substance in the store containing one of `elements`."""
    els = sorted(set(elements))
    if store is None or not els:
        return []
    rows = store.select("SELECT ?s ?e WHERE { ?n cg:element ?e . ?s cg:elementFraction ?n }",
                        {"e": [rdf.text(e) for e in els]})
    return [(r["s"], r["e"].value) for r in rows]


def membership_node(group: NamedNode, substance: NamedNode) -> NamedNode:
    return NamedNode(f"{group.value}/member/{substance.value.rsplit('/', 1)[-1]}")


def membership_triples(rules: list[ElementRule], substances: Iterable[tuple[NamedNode, str]]) -> Iterator[Triple]:
    """`?group cg:hasMember ?substance` and a cg:GroupMembership naming the rule, for each substance
    containing a rule's element."""
    by_element: dict[str, list[ElementRule]] = {}
    for r in rules:
        by_element.setdefault(r.element, []).append(r)
    seen: set[tuple[str, str, str]] = set()
    for s, el in substances:
        for r in by_element.get(el, []):
            key = (r.rule.value, r.group.value, s.value)
            if key in seen:
                continue
            seen.add(key)
            m = membership_node(r.group, s)
            yield rdf.t(r.group, cg.hasMember, s)
            yield rdf.t(m, RDF_TYPE, cg.GroupMembership)
            yield rdf.t(m, cg.group, r.group)
            yield rdf.t(m, cg.member, s)
            yield rdf.t(m, cg.byRule, r.rule)


def enrichment(cas_numbers: Iterable[str], store: Store | None,
               new_rules: list[ElementRule] | None = None) -> Iterator[Triple]:
    """Identity triples for the new CAS numbers, and group membership in both directions: the newly
    identified substances against the stored rules and `new_rules`, and `new_rules` against the stored
    substances. Meant to be written in the same store write as the import that brought them."""
    found = identify(cas_numbers, store)
    yield from _identity_triples(found)
    new_rules = new_rules or []
    rules = stored_rules(store) + new_rules if found else new_rules
    new_subs = [(substance_iri(cas=i.cas), el) for i in found for el, _ in i.fractions]
    yield from membership_triples(rules, new_subs)
    if new_rules:
        yield from membership_triples(new_rules, stored_substances_with(store, {r.element for r in new_rules}))
