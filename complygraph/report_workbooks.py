"""The two report workbooks: `validate --format xlsx` (results and the run's summary) and `impact --format xlsx`
(by part, by supplier, by product), one value per cell, written with the shared formatted-table writer
(complygraph/xlsx_tables.py) from the columns and rows the CSV output has (complygraph/reports.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from complygraph.reports import COLUMNS, RESULT_COLUMNS, UNIT_FORMATS, result_csv_row
from complygraph.xlsx_tables import EXCEL_ROWS, SEVERITIES, Number, Table, sheet_titles, write_workbook

if TYPE_CHECKING:
    from complygraph.graph.impact import ImpactRow
    from complygraph.graph.shacl.report import ValidationReport


def validation_workbook(report: ValidationReport, rows: list[dict], out: Path, revision: str | None = None,
                        max_rows: int = EXCEL_ROWS) -> list[str]:
    """`validate --format xlsx`: the results sheet (the CSV's rows and columns in its order, measured values
    and limits as numbers in the unit of the rule) and the run's summary sheet; the sheets written."""
    def number(value: str | None, unit: str | None) -> object:
        try:
            return Number(Decimal(value), UNIT_FORMATS.get(unit or "", "General")) if value else None
        except ArithmeticError:  # not a number (a literal the rule wrote as text): kept as written
            return value

    cells = []
    for row in rows:
        flat = dict(zip(RESULT_COLUMNS, result_csv_row(row), strict=True))
        flat["measured"], flat["limit"] = number(row["measured"], row["unit"]), number(row["limit"], row["unit"])
        cells.append([flat[c] for c in RESULT_COLUMNS])
    items: list[list[object]] = [
        ["evaluation date", dt.date.fromisoformat(report.at) if report.at else None],
        ["validated at", dt.datetime.now().replace(microsecond=0)], ["store revision", revision],
        ["compliant (no Violation)", report.compliant], ["SHACL conforms", report.conforms],
        *(["pack", p] for p in report.packs), *(["list", name] for name in report.lists), ["results", len(rows)],
        *([f"results: {s}", n] for s, n in sorted(Counter(r["severity"] for r in rows).items(),
                                                    key=lambda x: SEVERITIES.get(x[0], 9))),
        *([f"results: {p}", n] for p, n in sorted(Counter(r["pack"] or "" for r in rows).items())),
        *([f"results: {p}, {s}", n] for (p, s), n in sorted(
            Counter((r["pack"] or "", r["severity"]) for r in rows).items(),
            key=lambda x: (x[0][0], SEVERITIES.get(x[0][1], 9)))),
        *(["warning", w] for w in report.warnings)]
    results = Table("results", RESULT_COLUMNS, cells, max_rows=max_rows)
    sheets = sheet_titles(results.title, len(cells), max_rows - 1)
    if len(sheets) > 1:  # the summary says where the results go on
        items += [["results sheet", s] for s in sheets]
    return write_workbook(out, [results, Table("summary", ["item", "value"], items)])


IMPACT_FORMATS = {"ppm": "#,##0.###", "article_percent": "0.0000##", "max_ppm": "#,##0.###",
                  "max_article_percent": "0.0000##"}


def impact_workbook(rows: list[ImpactRow], out: Path) -> list[str]:
    """`impact --format xlsx`: one value per cell. "by part" has a row per hit and product it goes into (a
    hit in no product: one row, no product); "by supplier" a row per supplier and substance, "by product" a
    row per product, supplier and substance, each with the parts concerned and those over the threshold."""
    at = COLUMNS.index("products")
    part_columns = COLUMNS[:at] + ["product_id", "product_name"] + COLUMNS[at + 1:]
    by_part = []
    for i in rows:
        flat = [getattr(i, c) for c in COLUMNS]
        by_part += [flat[:at] + [pid, pname] + flat[at + 1:] for pid, pname in i.products or [("", "")]]
    suppliers: dict[tuple, list[ImpactRow]] = defaultdict(list)
    products: dict[tuple, list[ImpactRow]] = defaultdict(list)
    for i in rows:
        suppliers[(i.supplier_id, i.supplier_name, i.cas, i.substance_name)].append(i)
        for pid, pname in i.products:
            products[(pid, pname, i.supplier_id, i.supplier_name, i.cas, i.substance_name)].append(i)

    def counts(items: list[ImpactRow]) -> list[object]:
        return [len({i.part_id for i in items}), len({i.part_id for i in items if i.over_threshold})]

    def peaks(items: list[ImpactRow]) -> list[object]:
        return [max((getattr(i, f) for i in items if getattr(i, f) is not None), default=None)
                for f in ("ppm", "article_percent")]

    tail = ["cas", "substance_name", "max_ppm", "max_article_percent"]
    return write_workbook(out, [
        Table("by part", part_columns, by_part, IMPACT_FORMATS),
        Table("by supplier", ["supplier_id", "supplier_name", "parts", "over_threshold_parts", *tail],
              [[s, n, *counts(items), cas, name, *peaks(items)]
               for (s, n, cas, name), items in sorted(suppliers.items())], IMPACT_FORMATS),
        Table("by product", ["product_id", "product_name", "parts", "over_threshold_parts", "supplier_id",
                             "supplier_name", *tail],
              [[p, pn, *counts(items), s, sn, cas, name, *peaks(items)]
               for (p, pn, s, sn, cas, name), items in sorted(products.items())], IMPACT_FORMATS)])
