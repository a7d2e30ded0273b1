"""Validation against shape packs: the `validate` query's summary, counted per pack and severity."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.common import AT, PACKS, arg, chosen_packs, context, date_arg, validation_errors
from complygraph.api.work import answers, work
from complygraph.graph import shacl
from complygraph.graph.store import Store
from complygraph.loaders.catalog import list_warnings


@strawberry.type(description="How many validation results one pack gave of one severity")
class ValidationCount:
    pack: str = strawberry.field(description="The shape pack")
    severity: str = strawberry.field(description="The SHACL severity: Violation, Warning or Info")
    count: int = strawberry.field(description="How many results")


@strawberry.type(description="The verdicts of a validation of the whole store, with its results counted")
class ValidationSummary:
    conforms: bool = strawberry.field(description="SHACL's verdict: false when there is any result at all, "
                                                  "Warning and Info included.")
    compliant: bool = strawberry.field(description="The compliance verdict: true when no result is a "
                                                   "Violation (warnings and information do not count).")
    at: str = strawberry.field(description="The evaluation date (YYYY-MM-DD)")
    counts: list[ValidationCount] = strawberry.field(description="The results counted per pack and severity")
    warnings: list[str] = strawberry.field(description="What may make the answer wrong: the engine's settings, packs "
                                                       "it has been seen to answer wrongly, lists loaded from an older "
                                                       "shipped copy, rules that reach nothing, ...")


def _summary(store: Store, packs: list[str] | None, at: dt.date) -> ValidationSummary:
    report = shacl.validate(store, packs, at)
    report.warnings += list_warnings(store, report.lists)
    return ValidationSummary(conforms=report.conforms, compliant=report.compliant, at=report.at or "",
                             warnings=report.warnings,
                             counts=[ValidationCount(pack=str(p), severity=s, count=c)
                                     for (p, s), c in sorted(report.counts().items(), key=str)])


async def resolve_validate(info: Info, packs: Annotated[list[str] | None, arg(PACKS)] = None,
                           at: Annotated[str | None, arg(AT)] = None) -> ValidationSummary:
    """One validation per packs, date and store revision: the answer is shared by every request that asks
    the same until the store changes (`api.work`)."""
    store, _ = context(info)
    chosen = chosen_packs(packs)
    day = date_arg(at, "at") if at else dt.date.today()
    with validation_errors():
        return await work(info).shared(answers(info), ("validate", tuple(chosen or ()), day),
                                       lambda: _summary(store, chosen, day))
