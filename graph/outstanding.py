"""Outstanding declarations: per supplier, the parts whose declaration a compliance team has to chase at a
date, why, since when, and by when (the request policy, graph/request_policy.py):

- `no-declaration`: nothing declares the part (the data-quality pack's `PartDeclaration` finding);
- `list-change`: the part's latest declaration (IPC-1752A, IEC 62474, survey answer or the import's
  `declaration_date`) is older than a version of a watched list in force at the date, which added, removed or
  changed entries (which list, which version date, which entries);
- `unresolved-identity`: the part contains a substance of no known formula that no list entry names (the
  data-quality pack's `SubstanceIdentity` finding, which makes the part's status unknown);
- `missing-evidence`: no evidence of the class a pack's shape requires, young enough (the evidence pack's
  certificate of non-use), when that pack is chosen.

Set-at-a-time: one query for the parts and their suppliers, one per reason over all parts (restricted to a
supplier by a bound value when one is asked for), and one list change per list version concerned, never a
query per part. The due date is the reason's start plus the policy's days; overdue from the day after.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.entry_changes import changed_entries
from complygraph.graph.queries import list_change, substance_names
from complygraph.graph.request_policy import Policy, PolicyError, Reason, load_policy
from complygraph.graph.store import Store
from complygraph.vocab import XSD, entity_iri

_DATE = NamedNode(XSD + "date")
NAMES_SHOWN = 3  # entry names a detail text spells out per change; the JSON has them all
NAME_CHARS = 50  # and at most so many characters of each (a reaction mass's name runs to hundreds)


@dataclass(frozen=True)
class ListChangeNote:
    """A version of a watched list after a part's declaration: the entries it added, removed and changed."""

    list_id: str
    date: dt.date
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    def text(self) -> str:
        parts = [f"{sign}{len(names)} {'entry' if len(names) == 1 else 'entries'}: {_names(names)}"
                 for sign, names in (("+", self.added), ("-", self.removed), ("~", self.changed)) if names]
        return f"{self.list_id} changed {self.date} ({'; '.join(parts)})"


def _names(names: tuple[str, ...]) -> str:
    shown = ", ".join(n if len(n) <= NAME_CHARS else n[:NAME_CHARS - 1] + "…" for n in names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


@dataclass
class PartInfo:
    iri: str
    id: str
    name: str
    item_number: str
    supplier_iri: str
    supplier_id: str
    supplier_name: str
    first_use: dt.date | None = None  # cg:firstUseDate, else the day the import that recorded the part ran
    first_use_read: bool = False


@dataclass
class Outstanding:
    """One part of one supplier whose declaration is outstanding for one reason."""

    part: PartInfo
    reason: Reason
    detail: str
    start: dt.date | None
    due: dt.date | None
    overdue: bool
    declared: dt.date | None = None
    changes: list[ListChangeNote] = field(default_factory=list)
    substances: list[tuple[str, str, str]] = field(default_factory=list)  # (IRI, name, CAS)
    requested: str | None = None  # the open request that already asks for it (graph/requests.py)


def _date(d: dt.date) -> Literal:
    return Literal(d.isoformat(), datatype=_DATE)


def _bindings(supplier: str | None) -> dict:
    return {"supplier": entity_iri("supplier", supplier)} if supplier else {}


def parts(store: Store, supplier: str | None = None) -> dict[str, PartInfo]:
    """Every part that has a supplier (nobody can be asked for a part without one: data-quality reports it).
    Two queries: the parts (their id is their IRI's, entity_iri's inverse, saving a join per part) and the
    suppliers' ids and names. The first use is read later, for the parts that need it (`fill_first_use`)."""
    rows = store.select("""
        SELECT ?part ?supplier ?pname ?item WHERE {
          ?part cg:suppliedBy ?supplier .
          OPTIONAL { ?part rdfs:label ?pname }
          OPTIONAL { ?part cg:itemNumber ?item }
        }""", _bindings(supplier))
    suppliers = {r["supplier"].value: (r["sid"].value, r["sname"].value if "sname" in r else "")
                 for r in store.select("""
        SELECT ?supplier ?sid ?sname WHERE {
          ?supplier a cg:Supplier ; dct:identifier ?sid .
          OPTIONAL { ?supplier rdfs:label ?sname }
        }""", _bindings(supplier))}
    out: dict[str, PartInfo] = {}
    for r in rows:
        if r["part"].value in out:
            continue
        sid, sname = suppliers.get(r["supplier"].value, (unquote(r["supplier"].value.rsplit("/", 1)[-1]), ""))
        out[r["part"].value] = PartInfo(
            r["part"].value, unquote(r["part"].value.rsplit("/", 1)[-1]), r["pname"].value if "pname" in r else "",
            r["item"].value if "item" in r else "", r["supplier"].value, sid, sname)
    return out


def fill_first_use(store: Store, infos: list[PartInfo]) -> None:
    """Set each part's first use: its cg:firstUseDate, else the day the earliest import that recorded it ran
    (batched VALUES queries over the parts not read yet, never one per part)."""
    todo = {p.iri: p for p in infos if not p.first_use_read}
    if not todo:
        return
    started = {r["act"].value: dt.date.fromisoformat(r["started"].value[:10]) for r in store.select(
        "SELECT ?act ?started WHERE { ?act a prov:Activity ; prov:startedAtTime ?started }")}
    rows = select_batched(store, """
        SELECT ?part ?first ?act WHERE {
          OPTIONAL { ?part cg:firstUseDate ?first }
          OPTIONAL { ?part prov:wasGeneratedBy ?act }
        }""", "part", [NamedNode(iri) for iri in todo])
    stated: dict[str, dt.date] = {}
    recorded: dict[str, dt.date] = {}
    for r in rows:
        if "first" in r:
            stated[r["part"].value] = dt.date.fromisoformat(r["first"].value[:10])
        day = started.get(r["act"].value) if "act" in r else None
        if day is not None:
            recorded[r["part"].value] = min(day, recorded.get(r["part"].value, day))
    for iri, p in todo.items():
        p.first_use, p.first_use_read = stated.get(iri, recorded.get(iri)), True


def declared(store: Store, supplier: str | None = None, at: dt.date | None = None) -> dict[str, dt.date]:
    """The date of each part's latest declaration made on or before `at` (all of them without `at`), superseded
    ones included (they are older anyway): what was declared as the day `at` stood, so `requests --at` a past
    date does not count a declaration that came later. Compared in Python: declarations carry xsd:date or
    xsd:dateTime, which SPARQL does not compare with each other."""
    latest: dict[str, dt.date] = {}
    for r in store.select("""
        SELECT ?part ?date WHERE {
          ?part cg:suppliedBy ?supplier .
          ?d cg:declares ?part ; dct:date ?date .
        }""", _bindings(supplier)):
        day = dt.date.fromisoformat(r["date"].value[:10])
        if (at is None or day <= at) and day > latest.get(r["part"].value, dt.date.min):
            latest[r["part"].value] = day
    return latest


def list_versions(store: Store, lists: tuple[str, ...], at: dt.date) -> dict[str, tuple[str, list[dt.date]]]:
    """Each watched list's id and its version dates in force on or before `at`, oldest first."""
    if not lists:
        return {}
    rows = store.select("""
        SELECT ?list ?lid ?date WHERE {
          ?v cg:versionOf ?list ; cg:validFrom ?date .
          ?list dct:identifier ?lid .
          FILTER(?date <= ?at)
        }""", {"list": [NamedNode(x) for x in lists], "at": _date(at)})
    out: dict[str, tuple[str, list[dt.date]]] = {}
    for r in rows:
        out.setdefault(r["list"].value, (r["lid"].value, []))[1].append(dt.date.fromisoformat(r["date"].value))
    return {k: (lid, sorted(set(dates))) for k, (lid, dates) in out.items()}


def _change(store: Store, list_id: str, dates: list[dt.date], i: int) -> ListChangeNote:
    """What the version of `dates[i]` changed against the version before it (the first: everything)."""
    since = dates[i - 1] if i else dates[0] - dt.timedelta(days=1)
    delta = list_change(store, list_id, since, dates[i])
    changed = changed_entries(store, list_id, since, dates[i])
    return ListChangeNote(list_id, dates[i], tuple(sorted(delta.added.values())),
                          tuple(sorted(delta.removed.values())), tuple(sorted(c.name for c in changed)))


def unresolved(store: Store, supplier: str | None = None) -> dict[str, list[NamedNode]]:
    """Part -> the substances it contains whose identity is unresolved, as dq:SubstanceIdentityQuery decides:
    no formula known, named by no list entry (and membership rules exist that would need the formula)."""
    # the few unresolved substances first (a sub-select fixes the join order), then their parts
    rows = store.select("""
        SELECT DISTINCT ?part ?substance WHERE {
          { SELECT ?substance WHERE {
              ?substance a cg:Substance .
              FILTER NOT EXISTS { ?substance cg:molecularFormula ?formula }
              FILTER NOT EXISTS { ?entry cg:concerns ?substance }
              FILTER EXISTS { ?rule cg:ruleFor ?group } } }
          ?occ cg:substance ?substance .
          ?m cg:contains ?occ .
          ?part cg:hasMaterial ?m .
          ?part cg:suppliedBy ?supplier .
        }""", _bindings(supplier))
    out: dict[str, list[NamedNode]] = defaultdict(list)
    for r in rows:
        out[r["part"].value].append(r["substance"])
    return out


def latest_evidence(store: Store, evidence_class: str, at: dt.date, supplier: str | None = None) -> dict[str, dt.date]:
    """Part -> the date of its latest evidence of the class dated on or before `at`."""
    rows = store.select("""
        SELECT ?part (MAX(?d) AS ?latest) WHERE {
          ?e a ?cls ; cg:supports ?part ; dct:date ?d .
          ?part cg:suppliedBy ?supplier .
          FILTER(?d <= ?at)
        } GROUP BY ?part""", {"cls": NamedNode(evidence_class), "at": _date(at), **_bindings(supplier)})
    return {r["part"].value: dt.date.fromisoformat(r["latest"].value[:10]) for r in rows if "latest" in r}


def outstanding(store: Store, at: dt.date, supplier: str | None = None, packs: list[str] | None = None,
                policy: Policy | None = None) -> list[Outstanding]:
    """Every outstanding declaration at `at` (of one supplier's parts when `supplier` is given), for the
    reasons of the policy that apply with `packs` (default: the reasons of no pack), ordered by supplier,
    part and reason."""
    policy = policy or load_policy()
    known = parts(store, supplier)
    latest = declared(store, supplier, at)
    out: list[Outstanding] = []
    for reason in policy.applying(packs or []):
        finder = _FINDERS.get(reason.id)
        if finder is None:
            raise PolicyError(f"request reason {reason.id!r} ({reason.iri}): no query answers it; known reasons: "
                              f"{', '.join(_FINDERS)}")
        out += finder(store, reason, at, supplier, known, latest)
    out.sort(key=lambda o: (o.part.supplier_id, o.part.id, _RANK[o.reason.id]))
    return out


def _row(part: PartInfo, reason: Reason, detail: str, start: dt.date | None, at: dt.date, **kw) -> Outstanding:
    due = start + dt.timedelta(days=reason.due_after_days) if start is not None else None
    return Outstanding(part, reason, detail, start, due, due is not None and at > due, **kw)


def _no_declaration(store, reason, at, supplier, known, latest) -> list[Outstanding]:
    undeclared = [p for iri, p in known.items() if iri not in latest]
    fill_first_use(store, undeclared)
    return [_row(p, reason, "no declaration" + (f"; first use {p.first_use}" if p.first_use else ""),
                 p.first_use, at) for p in undeclared]


def _list_change(store, reason, at, supplier, known, latest) -> list[Outstanding]:
    versions = list_versions(store, reason.lists, at)
    notes: dict[tuple[str, int], ListChangeNote] = {}

    def note(lst: str, i: int) -> ListChangeNote:
        if (lst, i) not in notes:
            lid, dates = versions[lst]
            notes[(lst, i)] = _change(store, lid, dates, i)
        return notes[(lst, i)]

    out = []
    for iri, date in latest.items():
        part = known.get(iri)
        if part is None:
            continue
        changes = []
        for lst, (_, dates) in sorted(versions.items(), key=lambda kv: kv[1][0]):
            for i in range(bisect.bisect_right(dates, date), len(dates)):
                n = note(lst, i)
                if n.added or n.removed or n.changed:  # a release that changed nothing asks for nothing
                    changes.append(n)
        if changes:
            start = min(c.date for c in changes)
            out.append(_row(part, reason, f"declared {date}; " + _changes_text(changes), start, at,
                            declared=date, changes=changes))
    return out


def _changes_text(changes: list[ListChangeNote]) -> str:
    """Per list, its first and latest change after the declaration, and how many came between."""
    texts = []
    for lid in dict.fromkeys(c.list_id for c in changes):
        mine = [c for c in changes if c.list_id == lid]
        between = f"; {len(mine) - 2} more {lid} versions; " if len(mine) > 2 else "; "
        texts.append(mine[0].text() + (between + mine[-1].text() if len(mine) > 1 else ""))
    return "; ".join(texts)


def _unresolved_identity(store, reason, at, supplier, known, latest) -> list[Outstanding]:
    found = unresolved(store, supplier)
    fill_first_use(store, [known[iri] for iri in found if iri in known and iri not in latest])
    names = substance_names(store, sorted({s for subs in found.values() for s in subs}, key=str))
    out = []
    for iri, subs in found.items():
        part = known.get(iri)
        if part is None:
            continue
        shown = sorted((s.value, *names.get(s.value, ("", ""))[::-1]) for s in subs)
        text = "; ".join(f"{name or iri.rsplit('/', 1)[-1]}" + (f" (CAS {cas})" if cas else "")
                         for iri, name, cas in shown)
        start = latest.get(iri, part.first_use)
        out.append(_row(part, reason, f"no formula known for {text}: not checked against substance groups",
                        start, at, declared=latest.get(iri), substances=shown))
    return out


def _missing_evidence(store, reason, at, supplier, known, latest) -> list[Outstanding]:
    assert reason.evidence_class is not None and reason.max_age_days is not None  # load_policy checks it
    kind = reason.evidence_class.rsplit("#", 1)[-1]
    newest = latest_evidence(store, reason.evidence_class, at, supplier)
    fill_first_use(store, [p for iri, p in known.items() if iri not in newest])
    out = []
    for iri, part in known.items():
        last = newest.get(iri)
        lapsed = last + dt.timedelta(days=reason.max_age_days + 1) if last else None  # first day too old
        if lapsed is not None and lapsed > at:
            continue  # fresh: dated within the maximum age before `at`
        detail = (f"latest {kind} {last}, older than {reason.max_age_days} days" if last
                  else f"no {kind}")
        out.append(_row(part, reason, detail, lapsed or part.first_use, at, declared=latest.get(iri)))
    return out


_FINDERS = {"no-declaration": _no_declaration, "list-change": _list_change,
            "unresolved-identity": _unresolved_identity, "missing-evidence": _missing_evidence}
_RANK = {name: i for i, name in enumerate(_FINDERS)}
