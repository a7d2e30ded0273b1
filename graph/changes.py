"""List changes and what they touch, as the API serves them: the change of a list between two dates (entries
added, removed and changed) with its impact, computed ahead for each list's newest change, and the impact a
proposed listing would have.

The answers are plain data, kept in a `RevisionCache` until the store changes; the API turns them into its
GraphQL types on every request, which is cheap next to computing them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from complygraph.dates import iso_date
from complygraph.graph.impact import EntryChange, ImpactRow, changed_entries, impact, where_used
from complygraph.graph.queries import EntryChanges, list_change, lists
from complygraph.graph.revision_cache import RevisionCache
from complygraph.graph.store import Store


@dataclass
class ChangeAnswer:
    """The entries added to, removed from and changed in a list between two dates, and every occurrence
    they reach."""

    change: EntryChanges
    impacted: list[ImpactRow]
    changed: list[EntryChange] = field(default_factory=list)


def list_change_answer(store: Store, list_id: str, since: dt.date, until: dt.date) -> ChangeAnswer:
    change = list_change(store, list_id, since, until)
    changed = changed_entries(store, list_id, since, until)
    return ChangeAnswer(change=change, impacted=impact(store, list_id, since, until, change, changed),
                        changed=changed)


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
    return rows
