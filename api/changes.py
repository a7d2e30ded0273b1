"""Regulatory lists and what their changes touch: the `lists`, `listChange` (entries added, removed and changed,
with what changed; each added or removed entry with its date of inclusion and the substances it concerns),
`whereUsed` (and its pages, `whereUsedPage`) and `whatIf` queries; the impact rows they answer with are in
api/impacts.py. Added and removed entries come in the order of `complygraph list-diff` (QA7 B12)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.common import AFTER, FIRST, MAX_PAGE, after_key, arg, cas_arg, context, date_arg, page_size
from complygraph.api.errors import user_error
from complygraph.api.impacts import DEFAULT_PAGE, Impact, ImpactConnection, ImpactRows, kept_answer, scope_of
from complygraph.api.substances import Substance
from complygraph.api.work import answers, work
from complygraph.graph import changes
from complygraph.graph.impact import where_used as find_where_used
from complygraph.graph.queries import UnknownList, check_list
from complygraph.graph.queries import lists as list_infos
from complygraph.vocab import substance_iri


@strawberry.type(description="A version of a regulatory list in the store")
class ListVersion:
    date: str = strawberry.field(description="The date from which the version holds (YYYY-MM-DD)")
    entry_count: int = strawberry.field(description="How many entries the version has")


@strawberry.type(description="A regulatory list in the store (Candidate List, RoHS Annex II, CSCL Class I, ...)")
class RegulatoryList:
    id: strawberry.ID = strawberry.field(description="The list's id (eu-reach-svhc, eu-rohs-annex-ii, ...)")
    title: str = strawberry.field(description="The list's English title; its id when it has none")
    regulation: str = strawberry.field(description="The id of the regulation it is under; empty when none is "
                                                   "recorded")
    versions: list[ListVersion] = strawberry.field(description="Its versions in the store, newest first")
    sources: list[str] = strawberry.field(description="The files it was loaded from, each \"name <download URL>\" "
                                                      "(the URL where known), by name")
    evaluated_entries: int = strawberry.field(description="Entries a restriction of the list evaluates (rules as data)")
    listed_only_entries: int = strawberry.field(description="Entries listed but evaluated by no rule")


ENTRY_IRI = "The entry's IRI (the same as `entry`; as `Impact.entryIri` and the CLI `entry`)"
ENTRY_NAME = "The entry's name (the same as `name`; as `Impact.entryName` and the CLI `name` / `entry_name`)"


@strawberry.type(description="An entry the list gained or lost between the two dates")
class ChangedEntry:
    entry: str = strawberry.field(description="The entry's IRI (`entryIri`)")
    name: str = strawberry.field(description="The entry's name (`entryName`)")
    date_of_inclusion: str | None = strawberry.field(description="The date the entry was added to the list")
    substances: list[Substance] = strawberry.field(
        description="The substances the entry concerns (an added entry at `to`, a removed one at `from`), by CAS "
                    "number, then EC number, then name; a group entry's member substances as the list names them")

    @strawberry.field(description=ENTRY_IRI)
    def entry_iri(self) -> str:
        return self.entry

    @strawberry.field(description=ENTRY_NAME)
    def entry_name(self) -> str:
        return self.name


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
    entry: str = strawberry.field(description="The entry's IRI (`entryIri`)")
    name: str = strawberry.field(description="The entry's name (`entryName`)")
    changes: list[FieldChange] = strawberry.field(description="The fields that differ, by field name")

    @strawberry.field(description=ENTRY_IRI)
    def entry_iri(self) -> str:
        return self.entry

    @strawberry.field(description=ENTRY_NAME)
    def entry_name(self) -> str:
        return self.name


@strawberry.type(description="What changed on a list between two dates, and the occurrences it reaches")
class ListChange:
    added: list[ChangedEntry] = strawberry.field(description="By name, then IRI, as `complygraph list-diff`")
    removed: list[ChangedEntry] = strawberry.field(description="By name, then IRI, as `complygraph list-diff`")
    changed: list[EntryChange] = strawberry.field(description="Entries on the list at both dates whose stated "
                                                              "facts differ, by name, then IRI")
    rows: strawberry.Private[ImpactRows]

    @strawberry.field(description="Occurrences the added and removed entries reach, and the substances changed "
                                  "entries gained or lost (change: changed), by `change`, then largest share of the "
                                  "article first (a part without a mass last). "
                                  "Without `first` every row, in one answer and not a page (as it always was, "
                                  "so clients that read it whole still get it all); with `first` (1 to 100) the "
                                  "rows after the `after` cursor of an earlier row (`Impact.cursor`; a position "
                                  "in the answer at this store revision). `impactedPage` pages them with a total "
                                  "and `hasNextPage`. At 10^6 parts a change reaches ~58,000 rows, whose GraphQL "
                                  "alone takes seconds: ask for pages.")
    def impacted(self, first: Annotated[int | None, arg(f"How many rows: 1 to {MAX_PAGE}; left out: every row")]
                 = None, after: Annotated[str | None, arg(AFTER)] = None) -> list[Impact]:
        return self.rows.rows_after(first, after)

    @strawberry.field(description="The rows of `impacted` one page at a time (`first` default "
                                  f"{DEFAULT_PAGE}, at most {MAX_PAGE}), with `totalCount` and `pageInfo`; its "
                                  "cursors and those of `impacted` are the same")
    def impacted_page(self, first: Annotated[int | None, arg(FIRST)] = DEFAULT_PAGE,
                      after: Annotated[str | None, arg(AFTER)] = None) -> ImpactConnection:
        return self.rows.page(first, after)

    @strawberry.field(description="How many rows `impacted` has in all")
    def impacted_count(self) -> int:
        return len(self.rows.rows)


def _joined(values: list[str]) -> str | None:
    return "; ".join(values) or None


def _entry(answer: changes.ChangeAnswer, entry: str, name: str) -> ChangedEntry:
    """An added or removed entry with what the kept answer says it concerns (no query)."""
    facts = answer.entries.get(entry) or changes.EntryFacts(None)
    return ChangedEntry(entry=entry, name=name, date_of_inclusion=facts.date_of_inclusion,
                        substances=[Substance(iri=s.iri, cas=s.cas, ec=s.ec, names=list(s.names))
                                    for s in facts.substances])


def _by_name(found: dict[str, str]) -> list[tuple[str, str]]:
    """(IRI, name) by name, then IRI: the order of `complygraph list-diff` (complygraph/reports.py `diff_json`)."""
    return sorted(found.items(), key=lambda x: (x[1], x[0]))


def _list_change(answer: changes.ChangeAnswer, scope: str = "") -> ListChange:
    return ListChange(added=[_entry(answer, k, v) for k, v in _by_name(answer.change.added)],
                      removed=[_entry(answer, k, v) for k, v in _by_name(answer.change.removed)],
                      changed=[EntryChange(entry=c.entry, name=c.name, changes=[
                          FieldChange(field=f.field, before=_joined(f.before), after=_joined(f.after),
                                      added=f.added, removed=f.removed) for f in c.changes])
                          for c in answer.changed],
                      rows=ImpactRows(answer.impacted, "impact", "impacted", scope))


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
    answer, revision = await kept_answer(info, info.context.get("cache"), changes.change_key(list, since, until),
                                         lambda: changes.list_change_answer(store, list, since, until))
    return _list_change(answer, scope_of(revision, list, since, until))


CAS_ARG = arg(f"CAS numbers, at most {MAX_PAGE}")
# the occurrence's `ppm`: by mass of its homogeneous material (cg:concentrationPpm), not of the part
MIN_PPM_ARG = arg("Only occurrences at or above this concentration, in parts per million by mass of the homogeneous "
                  "material (`Impact.ppm`; 0 to 1000000)")


async def where_used_rows(info: Info, cas: list[str], min_ppm: float | None) -> ImpactRows:
    """Every occurrence of the substances (at `min_ppm` or more), largest share first, with cursors of `whereUsed`
    bound to the question and the store revision."""
    store, _ = context(info)
    _check_count(cas)
    if min_ppm is not None and not 0 <= min_ppm <= 1_000_000:  # NaN and infinity fail both
        raise user_error("minPpm: between 0 and 1000000 (parts per million of the material's mass)",
                         "BAD_USER_INPUT")
    substances = _substances(cas, "used")
    key = ("whereUsed", tuple(sorted(substances.items())))
    found, revision = await kept_answer(info, answers(info), key,
                                        lambda: find_where_used(store, substances, None, of_substances=True))
    rows = [i for i in found if min_ppm is None or i.ppm >= min_ppm]
    return ImpactRows(rows, "whereUsed", "whereUsedPage", scope_of(revision, key, min_ppm), of_substances=True)


async def resolve_where_used(info: Info, cas: Annotated[list[str], CAS_ARG],
                             min_ppm: Annotated[float | None, MIN_PPM_ARG] = None) -> list[Impact]:
    rows = await where_used_rows(info, cas, min_ppm)
    return rows.rows_after(None, None)


async def resolve_where_used_page(
        info: Info, cas: Annotated[list[str], CAS_ARG], min_ppm: Annotated[float | None, MIN_PPM_ARG] = None,
        first: Annotated[int | None, arg(FIRST)] = DEFAULT_PAGE,
        after: Annotated[str | None, arg(AFTER)] = None) -> ImpactConnection:
    page_size(first)  # a wrong page or a cursor of another field is refused before the computation
    after_key(after, "whereUsed", "whereUsedPage")
    return (await where_used_rows(info, cas, min_ppm)).page(first, after)


async def resolve_what_if(
        info: Info, cas: Annotated[list[str], CAS_ARG],
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
    return ImpactRows(found, "impact", "whatIf", "", of_substances=True).rows_after(None, None)
