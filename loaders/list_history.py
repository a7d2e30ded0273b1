"""What a new load of a list keeps from the earlier ones (`list_history`: removed entries, changed facts, past
versions), and what it must not take for a change: a fact the new export's format does not state at all (ECHA's
CSV has no date of last update; its xlsx leaves some descriptions "-" that the CSV gives), or a later date of
inclusion that ECHA's CSV gives an entry it updated (`keep_unstated`). Before, reloading the Candidate List's CSV
over the shipped load reported all 251 entries "changed" and made a version of an unchanged list (QA10 B02).

A change or removal is dated by the new export: the date of its newest entry when that is new, else the date the
export states it was made (`list_exports.export_date`), else the day it was retrieved; today only when the file
states no date (QA10 B07: a removal was dated the day of the load, not the export's).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.graph.store import Store, Term
from complygraph.loaders import rdf
from complygraph.loaders.listmodel import History, ListBuilder
from complygraph.loaders.name_membership import DECLARED
from complygraph.vocab import RDF_TYPE, XSD, cg, dct, entry_iri, list_iri, prov, rdfs

# What earlier loads of one list stated that a new load may have to keep: every fact of its entries, the
# identifiers and groups they concern, their source files, the limits of its restrictions, its change records
# and its versions. One query for the whole list.
_PAST = """
    SELECT DISTINCT ?s ?p ?o WHERE {
      { ?s cg:inList ?list ; ?p ?o }
      UNION { ?e cg:inList ?list ; cg:concerns ?s . VALUES ?p { rdf:type cg:casNumber cg:ecNumber } ?s ?p ?o }
      UNION { ?e cg:inList ?list ; cg:concerns ?s . ?s a cg:SubstanceGroup ; ?p ?o }
      UNION { ?e cg:inList ?list ; prov:wasDerivedFrom ?s . ?s ?p ?o }
      UNION { ?s dct:isPartOf ?list .
              VALUES ?p { dct:isPartOf cg:concerns cg:entryNumber cg:limitValue cg:limitUnit cg:scope
                          cg:effectiveFrom cg:effectiveUntil }
              ?s ?p ?o }
      UNION { ?e cg:inList ?list . ?s cg:changedEntry ?e ; ?p ?o }
      UNION { ?s cg:versionOf ?list ; ?p ?o }
    }"""

# The facts of an entry that are not what the export states about it: its type, where the load came from,
# which list holds it, when it left.
_BOOKKEEPING = {RDF_TYPE, prov.wasGeneratedBy, prov.wasDerivedFrom, cg.inList, cg.dateOfRemoval}
FIELDS = {cg.dateOfInclusion: "dateOfInclusion", dct.modified: "modified", cg.reason: "reasons",
          cg.entryNumber: "entryNumber", dct.description: "description", rdfs.seeAlso: "seeAlso",
          dct.source: "legalActs", cg.concerns: "substances", cg.verification: "verification"}

Facts = dict[str, set[Term]]


def stored_triples(store: Store, list_id: str) -> set[Triple]:
    """What earlier loads of the list stated that a new load may have to keep (`_PAST`), one query."""
    return {Triple(r["s"], r["p"], r["o"]) for r in store.select(_PAST, {"list": list_iri(list_id)})}


def keep_unstated(builder: ListBuilder, stored: Collection[Triple]) -> list[str]:
    """Give the builder's entries what the store holds and the new export does not state, before the two are
    compared (module docstring): the informative facts the new export leaves empty, and, for a list whose catalog
    says so (`options.keep_earliest_inclusion`), the earlier date of inclusion where the export gives a later
    one. Notes saying what was kept, for the load's output."""
    lst = list_iri(builder.spec.id)
    by_subject: dict[str, dict[NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for t in stored:
        by_subject[t.subject.value][t.predicate].append(t.object)
    earliest = bool(builder.spec.options.get("keep_earliest_inclusion"))
    kept: dict[str, int] = defaultdict(int)
    later: list[str] = []
    for e in builder.entries.values():
        old = by_subject.get(entry_iri(builder.spec.id, builder.entry_key(e)).value)
        if not old or lst not in old[cg.inList] or old[cg.dateOfRemoval]:
            continue
        if e.modified is None and old[dct.modified]:
            e.modified = iso_date(old[dct.modified][0].value)
            kept["date of last update"] += 1
        if e.description is None and old[dct.description]:
            e.description = old[dct.description][0].value
            kept["description"] += 1
        if not e.see_also and old[rdfs.seeAlso]:
            e.see_also = sorted(o.value for o in old[rdfs.seeAlso])
            kept["see also"] += 1
        included = min((iso_date(o.value) for o in old[cg.dateOfInclusion]), default=None)
        if earliest and included and e.included and included < e.included:
            later.append(f"{e.name} ({e.included} in the export, {included} kept)")
            e.dates.append(included)
    notes = []
    if kept:
        notes.append("kept what the store holds where the export states nothing: "
                     + ", ".join(f"{what} of {n} entries" for what, n in kept.items()))
    if later:
        notes.append(f"kept the earlier date of inclusion of {len(later)} entries that the export dates later "
                     f"(ECHA's CSV dates an updated entry by its update): " + "; ".join(later))
    return notes


def list_history(store: Store, builder: ListBuilder, body: list[Triple],
                 stored: set[Triple] | None = None) -> History:
    """What the new load of a list must write again so that the list keeps its past: the entries the store
    holds and the export lacks (with their date of removal, the first time they are missed), a change record
    for each field of an entry that the export states differently, the change records and version dates of
    earlier loads. An entry is the same entry when the builder mints the same IRI for it (`entry_key`)."""
    lst = list_iri(builder.spec.id)
    stored = stored_triples(store, builder.spec.id) if stored is None else stored
    if not stored:
        return History()
    by_subject: dict[str, list[Triple]] = defaultdict(list)
    for t in stored:
        by_subject[t.subject.value].append(t)
    old, new = entry_facts(stored, lst), entry_facts(body, lst)
    removed = {t.subject.value: iso_date(t.object.value) for t in stored if t.predicate == cg.dateOfRemoval}
    versions = {t.subject.value for t in stored if t.predicate == cg.versionOf}
    history = History(dates={iso_date(t.object.value) for t in stored
                             if t.predicate == cg.validFrom and t.subject.value in versions})
    groups = {t.subject.value for t in stored if t.predicate == RDF_TYPE and t.object == cg.SubstanceGroup}
    records = {t.subject.value for t in stored if t.predicate == cg.changedEntry}
    changed = {e: d for e in new if e in old and e not in removed and (d := _differences(old[e], new[e]))}
    gone = [e for e in old if e not in new]
    sources = {t.object.value for t in stored if t.predicate == prov.wasDerivedFrom}
    stated = {iso_date(t.object.value) for t in stored
              if t.subject.value in sources and t.predicate in (dct.created, dct.issued)}
    release, basis = _release(builder, history.dates, stated)
    newly_gone = sum(1 for e in gone if e not in removed)
    if changed or newly_gone:
        history.dates.add(release)  # a version of its own, even when the export adds no entry
        history.note = (f"{newly_gone} entries removed and {len(changed)} changed, dated {release} ({basis})")
    written = {t.subject.value for t in body}
    for e in gone:
        history.triples += by_subject[e]
        if e not in removed:
            history.triples.append(rdf.t(NamedNode(e), cg.dateOfRemoval, rdf.date(release)))
        # the entry's groups and source files, unless the new load writes them again
        linked = {t.object.value for t in by_subject[e]
                  if t.predicate == prov.wasDerivedFrom or (t.predicate == cg.concerns and t.object.value in groups)}
        history.triples += [t for n in linked - written for t in by_subject[n]]
        included = next((iso_date(t.object.value) for t in by_subject[e] if t.predicate == cg.dateOfInclusion), None)
        history.gone.append((included, removed.get(e, release)))
    # the release is after every stored version, so a new change record never meets an earlier one
    for e, differences in changed.items():
        for name, (before, after) in differences.items():
            history.triples += change_triples(NamedNode(e), name, release, sorted(before, key=str),
                                              sorted(after, key=str), builder.import_iri)
    history.triples += [t for r in records for t in by_subject[r]]
    history.triples += _kept_members(by_subject, groups, [e for e in new if e in old and e not in removed], body)
    return history


def change_triples(entry: NamedNode, name: str, on: dt.date, before: Iterable[Term], after: Iterable[Term],
                   activity: NamedNode) -> Iterator[Triple]:
    """One field of an entry that a load found changed: the values the previous load stated and the new
    ones, as the terms were stated (a substance IRI, a dated or language-tagged literal), so that a query
    can show them and join them (a CAS number) without parsing text. One node per entry, date and field."""
    node = NamedNode(f"{entry.value}/change/{on.isoformat()}/{name}")
    yield rdf.t(node, RDF_TYPE, cg.EntryChange)
    yield rdf.t(node, prov.wasGeneratedBy, activity)
    yield rdf.t(node, cg.changedEntry, entry)
    yield rdf.t(node, cg.changedField, rdf.text(name))
    yield rdf.t(node, cg.changedOn, rdf.date(on))
    for value in before:
        yield rdf.t(node, cg.valueBefore, value)
    for value in after:
        yield rdf.t(node, cg.valueAfter, value)


def _kept_members(by_subject: dict[str, list[Triple]], groups: set[str], entries: list[str],
                  body: list[Triple]) -> list[Triple]:
    """A substance an earlier export named under a group entry stays a member when a later export no longer
    names it (written again with `cg:keptMember`, which `entry_facts` leaves out, so the change is recorded once):
    ECHA's members illustrate the entry's wording, which still reaches the substance, and a date before the new
    export must see its members: dropped, one member's SVHC share was lost at every date, the past included (QA,
    2026-12-06). Entries that name no group are left as the export says (a corrected CAS number)."""
    now: dict[str, set[str]] = defaultdict(set)
    for t in body:
        if t.predicate == cg.concerns:
            now[t.subject.value].add(t.object.value)
    out: list[Triple] = []
    for e in entries:
        named = {t.object for t in by_subject[e] if t.predicate in (cg.concerns, cg.keptMember)}
        entry_groups = {n for n in named if n.value in groups} | {NamedNode(g) for g in now[e] if g in groups}
        if not entry_groups:
            continue
        # a substance declared by the entry's name is made a member again by each load (name_membership.py), or not
        # when the label changed: never kept (a review of 2026-12-07)
        for s in sorted((n for n in named if n.value not in groups and n.value not in now[e]
                         and not n.value.startswith(DECLARED)), key=str):
            out += [rdf.t(NamedNode(e), cg.concerns, s), rdf.t(NamedNode(e), cg.keptMember, s)]
            out += [rdf.t(g, cg.hasMember, s) for g in sorted(entry_groups, key=str)]
            out += [t for t in by_subject[s.value] if t.predicate in (RDF_TYPE, cg.casNumber, cg.ecNumber)]
    return out


def entry_facts(triples: Collection[Triple], lst: NamedNode) -> dict[str, Facts]:
    """Each entry's stated facts by field (the substances it concerns by IRI, its names by language, the
    limits of the list's restrictions that concern it, by entry number, the entry itself or a substance or
    group it concerns), read alike from a new load's triples and from what the store holds."""
    by_subject: dict[str, list[Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject.value].append(t)
    groups = {t.subject.value for ts in by_subject.values() for t in ts
              if t.predicate == RDF_TYPE and t.object == cg.SubstanceGroup}
    facts: dict[str, Facts] = {}
    for s, ts in by_subject.items():
        if any(t.predicate == cg.inList and t.object == lst for t in ts):
            f = facts[s] = defaultdict(set)
            kept = {t.object.value for t in ts if t.predicate == cg.keptMember}  # `_kept_members`
            for t in ts:
                if t.predicate in _BOOKKEEPING or t.predicate == cg.keptMember or (
                        t.predicate == cg.concerns and (t.object.value in groups or t.object.value in kept)):
                    continue
                name = FIELDS.get(t.predicate) or t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                if t.predicate == rdfs.label:
                    name = "name" if t.object.language in (None, "en") else f"name@{t.object.language}"
                f[name].add(_canonical(t.object))
    by_number, by_target = defaultdict(set), defaultdict(set)
    for e in facts:
        for t in by_subject[e]:
            if t.predicate == cg.entryNumber:
                by_number[t.object.value].add(e)
            elif t.predicate == cg.concerns:
                by_target[t.object.value].add(e)
    restrictions = {t.subject.value for t in triples if t.predicate == dct.isPartOf and t.object == lst}
    for r in restrictions:
        values: dict[NamedNode, list[Term]] = defaultdict(list)
        for t in by_subject[r]:
            values[t.predicate].append(t.object)
        if not values[cg.limitValue]:
            continue
        targets = {o.value for o in values[cg.concerns]}
        reached = {e for e in targets if e in facts}
        for number in values[cg.entryNumber]:
            reached |= by_number[number.value]
        if not values[cg.entryNumber]:
            reached |= {e for target in targets for e in by_target[target]}
        for e in reached:
            facts[e]["limits"].add(Literal(_limit_text(values)))
    return facts


def _limit_text(values: dict[NamedNode, list[Term]]) -> str:
    """A restriction's limit as one readable value: "1000 PPM (scope) from 2025-10-15 until 2028-04-14"."""
    def first(p: NamedNode) -> str:
        return values[p][0].value if values[p] else ""

    text = f"{_canonical(values[cg.limitValue][0]).value} {first(cg.limitUnit).rsplit('/', 1)[-1]}".strip()
    text += f" ({first(cg.scope)})" if first(cg.scope) else ""
    text += f" from {first(cg.effectiveFrom)}" if first(cg.effectiveFrom) not in ("", "1900-01-01") else ""
    return text + (f" until {first(cg.effectiveUntil)}" if first(cg.effectiveUntil) else "")


def _canonical(term: Term) -> Term:
    """A number as one lexical form ("10.0" and "10" are the same xsd:decimal; a store keeps either), so that
    the new load's facts and the stored ones compare by value."""
    if isinstance(term, Literal) and term.datatype.value in (XSD + "decimal", XSD + "integer"):
        text = format(Decimal(term.value), "f")
        return Literal(text.rstrip("0").rstrip(".") if "." in text else text, datatype=term.datatype)
    return term


def _differences(old: Facts, new: Facts) -> dict[str, tuple[set[Term], set[Term]]]:
    return {name: (old.get(name, set()), new.get(name, set())) for name in sorted(set(old) | set(new))
            if old.get(name, set()) != new.get(name, set())}


def _release(builder: ListBuilder, stored: set[dt.date], stated: set[dt.date] = frozenset()) -> tuple[dt.date, str]:
    """The date from which the new export's state holds, for the removals and changes it brings, and what it is:
    its newest version when that is newer than what the store knows (ECHA updates the Candidate List on the date it
    adds entries); otherwise the date the export states it was made, else the day it was retrieved, else today.
    Never on or before the last day the stored state is known to hold: the newest stored version (no version
    already stored changes) and the dates the stored exports were made or retrieved (`stated`), on which they still
    listed what the new export lacks (a review of 2026-12-07: an xlsx created in 2021 dated a removal before the
    stored export of 01-apr-2026, and the entry passed from then on)."""
    newest, latest = max(builder.version_dates(), default=None), max(stored, default=dt.date.min)
    known = max(stated | {latest})
    if newest and newest > known:
        return newest, "the date of the export's newest entry"
    # the files the user gave date the load, not a shipped file that filled them in (group_members.py)
    sources = [s for s in builder.sources if s.url is None] or builder.sources
    exported = [s.exported for s in sources if s.exported]
    retrieved = [iso_date(s.retrieved) for s in sources if s.retrieved]
    seen, basis = ((max(exported), "the export's date") if exported else
                   (max(retrieved), "the day the export was retrieved") if retrieved else
                   (dt.date.today(), "today: the export states no date"))
    if seen > known:
        return seen, basis
    if known == latest:
        return latest + dt.timedelta(days=1), f"the day after the newest stored version {latest}"
    return known + dt.timedelta(days=1), f"the day after the stored export of {known}"
