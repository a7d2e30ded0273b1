"""The shape every regulatory list takes in the graph, whatever format it was read from.

A list has dated versions; an entry has a date of inclusion, a reason, and the substances (and group) it
concerns. Versions are derived from the entries' dates, so any past state of a list can be rebuilt, and
every node a list load writes points to the load's activity, so loading next month's export of the same
list replaces the previous load in one transaction. What the earlier loads said and the new export no
longer does (entries removed, the facts of entries that changed) comes back in that load as `History`, so
the past versions can still be rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.identifiers import (
    InvalidIdentifier,
    is_empty,
    name_key,
    normalise_cas,
    normalise_ec,
    slug,
    split_identifiers,
)
from complygraph.loaders import rdf
from complygraph.loaders.errors import Problems
from complygraph.loaders.list_exports import export_date
from complygraph.loaders.provenance import activity_triples, file_sha256, source_iri, source_triples
from complygraph.loaders.tabular import Row
from complygraph.vocab import (
    ID,
    RDF_TYPE,
    cg,
    dct,
    entry_iri,
    list_iri,
    prov,
    rdfs,
    regulation_iri,
    skos,
    substance_iri,
    version_iri,
)
from complygraph.vocab import unit as qudt


@dataclass
class SubstanceRef:
    iri: NamedNode
    cas: str | None = None
    ec: str | None = None
    name: str | None = None
    name_ja: str | None = None

    @property
    def key(self) -> str:
        """Short, stable key for entries about this substance: "cas-50-00-0", "ec-200-001-8", or the name key."""
        if self.cas:
            return f"cas-{self.cas}"
        if self.ec:
            return f"ec-{self.ec}"
        return self.iri.value.rsplit("/", 1)[1]

    def triples(self) -> Iterator[Triple]:
        yield rdf.t(self.iri, RDF_TYPE, cg.Substance)
        if self.cas:
            yield rdf.t(self.iri, cg.casNumber, rdf.text(self.cas))
        if self.ec:
            yield rdf.t(self.iri, cg.ecNumber, rdf.text(self.ec))
        if self.name:
            yield rdf.t(self.iri, rdfs.label, rdf.text(self.name, "en"))
        if self.name_ja:
            yield rdf.t(self.iri, rdfs.label, rdf.text(self.name_ja, "ja"))


@dataclass
class Entry:
    key: str
    name: str
    subjects: list[SubstanceRef]
    dates: list[dt.date] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    members: list[SubstanceRef] = field(default_factory=list)
    group_name: str | None = None
    name_ja: str | None = None
    entry_number: str | None = None
    description: str | None = None
    modified: dt.date | None = None
    see_also: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    # how the entry's date was checked against the legal text: "verified: ..." or "unverified: ..."
    verification: str | None = None
    legal_acts: list[str] = field(default_factory=list)

    @property
    def included(self) -> dt.date | None:
        return min(self.dates) if self.dates else None

    @property
    def stated_subjects(self) -> list[SubstanceRef]:
        """The substances the entry names by CAS or EC number, or, when it names none, the one its name stands
        for: ECHA's xlsx gives a group entry no number and its CSV the group's list number, so loaded together
        the entry named both, and a reload of either export alone "changed" its substances (QA10 B02)."""
        return [s for s in self.subjects if s.cas or s.ec] or self.subjects


@dataclass
class SourceFile:
    """A file a list is read from; shipped files also have the URL they were downloaded from and when."""

    path: Path
    url: str | None
    retrieved: str | None

    @cached_property
    def sha256(self) -> str:
        return file_sha256(self.path)

    @property
    def iri(self) -> NamedNode:
        return source_iri(self.sha256)

    @cached_property
    def exported(self) -> dt.date | None:
        """The date the file says it was exported, when it says so."""
        return export_date(self.path)


def substances_in(fields: dict[str, str], *, list_id: str, file: str, line: int, problems: Problems,
                  name_key: str = "name", cas_key: str = "cas", ec_key: str = "ec",
                  name_ja: str | None = None) -> list[SubstanceRef]:
    """The substances a row names: one per CAS number, else per EC number, else one named by the row."""
    names = [n.strip() for n in (fields.get(name_key) or "").split("\n") if n.strip()]
    name = names[0] if names else None
    cas_list, ec_list = [], []
    for raw in split_identifiers(fields.get(cas_key)):
        try:
            cas_list.append(normalise_cas(raw))
        except InvalidIdentifier as exc:
            problems.add(file, line, cas_key, str(exc))
    for raw in split_identifiers(fields.get(ec_key)):
        try:
            ec_list.append(normalise_ec(raw))
        except InvalidIdentifier as exc:
            problems.add(file, line, ec_key, str(exc))
    if cas_list:
        return [SubstanceRef(substance_iri(cas=c), cas=c,
                             ec=ec_list[i] if i < len(ec_list) and len(ec_list) in (1, len(cas_list)) else None,
                             name=names[i] if i < len(names) else name, name_ja=name_ja)
                for i, c in enumerate(cas_list)]
    if ec_list:
        return [SubstanceRef(substance_iri(ec=e), ec=e, name=names[i] if i < len(names) else name,
                             name_ja=name_ja) for i, e in enumerate(ec_list)]
    if name:
        return [SubstanceRef(substance_iri(list_id=list_id, name=name), name=name, name_ja=name_ja)]
    problems.add(file, line, name_key, "a row needs a substance name, a CAS number or an EC number")
    return []


@dataclass
class History:
    """What earlier loads of a list said that the new export no longer says, written again with the new load
    (which replaces everything the previous one wrote): the entries gone from the export, kept with their date
    of removal so that the versions they were part of still hold them; the changes of entries that stayed;
    and the dates of the versions the store held, which a newer export must not erase."""

    triples: list[Triple] = field(default_factory=list)
    gone: list[tuple[dt.date | None, dt.date]] = field(default_factory=list)  # (included, removed) per kept entry
    dates: set[dt.date] = field(default_factory=set)
    note: str | None = None  # what the load removed and changed, and from which date


@dataclass
class ListSpec:
    """A list's identity and metadata, as the catalog (data/lists.toml) states it."""

    id: str
    title: str
    title_ja: str
    regulation: str
    format: str
    files: list[str]
    companions: list[str] = field(default_factory=list)
    source_url: str | None = None
    retrieved: str | None = None
    version_date: str | None = None
    restriction: dict | None = None
    options: dict = field(default_factory=dict)


class ListBuilder:
    def __init__(self, spec: ListSpec, sources: list[SourceFile], companions: list[SourceFile]) -> None:
        self.spec = spec
        self.sources = sources
        self.companions = {c.path.name: c for c in companions}
        self.entries: dict[str, Entry] = {}
        self._by_name: dict[str, Entry] = {}
        self.extra: list[Triple] = []
        # the groups the list's rules name (`cg:ruleFor`): an entry keyed to one is a group even when its export
        # has no member rows (ECHA's xlsx, one row per entry); else its rules reach nothing from the xlsx alone
        self.rule_groups: set[str] = set()
        # items that are not entries (exemptions of an exemption list) still count in its versions
        self.item_count = 0

    @property
    def import_iri(self) -> NamedNode:
        return NamedNode(f"{ID}import/list/{self.spec.id}")

    def entry(self, key: str, name: str, subjects: list[SubstanceRef], merge_by_name: bool = False) -> Entry:
        """The entry with this key or name, created on first sight; repeated rows of one entry, and the same
        entry read from a second export format, merge into it (ECHA's xlsx and CSV exports do not always
        give the same identifiers for one entry, but they give the same name)."""
        e = self.entries.get(key) or (self._by_name.get(name_key(name)) if merge_by_name else None)
        if e is None:
            e = self.entries[key] = Entry(key=key, name=name, subjects=list(subjects))
            self._by_name[name_key(name)] = e
        else:
            known = {s.iri.value for s in e.subjects}
            e.subjects += [s for s in subjects if s.iri.value not in known]
        return e

    @staticmethod
    def entry_key(e: Entry) -> str:
        """An entry's IRI key: from its first CAS-identified substance, else EC, else as first read, so that
        the IRI does not depend on which export was read first."""
        for attr in ("cas", "ec"):
            for s in e.subjects:
                if getattr(s, attr):
                    return (e.entry_number + "-" if e.entry_number and e.key.startswith(e.entry_number + "-")
                            else "") + s.key
        return e.key

    def group_key(self, e: Entry) -> str:
        """The entry's key, but by name, not by an EC (list) number, where it has no CAS number: ECHA's CSV gives
        a group a list number that its xlsx leaves out, and the group rules name must be one for both."""
        key = self.entry_key(e)
        if any(s.cas for s in e.subjects) or not any(s.ec for s in e.subjects):
            return key
        return substance_iri(list_id=self.spec.id, name=e.name).value.rsplit("/", 1)[1]

    def replace_update(self) -> str:
        imp, gen = f"<{self.import_iri.value}>", f"<{prov.wasGeneratedBy.value}>"
        # first the blank nodes its subjects point to (conditions of use, derogations): QA6 B08, +33 per reload
        return (f"DELETE {{ ?b ?q ?x }} WHERE {{ ?s {gen} {imp} . ?s ?p ?b . FILTER(isBlank(?b)) ?b ?q ?x }} ;\n"
                f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s {gen} {imp} . ?s ?p ?o }} ;\n"
                f"DELETE WHERE {{ {imp} ?p ?o }}")

    def replaced_subjects(self) -> str:
        """The subjects `replace_update` may delete facts of (the read model reads them again)."""
        imp = f"<{self.import_iri.value}>"
        return (f"SELECT ?s WHERE {{ {{ ?s <{prov.wasGeneratedBy.value}> {imp} }} UNION {{ BIND({imp} AS ?s) }} }}")

    def version_dates(self) -> list[dt.date]:
        dates = {e.included for e in self.entries.values() if e.included}
        if self.spec.version_date:
            dates.add(dt.date.fromisoformat(self.spec.version_date))
        return sorted(dates)

    def triples(self, history: History | None = None) -> Iterator[Triple]:
        """Everything one load writes: the list, its entries and rules (`body`), its dated versions, and what
        `history` keeps from the earlier loads."""
        history = history or History()
        yield from self.body()
        yield from self.version_triples(history)
        yield from history.triples

    def version_triples(self, history: History) -> Iterator[Triple]:
        """One version per date an entry was included or removed (and the dates earlier loads had), counting
        the entries in force on it: the current ones and those `history` keeps until their removal."""
        spec, gen, imp = self.spec, prov.wasGeneratedBy, self.import_iri
        included = [e.included for e in self.entries.values()]
        dates = set(self.version_dates()) | history.dates | {d for pair in history.gone for d in pair if d}
        for d in sorted(dates):
            v = version_iri(spec.id, d.isoformat())
            yield rdf.t(v, RDF_TYPE, cg.ListVersion)
            yield rdf.t(v, gen, imp)
            yield rdf.t(v, cg.versionOf, list_iri(spec.id))
            yield rdf.t(v, cg.validFrom, rdf.date(d))
            count = (sum(1 for i in included if (i or d) <= d) + self.item_count
                     + sum(1 for i, removed in history.gone if (i or d) <= d < removed))
            yield rdf.t(v, cg.entryCount, rdf.integer(count))

    def body(self) -> Iterator[Triple]:
        """The list, its provenance, restriction, entries and rules: what a load states, without versions."""
        spec, gen, imp = self.spec, prov.wasGeneratedBy, self.import_iri
        lst = list_iri(spec.id)
        reg = regulation_iri(spec.regulation)
        yield from activity_triples(imp, label=f"load of list {spec.id}")
        for src in self.sources + list(self.companions.values()):
            yield from source_triples(imp, src.path.name, src.sha256, url=src.url, generated=True,
                                      retrieved=iso_date(src.retrieved) if src.retrieved else None,
                                      issued=src.exported)
        yield rdf.t(lst, RDF_TYPE, cg.RegulatoryList)
        yield rdf.t(lst, gen, imp)
        yield rdf.t(lst, dct.identifier, rdf.text(spec.id))
        yield rdf.t(lst, rdfs.label, rdf.text(spec.title, "en"))
        yield rdf.t(lst, rdfs.label, rdf.text(spec.title_ja, "ja"))
        yield rdf.t(lst, cg.underRegulation, reg)
        for src in self.sources + list(self.companions.values()):
            yield rdf.t(lst, prov.wasDerivedFrom, src.iri)
        yield from self._restriction(lst)

        for e in sorted(self.entries.values(), key=lambda e: (e.included or dt.date.min, e.key)):
            yield from self._entry(e, lst)
        yield from self.extra

    def _restriction(self, lst: NamedNode) -> Iterator[Triple]:
        r = self.spec.restriction
        if not r:
            return
        node = NamedNode(f"{ID}restriction/{self.spec.id}")
        yield rdf.t(node, RDF_TYPE, cg.Restriction)
        yield rdf.t(node, prov.wasGeneratedBy, self.import_iri)
        yield rdf.t(node, cg.appliesToList, lst)
        yield from restriction_terms(node, r)

    def _entry(self, e: Entry, lst: NamedNode) -> Iterator[Triple]:
        node = entry_iri(self.spec.id, self.entry_key(e))
        gen, imp = prov.wasGeneratedBy, self.import_iri
        yield rdf.t(node, RDF_TYPE, cg.ListEntry)
        yield rdf.t(node, gen, imp)
        yield rdf.t(node, cg.inList, lst)
        yield rdf.t(node, rdfs.label, rdf.text(e.name, "en"))
        if e.name_ja:
            yield rdf.t(node, rdfs.label, rdf.text(e.name_ja, "ja"))
        if e.included:
            yield rdf.t(node, cg.dateOfInclusion, rdf.date(e.included))
        if e.modified:
            yield rdf.t(node, dct.modified, rdf.date(e.modified))
        if e.verification:
            yield rdf.t(node, cg.verification, rdf.text(e.verification))
        for act in dict.fromkeys(e.legal_acts):
            yield rdf.t(node, dct.source, rdf.text(act))
        for reason in dict.fromkeys(e.reasons):
            yield rdf.t(node, cg.reason, rdf.text(reason))
        if e.entry_number:
            yield rdf.t(node, cg.entryNumber, rdf.text(e.entry_number))
        if e.description:
            yield rdf.t(node, dct.description, rdf.text(e.description, "en"))
        for url in dict.fromkeys(e.see_also):
            yield rdf.t(node, rdfs.seeAlso, NamedNode(url))
        for src in e.sources:
            yield rdf.t(node, prov.wasDerivedFrom, NamedNode(src))
        seen: set[str] = set()
        for s in e.stated_subjects + e.members:
            yield from s.triples()
            if s.iri.value not in seen:
                seen.add(s.iri.value)
                yield rdf.t(node, cg.concerns, s.iri)
        group = NamedNode(f"{ID}group/{self.spec.id}/{slug(e.group_name or self.group_key(e))}")
        if e.members or e.group_name or group.value in self.rule_groups:
            yield rdf.t(group, RDF_TYPE, cg.SubstanceGroup)
            yield rdf.t(group, gen, imp)
            yield rdf.t(group, skos.prefLabel, rdf.text(e.group_name or e.name, "en"))
            yield rdf.t(node, cg.concerns, group)
            for s in e.stated_subjects + e.members:
                yield rdf.t(group, cg.hasMember, s.iri)


_UNITS = {"percent": qudt.PERCENT, "wt%": qudt.PERCENT, "ppm": qudt.PPM}


def restriction_terms(node: NamedNode, r: dict) -> Iterator[Triple]:
    """Limit, unit, basis, dates and scope of a restriction as the catalog or a list file states them."""
    if r.get("limit") not in (None, ""):
        yield rdf.t(node, cg.limitValue, rdf.decimal(r["limit"]))
        yield rdf.t(node, cg.limitUnit, _UNITS[str(r.get("unit", "percent")).lower()])
    if r.get("basis"):
        yield rdf.t(node, cg.basis, cg[r["basis"]])
    if r.get("intentional"):
        yield rdf.t(node, cg.prohibitsIntentionalAddition, rdf.boolean(True))
    for key, prop in (("effective_from", cg.effectiveFrom), ("effective_until", cg.effectiveUntil)):
        if r.get(key):
            yield rdf.t(node, prop, rdf.date(dt.date.fromisoformat(str(r[key]))))
    if r.get("scope"):
        yield rdf.t(node, cg.scope, rdf.text(r["scope"]))
    if r.get("legal_basis"):
        yield rdf.t(node, dct.source, rdf.text(r["legal_basis"]))


def verification_stated(row: Row, problems: Problems) -> bool:
    """Whether a row of shipped regulatory data says how it was checked against the legal text ("verified:
    <what was read>" or "unverified: <what is missing>"); a row that does not is refused, naming it."""
    if row.get("verification").startswith(("verified", "unverified")):
        return True
    problems.add(row.file, row.line, "verification", "must start with 'verified:' or 'unverified:'")
    return False


def clean(value: str | None) -> str | None:
    return None if value is None or is_empty(value) else value.strip()
