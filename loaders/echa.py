"""ECHA list exports: the Candidate List, Annex XVII restrictions and the POPs list.

ECHA publishes each list as an English xlsx (one row per entry) and, in older exports, as a
tab-separated CSV in the user's language with a preamble, where group entries are split into one header
row followed by member rows. Both are read here into the same entries, so loading both formats of one
list gives one list whose group entries know their members. Which columns each export has, and refusing
another list's file naming what it looks like, is `list_exports`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from complygraph.dates import parse_date
from complygraph.loaders.annex_xvii import annex_xvii_rules
from complygraph.loaders.errors import Problems
from complygraph.loaders.list_exports import read_export
from complygraph.loaders.listmodel import Entry, ListBuilder, clean, substances_in
from complygraph.loaders.pops_limits import trace_limits
from complygraph.loaders.tabular import Row


def _date(row: Row, key: str, problems: Problems, required: bool = True) -> dt.date | None:
    """A date as ECHA writes it in either language (the lenient `parse_date`, not the ISO dates of our own
    import formats)."""
    value = row.get(key)
    if not clean(value):
        if required:
            problems.add(row.file, row.line, key, "date is missing")
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        problems.add(row.file, row.line, key, str(exc))
        return None


def _runs(rows: Iterator[Row]) -> Iterator[list[Row]]:
    """Group header and member rows of a split export: consecutive rows that share the date, decision and
    supporting document of the first are one entry. Exports without a supporting-document column (the
    xlsx) have one row per entry."""
    run: list[Row] = []
    key = None
    for row in rows:
        k = (row.get("date"), row.get("decision"), row.get("support"))
        if run and k == key and row.get("support"):
            run.append(row)
            continue
        if run:
            yield run
        run, key = [row], k
    if run:
        yield run


def load_candidate_list(builder: ListBuilder, path: Path, problems: Problems) -> None:
    list_id = builder.spec.id
    source = next(s.iri.value for s in builder.sources if s.path == path)
    for run in _runs(read_export(path, "echa-candidate-list", list_id)):
        head = run[0]
        subjects = substances_in(head.fields, list_id=list_id, file=head.file, line=head.line, problems=problems)
        date = _date(head, "date", problems)
        if not subjects:
            continue
        e = builder.entry(subjects[0].key, head.get("name").split("\n")[0].strip(), subjects, merge_by_name=True)
        for s in subjects:
            if s.iri.value not in {x.iri.value for x in e.subjects}:
                e.subjects.append(s)
        if date:
            e.dates.append(date)
        # ECHA's CSV export writes several reasons as adjacent quoted strings ("A""B"), which a CSV reader gives as
        # A"B; its xlsx, one per line (QA10 B06: one garbled reason)
        e.reasons += [r.strip() for r in re.split(r'[\n"]', head.get("reason")) if clean(r)]
        e.description = e.description or clean(head.get("description"))
        e.sources.add(source)
        outcome = clean(head.get("outcome_date"))
        if outcome:
            e.modified = max(filter(None, [e.modified, _date(head, "outcome_date", problems)]))
        for member in run[1:]:
            e.members += substances_in(member.fields, list_id=list_id, file=member.file, line=member.line,
                                       problems=problems)


def load_restriction_list(builder: ListBuilder, path: Path, problems: Problems) -> None:
    """REACH Annex XVII: one entry per (entry number, substance); amendments repeat the row with a newer
    outcome date, the earliest of which is the date of inclusion."""
    list_id = builder.spec.id
    source = next(s.iri.value for s in builder.sources if s.path == path)
    for row in read_export(path, "echa-restriction-list", list_id):
        subjects = substances_in(row.fields, list_id=list_id, file=row.file, line=row.line, problems=problems)
        number = clean(row.get("entry_number"))
        if not number:
            problems.add(row.file, row.line, "entry_number", "entry number is missing")
            continue
        if not subjects:
            continue
        number = number.lstrip("0") or "0"
        e = builder.entry(f"{number}-{subjects[0].key}", row.get("name").split("\n")[0].strip(), subjects)
        e.entry_number = number
        e.sources.add(source)
        date = _date(row, "outcome_date", problems)
        if date:
            e.dates.append(date)
        if clean(row.get("conditions")) and row.get("conditions").startswith("http"):
            e.see_also.append(row.get("conditions").split()[0])
        e.description = e.description or clean(row.get("description"))
    builder.extra += annex_xvii_rules(builder, problems)


def load_pops_list(builder: ListBuilder, path: Path, problems: Problems) -> None:
    """The entries of the annexes the catalog option `annexes` names (Annex I: prohibitions; Annex III lists
    substances for release reduction, which restricts no article), and their trace contaminant limits."""
    list_id = builder.spec.id
    source = next(s.iri.value for s in builder.sources if s.path == path)
    annexes = builder.spec.options.get("annexes")
    by_name: dict[str, Entry] = {}
    for row in read_export(path, "echa-pops-list", list_id):
        # "Annex I, part A\nAnnex IV": the annex of each line is what precedes its comma
        listed_in = {line.split(",")[0].strip().lower() for line in (row.get("annex") or "").split("\n")}
        if annexes and not listed_in & {a.lower() for a in annexes}:
            continue
        subjects = substances_in(row.fields, list_id=list_id, file=row.file, line=row.line, problems=problems)
        date = _date(row, "date", problems)
        if not subjects:
            continue
        e = builder.entry(subjects[0].key, row.get("name").split("\n")[0].strip(), subjects)
        by_name[row.get("name").strip()] = by_name[e.name] = e
        e.sources.add(source)
        if date:
            e.dates.append(date)
        annex = clean(row.get("annex"))
        if annex:
            e.reasons.append(" / ".join(a.strip() for a in annex.split("\n")))
        e.description = e.description or clean(row.get("description"))
    builder.extra += trace_limits(builder, by_name, problems)


def load_svhc_identification(builder: ListBuilder, path: Path, problems: Problems) -> None:
    """Substances in ECHA's SVHC identification process (intentions, consultations, MSC agreement): the
    candidates for the next Candidate List updates, for what-if analysis. Stages that end the process
    (inclusion, withdrawal) are listed in the catalog option `closed_stages` and left out."""
    list_id = builder.spec.id
    closed = {s.lower() for s in builder.spec.options.get("closed_stages", [])}
    source = next(s.iri.value for s in builder.sources if s.path == path)
    for row in read_export(path, "echa-svhc-identification", list_id):
        stage = clean(row.get("stage")) or ""
        if stage.lower() in closed:
            continue
        subjects = substances_in(row.fields, list_id=list_id, file=row.file, line=row.line, problems=problems)
        if not subjects:
            continue
        e = builder.entry(subjects[0].key, row.get("name").split("\n")[0].strip(), subjects, merge_by_name=True)
        e.sources.add(source)
        when = clean(row.get("stage_date"))
        e.reasons.append(f"{stage} ({when})" if when else stage)
