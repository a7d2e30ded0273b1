"""Impact reports as files: CSV and JSON for tools, an xlsx workbook for people and suppliers."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

from complygraph.graph.impact import ImpactRow

COLUMNS = ["change", "part_id", "part_name", "material_id", "material_name", "cas", "substance_name", "ppm",
           "article_percent", "over_threshold", "supplier_id", "supplier_name", "products", "entry_name", "entry"]


def _flat(i: ImpactRow) -> dict:
    row = asdict(i)
    row["products"] = "; ".join(p for p, _ in i.products)
    return {c: row[c] for c in COLUMNS}


def write_impact(rows: list[ImpactRow], fmt: str, out: Path | None) -> str | None:
    """CSV or JSON text, or (xlsx) a workbook written to `out` with one sheet per view."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(_flat(i) for i in rows)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps([{**asdict(i), "products": [{"id": p, "name": n} for p, n in i.products]} for i in rows],
                          indent=2, ensure_ascii=False) + "\n"
    if fmt == "xlsx":
        _xlsx(rows, out)
        return None
    raise ValueError(f"unknown format {fmt!r}")


def _xlsx(rows: list[ImpactRow], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    by_part = wb.active
    by_part.title = "by part"
    by_part.append(COLUMNS)
    for i in rows:
        by_part.append([_flat(i)[c] for c in COLUMNS])
    suppliers: dict[tuple[str, str], list[ImpactRow]] = defaultdict(list)
    products: dict[tuple[str, str], list[ImpactRow]] = defaultdict(list)
    for i in rows:
        suppliers[(i.supplier_id, i.supplier_name)].append(i)
        for p in i.products:
            products[p].append(i)
    _summary_sheet(wb.create_sheet("by supplier"), "supplier", suppliers,
                   lambda items: sorted({i.part_id for i in items}))
    _summary_sheet(wb.create_sheet("by product"), "product", products,
                   lambda items: sorted({i.supplier_id for i in items}))
    wb.save(out)


def _summary_sheet(sheet, kind: str, groups: dict[tuple[str, str], list[ImpactRow]], listed) -> None:
    """One row per supplier or product: parts touched, parts over the threshold, substances, and the
    parts (per supplier) or suppliers (per product) to contact."""
    last = "part_ids" if kind == "supplier" else "suppliers"
    sheet.append([f"{kind}_id", f"{kind}_name", "parts", "over_threshold_parts", "substances", last])
    for (key, name), items in sorted(groups.items()):
        sheet.append([key, name, len({i.part_id for i in items}), len({i.part_id for i in items if i.over_threshold}),
                      "; ".join(sorted({f"{i.substance_name} ({i.cas})" for i in items})), "; ".join(listed(items))])
