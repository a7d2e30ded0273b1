"""Japan's CSCL Class I Specified Chemical Substances (化審法 第一種特定化学物質).

The Cabinet Order names 40 items in Japanese and gives no CAS numbers; `class1-cas-mapping.csv` maps each
item to verified CAS numbers with a source per row. An item with one CAS number concerns that substance;
an item with several, or with none (a class of compounds), concerns a group.

`class1-designation-dates.csv` gives when each item's designation took effect (the amending Cabinet Order's
施行日), with its source and whether it was verified. An item whose date could not be confirmed has no date of
inclusion: it counts as listed at every evaluation date (never a false pass) and the load says so.
"""

from __future__ import annotations

from pathlib import Path

from complygraph.dates import iso_date
from complygraph.loaders.errors import Problems
from complygraph.loaders.list_exports import read_export
from complygraph.loaders.listmodel import ListBuilder, SubstanceRef, substances_in, verification_stated
from complygraph.loaders.tabular import read_delimited

MAPPING = {"item": "item", "cas_number": "cas", "name_en": "name", "source": "source"}
DATES = {"item": "item", "name_ja": "name_ja", "designated": "designated", "effective": "effective",
         "cabinet_order": "order", "source": "source", "verification": "verification"}


def load_class1(builder: ListBuilder, path: Path, problems: Problems) -> None:
    mapping = builder.companions["class1-cas-mapping.csv"]
    mapping_path = mapping.path
    sources = {s.path: s.iri.value for s in builder.sources + [mapping]}
    rows_by_item: dict[str, list] = {}
    for r in read_delimited(mapping_path, MAPPING, {"item", "name"}):
        rows_by_item.setdefault(r.get("item"), []).append(r)
    dates = _designation_dates(builder, problems)
    list_id = builder.spec.id
    seen = set()
    for row in read_export(path, "cscl-class1", list_id):
        item = row.get("item")
        if not item.isdigit():
            problems.add(row.file, row.line, "item", f"not an item number: {item!r}")
            continue
        seen.add(item)
        mapped = rows_by_item.get(item, [])
        if not mapped:
            problems.add(str(mapping_path), None, "item", f"item {item} has no row in the CAS mapping")
            continue
        subjects: list[SubstanceRef] = []
        for m in mapped:
            if m.get("cas"):
                subjects += substances_in(m.fields, list_id=list_id, file=m.file, line=m.line,
                                          problems=problems)
        name_en = mapped[0].get("name")
        if len(subjects) == 1:
            subjects[0].name_ja = row.get("name_ja")
        e = builder.entry(f"item-{item}", name_en, subjects)
        e.name_ja = row.get("name_ja")
        e.entry_number = item
        e.sources |= {sources[path], sources[mapping_path]}
        e.reasons += sorted({m.get("source") for m in mapped})
        if len(subjects) != 1:
            e.group_name = f"item {item}: {name_en}"
        if dates is not None:
            d = dates.get(item)
            if d is None:
                problems.add(str(builder.companions["class1-designation-dates.csv"].path), None, "item",
                             f"item {item} has no row in the designation dates")
                continue
            if d.get("name_ja") != row.get("name_ja"):
                problems.add(d.file, d.line, "name_ja", f"item {item} is {row.get('name_ja')!r} in the Cabinet "
                             f"Order file, not {d.get('name_ja')!r}")
            if d.get("effective"):
                e.dates.append(iso_date(d.get("effective")))
            elif d.get("designated"):
                # promulgated on that day, the day it took effect not verified: it cannot have applied earlier, so
                # it counts from then (a few weeks early at most, never late). Until 2026-12-06 such an item (33,
                # decaBDE, 平成30年政令第35号 of 2018-02-21) counted at every date, 2010 included (QA5 B14).
                e.dates.append(iso_date(d.get("designated")))
            e.verification = d.get("verification")
            e.legal_acts += [d.get("order")] if d.get("order") else []
            e.sources.add(builder.companions["class1-designation-dates.csv"].iri.value)
    for item in rows_by_item:
        if item not in seen:
            problems.add(str(mapping_path), None, "item", f"item {item} is not in the Cabinet Order file")



def _designation_dates(builder: ListBuilder, problems: Problems) -> dict | None:
    """Item -> its row of the designation dates, when the list has that companion."""
    src = builder.companions.get("class1-designation-dates.csv")
    if src is None:
        return None
    out = {}
    for r in read_delimited(src.path, DATES, {"item", "name_ja", "verification"}):
        try:
            for column in ("effective", "designated"):
                if r.get(column):
                    iso_date(r.get(column))
        except ValueError as exc:
            problems.add(r.file, r.line, column, str(exc))
            continue
        verification_stated(r, problems)
        out[r.get("item")] = r
    return out
