"""Parts and products: a part's materials and the substances in them, where it is used, its supplier's
declarations, survey answers and evidence, and the `part`, `parts` and `product` queries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.bom import BomConnection, bom_of
from complygraph.api.common import (
    AFTER,
    EDGE_CURSOR,
    FIRST,
    PAGE_INFO,
    AfterArg,
    AtArg,
    FirstArg,
    PacksArg,
    PageInfo,
    after_key,
    arg,
    context,
    page_edges,
    page_size,
    require_packs,
    require_supplier,
    to_float,
    validation_errors,
)
from complygraph.api.compliance import Compliance, part_compliance, product_compliance, status_index
from complygraph.api.dataloaders import part_plan, then
from complygraph.api.substances import Substance, to_substance
from complygraph.api.suppliers import SupplierRef, to_supplier
from complygraph.api.work import answers, work
from complygraph.graph.browse import part_page, violating_parts
from complygraph.graph.browse import product as find_product
from complygraph.vocab import entity_iri

_BOM_HELP = ("The bill of materials below it, one page of lines (first 1 to 100, after a cursor), each with its "
             "child part, quantity, path and own `bom`; a BOM cycle ends the tree (`cycle`)")


@strawberry.type(description="A substance in a homogeneous material, as declared")
class SubstanceInMaterial:
    substance_iri: strawberry.Private[str]
    ppm: float | None = strawberry.field(description="Its concentration in the homogeneous material, in ppm by mass "
                                                     "(mg/kg of the material: the RoHS basis); null when not stated")
    mass_mg: float | None = strawberry.field(description="Its mass in the material, in mg; null when not stated")
    intentional: bool | None = strawberry.field(description="Whether it was added on purpose (not an impurity); "
                                                            "null when the declaration does not say")
    exemption: str | None = strawberry.field(description="The number of the exemption claimed for it (e.g. RoHS "
                                                         "\"6(c)\"); null when none is claimed")

    @strawberry.field(description="The substance, with its identifiers and names")
    def substance(self, info: Info) -> Substance | None:
        _, loaders = context(info)
        return then(loaders.substance, self.substance_iri, to_substance)


@strawberry.type(description="A homogeneous material of a part")
class Material:
    iri: strawberry.Private[str]
    id: strawberry.ID = strawberry.field(description="The material's id, as imported")
    name: str | None = strawberry.field(description="The material's name; null when the data gives none")
    mass: float | None = strawberry.field(description="The material's mass in mg; null when not stated")

    @strawberry.field(description="The substances declared in the material")
    def substances(self, info: Info) -> list[SubstanceInMaterial]:
        _, loaders = context(info)
        return then(loaders.occurrences, self.iri, _occurrences)


def _occurrences(rows: list[dict]) -> list[SubstanceInMaterial]:
    return [SubstanceInMaterial(substance_iri=r["substance"], ppm=to_float(r.get("ppm")), mass_mg=to_float(r.get("mg")),
                                intentional=None if "intentional" not in r else r["intentional"] == "true",
                                exemption=r.get("exemption")) for r in rows]


@strawberry.type(description="A product, by id (`product(id)` gives the rest)")
class ProductRef:
    id: strawberry.ID = strawberry.field(description="The product's id")


@strawberry.type(description="A BOM line that uses the part: its parent, a product or a part, and how many")
class Usage:
    product: ProductRef | None = strawberry.field(description="The parent when it is a product; else null")
    part: strawberry.ID | None = strawberry.field(description="The parent part's id when the parent is a part; "
                                                              "else null")
    quantity: float = strawberry.field(description="How many of the part go into one parent")


@strawberry.type(description="A supplier declaration of the part")
class DeclarationInfo:
    date: str | None = strawberry.field(description="The declaration's date (YYYY-MM-DD); null when not stated")
    declaration_class: str | None = strawberry.field(
        description="IPC-1752A class: D (full composition) or C (category statements only); \"survey\" for survey "
                    "answers; null when not stated")
    format: str | None = strawberry.field(description="The format of the source file (ipc1752a, iec62474); null "
                                                      "when not recorded")
    file: str | None = strawberry.field(description="The name of the file it was imported from; null when not "
                                                    "recorded")
    current: bool = strawberry.field(description="False when a newer declaration superseded it")


@strawberry.type(description="A document supporting the part or one of its materials")
class EvidenceInfo:
    id: str = strawberry.field(description="The document's id")
    kind: str = strawberry.field(description="CertificateOfNonUse, LabReport, SafetyDataSheet, ConstituentList or "
                                             "ChangeNotice")
    date: str = strawberry.field(description="The document's date (YYYY-MM-DD)")
    material: str | None = strawberry.field(description="The id of the material it is about; null when it is "
                                                        "about the part as a whole")
    signer: str | None = strawberry.field(description="Who signed it; null when not recorded")
    issuer: str | None = strawberry.field(description="Who issued it (laboratory, supplier, raw material maker); "
                                                      "null when not recorded")
    method: str | None = strawberry.field(description="The analytical method of a lab report (ICP-AES, XRF, GC-MS, "
                                                      "...); null when not recorded")
    cas: str | None = strawberry.field(description="The CAS number of the substance a lab report measured; null "
                                                   "when none is recorded")
    measured_ppm: float | None = strawberry.field(description="The concentration a lab report measured, in ppm; "
                                                              "null when none is recorded")
    document: str | None = strawberry.field(description="Where the document is kept (file name, URL, document "
                                                        "number); null when not recorded")


@strawberry.type(description="The answer to one item (substance group) of the survey form")
class SurveyItemAnswer:
    item: str | None = strawberry.field(description="The item's id on the form (A01, B03, ...); null without one")
    name: str | None = strawberry.field(description="The item's English name (its substance group); null "
                                                  "without one")
    rank: str | None = strawberry.field(description="The item's rank on the form (Form 2-1: A prohibited, B "
                                                  "managed); null without one")
    present: bool = strawberry.field(description="Whether the supplier declares the group present above the "
                                                 "item's threshold somewhere in the part")
    ppm: float | None = strawberry.field(description="The concentration the supplier declares, in ppm; null when "
                                                   "not given")
    where_used: str | None = strawberry.field(description="Where in the part the group is, as declared; null when "
                                                          "not given")
    purpose: str | None = strawberry.field(description="Why the group is there (stabiliser, solder, impurity, ...), "
                                                       "as declared; null when not given")
    phase_out_date: str | None = strawberry.field(description="When the supplier plans to stop using the group "
                                                              "(YYYY-MM-DD); null when not given")


@strawberry.type(description="A supplier's answers on the customer's survey form, as of one date")
class SurveyResponse:
    form: str | None = strawberry.field(description="The form's id (e.g. nishishiba-form2-1)")
    date: str = strawberry.field(description="The date of the answers (YYYY-MM-DD)")
    discontinued_date: str | None = strawberry.field(description="When production of the part stopped or will "
                                                                 "stop (YYYY-MM-DD); null when not given")
    answers: list[SurveyItemAnswer] = strawberry.field(description="One answer per item, by item id")


@strawberry.type(description="A part: a component or sub-assembly, with its materials, supplier and BOM")
class Part:
    iri: strawberry.Private[str]
    id: strawberry.ID = strawberry.field(description="The part's id (its part number as imported)")
    name: str | None = strawberry.field(description="The part's name; null when the data gives none")
    mass: float | None = strawberry.field(description="The part's own mass in mg: the article mass that "
                                                      "`Impact.articlePercent` (REACH Art. 33) divides by; null when "
                                                      "not stated")
    supplier_iri: strawberry.Private[str | None]

    @strawberry.field(description="The part's status per pack at a date (default today): compliant, compliant with "
                                  "exemptions, obligations, unknown or non-compliant, with the findings that decide "
                                  "it. One validation per store revision, packs and date serves every part.")
    async def compliance(self, info: Info, packs: PacksArg = None, at: AtArg = None) -> list[Compliance]:
        return part_compliance(await status_index(info, packs, at), self.iri)

    @strawberry.field(description="The supplier that delivers the part; null when none is recorded")
    def supplier(self, info: Info) -> SupplierRef | None:
        if not self.supplier_iri:
            return None
        _, loaders = context(info)
        return then(loaders.supplier, self.supplier_iri, to_supplier)

    @strawberry.field(description="The part's homogeneous materials, by id")
    def materials(self, info: Info) -> list[Material]:
        _, loaders = context(info)
        return then(loaders.materials, self.iri, lambda rows: [
            Material(iri=r["material"], id=r["id"], name=r.get("name"), mass=to_float(r.get("mass"))) for r in rows])

    @strawberry.field(description="The supplier declarations of the part, newest first: IPC-1752A / IEC 62474 "
                                  "(class D or C), survey answers; `current` is false for one superseded by a newer "
                                  "declaration")
    async def declarations(self, info: Info) -> list[DeclarationInfo]:
        _, loaders = context(info)
        return [DeclarationInfo(date=r.get("date"), declaration_class=r.get("class"), file=r.get("file"),
                                format=r.get("format"), current="gone" not in r)
                for r in await loaders.declarations.load(self.iri)]

    @strawberry.field(description="The latest answers on the customer's survey form (Form 2-1), item by item; null "
                                  "when the supplier has answered none for the part")
    async def survey(self, info: Info) -> SurveyResponse | None:
        _, loaders = context(info)
        rows = await loaders.survey.load(self.iri)
        if not rows:
            return None
        latest = [r for r in rows if r["date"] == rows[0]["date"]]
        return SurveyResponse(form=latest[0].get("form"), date=latest[0]["date"],
                              discontinued_date=latest[0].get("stop"), answers=[
                                  SurveyItemAnswer(item=r.get("item"), name=r.get("name"), rank=r.get("rank"),
                                                   present=r["present"] == "true", ppm=to_float(r.get("ppm")),
                                                   where_used=r.get("where"), purpose=r.get("purpose"),
                                                   phase_out_date=r.get("phase")) for r in latest])

    @strawberry.field(description="Documents supporting the part or its materials, newest first")
    async def evidence(self, info: Info) -> list[EvidenceInfo]:
        _, loaders = context(info)
        return [EvidenceInfo(id=r["id"], kind=r["kind"].rsplit("#", 1)[-1], date=r["date"],
                             material=r["material"].rsplit("/", 1)[-1] if "material" in r else None,
                             signer=r.get("signer"), issuer=r.get("issuer"), method=r.get("method"),
                             cas=r.get("cas"), measured_ppm=to_float(r.get("measured")), document=r.get("document"))
                for r in await loaders.evidence.load(self.iri)]

    @strawberry.field(description="The BOM lines that use the part: each parent product or part and how many of "
                                  "the part go into it (not paged)")
    async def used_in(self, info: Info) -> list[Usage]:
        _, loaders = context(info)
        out = []
        for r in await loaders.used_in.load(self.iri):
            local = r["parent"].rsplit("/", 1)[-1]
            product = r["kind"].endswith("#Product")
            out.append(Usage(product=ProductRef(id=local) if product else None,
                             part=None if product else local, quantity=float(r["quantity"])))
        return out

    @strawberry.field(description=_BOM_HELP)
    async def bom(self, info: Info, first: FirstArg = 20, after: AfterArg = None) -> BomConnection:
        return await bom_of(info, _part, self.iri, self.id, first, after)


def _part(d: dict | None, iri: str) -> Part | None:
    if d is None:
        return None
    return Part(iri=iri, id=d["id"], name=d.get("name"), mass=to_float(d.get("mass")), supplier_iri=d.get("supplier"))


@strawberry.type(description="A part on a page of `parts`, with its cursor")
class PartEdge:
    cursor: str = strawberry.field(description=EDGE_CURSOR)
    node: Part = strawberry.field(description="The part")


@strawberry.type(description="One page of parts (a Relay connection)")
class PartConnection:
    edges: list[PartEdge] = strawberry.field(description="The page's parts, in IRI order")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


async def resolve_part(info: Info, id: Annotated[strawberry.ID, arg("The part's id (its part number as imported)")]
                       ) -> Part | None:
    _, loaders = context(info)
    iri = entity_iri("part", str(id)).value  # read with what the query asks below it, in one hand-over
    return _part(await loaders.part_tree.load((iri, part_plan(info))), iri)


async def resolve_parts(
        info: Info, first: Annotated[int | None, arg(FIRST)] = 20, after: Annotated[str | None, arg(AFTER)] = None,
        supplier: Annotated[strawberry.ID | None, arg("Only the parts of the supplier with this id (an unknown id "
                                                      "is refused: NOT_FOUND)")] = None,
        non_compliant_with: Annotated[str | None, arg("Only the parts with a Violation of this shape pack (a "
                                                      "validation of the store)")] = None) -> PartConnection:
    store, loaders = context(info)
    n, start = page_size(first), after_key(after, "parts")
    if supplier is not None:
        await require_supplier(info, str(supplier))
    among = None
    if non_compliant_with is not None:
        require_packs([non_compliant_with], lambda unknown: f"nonCompliantWith: unknown pack {unknown[0]!r}")
        pack = non_compliant_with
        with validation_errors():  # one validation per pack and store revision, whatever the page
            among = await work(info).shared(answers(info), ("violatingParts", pack, dt.date.today()),
                                            lambda: violating_parts(store, pack))
    page = await work(info).read(part_page, store, start, n, None if supplier is None else str(supplier), among)
    plan = part_plan(info, ("edges", "node"))
    found = await loaders.part_tree.load_many([(k, plan) for k in page.keys])
    nodes = [_part(d, k) for d, k in zip(found, page.keys, strict=True)]
    edges, info_ = page_edges(PartEdge, page.keys, nodes, page.more, "parts")
    return PartConnection(edges=edges, page_info=info_)


@strawberry.type(description="A product: what parts go into, at the top of a bill of materials")
class Product:
    iri: strawberry.Private[str]
    id: strawberry.ID = strawberry.field(description="The product's id, as imported")
    name: str | None = strawberry.field(description="The product's name; null when the data gives none")
    eee_scopes: list[str] = strawberry.field(
        description="The product's EEE scopes: its RoHS Annex I categories, with 8 and 9 as the cells the Directive "
                    "dates separately (8-ivd, 8-non-ivd, 9-industrial, 9-non-industrial; shapes/data/eee-scopes.ttl). "
                    "They decide which RoHS exemptions and application dates hold for its parts.")

    @strawberry.field(description="The product's status per pack at a date (default today), rolled up through its "
                                  "BOM: the worst status of its parts, with the parts that decide it, their path and "
                                  "how many of each the product holds.")
    async def compliance(self, info: Info, packs: PacksArg = None, at: AtArg = None) -> list[Compliance]:
        return product_compliance(await status_index(info, packs, at), self.iri)

    @strawberry.field(description=_BOM_HELP)
    async def bom(self, info: Info, first: FirstArg = 20, after: AfterArg = None) -> BomConnection:
        return await bom_of(info, _part, self.iri, self.id, first, after)


async def resolve_product(info: Info, id: Annotated[strawberry.ID, arg("The product's id")]) -> Product | None:
    store, _ = context(info)
    found = await work(info).read(find_product, store, str(id))
    return None if found is None else Product(iri=entity_iri("product", str(id)).value, id=id, name=found.name,
                                              eee_scopes=found.eee_scopes)
