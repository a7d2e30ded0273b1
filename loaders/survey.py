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
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from ..graph.store import Store
from ..vocab import CG, ID, RDF_TYPE, cg, dct, entity_iri, prov
from . import rdf
from .errors import InputError, Problem, Problems
from .tabular import YES_NO, Row, read_delimited, read_xlsx

DEFAULT_FORM = "nishishiba-form2-1"
ALIASES = {
    "part_id": "part_id", "part": "part_id", "西芝手配コード／製品コード": "part_id",
    "nishishiba part number": "part_id",
    "date": "date", "answer_date": "date", "回答日": "date",
    "item": "item", "no.": "item", "no": "item", "番号": "item",
    "present": "present", "present (y/n)": "present", "含有有無": "present",
    "ppm": "ppm", "material substance mass(ppm)": "ppm", "含有量 (ppm)": "ppm", "含有量(ppm)": "ppm",
    "where_used": "where_used", "if yes, information on where it is used.": "where_used",
    "コメント": "where_used", "コメント (含有部位を具体的にご記入願います)": "where_used",
    "purpose": "purpose", "含有目的": "purpose",
    "phase_out_date": "phase_out_date", "全廃予定時期": "phase_out_date",
    "discontinued_date": "discontinued_date", "製造中止時期": "discontinued_date",
    "form": "form",
}
PRESENT = {**YES_NO, "有": True, "無": False, "あり": True, "なし": False}


@cache
def form_items() -> dict[str, frozenset[str]]:
    """Item ids of every survey form shipped in a pack's data (form id -> item ids)."""
    from ..graph.shacl.packs import data_members

    return data_members(CG + "hasSurveyItem")


def read_rows(path: Path) -> Iterator[Row]:
    required = {"item", "present"}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, ALIASES, required)
    return read_delimited(path, ALIASES, required)


def import_survey(store: Store, paths: list[Path], part: str | None = None, date: dt.date | None = None,
                  form: str = DEFAULT_FORM) -> dict[str, int]:
    """Validate every file, then store all answers in one transaction; any problem stores nothing."""
    job = _Survey(store, paths, part, date, form)
    rows = [row for p in paths for row in _rows(Path(p))]
    # answering again for the same part, form and date replaces that response's answers
    again = {job.response_iri(r.get("part_id") or part or "", r.get("date")[:10] if r.get("date") else
                              (date.isoformat() if date else "")) for r in rows}
    replace = ("DELETE { ?r ?p ?o . ?a ?ap ?ao } WHERE { VALUES ?r { " + " ".join(str(r) for r in again) +
               " } ?r ?p ?o . OPTIONAL { ?r cg:hasSurveyAnswer ?a . ?a ?ap ?ao } }")
    triples = store.write(job.triples(rows), replace=replace)
    if not store.ask("ASK WHERE { ?f a cg:SurveyForm }"):
        from ..graph.shacl.packs import load_pack_data

        load_pack_data(store, ["supplier-survey"])  # the items the answers refer to
    return {"surveys": len(job.responses), "answers": job.answers, "triples": triples}


def _rows(path: Path) -> list[Row]:
    if not path.exists():
        raise InputError([Problem(str(path), None, None, "file not found")])
    return list(read_rows(path))


class _Survey:
    def __init__(self, store: Store, paths: list[Path], part: str | None, date: dt.date | None, form: str) -> None:
        self.store, self.paths, self.part, self.date, self.form = store, paths, part, date, form
        self.problems = Problems()
        self.known_parts: dict[str, NamedNode | None] = {}  # part id -> its supplier (None: none stored)
        self.responses: set[NamedNode] = set()
        self.seen: set[tuple[NamedNode, str]] = set()
        self.answers = 0

    def response_iri(self, pid: str, date: str) -> NamedNode:
        return NamedNode(f"{ID}survey/{quote(pid, safe='')}/{quote(self.form, safe='')}/{quote(date, safe='-')}")

    def _p(self, row: Row, field: str | None, reason: str) -> None:
        self.problems.add(row.file, row.line, field, reason)

    def _part(self, row: Row, pid: str) -> bool:
        if pid not in self.known_parts:
            rows = self.store.select("SELECT ?s WHERE { ?p a cg:Part . OPTIONAL { ?p cg:suppliedBy ?s } }",
                                     {"p": entity_iri("part", pid)})
            if not rows:
                self._p(row, "part_id", f"unknown part {pid!r}: import the part before its survey")
                return False
            self.known_parts[pid] = rows[0].get("s")
        return True

    def _date(self, row: Row, name: str, required: bool) -> dt.date | None | bool:
        text = row.get(name)
        if not text:
            if required:
                self._p(row, name, "required value is missing (or give --date)")
                return False
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            self._p(row, name, f"not a date (YYYY-MM-DD): {text!r}")
            return False

    def triples(self, rows: list[Row]) -> Iterator[Triple]:
        items = form_items().get(self.form)
        if items is None:
            raise InputError([Problem(str(self.paths[0]), None, "form", f"unknown survey form {self.form!r}; "
                                                                        f"known: {sorted(form_items())}")])
        act = NamedNode(f"{ID}import/survey/{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%f')}")
        yield rdf.t(act, RDF_TYPE, cg.Import)
        yield rdf.t(act, RDF_TYPE, prov.Activity)
        for row in rows:
            yield from self._row(row, items, act)
        self.problems.raise_if_any()

    def _row(self, row: Row, items: frozenset[str], act: NamedNode) -> Iterator[Triple]:
        pid = row.get("part_id") or self.part or ""
        if not pid:
            self._p(row, "part_id", "required value is missing (or give --part)")
            return
        item = row.get("item").upper()
        if item not in items:
            self._p(row, "item", f"form {self.form!r} has no item {row.get('item')!r}")
            return
        present = PRESENT.get(row.get("present").lower()) if row.get("present") else None
        if present is None:
            self._p(row, "present", f"expected yes/no (有/無), got {row.get('present')!r}")
        date = self._date(row, "date", required=self.date is None) if row.get("date") or self.date is None \
            else self.date
        phase_out = self._date(row, "phase_out_date", required=False)
        stop = self._date(row, "discontinued_date", required=False)
        ppm = None
        if row.get("ppm"):
            try:
                ppm = Decimal(row.get("ppm").replace(",", ""))
                if not ppm.is_finite() or ppm < 0 or ppm > 1_000_000:
                    raise InvalidOperation
            except InvalidOperation:
                self._p(row, "ppm", f"not a concentration between 0 and 1000000 ppm: {row.get('ppm')!r}")
                return
        if not self._part(row, pid) or present is None or date is False or phase_out is False or stop is False:
            return
        part = entity_iri("part", pid)
        response = self.response_iri(pid, date.isoformat())
        if (response, item) in self.seen:
            self._p(row, "item", f"item {item} is answered twice for part {pid!r} on {date}")
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
        yield from rdf.texts(answer, row.fields, {"where_used": cg.whereUsed, "purpose": cg.purpose})
        if phase_out:
            yield rdf.t(answer, cg.phaseOutDate, rdf.date(phase_out))
