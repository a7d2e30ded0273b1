"""Bills of materials in GraphQL: `Product { bom }` and `Part { bom }`, a tree of lines paged like `parts`
(first/after keyset cursors, `first` 1 to 100), each line with its child `Part` (so `compliance`, `supplier`
and `materials` work on it), the quantity, the path from the root and its own `bom`.

Each level of a response is one store query: the lines of every parent asked for on a level are loaded
together by this request's BOM loader (`graph/bom.py`), whatever their number. A line whose child is already
on its path (a BOM cycle, which the `data-quality` pack reports as `cg:inBomCycle`) says so with `cycle` and
has an empty `bom`: the tree is decided from the path itself, so a cycle written after the last validation
never makes a response loop. The query's depth and cost limits (api/limits.py) bound how far down one
response goes; a deeper sub-assembly is opened with `part(id) { bom }`.

`api.parts` builds on this module (its `Part.bom` and `Product.bom` call `bom_of`), so this one names the
`Part` type lazily and makes a line's part with the factory `bom_of` is given: no import cycle.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from complygraph.api.common import (
    EDGE_CURSOR,
    PAGE_INFO,
    AfterArg,
    FirstArg,
    PageInfo,
    after_key,
    context,
    page_edges,
    page_size,
    to_float,
)
from complygraph.api.work import work
from complygraph.graph.bom import LinePage, bom_pages

DEFAULT_PAGE = 20  # as `parts`: the cost of a nested `bom` is priced by its `first`, or this default
_LOADER = "bom-loader"
# the `Part` type of api.parts, which imports this module; strawberry resolves the name from the module path
LazyPart = Annotated["Part", strawberry.lazy("complygraph.api.parts")]  # noqa: F821
# makes a `Part` from the part loader's answer (id, name, mass, supplier) and its IRI
PartFactory = Callable[[dict, str], Any]


@strawberry.type(description="One line of a bill of materials: a child part in its parent, how many, and where "
                             "it sits in the tree that was asked for")
class BomLine:
    ancestors: strawberry.Private[tuple[str, ...]]
    total: strawberry.Private[Decimal | None]
    make_part: strawberry.Private[PartFactory]
    child: strawberry.Private[str]
    part: LazyPart = strawberry.field(description="The child part")
    quantity: float | None = strawberry.field(description="How many of the child go into one parent; null when "
                                                          "the line states none")
    unit: str | None = strawberry.field(description="The unit of the quantity as the source stated it; null for "
                                                    "pieces (every line the CSV/JSON import writes)")
    depth: int = strawberry.field(description="1 for a line of the product or part asked for, 2 below it, ...")
    path: list[strawberry.ID] = strawberry.field(description="Ids from the product or part asked for down to this "
                                                             "line's part")
    cycle: bool = strawberry.field(description="The part is already on the path above it (a BOM cycle in the "
                                               "data): its `bom` is empty so the tree ends here")

    @strawberry.field(description="How many of this part one root (the product or part asked for) holds along "
                                  "this path: the product of the quantities on it; null if one is not stated")
    def total_quantity(self) -> float | None:
        return None if self.total is None else float(self.total)

    @strawberry.field(description="The lines of this line's part, paged like `parts`; empty on a cycle")
    async def bom(self, info: Info, first: FirstArg = DEFAULT_PAGE, after: AfterArg = None) -> BomConnection:
        if self.cycle:
            page_size(first)
            after_key(after, "bom")
            return BomConnection(edges=[], nodes=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
        return await bom_connection(info, self.make_part, self.ancestors + (self.child,), self.path, self.total,
                                    first, after)


@strawberry.type(description="A line on a page of a `bom`, with its cursor")
class BomEdge:
    cursor: str = strawberry.field(description=EDGE_CURSOR)
    node: BomLine = strawberry.field(description="The line")


@strawberry.type(description="One page of the lines under a product or part, in the order of their child parts")
class BomConnection:
    edges: list[BomEdge] = strawberry.field(description="The page's lines with their cursors")
    nodes: list[BomLine] = strawberry.field(description="The lines of `edges`, without cursors: one level less "
                                                        "of nesting for the query depth limit")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


async def _load(store: Any, run: Callable[..., Awaitable[Any]],
                keys: list[tuple[str, str | None, int]]) -> list[LinePage]:
    """Pages for (parent IRI, after key, page size) keys: one query per distinct (after, size), which on one
    level of a response is one query (nested `bom` fields rarely carry their own cursor)."""
    groups: dict[tuple[str | None, int], list[str]] = defaultdict(list)
    for parent, after, size in keys:
        groups[(after, size)].append(parent)
    found: dict[tuple[str, str | None, int], LinePage] = {}
    for (after, size), parents in groups.items():
        for parent, page in (await run(bom_pages, store, parents, after, size)).items():
            found[(parent, after, size)] = page
    return [found[k] for k in keys]


def _loader(info: Info) -> DataLoader:
    """This request's BOM loader (its cache must not outlive the request)."""
    loader = info.context.get(_LOADER)
    if loader is None:
        store, _ = context(info)
        loader = info.context[_LOADER] = DataLoader(functools.partial(_load, store, work(info).read))
    return loader


def _times(total: Decimal | None, quantity: str | None) -> Decimal | None:
    return None if total is None or quantity is None else total * Decimal(quantity)


async def bom_connection(info: Info, make_part: PartFactory, ancestors: tuple[str, ...], path: list[strawberry.ID],
                         total: Decimal | None, first: int | None, after: str | None) -> BomConnection:
    """The page of lines under `ancestors[-1]`; `ancestors` are the IRIs from the root down to it, `path` their
    ids and `total` how many of it one root holds."""
    n, start = page_size(first), after_key(after, "bom")
    page = await _loader(info).load((ancestors[-1], start, n))
    nodes = []
    for line in page.lines:
        part = make_part(line.part, line.child)
        nodes.append(BomLine(ancestors=ancestors, total=_times(total, line.quantity), make_part=make_part,
                             child=line.child, part=part,
                             quantity=to_float(line.quantity), unit=line.unit, depth=len(ancestors),
                             path=[*path, part.id], cycle=line.child in ancestors))
    edges, page_info = page_edges(BomEdge, [line.key for line in page.lines], nodes, page.more, "bom")
    return BomConnection(edges=edges, nodes=nodes, page_info=page_info)


async def bom_of(info: Info, make_part: PartFactory, iri: str, id: strawberry.ID, first: int | None,
                 after: str | None) -> BomConnection:
    """The lines of the product or part `iri` (with the user's id `id`), the root of the tree; `make_part` makes
    the `Part` of each line."""
    return await bom_connection(info, make_part, (iri,), [id], Decimal(1), first, after)
