"""The root of every query: one field per question, resolved in the module of its subject."""

from __future__ import annotations

import strawberry

from complygraph.api.changes import (
    ListChange,
    RegulatoryList,
    resolve_list_change,
    resolve_lists,
    resolve_what_if,
    resolve_where_used,
    resolve_where_used_page,
)
from complygraph.api.common import MAX_PAGE
from complygraph.api.impacts import Impact, ImpactConnection
from complygraph.api.parts import Part, PartConnection, Product, resolve_part, resolve_parts, resolve_product
from complygraph.api.requests import OutstandingAnswer, resolve_outstanding
from complygraph.api.substances import Substance, SubstanceConnection, resolve_substance, resolve_substances
from complygraph.api.suppliers import SupplierRef, resolve_supplier
from complygraph.api.validation import ValidationSummary, resolve_validate


@strawberry.type(description="Every read: substances, parts, products, suppliers, lists and their changes, "
                             "validation and outstanding declarations")
class Query:
    substance: Substance | None = strawberry.field(
        resolver=resolve_substance, description="The substance with this CAS number; null when the store holds none")
    substances: SubstanceConnection = strawberry.field(
        resolver=resolve_substances, description="Substances with a name, in IRI order, one page at a time "
                                                 "(a Relay connection), optionally those whose name contains a text")
    part: Part | None = strawberry.field(
        resolver=resolve_part, description="The part with this id; null when no part has this id (a product's id "
                                           "is not a part's: see `product`)")
    parts: PartConnection = strawberry.field(
        resolver=resolve_parts, description="Parts in IRI order, one page at a time (a Relay connection), of one "
                                            "supplier or non-compliant with one pack if asked")
    supplier: SupplierRef | None = strawberry.field(
        resolver=resolve_supplier, description="The supplier with this id; null when no supplier has this id")
    product: Product | None = strawberry.field(
        resolver=resolve_product, description="The product with this id; null when no product has this id (a "
                                              "part's id is not a product's: see `part`)")
    lists: list[RegulatoryList] = strawberry.field(
        resolver=resolve_lists, description="The regulatory lists in the store, with their versions and sources")
    list_change: ListChange = strawberry.field(
        resolver=resolve_list_change, description="What changed on a list between two dates (entries added, "
                                                  "removed and changed) and the occurrences it reaches")
    where_used: list[Impact] = strawberry.field(
        resolver=resolve_where_used, description="Every occurrence of these substances in a part's material, "
                                                 "largest share first, in one answer (not a page)",
        deprecation_reason=f"Not paged (pages hold at most {MAX_PAGE} items) and no total: use whereUsedPage(cas, "
                           "minPpm, first, after), which takes this field's cursors")
    where_used_page: ImpactConnection = strawberry.field(
        resolver=resolve_where_used_page, description="Every occurrence of these substances in a part's material, "
                                                      "largest share first, one page at a time, with `totalCount`")
    what_if: list[Impact] = strawberry.field(
        resolver=resolve_what_if, description="Where substances (e.g. proposed for the Candidate List) would "
                                              "matter if they were listed with this limit")
    validate: ValidationSummary = strawberry.field(
        resolver=resolve_validate, description="Validation of the whole store against shape packs at a date: "
                                               "results counted per pack and severity")
    outstanding: OutstandingAnswer = strawberry.field(
        resolver=resolve_outstanding, description="Declarations to ask suppliers for at a date, with the reason "
                                                  "and due date of each")
