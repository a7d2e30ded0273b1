"""The customer's own survey form (seed 003, Form 2-1: the 33-item JIG-based use/non-use declaration) as a
CSV or XLSX import: per part, for each substance group, present yes/no, concentration, where used,
purpose, phase-out date, and the production stop date of a discontinued part.

Two layouts are read: a flat table (columns `part_id`, `date`, `item`, `present`, `ppm`, `where_used`,
`purpose`, `phase_out_date`, `discontinued_date`, one file for many parts), and the returned form itself,
whose table has the form's own Japanese or English headers (番号 / No., 含有有無 / Present (Y/N),
含有量 (ppm) / Material Substance Mass(ppm), コメント / If Yes, information on where it is used.) after a
preamble; the part and the answer date then come from `--part` and `--date`. The items and what they
allow are data (shapes/supplier-survey/data); the supplier-survey pack judges the answers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from complygraph.graph.shacl.packs import data_members, load_pack_data
from complygraph.graph.store import Store
from complygraph.identifiers import fold_width
from complygraph.loaders import rdf
from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.provenance import activity_triples
from complygraph.loaders.records import Record, RecordChecker, parse_number
from complygraph.loaders.tabular import YES_NO, Row, read_delimited, read_xlsx
from complygraph.vocab import CG, ID, RDF_TYPE, cg, dct, entity_iri, prov

DEFAULT_FORM = "nishishiba-form2-1"
# Each column's name in the flat table, then how the returned form heads it in Japanese or English.
COLUMNS = {
    "part_id": ("part", "西芝手配コード／製品コード", "nishishiba part number"),
    "date": ("answer_date", "回答日"),
    "item": ("no.", "no", "番号"),
    "present": ("present (y/n)", "含有有無"),
    "ppm": ("material substance mass(ppm)", "含有量 (ppm)", "含有量(ppm)"),
    "where_used": ("if yes, information on where it is used.", "コメント",
                   "コメント (含有部位を具体的にご記入願います)"),
    "purpose": ("含有目的",),
    "phase_out_date": ("全廃予定時期",),
    "discontinued_date": ("製造中止時期",),
    "form": (),
}
ALIASES = {header: name for name, headers in COLUMNS.items() for header in (name, *headers)}
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # thousands grouped ("0,500": a decimal comma)
PRESENT = {**YES_NO, "有": True, "無": False, "あり": True, "なし": False}


@cache
def form_items() -> dict[str, frozenset[str]]:
    """Item ids of every survey form shipped in a pack's data (form id -> item ids)."""
    return data_members(CG + "hasSurveyItem")


def read_rows(path: Path) -> Iterator[Row]:
    required = {"item", "present"}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, ALIASES, required)
    return read_delimited(path, ALIASES, required)


def import_survey(store: Store, paths: list[Path], part: str | None = None, date: dt.date | None = None,
                  form: str = DEFAULT_FORM) -> dict[str, int]:
    """Validate every file, then store all answers in one transaction; any problem stores nothing."""
    job = SurveyImport(store, paths, part, date, form)
    records = [rec for p in paths for rec in _records(Path(p))]
    # answering again for the same part, form and date replaces that response's answers
    again = {job.response_iri(r.get("part_id") or part or "", r.get("date")[:10] if r.get("date") else
                              (date.isoformat() if date else "")) for r in records}
    replace = ("DELETE { ?r ?p ?o . ?a ?ap ?ao } WHERE { VALUES ?r { " + " ".join(str(r) for r in again) +
               " } ?r ?p ?o . OPTIONAL { ?r cg:hasSurveyAnswer ?a . ?a ?ap ?ao } }")
    responses = " ".join(str(r) for r in again)
    touches = (f"SELECT ?s WHERE {{ {{ VALUES ?s {{ {responses} }} }} UNION "
               f"{{ VALUES ?r {{ {responses} }} ?r cg:hasSurveyAnswer ?s }} }}")
    triples = store.write(job.triples(records), replace=replace, touches=touches)
    if not store.ask("ASK WHERE { ?f a cg:SurveyForm }"):
        load_pack_data(store, ["supplier-survey"])  # the items the answers refer to
    return {"surveys": len(job.responses), "answers": job.answers, "triples": triples}


def _records(path: Path) -> list[Record]:
    if not path.exists():
        raise InputError([Problem(str(path), None, None, "file not found")])
    return [Record("survey", row.file, row.line, row.fields) for row in read_rows(path)]


class SurveyImport:
    """The answers of one or more survey files, checked; a part must be in the store before its survey."""

    def __init__(self, store: Store, paths: list[Path], part: str | None, date: dt.date | None, form: str) -> None:
        self.store, self.paths, self.part, self.date, self.form = store, paths, part, date, form
        self.checks = RecordChecker()
        self.known_parts: dict[str, NamedNode | None] = {}  # part id -> its supplier (None: none stored)
        self.responses: set[NamedNode] = set()
        self.seen: set[tuple[NamedNode, str]] = set()
        self.answers = 0

    def response_iri(self, pid: str, date: str) -> NamedNode:
        return NamedNode(f"{ID}survey/{quote(pid, safe='')}/{quote(self.form, safe='')}/{quote(date, safe='-')}")

    def _part(self, rec: Record, pid: str) -> bool:
        if pid not in self.known_parts:
            rows = self.store.select("SELECT ?s WHERE { ?p a cg:Part . OPTIONAL { ?p cg:suppliedBy ?s } }",
                                     {"p": entity_iri("part", pid)})
            if not rows:
                self.checks.problem(rec, "part_id", f"unknown part {pid!r}: import the part before its survey")
                return False
            self.known_parts[pid] = rows[0].get("s")
        return True

    def _answer_date(self, rec: Record) -> dt.date | None:
        """The row's date, else the one given for all rows (`--date`); one of them is required."""
        if rec.get("date"):
            return self.checks.date(rec, "date", leading=True)
        if self.date is None:
            self.checks.problem(rec, "date", "required value is missing (or give --date)")
        return self.date

    def triples(self, records: list[Record]) -> Iterator[Triple]:
        items = form_items().get(self.form)
        if items is None:
            raise InputError([Problem(str(self.paths[0]), None, "form", f"unknown survey form {self.form!r}; "
                                                                        f"known: {sorted(form_items())}")])
        act = NamedNode(f"{ID}import/survey/{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%f')}")
        yield from activity_triples(act, stamped=False)  # the activity's IRI holds its time
        for rec in records:
            yield from self._row(rec, items, act)
        self.checks.problems.raise_if_any()

    def _row(self, row: Record, items: frozenset[str], act: NamedNode) -> Iterator[Triple]:
        pid = row.get("part_id") or self.part or ""
        if not pid:
            self.checks.problem(row, "part_id", "required value is missing (or give --part)")
            return
        item = row.get("item").upper()
        if item not in items:
            self.checks.problem(row, "item", f"form {self.form!r} has no item {row.get('item')!r}")
            return
        present = PRESENT.get(row.get("present").lower()) if row.get("present") else None
        if present is None:
            self.checks.problem(row, "present", f"expected yes/no (有/無), got {row.get('present')!r}")
        date = self._answer_date(row)
        phase_out = self.checks.date(row, "phase_out_date", required=False, leading=True)
        stop = self.checks.date(row, "discontinued_date", required=False, leading=True)
        ppm = None
        if row.get("ppm"):
            # thousands grouped by commas as the forms write them ("1,000"); "1,5" or "1_0" is no concentration
            text = row.get("ppm").strip()
            ppm = parse_number(text.replace(",", ""), positive=False)[0] if "," not in text or _GROUPED.fullmatch(
                text) else None
            if ppm is None or ppm > 1_000_000:
                self.checks.problem(row, "ppm", f"not a concentration between 0 and 1000000 ppm: {row.get('ppm')!r}")
                return
        bad_dates = (row.get("phase_out_date") and phase_out is None) or (row.get("discontinued_date") and stop is None)
        if not self._part(row, pid) or present is None or date is None or bad_dates:
            return
        part = entity_iri("part", pid)
        response = self.response_iri(pid, date.isoformat())
        if (response, item) in self.seen:
            self.checks.problem(row, "item", f"item {item} is answered twice for part {pid!r} on {date}")
            return
        self.seen.add((response, item))
        if response not in self.responses:
            self.responses.add(response)
            yield rdf.t(response, RDF_TYPE, cg.Declaration)
            yield rdf.t(response, cg.declarationClass, rdf.text("survey"))
            yield rdf.t(response, cg.surveyForm, NamedNode(f"{ID}survey/{quote(self.form, safe='')}"))
            yield rdf.t(response, cg.declares, part)
            yield rdf.t(response, dct.date, rdf.date(date))
            yield rdf.t(response, prov.wasGeneratedBy, act)
            supplier = self.known_parts.get(pid)
            if supplier is not None:
                yield rdf.t(response, cg.declaredBy, supplier)
        if stop:
            yield rdf.t(response, cg.discontinuedDate, rdf.date(stop))
        answer = NamedNode(f"{response.value}/{item}")
        self.answers += 1
        yield rdf.t(response, cg.hasSurveyAnswer, answer)
        yield rdf.t(answer, RDF_TYPE, cg.SurveyAnswer)
        yield rdf.t(answer, cg.surveyItem, NamedNode(f"{ID}survey/{quote(self.form, safe='')}/{item}"))
        yield rdf.t(answer, cg.present, rdf.boolean(present))
        if ppm is not None:
            yield rdf.t(answer, cg.concentrationPpm, rdf.decimal(ppm))
        # Width-folded as material categories are: "ＰＶＣケーブル" is the PVC cable of the form's pattern (a review);
        # the case is kept for the reader, the pattern ignores it
        fields = {**row.fields, **({"where_used": fold_width(row.fields["where_used"])}
                                   if row.fields.get("where_used") else {})}
        yield from rdf.texts(answer, fields, {"where_used": cg.whereUsed, "purpose": cg.purpose})
        if phase_out:
            yield rdf.t(answer, cg.phaseOutDate, rdf.date(phase_out))
