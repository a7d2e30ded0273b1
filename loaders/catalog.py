"""The shipped regulatory lists: which files make each list, and loading them into a store atomically,
keeping what earlier loads of the list said (`list_history`: removed entries, changed facts, past versions)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph.shacl.packs import load_pack_data
from complygraph.graph.store import Store
from complygraph.graph.turtle import load_ontology
from complygraph.loaders import cscl, echa, name_membership, rdf, rohs, rohs_exemptions
from complygraph.loaders.errors import InputError, Problem, Problems
from complygraph.loaders.group_members import add_shipped_members
from complygraph.loaders.group_wording import groups_without_rules
from complygraph.loaders.list_history import keep_unstated, list_history, stored_triples
from complygraph.loaders.listmodel import ListBuilder, ListSpec, SourceFile
from complygraph.loaders.membership import enrichment, rules_file, rules_in, unreached_rules
from complygraph.vocab import RDF_TYPE, cg, dct, rdfs, regulation_iri

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
    stored = stored_triples(store, list_id)
    kept = keep_unstated(builder, stored)
    reg = {k: v for k, v in regulations.items() if k == specs[list_id].regulation}
    triples = list(regulation_triples(reg)) + list(builder.body())
    # the entries' substances are identified, and group membership by element computed, in the same write
    cas = {s.cas for e in builder.entries.values() for s in e.subjects + e.members if s.cas}
    triples += list(enrichment(cas, store, rules_in(triples), triples))
    triples += list(name_membership.on_list_load(triples, store))
    # compared with the stored entries as the store holds them: with the members their rules gave them
    history = list_history(store, builder, triples, stored)
    triples += list(builder.version_triples(history)) + history.triples
    if notes is not None:
        notes += kept + ([history.note] if history.note else [])
    return store.write(triples, replace=builder.replace_update(), touches=builder.replaced_subjects())


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
