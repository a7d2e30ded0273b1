"""Validation against shape packs: the `validate` query's summary, counted per pack and severity."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from complygraph.api.common import context, date_arg, require_packs, validation_errors
from complygraph.graph import shacl
from complygraph.loaders.catalog import list_warnings


@strawberry.type
class ValidationCount:
    pack: str
    severity: str
    count: int


@strawberry.type
class ValidationSummary:
    conforms: bool = strawberry.field(description="SHACL's verdict: false when there is any result at all, "
                                                  "Warning and Info included.")
    compliant: bool = strawberry.field(description="The compliance verdict: true when no result is a "
                                                   "Violation (warnings and information do not count).")
    at: str
    counts: list[ValidationCount]
    warnings: list[str]


def resolve_validate(info: Info, packs: list[str] | None = None, at: str | None = None) -> ValidationSummary:
    store, _ = context(info)
    require_packs(packs or [], lambda unknown: f"packs: unknown {unknown}")
    with validation_errors():
        report = shacl.validate(store, packs or None, date_arg(at, "at") if at else None)
    report.warnings += list_warnings(store, report.lists)
    return ValidationSummary(conforms=report.conforms, compliant=report.compliant, at=report.at or "",
                             warnings=report.warnings,
                             counts=[ValidationCount(pack=str(p), severity=s, count=c)
                                     for (p, s), c in sorted(report.counts().items(), key=str)])
