"""Substance identity: formula, molar mass, structure and element mass fractions.

Each CAS number an import brings that the store has not identified yet is looked up once, offline, in the
PubChem-derived identifier database that the `chemicals` package ships; `molmass` computes the element mass
fractions from the formula. The results are written as triples in the same store write as the import, with
provenance, so validation reads them set-at-a-time. A CAS number the database does not know gets no identity
triples: nothing is invented.

A company can give its own identity for a CAS number the database does not know (or knows wrongly): a
formula and/or a SMILES in an `identity` import record (`from_record`), traced to the file it came from.
Group membership computed from these identities is in `membership.py`.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata, resources

from pyoxigraph import NamedNode, Triple

from complygraph.graph.store import Store
from complygraph.identifiers import fold_width
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
    source: NamedNode | None = None  # where it came from; None: the shipped database (`source_entity`)
    name: str | None = None  # the database's common name, shown where nothing else names the substance


@functools.cache
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
        return "unknown"


@functools.cache
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


# Identity records complygraph ships for CAS numbers the database does not know, each row with its source
# (data/identity/README.md); consulted only where the database has no record: the substances its lists name
# (cadmium sulphate 31119-53-6, sodium PFNA, the Dechlorane Plus isomers: QA8 B05), then substances common in
# electronics material declarations (barium titanate 12047-27-7, antimony trioxide, PTFE...).
SHIPPED_RECORDS: tuple[str, ...] = ("identity/list-substances.csv", "identity/common-substances.csv")


@functools.cache
def _shipped() -> dict[str, tuple[Identity, str, str]]:
    """CAS number -> its shipped record, the row's own source (a PubChem CID, a DSSTox id) and the file it is in.
    A CAS number in two files is a bug of this package: raises ValueError naming both."""
    out: dict[str, tuple[Identity, str, str]] = {}
    for records in SHIPPED_RECORDS:
        with resources.files("complygraph.data").joinpath(records).open(encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                if row["cas"] in out:
                    raise ValueError(f"{records}, line {line}: {row['cas']} is also in {out[row['cas']][2]}")
                try:
                    ident = from_record(row["cas"], row["formula"], row["smiles"], shipped_source(row["cas"]))
                except ValueError as exc:  # a shipped file that does not read is a bug of this package: say where
                    raise ValueError(f"{records}, line {line}: {exc}") from None
                name = (row.get("name") or "").strip() or None
                out[row["cas"]] = (dataclasses.replace(ident, name=name), row["source"], records)
    return out


def shipped_source(cas: str) -> NamedNode:
    return NamedNode(f"{ID}source/complygraph-identity-records/{cas}")


def _shipped_source_triples(ident: Identity) -> Iterator[Triple]:
    _, source, records = _shipped()[ident.cas]
    yield rdf.t(ident.source, RDF_TYPE, prov.Entity)
    yield rdf.t(ident.source, rdfs.label, rdf.text(f"complygraph {records}, record of {ident.cas}: {source}", "en"))


@functools.lru_cache(maxsize=65536)
def lookup(cas: str) -> Identity | None:
    """The identity of `cas` from the shipped database, else from the records complygraph ships for list
    substances the database does not know, or None if neither knows the number."""
    from chemicals.identifiers import get_pubchem_db
    from molmass import Formula

    # the record indexed under exactly this CAS number (search_chemical would also resolve names, formulas and
    # synonyms, and can answer with a related substance's record)
    meta = get_pubchem_db().search_CAS(cas)
    if not meta or getattr(meta, "CASs", None) != cas or not meta.formula:
        shipped = _shipped().get(cas)
        return shipped[0] if shipped else None
    try:
        composition = Formula(meta.formula).composition()
        mass = Formula(meta.formula).mass
    except Exception:
        return None
    return Identity(cas=cas, formula=meta.formula, molar_mass=Decimal(repr(round(mass, 4))),
                    smiles=meta.smiles or None, inchi_key=meta.InChI_key or None, fractions=_fractions(composition),
                    name=(getattr(meta, "common_name", None) or "").strip() or None)


@functools.lru_cache(maxsize=65536)
def cas_of_name(name: str) -> str | None:
    """The CAS number of the database record whose name or synonym is exactly `name` (case aside), None when no
    record has it. A declaration may name a substance without any number (IPC-1752A `Substance name="Lead"`):
    kept as a name only, lead at 0.5 % was outside "lead and its compounds" (QA, 2026-12-06)."""
    from chemicals.identifiers import get_pubchem_db

    meta = get_pubchem_db().search_name(" ".join(name.split()).lower())
    return getattr(meta, "CASs", None) or None if meta else None


def normalised_name(name: str) -> str:
    """A declared name as list labels are compared with it: Unicode NFKC (full-width letters and digits, the
    compatibility forms of Japanese text), runs of whitespace made one space, trimmed. Case is kept: a list
    label matches exactly or not at all."""
    return " ".join(fold_width(name).split())


@dataclass(frozen=True)
class ListName:
    """What a list entry's label says about a declared name: the one CAS number of the one substance named by it,
    or None with the candidates when several entries or CAS numbers carry it."""
    cas: str | None
    entries: tuple[str, ...]
    candidates: tuple[str, ...]

    @property
    def provenance(self) -> str:
        return f"name of list entry {self.entries[0]}" if self.cas else ""


# An entry's own CAS numbers: the substances it concerns that carry a CAS number, other than those only a membership
# rule put there (a group entry concerns every substance its rules reach: those are not what its name names), but
# with the substance its IRI is keyed by (the list loader keys an entry by its first CAS-identified substance,
# `ListBuilder.entry_key`; a structure rule for a single-compound entry also reaches that substance).
_LIST_NAMES = """
SELECT ?label ?entry ?cas WHERE {
  ?entry a cg:ListEntry ; rdfs:label ?label ; cg:concerns ?s .
  ?s cg:casNumber ?cas .
  FILTER(STRENDS(STR(?entry), CONCAT("cas-", ?cas))
         || NOT EXISTS { ?m cg:member ?s ; cg:group ?g . FILTER(?g = ?entry || EXISTS { ?entry cg:concerns ?g }) })
}"""


def list_names(store: Store | None) -> dict[str, ListName]:
    """Every list entry label of the store (any language), normalised, with what it names: one query, for all the
    names of an import (QA5 B11: ヘキサクロロベンゼン, the 化審法 label of CSCL item 3, was declared by name and never
    matched to hexachlorobenzene, as the identifier database knows English names only)."""
    if store is None:
        return {}
    by_label: dict[str, dict[str, set[str]]] = {}
    for r in store.select(_LIST_NAMES):
        by_label.setdefault(normalised_name(r["label"].value), {}).setdefault(r["entry"].value, set()).add(
            r["cas"].value)
    out = {}
    for label, entries in by_label.items():
        numbers = {c for cas in entries.values() for c in cas}
        one = len(numbers) == 1 and all(len(cas) == 1 for cas in entries.values())
        out[label] = ListName(next(iter(numbers)) if one else None, tuple(sorted(entries)), tuple(sorted(numbers)))
    return out


class NameResolver:
    """The CAS number of a substance declared by name only, for one import: the identifier database's record of
    exactly that name (`cas_of_name`), else the one list entry (any list, any language) whose label is exactly
    that name and that names one CAS number. A name several entries or CAS numbers carry stays unresolved
    (`ambiguous`): the substance keeps its declared name and the data-quality pack reports its identity unknown.
    The store's labels are read once, at the first name."""

    def __init__(self, store: Store | None) -> None:
        self._store = store
        self._names: dict[str, ListName] | None = None

    def _list(self, name: str) -> ListName | None:
        if self._names is None:
            self._names = list_names(self._store)
        return self._names.get(normalised_name(name))

    def resolve(self, name: str) -> tuple[str, str] | None:
        """(CAS number, where it came from: "identifier database" or "name of list entry <IRI>"), or None."""
        if (cas := cas_of_name(name)) is not None:
            return cas, "identifier database"
        found = self._list(name)
        return (found.cas, found.provenance) if found is not None and found.cas else None

    def ambiguous(self, name: str) -> ListName | None:
        """The entries and CAS numbers of a name that several carry (None when it is not such a name)."""
        found = self._list(name) if cas_of_name(name) is None else None
        return found if found is not None and found.cas is None else None


def name_facts(node: NamedNode, name: str, origin: str) -> list[Triple]:
    """What a declaration by name says of the substance it resolved to: the name (`cg:casFromName`) and, where the CAS
    number came from a list entry's label, which entry (`dct:source`)."""
    facts = [rdf.t(node, cg.casFromName, rdf.text(name))]
    if origin != "identifier database":
        facts.append(rdf.t(node, dct.source, rdf.text(f"CAS number from the {origin}")))
    return facts


def _fractions(composition) -> tuple[tuple[str, Decimal], ...]:
    return tuple(sorted((el, Decimal(repr(round(item.fraction, 6)))) for el, item in composition.items()))


_CHARGE = re.compile(r"[+-]\d*$")


def from_record(cas: str, formula: str | None, smiles: str | None, source: NamedNode) -> Identity:
    """A company's own identity record: a formula, a SMILES, or both (which must agree). The formula of a
    SMILES is RDKit's, stored in Hill order; mass fractions are computed by molmass (electrons of a charged
    formula are not an element). Raises ValueError, in one line, naming what is wrong."""
    formula, smiles = (formula or "").strip() or None, (smiles or "").strip() or None
    if not formula and not smiles:
        raise ValueError("an identity record needs a formula or a SMILES")
    inchi_key = None
    if smiles:
        from rdkit import Chem, RDLogger
        from rdkit.Chem.rdMolDescriptors import CalcMolFormula

        RDLogger.DisableLog("rdApp.*")
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            raise ValueError(f"not a valid SMILES: {smiles!r}")
        from_smiles = _CHARGE.sub("", CalcMolFormula(mol))
        if formula and _composition_of(formula) != _composition_of(from_smiles):
            raise ValueError(f"formula {formula} does not match the SMILES, whose formula is {from_smiles}")
        formula = formula or from_smiles
        inchi_key = Chem.MolToInchiKey(mol) or None
    formula = hill_formula(formula)
    f = _read_formula(formula)
    composition, mass = {el: i for el, i in f.composition().items() if el.isalpha()}, f.mass
    return Identity(cas=cas, formula=formula, molar_mass=Decimal(repr(round(mass, 4))), smiles=smiles,
                    inchi_key=inchi_key, fractions=_fractions(composition), source=source)


def _composition_of(formula: str) -> dict[str, int]:
    return {el: item.count for el, item in _read_formula(formula).composition().items()}


def _read_formula(formula: str):
    from molmass import Formula

    try:
        f = Formula(formula.strip())
        f.composition()
        return f
    except Exception as exc:  # molmass's messages draw a caret under the formula on further lines
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"not a molecular formula: {formula!r} ({reason})") from None


def hill_formula(formula: str) -> str:
    """`formula` in Hill order (C, H, then alphabetical; without carbon, all alphabetical), as the identity
    database writes formulas and formula-pattern rules expect them; as given if it holds a charge or an
    isotope. Raises ValueError, in one line, if molmass cannot read it."""
    f = _read_formula(formula)
    return f.formula if all(el.isalpha() for el in f.composition()) else formula.strip()


def same_formula(a: str, b: str) -> bool:
    try:
        return _composition_of(a) == _composition_of(b)
    except ValueError:
        return a == b


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
    source = ident.source or source_entity()
    yield rdf.t(node, prov.wasDerivedFrom, source)
    if ident.name:
        yield rdf.t(node, cg.databaseName, rdf.text(ident.name, "en"))
    for el, fraction in ident.fractions:
        e = element_node(node, el)
        yield rdf.t(node, cg.elementFraction, e)
        yield rdf.t(e, RDF_TYPE, cg.ElementFraction)
        yield rdf.t(e, cg.element, rdf.text(el))
        yield rdf.t(e, cg.massFraction, rdf.decimal(fraction))
        yield rdf.t(e, prov.wasDerivedFrom, source)


def unidentified(cas_numbers: Iterable[str], store: Store | None) -> list[str]:
    """The CAS numbers among `cas_numbers` whose substance the store has no formula for (one query)."""
    wanted = sorted(set(cas_numbers))
    if not wanted or store is None:
        return wanted
    values = " ".join(f"<{CAS_PREFIX}{c}>" for c in wanted)
    rows = store.select(f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s cg:molecularFormula ?f }}")
    done = {r["s"].value[len(CAS_PREFIX):] for r in rows}
    return [c for c in wanted if c not in done]


def identify(cas_numbers: Iterable[str], store: Store | None,
             records: Iterable[Identity] = ()) -> list[Identity]:
    """The identity of each CAS number the store has not identified yet: the company's own record where the
    import gives one, else the database's; numbers neither knows get none."""
    own = {r.cas: r for r in records}
    return [i for c in unidentified(set(cas_numbers) | set(own), store)
            if (i := own.get(c) or lookup(c)) is not None]


def database_names(cas_numbers: Iterable[str], store: Store | None) -> Iterator[Triple]:
    """The database's name of each of `cas_numbers` the store identified from the database before identities
    carried a name (one query): a re-import names them too."""
    wanted = sorted(set(cas_numbers))
    if not wanted or store is None:
        return
    values = " ".join(f"<{CAS_PREFIX}{c}>" for c in wanted)
    rows = store.select(f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s cg:molecularFormula ?f ; "
                        f"prov:wasDerivedFrom ?src FILTER(STRSTARTS(STR(?src), \"{ID}source/chemicals-\")) "
                        f"FILTER NOT EXISTS {{ ?s cg:databaseName ?n }} }}")
    for r in rows:
        ident = lookup(r["s"].value[len(CAS_PREFIX):])
        if ident is not None and ident.name:
            yield rdf.t(r["s"], cg.databaseName, rdf.text(ident.name, "en"))


def identity_triples(cas_numbers: Iterable[str], store: Store | None) -> Iterator[Triple]:
    """Identity triples for each CAS number not yet identified in `store`; unknown numbers get none."""
    yield from identity_triples_of(identify(cas_numbers, store))


def identity_triples_of(found: list[Identity]) -> Iterator[Triple]:
    if any(i.source is None for i in found):
        yield from source_entity_triples()
    for ident in found:
        if ident.source is not None and ident.source == shipped_source(ident.cas):
            yield from _shipped_source_triples(ident)
        yield from _triples(ident)
