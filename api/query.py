"""The root of every query: one field per question, resolved in the module of its subject."""

from __future__ import annotations

import strawberry

from complygraph.api.changes import (
    Impact,
    ListChange,
    RegulatoryList,
    resolve_list_change,
    resolve_lists,
    resolve_what_if,
    resolve_where_used,
)
from complygraph.api.parts import Part, PartConnection, Product, resolve_part, resolve_parts, resolve_product
from complygraph.api.requests import OutstandingAnswer, resolve_outstanding
from complygraph.api.substances import Substance, SubstanceConnection, resolve_substance, resolve_substances
from complygraph.api.suppliers import SupplierRef, resolve_supplier
from complygraph.api.validation import ValidationSummary, resolve_validate


@strawberry.type
class Query:
    substance: Substance | None = strawberry.field(resolver=resolve_substance)
    substances: SubstanceConnection = strawberry.field(resolver=resolve_substances)
    part: Part | None = strawberry.field(resolver=resolve_part)
    parts: PartConnection = strawberry.field(resolver=resolve_parts)
    supplier: SupplierRef | None = strawberry.field(resolver=resolve_supplier)
    product: Product | None = strawberry.field(resolver=resolve_product)
    lists: list[RegulatoryList] = strawberry.field(resolver=resolve_lists)
    list_change: ListChange = strawberry.field(resolver=resolve_list_change)
    where_used: list[Impact] = strawberry.field(resolver=resolve_where_used)
    what_if: list[Impact] = strawberry.field(resolver=resolve_what_if)
    validate: ValidationSummary = strawberry.field(resolver=resolve_validate)
    outstanding: OutstandingAnswer = strawberry.field(resolver=resolve_outstanding)
