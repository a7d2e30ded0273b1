"""Substances: their identifiers and names, the list entries that concern them, the groups they belong to,
and the `substance` and `substances` queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from complygraph.api.common import PageInfo, after_key, cas_arg, context, page_edges, page_size
from complygraph.api.work import work
from complygraph.graph.browse import substance_groups, substance_page
from complygraph.vocab import substance_iri


@strawberry.type
class Listing:
    list: str
    version: str | None
    date_of_inclusion: str | None
    reason: str | None
    entry: str | None


@strawberry.type
class Substance:
    iri: strawberry.Private[str]
    cas: str | None
    ec: str | None
    names: strawberry.Private[list[tuple[str, str | None]]]

    @strawberry.field
    def name(self, lang: str | None = "en") -> str | None:
        exact = sorted((n for n, lg in self.names if lg == lang), key=len)
        other = sorted((n for n, _ in self.names), key=len)
        return (exact or other or [None])[0]

    @strawberry.field
    async def listings(self, info: Info) -> list[Listing]:
        _, loaders = context(info)
        rows = await loaders.listings.load(self.iri)
        return [Listing(list=r["list"], version=r.get("included"), date_of_inclusion=r.get("included"),
                        reason=r.get("reason"), entry=r.get("name")) for r in rows]

    @strawberry.field
    async def groups(self, info: Info) -> list[str]:
        store, _ = context(info)
        return await work(info).read(substance_groups, store, self.iri)


def to_substance(d: dict | None) -> Substance | None:
    """A substance from the `substance` data loader's answer."""
    return None if d is None else Substance(iri=d["iri"], cas=d.get("cas"), ec=d.get("ec"), names=list(d["names"]))


@strawberry.type
class SubstanceEdge:
    cursor: str
    node: Substance


@strawberry.type
class SubstanceConnection:
    edges: list[SubstanceEdge]
    page_info: PageInfo


async def resolve_substance(info: Info, cas: str) -> Substance | None:
    _, loaders = context(info)
    return to_substance(await loaders.substance.load(substance_iri(cas=cas_arg(cas)).value))


async def resolve_substances(info: Info, search: str | None = None, lang: str | None = None,
                             first: int | None = 20, after: str | None = None) -> SubstanceConnection:
    store, loaders = context(info)
    n, start = page_size(first), after_key(after)
    page = await work(info).read(substance_page, store, start, n, search, lang)
    nodes = [to_substance(d) for d in await loaders.substance.load_many(page.keys)]
    edges, info_ = page_edges(SubstanceEdge, page.keys, nodes, page.more)
    return SubstanceConnection(edges=edges, page_info=info_)
