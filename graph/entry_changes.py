"""Entries that stayed on a list but changed between two dates: which fields, from what to what, and the
substances an entry gained or lost (which reach a list change's impact too: graph/impact.py); for an exemption
list, the exemptions whose scopes or conditions changed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pyoxigraph import Literal, NamedNode

from complygraph.graph.entry_change_types import EntryChange, FieldChange
from complygraph.graph.exemption_changes import exemption_changes
from complygraph.graph.store import Store
from complygraph.vocab import XSD, list_iri


def _date(d: dt.date | str) -> Literal:
    return Literal(d if isinstance(d, str) else d.isoformat(), datatype=NamedNode(XSD + "date"))


def changed_entries(store: Store, list_id: str, since: dt.date | str, until: dt.date | str) -> list[EntryChange]:
    """The entries of a list at both `since` and `until` that a version in between changed (`cg:EntryChange`
    records, one per entry, version and field, written when a newer export was loaded): per field, the
    values before the first of those versions and after the last. A field changed and changed back is no
    change. The name shown is the entry's name at `until`."""
    rows = store.select("""
        SELECT ?entry ?name ?field ?on ?side ?value ?cas ?ec ?label WHERE {
          ?entry cg:inList ?list .
          ?c cg:changedEntry ?entry ; cg:changedField ?field ; cg:changedOn ?on .
          FILTER(?on > ?since)
          FILTER NOT EXISTS { ?entry cg:dateOfRemoval ?removed FILTER(?removed <= ?until) }
          OPTIONAL { ?entry cg:dateOfInclusion ?included }
          FILTER((BOUND(?included) && ?included <= ?since) || (!BOUND(?included) && EXISTS {
            ?v cg:versionOf ?list ; cg:validFrom ?first FILTER(?first <= ?since) }))
          { ?c cg:valueBefore ?value BIND("before" AS ?side) } UNION { ?c cg:valueAfter ?value BIND("after" AS ?side) }
          OPTIONAL { ?value cg:casNumber ?cas }
          OPTIONAL { ?value cg:ecNumber ?ec }
          OPTIONAL { ?value rdfs:label ?label FILTER(lang(?label) = "en") }
          OPTIONAL { ?entry rdfs:label ?name FILTER(lang(?name) = "en") }
        }""", {"list": list_iri(list_id), "since": _date(since), "until": _date(until)})
    last = _date(until).value
    # entry -> field -> date -> side -> {value term: as shown}
    found: dict[str, dict[str, dict[str, dict[str, dict[str, str]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: {"before": {}, "after": {}})))
    names: dict[str, str] = {}
    for r in rows:
        value = r["value"]
        # a substance by its CAS number, else EC number, else its shortest name (one row per name)
        shown = (r["cas"].value if "cas" in r else f"EC {r['ec'].value}" if "ec" in r
                 else r["label"].value if "label" in r else value.value)
        key = ("<" if isinstance(value, NamedNode) else "") + value.value
        side = found[r["entry"].value][r["field"].value][r["on"].value][r["side"].value]
        side[key] = min(side.get(key, shown), shown, key=lambda v: (len(v), v))
        names[r["entry"].value] = r["name"].value if "name" in r else ""
    out = []
    for entry, fields in found.items():
        changes, widened, narrowed = [], [], []
        for name, by_date in sorted(fields.items()):
            inside = sorted(d for d in by_date if d <= last)
            later = sorted(d for d in by_date if d > last)
            if name == "name" and later and by_date[later[0]]["before"]:
                names[entry] = next(iter(by_date[later[0]]["before"].values()))  # the name it had at `until`
            if not inside:
                continue
            before, after = by_date[inside[0]]["before"], by_date[inside[-1]]["after"]
            if before.keys() == after.keys():
                continue
            changes.append(FieldChange(name, sorted(before.values()), sorted(after.values())))
            if name == "substances":
                widened += [k[1:] for k in after if k.startswith("<") and k not in before]
                narrowed += [k[1:] for k in before if k.startswith("<") and k not in after]
        if changes:
            out.append(EntryChange(entry, names[entry], changes, widened, narrowed))
    # an exemption list changes by the dates of its exemptions (graph/exemption_changes.py)
    out += exemption_changes(store, list_id, since, until).changed
    return sorted(out, key=lambda c: (c.name, c.entry))
