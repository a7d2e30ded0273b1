"""`Part.compliance` and `Product.compliance`: the status per pack at a date, rolled up through the BOM, with
the findings and the parts that decide it (graph/status.py). One validation serves every part and product: the
status index is a heavy answer kept per store revision, packs and date (`api.work`), like `validate`."""

from __future__ import annotations

import bisect
import datetime as dt
from enum import Enum
from typing import Annotated
from urllib.parse import unquote

import strawberry
from strawberry.types import Info

from complygraph.api.common import FIRST, arg, chosen_packs, context, date_arg, page_size, validation_errors
from complygraph.api.errors import user_error
from complygraph.api.work import answers, work
from complygraph.graph import status as st
from complygraph.graph.store import Store
from complygraph.vocab import entity_iri


@strawberry.enum(description="Worst first: non-compliant > unknown > obligations > compliant with exemptions > "
                             "compliant.")
class ComplianceStatus(Enum):
    COMPLIANT = strawberry.enum_value("compliant", description=(
        "Nothing in the pack against it; findings that keep it compliant (warnings, information without duties) "
        "are listed with it"))
    COMPLIANT_WITH_EXEMPTIONS = strawberry.enum_value("compliant with exemptions", description=(
        "Compliant only through an exemption it uses (a RoHS Annex III/IV exemption claimed for a material)"))
    OBLIGATIONS = strawberry.enum_value("obligations", description=(
        "Allowed, but with duties to meet (e.g. an SVHC above 0.1 % w/w of the article: the REACH Art. 33 "
        "information duty); the finding's `duties` name them"))
    UNKNOWN = strawberry.enum_value("unknown", description=(
        "Cannot be decided from the data: no declaration, a substance of unresolved identity, a declaration made "
        "against an outdated list, ..."))
    NON_COMPLIANT = strawberry.enum_value("non-compliant", description=(
        "A Violation of the pack: e.g. a restricted substance over its limit without a valid exemption"))


@strawberry.type(description="One validation result that gives a part or product its status in a pack")
class ComplianceFinding:
    status: ComplianceStatus = strawberry.field(description="The status this finding gives the part (or product)")
    severity: str = strawberry.field(description="The SHACL severity: Violation, Warning or Info")
    pack: str | None = strawberry.field(description="The shape pack of the result (eu-rohs, data-quality, ...); "
                                                    "null when the result names none")
    shape: str = strawberry.field(description="The IRI of the shape the result is of")
    message: str | None = strawberry.field(description="The result's message; null without one")
    part: str | None = strawberry.field(description="The part id the finding is about: the part asked for or the "
                                                    "deciding part it was reached through; null for a finding "
                                                    "about the product itself")
    substance: str | None = strawberry.field(description="The substance IRI, when the finding names one (a "
                                                         "finding about a substance itself, e.g. an unresolved "
                                                         "identity: that substance)")
    duties: list[str] = strawberry.field(description="The legal duties the finding triggers, in words (e.g. "
                                                     "\"REACH Art. 33(1): provide the recipient ...\"); empty for none")
    material_id: strawberry.Private[str | None] = None
    part_iri: strawberry.Private[str | None] = None

    @strawberry.field(description="The material id the finding is about; for a finding about a substance, the "
                                  "part's material that holds it (null when several do)")
    async def material(self, info: Info) -> str | None:
        if self.material_id is not None or self.part_iri is None or self.substance is None:
            return self.material_id
        _, loaders = context(info)
        materials = await loaders.materials.load(self.part_iri)
        held = await loaders.occurrences.load_many([m["material"] for m in materials])
        ids = [m["id"] for m, rows in zip(materials, held, strict=True)
               if any(r["substance"] == self.substance for r in rows)]
        return ids[0] if len(ids) == 1 else None


@strawberry.type(description="A part below a product (or below a part) that gives it its status, with how it is "
                             "reached")
class DecidingPart:
    part: strawberry.ID = strawberry.field(description="The part's id")
    path: list[strawberry.ID] = strawberry.field(description="Product (or the part asked for), sub-assemblies ..., "
                                                             "the part")
    quantity: float = strawberry.field(description="How many of the part one product (or part asked for) holds "
                                                   "(over every path)")
    findings: list[ComplianceFinding] = strawberry.field(description="The part's findings of the product's "
                                                                     "status (under unknown also its obligations)")
    paths: int = strawberry.field(default=1, description="How many BOM paths lead to the part: `path` is one of "
                                                         "them, `quantity` sums them all")


@strawberry.type(description="The status of a part or product in one shape pack at a date")
class Compliance:
    pack: str = strawberry.field(description="The shape pack (regulation) the status is in: eu-rohs, eu-reach-svhc, "
                                             "...")
    at: str = strawberry.field(description="The evaluation date (YYYY-MM-DD)")
    status: ComplianceStatus = strawberry.field(description="The worst status over its own findings and every part "
                                                            "below it in the BOM, at any depth (a part too: an "
                                                            "assembly holding a non-compliant part is non-compliant)")
    findings: list[ComplianceFinding] = strawberry.field(
        description="The findings that give the part (or the product itself) its status")
    warnings: list[str] = strawberry.field(
        default_factory=list, description="What may make this status wrong, from the validation's report: the "
                                          "engine's settings, a pack the engine has been seen to answer wrongly")
    source: strawberry.Private[st.ProductStatus | st.PartStatus | None] = None
    # the statuses in every pack of the same answer: a part one of them lists is a valid `after` in all
    siblings: strawberry.Private[tuple[st.ProductStatus | st.PartStatus, ...]] = ()

    @strawberry.field(description="For a product: the parts below it; 1 for a part")
    def parts(self) -> int:
        # counted when a query asks (a walk of the product's BOM): a status list of every product never pays it
        return self.source.parts if isinstance(self.source, st.ProductStatus) else 1

    @strawberry.field(description="For a product or a part: the parts below it whose own status is its status (under "
                                  "unknown also those with obligations: known duties; each finding has its status), "
                                  "in part IRI order, `first` (1 to 100, default 20) after the part id `after` (the "
                                  "last `part` of the previous page: a part that `deciding` gives in any of the packs "
                                  "asked for is a valid `after` in each); see `decidingCount` for how many there are")
    async def deciding(self, info: Info, first: Annotated[int | None, arg(FIRST)] = 20,
                       after: Annotated[strawberry.ID | None, arg(
                           "The part id the page starts after: the last `part` of the previous page")] = None
                       ) -> list[DecidingPart]:
        n = page_size(first)
        chosen = await _deciding_of(info, self.source)
        if after is not None:
            start = await _after_part(info, (self.source, *self.siblings), str(after))
            chosen = chosen[bisect.bisect_right([d.part for d in chosen], start):]
        return [DecidingPart(part=strawberry.ID(_slug(d.part) or ""),
                             path=[strawberry.ID(_slug(p) or "") for p in d.path],
                             quantity=float(d.quantity), findings=[_finding(f, d.part) for f in d.findings],
                             paths=d.paths)
                for d in chosen[:n]]

    @strawberry.field(description="For a product or a part: how many parts below it decide its status")
    async def deciding_count(self, info: Info) -> int:
        return len(await _deciding_of(info, self.source))


async def _deciding_of(info: Info, source: st.ProductStatus | st.PartStatus | None) -> list[st.Deciding]:
    """The deciding parts of a product's (or a part's) status, worked out (a walk of its BOM) on a read thread, never
    on the event loop."""
    if source is None:
        return []
    return await work(info).read(lambda: source.deciding)


async def _after_part(info: Info, statuses: tuple[st.ProductStatus | st.PartStatus | None, ...], after: str) -> str:
    """The IRI of the part `after` names, if it decides the product's status in one of the packs asked for:
    deciding parts are in IRI order, so a page starts after it whether or not it decides this pack's status. A part
    listed under one pack's status only for its obligations was refused as `after` of the other packs' pages of
    the same field, and paging stopped early (QA7 B01)."""
    iri = entity_iri("part", after).value
    for source in statuses:
        parts = [d.part for d in await _deciding_of(info, source)]
        if iri in parts:
            return iri
        found = next((p for p in parts if _slug(p) == after), None)  # a part whose IRI was not minted from its id
        if found is not None:
            return found
    raise user_error(f"after: {after!r} is not a deciding part of this product or part in the packs asked for "
                     f"(give the last `part` of the previous page)", "BAD_CURSOR")


def _slug(iri: object) -> str | None:
    """The id of a part, product or material IRI (ids are percent-encoded in IRIs: "/" and ":" may occur)."""
    return None if iri is None else unquote(str(iri).rsplit("/", 1)[-1])


def _finding(f: st.Finding, part: str | None = None) -> ComplianceFinding:
    """`part`: the IRI of the part whose status lists the finding (None for the product's own findings)."""
    r = f.result
    named = r.detail("part")
    return ComplianceFinding(
        status=ComplianceStatus(f.status), severity=str(r.severity).rsplit("#", 1)[-1], pack=r.pack,
        shape=str(r.shape), message=None if r.message is None else str(r.message),
        part=_slug(named if named is not None else part), material_id=_slug(r.detail("material")),
        part_iri=str(named) if named is not None else part,
        substance=None if r.detail("substance") is None else str(r.detail("substance")),
        duties=[str(v) for k, v in r.details if k == "duty"])


async def status_index(info: Info, packs: list[str] | None, at: str | None) -> st.StatusIndex:
    store, _ = context(info)
    chosen = chosen_packs(packs)
    day = date_arg(at, "at") if at else dt.date.today()

    def compute(s: Store = store) -> st.StatusIndex:
        return st.compute(s, chosen, day)

    with validation_errors():
        return await work(info).shared(answers(info), ("status", tuple(chosen or ()), day), compute)


def part_compliance(index: st.StatusIndex, part_iri: str) -> list[Compliance]:
    """The part's status per pack, rolled up through the BOM below it (`StatusIndex.part`, as the CLI's `status
    --part`); its deciding parts below it are worked out only when a query asks for them."""
    statuses = [index.part(part_iri, pack) for pack in index.packs]
    return [Compliance(pack=ps.pack, at=index.at, status=ComplianceStatus(ps.status),
                       findings=[_finding(f, part_iri) for f in ps.findings if f.status == ps.status],
                       warnings=index.warnings_for(ps.pack), source=ps,
                       siblings=tuple(s for s in statuses if s is not ps)) for ps in statuses]


def product_compliance(index: st.StatusIndex, product_iri: str) -> list[Compliance]:
    """The product's status per pack; its deciding parts are worked out only when a query asks for them."""
    statuses = [index.product(product_iri, pack) for pack in index.packs]
    return [Compliance(pack=ps.pack, at=index.at, status=ComplianceStatus(ps.status),
                       findings=[_finding(f) for f in ps.findings if f.status == ps.status],
                       warnings=index.warnings_for(ps.pack), source=ps,
                       siblings=tuple(s for s in statuses if s is not ps)) for ps in statuses]
