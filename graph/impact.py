"""Regulatory impact of a list change: which parts, materials, suppliers and products a new (or removed)
entry touches, and at what share of each article; and the entries that stayed on the list but changed
(`changed_entries`), whose substances gained or lost reach the impact too.

Set queries only: one for the change records of a list, one for the occurrences the changed entries reach,
one per batch of parts for labels and suppliers, and for the products above the parts one recursive query on
the read model (on a remote store: one per batch and BOM level for the parents, walked in memory).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import Literal, NamedNode

from complygraph.graph import composition_reads as reads
from complygraph.graph import impact_names
from complygraph.graph.bindings import select_batched
from complygraph.graph.derived import PRODUCT_SCOPES
from complygraph.graph.entry_changes import EntryChange, changed_entries
from complygraph.graph.exemption_changes import ExemptionChanges, claimed_uses, exemption_changes
from complygraph.graph.impact_rows import SEPARATOR
from complygraph.graph.material_limits import material_limits, over_material_limits
from complygraph.graph.queries import EntryChanges, list_change, substance_names
from complygraph.graph.read_model import iri
from complygraph.graph.store import Store
from complygraph.heap import few_collections
from complygraph.vocab import XSD, list_iri


def _date(d: dt.date | str) -> Literal:
    return Literal(d if isinstance(d, str) else d.isoformat(), datatype=NamedNode(XSD + "date"))


@dataclass(slots=True)  # 10^5 rows: no dict each
class ImpactRow:
    """One occurrence of a substance that a changed list entry concerns, with its part, material,
    supplier and products: one row of an impact table."""

    change: str  # "added" or "removed"
    entry: str
    entry_name: str
    part_id: str
    part_name: str
    material_id: str
    material_name: str
    cas: str
    substance_name: str
    ppm: float
    article_percent: float
    over_threshold: bool | None
    supplier_id: str
    supplier_name: str
    products: list[tuple[str, str]] = field(default_factory=list)
    substance: str = ""  # its IRI
    # what `over_threshold` measures: "article" (the list's threshold per article), "material" (a limit per
    # homogeneous material: graph/material_limits.py), "" where the list has neither
    limit_basis: str = ""
    material: str = ""  # the material's IRI (a limit that leaves out a use asks the material's uses)


def article_threshold(store: Store, list_id: str) -> Decimal | None:
    """The list-wide limit per article in percent (0.1 for the SVHC Candidate List), if the list has one."""
    rows = store.select("""
        SELECT ?limit ?unit WHERE { ?r cg:appliesToList ?list ; cg:basis cg:ArticleBasis ;
                                      cg:limitValue ?limit ; cg:limitUnit ?unit }""", {"list": list_iri(list_id)})
    for r in rows:
        limit = Decimal(r["limit"].value)
        return limit if r["unit"].value.endswith("PERCENT") else limit / 10_000
    return None


def impact(store: Store, list_id: str, since: dt.date | str, until: dt.date | str,
           change: EntryChanges | None = None, changed: list[EntryChange] | None = None) -> list[ImpactRow]:
    """`change` and `changed`: the list change from `since` to `until` and its changed entries, if the caller
    has them already. A changed entry reaches the substances it gained or lost (change "changed")."""
    change = change or list_change(store, list_id, since, until)
    changed = changed if changed is not None else changed_entries(store, list_id, since, until)
    exemptions = exemption_changes(store, list_id, since, until)
    threshold = article_threshold(store, list_id)
    entries = {**{k: ("added", v) for k, v in change.added.items() if k not in exemptions.touched},
               **{k: ("removed", v) for k, v in change.removed.items() if k not in exemptions.touched}}
    substances = {s: ("changed", c.name) for c in changed for s in c.widened + c.narrowed}
    first = where_used(store, entries, threshold)
    more = where_used(store, substances, threshold, of_substances=True)
    if threshold is None:  # limits per homogeneous material, if the list has them (RoHS Annex II)
        over_material_limits(store, first, material_limits(store, list(entries), list_iri(list_id)))
    if exemptions.touched:
        more += _exemption_rows(store, exemptions, {**change.added, **change.removed,
                                                    **{c.entry: c.name for c in changed}})
    if not more:
        return first  # sorted by `_order` already
    rows = first + more
    rows.sort(key=_order)
    return rows


def _exemption_rows(store: Store, changes: ExemptionChanges, names: dict[str, str]) -> list[ImpactRow]:
    """The uses that claim an exemption that ended or began for the products they go into (graph/exemption_changes.py),
    each flagged over when its substance is over the limit per material the exemption lifts: without the
    exemption, a violation."""
    uses = claimed_uses(store, changes)
    if not uses:
        return []
    parts = list(dict.fromkeys(u[6] for _, u in uses))
    details = impact_names.part_details(store, None, parts)
    materials = impact_names.labels(store, None, list(dict.fromkeys(u[5] for _, u in uses)))
    products = impact_names.products_above(store, None, parts)
    named = substance_names(store, [NamedNode(s) for s in dict.fromkeys(u[1] for _, u in uses)])
    scopes = _product_scopes(store)
    rows = []
    for kind, (exemption, substance, _occ, ppm, mg, material, part) in uses:
        p = details[part]
        cas, name = named.get(substance, ("", ""))
        material_id, material_name = materials.get(material, ("", ""))
        rows.append(ImpactRow(kind, exemption, names.get(exemption, exemption), p["id"], p["name"], material_id,
                              material_name, cas, name, float(ppm), _share(Decimal(mg), p["mass"], None)[0], None,
                              p["supplier_id"], p["supplier_name"],
                              _concerned(changes, kind, exemption, products.get(part, ()), scopes), substance,
                              material=material))
    over_material_limits(store, rows, material_limits(store, sorted(changes.touched), None))
    return rows


def _product_scopes(store: Store) -> dict[str, set[str]]:
    """Product id -> the EEE scopes it declares (as graph/derived.py reads them)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in store.select(f"SELECT ?id ?scope WHERE {{ ?product dct:identifier ?id . {PRODUCT_SCOPES} }}"):
        out[r["id"].value].add(r["scope"].value)
    return out


def _concerned(changes: ExemptionChanges, kind: str, exemption: str, products: Iterable[tuple[str, str]],
               scopes: dict[str, set[str]]) -> list[tuple[str, str]]:
    """The products of a use that the exemption's change concerns: those of the scopes it lost (gained), or every
    one when it ended (began) for every scope. 6(a) ending for categories 8, 9 and 11 on 2026-12-11 listed the
    category-3 router beside the infusion pump (QA10 B04); validation judged each by its own category."""
    whole = exemption in (changes.removed if kind == "removed" else changes.added)
    changed = (changes.lost if kind == "removed" else changes.gained).get(exemption, set())
    if whole and not changed:
        return list(products)
    # a product of no declared category is concerned when the exemption ends (begins) for every scope
    return [p for p in products if scopes.get(p[0], set()) & changed or (whole and not scopes.get(p[0]))]


def where_used(store: Store, entries: dict[str, tuple[str, str]], threshold: Decimal | None,
               of_substances: bool = False) -> list[ImpactRow]:
    """Every occurrence of the substances that list entries concern (IRI -> (change, name)), or, with
    `of_substances`, of the substances themselves."""
    with few_collections(1_000_000):  # 10^5 rows and their objects: no young-generation passes over them as they grow
        return _where_used(store, entries, threshold, of_substances)


def _where_used(store: Store, entries: dict[str, tuple[str, str]], threshold: Decimal | None,
                of_substances: bool) -> list[ImpactRow]:
    kept = found = None
    with store.composition_model() as model:
        stamp = reads.revision(model) if model is not None else None
        if model is not None and reads.rows_fresh(model):
            kept = _kept(store, model, entries, of_substances)
        else:
            found = _reads(store, model, entries, of_substances)
    if model is not None and store.revision() != stamp:
        # a write landed between the model's snapshot and the entries' substances read from the store: the
        # store answers it all, so no answer joins two revisions
        kept, found = None, _reads(store, None, entries, of_substances)
    if kept is not None:
        return _rows_of_kept(store, entries, threshold, kept)  # in `_order`
    out = _rows_of_found(store, entries, threshold, found)
    out.sort(key=_order)
    return out


_NAN = float("nan")


def _share(mg: Decimal, mass: Decimal | None, threshold: Decimal | None) -> tuple[float, bool | None]:
    """The substance's share of the article in percent (not a number without the part's mass) and whether it
    is over the list's threshold: computed in decimals, so a share exactly at the threshold is not over it."""
    if not mass:
        return _NAN, None
    percent = mg / mass * 100
    return float(percent), None if threshold is None else percent > threshold


def _basis(threshold: Decimal | None) -> str:
    return "" if threshold is None else "article"


def _entry_over(occurrences: Iterable[tuple[str, str, str, str]], concerns: dict[str, list[str]],
                mass_of: Callable[[str], Decimal | None],
                threshold: Decimal | None) -> dict[tuple[str, str], bool | None]:
    """(part, entry) -> whether the entry's substances together are over the threshold in that article: a
    Candidate List entry that names a group ("BPAF and its salts") is one substance for REACH Art. 7(2) and 33,
    as validation counts it (shapes/components.ttl ListArticleThresholdComponent). Two members at 0.06 % each were
    "not over" in impact and 0.12 %, with Art. 33 duties, in status (QA, 2026-12-06). Each (part, substance,
    occurrence, mg) once."""
    summed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for part, substance, _occ, mg in occurrences:
        for entry in concerns.get(substance, ()):
            summed[(part, entry)] += Decimal(mg)
    return {key: _share(mg, mass_of(key[0]), threshold)[1] for key, mg in summed.items()}


def _rows_of_found(store: Store, entries: dict[str, tuple[str, str]], threshold: Decimal | None,
                   found: Found) -> list[ImpactRow]:
    concerns, occurrences, parts, materials, products = found
    if not occurrences:
        return []
    names = substance_names(store, [NamedNode(s) for s in dict.fromkeys(o[0] for o in occurrences)])
    # the share of the article: the substance's mass over all materials of the part, over the part's mass, each
    # occurrence counted once (two entries that concern one substance, a group's and its own, reach it twice)
    per_part: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for part_iri, substance, _occ, mg in {(o[5], o[0], o[1], o[3]) for o in occurrences}:
        per_part[(part_iri, substance)] += Decimal(mg)
    shares = {key: _share(mg, parts[key[0]]["mass"], threshold) for key, mg in per_part.items()}
    over = _entry_over({(o[5], o[0], o[1], o[3]) for o in occurrences}, concerns, lambda p: parts[p]["mass"],
                       threshold)
    out = []
    for substance, _occ, ppm, _mg, material, part_iri in occurrences:
        part = parts[part_iri]
        cas, name = names.get(substance, ("", ""))
        percent, _ = shares[(part_iri, substance)]
        material_id, material_name = materials[material]
        for entry in concerns[substance]:
            change, entry_name = entries[entry]
            out.append(ImpactRow(change, entry, entry_name, part["id"], part["name"], material_id, material_name,
                                 cas, name, float(ppm), percent, over[(part_iri, entry)], part["supplier_id"],
                                 part["supplier_name"],
                                 list(products.get(part_iri, ())),  # sorted by _products
                                 substance, _basis(threshold), material))
    return out


# From the store: the entries that concern each substance (substance -> entries, each once); the occurrences,
# each (substance, occurrence, ppm, mg, material, part) once; each part's shown facts (`impact_names.pick`);
# each material's (id, name); each part's products (sorted)
Found = tuple[dict[str, list[str]], list[tuple[str, str, str, str, str, str]], dict[str, dict],
              dict[str, tuple[str, str]], dict[str, list[tuple[str, str]]]]


def _reads(store: Store, model: sqlite3.Connection | None, entries: dict[str, tuple[str, str]],
           of_substances: bool) -> Found:
    rows = _occurrences(store, model, entries, of_substances)
    concerns: dict[str, list[str]] = defaultdict(list)
    for entry, substance in dict.fromkeys((r[0], r[1]) for r in rows):
        concerns[substance].append(entry)
    occurrences = list(dict.fromkeys(r[1:] for r in rows))
    if not occurrences:
        return concerns, occurrences, {}, {}, {}
    part_iris = list(dict.fromkeys(r[6] for r in rows))
    materials = impact_names.labels(store, model, list(dict.fromkeys(r[5] for r in rows)))
    return (concerns, occurrences, impact_names.part_details(store, model, part_iris), materials,
            impact_names.products_above(store, model, part_iris))


@dataclass
class _Kept:
    """What the where-used rows kept for impact (graph/impact_rows.py) answer, read in one snapshot of the model:
    each row one occurrence of one wanted substance with its material's names, (substance, occurrence, ppm, mg,
    material, part, material id, material name), the occurrence, material and part in their stored form; each
    of those parts' row (`composition_reads.occurrence_rows`); and the names the model does not keep, from the
    store."""

    concerns: dict[str, list[str]]  # substance -> the entries that concern it
    rows: list[tuple]
    part_rows: dict[str, tuple]  # stored form -> (stored form, id, label, masses, suppliers, products)
    materials: dict[str, tuple[str, str]]  # (id, name) of the materials the model names not, by stored form
    suppliers: dict[str, tuple[str, str]]  # a part's suppliers (JSON array) -> the (id, name) shown
    products: dict[str, list[tuple[str, str]]]  # a part's products (joined IRIs) -> their (id, name), sorted
    parts: dict[str, dict]  # the parts the model names not (another namespace), as `impact_names.pick` shows them


def _kept(store: Store, model: sqlite3.Connection, entries: dict[str, tuple[str, str]],
          of_substances: bool) -> _Kept:
    """Three range reads instead of a million index searches at 10^6 parts."""
    concerns: dict[str, list[str]] = defaultdict(list)
    for entry, substance in dict.fromkeys(_concerns(store, entries, of_substances)):
        concerns[substance].append(entry)
    rows, part_rows = reads.occurrence_rows(model, list(concerns))
    unnamed = {m: iri(m) for m in dict.fromkeys(r[4] for r in rows if r[6] is None)}
    labels = impact_names.labels(store, None, list(unnamed.values()))
    materials = {m: labels[node] for m, node in unnamed.items() if node in labels}
    # the parts share a few thousand distinct JSON arrays of suppliers and of products: each read once
    supplier_sets = {k: [iri(x) for x in reads.array(k)] for k in {r[4] for r in part_rows.values()}}
    product_sets = {k: k.split(SEPARATOR) if k else [] for k in {r[5] for r in part_rows.values()}}
    named = impact_names.labels(store, model, sorted({s for nodes in supplier_sets.values() for s in nodes}))
    tops = impact_names.labels(store, model, sorted({p for nodes in product_sets.values() for p in nodes}))
    chosen = {k: min((named[s] for s in nodes if s in named), default=("", "")) for k, nodes in supplier_sets.items()}
    shown = {k: sorted(tops[p] for p in nodes if p in tops) for k, nodes in product_sets.items()}
    others = {p: iri(p) for p, r in part_rows.items() if r[1] is None}
    found = impact_names.part_details(store, None, list(others.values()), {}) if others else {}
    parts = {p: found[node] for p, node in others.items()}
    return _Kept(concerns, rows, part_rows, materials, chosen, shown, parts)


def _rows_of_kept(store: Store, entries: dict[str, tuple[str, str]], threshold: Decimal | None,
                  kept: _Kept) -> list[ImpactRow]:
    """The rows in one pass over the model's rows (58,518 at 10^6 parts), in `_order`: each part's facts made
    when first met, a share summed in decimals only where a part holds the substance more than once."""
    rows = kept.rows
    if not rows:
        return []
    names = substance_names(store, [NamedNode(s) for s in dict.fromkeys(r[0] for r in rows)])
    # each occurrence counted once per part and substance, as `_rows_of_found` counts it
    counts = Counter((r[5], r[0]) for r in rows)
    summed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for part, substance, _occ, mg in {(r[5], r[0], r[1], r[3]) for r in rows if counts[(r[5], r[0])] > 1}:
        summed[(part, substance)] += Decimal(mg)
    facts: dict[str, tuple] = {}

    def part_facts(stored: str) -> tuple:
        part = facts.get(stored)
        if part is None:
            _, ident, label, masses, suppliers, above = kept.part_rows[stored]
            if ident is not None:  # as `impact_names.pick` chooses, on one part's row
                mass = reads.array(masses)
                supplier = kept.suppliers[suppliers]
                part = facts[stored] = (ident, label or "", min(map(Decimal, mass)) if mass else None,
                                        supplier[0], supplier[1], kept.products[above])
            else:
                p = kept.parts[stored]
                part = facts[stored] = (p["id"], p["name"], p["mass"], p["supplier_id"], p["supplier_name"],
                                        kept.products[above])
        return part

    over = _entry_over({(r[5], r[0], r[1], r[3]) for r in rows}, kept.concerns, lambda p: part_facts(p)[2],
                       threshold)
    basis = _basis(threshold)
    out: list[ImpactRow] = []
    keys: list[tuple] = []
    append = out.append
    for r in rows:
        substance, stored = r[0], r[5]
        part = facts.get(stored) or part_facts(stored)
        key = (stored, substance)
        percent, _ = _share(summed[key] if key in summed else Decimal(r[3]), part[2], threshold)
        material_id, material_name = (r[6], r[7] or "") if r[6] is not None else kept.materials[r[4]]
        material_iri = iri(r[4])
        cas, name = names.get(substance, ("", ""))
        ppm = float(r[2])
        unknown = percent != percent  # NaN
        for entry in kept.concerns[substance]:
            change, entry_name = entries[entry]
            append(ImpactRow(change, entry, entry_name, part[0], part[1], material_id, material_name, cas, name,
                             ppm, percent, over[(stored, entry)], part[3], part[4], list(part[5]), substance, basis,
                             material_iri))
            # `_order`'s key, made here without a call and attribute reads per row
            keys.append((change, unknown, 0.0 if unknown else -percent, part[0], material_id, cas, entry, entry_name,
                         ppm, part[1], material_name, name, part[3], part[4], tuple(part[5])))
    return [out[i] for i in sorted(range(len(out)), key=keys.__getitem__)]


def _concerns(store: Store, entries: dict[str, tuple[str, str]], of_substances: bool) -> list[tuple[str, str]]:
    """(entry, substance) for each substance an entry concerns (or each substance itself)."""
    if of_substances:
        return [(e, e) for e in entries]
    return [(r["entry"].value, r["substance"].value) for r in select_batched(
        store, "SELECT ?entry ?substance WHERE { ?entry cg:concerns ?substance }", "entry",
        [NamedNode(e) for e in entries])]


def _occurrences(store: Store, model: sqlite3.Connection | None, entries: dict[str, tuple[str, str]],
                 of_substances: bool) -> list[tuple[str, str, str, str, str, str, str]]:
    """Every occurrence of the substances the entries concern (or of the substances themselves): the
    substances of the entries from the store (a list's entries are few), the occurrences from the read model
    where the store keeps one (graph/read_model.py), else from the store."""
    if model is not None:
        concerns = _concerns(store, entries, of_substances)
        found: dict[str, list] = defaultdict(list)
        for row in reads.occurrences(model, [s for _, s in concerns]):
            found[row[0]].append(row)
        return sorted({(e, *row) for e, s in concerns for row in found.get(s, ())})
    link = "BIND(?entry AS ?substance)" if of_substances else "?entry cg:concerns ?substance ."
    rows = select_batched(store, """
        SELECT DISTINCT ?entry ?substance ?occ ?ppm ?mg ?material ?part WHERE {
          """ + link + """
          ?occ cg:substance ?substance ; cg:concentrationPpm ?ppm ; cg:massMg ?mg .
          ?material cg:contains ?occ .
          ?part cg:hasMaterial ?material .
        }""", "entry", [NamedNode(e) for e in entries])
    keys = ("entry", "substance", "occ", "ppm", "mg", "material", "part")
    return sorted({tuple(r[k].value for k in keys) for r in rows})


def _order(i: ImpactRow) -> tuple:
    """Largest share of the article first (a part without a mass, whose share is not a number, after every
    share), then by part, material and substance; the rest of the row breaks ties, so the order never depends on
    the order rows were found in (the paths that find them differ)."""
    unknown = i.article_percent != i.article_percent  # NaN
    return (i.change, unknown, 0.0 if unknown else -i.article_percent, i.part_id, i.material_id, i.cas, i.entry,
            i.entry_name, i.ppm, i.part_name, i.material_name, i.substance_name, i.supplier_id, i.supplier_name,
            tuple(i.products))
