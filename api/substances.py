"""Substances: their identifiers and names, the list entries that concern them, the groups they belong to,
and the `substance` and `substances` queries."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.common import (
    AFTER,
    EDGE_CURSOR,
    FIRST,
    LANGUAGES,
    PAGE_INFO,
    PageInfo,
    after_key,
    arg,
    cas_arg,
    context,
    lang_arg,
    page_edges,
    page_size,
)
from complygraph.api.work import work
from complygraph.graph.browse import substance_groups, substance_page
from complygraph.vocab import substance_iri


@strawberry.type(description="A list entry that concerns the substance: one per entry")
class Listing:
    list: str = strawberry.field(description="The list's id, as `lists` gives it (eu-reach-svhc, ...)")
    version: str | None = strawberry.field(description="The entry's date of inclusion (YYYY-MM-DD), the same as "
                                                       "`dateOfInclusion`; null when the list states none")
    date_of_inclusion: str | None = strawberry.field(description="The date the entry was first included in the list "
                                                                 "(YYYY-MM-DD); null when the list states none")
    reason: str | None = strawberry.field(description="The entry's reasons in one text, each part once (`reasons` "
                                                      "gives them one by one)")
    reasons: list[str] = strawberry.field(description="Every reason the list states for the entry")
    entry: str | None = strawberry.field(
        description="The entry's English name (`entryName`), where `entry` elsewhere (ChangedEntry, the CLI) is "
                    "the IRI",
        deprecation_reason="The entry's name here, its IRI elsewhere: use entryName and entryIri")
    entry_iri: str = strawberry.field(description="The entry's IRI (as `ChangedEntry.entryIri` and `Impact.entryIri`)")
    entry_name: str | None = strawberry.field(description="The entry's English name (as `ChangedEntry.entryName`)")


@strawberry.type(description="A chemical substance, by its identifiers, names, list entries and groups")
class Substance:
    iri: strawberry.Private[str]
    cas: str | None = strawberry.field(description="Its CAS number; null for a substance known by other means (EC "
                                                   "number, name)")
    ec: str | None = strawberry.field(description="Its EC number; null when none is recorded")
    names: strawberry.Private[list[tuple[str, str | None]]]

    @strawberry.field(description="Its shortest name in `lang` (of equally short ones, the first in alphabetical "
                                  "order); null when it has no name in that language, unless `fallback` is true. "
                                  "With `lang: null`, its shortest name in any language")
    def name(self, lang: Annotated[str | None, arg(f"A language code: {', '.join(LANGUAGES)}; null: any "
                                                   "language")] = "en",
             fallback: Annotated[bool, arg("What to answer when it has no name in `lang`: false (the default) "
                                           "null; true its shortest name in another language, which is then not "
                                           "in `lang`")] = False) -> str | None:
        # a name in another language once came back silently, as if it were in `lang` (QA7 B11)
        lang_arg(lang)
        found = [n for n, lg in self.names if lang is None or lg == lang]
        if not found and fallback:
            found = [n for n, _ in self.names]
        return min(found, key=lambda n: (len(n), n), default=None)

    @strawberry.field(description="The list entries that concern the substance, one per entry (with all its "
                                  "reasons), by list and date of inclusion")
    async def listings(self, info: Info) -> list[Listing]:
        _, loaders = context(info)
        return _listings(await loaders.listings.load(self.iri))

    @strawberry.field(description="The names of the substance groups (of lists and company policies) that have it "
                                  "as a member, in alphabetical order")
    async def groups(self, info: Info) -> list[str]:
        store, _ = context(info)
        return await work(info).read(substance_groups, store, self.iri)


def _listings(rows: list[dict]) -> list[Listing]:
    """One listing per entry: the query has a row per reason (and name, date), and an entry with two reasons was
    listed twice (QA7 B10)."""
    by_entry: dict[str, list[dict]] = {}
    for r in rows:
        by_entry.setdefault(r["entry"], []).append(r)
    out = []
    for entry_rows in by_entry.values():
        def first(key: str, rows: list[dict] = entry_rows) -> str | None:
            return min((r[key] for r in rows if key in r), default=None)
        reasons = sorted({r["reason"] for r in entry_rows if "reason" in r})
        parts = dict.fromkeys(p.strip() for reason in reasons for p in reason.split(";") if p.strip())
        out.append(Listing(list=entry_rows[0]["list"], version=first("included"), date_of_inclusion=first("included"),
                           reason="; ".join(parts) or None, reasons=reasons, entry=first("name"),
                           entry_iri=entry_rows[0]["entry"], entry_name=first("name")))
    return sorted(out, key=lambda x: (x.list, x.date_of_inclusion or "", x.entry or ""))


def to_substance(d: dict | None) -> Substance | None:
    """A substance from the `substance` data loader's answer."""
    return None if d is None else Substance(iri=d["iri"], cas=d.get("cas"), ec=d.get("ec"), names=list(d["names"]))


@strawberry.type(description="A substance on a page of `substances`, with its cursor")
class SubstanceEdge:
    cursor: str = strawberry.field(description=EDGE_CURSOR)
    node: Substance = strawberry.field(description="The substance")


@strawberry.type(description="One page of substances (a Relay connection)")
class SubstanceConnection:
    edges: list[SubstanceEdge] = strawberry.field(description="The page's substances, in IRI order")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


async def resolve_substance(info: Info, cas: Annotated[str, arg("A CAS number (a wrong check digit is refused)")]
                            ) -> Substance | None:
    _, loaders = context(info)
    return to_substance(await loaders.substance.load(substance_iri(cas=cas_arg(cas)).value))


async def resolve_substances(
        info: Info, search: Annotated[str | None, arg("A text the name contains, in any case")] = None,
        lang: Annotated[str | None, arg(f"Search names in this language only: {', '.join(LANGUAGES)}")] = None,
        first: Annotated[int | None, arg(FIRST)] = 20,
        after: Annotated[str | None, arg(AFTER)] = None) -> SubstanceConnection:
    store, loaders = context(info)
    n, start = page_size(first), after_key(after, "substances")
    lang_arg(lang)
    page = await work(info).read(substance_page, store, start, n, search, lang)
    nodes = [to_substance(d) for d in await loaders.substance.load_many(page.keys)]
    edges, info_ = page_edges(SubstanceEdge, page.keys, nodes, page.more, "substances")
    return SubstanceConnection(edges=edges, page_info=info_)
