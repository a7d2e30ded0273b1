"""Impact rows in GraphQL: the `Impact` type of `listChange.impacted`, `whereUsed` and `whatIf`, and pages of them
(`ImpactConnection`: `listChange.impactedPage`, `whereUsedPage`).

An impact answer is computed whole and kept per store revision (api/work.py), so its cursors are positions in
it: each names its field and its answer (the question and the store revision), and a cursor of another answer
(a write since, other arguments) is STALE_CURSOR: positions would skip or repeat rows silently.

Every row names what it is about the same way, whatever the field (QA7 B05): `entryIri` and `entryName` (as
`ChangedEntry` and the CLI `impact` name an entry); the old `entry` kept its value, which differs by field."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import strawberry
from strawberry.types import Info

from complygraph.api.common import PAGE_INFO, NamedRef, PageInfo, after_key, cursor_of, page_size
from complygraph.api.errors import user_error
from complygraph.api.work import ANSWERED_AT, work
from complygraph.graph.impact import ImpactRow
from complygraph.graph.revision_cache import RevisionCache

T = TypeVar("T")
DEFAULT_PAGE = 20  # as `parts`, `substances` and `bom`


@strawberry.type(description="The substance of an impact row")
class ImpactSubstance:
    cas: str | None = strawberry.field(description="Its CAS number; null when it has none")
    name: str | None = strawberry.field(description="Its shortest English name (one a declaration or list gives, "
                                                    "else the identity database's); null when it has none")


@strawberry.type(description="One occurrence of a substance in a part's material that a question reaches")
class Impact:
    change: str = strawberry.field(
        description="Why the row is in the answer: in `listChange`, \"added\" or \"removed\" (an entry, or an "
                    "exemption a use claims, that the list gained or lost) or \"changed\" (a substance a changed entry "
                    "gained or lost); \"used\" in `whereUsed(Page)`; \"what-if\" in `whatIf`")
    entry: str = strawberry.field(
        description="Kept with the value it always had, which differs by field: the list entry's name in "
                    "`listChange.impacted`, the CAS number as asked in `whereUsed(Page)` and `whatIf`; `entryIri` and "
                    "`entryName` mean the same everywhere",
        deprecation_reason="A name or a CAS number depending on the field: use entryIri and entryName")
    entry_iri: str = strawberry.field(
        description="The IRI of the list entry the row is about (as `ChangedEntry.entryIri` and the CLI `impact` "
                    "`entry`); in `whereUsed(Page)` and `whatIf`, which ask about substances, not entries, the IRI of "
                    "the substance asked about")
    entry_name: str | None = strawberry.field(
        description="The name of what `entryIri` names (as `ChangedEntry.entryName` and the CLI `impact` "
                    "`entry_name`); for a substance without a name, the CAS number as asked")
    part: NamedRef = strawberry.field(description="The part (the article) that holds the substance")
    material: NamedRef = strawberry.field(description="The part's homogeneous material that holds it")
    substance: ImpactSubstance = strawberry.field(description="The substance")
    ppm: float = strawberry.field(description="Its concentration in the homogeneous material, in ppm by mass")
    article_percent: float | None = strawberry.field(
        description="The substance's share of the article (the part), in percent; null without the part's mass")
    over_threshold: bool | None = strawberry.field(
        description="Whether the entry's substances together (a group entry's members summed, as validation "
                    "counts them) are over the list's limit: per article (limitBasis \"article\": the SVHC "
                    "threshold in this part) or per homogeneous material (\"material\": RoHS, as the element "
                    "where the law measures it; for an exemption that ended, the limit it lifted); null without one")
    limit_basis: str | None = strawberry.field(
        description="\"article\" or \"material\": what overThreshold measures; null without a limit")
    supplier: NamedRef = strawberry.field(description="The part's supplier")
    products: list[NamedRef] = strawberry.field(description="The products whose BOMs hold the part, at any depth")
    cursor: str = strawberry.field(
        description="Where this row is in its answer, for `after` of the next page of the same field "
                    "(`impacted` and `impactedPage` take each other's; `whereUsed` and `whereUsedPage` too)")


@strawberry.type(description="An impact row on a page, with its cursor")
class ImpactEdge:
    cursor: str = strawberry.field(description="The row's cursor (the same as `node.cursor`)")
    node: Impact = strawberry.field(description="The row")


@strawberry.type(description="One page of an impact answer, in the order of the whole answer (by `change`, then "
                             "largest share of the article first), with how many rows it has in all")
class ImpactConnection:
    edges: list[ImpactEdge] = strawberry.field(description="The page's rows with their cursors")
    nodes: list[Impact] = strawberry.field(description="`edges { node }` without the cursors")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int = strawberry.field(description="How many rows the whole answer has, over every page")


@dataclass(frozen=True)
class ImpactRows:
    """An answer's rows and what their cursors are of: `kind` names the field family in the cursor, `name` the
    field in errors, `scope` the answer; `of_substances`: rows of substances asked about, not of list entries."""

    rows: list[ImpactRow]
    kind: str
    name: str
    scope: str
    of_substances: bool = False

    def impact(self, i: ImpactRow, position: int) -> Impact:
        name = (i.substance_name or i.entry_name) if self.of_substances else i.entry_name
        return Impact(cursor=cursor_of(f"{self.scope}:{position}", self.kind), change=i.change, entry=i.entry_name,
                      entry_iri=i.entry, entry_name=name or None,
                      part=NamedRef(id=i.part_id, name=i.part_name),
                      material=NamedRef(id=i.material_id, name=i.material_name),
                      substance=ImpactSubstance(cas=i.cas or None, name=i.substance_name or None), ppm=i.ppm,
                      article_percent=None if i.article_percent != i.article_percent else i.article_percent,
                      over_threshold=i.over_threshold, limit_basis=i.limit_basis or None,
                      supplier=NamedRef(id=i.supplier_id, name=i.supplier_name),
                      products=[NamedRef(id=p, name=n) for p, n in i.products])

    def start(self, after: str | None) -> int:
        """The position a page starts at: after the row the cursor names, if it was given for this answer."""
        if after is None:
            return 0
        key = after_key(after, self.kind, self.name) or ""
        given, _, position = key.partition(":")
        if not (position.isascii() and position.isdigit()):
            raise user_error(f"after: not a cursor of {self.name}", "BAD_CURSOR")
        if given != self.scope:
            raise user_error("after: a cursor of another answer (the store changed since that page, or other "
                             "arguments): ask for the first page again", "STALE_CURSOR")
        return int(position) + 1

    def rows_after(self, first: int | None, after: str | None) -> list[Impact]:
        """`first` rows after `after`, or every row after it without `first` (the lists that were never paged)."""
        start = self.start(after)
        end = len(self.rows) if first is None else start + page_size(first)
        return [self.impact(i, n) for n, i in enumerate(self.rows[start:end], start)]

    def page(self, first: int | None, after: str | None) -> ImpactConnection:
        n, start = page_size(first), self.start(after)
        nodes = [self.impact(i, k) for k, i in enumerate(self.rows[start:start + n], start)]
        edges = [ImpactEdge(cursor=node.cursor, node=node) for node in nodes]
        info = PageInfo(has_next_page=start + n < len(self.rows), end_cursor=edges[-1].cursor if edges else None)
        return ImpactConnection(edges=edges, nodes=nodes, page_info=info, total_count=len(self.rows))


async def kept_answer(info: Info, cache: RevisionCache | None, key: Hashable,
                      compute: Callable[[], T]) -> tuple[T, str]:
    """A heavy answer shared per store revision (api/work.py) and the revision it is of, which its cursors name
    (a shared answer may be older than the store's revision now)."""
    outer, seen = ANSWERED_AT.get(), []
    token = ANSWERED_AT.set(seen)
    try:
        answer = await work(info).shared(cache, key, compute)
    finally:
        ANSWERED_AT.reset(token)
    if outer is not None:  # a request that keeps its whole response (api/kept_responses.py) learns it too
        outer.extend(seen)
    store = info.context["store"]
    return answer, (seen[0] if seen else await work(info).read(store.revision))


def scope_of(revision: str, *question: object) -> str:
    """What an answer's cursors are of: the store revision and the question's arguments."""
    return hashlib.sha256("|".join(map(str, (revision, *question))).encode()).hexdigest()[:16]
