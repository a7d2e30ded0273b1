"""How an exemption list (RoHS Annex III and IV) changes between two dates, and which claimed uses it touches.

An exemption list has one version: its exemptions change by their dated validities (`cg:ExemptionValidity`,
loaders/rohs_exemptions.py), not by new exports. 6(a) for categories 8, 9 and 11 ends on 2026-12-11 while the
list's version stays the same, so a diff of versions showed no change and an impact of none while a claimed part
became non-compliant (QA, 2026-12-06). Here an exemption counts as added when it holds for some EEE scope at the
second date and for none at the first, removed in the reverse case, and changed when the scopes it holds for,
its wording or its limits differ; the uses it touches are the occurrences that claim it in parts going into a
product of a scope that lost or gained it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.derived import PRODUCT_SCOPES
from complygraph.graph.entry_change_types import EntryChange, FieldChange
from complygraph.graph.impact_names import products_from_store
from complygraph.graph.store import Store
from complygraph.vocab import list_iri

VALIDITIES = """
    SELECT ?exemption ?id ?text ?v ?from ?until ?scope ?notation ?material ?max ?min ?mg WHERE {
      ?exemption cg:exemptionUnder ?list ; cg:exemptionId ?id .
      ?v cg:validityOf ?exemption ; cg:validFrom ?from .
      OPTIONAL { ?exemption dct:description ?text }
      OPTIONAL { ?v cg:validUntil ?until }
      OPTIONAL { ?v cg:coversScope ?scope OPTIONAL { ?scope skos:notation ?notation } }
      OPTIONAL { ?v cg:materialCondition ?material }
      OPTIONAL { ?v cg:maxPercent ?max }
      OPTIONAL { ?v cg:minPercent ?min }
      OPTIONAL { ?v cg:maxMgPerItem ?mg }
    }"""


@dataclass
class _Validity:
    start: str
    end: str | None
    scopes: dict[str, str] = field(default_factory=dict)  # scope IRI -> notation
    terms: set[str] = field(default_factory=set)  # its conditions, as shown

    def holds(self, day: str) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass
class ExemptionChanges:
    """The exemptions (IRI -> name) that hold at the second date and not the first (`added`), the reverse
    (`removed`), those whose scopes or conditions changed, and per exemption the scope IRIs it lost and gained."""

    added: dict[str, str]
    removed: dict[str, str]
    changed: list[EntryChange]
    lost: dict[str, set[str]]
    gained: dict[str, set[str]]

    @property
    def touched(self) -> set[str]:
        return set(self.added) | set(self.removed) | set(self.lost) | set(self.gained)


def is_exemption_list(store: Store, list_id: str) -> bool:
    return store.ask("ASK WHERE { ?e cg:exemptionUnder ?list }", {"list": list_iri(list_id)})


def exemption_changes(store: Store, list_id: str, since: dt.date | str, until: dt.date | str) -> ExemptionChanges:
    """Validity ends are inclusive, as the shapes read them: an exemption valid until 2026-12-11 holds on that
    day and is removed from 2026-12-12."""
    first, second = (d if isinstance(d, str) else d.isoformat() for d in (since, until))
    names: dict[str, str] = {}
    validities: dict[str, dict[str, _Validity]] = defaultdict(dict)
    for r in store.select(VALIDITIES, {"list": list_iri(list_id)}):
        ex = r["exemption"].value
        text = r["text"].value if "text" in r else ""
        names[ex] = f"{r['id'].value}: {text}" if text else r["id"].value
        v = validities[ex].setdefault(r["v"].value, _Validity(r["from"].value,
                                                                r["until"].value if "until" in r else None))
        if "scope" in r:
            v.scopes[r["scope"].value] = r["notation"].value if "notation" in r else r["scope"].value.rsplit("/", 1)[-1]
        for key, shown in (("material", "material {}"), ("max", "at most {} %"), ("min", "at least {} %"),
                           ("mg", "at most {} mg per item")):
            if key in r:
                v.terms.add(shown.format(r[key].value))
    out = ExemptionChanges({}, {}, [], {}, {})
    for ex, periods in validities.items():
        before = [v for v in periods.values() if v.holds(first)]
        after = [v for v in periods.values() if v.holds(second)]
        scopes_before = {s: n for v in before for s, n in v.scopes.items()}
        scopes_after = {s: n for v in after for s, n in v.scopes.items()}
        if not before and not after:
            continue
        if not before:
            out.added[ex] = names[ex]
        elif not after:
            out.removed[ex] = names[ex]
        lost = set(scopes_before) - set(scopes_after)
        gained = set(scopes_after) - set(scopes_before)
        if lost:
            out.lost[ex] = lost
        if gained:
            out.gained[ex] = gained
        if before and after:
            fields = [FieldChange("EEE scopes", _sorted(scopes_before.values()), _sorted(scopes_after.values())),
                      FieldChange("conditions", sorted({t for v in before for t in v.terms}),
                                  sorted({t for v in after for t in v.terms}))]
            fields = [f for f in fields if f.added or f.removed]
            if fields:
                out.changed.append(EntryChange(ex, names[ex], fields))
    out.changed.sort(key=lambda c: c.name)
    return out


def _sorted(notations) -> list[str]:
    """Scopes in the annex's order: 1, 2, ... 8-ivd, 8-non-ivd, 9-..., 10, 11."""
    def key(n: str) -> tuple:
        head, _, tail = n.partition("-")
        return (int(head) if head.isdigit() else 999, tail)
    return sorted(set(notations), key=key)


# The uses claiming an exemption. Claims are few (a part claims an exemption where it needs one).
CLAIMS = """
    SELECT ?exemption ?substance ?occ ?ppm ?mg ?material ?part WHERE {
      ?occ cg:claimedExemption ?exemption ; cg:substance ?substance ; cg:concentrationPpm ?ppm ; cg:massMg ?mg .
      ?material cg:contains ?occ .
      ?part cg:hasMaterial ?material .
    }"""


def part_scopes(store: Store, parts: list[str]) -> dict[str, set[str]]:
    """The EEE scopes of the products above each part, through any number of BOM levels, as graph/derived.py
    gives them to the shapes (a product that states only its category: that category's cell). The BOM is walked
    level by level (`products_from_store`): a property path up from 9,242 claiming parts took 9 s at 10^5 parts."""
    pairs = products_from_store(store, parts)
    held: dict[str, set[str]] = defaultdict(set)
    for r in store.select(f"SELECT ?product ?scope WHERE {{ {PRODUCT_SCOPES} }}"):
        held[r["product"].value].add(r["scope"].value)
    out: dict[str, set[str]] = defaultdict(set)
    for part, product in pairs:
        out[part] |= held.get(product, set())
    return out


def claimed_uses(store: Store, changes: ExemptionChanges) -> list[tuple[str, tuple]]:
    """Each use a change touches, with the change as impact rows show it: ("removed" or "added", (exemption,
    substance, occurrence, ppm, mg, material, part)). An exemption that lost (gained) scopes touches the uses in
    parts of products of those scopes, as "removed" ("added"): a part in a category-3 product that claims 6(a)
    is not touched when 6(a) ends for categories 8, 9 and 11 (its claim held for none of them before). A use in
    a part whose products declare no category is touched only when the exemption ends (begins) for every
    scope."""
    touched = sorted(changes.touched)
    rows = select_batched(store, CLAIMS, "exemption", [NamedNode(e) for e in touched])
    keys = ("exemption", "substance", "occ", "ppm", "mg", "material", "part")
    uses = sorted({tuple(r[k].value for k in keys) for r in rows})
    scopes = part_scopes(store, sorted({u[6] for u in uses}))
    kept: list[tuple[str, tuple]] = []
    for use in uses:
        ex, held = use[0], scopes[use[6]]
        if held & changes.lost.get(ex, set()):
            kind = "removed"
        elif held & changes.gained.get(ex, set()):
            kind = "added"
        elif not held and (ex in changes.removed or ex in changes.added):
            kind = "removed" if ex in changes.removed else "added"  # its products give no category
        else:
            continue
        kept.append((kind, use))
    return kept
