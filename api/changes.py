"""Regulatory lists and what their changes touch: the `lists`, `listChange` (entries added, removed and changed,
with what changed; each added or removed entry with its date of inclusion and the substances it concerns),
`whereUsed` and `whatIf` queries and the impact rows they answer with."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.common import (
    MAX_PAGE,
    NamedRef,
    after_key,
    arg,
    cas_arg,
    context,
    cursor_of,
    date_arg,
    page_size,
)
from complygraph.api.errors import user_error
from complygraph.api.substances import Substance
from complygraph.api.work import ANSWERED_AT, answers, work
from complygraph.graph import changes
from complygraph.graph.impact import ImpactRow
from complygraph.graph.impact import where_used as find_where_used
from complygraph.graph.queries import UnknownList, check_list
from complygraph.graph.queries import lists as list_infos
from complygraph.vocab import substance_iri


@strawberry.type
class ListVersion:
    date: str
    entry_count: int


@strawberry.type
class RegulatoryList:
    id: strawberry.ID
    title: str
    regulation: str
    versions: list[ListVersion]
    sources: list[str]
    evaluated_entries: int = strawberry.field(description="Entries a restriction of the list evaluates (rules as data)")
    listed_only_entries: int = strawberry.field(description="Entries listed but evaluated by no rule")


@strawberry.type
class ImpactSubstance:
    cas: str | None
    name: str | None


@strawberry.type
class Impact:
    change: str
    entry: str
    part: NamedRef
    material: NamedRef
    substance: ImpactSubstance
    ppm: float
    article_percent: float | None = strawberry.field(
        description="The substance's share of the article (the part), in percent; null without the part's mass")
    over_threshold: bool | None = strawberry.field(
        description="Whether the entry's substances together (a group entry's members summed, as validation "
                    "counts them) are over the list's limit: per article (limitBasis \"article\": the SVHC "
                    "threshold in this part) or per homogeneous material (\"material\": RoHS, as the element "
                    "where the law measures it; for an exemption that ended, the limit it lifted); null without one")
    limit_basis: str | None = strawberry.field(
        description="\"article\" or \"material\": what overThreshold measures; null without a limit")
    supplier: NamedRef
    products: list[NamedRef]
    cursor: str = strawberry.field(description="Where this row is in its answer, for `after` of the next page")


def _impact(i: ImpactRow, position: int, scope: str = "") -> Impact:
    return Impact(cursor=cursor_of(f"{scope}:{position}", "impact"), change=i.change, entry=i.entry_name,
                  part=NamedRef(id=i.part_id, name=i.part_name),
                  material=NamedRef(id=i.material_id, name=i.material_name),
                  substance=ImpactSubstance(cas=i.cas or None, name=i.substance_name or None), ppm=i.ppm,
                  article_percent=None if i.article_percent != i.article_percent else i.article_percent,
                  over_threshold=i.over_threshold, limit_basis=i.limit_basis or None,
                  supplier=NamedRef(id=i.supplier_id, name=i.supplier_name),
                  products=[NamedRef(id=p, name=n) for p, n in i.products])


@strawberry.type(description="An entry the list gained or lost between the two dates")
class ChangedEntry:
    entry: str
    name: str
    date_of_inclusion: str | None = strawberry.field(description="The date the entry was added to the list")
    substances: list[Substance] = strawberry.field(
        description="The substances the entry concerns (an added entry at `to`, a removed one at `from`), by CAS "
                    "number, then EC number, then name; a group entry's member substances as the list names them")


@strawberry.type(description="One field of an entry that differs between the two dates")
class FieldChange:
    field: str = strawberry.field(description="name, name@ja, description, substances (CAS numbers, else EC "
                                              "numbers), entryNumber, dateOfInclusion, reasons, limits, ...")
    before: str | None = strawberry.field(description="The value at `from` (several joined by '; '), null if none")
    after: str | None = strawberry.field(description="The value at `to` (several joined by '; '), null if none")
    added: list[str] = strawberry.field(description="Values at `to` that were not there at `from`")
    removed: list[str] = strawberry.field(description="Values at `from` that are gone at `to`")


@strawberry.type(description="An entry on the list at both dates whose stated facts differ")
class EntryChange:
    entry: str
    name: str
    changes: list[FieldChange]


@strawberry.type
class ListChange:
    added: list[ChangedEntry]
    removed: list[ChangedEntry]
    changed: list[EntryChange]
    rows: strawberry.Private[list[ImpactRow]]
    scope: strawberry.Private[str]  # what its cursors are of: the list, the dates and the store revision

    @strawberry.field(description="Occurrences the added and removed entries reach, and the substances changed "
                                  "entries gained or lost (change: changed), largest share of the article first: "
                                  "all of them, or `first` (1 to 100) after the `after` cursor of an earlier "
                                  "page's last row (`Impact.cursor`; a position in the answer at this store "
                                  "revision). At 10^6 parts a change reaches ~58,000 rows, whose GraphQL alone "
                                  "takes seconds: ask for pages and `impactedCount`.")
    def impacted(self, first: int | None = None, after: str | None = None) -> list[Impact]:
        start = 0 if after is None else _position(after, self.scope) + 1
        end = len(self.rows) if first is None else start + page_size(first)
        return [_impact(i, n, self.scope) for n, i in enumerate(self.rows[start:end], start)]

    @strawberry.field(description="How many rows `impacted` has in all")
    def impacted_count(self) -> int:
        return len(self.rows)


def _position(cursor: str, scope: str) -> int:
    """The row a cursor of `impacted` names, if it was given for this answer (`scope`: the list, dates and store
    revision): a write between two pages changes the rows, and positions would skip or repeat some silently."""
    key = after_key(cursor, "impact", "impacted") or ""
    given, _, position = key.partition(":")
    if not (position.isascii() and position.isdigit()):
        raise user_error("after: not a cursor of impacted", "BAD_CURSOR")
    if given != scope:
        raise user_error("after: a cursor of another answer (the store changed since that page, or another list "
                         "or dates): ask for the first page again", "STALE_CURSOR")
    return int(position)


def _joined(values: list[str]) -> str | None:
    return "; ".join(values) or None


def _entry(answer: changes.ChangeAnswer, entry: str, name: str) -> ChangedEntry:
    """An added or removed entry with what the kept answer says it concerns (no query)."""
    facts = answer.entries.get(entry) or changes.EntryFacts(None)
    return ChangedEntry(entry=entry, name=name, date_of_inclusion=facts.date_of_inclusion,
                        substances=[Substance(iri=s.iri, cas=s.cas, ec=s.ec, names=list(s.names))
                                    for s in facts.substances])


def _list_change(answer: changes.ChangeAnswer, scope: str = "") -> ListChange:
    return ListChange(added=[_entry(answer, k, v) for k, v in sorted(answer.change.added.items())],
                      removed=[_entry(answer, k, v) for k, v in sorted(answer.change.removed.items())],
                      changed=[EntryChange(entry=c.entry, name=c.name, changes=[
                          FieldChange(field=f.field, before=_joined(f.before), after=_joined(f.after),
                                      added=f.added, removed=f.removed) for f in c.changes])
                          for c in answer.changed],
                      rows=answer.impacted, scope=scope)


def _check_count(cas: list[str]) -> None:
    if len(cas) > MAX_PAGE:
        raise user_error(f"cas: at most {MAX_PAGE} numbers", "PAGE_SIZE")


def _substances(cas: list[str], change: str) -> dict[str, tuple[str, str]]:
    """The substances of CAS number arguments as impact entries (IRI -> (change, number as given))."""
    return {substance_iri(cas=cas_arg(n)).value: (change, n) for n in cas}


async def resolve_lists(info: Info) -> list[RegulatoryList]:
    store, _ = context(info)
    return [RegulatoryList(id=i.id, title=i.title, regulation=i.regulation,
                           versions=[ListVersion(date=d, entry_count=n) for d, n in i.versions],
                           sources=i.sources, evaluated_entries=i.evaluated, listed_only_entries=i.listed_only)
            for i in await work(info).read(list_infos, store)]


async def resolve_list_change(
        info: Info, list: Annotated[str, arg("The list's id, as `lists` gives it (eu-reach-svhc, ...)")],
        from_: Annotated[str, arg("The earlier date (YYYY-MM-DD): the list as it stood then", name="from")],
        to: Annotated[str, arg("The later date (YYYY-MM-DD), not before `from`")]) -> ListChange:
    store, _ = context(info)
    since, until = date_arg(from_, "from"), date_arg(to, "to")
    if since > until:
        raise user_error(f"from: {since} is after to: {until}; give the earlier date first", "BAD_USER_INPUT")
    try:
        await work(info).read(check_list, store, list)
    except UnknownList as exc:
        raise user_error(f"list: {exc}", "UNKNOWN_LIST") from None
    # seconds of work on a large store: a heavy answer, kept until the store changes (the start-up warming
    # fills the same cache under the same key)
    outer, seen = ANSWERED_AT.get(), []
    token = ANSWERED_AT.set(seen)  # the revision the answer was asked at (a shared one's may be older than now)
    try:
        answer = await work(info).shared(info.context.get("cache"), changes.change_key(list, since, until),
                                         lambda: changes.list_change_answer(store, list, since, until))
    finally:
        ANSWERED_AT.reset(token)
    if outer is not None:
        outer.extend(seen)
    revision = seen[0] if seen else await work(info).read(store.revision)
    digest = hashlib.sha256(f"{revision}|{list}|{since}|{until}".encode()).hexdigest()[:16]
    return _list_change(answer, digest)


async def resolve_where_used(
        info: Info, cas: Annotated[list[str], arg(f"CAS numbers, at most {MAX_PAGE}")],
        min_ppm: Annotated[float | None, arg("Only occurrences at or above this concentration, in parts per million "
                                             "of the part's mass (0 to 1000000)")] = None) -> list[Impact]:
    store, _ = context(info)
    _check_count(cas)
    if min_ppm is not None and not 0 <= min_ppm <= 1_000_000:  # NaN and infinity fail both
        raise user_error("minPpm: between 0 and 1000000 (parts per million of the part's mass)", "BAD_USER_INPUT")
    substances = _substances(cas, "used")
    key = ("whereUsed", tuple(sorted(substances.items())))
    found = await work(info).shared(answers(info), key,
                                    lambda: find_where_used(store, substances, None, of_substances=True))
    return [_impact(i, n) for n, i in enumerate(i for i in found if min_ppm is None or i.ppm >= min_ppm)]


async def resolve_what_if(
        info: Info, cas: Annotated[list[str], arg(f"CAS numbers, at most {MAX_PAGE}")],
        limit_percent: Annotated[float, arg("The limit, in percent by mass (0 to 100) of the article or the "
                                            "material, as `basis` says")] = 0.1,
        basis: Annotated[str, arg("\"article\" (the substance over the part's mass, as REACH Art. 33) or "
                                  "\"material\" (per homogeneous material, as RoHS)")] = "article") -> list[Impact]:
    """Where proposed substances (eu-reach-svhc-proposed) would matter if listed with this limit, per
    article (the substance over the part's mass) or per homogeneous material."""
    store, _ = context(info)
    if basis not in ("article", "material"):
        raise user_error("basis: article or material", "BAD_USER_INPUT")
    _check_count(cas)
    if not 0 <= limit_percent <= 100:
        raise user_error("limitPercent: between 0 and 100", "BAD_USER_INPUT")
    substances, limit = _substances(cas, "what-if"), Decimal(str(limit_percent))
    key = ("whatIf", tuple(sorted(substances.items())), limit, basis)
    found = await work(info).shared(answers(info), key,
                                    lambda: changes.what_if(store, substances, limit, basis == "material"))
    return [_impact(i, n) for n, i in enumerate(found)]
