"""`Part.compliance` and `Product.compliance`: the status per pack at a date, rolled up through the BOM, with
the findings and the parts that decide it (graph/status.py). One validation serves every part and product: the
status index is a heavy answer kept per store revision, packs and date (`api.work`), like `validate`."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from urllib.parse import unquote

import strawberry
from strawberry.types import Info

from complygraph.api.common import context, date_arg, page_size, require_packs, validation_errors
from complygraph.api.errors import user_error
from complygraph.api.work import answers, work
from complygraph.graph import status as st
from complygraph.graph.store import Store


@strawberry.enum(description="Worst first: non-compliant > unknown > obligations > compliant with exemptions > "
                             "compliant.")
class ComplianceStatus(Enum):
    COMPLIANT = "compliant"
    COMPLIANT_WITH_EXEMPTIONS = "compliant with exemptions"
    OBLIGATIONS = "obligations"
    UNKNOWN = "unknown"
    NON_COMPLIANT = "non-compliant"


@strawberry.type
class ComplianceFinding:
    status: ComplianceStatus
    severity: str
    pack: str | None
    shape: str
    message: str | None
    part: str | None = strawberry.field(description="The part id the finding is about")
    material: str | None
    substance: str | None = strawberry.field(description="The substance IRI, when the finding names one")
    duties: list[str]


@strawberry.type
class DecidingPart:
    part: strawberry.ID
    path: list[strawberry.ID] = strawberry.field(description="Product, sub-assemblies ..., the part")
    quantity: float = strawberry.field(description="How many of the part one product holds (over every path)")
    findings: list[ComplianceFinding]
    paths: int = strawberry.field(default=1, description="How many BOM paths lead to the part: `path` is one of "
                                                         "them, `quantity` sums them all")


@strawberry.type
class Compliance:
    pack: str
    at: str
    status: ComplianceStatus
    findings: list[ComplianceFinding] = strawberry.field(
        description="The findings that give the part (or the product itself) its status")
    warnings: list[str] = strawberry.field(
        default_factory=list, description="What may make this status wrong, from the validation's report: the "
                                          "engine's settings, a pack the engine has been seen to answer wrongly")
    source: strawberry.Private[st.ProductStatus | None] = None

    @strawberry.field(description="For a product: the parts below it; 1 for a part")
    def parts(self) -> int:
        # counted when a query asks (a walk of the product's BOM): a status list of every product never pays it
        return 1 if self.source is None else self.source.parts

    @strawberry.field(description="For a product: the parts below it whose status is the product's (under "
                                  "unknown also those with obligations: known duties; each finding has its status), "
                                  "in part IRI order, `first` (1 to 100, default 20) after the part id `after`; see "
                                  "`decidingCount` for how many there are")
    async def deciding(self, info: Info, first: int | None = 20,
                       after: strawberry.ID | None = None) -> list[DecidingPart]:
        n = page_size(first)
        chosen = await _deciding_of(info, self.source)
        if after is not None:
            ids = [_slug(d.part) for d in chosen]
            if str(after) not in ids:
                raise user_error(f"after: {after!r} is not a deciding part of this status", "BAD_CURSOR")
            chosen = chosen[ids.index(str(after)) + 1:]
        return [DecidingPart(part=strawberry.ID(_slug(d.part) or ""),
                             path=[strawberry.ID(_slug(p) or "") for p in d.path],
                             quantity=float(d.quantity), findings=[_finding(f) for f in d.findings],
                             paths=d.paths)
                for d in chosen[:n]]

    @strawberry.field(description="For a product: how many parts below it decide its status (0 for a part)")
    async def deciding_count(self, info: Info) -> int:
        return len(await _deciding_of(info, self.source))


async def _deciding_of(info: Info, source: st.ProductStatus | None) -> list[st.Deciding]:
    """The deciding parts of a product's status, worked out (a walk of its BOM) on a read thread, never on the
    event loop."""
    if source is None:
        return []
    return await work(info).read(lambda: source.deciding)


def _slug(iri: object) -> str | None:
    """The id of a part, product or material IRI (ids are percent-encoded in IRIs: "/" and ":" may occur)."""
    return None if iri is None else unquote(str(iri).rsplit("/", 1)[-1])


def _finding(f: st.Finding) -> ComplianceFinding:
    r = f.result
    return ComplianceFinding(
        status=ComplianceStatus(f.status), severity=str(r.severity).rsplit("#", 1)[-1], pack=r.pack,
        shape=str(r.shape), message=None if r.message is None else str(r.message), part=_slug(r.detail("part")),
        material=_slug(r.detail("material")),
        substance=None if r.detail("substance") is None else str(r.detail("substance")),
        duties=[str(v) for k, v in r.details if k == "duty"])


async def status_index(info: Info, packs: list[str] | None, at: str | None) -> st.StatusIndex:
    store, _ = context(info)
    require_packs(packs or [], lambda unknown: f"packs: unknown {unknown}")
    day = date_arg(at, "at") if at else dt.date.today()
    chosen = sorted(set(packs)) if packs else None

    def compute(s: Store = store) -> st.StatusIndex:
        return st.compute(s, chosen, day)

    with validation_errors():
        return await work(info).shared(answers(info), ("status", tuple(chosen or ()), day), compute)


def part_compliance(index: st.StatusIndex, part_iri: str) -> list[Compliance]:
    out = []
    for pack in index.packs:
        ps = index.part(part_iri, pack)
        out.append(Compliance(pack=pack, at=index.at, status=ComplianceStatus(ps.status),
                              findings=[_finding(f) for f in ps.findings if f.status == ps.status],
                              warnings=index.warnings_for(pack)))
    return out


def product_compliance(index: st.StatusIndex, product_iri: str) -> list[Compliance]:
    """The product's status per pack; its deciding parts are worked out only when a query asks for them."""
    out = []
    for pack in index.packs:
        ps = index.product(product_iri, pack)
        out.append(Compliance(pack=pack, at=index.at, status=ComplianceStatus(ps.status),
                              findings=[_finding(f) for f in ps.findings if f.status == ps.status],
                              warnings=index.warnings_for(pack), source=ps))
    return out
