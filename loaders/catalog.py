"""The shipped regulatory lists: which files make each list, and loading them into a store atomically,
keeping what earlier loads of the list said (`list_history`: removed entries, changed facts, past versions)."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from decimal import Decimal
from importlib import resources
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.graph.shacl.packs import load_pack_data
from complygraph.graph.store import Store, Term
from complygraph.graph.turtle import load_ontology
from complygraph.loaders import cscl, echa, rdf, rohs, rohs_exemptions
from complygraph.loaders.errors import InputError, Problem, Problems
from complygraph.loaders.group_members import add_shipped_members
from complygraph.loaders.group_wording import groups_without_rules
from complygraph.loaders.listmodel import History, ListBuilder, ListSpec, SourceFile, change_triples
from complygraph.loaders.membership import enrichment, rules_file, rules_in, unreached_rules
from complygraph.vocab import RDF_TYPE, XSD, cg, dct, list_iri, prov, rdfs, regulation_iri

Loader = Callable[[ListBuilder, Path, Problems], None]

FORMATS: dict[str, Loader] = {
    "echa-candidate-list": echa.load_candidate_list,
    "echa-restriction-list": echa.load_restriction_list,
    "echa-pops-list": echa.load_pops_list,
    "echa-svhc-identification": echa.load_svhc_identification,
    "rohs-annex-ii": rohs.load_annex_ii,
    "rohs-exemptions": rohs_exemptions.load_exemptions,
    "cscl-class1": cscl.load_class1,
}


def data_dir() -> Path:
    return Path(str(resources.files("complygraph.data")))


def catalog() -> tuple[dict[str, dict], dict[str, ListSpec]]:
    raw = tomllib.loads((data_dir() / "lists.toml").read_text(encoding="utf-8"))
    specs = {}
    for list_id, d in raw["lists"].items():
        specs[list_id] = ListSpec(id=list_id, title=d["title"], title_ja=d["title_ja"],
                                  regulation=d["regulation"], format=d["format"], files=d["files"],
                                  companions=d.get("companions", []),
                                  source_url=d.get("source_url"), retrieved=d.get("retrieved"),
                                  version_date=d.get("version_date"), restriction=d.get("restriction"),
                                  options=d.get("options", {}))
    return raw["regulations"], specs


def build_list(spec: ListSpec, files: Iterable[Path] | None = None, notes: list[str] | None = None) -> ListBuilder:
    """Read a list's files into a builder; raise InputError naming every bad row, before any write. What the
    load did beyond reading the files (group members from a shipped export) is added to `notes`."""
    if spec.format not in FORMATS:
        raise InputError([Problem("lists.toml", None, spec.id, f"unknown list format {spec.format!r}")])
    given = [Path(f) for f in files] if files else []
    shipped = [data_dir() / f for f in spec.files]
    paths = given or shipped
    # Companion files come from the package unless the user gives a file of the same name.
    companions = [next((g for g in given if g.name == Path(c).name), data_dir() / c) for c in spec.companions]
    missing = [p for p in paths + companions if not p.is_file()]
    if missing:
        raise InputError([Problem(str(p), None, None, _not_a_file(p, spec)) for p in missing])

    def source(p: Path) -> SourceFile:
        ours = p.resolve().is_relative_to(data_dir().resolve())
        return SourceFile(p, spec.source_url if ours else None, spec.retrieved if ours else None)

    sources = [source(p) for p in dict.fromkeys(paths) if p not in companions]
    builder = ListBuilder(spec, sources, [source(c) for c in companions])
    problems = Problems()
    for src in sources:
        FORMATS[spec.format](builder, src.path, problems)
    if given and spec.options.get("members_from"):
        note = add_shipped_members(builder, source(data_dir() / spec.options["members_from"]), given,
                                   FORMATS[spec.format], problems)
        if note and notes is not None:
            notes.append(note)
    # a Turtle companion holds the list's rules as data: group membership rules, element bases
    for c in builder.companions.values():
        if c.path.suffix == ".ttl":
            builder.extra += rules_file(c.path, builder.import_iri, c.iri, problems)
    builder.rule_groups = {t.object.value for t in builder.extra if t.predicate == cg.ruleFor}
    problems.raise_if_any()
    if not builder.entries and not builder.item_count:
        raise InputError([Problem(str(paths[0]), None, None, f"no entries found for list {spec.id}")])
    return builder


def _not_a_file(path: Path, spec: ListSpec) -> str:
    """Why `path` cannot be read as a file of list `spec`: it is a directory (which "file not found" said too),
    something else that is no regular file, or nothing."""
    if path.is_dir():
        files = ", ".join(Path(f).name for f in spec.files)
        return f"is a directory, not a file: give the file(s) the {spec.id} list is read from ({files})"
    if path.exists():
        return "is not a regular file"
    return "file not found"


def regulation_triples(regulations: dict[str, dict]) -> Iterable[Triple]:
    for reg_id, d in regulations.items():
        node = regulation_iri(reg_id)
        yield rdf.t(node, RDF_TYPE, cg.Regulation)
        yield rdf.t(node, dct.identifier, rdf.text(reg_id))
        yield rdf.t(node, rdfs.label, rdf.text(d["title"], "en"))
        yield rdf.t(node, rdfs.label, rdf.text(d["title_ja"], "ja"))
        if d.get("source"):
            yield rdf.t(node, dct.source, NamedNode(d["source"]))


def load_list(store: Store, list_id: str, files: Iterable[Path] | None = None, notes: list[str] | None = None) -> int:
    """Load (or reload) one list; the previous load of the same list is replaced in the same transaction."""
    regulations, specs = catalog()
    if list_id not in specs:
        raise InputError([Problem("list id", None, list_id, "not a list of the catalogue (data/lists.toml); the known "
                                                             f"ids: {', '.join(sorted(specs))}")])
    builder = build_list(specs[list_id], files, notes)
    reg = {k: v for k, v in regulations.items() if k == specs[list_id].regulation}
    triples = list(regulation_triples(reg)) + list(builder.body())
    # the entries' substances are identified, and group membership by element computed, in the same write
    cas = {s.cas for e in builder.entries.values() for s in e.subjects + e.members if s.cas}
    triples += list(enrichment(cas, store, rules_in(triples), triples))
    # compared with the stored entries as the store holds them: with the members their rules gave them
    history = list_history(store, builder, triples)
    triples += list(builder.version_triples(history)) + history.triples
    return store.write(triples, replace=builder.replace_update(), touches=builder.replaced_subjects())


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


def list_history(store: Store, builder: ListBuilder, body: list[Triple]) -> History:
    """What the new load of a list must write again so that the list keeps its past: the entries the store
    holds and the export lacks (with their date of removal, the first time they are missed), a change record
    for each field of an entry that the export states differently, the change records and version dates of
    earlier loads. An entry is the same entry when the builder mints the same IRI for it (`entry_key`)."""
    lst = list_iri(builder.spec.id)
    stored = {Triple(r["s"], r["p"], r["o"]) for r in store.select(_PAST, {"list": lst})}
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
    release = _release(builder, history.dates)
    if changed or any(e not in removed for e in gone):
        history.dates.add(release)  # a version of its own, even when the export adds no entry
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
        for s in sorted((n for n in named if n.value not in groups and n.value not in now[e]), key=str):
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


def _release(builder: ListBuilder, stored: set[dt.date]) -> dt.date:
    """The date from which the new export's state holds, for the removals and changes it brings: its newest
    version when that is newer than any stored one (ECHA updates the Candidate List on the date it adds
    entries); otherwise the day the export was retrieved, or today, and never before the day after the
    newest stored version, so that no version already stored changes."""
    newest, latest = max(builder.version_dates(), default=None), max(stored, default=dt.date.min)
    if newest and newest > latest:
        return newest
    seen = max((iso_date(s.retrieved) for s in builder.sources if s.retrieved), default=dt.date.today())
    return max(latest + dt.timedelta(days=1), seen)


def load_reference(store: Store, list_ids: Iterable[str] | None = None,
                   on_list: Callable[[str, int], None] | None = None) -> int:
    """Load every shipped list (or the ones named); returns the number of triples written."""
    _, specs = catalog()
    total = load_ontology(store) + load_pack_data(store, ["supplier-governance"])  # evaluation schemes
    for list_id in list_ids or specs:
        n = load_list(store, list_id)
        total += n
        if on_list:
            on_list(list_id, n)
    store.compact(force=False)  # a reload replaces each list's facts: graph/compaction.py
    return total


def list_warnings(store: Store, list_ids: Iterable[str]) -> list[str]:
    """What a validation or a list load should warn of: older shipped copies, rules or group names unreached."""
    list_ids = list(list_ids)
    return (stale_lists(store, list_ids) + stale_companions(store, list_ids) + undated_entries(store, list_ids)
            + unreached_rules(store) + groups_without_rules(store, list_ids))


def stale_companions(store: Store, list_ids: Iterable[str]) -> list[str]:
    """A warning for each list the store holds that was loaded with another copy of a shipped companion file
    (membership rules, dates, conditions) than this complygraph ships. Membership is written when a list is loaded:
    a store loaded before the HBCDD and PFHxS-salt rules of 2026-12-06 kept passing those substances after an
    upgrade, and said nothing (the exports' retrieval dates, which `stale_lists` compares, had not changed)."""
    _, specs = catalog()
    out = []
    for list_id in list_ids:
        spec = specs.get(list_id)
        if spec is None or not spec.companions:
            continue
        derived = {r["s"].value for r in store.select(
            "SELECT ?s WHERE { ?list a cg:RegulatoryList ; dct:identifier ?id ; prov:wasDerivedFrom ?s }",
            {"id": Literal(list_id)})}
        if not derived:
            continue
        changed = [Path(c).name for c in spec.companions
                   if SourceFile(data_dir() / c, None, None).iri.value not in derived]
        if changed:
            out.append(f"list {list_id} was loaded with another copy of {', '.join(changed)} than this complygraph "
                       f"ships (its membership rules, dates or conditions may have changed): reload it with "
                       f"complygraph load-lists --list {list_id}")
    return out


def undated_entries(store: Store, list_ids: Iterable[str]) -> list[str]:
    """A warning for each list with entries whose date could not be verified (`cg:verification
    "unverified: ..."` and no date of inclusion): they count at every evaluation date, which may flag a
    substance before it was listed; an engineer reading a result for an early date should know."""
    out = []
    for list_id in list_ids:
        rows = store.select("""
            SELECT ?number ?name WHERE {
              ?list dct:identifier ?id . ?entry cg:inList ?list ; cg:verification ?v .
              FILTER(STRSTARTS(?v, "unverified"))
              FILTER NOT EXISTS { ?entry cg:dateOfInclusion ?d }
              OPTIONAL { ?entry cg:entryNumber ?number } OPTIONAL { ?entry rdfs:label ?name FILTER(LANG(?name) = "en") }
            }""", {"id": Literal(list_id)})
        if rows:
            names = sorted({f"item {r['number'].value}" if "number" in r else r["name"].value for r in rows},
                           key=lambda n: (len(n), n))
            out.append(f"list {list_id}: {len(names)} entries have no verified date of inclusion ({', '.join(names)}); "
                       f"they count as listed at every evaluation date")
    return out


def stale_lists(store: Store, list_ids: Iterable[str]) -> list[str]:
    """A warning for each list the store holds from an older copy of a shipped export than the one this
    complygraph ships (its sources' retrieval dates are all before the shipped copy's): an engineer should
    reload it before trusting a validation. A list loaded from the user's own export is not compared."""
    _, specs = catalog()
    wanted = [i for i in list_ids if i in specs and specs[i].retrieved]
    if not wanted:
        return []
    rows = store.select("""
        SELECT ?id (MAX(?created) AS ?retrieved) WHERE {
          ?list a cg:RegulatoryList ; dct:identifier ?id ; prov:wasDerivedFrom ?src .
          ?src dct:created ?created .
        } GROUP BY ?id""")
    stored = {r["id"].value: r["retrieved"].value for r in rows if "retrieved" in r}
    return [f"list {i} in the store was retrieved on {stored[i]}; complygraph ships a copy retrieved on "
            f"{specs[i].retrieved}: reload it with complygraph load-lists --list {i}"
            for i in wanted if i in stored and stored[i] < str(specs[i].retrieved)]
