"""List changes and what they touch, as the API serves them: the change of a list between two dates (entries
added, removed and changed) with its impact, computed ahead for each list's newest change, and the impact a
proposed listing would have.

The answers are plain data, kept in a `RevisionCache` until the store changes; the API turns them into its
GraphQL types on every request, which is cheap next to computing them. An answer holds what each added and
removed entry concerns (its substances, with CAS number and name, and its date of inclusion), read for all of
them in one query, so the API serves `added { substances { cas } }` without a query per entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import NamedNode

from complygraph.dates import iso_date
from complygraph.graph.entry_changes import EntryChange, changed_entries
from complygraph.graph.impact import ImpactRow, impact, where_used
from complygraph.graph.queries import EntryChanges, list_change, lists
from complygraph.graph.revision_cache import RevisionCache
from complygraph.graph.store import Row, Store

BATCH = 1000  # entries per query

ENTRY_FACTS = """
SELECT ?entry ?included ?substance ?on ?cas ?ec ?name WHERE {
  { ?entry cg:concerns ?substance }
  UNION { ?c cg:changedEntry ?entry ; cg:changedField "substances" ; cg:changedOn ?on ; cg:valueBefore ?substance }
  ?substance a cg:Substance .
  OPTIONAL { ?entry cg:dateOfInclusion ?included }
  OPTIONAL { ?substance cg:casNumber ?cas }
  OPTIONAL { ?substance cg:ecNumber ?ec }
  OPTIONAL { ?substance rdfs:label ?name }
}"""


@dataclass(frozen=True)
class EntrySubstance:
    """A substance a list entry concerns: its IRI, CAS and EC numbers if it has them, and its names with their
    language tags (several sources name one substance)."""

    iri: str
    cas: str | None
    ec: str | None
    names: tuple[tuple[str, str | None], ...] = ()

    @property
    def name(self) -> str | None:
        """The shortest English name (the shortest reads best in a table), else the shortest of any language."""
        english = sorted((n for n, lang in self.names if lang in ("en", None)), key=lambda n: (len(n), n))
        return (english or sorted((n for n, _ in self.names), key=lambda n: (len(n), n)) or [None])[0]


@dataclass
class EntryFacts:
    """What a list entry concerned at a date: its substances (by CAS number, then EC number, then name) and its
    date of inclusion."""

    date_of_inclusion: str | None
    substances: list[EntrySubstance] = field(default_factory=list)


@dataclass
class ChangeAnswer:
    """The entries added to, removed from and changed in a list between two dates, every occurrence they
    reach, and what each added entry concerns at the second date and each removed one at the first."""

    change: EntryChanges
    impacted: list[ImpactRow]
    changed: list[EntryChange] = field(default_factory=list)
    entries: dict[str, EntryFacts] = field(default_factory=dict)


def list_change_answer(store: Store, list_id: str, since: dt.date, until: dt.date) -> ChangeAnswer:
    change = list_change(store, list_id, since, until)
    changed = changed_entries(store, list_id, since, until)
    at = {**{e: since.isoformat() for e in change.removed}, **{e: until.isoformat() for e in change.added}}
    return ChangeAnswer(change=change, impacted=impact(store, list_id, since, until, change, changed),
                        changed=changed, entries=entry_facts(store, at))


def _order(s: EntrySubstance) -> tuple:
    return (s.cas is None, s.cas or "", s.ec is None, s.ec or "", s.name or "", s.iri)


def entry_facts(store: Store, at: dict[str, str]) -> dict[str, EntryFacts]:
    """What each entry (IRI -> ISO date) concerned on its date: one query for all of them.

    `cg:concerns` says what an entry concerns now. A later export that changed an entry's substances left a
    change record (loaders/listmodel.py) with the full set the entry had before it; the set on a date is the
    one before the first such change after the date, else the current one."""
    rows: list[Row] = []
    keys = list(at)
    for i in range(0, len(keys), BATCH):
        rows += store.select(ENTRY_FACTS, {"entry": [NamedNode(k) for k in keys[i:i + BATCH]]})
    included: dict[str, str] = {}
    now: dict[str, set[str]] = {k: set() for k in keys}
    before: dict[str, dict[str, set[str]]] = {k: {} for k in keys}  # entry -> change date -> substances
    ids: dict[str, tuple[str | None, str | None]] = {}
    names: dict[str, set[tuple[str, str | None]]] = {}
    for r in rows:
        entry, substance = r["entry"].value, r["substance"].value
        if "included" in r:
            included[entry] = r["included"].value
        if "on" in r:
            before[entry].setdefault(r["on"].value, set()).add(substance)
        else:
            now[entry].add(substance)
        cas, ec = ids.get(substance, (None, None))
        ids[substance] = (r["cas"].value if "cas" in r else cas, r["ec"].value if "ec" in r else ec)
        names.setdefault(substance, set())
        if "name" in r:
            names[substance].add((r["name"].value, r["name"].language))
    out: dict[str, EntryFacts] = {}
    for entry, day in at.items():
        later = sorted(on for on in before[entry] if on > day)
        held = before[entry][later[0]] if later else now[entry]
        out[entry] = EntryFacts(included.get(entry), sorted(
            (EntrySubstance(s, *ids[s], tuple(sorted(names[s], key=str))) for s in held), key=_order))
    return out


def change_key(list_id: str, since: dt.date, until: dt.date) -> tuple:
    """The cache key of a list change's answer: the API and the warm-up must spell it the same way."""
    return ("listChange", list_id, since, until)


def warm_latest_changes(store: Store, cache: RevisionCache, only: str | None = None) -> None:
    """Compute the impact of each list's newest change ahead of the first request: after a new Candidate
    List is loaded, that is the question everybody asks."""
    for info in lists(store):
        if (only is None or info.id == only) and len(info.versions) >= 2:
            since, until = (iso_date(d) for d, _ in (info.versions[1], info.versions[0]))
            cache.get(change_key(info.id, since, until),
                      lambda i=info.id, a=since, b=until: list_change_answer(store, i, a, b))


def what_if(store: Store, substances: dict[str, tuple[str, str]], limit_percent: Decimal,
            per_material: bool) -> list[ImpactRow]:
    """Where substances (IRI -> (change, name)) would matter if listed with a limit of `limit_percent`:
    over the part's mass (per article), or with `per_material` over each homogeneous material's."""
    rows = where_used(store, substances, limit_percent, of_substances=True)
    if per_material:
        for i in rows:
            i.over_threshold = Decimal(str(i.ppm)) / 10_000 > limit_percent
            i.limit_basis = "material"
    return rows
